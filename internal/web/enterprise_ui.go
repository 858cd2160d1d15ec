package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

type enterpriseListPage struct {
	Page       model.EnterprisePage
	Total      int
	Capped     bool
	Grids      []model.Grid
	Industries []model.Industry
	Statuses   []string
	Sorts      []string
	Limit      int
	Trash      bool
}

// enterpriseFilterFrom reads list filters from a query string; it is shared
// by the page and the API so both accept the same parameters.
func enterpriseFilterFrom(q url.Values) (model.EnterpriseFilter, error) {
	var v model.Validation
	f := model.EnterpriseFilter{Keyword: strings.TrimSpace(q.Get("q")), Status: q.Get("status"),
		Sort: q.Get("sort"), Cursor: q.Get("cursor"), Deleted: q.Get("deleted") == "1"}
	if len([]rune(f.Keyword)) > 50 {
		v.Add("q", "field.too_long", 50)
	}
	id := func(name string) int64 { return idParam(&v, name, q.Get(name)) }
	f.GridID, f.IndustryID = id("grid"), id("industry")
	switch q.Get("above_scale") {
	case "":
	case "1", "true":
		t := true
		f.AboveScale = &t
	case "0", "false":
		b := false
		f.AboveScale = &b
	default:
		v.Add("above_scale", "field.choose")
	}
	if f.Status != "" && !contains(model.EnterpriseStatuses, f.Status) {
		v.Add("status", "field.choose")
	}
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) enterpriseList(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	v := s.view(r, "enterprises")
	v.Title = v.T("enterprise.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.registers")}, {Label: v.T("enterprise.list")}}
	f, err := enterpriseFilterFrom(r.URL.Query())
	if f.Deleted && !v.Can("enterprise:admin") {
		s.failStatus(w, r, http.StatusForbidden, model.Errorf(model.EFORBIDDEN, "error.forbidden"))
		return
	}
	p := enterpriseListPage{Statuses: model.EnterpriseStatuses, Sorts: store.EnterpriseSortKeys(), Limit: f.Limit, Trash: f.Deleted}
	if p.Grids, err = s.gridsOrErr(r, err); err == nil {
		p.Industries, err = s.store.Industries(r.Context())
	}
	if err == nil {
		p.Page, err = s.store.ListEnterprises(r.Context(), ri.sess.actor, f)
	}
	if err == nil {
		p.Total, p.Capped, err = s.store.CountEnterprises(r.Context(), ri.sess.actor, f, 10000)
	}
	if err != nil {
		if form, ok := s.formFromError(r, err); ok {
			// A bad filter is the user's to fix: show the list page with the message.
			v.Form = form
			if v.Form.Error == "" {
				for _, m := range form.Errors {
					v.Form.Error = m
					break
				}
			}
			s.renderStatus(w, r, http.StatusUnprocessableEntity, "enterprise_list", v, p)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "enterprise_list", v, p)
}

// gridsOrErr loads the grids in scope unless an earlier error is pending.
func (s *Server) gridsOrErr(r *http.Request, prev error) ([]model.Grid, error) {
	if prev != nil {
		return nil, prev
	}
	return s.store.GridOptions(r.Context(), info(r).sess.actor)
}

type enterpriseFormPage struct {
	Enterprise *model.Enterprise
	Grids      []model.Grid
	Industries []model.Industry
	Statuses   []string
}

func (s *Server) enterpriseFormData(r *http.Request, e *model.Enterprise) (enterpriseFormPage, error) {
	p := enterpriseFormPage{Enterprise: e, Statuses: model.EnterpriseStatuses}
	var err error
	if p.Grids, err = s.store.GridOptions(r.Context(), info(r).sess.actor); err != nil {
		return p, err
	}
	p.Industries, err = s.store.Industries(r.Context())
	return p, err
}

func enterpriseFormValues(e model.Enterprise) url.Values {
	in := store.EnterpriseInputOf(e)
	vals := url.Values{}
	vals.Set("uscc", in.USCC)
	vals.Set("name", in.Name)
	vals.Set("short_name", in.ShortName)
	vals.Set("industry_id", strconv.FormatInt(in.IndustryID, 10))
	if in.AboveScale {
		vals.Set("above_scale", "1")
	}
	vals.Set("grid_id", strconv.FormatInt(in.GridID, 10))
	vals.Set("address", in.Address)
	if in.Lat != nil {
		vals.Set("lat", strconv.FormatFloat(*in.Lat, 'f', -1, 64))
		vals.Set("lng", strconv.FormatFloat(*in.Lng, 'f', -1, 64))
	}
	vals.Set("employees", strconv.Itoa(in.Employees))
	vals.Set("status", in.Status)
	vals.Set("founded_on", in.FoundedOn)
	vals.Set("legal_rep", in.LegalRep)
	vals.Set("version", strconv.Itoa(in.Version))
	return vals
}

// enterpriseInputFromForm parses the form; number fields that do not parse
// become field errors rather than zeros.
func enterpriseInputFromForm(r *http.Request) (store.EnterpriseInput, error) {
	var v model.Validation
	f := r.PostForm
	in := store.EnterpriseInput{USCC: f.Get("uscc"), Name: f.Get("name"), ShortName: f.Get("short_name"),
		Address: f.Get("address"), Status: f.Get("status"), FoundedOn: f.Get("founded_on"), LegalRep: f.Get("legal_rep"),
		AboveScale: f.Get("above_scale") == "1"}
	num := func(name string) int64 {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			v.Add(name, "field.number")
		}
		return n
	}
	flt := func(name string) *float64 {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v.Add(name, "field.number")
			return nil
		}
		return &x
	}
	in.IndustryID, in.GridID = num("industry_id"), num("grid_id")
	in.Employees, in.Version = int(num("employees")), int(num("version"))
	in.Lat, in.Lng = flt("lat"), flt("lng")
	return in, v.Err()
}

func (s *Server) enterpriseNew(w http.ResponseWriter, r *http.Request) {
	s.renderEnterpriseForm(w, r, http.StatusOK, nil, &Form{Values: url.Values{"status": {model.StatusOperating}}})
}

// renderEnterpriseForm shows the new (e == nil) or edit form with its
// breadcrumbs, pickers and the submitted values or errors in form.
func (s *Server) renderEnterpriseForm(w http.ResponseWriter, r *http.Request, status int, e *model.Enterprise, form *Form) {
	p, err := s.enterpriseFormData(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "enterprises")
	if e == nil {
		v.Title = v.T("enterprise.new")
		v.Crumbs = []Crumb{{Label: v.T("enterprise.list"), Href: "/enterprises"}, {Label: v.Title}}
	} else {
		v.Title = v.T("enterprise.edit")
		v.Crumbs = []Crumb{{Label: v.T("enterprise.list"), Href: "/enterprises"},
			{Label: e.Name, Href: "/enterprises/" + strconv.FormatInt(e.ID, 10)}, {Label: v.T("action.edit")}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "enterprise_form", v, p)
}

func (s *Server) enterpriseCreate(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	in, err := enterpriseInputFromForm(r)
	var e model.Enterprise
	if err == nil {
		e, err = s.store.CreateEnterprise(r.Context(), ri.sess.actor, in)
	}
	if err == nil {
		s.redirect(w, r, "/enterprises/"+strconv.FormatInt(e.ID, 10), "flash.created")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderEnterpriseForm(w, r, http.StatusUnprocessableEntity, nil, form)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, model.Errorf(model.ENOTFOUND, "error.no_route")
	}
	return id, nil
}

type enterpriseShowPage struct {
	E       model.Enterprise
	Tab     string
	History []model.AuditEntry
	Orgs    []model.OrgCoverage // party organizations covering it now
	// 助企八条 and 三师助企 for those who read them (grid staff: their grids)
	Support  bool
	Policies []store.EnterprisePolicy
	Services []model.ExpertService
	Experts  []model.Expert
	Today    string
	// 安全生产: the latest records, for those who read the register
	SafetyRead, SafetyWrite, SafetyMore bool
	Safety                              []model.SafetyRecord
}

func (s *Server) enterpriseShow(w http.ResponseWriter, r *http.Request) {
	e, err := s.pathEnterprise(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := enterpriseShowPage{E: e, Tab: r.URL.Query().Get("tab")}
	if p.Tab == "history" {
		if p.History, err = s.store.ListAudit(r.Context(), model.AuditFilter{Entity: "enterprise", EntityID: e.ID, Limit: 200}); err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		p.Tab = "info"
		if p.Orgs, err = s.store.EnterpriseOrgs(r.Context(), e.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.enterpriseSupport(r, &p); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.enterpriseSafety(r, &p); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := s.view(r, "enterprises")
	v.Title = e.Name
	v.Crumbs = []Crumb{{Label: v.T("enterprise.list"), Href: "/enterprises"}, {Label: e.Name}}
	s.render(w, r, "enterprise_show", v, p)
}

func (s *Server) enterpriseEdit(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	e, err := s.pathEnterprise(r)
	if err == nil && (e.DeletedAt != nil || !ri.sess.actor.Scope.All && !ri.sess.actor.SeesGrid(e.GridID)) {
		err = model.Errorf(model.ENOTFOUND, "error.not_found.enterprise")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderEnterpriseForm(w, r, http.StatusOK, &e, &Form{Values: enterpriseFormValues(e)})
}

func (s *Server) enterpriseUpdate(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := enterpriseInputFromForm(r)
	if err == nil {
		_, err = s.store.UpdateEnterprise(r.Context(), ri.sess.actor, id, in, strings.TrimSpace(r.PostFormValue("reason")))
	}
	if err == nil {
		s.redirect(w, r, "/enterprises/"+r.PathValue("id"), "flash.saved")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	e, gerr := s.store.Enterprise(r.Context(), ri.sess.actor, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	status := http.StatusUnprocessableEntity
	if model.ErrorCode(err) == model.ECONFLICT && len(form.Errors) == 0 {
		status = http.StatusConflict
	}
	s.renderEnterpriseForm(w, r, status, &e, form)
}

func (s *Server) enterpriseDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	e, err := s.pathEnterprise(r)
	if err == nil && e.DeletedAt != nil {
		err = model.Errorf(model.ENOTFOUND, "error.not_found.enterprise")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "enterprises")
	v.Title = v.T("enterprise.delete_title")
	v.Crumbs = []Crumb{{Label: v.T("enterprise.list"), Href: "/enterprises"}, {Label: e.Name, Href: "/enterprises/" + r.PathValue("id")}, {Label: v.T("action.delete")}}
	s.render(w, r, "enterprise_delete", v, e)
}

func (s *Server) enterpriseDelete(w http.ResponseWriter, r *http.Request) {
	s.enterpriseSetDeleted(w, r, true)
}

func (s *Server) enterpriseRestore(w http.ResponseWriter, r *http.Request) {
	s.enterpriseSetDeleted(w, r, false)
}

func (s *Server) enterpriseSetDeleted(w http.ResponseWriter, r *http.Request, del bool) {
	ri := info(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if del {
		err = s.store.DeleteEnterprise(r.Context(), ri.sess.actor, id, version, reason)
	} else {
		err = s.store.RestoreEnterprise(r.Context(), ri.sess.actor, id, version, reason)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if del {
		s.redirect(w, r, "/enterprises", "flash.deleted")
	} else {
		s.redirect(w, r, "/enterprises/"+r.PathValue("id"), "flash.restored")
	}
}

// parseIDVersions reads "id:version" pairs from the list's selection column.
func parseIDVersions(vals []string) []store.IDVersion {
	var out []store.IDVersion
	for _, v := range vals {
		a, b, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.Atoi(b)
		if ok && err1 == nil && err2 == nil && id > 0 {
			out = append(out, store.IDVersion{ID: id, Version: ver})
		}
	}
	return out
}

type batchDeletePage struct {
	Items []model.Enterprise
	Keys  []string
}

// enterpriseBatchConfirm lists the selected enterprises before deleting.
func (s *Server) enterpriseBatchConfirm(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	items := parseIDVersions(r.URL.Query()["ids"])
	v := s.view(r, "enterprises")
	v.Title = v.T("enterprise.batch_delete")
	v.Crumbs = []Crumb{{Label: v.T("enterprise.list"), Href: "/enterprises"}, {Label: v.Title}}
	var p batchDeletePage
	for _, it := range items {
		e, err := s.store.Enterprise(r.Context(), ri.sess.actor, it.ID)
		if err != nil || e.DeletedAt != nil {
			continue
		}
		p.Items = append(p.Items, e)
		p.Keys = append(p.Keys, strconv.FormatInt(it.ID, 10)+":"+strconv.Itoa(it.Version))
	}
	if len(p.Items) == 0 {
		s.redirect(w, r, "/enterprises", "!enterprise.batch_none")
		return
	}
	s.render(w, r, "enterprise_batch_delete", v, p)
}

func (s *Server) enterpriseBatchDelete(w http.ResponseWriter, r *http.Request) {
	items := parseIDVersions(r.PostForm["ids"])
	err := s.store.DeleteEnterprises(r.Context(), info(r).sess.actor, items, strings.TrimSpace(r.PostFormValue("reason")))
	if err != nil {
		if e, ok := model.AsError(err); ok && e.Code != model.EINTERNAL {
			// Nothing was deleted; say why on the list.
			s.redirect(w, r, "/enterprises", "!"+e.Key)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/enterprises", "flash.deleted")
}

// enterpriseSupport fills the policies and expert services of the
// enterprise page when the reader may see them (outside the grid staff's
// grids the section is left out).
func (s *Server) enterpriseSupport(r *http.Request, p *enterpriseShowPage) error {
	ri := info(r)
	if !auth.Can(ri.sess.user.Role, auth.PermSupportRead) {
		return nil
	}
	actor := ri.sess.actor
	var err error
	p.Policies, err = s.store.EnterprisePolicies(r.Context(), actor, p.E.ID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	p.Support = true
	if p.Services, err = s.store.ExpertServices(r.Context(), actor, store.ServiceFilter{EnterpriseID: p.E.ID, Limit: 50}); err != nil {
		return err
	}
	if p.Experts, err = s.store.Experts(r.Context(), actor); err != nil {
		return err
	}
	p.Today = s.ctxNow().Format("2006-01-02")
	return nil
}
