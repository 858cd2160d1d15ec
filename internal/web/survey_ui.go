package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// 党员排摸 pages: the list, the record with its follow-up notes and the
// conversion into a transfer in, and the new and edit forms.
func (s *Server) surveyRoutes() {
	s.handle("GET", "/surveys", auth.PermSurveyRead, s.surveyList)
	s.handle("GET", "/surveys/new", auth.PermSurveyWrite, s.surveyNew)
	s.handle("POST", "/surveys", auth.PermSurveyWrite, s.surveyCreate)
	s.handle("GET", "/surveys/{id}", auth.PermSurveyRead, s.surveyShow)
	s.handle("GET", "/surveys/{id}/edit", auth.PermSurveyWrite, s.surveyEdit)
	s.handle("POST", "/surveys/{id}", auth.PermSurveyWrite, s.surveyUpdate)
	s.handle("POST", "/surveys/{id}/notes", auth.PermSurveyWrite, s.surveyAddNote)
	s.handle("POST", "/surveys/{id}/convert", auth.PermTransferWrite, s.surveyConvert)
}

// surveyFilterFrom reads list filters from a query string (pages and API).
func surveyFilterFrom(q url.Values) (model.SurveyFilter, error) {
	var v model.Validation
	f := model.SurveyFilter{Keyword: strings.TrimSpace(q.Get("q")), Willingness: q.Get("willingness"), Cursor: q.Get("cursor")}
	if len([]rune(f.Keyword)) > 50 {
		v.Add("q", "field.too_long", 50)
	}
	if f.Willingness != "" && !contains(model.Willingnesses, f.Willingness) {
		v.Add("willingness", "field.choose")
	}
	f.GridID = idParam(&v, "grid", q.Get("grid"))
	f.EnterpriseID = idParam(&v, "enterprise", q.Get("enterprise"))
	switch q.Get("converted") {
	case "":
	case "1", "true":
		t := true
		f.Converted = &t
	case "0", "false":
		b := false
		f.Converted = &b
	default:
		v.Add("converted", "field.choose")
	}
	f.Limit = limitParam(&v, q.Get("limit"))
	return f, v.Err()
}

type surveyListPage struct {
	Items         []model.Survey
	Next, Prev    string
	Grids         []model.Grid
	Willingnesses []string
	Limit         int
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "surveys")
	v.Title = v.T("survey.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.party")}, {Label: v.Title}}
	f, err := surveyFilterFrom(r.URL.Query())
	p := surveyListPage{Willingnesses: model.Willingnesses, Limit: f.Limit}
	p.Grids, err = s.gridsOrErr(r, err)
	if err == nil {
		p.Items, p.Next, p.Prev, err = s.store.ListSurveys(r.Context(), info(r).sess.actor, f)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) {
			v.Form = form
			s.surfaceUnshown(r, form)
			s.renderStatus(w, r, status, "survey_list", v, p)
		})
		return
	}
	s.render(w, r, "survey_list", v, p)
}

// ---- form ----

type surveyFormPage struct {
	Survey        *model.Survey
	Categories    []string
	Willingnesses []string
}

var surveyFields = []string{"name", "phone", "enterprise_uscc", "category", "relation_place", "willingness", "notes", "surveyed_on"}

func (s *Server) surveyNew(w http.ResponseWriter, r *http.Request) {
	vals := url.Values{"category": {model.CategoryFull}, "willingness": {model.WillingUnknown},
		"surveyed_on": {s.ctxNow().Format("2006-01-02")}}
	if id, err := strconv.ParseInt(r.URL.Query().Get("enterprise"), 10, 64); err == nil && id > 0 {
		if e, err := s.store.Enterprise(r.Context(), info(r).sess.actor, id); err == nil {
			vals.Set("enterprise_uscc", e.USCC)
		}
	}
	s.renderSurveyForm(w, r, http.StatusOK, nil, &Form{Values: vals})
}

func (s *Server) renderSurveyForm(w http.ResponseWriter, r *http.Request, status int, sv *model.Survey, form *Form) {
	v := s.view(r, "surveys")
	if sv == nil {
		v.Title = v.T("survey.new")
		v.Crumbs = []Crumb{{Label: v.T("survey.list"), Href: "/surveys"}, {Label: v.Title}}
	} else {
		v.Title = v.T("survey.edit")
		v.Crumbs = []Crumb{{Label: v.T("survey.list"), Href: "/surveys"},
			{Label: sv.Name, Href: "/surveys/" + strconv.FormatInt(sv.ID, 10)}, {Label: v.T("action.edit")}}
	}
	renameField(form, "enterprise_id", "enterprise_uscc")
	s.surfaceUnshown(r, form, surveyFields...)
	v.Form = form
	s.renderStatus(w, r, status, "survey_form", v, surveyFormPage{Survey: sv, Categories: model.MemberCategories,
		Willingnesses: model.Willingnesses})
}

// surveyInputFromForm reads the form, finding the enterprise by its credit
// code within the actor's scope.
func (s *Server) surveyInputFromForm(r *http.Request) (model.SurveyInput, int, error) {
	var v model.Validation
	f := r.PostForm
	in := model.SurveyInput{Name: f.Get("name"), Phone: f.Get("phone"), Category: f.Get("category"),
		RelationPlace: f.Get("relation_place"), Willingness: f.Get("willingness"), Notes: f.Get("notes"), SurveyedOn: f.Get("surveyed_on")}
	version := int(idParam(&v, "version", f.Get("version")))
	if code := strings.TrimSpace(f.Get("enterprise_uscc")); code != "" {
		e, err := s.store.EnterpriseByUSCC(r.Context(), info(r).sess.actor, code)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND:
			v.Add("enterprise_uscc", "survey.enterprise_unknown")
		case err != nil:
			return in, 0, err
		default:
			in.EnterpriseID = e.ID
		}
	} else {
		v.Add("enterprise_uscc", "field.required")
	}
	return in, version, v.Err()
}

func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request) {
	in, _, err := s.surveyInputFromForm(r)
	var sv model.Survey
	if err == nil {
		sv, err = s.store.CreateSurvey(r.Context(), info(r).sess.actor, in)
	}
	if err == nil {
		s.redirect(w, r, "/surveys/"+strconv.FormatInt(sv.ID, 10), "flash.created")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderSurveyForm(w, r, status, nil, form) })
}

func (s *Server) pathSurvey(r *http.Request) (model.Survey, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Survey{}, err
	}
	return s.store.Survey(r.Context(), info(r).sess.actor, id)
}

func (s *Server) surveyEdit(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	var e model.Enterprise
	if err == nil {
		e, err = s.store.Enterprise(r.Context(), info(r).sess.actor, sv.EnterpriseID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := url.Values{"name": {sv.Name}, "enterprise_uscc": {e.USCC}, "category": {sv.Category},
		"relation_place": {sv.RelationPlace}, "willingness": {sv.Willingness}, "notes": {sv.Notes},
		"surveyed_on": {sv.SurveyedOn.Format("2006-01-02")}, "version": {strconv.Itoa(sv.Version)}}
	s.renderSurveyForm(w, r, http.StatusOK, &sv, &Form{Values: vals})
}

func (s *Server) surveyUpdate(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, version, err := s.surveyInputFromForm(r)
	if err == nil {
		_, err = s.store.UpdateSurvey(r.Context(), info(r).sess.actor, sv.ID, in, version)
	}
	if err == nil {
		s.redirect(w, r, "/surveys/"+strconv.FormatInt(sv.ID, 10), "flash.saved")
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderSurveyForm(w, r, status, &sv, form) })
}

// ---- detail, notes, conversion ----

type surveyShowPage struct {
	S          model.Survey
	CanConvert bool
	Managed    []model.Organization
	Educations []string
	MaxDays    int
}

var surveyConvertFields = []string{"note", "member.id_number", "member.id_override", "member.admitted_on", "member.full_on",
	"member.ethnicity", "member.education", "to_org_id", "from_name", "letter_no", "dues_paid_to", "issued_on", "valid_days"}

func (s *Server) surveyShow(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSurveyShow(w, r, http.StatusOK, sv, &Form{Values: url.Values{}})
}

func (s *Server) renderSurveyShow(w http.ResponseWriter, r *http.Request, status int, sv model.Survey, form *Form) {
	v := s.view(r, "surveys")
	p := surveyShowPage{S: sv, Educations: model.Educations, MaxDays: rules.TransferMaxValidDays}
	if sv.TransferID == 0 && v.Can(string(auth.PermTransferWrite)) {
		var err error
		if _, p.Managed, err = s.orgOptions(r); err != nil {
			s.fail(w, r, err)
			return
		}
		p.CanConvert = len(p.Managed) > 0
	}
	// The conversion form starts from what the survey knows.
	if form.Values == nil {
		form.Values = url.Values{}
	}
	for k, d := range map[string]string{"from_name": sv.RelationPlace, "valid_days": strconv.Itoa(rules.TransferValidDays),
		"issued_on": s.ctxNow().Format("2006-01-02")} {
		if _, ok := form.Values[k]; !ok {
			form.Values.Set(k, d)
		}
	}
	v.Title = sv.Name
	v.Crumbs = []Crumb{{Label: v.T("survey.list"), Href: "/surveys"}, {Label: sv.Name}}
	s.surfaceUnshown(r, form, surveyConvertFields...)
	v.Form = form
	s.renderStatus(w, r, status, "survey_show", v, p)
}

func (s *Server) surveyAddNote(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	if err == nil {
		err = s.store.AddSurveyNote(r.Context(), info(r).sess.actor, sv.ID, r.PostFormValue("note"))
	}
	if err == nil {
		s.redirect(w, r, "/surveys/"+strconv.FormatInt(sv.ID, 10)+"#notes", "survey.note_added")
		return
	}
	if sv.ID == 0 {
		s.fail(w, r, err)
		return
	}
	s.failForm(w, r, err, func(status int, form *Form) { s.renderSurveyShow(w, r, status, sv, form) })
}

// surveyConvertInput reads the conversion form: the ID number, the
// receiving organization, the letter, and what the survey does not know.
func surveyConvertInput(r *http.Request) (idNumber string, in model.TransferInput, err error) {
	var v model.Validation
	f := r.PostForm
	in = model.TransferInput{FromName: f.Get("from_name"), LetterNo: f.Get("letter_no"), DuesPaidTo: f.Get("dues_paid_to"),
		IssuedOn: f.Get("issued_on")}
	in.ToOrgID = idParam(&v, "to_org_id", f.Get("to_org_id"))
	if d := strings.TrimSpace(f.Get("valid_days")); d != "" {
		n, perr := strconv.Atoi(d)
		if perr != nil {
			v.Add("valid_days", "field.number")
		}
		in.ValidDays = n
	}
	in.Member = &model.MemberInput{IDOverride: f.Get("member.id_override"), AdmittedOn: f.Get("member.admitted_on"),
		FullOn: f.Get("member.full_on"), Ethnicity: f.Get("member.ethnicity"), Education: f.Get("member.education")}
	return f.Get("member.id_number"), in, v.Err()
}

func (s *Server) surveyConvert(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idNumber, in, err := surveyConvertInput(r)
	var t model.Transfer
	if err == nil {
		t, err = s.store.ConvertSurvey(r.Context(), info(r).sess.actor, sv.ID, idNumber, in)
	}
	if err == nil {
		s.redirect(w, r, "/transfers/"+strconv.FormatInt(t.ID, 10), "survey.converted_flash")
		return
	}
	if e, ok := model.AsError(err); ok && e.Code == model.ECONFLICT && len(e.Fields) == 0 {
		// Already converted (by someone else, meanwhile): show the record as it is now.
		if now, gerr := s.store.Survey(r.Context(), info(r).sess.actor, sv.ID); gerr == nil {
			sv = now
		}
	}
	s.failForm(w, r, err, func(status int, form *Form) {
		if form.Error == "" && len(form.Errors) > 0 {
			form.Error = s.cat.T(info(r).locale, "survey.convert_refused")
		}
		s.renderSurveyShow(w, r, status, sv, form)
	})
}
