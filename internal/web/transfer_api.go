package web

import (
	"net/http"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// JSON API for transfers (组织关系转接) and surveys (党员排摸). A transfer
// is never edited in place: it moves by its action POSTs.
func (s *Server) transferAPIRoutes() {
	s.handle("GET", "/api/v1/transfers", auth.PermTransferWrite, s.apiTransferList)
	s.handle("POST", "/api/v1/transfers", auth.PermTransferWrite, s.apiTransferCreate)
	s.handle("GET", "/api/v1/transfers/{id}", auth.PermTransferWrite, s.apiTransferGet)
	for _, a := range store.TransferActions {
		s.handle("POST", "/api/v1/transfers/{id}/"+a, auth.PermTransferWrite, s.apiTransferAct(a))
	}
	s.handle("GET", "/api/v1/surveys", auth.PermSurveyRead, s.apiSurveyList)
	s.handle("POST", "/api/v1/surveys", auth.PermSurveyWrite, s.apiSurveyCreate)
	s.handle("GET", "/api/v1/surveys/{id}", auth.PermSurveyRead, s.apiSurveyGet)
	s.handle("PATCH", "/api/v1/surveys/{id}", auth.PermSurveyWrite, s.apiSurveyUpdate)
	s.handle("POST", "/api/v1/surveys/{id}/notes", auth.PermSurveyWrite, s.apiSurveyNote)
	s.handle("POST", "/api/v1/surveys/{id}/convert", auth.PermTransferWrite, s.apiSurveyConvert)
}

func init() {
	acts := map[string]string{
		store.ActApprove:  "转出审批: approve an outward or internal transfer (sending side; 发起 → 转出审批)",
		store.ActDispatch: "开具介绍信: dispatch the letter (sending side; 转出审批 → 在途)",
		store.ActReceive:  "接收: receive the member (receiving side, or the sender recording the 回执 of an outward transfer; 在途 → 已接收); the member's organization changes now",
		store.ActReturn:   "退回: return the letter with a reason (在途 → 退回)",
		store.ActCancel:   "撤销: cancel (sending side before dispatch; the receiver for an inward transfer in transit)",
	}
	for a, sum := range acts {
		apiDocs["POST /api/v1/transfers/{id}/"+a] = apiOp{Summary: sum + "; version required, stale or wrong step → 409", Tag: "transfers",
			Body: "TransferStep", Response: "Transfer", Status: "200"}
	}
	apiDocs["GET /api/v1/transfers"] = apiOp{Summary: "List transfers sent from or to the caller's organizations, newest first (keyset pages)",
		Tag: "transfers", Query: []string{"state", "kind", "open", "expired", "org", "cursor", "limit"}, Response: "TransferList", Status: "200"}
	apiDocs["POST /api/v1/transfers"] = apiOp{Summary: "Create a transfer (in: registers the arriving member in transit; out and within start at 发起). A member with an open transfer, or a move to their own organization, is refused",
		Tag: "transfers", Body: "TransferInput", Response: "Transfer", Status: "201"}
	apiDocs["GET /api/v1/transfers/{id}"] = apiOp{Summary: "One transfer, with the actions the caller may take now", Tag: "transfers",
		Response: "Transfer", Status: "200"}
	apiDocs["GET /api/v1/surveys"] = apiOp{Summary: "List 党员排摸 records in scope (keyset pages, pinyin order)", Tag: "surveys",
		Query: []string{"q", "grid", "enterprise", "willingness", "converted", "cursor", "limit"}, Response: "SurveyList", Status: "200"}
	apiDocs["POST /api/v1/surveys"] = apiOp{Summary: "Create a survey record", Tag: "surveys", Body: "SurveyInput", Response: "Survey", Status: "201"}
	apiDocs["GET /api/v1/surveys/{id}"] = apiOp{Summary: "One survey record with its follow-up notes", Tag: "surveys", Response: "Survey", Status: "200"}
	apiDocs["PATCH /api/v1/surveys/{id}"] = apiOp{Summary: "Edit a survey record (version required; stale → 409; an absent or empty phone keeps the stored one)",
		Tag: "surveys", Body: "SurveyPatch", Response: "Survey", Status: "200"}
	apiDocs["POST /api/v1/surveys/{id}/notes"] = apiOp{Summary: "Add a follow-up note", Tag: "surveys", Body: "SurveyNoteInput",
		Response: "Survey", Status: "201"}
	apiDocs["POST /api/v1/surveys/{id}/convert"] = apiOp{Summary: "Convert into a transfer in: registers the person as a member in transit to to_org_id; a second conversion → 409",
		Tag: "surveys", Body: "SurveyConvert", Response: "Transfer", Status: "201"}

	enum := func(vals []string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	member := map[string]any{"name": tStr, "id_number": tStr, "id_override": tStr, "phone": tStr, "ethnicity": tStr, "education": tStr,
		"category": enum(model.MemberCategories), "applied_on": tDate, "activist_on": tDate, "candidate_on": tDate, "admitted_on": tDate,
		"full_on": tDate, "status": enum(model.MemberStatuses), "mobile": tBool, "enterprise_id": tInt,
		"position_kind": enum(append([]string{""}, model.PositionKinds...))}
	moreSchemas["TransferMember"] = obj(member, "name", "id_number", "category")
	moreSchemas["Transfer"] = obj(map[string]any{"id": tInt, "kind": enum(model.TransferKinds), "member_id": tInt, "from_org_id": tInt,
		"from_name": tStr, "to_org_id": tInt, "to_name": tStr, "letter_no": tStr,
		"dues_paid_to": map[string]any{"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "issued_on": tDate, "valid_until": tDate,
		"state": enum(model.TransferStates), "reason": tStr, "survey_id": tInt, "created_at": tTime, "updated_at": tTime, "version": tInt,
		"member_name": tStr, "member_id_masked": tStr, "expired": tBool,
		"allowed_actions": map[string]any{"type": "array", "items": enum(store.TransferActions)}})
	moreSchemas["TransferList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Transfer")},
		"next_cursor": tStr, "prev_cursor": tStr}, "items")
	moreSchemas["TransferInput"] = obj(map[string]any{"kind": enum(model.TransferKinds), "member_id": tInt, "member": ref("TransferMember"),
		"from_name": tStr, "to_org_id": tInt, "to_name": tStr, "letter_no": tStr, "dues_paid_to": tStr, "issued_on": tDate,
		"valid_days": tInt}, "kind")
	moreSchemas["TransferStep"] = obj(map[string]any{"version": tInt, "reason": tStr}, "version")
	survey := map[string]any{"name": tStr, "phone": tStr, "enterprise_id": tInt, "category": enum(model.MemberCategories),
		"relation_place": tStr, "willingness": enum(model.Willingnesses), "notes": tStr, "surveyed_on": tDate}
	moreSchemas["SurveyInput"] = obj(survey, "name", "enterprise_id", "category")
	patch := map[string]any{"version": tInt}
	for k, v := range survey {
		patch[k] = v
	}
	moreSchemas["SurveyPatch"] = obj(patch, "version")
	moreSchemas["Survey"] = obj(map[string]any{"id": tInt, "name": tStr, "phone_masked": tStr, "enterprise_id": tInt,
		"category": enum(model.MemberCategories), "relation_place": tStr, "willingness": enum(model.Willingnesses), "notes": tStr,
		"surveyed_on": tDate, "transfer_id": tInt, "created_at": tTime, "updated_at": tTime, "version": tInt,
		"enterprise_name": tStr, "grid_name": tStr,
		"follow_ups": map[string]any{"type": "array", "items": obj(map[string]any{"id": tInt, "note": tStr, "by": tStr, "created_at": tTime})}})
	moreSchemas["SurveyList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Survey")},
		"next_cursor": tStr, "prev_cursor": tStr}, "items")
	moreSchemas["SurveyNoteInput"] = obj(map[string]any{"note": tStr}, "note")
	moreSchemas["SurveyConvert"] = obj(map[string]any{"id_number": tStr, "to_org_id": tInt, "from_name": tStr, "letter_no": tStr,
		"dues_paid_to": tStr, "issued_on": tDate, "valid_days": tInt, "member": ref("TransferMember")}, "id_number", "to_org_id")
}

// ---- transfers ----

// transferJSON is a transfer with the steps the caller may take now.
type transferJSON struct {
	model.Transfer
	AllowedActions []string `json:"allowed_actions"`
}

func (s *Server) transferOut(r *http.Request, t model.Transfer) transferJSON {
	out := transferJSON{Transfer: t, AllowedActions: []string{}}
	for _, a := range store.TransferActions {
		if s.store.TransferCan(r.Context(), info(r).sess.actor, t, a) {
			out.AllowedActions = append(out.AllowedActions, a)
		}
	}
	return out
}

func (s *Server) apiTransferList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "transfers")
		return
	}
	f, err := transferFilterFrom(r.URL.Query())
	var items []model.Transfer
	var next, prev string
	if err == nil {
		items, next, prev, err = s.store.ListTransfers(r.Context(), info(r).sess.actor, f)
	}
	if model.ErrorCode(err) == model.ENOTFOUND {
		var v model.Validation
		v.Add("org", "field.unknown")
		err = v.Err()
	}
	writePage(s, w, r, items, next, prev, err)
}

func (s *Server) apiTransferGet(w http.ResponseWriter, r *http.Request) {
	t, err := s.pathTransfer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.transferOut(r, t))
}

func (s *Server) apiTransferCreate(w http.ResponseWriter, r *http.Request) {
	var in model.TransferInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.store.CreateTransfer(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/transfers/", t.ID, s.transferOut(r, t))
}

type transferStep struct {
	Version *int   `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) apiTransferAct(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var step transferStep
		if err := decodeJSON(r, &step); err != nil {
			s.fail(w, r, err)
			return
		}
		if step.Version == nil {
			s.fail(w, r, requiredVersion())
			return
		}
		t, err := s.store.ActOnTransfer(r.Context(), info(r).sess.actor, id, store.TransferActionInput{
			Action: action, Reason: step.Reason, Version: *step.Version})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.transferOut(r, t))
	}
}

// ---- surveys ----

func (s *Server) apiSurveyList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "surveys")
		return
	}
	f, err := surveyFilterFrom(r.URL.Query())
	var items []model.Survey
	var next, prev string
	if err == nil {
		items, next, prev, err = s.store.ListSurveys(r.Context(), info(r).sess.actor, f)
	}
	writePage(s, w, r, items, next, prev, err)
}

func (s *Server) apiSurveyGet(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sv)
}

func (s *Server) apiSurveyCreate(w http.ResponseWriter, r *http.Request) {
	var in model.SurveyInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	sv, err := s.store.CreateSurvey(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/surveys/", sv.ID, sv)
}

// surveyPatch: absent fields keep their value; version is required.
type surveyPatch struct {
	Name          *string `json:"name"`
	Phone         *string `json:"phone"`
	EnterpriseID  *int64  `json:"enterprise_id"`
	Category      *string `json:"category"`
	RelationPlace *string `json:"relation_place"`
	Willingness   *string `json:"willingness"`
	Notes         *string `json:"notes"`
	SurveyedOn    *string `json:"surveyed_on"`
	Version       *int    `json:"version"`
}

func (s *Server) apiSurveyUpdate(w http.ResponseWriter, r *http.Request) {
	sv, err := s.pathSurvey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p surveyPatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in := model.SurveyInput{Name: sv.Name, EnterpriseID: sv.EnterpriseID, Category: sv.Category, RelationPlace: sv.RelationPlace,
		Willingness: sv.Willingness, Notes: sv.Notes, SurveyedOn: sv.SurveyedOn.Format("2006-01-02")}
	setIf(&in.Name, p.Name)
	setIf(&in.Phone, p.Phone)
	setIf(&in.EnterpriseID, p.EnterpriseID)
	setIf(&in.Category, p.Category)
	setIf(&in.RelationPlace, p.RelationPlace)
	setIf(&in.Willingness, p.Willingness)
	setIf(&in.Notes, p.Notes)
	setIf(&in.SurveyedOn, p.SurveyedOn)
	sv, err = s.store.UpdateSurvey(r.Context(), info(r).sess.actor, sv.ID, in, *p.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sv)
}

type surveyNoteRequest struct {
	Note string `json:"note"`
}

func (s *Server) apiSurveyNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req surveyNoteRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	actor := info(r).sess.actor
	if err := s.store.AddSurveyNote(r.Context(), actor, id, req.Note); err != nil {
		s.fail(w, r, err)
		return
	}
	sv, err := s.store.Survey(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sv)
}

type surveyConvertRequest struct {
	IDNumber   string             `json:"id_number"`
	ToOrgID    int64              `json:"to_org_id"`
	FromName   string             `json:"from_name"`
	LetterNo   string             `json:"letter_no"`
	DuesPaidTo string             `json:"dues_paid_to"`
	IssuedOn   string             `json:"issued_on"`
	ValidDays  int                `json:"valid_days"`
	Member     *model.MemberInput `json:"member"`
}

func (s *Server) apiSurveyConvert(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req surveyConvertRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.store.ConvertSurvey(r.Context(), info(r).sess.actor, id, req.IDNumber, model.TransferInput{ToOrgID: req.ToOrgID,
		FromName: req.FromName, LetterNo: req.LetterNo, DuesPaidTo: req.DuesPaidTo, IssuedOn: req.IssuedOn, ValidDays: req.ValidDays,
		Member: req.Member})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/transfers/", t.ID, s.transferOut(r, t))
}
