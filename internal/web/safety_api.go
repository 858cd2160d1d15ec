package web

import (
	"net/http"
	"strconv"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// JSON API of the safety register (安全生产).
func (s *Server) safetyAPIRoutes() {
	s.handle("GET", "/api/v1/safety", auth.PermSafetyRead, s.apiSafetyList)
	s.handle("POST", "/api/v1/safety", auth.PermSafetyWrite, s.apiSafetyCreate)
	s.handle("GET", "/api/v1/safety/{id}", auth.PermSafetyRead, s.apiSafetyGet)
	s.handle("PUT", "/api/v1/safety/{id}", auth.PermSafetyWrite, s.apiSafetyUpdate)
	s.handle("DELETE", "/api/v1/safety/{id}", auth.PermSafetyWrite, s.apiSafetyDelete)
	s.handle("POST", "/api/v1/safety/{id}/rectify", auth.PermSafetyWrite, s.apiSafetyRectify)
}

func init() {
	exportLists["GET /api/v1/safety"] = "safety"
	scope := " Grid staff: their grids' records; department staff read all, the 安监 department writes all; outside scope → 404."
	apiDocs["GET /api/v1/safety"] = apiOp{Summary: "Safety records (安全生产) in scope by date, newest first (sort=date_asc: oldest first; keyset pages). " +
		"open=1: open hazards only (violations not rectified); from/to: inclusive dates; q: words of the description." + scope,
		Tag: "safety", Query: []string{"grid", "enterprise", "kind", "severity", "open", "from", "to", "q", "sort", "cursor", "limit"},
		Response: "SafetyList", Status: "200"}
	apiDocs["POST /api/v1/safety"] = apiOp{Summary: "Record an inspection, violation (hazard_level required; starts open) or incident. " +
		"An incident's severity is derived from deaths, serious_injuries and loss_wan by " + rules.SafetyRegulation +
		"; a severity lower than that is a field error, a higher one is kept. raise_problem registers an enterprise problem " +
		"(problem_category_id, default 安全隐患) in the same transaction; problem_id links an existing one of the same enterprise." + scope,
		Tag: "safety", Body: "SafetyInput", Response: "SafetyRecord", Status: "201"}
	apiDocs["GET /api/v1/safety/{id}"] = apiOp{Summary: "One safety record." + scope, Tag: "safety", Response: "SafetyRecord", Status: "200"}
	apiDocs["PUT /api/v1/safety/{id}"] = apiOp{Summary: "Replace a record's fields (kind and enterprise stay); version required, stale → 409",
		Tag: "safety", Body: "SafetyInput", Response: "SafetyRecord", Status: "200"}
	apiDocs["DELETE /api/v1/safety/{id}"] = apiOp{Summary: "Delete a record (audited with its content); version required, stale → 409",
		Tag: "safety", Query: []string{"version", "reason"}, Status: "204"}
	apiDocs["POST /api/v1/safety/{id}/rectify"] = apiOp{Summary: "Close an open hazard: rectified_on (not before the record's date, not in the future) and a note; version required",
		Tag: "safety", Body: "SafetyRectify", Response: "SafetyRecord", Status: "200"}

	enum := func(vals []string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	moreSchemas["SafetyInput"] = obj(map[string]any{"enterprise_id": tInt, "kind": enum(model.SafetyKinds), "occurred_on": tDate,
		"description": tStr, "follow_up": tStr, "severity": enum(rules.Severities), "deaths": tInt, "serious_injuries": tInt,
		"loss_wan":     map[string]any{"type": "string", "description": "direct economic loss in 万元, up to four decimals"},
		"hazard_level": enum(rules.HazardLevels), "problem_id": tInt, "raise_problem": tBool, "problem_category_id": tInt, "version": tInt},
		"kind", "occurred_on", "description")
	moreSchemas["SafetyRectify"] = obj(map[string]any{"rectified_on": tDate, "note": tStr, "version": tInt}, "rectified_on", "note", "version")
	moreSchemas["SafetyRecord"] = obj(map[string]any{"id": tInt, "enterprise_id": tInt, "grid_id": tInt, "kind": enum(model.SafetyKinds),
		"occurred_on": tDate, "description": tStr, "follow_up": tStr, "severity": enum(rules.Severities), "deaths": tInt,
		"serious_injuries": tInt, "loss_yuan": tInt, "hazard_level": enum(rules.HazardLevels), "open": tBool, "rectified_on": tDate,
		"rectify_note": tStr, "problem_id": tInt, "created_by": tInt, "created_at": tTime, "updated_at": tTime, "version": tInt,
		"enterprise_name": tStr, "grid_name": tStr, "created_by_name": tStr})
	moreSchemas["SafetyList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("SafetyRecord")},
		"next_cursor": tStr, "prev_cursor": tStr}, "items")
}

func (s *Server) apiSafetyList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "safety")
		return
	}
	f, err := safetyFilterFrom(r.URL.Query())
	var items []model.SafetyRecord
	var next, prev string
	if err == nil {
		items, next, prev, err = s.store.ListSafety(r.Context(), info(r).sess.actor, f)
	}
	writePage(s, w, r, items, next, prev, err)
}

func (s *Server) apiSafetyCreate(w http.ResponseWriter, r *http.Request) {
	var in model.SafetyInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.store.CreateSafety(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/safety/", rec.ID, rec)
}

func (s *Server) apiSafetyGet(w http.ResponseWriter, r *http.Request) {
	rec, err := s.pathSafety(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// safetyBody is the PUT body: the input with a required version.
type safetyBody struct {
	model.SafetyInput
	Version *int `json:"version"`
}

func (s *Server) apiSafetyUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b safetyBody
	if err := decodeJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	b.SafetyInput.Version = *b.Version
	rec, err := s.store.UpdateSafety(r.Context(), info(r).sess.actor, id, b.SafetyInput)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) apiSafetyDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil {
		s.fail(w, r, requiredVersion())
		return
	}
	if err := s.store.DeleteSafety(r.Context(), info(r).sess.actor, id, version, r.URL.Query().Get("reason")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type safetyRectifyBody struct {
	RectifiedOn string `json:"rectified_on"`
	Note        string `json:"note"`
	Version     *int   `json:"version"`
}

func (s *Server) apiSafetyRectify(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b safetyRectifyBody
	if err := decodeJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	rec, err := s.store.RectifySafety(r.Context(), info(r).sess.actor, id, model.SafetyRectify{RectifiedOn: b.RectifiedOn, Note: b.Note, Version: *b.Version})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}
