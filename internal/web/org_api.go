package web

import (
	"net/http"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

func init() {
	apiDocs["GET /api/v1/organizations"] = apiOp{Summary: "List party organizations in scope, in tree order (keyset pages)", Tag: "organizations",
		Query: []string{"q", "kind", "parent", "cursor", "limit"}, Response: "OrganizationList", Status: "200"}
	apiDocs["POST /api/v1/organizations"] = apiOp{Summary: "Create a party organization (secretaries: inside their subtree)", Tag: "organizations",
		Body: "OrganizationInput", Response: "Organization", Status: "201"}
	apiDocs["GET /api/v1/organizations/{id}"] = apiOp{Summary: "One party organization", Tag: "organizations", Response: "Organization", Status: "200"}
	apiDocs["PATCH /api/v1/organizations/{id}"] = apiOp{Summary: "Edit a party organization (version required; absent fields keep their value; stale → 409)",
		Tag: "organizations", Body: "OrganizationPatch", Response: "Organization", Status: "200"}
	apiDocs["GET /api/v1/organizations/{id}/checks"] = apiOp{Summary: "Composition warnings of an organization, localized", Tag: "organizations",
		Response: "OrgCheckList", Status: "200"}
	apiDocs["GET /api/v1/alliances"] = apiOp{Summary: "党建联盟 with their member organizations in scope", Tag: "organizations",
		Response: "AllianceList", Status: "200"}

	kind := map[string]any{"type": "string", "enum": model.OrgKinds, "description": "党委, 党总支, 党支部, 联合党支部, 功能性党支部 (the Chinese names are accepted on input)"}
	fields := map[string]any{"code": tStr, "name": tStr, "short_name": tStr, "kind": kind, "parent_id": tInt,
		"founded_on": tDate, "term_start": tDate, "term_years": map[string]any{"type": "integer", "minimum": 0, "maximum": 10,
			"description": "0: the rule's default (3 years, 5 for villages)"}, "village": tBool, "notes": tStr}
	org := map[string]any{"id": tInt, "path": tStr, "version": tInt, "created_at": tTime, "updated_at": tTime, "term_end": tDate,
		"parent_name": tStr, "depth": tInt, "full_members": tInt, "probationary_members": tInt, "units": tInt}
	patch := map[string]any{"version": tInt}
	for k, v := range fields {
		org[k], patch[k] = v, v
	}
	moreSchemas["Organization"] = obj(org)
	moreSchemas["OrganizationInput"] = obj(fields, "code", "name", "kind")
	moreSchemas["OrganizationPatch"] = obj(patch, "version")
	moreSchemas["OrganizationList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Organization")},
		"next_cursor": tStr, "prev_cursor": tStr}, "items")
	moreSchemas["OrgCheck"] = obj(map[string]any{"code": map[string]any{"type": "string", "enum": orgCheckCodes},
		"severity": map[string]any{"type": "string", "enum": []string{"alert", "warn", "info"}}, "message": tStr}, "code", "severity", "message")
	moreSchemas["OrgCheckList"] = listOf("OrgCheck")
	moreSchemas["Alliance"] = obj(map[string]any{"id": tInt, "code": tStr, "name": tStr, "founded_on": tDate, "notes": tStr,
		"org_ids": map[string]any{"type": "array", "items": tInt}, "org_names": map[string]any{"type": "array", "items": tStr},
		"members": tInt, "version": tInt, "created_at": tTime, "updated_at": tTime})
	moreSchemas["AllianceList"] = listOf("Alliance")
}

func (s *Server) apiOrgList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "organizations")
		return
	}
	f, err := orgFilterFrom(r.URL.Query())
	var items []model.Organization
	var next, prev string
	if err == nil {
		items, next, prev, err = s.store.ListOrganizations(r.Context(), info(r).sess.actor, f)
	}
	writePage(s, w, r, items, next, prev, err)
}

func (s *Server) apiOrgGet(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request) {
	var in store.OrganizationInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.store.CreateOrganization(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, orgScopeError(err))
		return
	}
	writeCreated(w, "/api/v1/organizations/", o.ID, o)
}

// orgPatch: absent fields keep their value; version is required.
type orgPatch struct {
	Code      *string `json:"code"`
	Name      *string `json:"name"`
	ShortName *string `json:"short_name"`
	Kind      *string `json:"kind"`
	ParentID  *int64  `json:"parent_id"`
	FoundedOn *string `json:"founded_on"`
	TermStart *string `json:"term_start"`
	TermYears *int    `json:"term_years"`
	Village   *bool   `json:"village"`
	Notes     *string `json:"notes"`
	Version   *int    `json:"version"`
}

func (s *Server) apiOrgUpdate(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgManagedFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p orgPatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in := store.OrganizationInputOf(o)
	in.Version = *p.Version
	setIf(&in.Code, p.Code)
	setIf(&in.Name, p.Name)
	setIf(&in.ShortName, p.ShortName)
	setIf(&in.Kind, p.Kind)
	setIf(&in.ParentID, p.ParentID)
	setIf(&in.FoundedOn, p.FoundedOn)
	setIf(&in.TermStart, p.TermStart)
	setIf(&in.TermYears, p.TermYears)
	setIf(&in.Village, p.Village)
	setIf(&in.Notes, p.Notes)
	o, err = s.store.UpdateOrganization(r.Context(), info(r).sess.actor, o.ID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiOrgChecks(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.store.OrgChecks(r.Context(), o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.orgCheckViews(info(r).locale, cs)})
}

func (s *Server) apiAllianceList(w http.ResponseWriter, r *http.Request) {
	items, err := s.allianceVisible(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []model.Alliance{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}
