package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// 红色驿站 desk pages: the register (admins), a station's page with the
// keeper's counters, loans and service log, monthly statistics, the
// feedback moderation queue and the amenity dictionary.
func (s *Server) stationRoutes() {
	s.handle("GET", "/manage/stations", auth.PermStationRead, s.stationList)
	s.handle("GET", "/manage/stations/new", auth.PermStationWrite, s.stationNew)
	s.handle("POST", "/manage/stations", auth.PermStationWrite, s.stationCreate)
	s.handle("GET", "/manage/stations/stats", auth.PermStationRead, s.stationZoneStats)
	s.handle("GET", "/manage/stations/{id}", auth.PermStationRead, s.stationShow)
	s.handle("GET", "/manage/stations/{id}/edit", auth.PermStationWrite, s.stationEdit)
	s.handle("POST", "/manage/stations/{id}", auth.PermStationWrite, s.stationUpdate)
	s.handle("POST", "/manage/stations/{id}/photos", auth.PermStationWrite, s.stationPhotoAdd)
	s.handle("POST", "/manage/stations/{id}/photos/{photo}/delete", auth.PermStationWrite, s.stationPhotoDelete)
	s.handle("POST", "/manage/stations/{id}/visits", auth.PermStationOperate, s.stationVisit)
	s.handle("POST", "/manage/stations/{id}/visits/undo", auth.PermStationOperate, s.stationVisitUndo)
	s.handle("POST", "/manage/stations/{id}/loans", auth.PermStationOperate, s.stationLoanCreate)
	s.handle("POST", "/manage/stations/{id}/loans/{loan}/return", auth.PermStationOperate, s.stationLoanReturn)
	s.handle("POST", "/manage/stations/{id}/services", auth.PermStationOperate, s.stationServiceAdd)
	s.handle("GET", "/manage/feedback", auth.PermStationModerate, s.feedbackQueue)
	s.handle("POST", "/manage/feedback/{id}", auth.PermStationModerate, s.feedbackModerate)
	s.handle("GET", "/manage/amenities", auth.PermDictWrite, s.amenityList)
	s.handle("POST", "/manage/amenities", auth.PermDictWrite, s.amenitySave)
}

func init() {
	// Template helpers of the station pages: a labelled input, and the
	// monthly statistics table.
	funcs["fieldArgs"] = func(v *View, name, label, typ string, required bool) stationField {
		return stationField{V: v, Name: name, Label: label, Type: typ, Required: required}
	}
	funcs["monthsArgs"] = func(v *View, months []model.StationMonth) stationMonths {
		return stationMonths{V: v, Months: months, Kinds: model.VisitorKinds}
	}
}

type stationField struct {
	V                 *View
	Name, Label, Type string
	Required          bool
}

type stationMonths struct {
	V      *View
	Months []model.StationMonth
	Kinds  []string
}

// ---- list ----

type stationListPage struct {
	Items      []model.Station
	Next, Prev string
	Villages   []model.Village
	Statuses   []string
}

func (s *Server) stationList(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "stations_desk")
	v.Title = v.T("station.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.stations")}, {Label: v.Title}}
	q := r.URL.Query()
	var val model.Validation
	f := store.StationFilter{Keyword: strings.TrimSpace(q.Get("q")), Village: q.Get("village"), Status: q.Get("status"),
		Cursor: q.Get("cursor"), Limit: limitParam(&val, q.Get("limit"))}
	if f.Status != "" && !contains(model.StationStatuses, f.Status) {
		val.Add("status", "field.choose")
	}
	p := stationListPage{Statuses: model.StationStatuses}
	err := val.Err()
	if err == nil {
		p.Villages, err = s.store.Villages(r.Context())
	}
	if err == nil {
		p.Items, p.Next, p.Prev, err = s.store.ListStations(r.Context(), info(r).sess.actor, f)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.surfaceUnshown(r, form)
			s.renderStatus(w, r, status, "station_list", v, p)
		})
		return
	}
	s.render(w, r, "station_list", v, p)
}

// ---- form ----

type stationFormPage struct {
	Station   *model.Station
	Amenities []model.Amenity
	Chosen    map[string]bool
	Keepers   []model.User
	KeeperSel map[int64]bool
	Statuses  []string
	Weekdays  []string
}

var stationFields = []string{"code", "name", "enterprise_uscc", "org_code", "operator", "address", "village", "lat", "lng",
	"hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun", "closures", "amenities",
	"investment_wan", "opened_on", "status", "closed_reason", "keeper_ids"}

func (s *Server) stationNew(w http.ResponseWriter, r *http.Request) {
	vals := url.Values{"status": {model.StationOpen}}
	for _, d := range model.Weekdays {
		vals.Set("hours_"+d, "08:00-20:00")
	}
	s.renderStationForm(w, r, http.StatusOK, nil, &Form{Values: vals})
}

func (s *Server) renderStationForm(w http.ResponseWriter, r *http.Request, status int, st *model.Station, form *Form) {
	v := s.view(r, "stations_desk")
	if st == nil {
		v.Title = v.T("station.new")
		v.Crumbs = []Crumb{{Label: v.T("station.list"), Href: "/manage/stations"}, {Label: v.Title}}
	} else {
		v.Title = v.T("station.edit")
		v.Crumbs = []Crumb{{Label: v.T("station.list"), Href: "/manage/stations"},
			{Label: st.Name, Href: "/manage/stations/" + strconv.FormatInt(st.ID, 10)}, {Label: v.T("action.edit")}}
	}
	dict, err := s.store.Amenities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keepers, err := s.store.Users(r.Context(), model.RoleStationKeeper, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := stationFormPage{Station: st, Amenities: dict, Chosen: map[string]bool{}, Keepers: keepers, KeeperSel: map[int64]bool{},
		Statuses: model.StationStatuses, Weekdays: model.Weekdays}
	if form != nil && form.Values != nil {
		for _, c := range form.Values["amenities"] {
			p.Chosen[c] = true
		}
		for _, k := range form.Values["keeper_ids"] {
			if id, err := strconv.ParseInt(k, 10, 64); err == nil {
				p.KeeperSel[id] = true
			}
		}
	}
	renameField(form, "enterprise_id", "enterprise_uscc")
	renameField(form, "org_id", "org_code")
	s.surfaceUnshown(r, form, stationFields...)
	v.Form = form
	s.renderStatus(w, r, status, "station_form", v, p)
}

// stationInputFromForm reads the form; the operating enterprise is named by
// its credit code and the party organization by its code.
func (s *Server) stationInputFromForm(r *http.Request) (store.StationInput, int, error) {
	f := r.PostForm
	var v model.Validation
	in := store.StationInput{Code: f.Get("code"), Name: f.Get("name"), Operator: f.Get("operator"), Address: f.Get("address"),
		Village: f.Get("village"), Closures: f.Get("closures"), Amenities: f["amenities"], OpenedOn: f.Get("opened_on"),
		Status: f.Get("status"), ClosedReason: f.Get("closed_reason")}
	for i, d := range model.Weekdays {
		in.Hours[i] = f.Get("hours_" + d)
	}
	if code := strings.TrimSpace(f.Get("enterprise_uscc")); code != "" {
		e, err := s.store.EnterpriseByUSCC(r.Context(), model.System, code)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND:
			in.EnterpriseID = -1 // the register reports it with the other fields
		case err != nil:
			return in, 0, err
		default:
			in.EnterpriseID = e.ID
		}
	}
	if code := strings.TrimSpace(f.Get("org_code")); code != "" {
		o, err := s.store.OrganizationByCode(r.Context(), code)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND:
			in.OrgID = -1
		case err != nil:
			return in, 0, err
		default:
			in.OrgID = o.ID
		}
	}
	for _, k := range f["keeper_ids"] {
		if id := idParam(&v, "keeper_ids", k); id > 0 {
			in.KeeperIDs = append(in.KeeperIDs, id)
		}
	}
	coord := func(name string) *float64 {
		t := strings.TrimSpace(f.Get(name))
		if t == "" {
			return nil
		}
		x, err := strconv.ParseFloat(t, 64)
		if err != nil {
			v.Add(name, "field.number")
			return nil
		}
		return &x
	}
	in.Lat, in.Lng = coord("lat"), coord("lng")
	if t := strings.TrimSpace(f.Get("investment_wan")); t != "" {
		x, err := strconv.ParseFloat(t, 64)
		if err != nil {
			v.Add("investment_wan", "field.number")
		}
		in.InvestmentWan = x
	}
	version := int(idParam(&v, "version", f.Get("version")))
	return in, version, v.Err()
}

func (s *Server) stationCreate(w http.ResponseWriter, r *http.Request) {
	in, _, err := s.stationInputFromForm(r)
	var st model.Station
	if err == nil {
		st, err = s.store.CreateStation(r.Context(), info(r).sess.actor, in)
	}
	if err == nil {
		s.redirect(w, r, "/manage/stations/"+strconv.FormatInt(st.ID, 10), "flash.created")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderStationForm(w, r, status, nil, form) })
}

func (s *Server) pathStation(r *http.Request) (model.Station, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Station{}, err
	}
	return s.store.Station(r.Context(), info(r).sess.actor, id)
}

func stationFormValues(st model.Station) url.Values {
	in := store.StationInputOf(st, nil)
	vals := url.Values{"code": {in.Code}, "name": {in.Name}, "operator": {st.Operator}, "address": {in.Address},
		"village": {in.Village}, "lat": {strconv.FormatFloat(st.Lat, 'f', -1, 64)}, "lng": {strconv.FormatFloat(st.Lng, 'f', -1, 64)},
		"closures": {in.Closures}, "amenities": in.Amenities, "investment_wan": {strconv.FormatFloat(in.InvestmentWan, 'f', -1, 64)},
		"opened_on": {in.OpenedOn}, "status": {in.Status}, "closed_reason": {in.ClosedReason}, "version": {strconv.Itoa(st.Version)}}
	if st.EnterpriseID != 0 && st.Operator == st.EnterpriseName {
		vals.Set("operator", "")
	}
	for i, d := range model.Weekdays {
		vals.Set("hours_"+d, in.Hours[i])
	}
	for _, k := range st.KeeperIDs {
		vals.Add("keeper_ids", strconv.FormatInt(k, 10))
	}
	return vals
}

func (s *Server) stationEdit(w http.ResponseWriter, r *http.Request) {
	st, err := s.pathStation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := stationFormValues(st)
	if st.EnterpriseID != 0 {
		if e, err := s.store.Enterprise(r.Context(), model.System, st.EnterpriseID); err == nil {
			vals.Set("enterprise_uscc", e.USCC)
		}
	}
	if st.OrgID != 0 {
		if o, err := s.store.Organization(r.Context(), model.System, st.OrgID); err == nil {
			vals.Set("org_code", o.Code)
		}
	}
	s.renderStationForm(w, r, http.StatusOK, &st, &Form{Values: vals})
}

func (s *Server) stationUpdate(w http.ResponseWriter, r *http.Request) {
	st, err := s.pathStation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, version, err := s.stationInputFromForm(r)
	if err == nil {
		_, err = s.store.UpdateStation(r.Context(), info(r).sess.actor, st.ID, in, version)
	}
	if err == nil {
		s.redirect(w, r, "/manage/stations/"+strconv.FormatInt(st.ID, 10), "flash.saved")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderStationForm(w, r, status, &st, form) })
}

// ---- the station's page: facts and operations ----

type stationShowPage struct {
	St         model.Station
	Amenities  []string
	CanRun     bool
	Today      map[string]int
	Kinds      []string
	Loans      []model.Loan
	Services   []model.ServiceEntry
	SvcKinds   []string
	Months     []model.StationMonth
	Pending    int
	Weekdays   []string
	DueDefault string
	Gaode      string
}

func (s *Server) stationShow(w http.ResponseWriter, r *http.Request) {
	st, err := s.pathStation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderStationShow(w, r, http.StatusOK, st, nil)
}

func (s *Server) renderStationShow(w http.ResponseWriter, r *http.Request, status int, st model.Station, form *Form) {
	ctx := r.Context()
	actor := info(r).sess.actor
	v := s.view(r, "stations_desk")
	v.Title = st.Name
	v.Crumbs = []Crumb{{Label: v.T("station.list"), Href: "/manage/stations"}, {Label: st.Name}}
	v.Form = form
	p := stationShowPage{St: st, Kinds: model.VisitorKinds, SvcKinds: model.ServiceKinds, Weekdays: model.Weekdays,
		DueDefault: s.ctxNow().AddDate(0, 0, 7).Format("2006-01-02")}
	p.Gaode, _, _ = navLinks(&st)
	dict, err := s.store.Amenities(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range st.Amenities {
		for _, a := range dict {
			if a.Code == c {
				p.Amenities = append(p.Amenities, a.Name)
			}
		}
	}
	p.CanRun = v.Can(string(auth.PermStationOperate)) && (actor.Scope.All || contains64(actor.Scope.StationIDs, st.ID))
	if p.CanRun {
		if p.Today, err = s.store.VisitCounts(ctx, st.ID, s.store.Today()); err == nil {
			if p.Loans, err = s.store.Loans(ctx, actor, st.ID, 50); err == nil {
				p.Services, err = s.store.Services(ctx, actor, st.ID, 20)
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	end, err := s.statsEnd(r, st.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Months, err = s.store.StationStats(ctx, actor, st.ID, end.AddDate(0, -11, 0), end); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Can(string(auth.PermStationModerate)) {
		pend, err := s.store.FeedbackList(ctx, model.FeedbackPending, st.ID, 200)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Pending = len(pend)
	}
	s.renderStatus(w, r, status, "station_show", v, p)
}

func contains64(list []int64, x int64) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func (s *Server) stationOpDone(w http.ResponseWriter, r *http.Request, id int64, err error, flash string) {
	if err == nil {
		s.redirect(w, r, "/manage/stations/"+strconv.FormatInt(id, 10)+"#ops", flash)
		return
	}
	if f, ok := s.formFromError(r, err); ok {
		st, err2 := s.store.Station(r.Context(), info(r).sess.actor, id)
		if err2 != nil {
			s.fail(w, r, err2)
			return
		}
		s.surfaceUnshown(r, f, "item", "borrower", "phone", "due_on", "kind", "day", "summary")
		status := http.StatusUnprocessableEntity
		if model.ErrorCode(err) == model.ECONFLICT {
			status = http.StatusConflict
		}
		s.renderStationShow(w, r, status, st, f)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) stationVisit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		_, err = s.store.RecordVisit(r.Context(), info(r).sess.actor, id, r.PostFormValue("kind"))
	}
	if err == nil && wantsJSON(r) {
		counts, _ := s.store.VisitCounts(r.Context(), id, s.store.Today())
		writeJSON(w, http.StatusOK, counts)
		return
	}
	s.stationOpDone(w, r, id, err, "station.visit_counted")
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func (s *Server) stationVisitUndo(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		_, _, err = s.store.UndoVisit(r.Context(), info(r).sess.actor, id)
	}
	s.stationOpDone(w, r, id, err, "station.visit_undone")
}

func (s *Server) stationLoanCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		f := r.PostForm
		_, err = s.store.CreateLoan(r.Context(), info(r).sess.actor, id, store.LoanInput{Item: f.Get("item"), Borrower: f.Get("borrower"),
			Phone: f.Get("phone"), DueOn: f.Get("due_on")})
	}
	s.stationOpDone(w, r, id, err, "station.loan_saved")
}

func (s *Server) stationLoanReturn(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var v model.Validation
	loan := idParam(&v, "loan", r.PathValue("loan"))
	if err == nil {
		err = v.Err()
	}
	if err == nil {
		err = s.store.ReturnLoan(r.Context(), info(r).sess.actor, id, loan)
	}
	s.stationOpDone(w, r, id, err, "station.loan_returned")
}

func (s *Server) stationServiceAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		f := r.PostForm
		_, err = s.store.AddService(r.Context(), info(r).sess.actor, id, store.ServiceInput{Kind: f.Get("kind"), Day: f.Get("day"), Summary: f.Get("summary")})
	}
	s.stationOpDone(w, r, id, err, "station.service_saved")
}

// ---- photos ----

func (s *Server) stationPhotoAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(store.MaxPhotoBytes + 1<<16); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	file, _, err := r.FormFile("photo")
	if err != nil {
		s.stationOpDone(w, r, id, model.FieldConflict("photo", "field.required"), "")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, store.MaxPhotoBytes+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.store.AddStationPhoto(r.Context(), info(r).sess.actor, id, http.DetectContentType(data), data)
	s.stationOpDone(w, r, id, err, "station.photo_saved")
}

func (s *Server) stationPhotoDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var v model.Validation
	photo := idParam(&v, "photo", r.PathValue("photo"))
	if err == nil {
		err = v.Err()
	}
	if err == nil {
		err = s.store.DeleteStationPhoto(r.Context(), info(r).sess.actor, id, photo)
	}
	s.stationOpDone(w, r, id, err, "flash.deleted")
}

// ---- statistics ----

type stationStatsPage struct {
	Months []model.StationMonth
	Total  model.StationMonth
	Kinds  []string
}

func (s *Server) stationZoneStats(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "stations_stats")
	v.Title = v.T("station.stats_zone")
	v.Crumbs = []Crumb{{Label: v.T("station.list"), Href: "/manage/stations"}, {Label: v.Title}}
	to, err := s.statsEnd(r, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if m := r.URL.Query().Get("to"); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			s.fail(w, r, model.Errorf(model.EMALFORMED, "error.bad_param", "to"))
			return
		}
		to = t
	}
	months, err := s.store.StationStats(r.Context(), info(r).sess.actor, 0, to.AddDate(0, -11, 0), to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := stationStatsPage{Months: months, Kinds: model.VisitorKinds, Total: model.StationMonth{Visits: map[string]int{}}}
	sum := 0.0
	for _, m := range months {
		for k, n := range m.Visits {
			p.Total.Visits[k] += n
		}
		p.Total.VisitTotal += m.VisitTotal
		p.Total.Loans += m.Loans
		p.Total.Returned += m.Returned
		p.Total.Services += m.Services
		p.Total.Ratings += m.Ratings
		sum += m.RatingAvg * float64(m.Ratings)
	}
	if p.Total.Ratings > 0 {
		p.Total.RatingAvg = sum / float64(p.Total.Ratings)
	}
	s.render(w, r, "station_stats", v, p)
}

// statsEnd is the last month statistics show: this month, or the month of
// the last counted visit when that is more than a year ago.
func (s *Server) statsEnd(r *http.Request, stationID int64) (time.Time, error) {
	now := s.ctxNow()
	last, ok, err := s.store.LastVisitDay(r.Context(), stationID)
	if err != nil {
		return now, err
	}
	if ok && last.Before(now.AddDate(-1, 0, 0)) {
		return last, nil
	}
	return now, nil
}

// ---- feedback moderation ----

type feedbackPage struct {
	Items    []model.Feedback
	Status   string
	Statuses []string
}

func (s *Server) feedbackQueue(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "feedback")
	v.Title = v.T("feedback.queue")
	v.Crumbs = []Crumb{{Label: v.T("menu.stations")}, {Label: v.Title}}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = model.FeedbackPending
	}
	statuses := []string{model.FeedbackPending, model.FeedbackApproved, model.FeedbackHidden}
	if !contains(statuses, status) {
		s.fail(w, r, model.Errorf(model.EMALFORMED, "error.bad_param", "status"))
		return
	}
	items, err := s.store.FeedbackList(r.Context(), status, 0, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "feedback_queue", v, feedbackPage{Items: items, Status: status, Statuses: statuses})
}

func (s *Server) feedbackModerate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.store.ModerateFeedback(r.Context(), info(r).sess.actor, id, r.PostFormValue("status"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/manage/feedback"
	if st := r.PostFormValue("from"); st != "" && contains([]string{model.FeedbackPending, model.FeedbackApproved, model.FeedbackHidden}, st) {
		back += "?status=" + st
	}
	s.redirect(w, r, back, "flash.saved")
}

// ---- amenity dictionary ----

func (s *Server) amenityList(w http.ResponseWriter, r *http.Request) {
	s.renderAmenities(w, r, http.StatusOK, nil)
}

func (s *Server) renderAmenities(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	v := s.view(r, "amenities")
	v.Title = v.T("amenity.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.Title}}
	v.Form = form
	items, err := s.store.Amenities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderStatus(w, r, status, "amenities", v, items)
}

func (s *Server) amenitySave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var v model.Validation
	a := model.Amenity{ID: idParam(&v, "id", f.Get("id")), Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"),
		Active: f.Get("active") != ""}
	a.Position = int(idParam(&v, "position", f.Get("position")))
	err := v.Err()
	if err == nil {
		_, err = s.store.SaveAmenity(r.Context(), info(r).sess.actor, a)
	}
	if err == nil {
		s.redirect(w, r, "/manage/amenities", "flash.saved")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) {
		s.surfaceUnshown(r, form, "code", "name", "name_en")
		s.renderAmenities(w, r, status, form)
	})
}
