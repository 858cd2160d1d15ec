package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// memberRoutes registers the member pages and API.
func (s *Server) memberRoutes() {
	s.handle("GET", "/members", auth.PermMemberRead, s.memberList)
	s.handle("GET", "/members/new", auth.PermMemberWrite, s.memberNew)
	s.handle("POST", "/members", auth.PermMemberWrite, s.memberCreate)
	s.handle("GET", "/members/{id}", auth.PermMemberRead, s.memberShow)
	s.handle("GET", "/members/{id}/edit", auth.PermMemberWrite, s.memberEdit)
	s.handle("POST", "/members/{id}", auth.PermMemberWrite, s.memberUpdate)
	s.handle("POST", "/members/{id}/reveal", auth.PermMemberWrite, s.memberReveal)

	s.handle("GET", "/api/v1/members", auth.PermMemberRead, s.apiMemberList)
	s.handle("POST", "/api/v1/members", auth.PermMemberWrite, s.apiMemberCreate)
	s.handle("GET", "/api/v1/members/{id}", auth.PermMemberRead, s.apiMemberGet)
	s.handle("PATCH", "/api/v1/members/{id}", auth.PermMemberWrite, s.apiMemberUpdate)
	s.handle("POST", "/api/v1/members/{id}/reveal", auth.PermMemberWrite, s.apiMemberReveal)
}

// educationCodes names the i18n key of each 学历 (the stored values are Chinese).
var educationCodes = map[string]string{
	"研究生": "postgraduate", "大学本科": "bachelor", "大学专科": "college",
	"中专": "secondary_vocational", "高中": "high_school", "初中及以下": "junior_or_below",
}

// choice is one option of a select.
type choice struct{ Value, Label string }

// memberChoices are the localized closed lists of the member forms and filters.
type memberChoices struct {
	Categories, Statuses, Positions, Educations []choice
}

func (v *View) memberChoices() memberChoices {
	var c memberChoices
	for _, x := range model.MemberCategories {
		c.Categories = append(c.Categories, choice{x, v.T("member.category." + x)})
	}
	for _, x := range model.MemberStatuses {
		c.Statuses = append(c.Statuses, choice{x, v.T("member.status." + x)})
	}
	for _, x := range model.PositionKinds {
		c.Positions = append(c.Positions, choice{x, v.T("member.position." + x)})
	}
	for _, x := range model.Educations {
		c.Educations = append(c.Educations, choice{x, v.educationLabel(x)})
	}
	return c
}

// educationLabel is a 学历 in the reader's language.
func (v *View) educationLabel(e string) string {
	if code, ok := educationCodes[e]; ok {
		return v.T("member.education." + code)
	}
	return e
}

// today is the zone's calendar date, as the UTC midnight dates are stored.
func (s *Server) today() time.Time {
	n := s.store.Now().In(s.cfg.Location)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// memberFilterFrom reads list filters from a query string; the page and the
// API accept the same parameters. The status defaults to 正常; "all" lists
// every status.
func memberFilterFrom(q url.Values) (model.MemberFilter, error) {
	var v model.Validation
	f := model.MemberFilter{Keyword: strings.TrimSpace(q.Get("q")), Category: q.Get("category"), Cursor: q.Get("cursor")}
	if len([]rune(f.Keyword)) > 50 {
		v.Add("q", "field.too_long", 50)
	}
	id := func(name string) int64 { return idParam(&v, name, q.Get(name)) }
	f.OrgID, f.EnterpriseID = id("org"), id("enterprise")
	if f.Category != "" && !contains(model.MemberCategories, f.Category) {
		v.Add("category", "field.choose")
	}
	switch st := q.Get("status"); st {
	case "":
		f.Status = model.MemberNormal
	case "all":
	default:
		if !contains(model.MemberStatuses, st) {
			v.Add("status", "field.choose")
		}
		f.Status = st
	}
	switch q.Get("mobile") {
	case "":
	case "1", "true":
		t := true
		f.Mobile = &t
	case "0", "false":
		b := false
		f.Mobile = &b
	default:
		v.Add("mobile", "field.choose")
	}
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

// listMembers runs a filtered list and its capped count; an organization
// filter naming nothing is a field error, not a missing page.
func (s *Server) listMembers(ctx context.Context, actor *model.Actor, f model.MemberFilter, count bool) (model.MemberPage, int, bool, error) {
	page, err := s.store.ListMembers(ctx, actor, f)
	var n int
	var capped bool
	if err == nil && count {
		n, capped, err = s.store.CountMembers(ctx, actor, f, 10000)
	}
	if model.ErrorCode(err) == model.ENOTFOUND && f.OrgID != 0 {
		var v model.Validation
		v.Add("org", "field.unknown")
		err = v.Err()
	}
	return page, n, capped, err
}

// memberItem is a list row with the figures derived at today's date.
type memberItem struct {
	model.Member
	Age, PartyYears int
}

type memberListPage struct {
	Items  []memberItem
	Page   model.MemberPage
	Total  int
	Capped bool
	Orgs   []model.Organization
	Opts   memberChoices
	Status string // the status select's value ("normal" by default, "all")
	Limit  int
}

// scopeOrgs returns the organizations the actor reads, in tree order; with
// manage, only those the actor may write in.
func (s *Server) scopeOrgs(ctx context.Context, actor *model.Actor, manage bool) ([]model.Organization, error) {
	var out []model.Organization
	cur := ""
	for range 100 {
		items, next, _, err := s.store.ListOrganizations(ctx, actor, store.OrgFilter{Cursor: cur, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, o := range items {
			if !manage || canManageOrgPath(actor, o.Path) {
				out = append(out, o)
			}
		}
		if next == "" {
			break
		}
		cur = next
	}
	return out, nil
}

// canManageOrgPath mirrors the store's rule for writes: admins anywhere,
// secretaries in their subtrees.
func canManageOrgPath(actor *model.Actor, path string) bool {
	if actor.Scope.All {
		return true
	}
	for _, p := range actor.Scope.OrgPaths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func (s *Server) memberList(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	v := s.view(r, "members")
	v.Title = v.T("member.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.T("member.list")}}
	f, err := memberFilterFrom(r.URL.Query())
	p := memberListPage{Opts: v.memberChoices(), Limit: f.Limit, Status: r.URL.Query().Get("status")}
	if p.Status == "" {
		p.Status = model.MemberNormal
	}
	// The organization select is filled even when a filter is wrong, so the
	// page stays usable for fixing it.
	var oerr error
	if p.Orgs, oerr = s.scopeOrgs(r.Context(), ri.sess.actor, false); oerr != nil {
		s.fail(w, r, oerr)
		return
	}
	if err == nil {
		p.Page, p.Total, p.Capped, err = s.listMembers(r.Context(), ri.sess.actor, f, true)
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
			s.renderStatus(w, r, http.StatusUnprocessableEntity, "member_list", v, p)
			return
		}
		s.fail(w, r, err)
		return
	}
	today := s.today()
	for _, m := range p.Page.Items {
		p.Items = append(p.Items, memberItem{Member: m, Age: m.Age(today), PartyYears: m.PartyYears(today)})
	}
	s.render(w, r, "member_list", v, p)
}

// ---- detail and reveal ----

type memberShowPage struct {
	M          model.Member
	Age        int
	PartyYears int
	Birth      *time.Time
	Education  string
	CanManage  bool
	Secret     *model.MemberSecret // the full values, shown once after a reveal
	Tab        string
	History    []model.AuditEntry
}

func (s *Server) pathMember(r *http.Request) (model.Member, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Member{}, err
	}
	return s.store.Member(r.Context(), info(r).sess.actor, id)
}

func (s *Server) memberShow(w http.ResponseWriter, r *http.Request) {
	m, err := s.pathMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMemberShow(w, r, http.StatusOK, m, r.URL.Query().Get("tab"), nil, nil)
}

func (s *Server) renderMemberShow(w http.ResponseWriter, r *http.Request, status int, m model.Member, tab string, sec *model.MemberSecret, form *Form) {
	ri := info(r)
	v := s.view(r, "members")
	today := s.today()
	birth := m.BirthDate
	p := memberShowPage{M: m, Age: m.Age(today), PartyYears: m.PartyYears(today), Birth: &birth,
		Education: v.educationLabel(m.Education), Secret: sec, Tab: tab,
		CanManage: v.Can(string(auth.PermMemberWrite)) && s.store.CanManageMember(r.Context(), ri.sess.actor, m)}
	if p.Tab == "history" {
		var err error
		if p.History, err = s.store.ListAudit(r.Context(), model.AuditFilter{Entity: "member", EntityID: m.ID, Limit: 200}); err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		p.Tab = "info"
	}
	v.Title = m.Name
	v.Crumbs = []Crumb{{Label: v.T("member.list"), Href: "/members"}, {Label: m.Name}}
	v.Form = form
	s.renderStatus(w, r, status, "member_show", v, p)
}

// revealReason checks the reason given for revealing personal data.
func revealReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	var v model.Validation
	switch {
	case reason == "":
		v.Add("reason", "field.required")
	case len([]rune(reason)) > 200:
		v.Add("reason", "field.too_long", 200)
	}
	return reason, v.Err()
}

// memberReveal shows the full ID number and phone once, on the response
// page itself (never in a redirect or a cookie); the store records who
// looked and why.
func (s *Server) memberReveal(w http.ResponseWriter, r *http.Request) {
	m, err := s.pathMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reason, err := revealReason(r.PostFormValue("reason"))
	if err != nil {
		form, _ := s.formFromError(r, err)
		s.renderMemberShow(w, r, http.StatusUnprocessableEntity, m, "info", nil, form)
		return
	}
	sec, err := s.store.RevealMember(r.Context(), info(r).sess.actor, m.ID, reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMemberShow(w, r, http.StatusOK, m, "info", &sec, nil)
}

// ---- new and edit ----

type memberFormPage struct {
	M            *model.Member // nil on the new form
	Orgs         []model.Organization
	Opts         memberChoices
	ShowOverride bool // the ID check-character override: only after that error
}

// memberFormValues fills the edit form. The ID number and phone stay empty:
// empty means "unchanged", so opening the form reveals nothing.
func (s *Server) memberFormValues(ctx context.Context, m model.Member) url.Values {
	in := store.MemberInputOf(m, model.MemberSecret{})
	vals := url.Values{}
	vals.Set("name", in.Name)
	if in.IDOverride != "" {
		vals.Set("id_override_on", "1")
		vals.Set("id_override", in.IDOverride)
	}
	vals.Set("ethnicity", in.Ethnicity)
	vals.Set("education", in.Education)
	vals.Set("category", in.Category)
	vals.Set("applied_on", in.AppliedOn)
	vals.Set("activist_on", in.ActivistOn)
	vals.Set("candidate_on", in.CandidateOn)
	vals.Set("admitted_on", in.AdmittedOn)
	vals.Set("full_on", in.FullOn)
	vals.Set("status", in.Status)
	if in.Mobile {
		vals.Set("mobile", "1")
	}
	vals.Set("org_id", strconv.FormatInt(in.OrgID, 10))
	if in.EnterpriseID != 0 {
		if e, err := s.store.Enterprise(ctx, model.System, in.EnterpriseID); err == nil {
			vals.Set("employer_uscc", e.USCC)
		}
	}
	vals.Set("position_kind", in.PositionKind)
	vals.Set("version", strconv.Itoa(m.Version))
	return vals
}

// employerUnknown stands for a credit code that names no enterprise: no row
// has this id, so the store reports it along with every other problem.
const employerUnknown = -1

// resolveEmployer turns an employer's 统一社会信用代码 into its id. Any
// enterprise of the register may employ a member, so the look-up is not
// limited to the actor's enterprise scope.
func (s *Server) resolveEmployer(ctx context.Context, code string) (int64, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return 0, nil
	}
	e, err := s.store.EnterpriseByUSCC(ctx, model.System, code)
	switch {
	case err == nil && e.DeletedAt == nil:
		return e.ID, nil
	case err == nil || model.ErrorCode(err) == model.ENOTFOUND:
		return employerUnknown, nil
	}
	return 0, err
}

// memberFieldErrors adjusts the store's field errors to the form or
// payload: the employer given by credit code, an override box ticked
// without a reason, and the step a date must follow named in the reader's
// language rather than by its field code.
func (s *Server) memberFieldErrors(r *http.Request, err error, employerField string, employerByCode, overrideMissing bool) error {
	e, ok := model.AsError(err)
	if !ok || e.Fields == nil {
		return err
	}
	for k, fe := range e.Fields {
		if fe.Key == "member.date_order" && len(fe.Args) == 1 {
			if step, ok := fe.Args[0].(string); ok && s.cat.Has("member."+step) {
				e.Fields[k] = model.FieldError{Key: fe.Key, Args: []any{s.cat.T(info(r).locale, "member."+step)}}
			}
		}
	}
	if fe, ok := e.Fields["enterprise_id"]; ok && employerByCode {
		delete(e.Fields, "enterprise_id")
		if fe.Key == "field.unknown" {
			fe = model.FieldError{Key: "member.employer_unknown"}
		}
		e.Fields[employerField] = fe
	}
	if overrideMissing {
		if e.Fields["id_number"].Key == ident.IDErrCheck {
			e.Fields["id_override"] = model.FieldError{Key: "member.override_reason"}
		}
	}
	return err
}

// memberInputFromForm parses the member form. overrideMissing reports an
// override box ticked without a reason.
func (s *Server) memberInputFromForm(r *http.Request) (in model.MemberInput, version int, overrideMissing bool, err error) {
	f := r.PostForm
	in = model.MemberInput{Name: f.Get("name"), IDNumber: f.Get("id_number"), Phone: f.Get("phone"),
		Ethnicity: f.Get("ethnicity"), Education: f.Get("education"), Category: f.Get("category"),
		AppliedOn: f.Get("applied_on"), ActivistOn: f.Get("activist_on"), CandidateOn: f.Get("candidate_on"),
		AdmittedOn: f.Get("admitted_on"), FullOn: f.Get("full_on"), Status: f.Get("status"),
		Mobile: f.Get("mobile") == "1", PositionKind: f.Get("position_kind")}
	if f.Get("id_override_on") == "1" {
		in.IDOverride = strings.TrimSpace(f.Get("id_override"))
		overrideMissing = in.IDOverride == ""
	}
	if o := strings.TrimSpace(f.Get("org_id")); o != "" {
		n, perr := strconv.ParseInt(o, 10, 64)
		if perr != nil || n <= 0 {
			n = -1 // no such organization: the store says so
		}
		in.OrgID = n
	}
	version, _ = strconv.Atoi(f.Get("version"))
	in.EnterpriseID, err = s.resolveEmployer(r.Context(), f.Get("employer_uscc"))
	return in, version, overrideMissing, err
}

func (s *Server) memberNew(w http.ResponseWriter, r *http.Request) {
	s.renderMemberForm(w, r, http.StatusOK, nil, &Form{Values: url.Values{
		"status": {model.MemberNormal}, "category": {model.CategoryFull}, "ethnicity": {"汉族"}}}, false)
}

func (s *Server) renderMemberForm(w http.ResponseWriter, r *http.Request, status int, m *model.Member, form *Form, showOverride bool) {
	v := s.view(r, "members")
	p := memberFormPage{M: m, Opts: v.memberChoices(), ShowOverride: showOverride || form.Val("id_override_on") == "1"}
	if m == nil {
		var err error
		if p.Orgs, err = s.scopeOrgs(r.Context(), info(r).sess.actor, true); err != nil {
			s.fail(w, r, err)
			return
		}
		v.Title = v.T("member.new")
		v.Crumbs = []Crumb{{Label: v.T("member.list"), Href: "/members"}, {Label: v.Title}}
	} else {
		v.Title = v.T("member.edit")
		v.Crumbs = []Crumb{{Label: v.T("member.list"), Href: "/members"},
			{Label: m.Name, Href: "/members/" + strconv.FormatInt(m.ID, 10)}, {Label: v.T("action.edit")}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "member_form", v, p)
}

// memberFormFailed re-renders the form after a failed save: field errors
// beside their fields (422), a stale version as a conflict (409).
func (s *Server) memberFormFailed(w http.ResponseWriter, r *http.Request, m *model.Member, err error) {
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if model.ErrorCode(err) == model.ECONFLICT && len(form.Errors) == 0 {
		status = http.StatusConflict
	}
	showOverride := false
	if e, ok := model.AsError(err); ok {
		showOverride = e.Fields["id_number"].Key == ident.IDErrCheck
	}
	s.renderMemberForm(w, r, status, m, form, showOverride)
}

func (s *Server) memberCreate(w http.ResponseWriter, r *http.Request) {
	in, _, overrideMissing, err := s.memberInputFromForm(r)
	var m model.Member
	if err == nil {
		m, err = s.store.CreateMember(r.Context(), info(r).sess.actor, in)
		err = s.memberFieldErrors(r, err, "employer_uscc", true, overrideMissing)
	}
	if err != nil {
		s.memberFormFailed(w, r, nil, err)
		return
	}
	s.redirect(w, r, "/members/"+strconv.FormatInt(m.ID, 10), "flash.created")
}

// managedMember loads a member the actor may edit: outside scope is 404,
// inside scope but not theirs to manage is 403.
func (s *Server) managedMember(r *http.Request) (model.Member, error) {
	m, err := s.pathMember(r)
	if err == nil && !s.store.CanManageMember(r.Context(), info(r).sess.actor, m) {
		err = model.Errorf(model.EFORBIDDEN, "member.read_only")
	}
	return m, err
}

func (s *Server) memberEdit(w http.ResponseWriter, r *http.Request) {
	m, err := s.managedMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMemberForm(w, r, http.StatusOK, &m, &Form{Values: s.memberFormValues(r.Context(), m)}, false)
}

func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	m, err := s.managedMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, version, overrideMissing, err := s.memberInputFromForm(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in.OrgID = 0 // the organization changes only by transfer
	// An empty ID number or phone keeps the stored value (the store checks
	// it again without revealing it); the phone goes only when asked.
	edit := store.MemberEdit{ClearPhone: strings.TrimSpace(in.Phone) == "" && r.PostFormValue("phone_clear") == "1"}
	_, err = s.store.UpdateMember(r.Context(), ri.sess.actor, m.ID, in, version, edit)
	err = s.memberFieldErrors(r, err, "employer_uscc", true, overrideMissing)
	if err != nil {
		s.memberFormFailed(w, r, &m, err)
		return
	}
	s.redirect(w, r, "/members/"+strconv.FormatInt(m.ID, 10), "flash.saved")
}
