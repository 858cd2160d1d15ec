// Package model holds redgrid's domain types and error codes. It depends on
// nothing else in the project, so every other package may import it.
package model

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes. HTTP status mapping lives in the web package; the store and the
// domain only speak in these codes.
const (
	ECONFLICT     = "conflict"     // stale version, duplicate key, illegal state change
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
	EINVALID      = "invalid"      // validation failed; see FieldErrors
	ENOTFOUND     = "not_found"    // missing, or outside the actor's scope
	EFORBIDDEN    = "forbidden"    // known actor, action not allowed
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	ETHROTTLED    = "throttled"    // too many attempts
	EMALFORMED    = "malformed"    // unparseable request (bad JSON, unknown field)
)

// Error is a domain error. Key is an i18n message key; Args fill its verbs.
// Fields maps a form field name to an i18n key (with its own args) for
// per-field messages.
type Error struct {
	Code   string
	Key    string
	Args   []any
	Fields map[string]FieldError
}

// FieldError is one field's message key and arguments.
type FieldError struct {
	Key  string
	Args []any
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			s += fmt.Sprintf(" [%s=%s]", k, e.Fields[k].Key)
		}
	}
	return s
}

// Errorf builds an Error with a message key.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Validation collects field errors while a form or payload is checked.
type Validation struct {
	fields map[string]FieldError
}

// Add records a field error unless the field already has one (the first
// problem found is the one the user needs to fix first).
func (v *Validation) Add(field, key string, args ...any) {
	if v.fields == nil {
		v.fields = map[string]FieldError{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = FieldError{Key: key, Args: args}
	}
}

// Has reports whether field already failed.
func (v *Validation) Has(field string) bool { _, ok := v.fields[field]; return ok }

// Err returns nil when nothing failed, else an EINVALID error.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "error.validation", Fields: v.fields}
}

// FieldConflict is an ECONFLICT error tied to one field (a duplicate key).
func FieldConflict(field, key string, args ...any) *Error {
	return &Error{Code: ECONFLICT, Key: key, Args: args,
		Fields: map[string]FieldError{field: {Key: key, Args: args}}}
}
