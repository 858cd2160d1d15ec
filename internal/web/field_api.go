package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// JSON API of field work: visits, problems (steps are POSTs on the
// problem), coverage and the working-day calendar.
func (s *Server) fieldAPIRoutes() {
	s.handle("GET", "/api/v1/visits", auth.PermVisitRead, s.apiVisitList)
	s.handle("POST", "/api/v1/visits", auth.PermVisitWrite, s.apiVisitCreate)
	s.handle("GET", "/api/v1/visits/{id}", auth.PermVisitRead, s.apiVisitGet)
	s.handle("PATCH", "/api/v1/visits/{id}", auth.PermVisitWrite, s.apiVisitUpdate)
	s.handle("GET", "/api/v1/problems", auth.PermProblemRead, s.apiProblemList)
	s.handle("POST", "/api/v1/problems", auth.PermProblemWrite, s.apiProblemCreate)
	s.handle("GET", "/api/v1/problems/stats", auth.PermProblemRead, s.apiProblemStats)
	s.handle("GET", "/api/v1/problems/{id}", auth.PermProblemRead, s.apiProblemGet)
	for _, a := range store.ProblemActions {
		s.handle("POST", "/api/v1/problems/{id}/"+a, auth.PermProblemRead, s.apiProblemAct(a))
	}
	s.handle("GET", "/api/v1/coverage", auth.PermVisitRead, s.apiCoverage)
	s.handle("GET", "/api/v1/calendar", auth.PermSelf, s.apiCalendar)
	s.handle("POST", "/api/v1/calendar", auth.PermDictWrite, s.apiCalendarSave)
}

func init() {
	acts := map[string]string{
		store.PActAccept:       "受理: registered → accepted (grid side)",
		store.PActDispatch:     "派单: accepted, reopened or not_ours → assigned to the category's department (an administrator may name another department_id); a re-routed or reopened problem gets a new deadline",
		store.PActStart:        "开始处理: assigned → in_progress (the department)",
		store.PActResolve:      "办结: assigned or in_progress → resolved, note = the answer (the department)",
		store.PActUnresolvable: "无法解决, note = the reason (the department)",
		store.PActNotOurs:      "非本部门职责, note = the reason; the problem leaves the department for the grid side to re-route",
		store.PActDuplicate:    "重复: linked to duplicate_of (grid side)",
		store.PActClose:        "关闭: resolved, unresolvable or duplicate → closed (grid side)",
		store.PActReopen:       "重开: closed or unresolvable → reopened, note = the reason (grid side)",
		store.PActSatisfaction: "满意度: after 办结 the enterprise's answer; unsatisfied reopens, else closes (grid side)",
		store.PActRecategorize: "改类: a new category_id; a routed problem is re-routed to its department with a new deadline (grid side)",
	}
	for a, sum := range acts {
		apiDocs["POST /api/v1/problems/{id}/"+a] = apiOp{Summary: sum + ". Version required; stale or illegal step → 409; the other side's step → 403; outside scope → 404",
			Tag: "problems", Body: "ProblemStep", Response: "Problem", Status: "200"}
	}
	apiDocs["GET /api/v1/visits"] = apiOp{Summary: "Visits of the caller's grids, newest first (keyset pages)", Tag: "visits",
		Query: []string{"grid", "enterprise", "visitor", "level", "far", "cursor", "limit"}, Response: "VisitList", Status: "200"}
	apiDocs["POST /api/v1/visits"] = apiOp{Summary: "Log a visit (level from the account); problems raised in it are registered with it. The same idempotency_key (or Idempotency-Key header) again returns the first visit",
		Tag: "visits", Body: "VisitInput", Response: "Visit", Status: "201"}
	apiDocs["GET /api/v1/visits/{id}"] = apiOp{Summary: "One visit with its photo and problem ids and its corrections", Tag: "visits", Response: "Visit", Status: "200"}
	apiDocs["PATCH /api/v1/visits/{id}"] = apiOp{Summary: "Correct a visit's time, topics and notes (the place stays); reason and version required; the earlier state is kept",
		Tag: "visits", Body: "VisitPatch", Response: "Visit", Status: "200"}
	apiDocs["GET /api/v1/problems"] = apiOp{Summary: "Problems in scope, newest first (keyset pages); department staff see those routed to them (open=1 is the inbox)",
		Tag: "problems", Query: []string{"state", "open", "overdue", "grid", "enterprise", "department", "category", "cursor", "limit"},
		Response: "ProblemList", Status: "200"}
	apiDocs["POST /api/v1/problems"] = apiOp{Summary: "Register a problem on an enterprise of the caller's grids", Tag: "problems",
		Body: "ProblemInput", Response: "Problem", Status: "201"}
	apiDocs["GET /api/v1/problems/stats"] = apiOp{Summary: "On-time rate and median handling time (working days) of the problems resolved since `since` (YYYY-MM-DD), open and overdue by department and category",
		Tag: "problems", Query: []string{"since"}, Response: "ProblemStats", Status: "200"}
	apiDocs["GET /api/v1/problems/{id}"] = apiOp{Summary: "One problem with its timeline and the steps the caller may take now", Tag: "problems",
		Response: "Problem", Status: "200"}
	apiDocs["GET /api/v1/coverage"] = apiOp{Summary: "Visit coverage of a grid (and its subtree; no grid: the caller's scope) per level for the periods containing `period` (YYYY-MM, default now), with the enterprises still to visit",
		Tag: "visits", Query: []string{"grid", "period"}, Response: "Coverage", Status: "200"}
	apiDocs["GET /api/v1/calendar"] = apiOp{Summary: "The working-day calendar of a year: special days from the holiday library and those kept by administrators (which win)",
		Tag: "calendar", Query: []string{"year"}, Response: "Calendar", Status: "200"}
	apiDocs["POST /api/v1/calendar"] = apiOp{Summary: "Keep a day as holiday or workday, or remove the kept day (kind empty); administrators",
		Tag: "calendar", Body: "CalendarDay", Response: "Calendar", Status: "200"}

	enum := func(vals []string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	problemIn := map[string]any{"enterprise_id": tInt, "category_id": tInt, "description": tStr, "urgency": enum(model.Urgencies),
		"source": enum(model.Sources), "idempotency_key": tStr}
	moreSchemas["ProblemInput"] = obj(problemIn, "enterprise_id", "category_id", "description", "source")
	moreSchemas["VisitInput"] = obj(map[string]any{"enterprise_id": tInt, "visited_at": tTime, "topics": arr(tStr), "notes": tStr,
		"lat": tNum, "lng": tNum, "accuracy_m": tNum, "idempotency_key": tStr,
		"problems": arr(obj(map[string]any{"category_id": tInt, "description": tStr, "urgency": enum(model.Urgencies)}, "category_id", "description"))},
		"enterprise_id", "topics")
	moreSchemas["VisitPatch"] = obj(map[string]any{"visited_at": tTime, "topics": arr(tStr), "notes": tStr, "reason": tStr, "version": tInt},
		"reason", "version")
	moreSchemas["Visit"] = obj(map[string]any{"id": tInt, "enterprise_id": tInt, "grid_id": tInt, "level": enum(model.VisitLevels),
		"visitor_id": tInt, "visited_at": tTime, "topics": arr(tStr), "notes": tStr, "lat": tNum, "lng": tNum, "accuracy_m": tNum,
		"distance_m": tNum, "far": tBool, "created_at": tTime, "updated_at": tTime, "version": tInt, "enterprise_name": tStr,
		"visitor_name": tStr, "photo_ids": arr(tInt), "problem_ids": arr(tInt),
		"revisions": arr(obj(map[string]any{"at": tTime, "actor_name": tStr, "before": tStr, "reason": tStr}))})
	moreSchemas["VisitList"] = obj(map[string]any{"items": arr(ref("Visit")), "next_cursor": tStr, "prev_cursor": tStr}, "items")
	moreSchemas["Problem"] = obj(map[string]any{"id": tInt, "enterprise_id": tInt, "grid_id": tInt, "category_id": tInt,
		"department_id": tInt, "description": tStr, "urgency": enum(model.Urgencies), "source": enum(model.Sources), "visit_id": tInt,
		"state": enum(model.ProblemStates), "due_on": tDate, "overdue": tBool, "escalated_at": tTime, "resolved_at": tTime,
		"handling_days": tInt, "on_time": tBool, "duplicate_of": tInt, "reason": tStr, "resolution": tStr,
		"satisfaction": enum(append([]string{""}, model.Satisfactions...)), "reopen_count": tInt, "created_at": tTime,
		"updated_at": tTime, "version": tInt, "enterprise_name": tStr, "category_name": tStr, "department_name": tStr, "grid_name": tStr,
		"allowed_actions": arr(enum(store.ProblemActions)),
		"timeline": arr(obj(map[string]any{"id": tInt, "at": tTime, "actor_name": tStr, "kind": tStr, "from_state": tStr,
			"to_state": tStr, "department_id": tInt, "department_name": tStr, "note": tStr}))})
	moreSchemas["ProblemList"] = obj(map[string]any{"items": arr(ref("Problem")), "next_cursor": tStr, "prev_cursor": tStr}, "items")
	moreSchemas["ProblemStep"] = obj(map[string]any{"version": tInt, "note": tStr, "department_id": tInt, "category_id": tInt,
		"duplicate_of": tInt, "satisfaction": enum(model.Satisfactions)}, "version")
	counter := arr(obj(map[string]any{"id": tInt, "name": tStr, "open": tInt, "overdue": tInt}))
	moreSchemas["ProblemStats"] = obj(map[string]any{"resolved": tInt, "on_time": tInt, "on_time_rate": map[string]any{"type": "number"},
		"median_handling_days": map[string]any{"type": "number"}, "open": tInt, "overdue": tInt, "by_department": counter,
		"by_category": counter, "calendar_known": tBool})
	moreSchemas["Coverage"] = obj(map[string]any{"grid_id": tInt, "grid_name": tStr, "overdue_capped": tBool,
		"levels": arr(obj(map[string]any{"level": enum(model.VisitLevels), "period": enum(model.VisitPeriods), "scope": enum(model.VisitScopes),
			"period_label": tStr, "start": tTime, "end": tTime, "due": tInt, "visited": tInt, "rate": map[string]any{"type": "number"}})),
		"overdue": arr(obj(map[string]any{"id": tInt, "name": tStr, "grid_name": tStr, "above_scale": tBool,
			"missing_levels": arr(enum(model.VisitLevels)), "last_visit": map[string]any{"type": "object"}}))})
	moreSchemas["CalendarDay"] = obj(map[string]any{"day": tDate, "kind": enum([]string{"holiday", "workday", ""}), "name": tStr}, "day")
	moreSchemas["Calendar"] = obj(map[string]any{"year": tInt, "known": tBool,
		"days": arr(obj(map[string]any{"day": tDate, "kind": enum([]string{"holiday", "workday"}), "name": tStr,
			"source": enum([]string{"library", "admin"})}))})
}

// ---- visits ----

type visitJSON struct {
	model.Visit
	Revisions []store.VisitRevision `json:"revisions"`
}

func (s *Server) visitOut(r *http.Request, v model.Visit) visitJSON {
	out := visitJSON{Visit: v, Revisions: []store.VisitRevision{}}
	if revs, err := s.store.VisitRevisions(r.Context(), info(r).sess.actor, v.ID); err == nil && revs != nil {
		out.Revisions = revs
	}
	return out
}

func visitFilterFrom(q url.Values) (store.VisitFilter, error) {
	var v model.Validation
	f := store.VisitFilter{Level: q.Get("level"), Cursor: q.Get("cursor"), Far: q.Get("far") == "1" || q.Get("far") == "true"}
	if f.Level != "" && !contains(model.VisitLevels, f.Level) {
		v.Add("level", "field.choose")
	}
	f.GridID = idParam(&v, "grid", q.Get("grid"))
	f.EnterpriseID = idParam(&v, "enterprise", q.Get("enterprise"))
	f.VisitorID = idParam(&v, "visitor", q.Get("visitor"))
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

func (s *Server) apiVisitList(w http.ResponseWriter, r *http.Request) {
	f, err := visitFilterFrom(r.URL.Query())
	var items []model.Visit
	var next, prev string
	if err == nil {
		items, next, prev, err = s.store.ListVisits(r.Context(), info(r).sess.actor, f)
	}
	writePage(s, w, r, items, next, prev, err)
}

func (s *Server) apiVisitCreate(w http.ResponseWriter, r *http.Request) {
	var in model.VisitInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.IdemKey == "" {
		in.IdemKey = r.Header.Get("Idempotency-Key")
	}
	v, err := s.store.CreateVisit(r.Context(), info(r).sess.actor, in, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/visits/", v.ID, s.visitOut(r, v))
}

func (s *Server) apiVisitGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var v model.Visit
	if err == nil {
		v, err = s.store.Visit(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.visitOut(r, v))
}

type visitPatch struct {
	VisitedAt *string   `json:"visited_at"`
	Topics    *[]string `json:"topics"`
	Notes     *string   `json:"notes"`
	Reason    string    `json:"reason"`
	Version   *int      `json:"version"`
}

func (s *Server) apiVisitUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var v model.Visit
	if err == nil {
		v, err = s.store.Visit(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p visitPatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in := model.VisitInput{VisitedAt: v.VisitedAt.Format(time.RFC3339), Topics: v.Topics, Notes: v.Notes, Reason: p.Reason, Version: *p.Version}
	setIf(&in.VisitedAt, p.VisitedAt)
	setIf(&in.Topics, p.Topics)
	setIf(&in.Notes, p.Notes)
	v, err = s.store.UpdateVisit(r.Context(), info(r).sess.actor, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.visitOut(r, v))
}

// ---- problems ----

type problemJSON struct {
	model.Problem
	AllowedActions []string             `json:"allowed_actions"`
	Timeline       []model.ProblemEvent `json:"timeline"`
}

func (s *Server) problemOut(r *http.Request, p model.Problem) problemJSON {
	actor := info(r).sess.actor
	out := problemJSON{Problem: p, AllowedActions: store.ProblemAllowed(actor, p), Timeline: []model.ProblemEvent{}}
	if evs, err := s.store.ProblemEvents(r.Context(), actor, p.ID); err == nil && evs != nil {
		out.Timeline = evs
	}
	return out
}

func problemFilterFrom(q url.Values) (model.ProblemFilter, error) {
	var v model.Validation
	f := model.ProblemFilter{State: q.Get("state"), Cursor: q.Get("cursor"),
		Open: q.Get("open") == "1" || q.Get("open") == "true", Overdue: q.Get("overdue") == "1" || q.Get("overdue") == "true"}
	if f.State != "" && !contains(model.ProblemStates, f.State) {
		v.Add("state", "field.choose")
	}
	f.GridID = idParam(&v, "grid", q.Get("grid"))
	f.EnterpriseID = idParam(&v, "enterprise", q.Get("enterprise"))
	f.DepartmentID = idParam(&v, "department", q.Get("department"))
	f.CategoryID = idParam(&v, "category", q.Get("category"))
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

func (s *Server) apiProblemList(w http.ResponseWriter, r *http.Request) {
	f, err := problemFilterFrom(r.URL.Query())
	var items []model.Problem
	var next, prev string
	if err == nil {
		items, next, prev, err = s.store.ListProblems(r.Context(), info(r).sess.actor, f)
	}
	writePage(s, w, r, items, next, prev, err)
}

func (s *Server) apiProblemCreate(w http.ResponseWriter, r *http.Request) {
	var in model.ProblemInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.IdemKey == "" {
		in.IdemKey = r.Header.Get("Idempotency-Key")
	}
	p, err := s.store.CreateProblem(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/problems/", p.ID, s.problemOut(r, p))
}

func (s *Server) apiProblemGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p model.Problem
	if err == nil {
		p, err = s.store.Problem(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.problemOut(r, p))
}

type problemStep struct {
	Version      *int   `json:"version"`
	Note         string `json:"note"`
	DepartmentID int64  `json:"department_id"`
	CategoryID   int64  `json:"category_id"`
	DuplicateOf  int64  `json:"duplicate_of"`
	Satisfaction string `json:"satisfaction"`
}

func (s *Server) apiProblemAct(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var step problemStep
		if err := decodeJSON(r, &step); err != nil {
			s.fail(w, r, err)
			return
		}
		if step.Version == nil {
			s.fail(w, r, requiredVersion())
			return
		}
		p, err := s.store.ActOnProblem(r.Context(), info(r).sess.actor, id, store.ProblemActionInput{Action: action, Note: step.Note,
			DepartmentID: step.DepartmentID, CategoryID: step.CategoryID, DuplicateOf: step.DuplicateOf,
			Satisfaction: step.Satisfaction, Version: *step.Version})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.problemOut(r, p))
	}
}

func sinceParam(v *model.Validation, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		v.Add("since", "field.date_format")
	}
	return t
}

func (s *Server) apiProblemStats(w http.ResponseWriter, r *http.Request) {
	var v model.Validation
	since := sinceParam(&v, r.URL.Query().Get("since"))
	if err := v.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.store.ProblemStatistics(r.Context(), info(r).sess.actor, since)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// ---- coverage and calendar ----

func (s *Server) coverageParams(r *http.Request) (grid int64, ref time.Time, err error) {
	var v model.Validation
	q := r.URL.Query()
	grid = idParam(&v, "grid", q.Get("grid"))
	ref, ok := store.ParsePeriod(strings.TrimSpace(q.Get("period")), s.store.Now())
	if !ok {
		v.Add("period", "field.month_format")
	}
	return grid, ref, v.Err()
}

func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) {
	grid, ref, err := s.coverageParams(r)
	var cov store.Coverage
	if err == nil {
		cov, err = s.store.GridCoverage(r.Context(), info(r).sess.actor, grid, ref)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cov.Overdue == nil {
		cov.Overdue = []store.CoverageEnterprise{}
	}
	writeJSON(w, http.StatusOK, cov)
}

type calendarDayJSON struct {
	Day    string `json:"day"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source"`
}

type calendarJSON struct {
	Year  int               `json:"year"`
	Known bool              `json:"known"`
	Days  []calendarDayJSON `json:"days"`
}

// calendarYear merges the library's and the administrators' special days.
func (s *Server) calendarYear(r *http.Request, year int) (calendarJSON, error) {
	out := calendarJSON{Year: year, Days: []calendarDayJSON{}}
	cal, err := s.store.Calendar(r.Context())
	if err != nil {
		return out, err
	}
	out.Known = cal.Known(year)
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		day, src := cal.Lookup(d)
		if src == "week" {
			continue
		}
		out.Days = append(out.Days, calendarDayJSON{Day: d.Format("2006-01-02"), Kind: string(day.Kind), Name: day.Name, Source: src})
	}
	return out, nil
}

func yearParam(v *model.Validation, s string, now time.Time) int {
	if s == "" {
		return now.Year()
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		v.Add("year", "field.range", 2000, 2100)
	}
	return y
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) {
	var v model.Validation
	y := yearParam(&v, r.URL.Query().Get("year"), s.store.Now())
	if err := v.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.calendarYear(r, y)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCalendarSave(w http.ResponseWriter, r *http.Request) {
	var in store.CalendarDayInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.SaveCalendarDay(r.Context(), info(r).sess.actor, in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, _ := time.Parse("2006-01-02", in.Day)
	out, err := s.calendarYear(r, d.Year())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
