package web

import (
	"net/http"
	"strings"
)

// apiOp documents one API operation. Every /api/v1 route must have one; a
// test compares this table with the registered routes.
type apiOp struct {
	Summary  string
	Tag      string
	Public   bool
	Query    []string // query parameter names
	Body     string   // request schema
	BodyType string   // request media type; default application/json
	Response string   // success schema
	Status   string   // success status
}

var apiDocs = map[string]apiOp{
	"GET /api/v1/openapi.json":        {Summary: "This document", Tag: "meta", Public: true, Status: "200"},
	"POST /api/v1/session":            {Summary: "Sign in; returns a bearer token", Tag: "session", Public: true, Body: "Login", Response: "Token", Status: "201"},
	"DELETE /api/v1/session":          {Summary: "Revoke the bearer token used", Tag: "session", Status: "204"},
	"GET /api/v1/me":                  {Summary: "The signed-in account", Tag: "session", Response: "User", Status: "200"},
	"GET /api/v1/industries":          {Summary: "Industry dictionary", Tag: "registers", Response: "IndustryList", Status: "200"},
	"GET /api/v1/grids":               {Summary: "Grids in scope, in tree order", Tag: "grids", Response: "GridList", Status: "200"},
	"POST /api/v1/grids":              {Summary: "Create a grid", Tag: "grids", Body: "GridInput", Response: "Grid", Status: "201"},
	"GET /api/v1/grids/{id}":          {Summary: "One grid", Tag: "grids", Response: "Grid", Status: "200"},
	"PATCH /api/v1/grids/{id}":        {Summary: "Edit a grid (version required)", Tag: "grids", Body: "GridPatch", Response: "Grid", Status: "200"},
	"GET /api/v1/enterprises":         {Summary: "List enterprises in scope (keyset pages)", Tag: "enterprises", Query: []string{"q", "grid", "industry", "above_scale", "status", "sort", "cursor", "limit", "total", "deleted"}, Response: "EnterpriseList", Status: "200"},
	"POST /api/v1/enterprises":        {Summary: "Create an enterprise", Tag: "enterprises", Body: "EnterpriseInput", Response: "Enterprise", Status: "201"},
	"GET /api/v1/enterprises/{id}":    {Summary: "One enterprise", Tag: "enterprises", Response: "Enterprise", Status: "200"},
	"PATCH /api/v1/enterprises/{id}":  {Summary: "Edit an enterprise (version required; stale → 409)", Tag: "enterprises", Body: "EnterprisePatch", Response: "Enterprise", Status: "200"},
	"DELETE /api/v1/enterprises/{id}": {Summary: "Soft-delete an enterprise", Tag: "enterprises", Query: []string{"version", "reason"}, Status: "204"},
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	tStr  = map[string]any{"type": "string"}
	tInt  = map[string]any{"type": "integer"}
	tBool = map[string]any{"type": "boolean"}
	tNum  = map[string]any{"type": []string{"number", "null"}}
	tTime = map[string]any{"type": "string", "format": "date-time"}
	tDate = map[string]any{"type": "string", "format": "date"}
	tCode = map[string]any{"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$", "description": "统一社会信用代码 (GB 32100-2015)"}
)

// moreSchemas holds component schemas that modules add from their own
// files (in init functions), next to their entries in apiDocs.
var moreSchemas = map[string]any{}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func listOf(name string) map[string]any {
	return obj(map[string]any{"items": map[string]any{"type": "array", "items": ref(name)}}, "items")
}

func schemas() map[string]any {
	enterpriseFields := map[string]any{
		"uscc": tCode, "name": tStr, "short_name": tStr, "industry_id": tInt, "above_scale": tBool,
		"grid_id": tInt, "address": tStr, "lat": tNum, "lng": tNum, "employees": tInt,
		"status":     map[string]any{"type": "string", "enum": []string{"operating", "suspended", "moved_out", "closed"}},
		"founded_on": tDate, "legal_rep": tStr,
	}
	ent := map[string]any{"id": tInt, "version": tInt, "created_at": tTime, "updated_at": tTime,
		"deleted_at": tTime, "industry_name": tStr, "grid_name": tStr}
	patch := map[string]any{"version": tInt, "reason": tStr}
	for k, v := range enterpriseFields {
		ent[k], patch[k] = v, v
	}
	gridFields := map[string]any{"code": tStr, "name": tStr,
		"level": map[string]any{"type": "string", "enum": []string{"zone", "area", "grid"}}, "parent_id": tInt}
	grid := map[string]any{"id": tInt, "path": tStr, "version": tInt, "created_at": tTime, "updated_at": tTime,
		"enterprises": tInt, "above_scale": tInt, "depth": tInt, "parent_name": tStr,
		"heads": map[string]any{"type": "array", "items": tStr}, "workers": map[string]any{"type": "array", "items": tStr}}
	gpatch := map[string]any{"version": tInt}
	for k, v := range gridFields {
		grid[k], gpatch[k] = v, v
	}
	out := map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{"code": tStr, "message": tStr,
			"fields": map[string]any{"type": "object", "additionalProperties": tStr}}, "code", "message")}, "error"),
		"Login": obj(map[string]any{"username": tStr, "password": tStr, "label": tStr}, "username", "password"),
		"Token": obj(map[string]any{"token": tStr, "expires_at": tTime, "user": ref("User")}, "token"),
		"User": obj(map[string]any{"id": tInt, "username": tStr, "display_name": tStr, "role": map[string]any{"type": "string",
			"enum": []string{"admin", "department", "grid_head", "grid_worker", "org_secretary", "member"}},
			"grid_ids": map[string]any{"type": "array", "items": tInt}, "org_ids": map[string]any{"type": "array", "items": tInt}}),
		"Industry":        obj(map[string]any{"id": tInt, "code": tStr, "name": tStr, "name_en": tStr, "position": tInt, "active": tBool}),
		"IndustryList":    listOf("Industry"),
		"Grid":            obj(grid),
		"GridList":        listOf("Grid"),
		"GridInput":       obj(gridFields, "code", "name", "level"),
		"GridPatch":       obj(gpatch, "version"),
		"Enterprise":      obj(ent),
		"EnterpriseInput": obj(enterpriseFields, "uscc", "name", "industry_id", "grid_id"),
		"EnterprisePatch": obj(patch, "version"),
		"EnterpriseList": obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Enterprise")},
			"next_cursor": tStr, "prev_cursor": tStr, "total": tInt, "total_capped": tBool}, "items"),
	}
	for k, v := range moreSchemas {
		out[k] = v
	}
	return out
}

func errorResponses(op apiOp, method string) map[string]any {
	errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	resp := map[string]any{}
	add := func(code, desc string) {
		resp[code] = map[string]any{"description": desc, "content": errRef["content"]}
	}
	if !op.Public {
		add("401", "missing, expired or revoked credentials")
		add("403", "the role lacks the permission")
	}
	if op.Body != "" {
		add("400", "malformed JSON or an unknown field")
		add("413", "body over the size limit")
		add("422", "validation failed; fields name each problem")
	}
	if method == "PATCH" || method == "DELETE" || strings.Contains(op.Summary, "Create") {
		add("409", "stale version or duplicate key")
	}
	return resp
}

// openAPIDoc builds the OpenAPI 3.1 document from apiDocs.
func openAPIDoc() map[string]any {
	paths := map[string]map[string]any{}
	for key, op := range apiDocs {
		method, path, _ := strings.Cut(key, " ")
		item := paths[path]
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		o := map[string]any{"summary": op.Summary, "tags": []string{op.Tag},
			"operationId": strings.ToLower(method) + strings.NewReplacer("/api/v1/", "_", "/", "_", "{", "", "}", "", ".", "_").Replace(path)}
		var params []any
		if strings.Contains(path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": tInt})
		}
		for _, q := range op.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": tStr})
		}
		_, export := exportLists[key]
		if export {
			params = append(params, map[string]any{"name": "format", "in": "query",
				"description": "Answer with the whole filtered list as a file instead of a JSON page: xlsx, csv (UTF-8 with BOM) " +
					"or csv-gb18030. Same filter and scope as the list; cursor and limit are ignored; personal data masked; " +
					"the export is audited. The file name comes in Content-Disposition (RFC 6266, filename* in UTF-8).",
				"schema": map[string]any{"type": "string", "enum": []string{"xlsx", "csv", "csv-gb18030"}}})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.Body != "" {
			mt := op.BodyType
			if mt == "" {
				mt = "application/json"
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				mt: map[string]any{"schema": ref(op.Body)}}}
		}
		resp := errorResponses(op, method)
		ok := map[string]any{"description": "success"}
		if op.Response != "" {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.Response)}}
		}
		if export {
			content, _ := ok["content"].(map[string]any)
			if content == nil {
				content = map[string]any{}
			}
			bin := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = bin
			content["text/csv"] = bin
			ok["content"] = content
			if _, has := resp["422"]; !has {
				resp["422"] = map[string]any{"description": "validation failed (an unknown format or filter value); fields name each problem",
					"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
			}
		}
		resp[op.Status] = ok
		o["responses"] = resp
		if op.Public {
			o["security"] = []any{}
		}
		item[strings.ToLower(method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "redgrid API", "version": Version,
			"description": "红网格 API. Authenticate with POST /api/v1/session and send `Authorization: Bearer <token>`. Every list and record obeys the caller's data scope."},
		"servers":    []any{map[string]any{"url": "/"}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas(), "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
		"security":   []any{map[string]any{"bearer": []string{}}},
	}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, openAPIDoc())
}
