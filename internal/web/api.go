package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// writeJSON encodes v straight to the response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeJSON reads one JSON object, rejecting unknown fields, trailing data
// and oversize bodies with errors that name the problem.
func decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return model.Errorf(model.EMALFORMED, "error.content_type")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError: 413
	}
	// JSON may carry NUL as \u0000 and lone surrogates; neither can be stored.
	if bytes.Contains(body, []byte(`\u0000`)) || !utf8.Valid(body) {
		return model.Errorf(model.EMALFORMED, "error.bad_text")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.Is(err, io.EOF):
			return model.Errorf(model.EMALFORMED, "error.json_empty")
		case errors.As(err, &ute):
			return model.Errorf(model.EMALFORMED, "error.json_type", ute.Field, ute.Value)
		case errors.As(err, &se):
			return model.Errorf(model.EMALFORMED, "error.json_syntax", se.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return model.Errorf(model.EMALFORMED, "error.json_unknown_field", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
		}
		return model.Errorf(model.EMALFORMED, "error.json_syntax", 0)
	}
	if dec.More() {
		return model.Errorf(model.EMALFORMED, "error.json_trailing")
	}
	return nil
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Label    string `json:"label"`
}

type tokenResponse struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	User      model.User `json:"user"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	var v model.Validation
	if strings.TrimSpace(req.Username) == "" {
		v.Add("username", "field.required")
	}
	if req.Password == "" {
		v.Add("password", "field.required")
	}
	if err := v.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.authenticate(r.Context(), req.Username, req.Password, s.clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if u.MustChangePassword {
		// A temporary password set by an administrator opens no API access.
		s.fail(w, r, model.Errorf(model.EFORBIDDEN, "auth.must_change"))
		return
	}
	if len(req.Label) > 64 {
		req.Label = req.Label[:64]
	}
	tok, sess, err := s.store.CreateSession(r.Context(), u.ID, "api", s.clientIP(r), r.UserAgent(), req.Label, s.cfg.TokenMaxAge)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_ = s.store.AuditLogin(r.Context(), &model.Actor{UserID: u.ID, Username: u.Username, IP: s.clientIP(r)}, "user.login", "api")
	writeJSON(w, http.StatusCreated, tokenResponse{Token: tok, ExpiresAt: sess.ExpiresAt, User: u})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	if err := s.store.DeleteSession(r.Context(), ri.sess.token); err != nil {
		s.fail(w, r, err)
		return
	}
	_ = s.store.AuditLogin(r.Context(), ri.sess.actor, "user.logout", "api")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, info(r).sess.user)
}

func (s *Server) apiIndustries(w http.ResponseWriter, r *http.Request) {
	ins, err := s.store.Industries(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ins})
}

// ---- grids ----

func (s *Server) apiGridList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "grids")
		return
	}
	grids, err := s.store.Grids(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if grids == nil {
		grids = []model.Grid{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": grids})
}

// writeCreated answers a create: 201, the new resource's Location, its body.
func writeCreated(w http.ResponseWriter, base string, id int64, body any) {
	w.Header().Set("Location", base+strconv.FormatInt(id, 10))
	writeJSON(w, http.StatusCreated, body)
}

func (s *Server) apiGridGet(w http.ResponseWriter, r *http.Request) {
	g, err := s.pathGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

func (s *Server) apiGridCreate(w http.ResponseWriter, r *http.Request) {
	var in store.GridInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := s.store.CreateGrid(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/grids/", g.ID, g)
}

type gridPatch struct {
	Code     *string `json:"code"`
	Name     *string `json:"name"`
	Level    *string `json:"level"`
	ParentID *int64  `json:"parent_id"`
	Version  *int    `json:"version"`
}

func (s *Server) apiGridUpdate(w http.ResponseWriter, r *http.Request) {
	g, err := s.pathGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p gridPatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in := store.GridInput{Code: g.Code, Name: g.Name, Level: g.Level, ParentID: g.ParentID, Version: *p.Version}
	setIf(&in.Code, p.Code)
	setIf(&in.Name, p.Name)
	setIf(&in.Level, p.Level)
	setIf(&in.ParentID, p.ParentID)
	g, err = s.store.UpdateGrid(r.Context(), info(r).sess.actor, g.ID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func requiredVersion() error {
	var v model.Validation
	v.Add("version", "field.version_required")
	return v.Err()
}

// ---- enterprises ----

type enterpriseListResponse struct {
	Items       []model.Enterprise `json:"items"`
	NextCursor  string             `json:"next_cursor,omitempty"`
	PrevCursor  string             `json:"prev_cursor,omitempty"`
	Total       *int               `json:"total,omitempty"`
	TotalCapped bool               `json:"total_capped,omitempty"`
}

func (s *Server) apiEnterpriseList(w http.ResponseWriter, r *http.Request) {
	if wantsFile(r) {
		s.exportList(w, r, "enterprises")
		return
	}
	ri := info(r)
	q := r.URL.Query()
	f, err := enterpriseFilterFrom(q)
	if err == nil && f.Deleted && !ri.sess.actor.Scope.All {
		err = model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	var page model.EnterprisePage
	if err == nil {
		page, err = s.store.ListEnterprises(r.Context(), ri.sess.actor, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := enterpriseListResponse{Items: page.Items, NextCursor: page.NextCursor, PrevCursor: page.PrevCursor}
	if resp.Items == nil {
		resp.Items = []model.Enterprise{}
	}
	if q.Get("total") == "1" || q.Get("total") == "true" {
		n, capped, err := s.store.CountEnterprises(r.Context(), ri.sess.actor, f, 10000)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		resp.Total, resp.TotalCapped = &n, capped
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) apiEnterpriseGet(w http.ResponseWriter, r *http.Request) {
	e, err := s.pathEnterprise(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiEnterpriseCreate(w http.ResponseWriter, r *http.Request) {
	var in store.EnterpriseInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.store.CreateEnterprise(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/enterprises/", e.ID, e)
}

// enterprisePatch: absent fields keep their value; version is required.
type enterprisePatch struct {
	USCC       *string  `json:"uscc"`
	Name       *string  `json:"name"`
	ShortName  *string  `json:"short_name"`
	IndustryID *int64   `json:"industry_id"`
	AboveScale *bool    `json:"above_scale"`
	GridID     *int64   `json:"grid_id"`
	Address    *string  `json:"address"`
	Lat        optFloat `json:"lat"`
	Lng        optFloat `json:"lng"`
	Employees  *int     `json:"employees"`
	Status     *string  `json:"status"`
	FoundedOn  *string  `json:"founded_on"`
	LegalRep   *string  `json:"legal_rep"`
	Version    *int     `json:"version"`
	Reason     string   `json:"reason"`
}

func (s *Server) apiEnterpriseUpdate(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	e, err := s.pathEnterprise(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p enterprisePatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in := store.EnterpriseInputOf(e)
	in.Version = *p.Version
	setIf(&in.USCC, p.USCC)
	setIf(&in.Name, p.Name)
	setIf(&in.ShortName, p.ShortName)
	setIf(&in.IndustryID, p.IndustryID)
	setIf(&in.AboveScale, p.AboveScale)
	setIf(&in.GridID, p.GridID)
	setIf(&in.Address, p.Address)
	p.Lat.apply(&in.Lat)
	p.Lng.apply(&in.Lng)
	setIf(&in.Employees, p.Employees)
	setIf(&in.Status, p.Status)
	setIf(&in.FoundedOn, p.FoundedOn)
	setIf(&in.LegalRep, p.LegalRep)
	e, err = s.store.UpdateEnterprise(r.Context(), ri.sess.actor, e.ID, in, p.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiEnterpriseDelete(w http.ResponseWriter, r *http.Request) {
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
	if err := s.store.DeleteEnterprise(r.Context(), info(r).sess.actor, id, version, r.URL.Query().Get("reason")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// optFloat tells a JSON field that is absent (keep the value) from one that
// is null (clear it) or a number (set it).
type optFloat struct {
	set bool
	v   *float64
}

func (o *optFloat) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.v = nil
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	o.v = &f
	return nil
}

func (o optFloat) apply(dst **float64) {
	if o.set {
		*dst = o.v
	}
}

// pageJSON is a keyset page of a list as the API answers it.
type pageJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
	PrevCursor string `json:"prev_cursor,omitempty"`
}

// writePage answers a list page (an empty list as [], never null), or err.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T, next, prev string, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, pageJSON[T]{Items: items, NextCursor: next, PrevCursor: prev})
}
