package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/photo"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// Field-work pages: visits (logged from the enterprise page on a phone),
// problems with their timeline and steps, the department inbox, coverage,
// statistics and the working-day calendar.
func (s *Server) fieldRoutes() {
	s.handle("GET", "/visits", auth.PermVisitRead, s.visitList)
	s.handle("GET", "/visits/new", auth.PermVisitWrite, s.visitNew)
	s.handle("POST", "/visits", auth.PermVisitWrite, s.visitCreate)
	s.handle("GET", "/visits/{id}", auth.PermVisitRead, s.visitShow)
	s.handle("POST", "/visits/{id}", auth.PermVisitWrite, s.visitUpdate)
	s.handle("GET", "/visits/{id}/photos/{pid}", auth.PermVisitRead, s.visitPhoto)
	s.handle("GET", "/problems", auth.PermProblemRead, s.problemList)
	s.handle("GET", "/problems/new", auth.PermProblemWrite, s.problemNew)
	s.handle("POST", "/problems", auth.PermProblemWrite, s.problemCreate)
	s.handle("GET", "/problems/stats", auth.PermProblemRead, s.problemStats)
	s.handle("GET", "/problems/{id}", auth.PermProblemRead, s.problemShow)
	s.handle("POST", "/problems/{id}/act", auth.PermProblemRead, s.problemAct)
	s.handle("GET", "/problems/{id}/attachments/{aid}", auth.PermProblemRead, s.problemAttachment)
	s.handle("GET", "/coverage", auth.PermVisitRead, s.coveragePage)
	s.handle("GET", "/admin/calendar", auth.PermDictWrite, s.calendarPage)
	s.handle("POST", "/admin/calendar", auth.PermDictWrite, s.calendarSave)
	s.handle("GET", "/admin/field", auth.PermDictWrite, s.fieldAdminPage)
	s.handle("POST", "/admin/field/topics", auth.PermDictWrite, s.topicSave)
	s.handle("POST", "/admin/field/categories", auth.PermDictWrite, s.categorySave)
	s.handle("POST", "/admin/field/rules", auth.PermDictWrite, s.visitRuleSave)
	s.handle("POST", "/admin/field/expert-kinds", auth.PermDictWrite, s.expertKindSave)
	s.fieldAPIRoutes()
}

func newIdemKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ---- visits ----

type visitListPage struct {
	Items      []model.Visit
	Next, Prev string
	Levels     []string
}

func (s *Server) visitList(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "visits")
	v.Title = v.T("visit.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.field")}, {Label: v.Title}}
	f, err := visitFilterFrom(r.URL.Query())
	p := visitListPage{Levels: model.VisitLevels}
	if err == nil {
		p.Items, p.Next, p.Prev, err = s.store.ListVisits(r.Context(), info(r).sess.actor, f)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.renderStatus(w, r, status, "visit_list", v, p)
		})
		return
	}
	s.render(w, r, "visit_list", v, p)
}

type visitFormPage struct {
	E          model.Enterprise
	Level      string
	Topics     []model.Topic
	Categories []model.Category
	Urgencies  []string
	MaxPhotos  int
	MaxMB      int
	FarMeters  int
}

func (s *Server) visitNew(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.URL.Query().Get("enterprise"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.enterprise"))
		return
	}
	vals := url.Values{"enterprise_id": {strconv.FormatInt(id, 10)}, "visited_at": {s.ctxNow().Format("2006-01-02T15:04")},
		"idempotency_key": {newIdemKey()}}
	s.renderVisitForm(w, r, http.StatusOK, &Form{Values: vals})
}

func (s *Server) renderVisitForm(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	actor := info(r).sess.actor
	id, _ := strconv.ParseInt(form.Val("enterprise_id"), 10, 64)
	e, err := s.store.Enterprise(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := visitFormPage{E: e, Urgencies: model.Urgencies, MaxPhotos: rules.PhotosPerVisit, MaxMB: rules.PhotoMaxBytes >> 20,
		FarMeters: rules.VisitFarMeters}
	if p.Level, err = s.store.VisitLevelOf(r.Context(), s.store.R, actor.UserID); err == nil {
		p.Topics, err = s.store.Topics(r.Context())
	}
	if err == nil {
		p.Categories, err = s.store.Categories(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "visits")
	v.Title = v.T("visit.new")
	v.Crumbs = []Crumb{{Label: e.Name, Href: "/enterprises/" + strconv.FormatInt(e.ID, 10)}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "visit_form", v, p)
}

func optFloatForm(v *model.Validation, field, s string) *float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		v.Add(field, "field.number")
		return nil
	}
	return &f
}

// readPhotos processes the uploaded photos; a bad one is a field error.
func readPhotos(v *model.Validation, files []*multipart.FileHeader) []store.Photo {
	var out []store.Photo
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if len(out) >= rules.PhotosPerVisit {
			v.Add("photos", "visit.too_many_photos", rules.PhotosPerVisit)
			return nil
		}
		if fh.Size > rules.PhotoMaxBytes {
			v.Add("photos", "photo.too_large", rules.PhotoMaxBytes>>20)
			return nil
		}
		f, err := fh.Open()
		if err != nil {
			v.Add("photos", "photo.broken")
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(f, rules.PhotoMaxBytes+1))
		f.Close()
		if err != nil {
			v.Add("photos", "photo.broken")
			return nil
		}
		res, err := photo.Process(b)
		if err != nil {
			e, _ := model.AsError(err)
			v.Add("photos", e.Key, e.Args...)
			return nil
		}
		out = append(out, store.Photo{MIME: res.MIME, Data: res.Data, Width: res.Width, Height: res.Height, TakenAt: res.TakenAt})
	}
	return out
}

func (s *Server) visitCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, formError(err))
		return
	}
	f := r.PostForm
	var v model.Validation
	in := model.VisitInput{VisitedAt: f.Get("visited_at"), Topics: f["topics"], Notes: f.Get("notes"), IdemKey: f.Get("idempotency_key")}
	in.EnterpriseID, _ = strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	in.Lat = optFloatForm(&v, "lat", f.Get("lat"))
	in.Lng = optFloatForm(&v, "lng", f.Get("lng"))
	in.AccuracyM = optFloatForm(&v, "accuracy_m", f.Get("accuracy_m"))
	if desc := strings.TrimSpace(f.Get("problem.description")); desc != "" || f.Get("problem.category_id") != "" {
		cat, _ := strconv.ParseInt(f.Get("problem.category_id"), 10, 64)
		in.Problems = []model.ProblemInput{{CategoryID: cat, Description: desc, Urgency: f.Get("problem.urgency")}}
	}
	var photos []store.Photo
	if r.MultipartForm != nil {
		photos = readPhotos(&v, r.MultipartForm.File["photos"])
	}
	err := v.Err()
	var visit model.Visit
	if err == nil {
		visit, err = s.store.CreateVisit(r.Context(), info(r).sess.actor, in, photos)
	}
	if err == nil {
		s.redirect(w, r, "/visits/"+strconv.FormatInt(visit.ID, 10), "visit.logged")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) {
		renameField(form, "problems.0.description", "problem.description")
		renameField(form, "problems.0.category_id", "problem.category_id")
		renameField(form, "problems.0.urgency", "problem.urgency")
		s.surfaceUnshown(r, form, "topics", "visited_at", "notes", "lat", "lng", "accuracy_m", "photos",
			"problem.description", "problem.category_id", "problem.urgency")
		s.renderVisitForm(w, r, status, form)
	})
}

type visitShowPage struct {
	V         model.Visit
	Revisions []store.VisitRevision
	Problems  []model.Problem
	Topics    []model.Topic
	CanEdit   bool
	FarMeters int
}

func (s *Server) visitShow(w http.ResponseWriter, r *http.Request) {
	s.renderVisitShow(w, r, http.StatusOK, nil)
}

func (s *Server) renderVisitShow(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	actor := info(r).sess.actor
	id, err := pathID(r)
	var p visitShowPage
	if err == nil {
		p.V, err = s.store.Visit(r.Context(), actor, id)
	}
	if err == nil {
		p.Revisions, err = s.store.VisitRevisions(r.Context(), actor, id)
	}
	if err == nil {
		p.Topics, err = s.store.Topics(r.Context())
	}
	for _, pid := range p.V.Problems {
		if err != nil {
			break
		}
		var pr model.Problem
		if pr, err = s.store.Problem(r.Context(), actor, pid); err == nil {
			p.Problems = append(p.Problems, pr)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.CanEdit = auth.Can(actor.Role, auth.PermVisitWrite) && (actor.Scope.All || p.V.VisitorID == actor.UserID)
	p.FarMeters = rules.VisitFarMeters
	v := s.view(r, "visits")
	v.Title = v.T("visit.title", p.V.EnterpriseName)
	v.Crumbs = []Crumb{{Label: v.T("visit.list"), Href: "/visits"}, {Label: p.V.EnterpriseName}}
	if form == nil {
		form = &Form{Values: url.Values{"visited_at": {p.V.VisitedAt.In(s.cfg.Location).Format("2006-01-02T15:04")},
			"topics": p.V.Topics, "notes": {p.V.Notes}}}
	}
	v.Form = form
	s.renderStatus(w, r, status, "visit_show", v, p)
}

func (s *Server) visitUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	var v model.Validation
	in := model.VisitInput{VisitedAt: f.Get("visited_at"), Topics: f["topics"], Notes: f.Get("notes"), Reason: f.Get("reason"),
		Version: int(idParam(&v, "version", f.Get("version")))}
	err = v.Err()
	if err == nil {
		_, err = s.store.UpdateVisit(r.Context(), info(r).sess.actor, id, in)
	}
	if err == nil {
		s.redirect(w, r, "/visits/"+strconv.FormatInt(id, 10), "flash.saved")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderVisitShow(w, r, status, form) })
}

func (s *Server) visitPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var pid int64
	if err == nil {
		pid, err = strconv.ParseInt(r.PathValue("pid"), 10, 64)
		if err != nil {
			err = model.Errorf(model.ENOTFOUND, "error.no_route")
		}
	}
	var ph store.Photo
	if err == nil {
		ph, err = s.store.VisitPhoto(r.Context(), info(r).sess.actor, id, pid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ph.MIME)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("Content-Length", strconv.Itoa(len(ph.Data)))
	_, _ = w.Write(ph.Data)
}

// ---- problems ----

type problemListPage struct {
	Items      []model.Problem
	Next, Prev string
	States     []string
	Inbox      bool
	Categories []model.Category
}

func (s *Server) problemList(w http.ResponseWriter, r *http.Request) {
	actor := info(r).sess.actor
	v := s.view(r, "problems")
	q := r.URL.Query()
	p := problemListPage{States: model.ProblemStates, Inbox: actor.Scope.DepartmentID != 0}
	if p.Inbox && len(q) == 0 {
		q.Set("open", "1") // the department's inbox opens on what waits for it
		v.Query = q
	}
	v.Title = v.T("problem.list")
	if p.Inbox {
		v.Title = v.T("problem.inbox")
	}
	v.Crumbs = []Crumb{{Label: v.T("menu.field")}, {Label: v.Title}}
	f, err := problemFilterFrom(q)
	if err == nil {
		p.Categories, err = s.store.Categories(r.Context())
	}
	if err == nil {
		p.Items, p.Next, p.Prev, err = s.store.ListProblems(r.Context(), actor, f)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.renderStatus(w, r, status, "problem_list", v, p)
		})
		return
	}
	s.render(w, r, "problem_list", v, p)
}

type problemFormPage struct {
	E          model.Enterprise
	Categories []model.Category
	Urgencies  []string
	Sources    []string
}

func (s *Server) problemNew(w http.ResponseWriter, r *http.Request) {
	vals := url.Values{"enterprise_id": {r.URL.Query().Get("enterprise")}, "source": {"phone"}, "urgency": {"normal"},
		"idempotency_key": {newIdemKey()}}
	s.renderProblemForm(w, r, http.StatusOK, &Form{Values: vals})
}

func (s *Server) renderProblemForm(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	id, _ := strconv.ParseInt(form.Val("enterprise_id"), 10, 64)
	e, err := s.store.Enterprise(r.Context(), info(r).sess.actor, id)
	p := problemFormPage{E: e, Urgencies: model.Urgencies, Sources: []string{"phone", "self_report"}}
	if err == nil {
		p.Categories, err = s.store.Categories(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "problems")
	v.Title = v.T("problem.new")
	v.Crumbs = []Crumb{{Label: e.Name, Href: "/enterprises/" + strconv.FormatInt(e.ID, 10)}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "problem_form", v, p)
}

func (s *Server) problemCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, formError(err))
		return
	}
	f := r.PostForm
	var v model.Validation
	var files []store.Photo
	if r.MultipartForm != nil {
		files = readPhotos(&v, r.MultipartForm.File["attachments"])
	}
	if err := v.Err(); err != nil {
		s.failForm(w, r, renameErr(err, "photos", "attachments"), func(status int, form *Form) { s.renderProblemForm(w, r, status, form) })
		return
	}
	in := model.ProblemInput{Description: f.Get("description"), Urgency: f.Get("urgency"), Source: f.Get("source"),
		IdemKey: f.Get("idempotency_key")}
	in.EnterpriseID, _ = strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	in.CategoryID, _ = strconv.ParseInt(f.Get("category_id"), 10, 64)
	p, err := s.store.CreateProblem(r.Context(), info(r).sess.actor, in, files...)
	if err == nil {
		s.redirect(w, r, "/problems/"+strconv.FormatInt(p.ID, 10), "flash.created")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) {
		s.surfaceUnshown(r, form, "description", "urgency", "source", "category_id", "attachments")
		s.renderProblemForm(w, r, status, form)
	})
}

type problemShowPage struct {
	P           model.Problem
	Attachments []int64
	Timeline    []model.ProblemEvent
	Allowed     map[string]bool
	Categories  []model.Category
	Departments []model.Department
	Admin       bool
}

func (s *Server) problemShow(w http.ResponseWriter, r *http.Request) {
	s.renderProblemShow(w, r, http.StatusOK, nil)
}

func (s *Server) renderProblemShow(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	actor := info(r).sess.actor
	id, err := pathID(r)
	var p problemShowPage
	if err == nil {
		p.P, err = s.store.Problem(r.Context(), actor, id)
	}
	if err == nil {
		p.Timeline, err = s.store.ProblemEvents(r.Context(), actor, id)
	}
	if err == nil {
		p.Attachments, err = s.store.ProblemAttachments(r.Context(), actor, id)
	}
	if err == nil {
		p.Categories, err = s.store.Categories(r.Context())
	}
	if err == nil {
		p.Departments, err = s.store.Departments(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Allowed = map[string]bool{}
	for _, a := range store.ProblemAllowed(actor, p.P) {
		p.Allowed[a] = true
	}
	p.Admin = actor.Scope.All
	v := s.view(r, "problems")
	v.Title = v.T("problem.title", p.P.ID)
	v.Crumbs = []Crumb{{Label: v.T("problem.list"), Href: "/problems"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "problem_show", v, p)
}

func (s *Server) problemAct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	var v model.Validation
	in := store.ProblemActionInput{Action: f.Get("action"), Note: f.Get("note"), Satisfaction: f.Get("satisfaction"),
		Version: int(idParam(&v, "version", f.Get("version")))}
	in.DepartmentID = idParam(&v, "department_id", f.Get("department_id"))
	in.CategoryID = idParam(&v, "category_id", f.Get("category_id"))
	in.DuplicateOf = idParam(&v, "duplicate_of", f.Get("duplicate_of"))
	err = v.Err()
	if err == nil {
		_, err = s.store.ActOnProblem(r.Context(), info(r).sess.actor, id, in)
	}
	if err == nil {
		s.redirect(w, r, "/problems/"+strconv.FormatInt(id, 10), "problem.step_done")
		return
	}
	if e, ok := model.AsError(err); ok && e.Code == model.ECONFLICT && len(e.Fields) == 0 {
		s.fail(w, r, err) // an illegal step: the error page says why, with 409
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) {
		form.Values.Set("open_action", in.Action)
		s.surfaceUnshown(r, form, "note", "satisfaction", "department_id", "category_id", "duplicate_of")
		s.renderProblemShow(w, r, status, form)
	})
}

type problemStatsPage struct {
	St    store.ProblemStats
	Since string
}

func (s *Server) problemStats(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "problem_stats")
	v.Title = v.T("problem.stats")
	v.Crumbs = []Crumb{{Label: v.T("menu.field")}, {Label: v.Title}}
	var val model.Validation
	since := sinceParam(&val, r.URL.Query().Get("since"))
	err := val.Err()
	p := problemStatsPage{Since: r.URL.Query().Get("since")}
	if err == nil {
		p.St, err = s.store.ProblemStatistics(r.Context(), info(r).sess.actor, since)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.renderStatus(w, r, status, "problem_stats", v, p)
		})
		return
	}
	s.render(w, r, "problem_stats", v, p)
}

// ---- coverage ----

type coveragePage struct {
	C       store.Coverage
	Grids   []model.Grid
	Period  string
	Level   string
	Due     []store.CoverageEnterprise
	DueMore int // due enterprises beyond the ones listed
	Shown   int
}

// coveragePageRows bounds each list on the page; the API has the rest.
const coveragePageRows = 100

func (s *Server) coveragePage(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "coverage")
	v.Title = v.T("coverage.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.field")}, {Label: v.Title}}
	actor := info(r).sess.actor
	grid, ref, err := s.coverageParams(r)
	p := coveragePage{Period: ref.In(s.cfg.Location).Format("2006-01")}
	p.Grids, err = s.gridsOrErr(r, err)
	if err == nil {
		p.C, err = s.store.GridCoverage(r.Context(), actor, grid, ref)
	}
	if err == nil && r.URL.Query().Get("period") == "" {
		if own := actor.Scope.GridIDs; grid == 0 || (len(own) == 1 && own[0] == grid) {
			// The coverage of the actor's own scope already holds the due list.
			if p.Level, err = s.store.VisitLevelOf(r.Context(), s.store.R, actor.UserID); err == nil && p.Level != "" {
				p.Due = store.DueIn(p.C, p.Level)
			}
		} else {
			p.Level, p.Due, err = s.store.DueVisits(r.Context(), actor)
		}
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.renderStatus(w, r, status, "coverage", v, p)
		})
		return
	}
	if len(p.Due) > coveragePageRows {
		p.DueMore, p.Due = len(p.Due)-coveragePageRows, p.Due[:coveragePageRows]
	}
	if len(p.C.Overdue) > coveragePageRows {
		p.C.Overdue, p.C.Capped = p.C.Overdue[:coveragePageRows], true
	}
	p.Shown = coveragePageRows
	s.render(w, r, "coverage", v, p)
}

// ---- calendar ----

type calendarPageData struct {
	Cal   calendarJSON
	Years []int
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	s.renderCalendar(w, r, http.StatusOK, nil)
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	var val model.Validation
	y := yearParam(&val, r.URL.Query().Get("year"), s.ctxNow())
	if form != nil && form.Val("day") != "" {
		if d, err := time.Parse("2006-01-02", form.Val("day")); err == nil {
			y = d.Year()
		}
	}
	if err := val.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.calendarYear(r, y)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "calendar")
	v.Title = v.T("calendar.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.Title}}
	v.Form = form
	now := s.ctxNow().Year()
	s.renderStatus(w, r, status, "calendar", v, calendarPageData{Cal: cal, Years: []int{now - 1, now, now + 1}})
}

func (s *Server) calendarSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	in := store.CalendarDayInput{Day: f.Get("day"), Kind: f.Get("kind"), Name: f.Get("name")}
	err := s.store.SaveCalendarDay(r.Context(), info(r).sess.actor, in)
	if err == nil {
		d, _ := time.Parse("2006-01-02", in.Day)
		s.redirect(w, r, "/admin/calendar?year="+strconv.Itoa(d.Year()), "flash.saved")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderCalendar(w, r, status, form) })
}

func init() {
	// hasVal reports whether a multi-valued form field holds v (checkboxes).
	funcs["hasVal"] = func(f *Form, name, v string) bool {
		if f == nil || f.Values == nil {
			return false
		}
		return contains(f.Values[name], v)
	}
	funcs["pct"] = func(x float64) string { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }
	funcs["meters"] = func(p *float64) string {
		if p == nil {
			return "—"
		}
		return strconv.FormatFloat(*p, 'f', 0, 64) + " m"
	}
	funcs["lastOf"] = func(m map[string]*time.Time, level string) *time.Time { return m[level] }
}

func init() {
	funcs["problemActions"] = func() []string { return store.ProblemActions }
	funcs["satisfactions"] = func() []string { return model.Satisfactions }
	// A satisfaction event's note is the answer's code, then the comment.
	funcs["satCode"] = func(note string) string {
		code, _, _ := strings.Cut(note, " ")
		if contains(model.Satisfactions, code) {
			return code
		}
		return ""
	}
	funcs["satRest"] = func(note string) string {
		code, rest, _ := strings.Cut(note, " ")
		if contains(model.Satisfactions, code) {
			return rest
		}
		return note
	}
	funcs["deref0"] = func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
}

// ---- field dictionaries (administrators) ----

type fieldAdminPage struct {
	Topics      []model.Topic
	Categories  []model.Category
	Departments []model.Department
	Rules       []model.VisitRule
	ExpertKinds []model.ExpertKind // 三师助企 kinds
	Periods     []string
	Scopes      []string
}

func (s *Server) fieldAdminPage(w http.ResponseWriter, r *http.Request) {
	s.renderFieldAdmin(w, r, http.StatusOK, nil)
}

func (s *Server) renderFieldAdmin(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	p := fieldAdminPage{Periods: model.VisitPeriods, Scopes: model.VisitScopes}
	var err error
	if p.Topics, err = s.store.Topics(r.Context()); err == nil {
		if p.Categories, err = s.store.Categories(r.Context()); err == nil {
			if p.Departments, err = s.store.Departments(r.Context()); err == nil {
				if p.Rules, err = s.store.VisitRules(r.Context()); err == nil {
					p.ExpertKinds, err = s.store.ExpertKinds(r.Context())
				}
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "field_admin")
	v.Title = v.T("fieldadmin.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "field_admin", v, p)
}

func (s *Server) fieldAdminSaved(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		s.redirect(w, r, "/admin/field", "flash.saved")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderFieldAdmin(w, r, statusOf(err), form)
}

func (s *Server) topicSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	pos, _ := strconv.Atoi(f.Get("position"))
	_, err := s.store.SaveTopic(r.Context(), info(r).sess.actor, model.Topic{ID: id, Code: f.Get("code"), Name: f.Get("name"),
		NameEn: f.Get("name_en"), Position: pos, Active: f.Get("active") == "1"})
	s.fieldAdminSaved(w, r, err)
}

func (s *Server) expertKindSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	pos, _ := strconv.Atoi(f.Get("position"))
	_, err := s.store.SaveExpertKind(r.Context(), info(r).sess.actor, model.ExpertKind{ID: id, Code: f.Get("code"), Name: f.Get("name"),
		NameEn: f.Get("name_en"), Position: pos, Active: f.Get("active") == "1"})
	s.fieldAdminSaved(w, r, err)
}

func (s *Server) categorySave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	pos, _ := strconv.Atoi(f.Get("position"))
	days, _ := strconv.Atoi(f.Get("deadline_days"))
	dept, _ := strconv.ParseInt(f.Get("department_id"), 10, 64)
	_, err := s.store.SaveCategory(r.Context(), info(r).sess.actor, model.Category{ID: id, Code: f.Get("code"), Name: f.Get("name"),
		NameEn: f.Get("name_en"), DepartmentID: dept, DeadlineDays: days, Position: pos, Active: f.Get("active") == "1"})
	s.fieldAdminSaved(w, r, err)
}

func (s *Server) visitRuleSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	err := s.store.SaveVisitRule(r.Context(), info(r).sess.actor, model.VisitRule{Level: f.Get("level"), Period: f.Get("period"),
		Scope: f.Get("scope")})
	s.fieldAdminSaved(w, r, err)
}

// renameErr moves a field's message to another field name.
func renameErr(err error, from, to string) error {
	if e, ok := model.AsError(err); ok {
		if fe, ok := e.Fields[from]; ok {
			delete(e.Fields, from)
			e.Fields[to] = fe
		}
	}
	return err
}

func (s *Server) problemAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var aid int64
	if err == nil {
		if aid, err = strconv.ParseInt(r.PathValue("aid"), 10, 64); err != nil {
			err = model.Errorf(model.ENOTFOUND, "error.no_route")
		}
	}
	var ph store.Photo
	if err == nil {
		ph, err = s.store.ProblemAttachment(r.Context(), info(r).sess.actor, id, aid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ph.MIME)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, _ = w.Write(ph.Data)
}
