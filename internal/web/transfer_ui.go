package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/i18n"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// transferRoutes registers the transfer and survey pages and API, and the
// 可建支部 lists.
func (s *Server) transferRoutes() {
	s.handle("GET", "/transfers", auth.PermTransferWrite, s.transferList)
	s.handle("GET", "/transfers/new", auth.PermTransferWrite, s.transferNew)
	s.handle("POST", "/transfers", auth.PermTransferWrite, s.transferCreate)
	s.handle("GET", "/transfers/{id}", auth.PermTransferWrite, s.transferShow)
	s.handle("GET", "/transfers/{id}/letter", auth.PermTransferWrite, s.transferLetter)
	s.handle("GET", "/transfers/{id}/cancel", auth.PermTransferWrite, s.transferCancelConfirm)
	for _, a := range store.TransferActions {
		s.handle("POST", "/transfers/{id}/"+a, auth.PermTransferWrite, s.transferAct(a))
	}
	s.surveyRoutes()
	s.handle("GET", "/party/candidates", auth.PermOrgRead, s.candidates)
	s.transferAPIRoutes()
}

// ---- shared helpers ----

// managesPath reports whether the actor may write in the organization at
// path (admins anywhere, secretaries in their subtrees); it mirrors the
// store's rule so forms offer only what the store will accept.
func managesPath(a *model.Actor, path string) bool {
	if a.Scope.All {
		return true
	}
	for _, p := range a.Scope.OrgPaths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// orgOptions returns every organization in tree order and those the actor
// manages.
func (s *Server) orgOptions(r *http.Request) (all, managed []model.Organization, err error) {
	all, err = s.store.Organizations(r.Context())
	if err != nil {
		return nil, nil, err
	}
	a := info(r).sess.actor
	for _, o := range all {
		if managesPath(a, o.Path) {
			managed = append(managed, o)
		}
	}
	return all, managed, nil
}

// renameField moves a field error from one form name to another (the store
// names enterprise_id where the form asks for a credit code).
func renameField(f *Form, from, to string) {
	if f == nil {
		return
	}
	if m, ok := f.Errors[from]; ok {
		delete(f.Errors, from)
		if _, taken := f.Errors[to]; !taken {
			f.Errors[to] = m
		}
	}
}

// surfaceUnshown puts the first field message the form has no place for
// at the top of the form, so no refusal goes unexplained.
func (s *Server) surfaceUnshown(r *http.Request, f *Form, shown ...string) {
	if f == nil || f.Error != "" {
		return
	}
	loc := info(r).locale
	for k, m := range f.Errors {
		if contains(shown, k) {
			continue
		}
		label := k
		for _, key := range []string{"transfer.m_" + strings.TrimPrefix(k, "member."), "transfer." + k, "survey." + k} {
			if s.cat.Has(key) {
				label = s.cat.T(loc, key)
				break
			}
		}
		f.Error = s.cat.T(loc, "transfer.field_problem", label, m)
		return
	}
}

// failForm answers a refused form: field messages beside the fields (422,
// or 409 for a conflict) when err carries them, the error page otherwise.
func (s *Server) failForm(w http.ResponseWriter, r *http.Request, err error, show func(status int, form *Form)) {
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if model.ErrorCode(err) == model.ECONFLICT {
		status = http.StatusConflict
	}
	show(status, form)
}

// ---- list ----

// transferFilterFrom reads list filters from a query string (pages and API).
func transferFilterFrom(q url.Values) (model.TransferFilter, error) {
	var v model.Validation
	f := model.TransferFilter{State: q.Get("state"), Kind: q.Get("kind"), Cursor: q.Get("cursor"),
		Open: q.Get("open") == "1" || q.Get("open") == "true", Expired: q.Get("expired") == "1" || q.Get("expired") == "true"}
	if f.State != "" && !contains(model.TransferStates, f.State) {
		v.Add("state", "field.choose")
	}
	if f.Kind != "" && !contains(model.TransferKinds, f.Kind) {
		v.Add("kind", "field.choose")
	}
	f.OrgID = idParam(&v, "org", q.Get("org"))
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

type transferListPage struct {
	Items      []model.Transfer
	Next, Prev string
	Orgs       []model.Organization
	Kinds      []string
	States     []string
	Limit      int
}

func (s *Server) transferList(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "transfers")
	v.Title = v.T("transfer.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.Title}}
	f, err := transferFilterFrom(r.URL.Query())
	p := transferListPage{Kinds: model.TransferKinds, States: model.TransferStates, Limit: f.Limit}
	if err == nil {
		_, p.Orgs, err = s.orgOptions(r)
	}
	if err == nil {
		p.Items, p.Next, p.Prev, err = s.store.ListTransfers(r.Context(), info(r).sess.actor, f)
		if model.ErrorCode(err) == model.ENOTFOUND {
			var vv model.Validation
			vv.Add("org", "field.unknown")
			err = vv.Err()
		}
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.surfaceUnshown(r, form)
			s.renderStatus(w, r, status, "transfer_list", v, p)
		})
		return
	}
	s.render(w, r, "transfer_list", v, p)
}

// ---- new ----

type transferFormPage struct {
	Kind       string
	Kinds      []string
	AllOrgs    []model.Organization
	Managed    []model.Organization
	Member     *model.Member
	Categories []string
	Educations []string
	MaxDays    int
}

// transferFields are the form fields a transfer form shows.
var transferFields = []string{"kind", "member_id", "to_org_id", "to_name", "from_name", "letter_no", "dues_paid_to", "issued_on",
	"valid_days", "member.name", "member.id_number", "member.id_override", "member.phone", "member.ethnicity", "member.education",
	"member.category", "member.admitted_on", "member.full_on", "member.enterprise_uscc"}

func transferKindOf(s string) string {
	if contains(model.TransferKinds, s) {
		return s
	}
	return model.TransferWithin
}

func (s *Server) transferNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	vals := url.Values{"kind": {transferKindOf(q.Get("kind"))}, "member_id": {q.Get("member")},
		"valid_days": {strconv.Itoa(rules.TransferValidDays)}, "issued_on": {s.ctxNow().Format("2006-01-02")},
		"member.category": {model.CategoryFull}}
	s.renderTransferForm(w, r, http.StatusOK, &Form{Values: vals})
}

func (s *Server) renderTransferForm(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	kind := transferKindOf(form.Val("kind"))
	p := transferFormPage{Kind: kind, Kinds: model.TransferKinds, Categories: model.MemberCategories, Educations: model.Educations,
		MaxDays: rules.TransferMaxValidDays}
	var err error
	if p.AllOrgs, p.Managed, err = s.orgOptions(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if kind != model.TransferIn {
		if id, perr := strconv.ParseInt(form.Val("member_id"), 10, 64); perr == nil && id > 0 {
			if m, merr := s.store.Member(r.Context(), info(r).sess.actor, id); merr == nil {
				p.Member = &m
			}
		}
	}
	v := s.view(r, "transfers")
	v.Title = v.T("transfer.new_" + kind)
	v.Crumbs = []Crumb{{Label: v.T("transfer.list"), Href: "/transfers"}, {Label: v.Title}}
	v.Form = form
	s.surfaceUnshown(r, form, transferFields...)
	s.renderStatus(w, r, status, "transfer_form", v, p)
}

// transferInputFromForm reads the form; numbers that do not parse and an
// employer code that names no enterprise become field errors.
func (s *Server) transferInputFromForm(r *http.Request) (model.TransferInput, error) {
	var v model.Validation
	f := r.PostForm
	in := model.TransferInput{Kind: transferKindOf(f.Get("kind")), FromName: f.Get("from_name"), ToName: f.Get("to_name"),
		LetterNo: f.Get("letter_no"), DuesPaidTo: f.Get("dues_paid_to"), IssuedOn: f.Get("issued_on")}
	in.ToOrgID = idParam(&v, "to_org_id", f.Get("to_org_id"))
	if d := strings.TrimSpace(f.Get("valid_days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			v.Add("valid_days", "field.number")
		}
		in.ValidDays = n
	}
	switch in.Kind {
	case model.TransferIn:
		in.ToName = ""
		m := model.MemberInput{Name: f.Get("member.name"), IDNumber: f.Get("member.id_number"), IDOverride: f.Get("member.id_override"),
			Phone: f.Get("member.phone"), Ethnicity: f.Get("member.ethnicity"), Education: f.Get("member.education"),
			Category: f.Get("member.category"), AdmittedOn: f.Get("member.admitted_on"), FullOn: f.Get("member.full_on")}
		if code := strings.TrimSpace(f.Get("member.enterprise_uscc")); code != "" {
			e, err := s.store.EnterpriseByUSCC(r.Context(), info(r).sess.actor, code)
			switch {
			case model.ErrorCode(err) == model.ENOTFOUND:
				v.Add("member.enterprise_uscc", "transfer.employer_unknown")
			case err != nil:
				return in, err
			default:
				m.EnterpriseID = e.ID
			}
		}
		in.Member = &m
	case model.TransferOut:
		in.ToOrgID = 0
		in.MemberID = idParam(&v, "member_id", f.Get("member_id"))
	default:
		in.ToName = ""
		in.MemberID = idParam(&v, "member_id", f.Get("member_id"))
	}
	if in.Kind != model.TransferIn && in.MemberID == 0 && !v.Has("member_id") {
		v.Add("member_id", "field.required")
	}
	return in, v.Err()
}

func (s *Server) transferCreate(w http.ResponseWriter, r *http.Request) {
	in, err := s.transferInputFromForm(r)
	var t model.Transfer
	if err == nil {
		t, err = s.store.CreateTransfer(r.Context(), info(r).sess.actor, in)
	}
	if err == nil {
		s.redirect(w, r, "/transfers/"+strconv.FormatInt(t.ID, 10), "flash.created")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) {
		renameField(form, "member.enterprise_id", "member.enterprise_uscc")
		s.renderTransferForm(w, r, status, form)
	})
}

// ---- detail and actions ----

type transferShowPage struct {
	T         model.Transfer
	Actions   []string
	History   []model.AuditEntry
	ValidDays int
	// The receiving organization as it stands, when the actor reads it.
	ToOrg    *model.Organization
	ToChecks []checkLine
}

// checkLine is one composition warning, translated.
type checkLine struct {
	Code    string
	Message string
	Alert   bool
}

func (s *Server) pathTransfer(r *http.Request) (model.Transfer, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Transfer{}, err
	}
	return s.store.Transfer(r.Context(), info(r).sess.actor, id)
}

func letterDays(t model.Transfer) int {
	return int(t.ValidUntil.Sub(t.IssuedOn).Hours()/24 + 0.5)
}

func (s *Server) transferShow(w http.ResponseWriter, r *http.Request) {
	t, err := s.pathTransfer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTransferShow(w, r, http.StatusOK, t, nil)
}

func (s *Server) renderTransferShow(w http.ResponseWriter, r *http.Request, status int, t model.Transfer, form *Form) {
	ctx := r.Context()
	actor := info(r).sess.actor
	p := transferShowPage{T: t, ValidDays: letterDays(t)}
	for _, a := range store.TransferActions {
		if s.store.TransferCan(ctx, actor, t, a) {
			p.Actions = append(p.Actions, a)
		}
	}
	var err error
	if p.History, err = s.store.ListAudit(ctx, model.AuditFilter{Entity: "transfer", EntityID: t.ID, Limit: 200}); err != nil {
		s.fail(w, r, err)
		return
	}
	loc := info(r).locale
	if t.ToOrgID != 0 {
		if o, oerr := s.store.Organization(ctx, actor, t.ToOrgID); oerr == nil {
			p.ToOrg = &o
			checks, cerr := s.store.OrgChecks(ctx, o)
			if cerr != nil {
				s.fail(w, r, cerr)
				return
			}
			for _, c := range checks {
				p.ToChecks = append(p.ToChecks, checkLine{Code: c.Code, Message: s.cat.T(loc, c.Key, c.Args...), Alert: c.Severity >= 2})
			}
		}
	}
	v := s.view(r, "transfers")
	v.Title = v.T("transfer.title", t.MemberName)
	v.Crumbs = []Crumb{{Label: v.T("transfer.list"), Href: "/transfers"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "transfer_show", v, p)
}

// transferAct takes one step of the flow from a button on the detail page.
func (s *Server) transferAct(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.pathTransfer(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var v model.Validation
		version := int(idParam(&v, "version", r.PostFormValue("version")))
		if err = v.Err(); err == nil {
			_, err = s.store.ActOnTransfer(r.Context(), info(r).sess.actor, t.ID, store.TransferActionInput{
				Action: action, Reason: r.PostFormValue("reason"), Version: version})
		}
		if err == nil {
			s.redirect(w, r, "/transfers/"+strconv.FormatInt(t.ID, 10), "transfer.done_"+action)
			return
		}
		s.failForm(w, r, err, func(status int, form *Form) {
			if len(form.Errors) > 0 && form.Error == "" {
				form.Error = s.cat.T(info(r).locale, "transfer.step_refused")
			}
			form.Values.Set("action", action)
			s.renderTransferShow(w, r, status, t, form)
		})
	}
}

func (s *Server) transferCancelConfirm(w http.ResponseWriter, r *http.Request) {
	t, err := s.pathTransfer(r)
	if err == nil && !s.store.TransferCan(r.Context(), info(r).sess.actor, t, store.ActCancel) {
		err = model.Errorf(model.ECONFLICT, "transfer.bad_step")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "transfers")
	v.Title = v.T("transfer.cancel_title")
	v.Crumbs = []Crumb{{Label: v.T("transfer.list"), Href: "/transfers"},
		{Label: v.T("transfer.title", t.MemberName), Href: "/transfers/" + strconv.FormatInt(t.ID, 10)}, {Label: v.Title}}
	s.render(w, r, "transfer_cancel", v, t)
}

// ---- the letter ----

// transferLetterPage is the printable 组织关系介绍信: 存根, 介绍信, 回执.
// It is an official form and reads in Chinese whatever the user's locale.
type transferLetterPage struct {
	T                    model.Transfer
	Name                 string
	Sex, Age, Ethnicity  string
	Category             string
	From, To             string
	LetterNo             string
	DuesYear, DuesMonth  string
	ValidDays            int
	Issued               string
	IssuedYear, IssuedMo string
}

func (s *Server) transferLetter(w http.ResponseWriter, r *http.Request) {
	t, err := s.pathTransfer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The transfer is in the actor's scope; its letter names the member even
	// while they belong to no organization of the register.
	m, err := s.store.Member(r.Context(), model.System, t.MemberID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := transferLetterPage{T: t, Name: m.Name, Sex: "男", Age: strconv.Itoa(m.Age(s.ctxNow())), Ethnicity: m.Ethnicity,
		Category: "正式", From: t.FromName, To: t.ToName, LetterNo: t.LetterNo, ValidDays: letterDays(t),
		Issued: i18n.Date("zh-CN", t.IssuedOn.UTC()), DuesYear: "____", DuesMonth: "__"}
	if m.Sex == "female" {
		p.Sex = "女"
	}
	if m.Category == model.CategoryProbationary {
		p.Category = "预备"
	}
	if p.Ethnicity == "" {
		p.Ethnicity = "____"
	}
	switch {
	case p.LetterNo == "":
		p.LetterNo = "第 ______ 号"
	case !strings.HasSuffix(p.LetterNo, "号"):
		p.LetterNo = "第 " + p.LetterNo + " 号"
	}
	if d, derr := time.Parse("2006-01", t.DuesPaidTo); derr == nil {
		p.DuesYear, p.DuesMonth = strconv.Itoa(d.Year()), strconv.Itoa(int(d.Month()))
	}
	v := s.view(r, "transfers")
	v.Title = v.T("transfer.letter")
	v.Crumbs = []Crumb{{Label: v.T("transfer.list"), Href: "/transfers"},
		{Label: v.T("transfer.title", t.MemberName), Href: "/transfers/" + strconv.FormatInt(t.ID, 10)}, {Label: v.Title}}
	s.render(w, r, "transfer_letter", v, p)
}

// ---- 可建支部 ----

type candidateGroup struct {
	Grid       string
	Industries []candidateIndustry
}

type candidateIndustry struct {
	Industry string
	Items    []model.BranchCandidate
	Units    int
}

type candidatesPage struct {
	Own       []model.BranchCandidate
	Joint     []candidateGroup
	JointN    int
	MaxUnits  int
	MinFull   int
	OwnTotals int
}

// groupCandidates folds the joint-branch candidates (already ordered by
// grid, then industry) into grid and industry groups.
func groupCandidates(cs []model.BranchCandidate) []candidateGroup {
	var out []candidateGroup
	var lastGrid, lastInd int64 = -1, -1
	for _, c := range cs {
		if c.GridID != lastGrid {
			out = append(out, candidateGroup{Grid: c.GridName})
			lastGrid, lastInd = c.GridID, -1
		}
		g := &out[len(out)-1]
		if c.IndustryID != lastInd {
			g.Industries = append(g.Industries, candidateIndustry{Industry: c.IndustryName})
			lastInd = c.IndustryID
		}
		ind := &g.Industries[len(g.Industries)-1]
		ind.Items = append(ind.Items, c)
		ind.Units++
	}
	return out
}

func (s *Server) candidates(w http.ResponseWriter, r *http.Request) {
	own, joint, err := s.store.BranchCandidates(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := candidatesPage{Own: own, Joint: groupCandidates(joint), JointN: len(joint), MaxUnits: rules.JointBranchMaxUnits,
		MinFull: rules.BranchMinFullMembers}
	for _, c := range own {
		p.OwnTotals += c.Full
	}
	v := s.view(r, "candidates")
	v.Title = v.T("candidates.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.Title}}
	s.render(w, r, "candidates", v, p)
}
