package web

import (
	"strconv"
	"strings"

	"redgrid/internal/model"
)

// Parsing of list parameters shared by every register's filters.

// idParam parses an optional positive id from a form or query value.
func idParam(v *model.Validation, field, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		v.Add(field, "field.number")
		return 0
	}
	return n
}

// limitParam reads a page size (default 20).
func limitParam(v *model.Validation, s string) int {
	if s == "" {
		return 20
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 200 {
		v.Add("limit", "field.range", 1, 200)
		return 20
	}
	return n
}
