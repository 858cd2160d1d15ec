package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// Pages of the safety register (安全生产): the list with its filters and
// export, the form (reached from the enterprise page), the record with its
// rectification and problem, and the delete confirmation.
func (s *Server) safetyRoutes() {
	s.handle("GET", "/safety", auth.PermSafetyRead, s.safetyList)
	s.handle("GET", "/safety/export", auth.PermSafetyRead, s.exportHandler("safety"))
	s.handle("GET", "/safety/new", auth.PermSafetyWrite, s.safetyNew)
	s.handle("POST", "/safety", auth.PermSafetyWrite, s.safetyCreate)
	s.handle("GET", "/safety/{id}", auth.PermSafetyRead, s.safetyShow)
	s.handle("GET", "/safety/{id}/edit", auth.PermSafetyWrite, s.safetyEdit)
	s.handle("POST", "/safety/{id}", auth.PermSafetyWrite, s.safetyUpdate)
	s.handle("POST", "/safety/{id}/rectify", auth.PermSafetyWrite, s.safetyRectify)
	s.handle("POST", "/safety/{id}/problem", auth.PermSafetyWrite, s.safetyRaise)
	s.handle("GET", "/safety/{id}/delete", auth.PermSafetyWrite, s.safetyDeleteConfirm)
	s.handle("POST", "/safety/{id}/delete", auth.PermSafetyWrite, s.safetyDelete)
	s.safetyAPIRoutes()
	s.safetyGridRoutes()
}

func init() {
	funcs["safetySeverities"] = func() []string { return rules.Severities }
	funcs["hazardLevels"] = func() []string { return rules.HazardLevels }
	funcs["safetyKinds"] = func() []string { return model.SafetyKinds }
	funcs["isMajorAccident"] = rules.IsMajorAccident
}

// safetyDate reads an optional YYYY-MM-DD filter.
func safetyDate(v *model.Validation, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		v.Add(field, "field.date_format")
	}
	return d
}

// safetyFilterFrom reads the list filters (pages, API and export alike).
func safetyFilterFrom(q url.Values) (store.SafetyListFilter, error) {
	var v model.Validation
	f := store.SafetyListFilter{Kind: q.Get("kind"), Severity: q.Get("severity"), Keyword: q.Get("q"), Cursor: q.Get("cursor"),
		OpenOnly: q.Get("open") == "1" || q.Get("open") == "true"}
	if f.Kind != "" && !contains(model.SafetyKinds, f.Kind) {
		v.Add("kind", "field.choose")
	}
	if f.Severity != "" && !contains(rules.Severities, f.Severity) {
		v.Add("severity", "field.choose")
	}
	switch q.Get("sort") {
	case "", "date_desc":
	case "date_asc":
		f.Asc = true
	default:
		v.Add("sort", "field.choose")
	}
	if len([]rune(f.Keyword)) > 100 {
		v.Add("q", "field.too_long", 100)
	}
	f.GridID = idParam(&v, "grid", q.Get("grid"))
	f.EnterpriseID = idParam(&v, "enterprise", q.Get("enterprise"))
	f.From = safetyDate(&v, "from", q.Get("from"))
	f.To = safetyDate(&v, "to", q.Get("to"))
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		v.Add("to", "field.before_start", f.From.Format("2006-01-02"))
	}
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

type safetyListPage struct {
	Items      []model.SafetyRecord
	Next, Prev string
	Grids      []model.Grid
}

func (s *Server) safetyList(w http.ResponseWriter, r *http.Request) {
	actor := info(r).sess.actor
	v := s.view(r, "safety")
	v.Title = v.T("safety.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.field")}, {Label: v.Title}}
	var p safetyListPage
	var err error
	if p.Grids, err = s.store.GridOptions(r.Context(), actor); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := safetyFilterFrom(r.URL.Query())
	if err == nil {
		p.Items, p.Next, p.Prev, err = s.store.ListSafety(r.Context(), actor, f)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.renderStatus(w, r, status, "safety_list", v, p)
		})
		return
	}
	s.render(w, r, "safety_list", v, p)
}

// ---- form ----

type safetyFormPage struct {
	CanRaise   bool
	E          model.Enterprise
	R          *model.SafetyRecord
	Categories []model.Category
	Today      string
}

func safetyInputFrom(f url.Values) (model.SafetyInput, error) {
	var v model.Validation
	in := model.SafetyInput{Kind: f.Get("kind"), OccurredOn: f.Get("occurred_on"), Description: f.Get("description"),
		FollowUp: f.Get("follow_up"), Severity: f.Get("severity"), LossWan: f.Get("loss_wan"), HazardLevel: f.Get("hazard_level"),
		RaiseProblem: f.Get("raise_problem") == "1"}
	in.EnterpriseID = idParam(&v, "enterprise_id", f.Get("enterprise_id"))
	in.ProblemID = idParam(&v, "problem_id", f.Get("problem_id"))
	in.ProblemCategoryID = idParam(&v, "problem_category_id", f.Get("problem_category_id"))
	for _, n := range []struct {
		field string
		dst   *int
	}{{"deaths", &in.Deaths}, {"serious_injuries", &in.SeriousInjuries}} {
		if t := strings.TrimSpace(f.Get(n.field)); t != "" {
			x, err := strconv.Atoi(t)
			if err != nil {
				v.Add(n.field, "field.number")
			}
			*n.dst = x
		}
	}
	in.Version, _ = strconv.Atoi(f.Get("version"))
	return in, v.Err()
}

func safetyFormValues(rec model.SafetyRecord) url.Values {
	vals := url.Values{"enterprise_id": {strconv.FormatInt(rec.EnterpriseID, 10)}, "kind": {rec.Kind},
		"occurred_on": {rec.OccurredOn.Format("2006-01-02")}, "description": {rec.Description}, "follow_up": {rec.FollowUp},
		"severity": {rec.Severity}, "deaths": {strconv.Itoa(rec.Deaths)}, "serious_injuries": {strconv.Itoa(rec.SeriousInjuries)},
		"hazard_level": {rec.HazardLevel}, "version": {strconv.Itoa(rec.Version)}}
	if rec.LossYuan != 0 {
		vals.Set("loss_wan", store.FormatWan(rec.LossYuan))
	}
	if rec.ProblemID != 0 {
		vals.Set("problem_id", strconv.FormatInt(rec.ProblemID, 10))
	}
	return vals
}

func (s *Server) renderSafetyForm(w http.ResponseWriter, r *http.Request, status int, rec *model.SafetyRecord, form *Form) {
	actor := info(r).sess.actor
	id, _ := strconv.ParseInt(form.Val("enterprise_id"), 10, 64)
	if rec != nil {
		id = rec.EnterpriseID
	}
	e, err := s.store.Enterprise(r.Context(), actor, id)
	p := safetyFormPage{E: e, R: rec, Today: s.ctxNow().Format("2006-01-02"),
		CanRaise: auth.Can(info(r).sess.user.Role, auth.PermProblemWrite)}
	if err == nil {
		p.Categories, err = s.store.Categories(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "safety")
	v.Title = v.T("safety.new")
	if rec != nil {
		v.Title = v.T("safety.edit")
	}
	v.Crumbs = []Crumb{{Label: v.T("safety.list"), Href: "/safety"}, {Label: e.Name, Href: "/enterprises/" + strconv.FormatInt(e.ID, 10)},
		{Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "safety_form", v, p)
}

func (s *Server) safetyNew(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.URL.Query().Get("enterprise"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.enterprise"))
		return
	}
	kind := r.URL.Query().Get("kind")
	if !contains(model.SafetyKinds, kind) {
		kind = model.SafetyInspection
	}
	vals := url.Values{"enterprise_id": {strconv.FormatInt(id, 10)}, "kind": {kind}, "occurred_on": {s.ctxNow().Format("2006-01-02")},
		"hazard_level": {rules.HazardOrdinary}}
	s.renderSafetyForm(w, r, http.StatusOK, nil, &Form{Values: vals})
}

func (s *Server) safetyCreate(w http.ResponseWriter, r *http.Request) {
	in, err := safetyInputFrom(r.PostForm)
	var rec model.SafetyRecord
	if err == nil {
		rec, err = s.store.CreateSafety(r.Context(), info(r).sess.actor, in)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderSafetyForm(w, r, status, nil, form) })
		return
	}
	s.redirect(w, r, "/safety/"+strconv.FormatInt(rec.ID, 10), "flash.saved")
}

// pathSafety reads the record named by the path in the reader's scope.
func (s *Server) pathSafety(r *http.Request) (model.SafetyRecord, error) {
	id, err := pathID(r)
	if err != nil {
		return model.SafetyRecord{}, err
	}
	return s.store.SafetyRecord(r.Context(), info(r).sess.actor, id)
}

func (s *Server) safetyEdit(w http.ResponseWriter, r *http.Request) {
	rec, err := s.pathSafety(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSafetyForm(w, r, http.StatusOK, &rec, &Form{Values: safetyFormValues(rec)})
}

func (s *Server) safetyUpdate(w http.ResponseWriter, r *http.Request) {
	rec, err := s.pathSafety(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := safetyInputFrom(r.PostForm)
	if err == nil {
		_, err = s.store.UpdateSafety(r.Context(), info(r).sess.actor, rec.ID, in)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderSafetyForm(w, r, status, &rec, form) })
		return
	}
	s.redirect(w, r, "/safety/"+strconv.FormatInt(rec.ID, 10), "flash.saved")
}

// ---- show, rectify, problem, delete ----

type safetyShowPage struct {
	R          model.SafetyRecord
	CanWrite   bool
	CanRaise   bool // problems are registered by grid staff and administrators
	Categories []model.Category
	Today      string
}

func (s *Server) safetyShow(w http.ResponseWriter, r *http.Request) {
	s.renderSafetyShow(w, r, http.StatusOK, nil)
}

func (s *Server) renderSafetyShow(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	actor := info(r).sess.actor
	rec, err := s.pathSafety(r)
	var p safetyShowPage
	if err == nil {
		p = safetyShowPage{R: rec, Today: s.ctxNow().Format("2006-01-02")}
		p.CanWrite = auth.Can(info(r).sess.user.Role, auth.PermSafetyWrite) && s.store.SafetyCanWrite(r.Context(), actor, rec.GridID)
		p.CanRaise = p.CanWrite && auth.Can(info(r).sess.user.Role, auth.PermProblemWrite)
		p.Categories, err = s.store.Categories(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "safety")
	v.Title = v.T("safety.record_title", v.T("safety.kind."+rec.Kind), rec.ID)
	v.Crumbs = []Crumb{{Label: v.T("safety.list"), Href: "/safety"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "safety_show", v, p)
}

func (s *Server) safetyRectify(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		f := r.PostForm
		ver, _ := strconv.Atoi(f.Get("version"))
		_, err = s.store.RectifySafety(r.Context(), info(r).sess.actor, id,
			model.SafetyRectify{RectifiedOn: f.Get("rectified_on"), Note: f.Get("note"), Version: ver})
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderSafetyShow(w, r, status, form) })
		return
	}
	s.redirect(w, r, "/safety/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) safetyRaise(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		f := r.PostForm
		var v model.Validation
		cat := idParam(&v, "problem.category_id", f.Get("category_id"))
		ver, _ := strconv.Atoi(f.Get("version"))
		if err = v.Err(); err == nil {
			_, err = s.store.RaiseSafetyProblem(r.Context(), info(r).sess.actor, id, cat, ver)
		}
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderSafetyShow(w, r, status, form) })
		return
	}
	s.redirect(w, r, "/safety/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) safetyDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	rec, err := s.pathSafety(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "safety")
	v.Title = v.T("safety.delete_title")
	v.Crumbs = []Crumb{{Label: v.T("safety.list"), Href: "/safety"}, {Label: v.Title}}
	s.render(w, r, "safety_delete", v, rec)
}

func (s *Server) safetyDelete(w http.ResponseWriter, r *http.Request) {
	rec, err := s.pathSafety(r)
	if err == nil {
		ver, _ := strconv.Atoi(r.PostForm.Get("version"))
		err = s.store.DeleteSafety(r.Context(), info(r).sess.actor, rec.ID, ver, r.PostForm.Get("reason"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/enterprises/"+strconv.FormatInt(rec.EnterpriseID, 10), "flash.safety_deleted")
}

// enterpriseSafety fills the 安全生产 section of the enterprise page for
// those who read the register.
func (s *Server) enterpriseSafety(r *http.Request, p *enterpriseShowPage) error {
	ri := info(r)
	if !auth.Can(ri.sess.user.Role, auth.PermSafetyRead) {
		return nil
	}
	items, next, _, err := s.store.ListSafety(r.Context(), ri.sess.actor, store.SafetyListFilter{EnterpriseID: p.E.ID, Limit: 10})
	if err != nil {
		return err
	}
	p.SafetyRead, p.Safety, p.SafetyMore = true, items, next != ""
	p.SafetyWrite = auth.Can(ri.sess.user.Role, auth.PermSafetyWrite) && p.E.DeletedAt == nil &&
		s.store.SafetyCanWrite(r.Context(), ri.sess.actor, p.E.GridID)
	return nil
}
