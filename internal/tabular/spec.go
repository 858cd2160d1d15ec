package tabular

import (
	"strings"
	"unicode"
)

// Kind is how a column's cells are read and written.
type Kind int

const (
	KindText    Kind = iota // trimmed text
	KindCode                // an identifier: folded, upper case, never a number
	KindInt                 // a whole number
	KindDecimal             // a decimal number (Column.Scale decimals)
	KindDate                // a calendar date
	KindMonth               // a month, "YYYY-MM"
	KindBool                // 是/否
	KindEnum                // one of Column.Choices, stored as its code
)

// Label is a text in both locales.
type Label struct{ Zh, En string }

// In returns the text in lang ("en", else zh-CN).
func (l Label) In(lang string) string {
	if lang == "en" && l.En != "" {
		return l.En
	}
	return l.Zh
}

// Column describes one column of a register's file.
type Column struct {
	Key        string   // the value's key in a Row (the input field it fills)
	Header     Label    // the header the template and exports write
	Aliases    []string // other headers accepted on import
	Kind       Kind     //
	Required   bool     // an empty cell is an error
	MaxLen     int      // characters (text and code); 0: no limit
	NaturalKey bool     // part of the key that identifies a row (duplicates are errors)
	KeepCase   bool     // codes: do not upper-case (grid and organization codes)
	Multiline  bool     // text: line breaks kept
	Scale      int      // decimals: digits after the point
	Min, Max   float64  // int and decimal: the range, when Min < Max
	Choices    []Choice // enum: the closed list
	// Ref names what the cell refers to ("industry", "grid", "organization",
	// "enterprise"): the wiring resolves the code or name to an id.
	Ref     string
	Example string // the template's example value
	Note    Label  // help for the template's notes sheet
}

// Spec is the file layout of one register: its columns in order.
type Spec struct {
	Name    string // the register ("enterprises")
	Title   Label  // for sheet and file names
	Columns []Column
}

// Index returns the position of the column with key, or -1.
func (s *Spec) Index(key string) int {
	for i := range s.Columns {
		if s.Columns[i].Key == key {
			return i
		}
	}
	return -1
}

// Column returns the column with key, or nil.
func (s *Spec) Column(key string) *Column {
	if i := s.Index(key); i >= 0 {
		return &s.Columns[i]
	}
	return nil
}

// Headers returns the column headers in lang.
func (s *Spec) Headers(lang string) []string {
	h := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		h[i] = c.Header.In(lang)
	}
	return h
}

// headerKey folds a header for comparison: width folded, spaces and line
// breaks removed, a trailing required marker (*, （必填）, (required)) dropped,
// lower case.
func headerKey(s string) string {
	s = strings.ToLower(strings.Map(func(r rune) rune {
		r = foldRune(r, true)
		if r < 0 || unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
	for {
		t := s
		for _, suf := range []string{"*", "(必填)", "(必填项)", "(required)", "必填", "(选填)", "(optional)"} {
			t = strings.TrimSuffix(t, suf)
		}
		t = strings.TrimPrefix(t, "*")
		if t == s {
			return s
		}
		s = t
	}
}

// match returns the index of the column a header names, or -1.
func (s *Spec) match(header string) int {
	k := headerKey(header)
	if k == "" {
		return -1
	}
	for i, c := range s.Columns {
		if k == headerKey(c.Header.Zh) || k == headerKey(c.Header.En) || k == headerKey(c.Key) {
			return i
		}
		for _, a := range c.Aliases {
			if k == headerKey(a) {
				return i
			}
		}
	}
	return -1
}

// Specs returns the specs of every register, by name.
func Specs() map[string]*Spec {
	return map[string]*Spec{
		Grids.Name:         Grids,
		Enterprises.Name:   Enterprises,
		Organizations.Name: Organizations,
		Members.Name:       Members,
		Surveys.Name:       Surveys,
		OutputValues.Name:  OutputValues,
	}
}
