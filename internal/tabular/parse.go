package tabular

import (
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// headerScanRows is how many rows above the data may hold titles.
const headerScanRows = 10

// Row is one valid data row: its Excel row number and its values by column
// key. Value types by kind: text, code, enum (the code) and month
// ("YYYY-MM") are string; int is int64; decimal is Decimal; date is
// time.Time (midnight UTC); bool is bool. An empty cell has no value.
type Row struct {
	Line int
	spec *Spec
	vals []any
}

// NewRow builds a row of spec from values in column order (for writers
// and tests); missing trailing values are empty.
func NewRow(spec *Spec, line int, values ...any) Row {
	v := make([]any, len(spec.Columns))
	copy(v, values)
	return Row{Line: line, spec: spec, vals: v}
}

// Values returns the values in spec column order (nil for empty cells),
// the form the writers take.
func (r Row) Values() []any { return r.vals }

// Value returns the value of the column key, nil when empty or unknown.
func (r Row) Value(key string) any {
	if r.spec == nil {
		return nil
	}
	if i := r.spec.Index(key); i >= 0 && i < len(r.vals) {
		return r.vals[i]
	}
	return nil
}

// Has reports whether the cell of key held a value.
func (r Row) Has(key string) bool { return r.Value(key) != nil }

// Text returns the value as the store's inputs take it: text and codes
// as they are, dates as YYYY-MM-DD, numbers in decimal, bools as
// true/false; "" when empty.
func (r Row) Text(key string) string { return canonical(r.Value(key)) }

// Int returns an int value.
func (r Row) Int(key string) (int64, bool) {
	v, ok := r.Value(key).(int64)
	return v, ok
}

// Decimal returns a decimal value.
func (r Row) Decimal(key string) (Decimal, bool) {
	v, ok := r.Value(key).(Decimal)
	return v, ok
}

// Date returns a date value.
func (r Row) Date(key string) (time.Time, bool) {
	v, ok := r.Value(key).(time.Time)
	return v, ok
}

// Bool returns a bool value.
func (r Row) Bool(key string) (bool, bool) {
	v, ok := r.Value(key).(bool)
	return v, ok
}

// Map returns the non-empty values by key.
func (r Row) Map() map[string]any {
	m := make(map[string]any, len(r.vals))
	for i, v := range r.vals {
		if v != nil {
			m[r.spec.Columns[i].Key] = v
		}
	}
	return m
}

func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case Decimal:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.Format("2006-01-02")
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.Format("2006-01-02")
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// CellError is one problem of a file: a cell (Row and Col), a row (Col
// empty) or the file's header (Row is the header row, Field set for a
// missing column). Key and Args render with Message.
type CellError struct {
	Row    int    // Excel row number; 0 for the file as a whole
	Col    string // column letter, "" for a row or the file
	Header string // the header of the column as the file spells it (or the spec's)
	Field  string // the spec column key
	Key    string
	Args   []any
}

// Message renders the error in lang with its place.
func (e CellError) Message(lang string) string {
	reason := Message(lang, e.Key, e.Args...)
	switch {
	case e.Row > 0 && e.Col != "":
		return Message(lang, MsgCellError, e.Row, e.Col, e.Header, reason)
	case e.Row > 0:
		return Message(lang, MsgRowError, e.Row, reason)
	}
	return reason
}

// Result is what Parse found.
type Result struct {
	Spec       *Spec
	HeaderLine int      // the header's row number
	Header     []string // the header cells as read
	Columns    []int    // for each file column, the spec column it fills or -1
	Ignored    []string // headers not in the spec
	Rows       []Row    // valid rows (Parse; ParseFunc hands them over instead)
	Errors     []CellError
	Total      int      // data rows (blank rows not counted)
	Invalid    int      // data rows with at least one error
	Bad        []RawRow // the raw rows with errors, for the error report (capped like Errors)
	Truncated  bool     // more errors than Options.MaxErrors: the lists stop there
}

// OK reports whether the file had no errors at all.
func (r *Result) OK() bool { return len(r.Errors) == 0 && r.Invalid == 0 }

// Parse reads every row of f against spec and collects the valid rows.
// A file that cannot be read (corrupt, too many rows, no header row)
// returns the *Problem, with no rows: a file is imported whole or not at
// all (damage may show only at the end of a part, where its CRC is
// checked). Header problems (missing required columns) and cell problems
// are in Result.Errors.
func Parse(f *File, spec *Spec) (*Result, error) {
	var rows []Row
	res, err := ParseFunc(f, spec, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	if res != nil && err == nil {
		res.Rows = rows
	}
	return res, err
}

// ParseFunc is Parse handing each valid row to fn instead of keeping it
// (for large files); an error from fn stops the parse and is returned.
// Rows are handed over as they are read, before the end of the file is
// reached: when ParseFunc returns an error, the rows fn received must be
// dropped with it (write them in one transaction, rolled back on the
// error), or a damaged or oversized file would be imported in part.
func ParseFunc(f *File, spec *Spec, fn func(Row) error) (res *Result, err error) {
	return parseRows(f, spec, fn, nil)
}

// ParseEach is ParseFunc that also hands over the rows with errors, to bad:
// the row carries the values of its readable cells (the others are
// empty) and its errors. A caller can check what the readable cells refer
// to, so that a file's every problem is reported at once. The rows and
// errors are also in the Result as with ParseFunc.
func ParseEach(f *File, spec *Spec, fn func(Row) error, bad func(Row, []CellError) error) (res *Result, err error) {
	return parseRows(f, spec, fn, bad)
}

func parseRows(f *File, spec *Spec, fn func(Row) error, bad func(Row, []CellError) error) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = problem(ErrCorrupt)
		}
	}()
	res = &Result{Spec: spec}
	opts := f.opts.withDefaults()

	// The header: the first row naming at least half the required columns.
	required := 0
	for _, c := range spec.Columns {
		if c.Required {
			required++
		}
	}
	need := max((required+1)/2, 1)
	found := false
	for scanned := 0; scanned < headerScanRows && f.Next(); {
		row := f.Row()
		if row.Empty() {
			continue
		}
		scanned++
		hits := 0
		cols := make([]int, len(row.Cells))
		for i, c := range row.Cells {
			cols[i] = spec.match(c.Value)
			if cols[i] >= 0 && (spec.Columns[cols[i]].Required || required == 0) {
				hits++
			}
		}
		if hits >= need {
			res.HeaderLine, res.Columns, found = row.Line, cols, true
			res.Header = row.Values()
			break
		}
	}
	if err := f.Err(); err != nil {
		return res, err
	}
	if !found {
		return res, problem(ErrNoHeader, strings.Join(spec.Headers("zh-CN"), "、"))
	}

	// Columns: duplicates, unknown headers, missing required ones.
	seen := make([]int, len(spec.Columns))
	for i := range seen {
		seen[i] = -1
	}
	for i, ci := range res.Columns {
		h := displayHeader(res.Header[i])
		switch {
		case ci < 0:
			if h != "" {
				res.Ignored = append(res.Ignored, h)
			}
		case seen[ci] >= 0:
			res.Errors = append(res.Errors, CellError{Row: res.HeaderLine, Col: ColumnLetter(i), Header: h,
				Field: spec.Columns[ci].Key, Key: ErrDuplicateHeader, Args: []any{h, ColumnLetter(seen[ci])}})
			res.Columns[i] = -1
		default:
			seen[ci] = i
		}
	}
	for ci, c := range spec.Columns {
		if c.Required && seen[ci] < 0 {
			res.Errors = append(res.Errors, CellError{Row: res.HeaderLine, Header: c.Header.Zh, Field: c.Key,
				Key: ErrMissingHeader, Args: []any{c.Header.Zh}})
		}
	}
	if len(res.Errors) > 0 {
		return res, nil
	}

	// The rows.
	var keyCols []int
	for ci, c := range spec.Columns {
		if c.NaturalKey && seen[ci] >= 0 {
			keyCols = append(keyCols, ci)
		}
	}
	choices := make([]map[string]string, len(spec.Columns))
	for ci, c := range spec.Columns {
		if c.Kind == KindEnum && seen[ci] >= 0 {
			choices[ci] = choiceIndex(c.Choices)
		}
	}
	// The values of rows handed over, allocated for many rows at once.
	var slab []any
	keys := map[uint64]int{}
	seed := maphash.MakeSeed()
	headerOf := func(i int) string { return displayHeader(res.Header[i]) }
	var rowErrs []CellError
	for f.Next() {
		raw := f.Row()
		if raw.Empty() {
			continue
		}
		res.Total++
		if res.Total > opts.MaxRows {
			return res, problem(ErrTooManyRows, opts.MaxRows)
		}
		rowErrs = rowErrs[:0]
		if len(slab) < len(spec.Columns) {
			slab = make([]any, 256*len(spec.Columns))
		}
		vals := slab[:len(spec.Columns):len(spec.Columns)]
		for fi, ci := range res.Columns {
			if ci < 0 {
				continue
			}
			c := &spec.Columns[ci]
			cell := Cell{Col: ColumnLetter(fi)}
			if fi < len(raw.Cells) {
				cell = raw.Cells[fi]
			}
			v, p := convertWith(c, cell, f.Date1904, choices[ci])
			if p != nil {
				rowErrs = append(rowErrs, CellError{Row: raw.Line, Col: cell.Col, Header: headerOf(fi), Field: c.Key, Key: p.Key, Args: p.Args})
				continue
			}
			vals[ci] = v
		}
		if len(keyCols) > 0 {
			var h maphash.Hash
			h.SetSeed(seed)
			complete := true
			for _, ci := range keyCols {
				complete = complete && vals[ci] != nil
				h.WriteString(canonical(vals[ci]))
				h.WriteByte(0)
			}
			if complete {
				k := h.Sum64()
				if first, dup := keys[k]; dup {
					fi := seen[keyCols[0]]
					rowErrs = append(rowErrs, CellError{Row: raw.Line, Col: ColumnLetter(fi), Header: headerOf(fi),
						Field: spec.Columns[keyCols[0]].Key, Key: ErrDuplicateKey, Args: []any{first}})
				} else {
					keys[k] = raw.Line
				}
			}
		}
		if len(rowErrs) > 0 {
			slices.SortStableFunc(rowErrs, func(a, b CellError) int {
				ca, _ := columnIndex(a.Col)
				cb, _ := columnIndex(b.Col)
				return ca - cb
			})
			res.Invalid++
			if bad != nil {
				slab = slab[len(spec.Columns):]
				if err := bad(Row{Line: raw.Line, spec: spec, vals: vals}, slices.Clone(rowErrs)); err != nil {
					return res, err
				}
			} else {
				clear(vals) // a bad row's values go back to the slab
			}
			if len(res.Errors)+len(rowErrs) > opts.MaxErrors {
				res.Truncated = true
				continue
			}
			res.Errors = append(res.Errors, rowErrs...)
			res.Bad = append(res.Bad, RawRow{Line: raw.Line, Cells: append([]Cell(nil), raw.Cells...)})
			continue
		}
		slab = slab[len(spec.Columns):]
		if fn != nil {
			if err := fn(Row{Line: raw.Line, spec: spec, vals: vals}); err != nil {
				return res, err
			}
		}
	}
	return res, f.Err()
}

// displayHeader is a header cell as messages name it: its spaces and line
// breaks (a header wrapped with Alt+Enter) collapsed to single spaces.
func displayHeader(s string) string { return strings.Join(strings.Fields(s), " ") }

// convert reads one cell for column c; nil for an empty optional cell.
func convert(c *Column, cell Cell, date1904 bool) (any, *Problem) {
	return convertWith(c, cell, date1904, nil)
}

// convertWith is convert with the enum column's choiceIndex (nil: search
// the choices).
func convertWith(c *Column, cell Cell, date1904 bool, choices map[string]string) (any, *Problem) {
	if cell.Type == CellFormulaError {
		return nil, problem(ErrFormula, cell.Value)
	}
	if isBlank(cell.Value) {
		if c.Required {
			return nil, problem(ErrRequired)
		}
		return nil, nil
	}
	var (
		v   any
		err error
	)
	switch c.Kind {
	case KindText:
		var s string
		s, err = NormalizeText(cell.Value, c.Multiline)
		v = s
	case KindCode:
		var s string
		s, err = NormalizeCode(cell.Value, c.KeepCase)
		v = s
	case KindInt:
		var n int64
		n, err = NormalizeInt(cell.Value)
		if err == nil && c.Min < c.Max && (float64(n) < c.Min || float64(n) > c.Max) {
			return nil, problem(ErrRange, int64(c.Min), int64(c.Max))
		}
		v = n
	case KindDecimal:
		var d Decimal
		d, err = NormalizeDecimal(cell.Value, c.Scale)
		if err == nil && c.Min < c.Max && (d.Float64() < c.Min || d.Float64() > c.Max) {
			return nil, problem(ErrRange, rangeArg(c.Min), rangeArg(c.Max))
		}
		v = d
	case KindDate:
		var t time.Time
		t, err = NormalizeDate(cell.Value, date1904)
		v = t
	case KindMonth:
		var s string
		s, err = NormalizeMonth(cell.Value, date1904)
		v = s
	case KindBool:
		var b bool
		b, err = NormalizeBool(cell.Value)
		v = b
	case KindEnum:
		var s, t string
		if t, err = NormalizeText(cell.Value, false); err == nil {
			k := choiceKey(t)
			if code, ok := choices[k]; ok && k != "" {
				s = code
			} else {
				s, err = enumOf(k, t, c.Choices)
			}
		}
		v = s
	}
	if err != nil {
		return nil, ProblemOf(err)
	}
	if s, ok := v.(string); ok {
		if s == "" {
			if c.Required {
				return nil, problem(ErrRequired)
			}
			return nil, nil
		}
		if c.MaxLen > 0 && utf8.RuneCountInString(s) > c.MaxLen {
			return nil, problem(ErrTooLong, c.MaxLen)
		}
	}
	return v, nil
}

func rangeArg(f float64) any {
	if f == float64(int64(f)) {
		return int64(f)
	}
	return f
}
