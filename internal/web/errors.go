package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"redgrid/internal/model"
)

// statusOf maps a domain error code to an HTTP status.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch model.ErrorCode(err) {
	case model.EINVALID:
		return http.StatusUnprocessableEntity
	case model.ENOTFOUND:
		return http.StatusNotFound
	case model.ECONFLICT:
		return http.StatusConflict
	case model.EFORBIDDEN:
		return http.StatusForbidden
	case model.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case model.ETHROTTLED:
		return http.StatusTooManyRequests
	case model.EMALFORMED:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fail answers with the status that err's code implies.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.failStatus(w, r, statusOf(err), err)
}

// failStatus answers an error: JSON for the API, a friendly page otherwise.
// Internal errors are logged once here, with the request id, and their text
// never reaches the client.
func (s *Server) failStatus(w http.ResponseWriter, r *http.Request, status int, err error) {
	ri := info(r)
	if status >= 500 {
		s.log.Error("request failed", "request_id", ri.id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		s.apiError(w, r, status, err)
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	msg := ""
	if e, ok := model.AsError(err); ok && status < 500 {
		msg = s.cat.T(ri.locale, e.Key, e.Args...)
	}
	v := s.view(r, "error."+http.StatusText(status))
	v.Title = s.cat.T(ri.locale, errorTitleKey(status))
	s.renderStatus(w, r, status, "error", v, errorPage{Status: status, Message: msg, RequestID: ri.id})
}

type errorPage struct {
	Status    int
	Message   string
	RequestID string
}

func errorTitleKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "page.404.title"
	case http.StatusForbidden:
		return "page.403.title"
	case http.StatusConflict:
		return "page.409.title"
	case http.StatusRequestEntityTooLarge:
		return "page.413.title"
	case http.StatusTooManyRequests:
		return "page.429.title"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "page.400.title"
	}
	return "page.500.title"
}

// apiError writes {"error":{"code","message","fields"}}.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, status int, err error) {
	loc := info(r).locale
	body := apiErrorBody{Code: apiCode(status)}
	if e, ok := model.AsError(err); ok && status < 500 {
		body.Message = s.cat.T(loc, e.Key, e.Args...)
		if len(e.Fields) > 0 {
			body.Fields = map[string]string{}
			for f, fe := range e.Fields {
				body.Fields[f] = s.cat.T(loc, fe.Key, fe.Args...)
			}
		}
	} else if status == http.StatusRequestEntityTooLarge {
		body.Message = s.cat.T(loc, "error.too_large", s.cfg.MaxBodyBytes>>20)
	} else {
		body.Message = s.cat.T(loc, "page.500.title") + " (" + info(r).id + ")"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]apiErrorBody{"error": body})
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func apiCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnprocessableEntity:
		return "invalid"
	case http.StatusTooManyRequests:
		return "throttled"
	}
	return "internal"
}

// formError classifies a form parse failure: too large stays 413, anything
// else is the client's malformed input (400), never a server error.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return model.Errorf(model.EMALFORMED, "error.bad_form")
}
