package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/i18n"
	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/orgcheck"
	"redgrid/internal/store"
)

// orgRoutes registers the organization pages and API (party organizations,
// coverage, posts, alliances, composition checks).
func (s *Server) orgRoutes() {
	s.handle("GET", "/organizations", auth.PermOrgRead, s.orgList)
	s.handle("GET", "/organizations/new", auth.PermOrgWrite, s.orgNew)
	s.handle("POST", "/organizations", auth.PermOrgWrite, s.orgCreate)
	s.handle("GET", "/organizations/checks", auth.PermOrgRead, s.orgChecksPage)
	s.handle("GET", "/organizations/{id}", auth.PermOrgRead, s.orgShow)
	s.handle("GET", "/organizations/{id}/edit", auth.PermOrgWrite, s.orgEdit)
	s.handle("POST", "/organizations/{id}", auth.PermOrgWrite, s.orgUpdate)
	s.handle("POST", "/organizations/{id}/coverage", auth.PermOrgWrite, s.orgCoverageAdd)
	s.handle("GET", "/organizations/{id}/coverage/end", auth.PermOrgWrite, s.orgCoverageEndConfirm)
	s.handle("POST", "/organizations/{id}/coverage/end", auth.PermOrgWrite, s.orgCoverageEnd)
	s.handle("POST", "/organizations/{id}/posts", auth.PermOrgWrite, s.orgPostAssign)
	s.handle("GET", "/organizations/{id}/posts/end", auth.PermOrgWrite, s.orgPostEndConfirm)
	s.handle("POST", "/organizations/{id}/posts/end", auth.PermOrgWrite, s.orgPostEnd)

	s.handle("GET", "/alliances", auth.PermOrgRead, s.allianceList)
	s.handle("GET", "/alliances/new", auth.PermOrgAdmin, s.allianceNew)
	s.handle("POST", "/alliances", auth.PermOrgAdmin, s.allianceCreate)
	s.handle("GET", "/alliances/{id}/edit", auth.PermOrgAdmin, s.allianceEdit)
	s.handle("POST", "/alliances/{id}", auth.PermOrgAdmin, s.allianceUpdate)

	s.handle("GET", "/api/v1/organizations", auth.PermOrgRead, s.apiOrgList)
	s.handle("POST", "/api/v1/organizations", auth.PermOrgWrite, s.apiOrgCreate)
	s.handle("GET", "/api/v1/organizations/{id}", auth.PermOrgRead, s.apiOrgGet)
	s.handle("PATCH", "/api/v1/organizations/{id}", auth.PermOrgWrite, s.apiOrgUpdate)
	s.handle("GET", "/api/v1/organizations/{id}/checks", auth.PermOrgRead, s.apiOrgChecks)
	s.handle("GET", "/api/v1/alliances", auth.PermOrgRead, s.apiAllianceList)
}

// ---- shared helpers ----

// orgCanManage mirrors the store's write rule for showing edit controls:
// admins anywhere, secretaries in their subtrees.
func orgCanManage(a *model.Actor, path string) bool {
	if a.Scope.All {
		return true
	}
	return slices.ContainsFunc(a.Scope.OrgPaths, func(p string) bool { return strings.HasPrefix(path, p) })
}

// orgFilterFrom reads list filters; shared by the page and the API.
func orgFilterFrom(q url.Values) (store.OrgFilter, error) {
	var v model.Validation
	f := store.OrgFilter{Keyword: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Cursor: q.Get("cursor")}
	if len([]rune(f.Keyword)) > 50 {
		v.Add("q", "field.too_long", 50)
	}
	if f.Kind != "" && !contains(model.OrgKinds, f.Kind) {
		v.Add("kind", "field.choose")
	}
	if p := q.Get("parent"); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			v.Add("parent", "field.number")
		} else {
			f.ParentID = n
		}
	}
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

// orgFromPath loads the organization named by the path, within the actor's scope.
func (s *Server) orgFromPath(r *http.Request) (model.Organization, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Organization{}, err
	}
	return s.store.Organization(r.Context(), info(r).sess.actor, id)
}

// orgManagedFromPath is orgFromPath for writes: an organization the actor may read
// but not manage is not found, as the store would answer.
func (s *Server) orgManagedFromPath(r *http.Request) (model.Organization, error) {
	o, err := s.orgFromPath(r)
	if err == nil && !orgCanManage(info(r).sess.actor, o.Path) {
		err = model.Errorf(model.ENOTFOUND, "error.not_found.organization")
	}
	return o, err
}

// orgCheckView is one composition warning ready to show or serve.
type orgCheckView struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func orgSeverityName(sv orgcheck.Severity) string {
	switch sv {
	case orgcheck.Alert:
		return "alert"
	case orgcheck.Warn:
		return "warn"
	}
	return "info"
}

// orgCheckViews localizes warnings; dates in their arguments are shown the way
// people read dates in the locale.
func (s *Server) orgCheckViews(locale string, cs []orgcheck.Check) []orgCheckView {
	out := make([]orgCheckView, 0, len(cs))
	for _, c := range cs {
		args := make([]any, len(c.Args))
		for i, a := range c.Args {
			args[i] = a
			if str, ok := a.(string); ok {
				if t, err := time.Parse("2006-01-02", str); err == nil {
					args[i] = i18n.Date(locale, t)
				}
			}
		}
		out = append(out, orgCheckView{Code: c.Code, Severity: orgSeverityName(c.Severity), Message: s.cat.T(locale, c.Key, args...)})
	}
	return out
}

// orgCheckCodes lists the warning codes in display order.
var orgCheckCodes = []string{"too_few_full_members", "committee_required", "branch_too_large", "joint_too_many_units",
	"term_ending", "term_overdue"}

// ---- list ----

type orgRow struct {
	model.Organization
	Warnings int
	Alert    bool
}

type orgListPage struct {
	Items   []orgRow
	Next    string
	Prev    string
	Kinds   []string
	Parents []model.Organization
	Limit   int
}

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), info(r).sess.actor
	v := s.view(r, "organizations")
	v.Title = v.T("organization.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.Title}}
	f, err := orgFilterFrom(r.URL.Query())
	p := orgListPage{Kinds: model.OrgKinds, Limit: f.Limit}
	if err == nil {
		p.Parents, err = s.store.OrgGroups(ctx, actor)
	}
	var items []model.Organization
	if err == nil {
		items, p.Next, p.Prev, err = s.store.ListOrganizations(ctx, actor, f)
	}
	var checks map[int64][]orgcheck.Check
	if err == nil {
		checks, err = s.store.OrgChecksOf(ctx, items) // this page's, not the subtree's
	}
	if err != nil {
		if form, ok := s.formFromError(r, err); ok {
			v.Form = form
			if v.Form.Error == "" {
				for _, m := range form.Errors {
					v.Form.Error = m
					break
				}
			}
			s.renderStatus(w, r, http.StatusUnprocessableEntity, "org_list", v, p)
			return
		}
		s.fail(w, r, err)
		return
	}
	for _, o := range items {
		row := orgRow{Organization: o, Warnings: len(checks[o.ID])}
		for _, c := range checks[o.ID] {
			row.Alert = row.Alert || c.Severity == orgcheck.Alert
		}
		p.Items = append(p.Items, row)
	}
	s.render(w, r, "org_list", v, p)
}

// ---- composition report ----

type orgChecksRow struct {
	Org    model.Organization
	Checks []orgCheckView
}

type orgChecksPage struct {
	Rows    []orgChecksRow
	Codes   []string
	Counts  map[string]int
	Total   int // organizations with any warning
	Code    string
	Parents []model.Organization
}

func (s *Server) orgChecksPage(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), info(r).sess.actor
	q := r.URL.Query()
	v := s.view(r, "organizations")
	v.Title = v.T("organization.checks_title")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.T("organization.list"), Href: "/organizations"}, {Label: v.Title}}
	p := orgChecksPage{Codes: orgCheckCodes, Counts: map[string]int{}, Code: q.Get("code")}
	var verr model.Validation
	if p.Code != "" && !contains(orgCheckCodes, p.Code) {
		verr.Add("code", "field.choose")
	}
	var root int64
	if s := q.Get("parent"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			verr.Add("parent", "field.number")
		}
		root = n
	}
	var err error
	if p.Parents, err = s.store.OrgGroups(ctx, actor); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := verr.Err(); err != nil {
		form, _ := s.formFromError(r, err)
		for _, m := range form.Errors {
			form.Error = m
			break
		}
		v.Form = form
		s.renderStatus(w, r, http.StatusUnprocessableEntity, "org_checks", v, p)
		return
	}
	report, err := s.store.CompositionReport(ctx, actor, root)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total = len(report)
	for _, row := range report {
		has := p.Code == ""
		for _, c := range row.Checks {
			p.Counts[c.Code]++
			has = has || c.Code == p.Code
		}
		if has {
			p.Rows = append(p.Rows, orgChecksRow{Org: row.Org, Checks: s.orgCheckViews(v.Locale, row.Checks)})
		}
	}
	s.render(w, r, "org_checks", v, p)
}

// ---- show ----

type orgShowPage struct {
	O          model.Organization
	Tab        string
	CanEdit    bool
	Checks     []orgCheckView
	Counts     model.MemberCounts
	Statuses   []string
	Categories []string
	Coverage   []model.OrgCoverage
	Covered    []model.OrgCoverage // ended
	CoverKinds []string
	Posts      []model.OrgPost
	PastPosts  []model.OrgPost
	PostNames  []string
	Candidates []model.Member
	Members    []model.Member
	MoreMems   bool
	Alliances  []model.Alliance
	History    []model.AuditEntry
}

var orgTabs = []string{"info", "coverage", "posts", "members", "alliances", "history"}

func (s *Server) orgShow(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderOrgShow(w, r, http.StatusOK, o, r.URL.Query().Get("tab"), nil)
}

// renderOrgShow shows one tab of an organization; form carries the values
// and errors of a failed add or assign on that tab.
func (s *Server) renderOrgShow(w http.ResponseWriter, r *http.Request, status int, o model.Organization, tab string, form *Form) {
	ctx, actor := r.Context(), info(r).sess.actor
	v := s.view(r, "organizations")
	if !contains(orgTabs, tab) {
		tab = "info"
	}
	p := orgShowPage{O: o, Tab: tab, CanEdit: v.Can(string(auth.PermOrgWrite)) && orgCanManage(actor, o.Path),
		Statuses: model.MemberStatuses, Categories: model.MemberCategories, CoverKinds: model.CoverageKinds, PostNames: model.Posts}
	cs, err := s.store.OrgChecks(ctx, o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Checks = s.orgCheckViews(v.Locale, cs)
	switch tab {
	case "info":
		p.Counts, err = s.store.OrgMemberCounts(ctx, o.ID)
	case "coverage":
		var cov []model.OrgCoverage
		cov, err = s.store.Coverage(ctx, o.ID)
		for _, c := range cov {
			if c.Until == nil {
				p.Coverage = append(p.Coverage, c)
			} else {
				p.Covered = append(p.Covered, c)
			}
		}
	case "posts":
		var posts []model.OrgPost
		posts, err = s.store.Posts(ctx, o.ID, true)
		for _, x := range posts {
			if x.EndedOn == nil {
				p.Posts = append(p.Posts, x)
			} else {
				p.PastPosts = append(p.PastPosts, x)
			}
		}
		if err == nil && p.CanEdit {
			p.Candidates, err = s.orgOwnMembers(ctx, actor, o.ID)
		}
	case "members":
		var page model.MemberPage
		page, err = s.store.ListMembers(ctx, actor, model.MemberFilter{OrgID: o.ID, Status: model.MemberNormal, Limit: 20})
		p.Members, p.MoreMems = page.Items, page.NextCursor != ""
	case "alliances":
		p.Alliances, err = s.store.OrgAlliances(ctx, o.ID)
	case "history":
		p.History, err = s.store.ListAudit(ctx, model.AuditFilter{Entity: "organization", EntityID: o.ID, Limit: 200})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title = o.Name
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.T("organization.list"), Href: "/organizations"}, {Label: o.Name}}
	if form == nil {
		form = &Form{Values: url.Values{}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "org_show", v, p)
}

// orgOwnMembers lists the members of the organization itself (not of its
// descendants): the only ones who may hold its posts.
func (s *Server) orgOwnMembers(ctx context.Context, actor *model.Actor, orgID int64) ([]model.Member, error) {
	var out []model.Member
	f := model.MemberFilter{OrgID: orgID, Status: model.MemberNormal, Limit: 200}
	for range 20 {
		page, err := s.store.ListMembers(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Items {
			if m.OrgID == orgID {
				out = append(out, m)
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	return out, nil
}

// ---- new / edit ----

type orgFormPage struct {
	Org     *model.Organization
	Kinds   []string
	Parents []model.Organization
	TopOK   bool // may create a top-level organization
}

// orgParentOptions lists the organizations the actor may place an
// organization under: in scope, managed, able to hold children, and not
// the organization itself or below it. The current parent stays offered.
func (s *Server) orgParentOptions(ctx context.Context, actor *model.Actor, self *model.Organization) ([]model.Organization, error) {
	groups, err := s.store.OrgGroups(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []model.Organization
	hasCurrent := self == nil || self.ParentID == 0
	for _, o := range groups {
		if !orgCanManage(actor, o.Path) || (self != nil && strings.HasPrefix(o.Path, self.Path)) {
			continue
		}
		if self != nil && o.ID == self.ParentID {
			hasCurrent = true
		}
		out = append(out, o)
	}
	if !hasCurrent {
		out = append([]model.Organization{{ID: self.ParentID, Name: self.ParentName}}, out...)
	}
	return out, nil
}

func (s *Server) renderOrgForm(w http.ResponseWriter, r *http.Request, status int, o *model.Organization, form *Form) {
	actor := info(r).sess.actor
	parents, err := s.orgParentOptions(r.Context(), actor, o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "organizations")
	if o == nil {
		v.Title = v.T("organization.new")
		v.Crumbs = []Crumb{{Label: v.T("organization.list"), Href: "/organizations"}, {Label: v.Title}}
	} else {
		v.Title = v.T("organization.edit")
		v.Crumbs = []Crumb{{Label: v.T("organization.list"), Href: "/organizations"},
			{Label: o.Name, Href: "/organizations/" + strconv.FormatInt(o.ID, 10)}, {Label: v.T("action.edit")}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "org_form", v, orgFormPage{Org: o, Kinds: model.OrgKinds, Parents: parents,
		TopOK: actor.Scope.All || (o != nil && o.ParentID == 0)})
}

func orgFormValues(o model.Organization) url.Values {
	in := store.OrganizationInputOf(o)
	vals := url.Values{"code": {in.Code}, "name": {in.Name}, "short_name": {in.ShortName}, "kind": {in.Kind},
		"founded_on": {in.FoundedOn}, "term_start": {in.TermStart}, "notes": {in.Notes}, "version": {strconv.Itoa(in.Version)}}
	if in.ParentID != 0 {
		vals.Set("parent_id", strconv.FormatInt(in.ParentID, 10))
	}
	if in.TermYears != 0 {
		vals.Set("term_years", strconv.Itoa(in.TermYears))
	}
	if in.Village {
		vals.Set("village", "1")
	}
	return vals
}

// orgInputFromForm parses the form; numbers that do not parse become field
// errors rather than zeros.
func orgInputFromForm(r *http.Request) (store.OrganizationInput, error) {
	var v model.Validation
	f := r.PostForm
	in := store.OrganizationInput{Code: f.Get("code"), Name: f.Get("name"), ShortName: f.Get("short_name"), Kind: f.Get("kind"),
		FoundedOn: f.Get("founded_on"), TermStart: f.Get("term_start"), Notes: f.Get("notes"), Village: f.Get("village") == "1"}
	num := func(name string) int64 {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil || n < 0 {
			v.Add(name, "field.number")
		}
		return n
	}
	in.ParentID = num("parent_id")
	in.TermYears = int(num("term_years"))
	in.Version = int(num("version"))
	return in, v.Err()
}

// orgFormStatus is 409 for a stale version (a conflict no field explains) and
// 422 for anything the user can fix in the form.
func orgFormStatus(err error, form *Form) int {
	if model.ErrorCode(err) == model.ECONFLICT && len(form.Errors) == 0 {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// orgScopeError turns the store's refusal to create outside the actor's
// subtree into an error on the parent field.
func orgScopeError(err error) error {
	if e, ok := model.AsError(err); ok && e.Code == model.EFORBIDDEN && e.Key == "organization.outside_scope" {
		var v model.Validation
		v.Add("parent_id", "organization.outside_scope")
		return v.Err()
	}
	return err
}

func (s *Server) orgNew(w http.ResponseWriter, r *http.Request) {
	vals := url.Values{"kind": {model.OrgBranch}}
	if p := r.URL.Query().Get("parent"); p != "" {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil {
			vals.Set("parent_id", p)
		}
	}
	s.renderOrgForm(w, r, http.StatusOK, nil, &Form{Values: vals})
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) {
	in, err := orgInputFromForm(r)
	var o model.Organization
	if err == nil {
		o, err = s.store.CreateOrganization(r.Context(), info(r).sess.actor, in)
		err = orgScopeError(err)
	}
	if err == nil {
		s.redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10), "flash.created")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := orgFormStatus(err, form)
	s.renderOrgForm(w, r, status, nil, form)
}

func (s *Server) orgEdit(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderOrgForm(w, r, http.StatusOK, &o, &Form{Values: orgFormValues(o)})
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := orgInputFromForm(r)
	if err == nil {
		_, err = s.store.UpdateOrganization(r.Context(), info(r).sess.actor, o.ID, in)
	}
	if err == nil {
		s.redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10), "flash.saved")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := orgFormStatus(err, form)
	s.renderOrgForm(w, r, status, &o, form)
}

// ---- coverage ----

func (s *Server) orgCoverageAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := store.CoverageInput{Kind: r.PostFormValue("kind"), Since: r.PostFormValue("since")}
	var v model.Validation
	code := ident.NormalizeUSCC(r.PostFormValue("uscc"))
	if code == "" {
		v.Add("uscc", "field.required")
	} else if key, args := ident.ValidateUSCC(code); key != "" {
		v.Add("uscc", key, args...)
	} else {
		// The code names one enterprise exactly; a secretary covers
		// enterprises not yet in their scope, so it is looked up unscoped.
		e, err := s.store.EnterpriseByUSCC(ctx, model.System, code)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND || err == nil && e.DeletedAt != nil:
			v.Add("uscc", "organization.uscc_unknown")
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			in.EnterpriseID = e.ID
		}
	}
	err = v.Err()
	if err == nil {
		_, err = s.store.AddCoverage(ctx, info(r).sess.actor, o.ID, in)
	}
	if err == nil {
		s.redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10)+"?tab=coverage", "organization.flash_covered")
		return
	}
	if e, ok := model.AsError(err); ok {
		if fe, ok := e.Fields["enterprise_id"]; ok {
			delete(e.Fields, "enterprise_id")
			e.Fields["uscc"] = fe
		}
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := orgFormStatus(err, form)
	s.renderOrgShow(w, r, status, o, "coverage", form)
}

// orgConfirmPage is the confirmation step of ending a coverage link or a post.
type orgConfirmPage struct {
	Org       model.Organization
	Message   string
	Action    string
	Field     string // the hidden id field
	ID        int64
	DateName  string
	DateLabel string
	Back      string
}

func orgFormID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func (s *Server) orgCoverageConfirm(w http.ResponseWriter, r *http.Request, status int, cid int64, form *Form) {
	o, err := s.orgManagedFromPath(r)
	var cov []model.OrgCoverage
	if err == nil {
		cov, err = s.store.Coverage(r.Context(), o.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(cov, func(c model.OrgCoverage) bool { return c.ID == cid && c.Until == nil })
	if i < 0 {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.coverage"))
		return
	}
	v := s.view(r, "organizations")
	v.Title = v.T("organization.end_coverage")
	base := "/organizations/" + strconv.FormatInt(o.ID, 10)
	v.Crumbs = []Crumb{{Label: v.T("organization.list"), Href: "/organizations"}, {Label: o.Name, Href: base + "?tab=coverage"}, {Label: v.Title}}
	if form == nil {
		form = &Form{Values: url.Values{}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "org_confirm", v, orgConfirmPage{Org: o, Message: v.T("organization.end_coverage_confirm", cov[i].EnterpriseName, o.Name),
		Action: base + "/coverage/end", Field: "coverage", ID: cid, DateName: "until", DateLabel: v.T("organization.coverage_until"), Back: base + "?tab=coverage"})
}

func (s *Server) orgCoverageEndConfirm(w http.ResponseWriter, r *http.Request) {
	s.orgCoverageConfirm(w, r, http.StatusOK, orgFormID(r.URL.Query().Get("coverage")), nil)
}

func (s *Server) orgCoverageEnd(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cid := orgFormID(r.PostFormValue("coverage"))
	err = s.store.EndCoverage(r.Context(), info(r).sess.actor, o.ID, cid, r.PostFormValue("until"))
	if err == nil {
		s.redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10)+"?tab=coverage", "organization.flash_uncovered")
		return
	}
	if form, ok := s.formFromError(r, err); ok {
		s.orgCoverageConfirm(w, r, http.StatusUnprocessableEntity, cid, form)
		return
	}
	s.fail(w, r, err)
}

// ---- posts ----

func (s *Server) orgPostAssign(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v model.Validation
	in := store.PostInput{Post: r.PostFormValue("post"), StartedOn: r.PostFormValue("started_on")}
	if m := strings.TrimSpace(r.PostFormValue("member_id")); m == "" {
		v.Add("member_id", "field.required")
	} else if in.MemberID = orgFormID(m); in.MemberID == 0 {
		v.Add("member_id", "field.unknown")
	}
	err = v.Err()
	if err == nil {
		err = s.store.AssignPost(r.Context(), info(r).sess.actor, o.ID, in)
	}
	if err == nil {
		s.redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10)+"?tab=posts", "organization.flash_post_assigned")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderOrgShow(w, r, http.StatusUnprocessableEntity, o, "posts", form)
}

func (s *Server) orgPostConfirm(w http.ResponseWriter, r *http.Request, status int, pid int64, form *Form) {
	o, err := s.orgManagedFromPath(r)
	var posts []model.OrgPost
	if err == nil {
		posts, err = s.store.Posts(r.Context(), o.ID, false)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(posts, func(p model.OrgPost) bool { return p.ID == pid })
	if i < 0 {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.post"))
		return
	}
	v := s.view(r, "organizations")
	v.Title = v.T("organization.end_post")
	base := "/organizations/" + strconv.FormatInt(o.ID, 10)
	v.Crumbs = []Crumb{{Label: v.T("organization.list"), Href: "/organizations"}, {Label: o.Name, Href: base + "?tab=posts"}, {Label: v.Title}}
	if form == nil {
		form = &Form{Values: url.Values{}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "org_confirm", v, orgConfirmPage{Org: o,
		Message: v.T("organization.end_post_confirm", posts[i].MemberName, v.T("organization.post."+posts[i].Post)),
		Action:  base + "/posts/end", Field: "post", ID: pid, DateName: "ended_on", DateLabel: v.T("organization.post_ended_on"), Back: base + "?tab=posts"})
}

func (s *Server) orgPostEndConfirm(w http.ResponseWriter, r *http.Request) {
	s.orgPostConfirm(w, r, http.StatusOK, orgFormID(r.URL.Query().Get("post")), nil)
}

func (s *Server) orgPostEnd(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pid := orgFormID(r.PostFormValue("post"))
	err = s.store.EndPost(r.Context(), info(r).sess.actor, o.ID, pid, r.PostFormValue("ended_on"))
	if err == nil {
		s.redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10)+"?tab=posts", "organization.flash_post_ended")
		return
	}
	if form, ok := s.formFromError(r, err); ok {
		s.orgPostConfirm(w, r, http.StatusUnprocessableEntity, pid, form)
		return
	}
	s.fail(w, r, err)
}

// ---- alliances ----

// allianceVisible returns the alliances with the member organizations the
// actor reads; for anyone but an administrator, alliances without a visible
// member are left out and the names of the others are hidden.
func (s *Server) allianceVisible(ctx context.Context, actor *model.Actor) ([]model.Alliance, error) {
	all, err := s.store.Alliances(ctx)
	if err != nil || actor.Scope.All {
		return all, err
	}
	var members []int64
	for _, a := range all {
		members = append(members, a.OrgIDs...)
	}
	seen, err := s.store.VisibleOrgs(ctx, actor, members)
	if err != nil {
		return nil, err
	}
	out := []model.Alliance{}
	for _, a := range all {
		var ids []int64
		var names []string
		for i, id := range a.OrgIDs {
			if seen[id] {
				ids, names = append(ids, id), append(names, a.OrgNames[i])
			}
		}
		if len(ids) > 0 {
			a.OrgIDs, a.OrgNames = ids, names
			out = append(out, a)
		}
	}
	return out, nil
}

type allianceListPage struct {
	Items []model.Alliance
}

func (s *Server) allianceList(w http.ResponseWriter, r *http.Request) {
	items, err := s.allianceVisible(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "organizations")
	v.Title = v.T("alliance.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.T("organization.list"), Href: "/organizations"}, {Label: v.Title}}
	s.render(w, r, "alliance_list", v, allianceListPage{Items: items})
}

type allianceFormPage struct {
	Alliance *model.Alliance
	Orgs     []model.Organization
	OrgIDs   []int64
}

func (s *Server) renderAllianceForm(w http.ResponseWriter, r *http.Request, status int, a *model.Alliance, form *Form) {
	orgs, err := s.store.Organizations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "organizations")
	v.Title = v.T("alliance.new")
	if a != nil {
		v.Title = v.T("alliance.edit")
	}
	v.Crumbs = []Crumb{{Label: v.T("alliance.list"), Href: "/alliances"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "alliance_form", v, allianceFormPage{Alliance: a, Orgs: orgs, OrgIDs: ids(form.Values["org_ids"])})
}

func allianceInputFromForm(r *http.Request) (store.AllianceInput, error) {
	var v model.Validation
	f := r.PostForm
	in := store.AllianceInput{Code: f.Get("code"), Name: f.Get("name"), FoundedOn: f.Get("founded_on"), Notes: f.Get("notes")}
	for _, x := range f["org_ids"] {
		id := orgFormID(x)
		if id == 0 {
			v.Add("org_ids", "field.unknown")
			continue
		}
		in.OrgIDs = append(in.OrgIDs, id)
	}
	if x := strings.TrimSpace(f.Get("version")); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil {
			v.Add("version", "field.number")
		}
		in.Version = n
	}
	return in, v.Err()
}

func (s *Server) allianceNew(w http.ResponseWriter, r *http.Request) {
	s.renderAllianceForm(w, r, http.StatusOK, nil, &Form{Values: url.Values{}})
}

func (s *Server) allianceCreate(w http.ResponseWriter, r *http.Request) {
	s.allianceSave(w, r, nil)
}

func (s *Server) allianceEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var a model.Alliance
	if err == nil {
		a, err = s.store.Alliance(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := url.Values{"code": {a.Code}, "name": {a.Name}, "notes": {a.Notes}, "version": {strconv.Itoa(a.Version)}}
	if a.FoundedOn != nil {
		vals.Set("founded_on", a.FoundedOn.Format("2006-01-02"))
	}
	for _, id := range a.OrgIDs {
		vals.Add("org_ids", strconv.FormatInt(id, 10))
	}
	s.renderAllianceForm(w, r, http.StatusOK, &a, &Form{Values: vals})
}

func (s *Server) allianceUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var a model.Alliance
	if err == nil {
		a, err = s.store.Alliance(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.allianceSave(w, r, &a)
}

func (s *Server) allianceSave(w http.ResponseWriter, r *http.Request, a *model.Alliance) {
	in, err := allianceInputFromForm(r)
	var id int64
	if a != nil {
		id = a.ID
	}
	if err == nil {
		_, err = s.store.SaveAlliance(r.Context(), info(r).sess.actor, id, in)
	}
	if err == nil {
		key := "flash.created"
		if a != nil {
			key = "flash.saved"
		}
		s.redirect(w, r, "/alliances", key)
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := orgFormStatus(err, form)
	s.renderAllianceForm(w, r, status, a, form)
}
