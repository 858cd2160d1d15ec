package web

import (
	"net/http"
	"strings"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// The member API. Responses carry masked ID numbers and phones only; the
// full values leave the server through the reveal operation alone, which
// the store records with its reason.

func init() {
	apiDocs["GET /api/v1/members"] = apiOp{Summary: "List party members in scope, in pinyin order (keyset pages; masked ID and phone). status defaults to normal; status=all lists every 党籍 status. q is a name prefix, or a full ID number or phone matched by keyed hash",
		Tag: "members", Query: []string{"q", "org", "enterprise", "category", "status", "mobile", "cursor", "limit", "total"}, Response: "MemberList", Status: "200"}
	apiDocs["POST /api/v1/members"] = apiOp{Summary: "Create a party member (GB 11643 ID check; duplicate ID → 409)", Tag: "members",
		Body: "MemberInput", Response: "Member", Status: "201"}
	apiDocs["GET /api/v1/members/{id}"] = apiOp{Summary: "One party member (masked ID and phone)", Tag: "members", Response: "Member", Status: "200"}
	apiDocs["PATCH /api/v1/members/{id}"] = apiOp{Summary: "Edit a party member (version required; absent fields keep their value; the organization changes only by transfer; stale → 409)",
		Tag: "members", Body: "MemberPatch", Response: "Member", Status: "200"}
	apiDocs["POST /api/v1/members/{id}/reveal"] = apiOp{Summary: "Reveal the full ID number and phone (those who manage the member; audited with the reason)",
		Tag: "members", Body: "RevealRequest", Response: "MemberSecret", Status: "200"}

	date := map[string]any{"type": "string", "format": "date", "description": "YYYY-MM-DD or empty"}
	enum := func(vals []string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	input := map[string]any{
		"name":            tStr,
		"id_number":       map[string]any{"type": "string", "description": "居民身份证号 (GB 11643-1999), 18 characters; a lower-case x is accepted"},
		"id_override":     map[string]any{"type": "string", "description": "a reason to accept a number whose check character does not match"},
		"phone":           tStr,
		"ethnicity":       tStr,
		"education":       enum(model.Educations),
		"category":        enum(model.MemberCategories),
		"applied_on":      date,
		"activist_on":     date,
		"candidate_on":    date,
		"admitted_on":     date,
		"full_on":         date,
		"status":          enum(model.MemberStatuses),
		"mobile":          tBool,
		"org_id":          tInt,
		"enterprise_id":   tInt,
		"enterprise_uscc": map[string]any{"type": "string", "description": "the employer by 统一社会信用代码, instead of enterprise_id"},
		"position_kind":   enum(append([]string{""}, model.PositionKinds...)),
	}
	patch := map[string]any{"version": tInt}
	for k, v := range input {
		patch[k] = v
	}
	post := obj(map[string]any{"id": tInt, "org_id": tInt, "member_id": tInt, "post": enum(model.Posts),
		"started_on": tDate, "ended_on": tDate, "member_name": tStr, "org_name": tStr})
	member := map[string]any{
		"id": tInt, "name": tStr,
		"id_number_masked": map[string]any{"type": "string", "example": "330784********123X"},
		"phone_masked":     map[string]any{"type": "string", "example": "138****5678"},
		"id_override":      tStr, "sex": enum([]string{"male", "female"}), "birth_date": tTime,
		"ethnicity": tStr, "education": tStr, "category": enum(model.MemberCategories),
		"applied_on": tTime, "activist_on": tTime, "candidate_on": tTime, "admitted_on": tTime, "full_on": tTime,
		"status": enum(model.MemberStatuses), "mobile": tBool, "org_id": tInt, "enterprise_id": tInt,
		"position_kind": tStr, "created_at": tTime, "updated_at": tTime, "version": tInt,
		"org_name": tStr, "enterprise_name": tStr, "in_transit": tBool,
		"posts":       map[string]any{"type": "array", "items": post},
		"age":         tInt,
		"party_years": map[string]any{"type": []string{"integer", "null"}, "description": "党龄 in whole years from full membership; null while probationary"},
	}
	moreSchemas["Member"] = obj(member)
	moreSchemas["MemberInput"] = obj(input, "name", "id_number", "category", "org_id")
	moreSchemas["MemberPatch"] = obj(patch, "version")
	moreSchemas["MemberList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Member")},
		"next_cursor": tStr, "prev_cursor": tStr, "total": tInt, "total_capped": tBool}, "items")
	moreSchemas["RevealRequest"] = obj(map[string]any{"reason": tStr}, "reason")
	moreSchemas["MemberSecret"] = obj(map[string]any{"id_number": tStr, "phone": tStr}, "id_number")
}

// memberJSON is a member as the API shows it: masked, with the figures
// derived at today's date.
type memberJSON struct {
	model.Member
	Age        int  `json:"age"`
	PartyYears *int `json:"party_years"`
}

func (s *Server) memberOut(m model.Member) memberJSON {
	today := s.today()
	out := memberJSON{Member: m, Age: m.Age(today)}
	if y := m.PartyYears(today); y >= 0 {
		out.PartyYears = &y
	}
	return out
}

type memberListResponse struct {
	Items       []memberJSON `json:"items"`
	NextCursor  string       `json:"next_cursor,omitempty"`
	PrevCursor  string       `json:"prev_cursor,omitempty"`
	Total       *int         `json:"total,omitempty"`
	TotalCapped bool         `json:"total_capped,omitempty"`
}

func (s *Server) apiMemberList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "members")
		return
	}
	q := r.URL.Query()
	f, err := memberFilterFrom(q)
	count := q.Get("total") == "1" || q.Get("total") == "true"
	var page model.MemberPage
	var n int
	var capped bool
	if err == nil {
		page, n, capped, err = s.listMembers(r.Context(), info(r).sess.actor, f, count)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := memberListResponse{Items: []memberJSON{}, NextCursor: page.NextCursor, PrevCursor: page.PrevCursor}
	for _, m := range page.Items {
		resp.Items = append(resp.Items, s.memberOut(m))
	}
	if count {
		resp.Total, resp.TotalCapped = &n, capped
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) apiMemberGet(w http.ResponseWriter, r *http.Request) {
	m, err := s.pathMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.memberOut(m))
}

// memberCreateRequest is a member input that may name the employer by
// credit code.
type memberCreateRequest struct {
	model.MemberInput
	EnterpriseUSCC string `json:"enterprise_uscc"`
}

func (s *Server) apiMemberCreate(w http.ResponseWriter, r *http.Request) {
	var req memberCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	in := req.MemberInput
	byCode := req.EnterpriseUSCC != ""
	var m model.Member
	var err error
	if byCode {
		in.EnterpriseID, err = s.resolveEmployer(r.Context(), req.EnterpriseUSCC)
	}
	if err == nil {
		m, err = s.store.CreateMember(r.Context(), info(r).sess.actor, in)
		err = s.memberFieldErrors(r, err, "enterprise_uscc", byCode, false)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/members/", m.ID, s.memberOut(m))
}

// memberPatch: absent fields keep their value; version is required.
type memberPatch struct {
	Name           *string `json:"name"`
	IDNumber       *string `json:"id_number"`
	IDOverride     *string `json:"id_override"`
	Phone          *string `json:"phone"`
	Ethnicity      *string `json:"ethnicity"`
	Education      *string `json:"education"`
	Category       *string `json:"category"`
	AppliedOn      *string `json:"applied_on"`
	ActivistOn     *string `json:"activist_on"`
	CandidateOn    *string `json:"candidate_on"`
	AdmittedOn     *string `json:"admitted_on"`
	FullOn         *string `json:"full_on"`
	Status         *string `json:"status"`
	Mobile         *bool   `json:"mobile"`
	OrgID          *int64  `json:"org_id"`
	EnterpriseID   *int64  `json:"enterprise_id"`
	EnterpriseUSCC *string `json:"enterprise_uscc"`
	PositionKind   *string `json:"position_kind"`
	Version        *int    `json:"version"`
}

func (s *Server) apiMemberUpdate(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	m, err := s.managedMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p memberPatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in := store.MemberInputOf(m, model.MemberSecret{}) // personal data: kept below unless given
	setIf(&in.Name, p.Name)
	setIf(&in.IDNumber, p.IDNumber)
	setIf(&in.IDOverride, p.IDOverride)
	setIf(&in.Phone, p.Phone)
	setIf(&in.Ethnicity, p.Ethnicity)
	setIf(&in.Education, p.Education)
	setIf(&in.Category, p.Category)
	setIf(&in.AppliedOn, p.AppliedOn)
	setIf(&in.ActivistOn, p.ActivistOn)
	setIf(&in.CandidateOn, p.CandidateOn)
	setIf(&in.AdmittedOn, p.AdmittedOn)
	setIf(&in.FullOn, p.FullOn)
	setIf(&in.Status, p.Status)
	setIf(&in.Mobile, p.Mobile)
	setIf(&in.OrgID, p.OrgID)
	setIf(&in.EnterpriseID, p.EnterpriseID)
	setIf(&in.PositionKind, p.PositionKind)
	byCode := p.EnterpriseUSCC != nil
	if byCode {
		in.EnterpriseID, err = s.resolveEmployer(r.Context(), *p.EnterpriseUSCC)
	}
	// Absent personal data is kept by the store without a reveal; an
	// explicit empty phone deletes it, an explicit empty ID number is an
	// error as on create.
	if err == nil && p.IDNumber != nil && strings.TrimSpace(*p.IDNumber) == "" {
		var v model.Validation
		v.Add("id_number", "field.required")
		err = v.Err()
	}
	if err == nil {
		edit := store.MemberEdit{ClearPhone: p.Phone != nil && strings.TrimSpace(*p.Phone) == ""}
		m, err = s.store.UpdateMember(r.Context(), ri.sess.actor, m.ID, in, *p.Version, edit)
		err = s.memberFieldErrors(r, err, "enterprise_uscc", byCode, false)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.memberOut(m))
}

type revealRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiMemberReveal(w http.ResponseWriter, r *http.Request) {
	m, err := s.pathMember(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req revealRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	reason, err := revealReason(req.Reason)
	var sec model.MemberSecret
	if err == nil {
		sec, err = s.store.RevealMember(r.Context(), info(r).sess.actor, m.ID, reason)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sec)
}
