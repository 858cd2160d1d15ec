package tabular

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// WriteOptions choose the language of headers and labels and, for CSV,
// the encoding.
type WriteOptions struct {
	Lang     string // "zh-CN" (default) or "en"
	Encoding string // CSV: EncodingUTF8BOM (default, what Excel opens right), EncodingUTF8 or EncodingGB18030
	Sheet    string // xlsx: the sheet name; default the spec's title
}

// Rows is what the writers take: each row's values in spec column order
// (the types of Row, or plain strings), or an error that stops the write.
type Rows = iter.Seq2[[]any, error]

// RowsOf adapts parsed rows for the writers.
func RowsOf(rows []Row) Rows {
	return func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield(r.Values(), nil) {
				return
			}
		}
	}
}

// Write writes a spec's header and rows as xlsx or CSV and returns the
// number of data rows written.
func Write(w io.Writer, format Format, spec *Spec, rows Rows, opts WriteOptions) (int, error) {
	if format == FormatCSV {
		return WriteCSV(w, spec, rows, opts)
	}
	return WriteXLSX(w, spec, rows, opts)
}

// exportValue renders a value for a column in lang: enum codes as labels,
// bools as 是/否, dates as YYYY-MM-DD (the xlsx writer keeps dates as
// date cells). Numbers stay numbers for xlsx.
func exportValue(c *Column, v any, lang string, xlsx bool) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if c.Kind == KindEnum {
			for _, ch := range c.Choices {
				if ch.Code == x {
					return ch.Label(lang)
				}
			}
		}
		if !xlsx && (c.Kind == KindText || c.Kind == KindCode || c.Kind == KindEnum) {
			return guardFormula(x)
		}
		return x
	case bool:
		if x {
			return Message(lang, MsgYes)
		}
		return Message(lang, MsgNo)
	case *time.Time:
		if x == nil {
			return nil
		}
		return exportValue(c, *x, lang, xlsx)
	case time.Time:
		if c.Kind == KindMonth {
			return x.Format("2006-01")
		}
		if xlsx {
			return x
		}
		return x.Format("2006-01-02")
	case Decimal:
		if xlsx {
			return x.Float64()
		}
		return string(x)
	case int64, int, float64:
		if xlsx {
			return x
		}
		return canonical(x)
	}
	return fmt.Sprint(v)
}

// guardFormula prefixes text a spreadsheet would run as a formula (CSV
// injection); NormalizeText drops the prefix on import.
func guardFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

type xlsxStyles struct {
	header, headerReq, text, date, errCell, errText int
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill}); err != nil {
		return s, err
	}
	if s.headerReq, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: fill}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // "@": text
		return s, err
	}
	if s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}); err != nil {
		return s, err
	}
	if s.errCell, err = f.NewStyle(&excelize.Style{NumFmt: 49, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}}); err != nil {
		return s, err
	}
	s.errText, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}, Alignment: &excelize.Alignment{WrapText: true}})
	return s, err
}

func ptr[T any](v T) *T { return &v }

// sheetName makes a valid worksheet name (31 characters, no []:*?/\).
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	if s == "" {
		s = "Sheet1"
	}
	return s
}

func colWidth(c *Column) float64 {
	switch c.Kind {
	case KindCode:
		return 22
	case KindDate, KindMonth, KindEnum:
		return 14
	case KindBool, KindInt, KindDecimal:
		return 12
	}
	if c.MaxLen >= 100 {
		return 36
	}
	return 18
}

// WriteXLSX streams a spec's rows into one worksheet (xlsxwrite.go:
// memory stays flat however many rows).
func WriteXLSX(w io.Writer, spec *Spec, rows Rows, opts WriteOptions) (n int, err error) {
	return writeXLSXStream(w, spec, rows, opts)
}

// csvWriter opens a CSV writer in the chosen encoding.
func csvWriter(w io.Writer, enc string) (*csv.Writer, func() error, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var out io.Writer = bw
	var tw *transform.Writer
	switch enc {
	case "", EncodingUTF8BOM:
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return nil, nil, err
		}
	case EncodingUTF8:
	case EncodingGB18030:
		tw = transform.NewWriter(bw, simplifiedchinese.GB18030.NewEncoder())
		out = tw
	default:
		return nil, nil, fmt.Errorf("tabular: unknown encoding %q", enc)
	}
	cw := csv.NewWriter(out)
	cw.UseCRLF = true
	flush := func() error {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if tw != nil {
			if err := tw.Close(); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	return cw, flush, nil
}

// WriteCSV writes a spec's rows as CSV (UTF-8 with a BOM by default, so
// that Excel opens Chinese text right; or GB18030).
func WriteCSV(w io.Writer, spec *Spec, rows Rows, opts WriteOptions) (n int, err error) {
	cw, flush, err := csvWriter(w, opts.Encoding)
	if err != nil {
		return 0, err
	}
	if err := cw.Write(spec.Headers(opts.Lang)); err != nil {
		return 0, err
	}
	rec := make([]string, len(spec.Columns))
	for vals, rerr := range rows {
		if rerr != nil {
			return n, rerr
		}
		n++
		for i := range spec.Columns {
			rec[i] = ""
			if i < len(vals) {
				rec[i] = canonicalExport(exportValue(&spec.Columns[i], vals[i], opts.Lang, false))
			}
		}
		if err := cw.Write(rec); err != nil {
			return n, err
		}
	}
	return n, flush()
}

func canonicalExport(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return canonical(v)
}

// TemplateOptions configure an import template.
type TemplateOptions struct {
	Lang     string
	Encoding string // CSV templates
	// Choices are lists for columns without closed choices, by column key
	// (industry names, grid codes): they get a drop-down too.
	Choices map[string][]string
}

// exampleRow is the spec's example values, read like an import would.
func exampleRow(spec *Spec) []any {
	vals := make([]any, len(spec.Columns))
	for i := range spec.Columns {
		c := spec.Columns[i]
		c.Required = false
		v, _ := convert(&c, Cell{Value: c.Example}, false)
		vals[i] = v
	}
	return vals
}

// templateHeader marks required columns with an asterisk (the reader
// ignores it).
func templateHeader(c *Column, lang string) string {
	h := c.Header.In(lang)
	if c.Required {
		h += "*"
	}
	return h
}

// WriteTemplate writes the import template of a register. The xlsx one has
// the localized header (required columns marked), one example row, columns
// kept as text for codes, drop-down lists for closed lists, and a notes
// sheet; the CSV one has the header and the example row.
func WriteTemplate(w io.Writer, format Format, spec *Spec, opts TemplateOptions) error {
	if format == FormatCSV {
		cw, flush, err := csvWriter(w, opts.Encoding)
		if err != nil {
			return err
		}
		head := make([]string, len(spec.Columns))
		ex := make([]string, len(spec.Columns))
		vals := exampleRow(spec)
		for i := range spec.Columns {
			head[i] = templateHeader(&spec.Columns[i], opts.Lang)
			ex[i] = canonicalExport(exportValue(&spec.Columns[i], vals[i], opts.Lang, false))
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		if err := cw.Write(ex); err != nil {
			return err
		}
		return flush()
	}
	f := excelize.NewFile()
	defer f.Close()
	lang := opts.Lang
	name := sheetName(Message(lang, MsgTemplate))
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	vals := exampleRow(spec)
	var lists [][]string // long lists, kept on a hidden sheet
	listsName := sheetName(Message(lang, MsgListsSheet))
	for i := range spec.Columns {
		c := &spec.Columns[i]
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, colWidth(c)); err != nil {
			return err
		}
		switch c.Kind {
		case KindCode, KindText:
			if err := f.SetColStyle(name, col, st.text); err != nil {
				return err
			}
		case KindDate:
			if err := f.SetColStyle(name, col, st.date); err != nil {
				return err
			}
		}
		style := st.header
		if c.Required {
			style = st.headerReq
		}
		if err := f.SetCellValue(name, col+"1", templateHeader(c, lang)); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, col+"1", col+"1", style); err != nil {
			return err
		}
		if v := exportValue(c, vals[i], lang, true); v != nil {
			if err := f.SetCellValue(name, col+"2", v); err != nil {
				return err
			}
		}
		// Drop-down.
		var items []string
		for _, ch := range c.Choices {
			items = append(items, ch.Label(lang))
		}
		if len(items) == 0 {
			items = opts.Choices[c.Key]
		}
		if c.Kind == KindBool {
			items = []string{Message(lang, MsgYes), Message(lang, MsgNo)}
		}
		if len(items) == 0 {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, DefaultMaxRows+1))
		if len(strings.Join(items, ",")) <= 250 && !slices.ContainsFunc(items, func(s string) bool { return strings.ContainsAny(s, `,"`) }) {
			if err := dv.SetDropList(items); err != nil {
				return err
			}
		} else {
			lists = append(lists, items)
			lc, _ := excelize.ColumnNumberToName(len(lists))
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", listsName, lc, lc, len(items)))
		}
		if c.Kind == KindEnum {
			dv.SetError(excelize.DataValidationErrorStyleStop, c.Header.In(lang), Message(lang, ErrChoice, "…"))
		}
		if err := f.AddDataValidation(name, dv); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	// The notes sheet.
	notes := sheetName(Message(lang, MsgNotesSheet))
	if _, err := f.NewSheet(notes); err != nil {
		return err
	}
	head := []string{MsgNotesColumn, MsgNotesHeader, MsgNotesReq, MsgNotesKind, MsgNotesValues, MsgNotesNote}
	for i, k := range head {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(notes, cell, Message(lang, k)); err != nil {
			return err
		}
		if err := f.SetCellStyle(notes, cell, cell, st.header); err != nil {
			return err
		}
	}
	for i := range spec.Columns {
		c := &spec.Columns[i]
		var labels []string
		for _, ch := range c.Choices {
			labels = append(labels, ch.Label(lang))
		}
		var note []string
		if n := c.Note.In(lang); n != "" {
			note = append(note, n)
		}
		if c.NaturalKey {
			note = append(note, Message(lang, MsgNotesKey))
		}
		if c.MaxLen > 0 && (c.Kind == KindText || c.Kind == KindCode) {
			note = append(note, Message(lang, MsgNotesMax, c.MaxLen))
		}
		if c.Min < c.Max {
			note = append(note, Message(lang, ErrRange, rangeArg(c.Min), rangeArg(c.Max)))
		}
		req := ""
		if c.Required {
			req = Message(lang, MsgYes)
		}
		row := []any{ColumnLetter(i), c.Header.In(lang), req, Message(lang, kindMsg[c.Kind]), strings.Join(labels, "、"), strings.Join(note, "；")}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(notes, cell, &row); err != nil {
			return err
		}
	}
	for i, wdt := range []float64{6, 24, 8, 22, 40, 50} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(notes, col, col, wdt); err != nil {
			return err
		}
	}
	if len(lists) > 0 {
		if _, err := f.NewSheet(listsName); err != nil {
			return err
		}
		for j, items := range lists {
			for k, it := range items {
				cell, _ := excelize.CoordinatesToCellName(j+1, k+1)
				if err := f.SetCellStr(listsName, cell, it); err != nil {
					return err
				}
			}
		}
		if err := f.SetSheetVisible(listsName, false); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

var kindMsg = map[Kind]string{
	KindText: MsgKindText, KindCode: MsgKindCode, KindInt: MsgKindInt, KindDecimal: MsgKindDecimal,
	KindDate: MsgKindDate, KindMonth: MsgKindMonth, KindBool: MsgKindBool, KindEnum: MsgKindEnum,
}

// WriteErrorReport writes the user's rows that have errors, as they were
// read, with an added 错误 column holding each row's problems; file-level
// problems (a missing column) come first, on rows of their own. Cells with
// a problem are shaded in the xlsx.
func WriteErrorReport(w io.Writer, format Format, res *Result, opts WriteOptions) error {
	lang := opts.Lang
	width := len(res.Header)
	for _, r := range res.Bad {
		width = max(width, len(r.Cells))
	}
	byRow := map[int][]CellError{}
	var fileErrs []CellError
	for _, e := range res.Errors {
		if e.Row <= res.HeaderLine {
			fileErrs = append(fileErrs, e)
			continue
		}
		byRow[e.Row] = append(byRow[e.Row], e)
	}
	header := make([]string, width+1)
	copy(header, res.Header)
	header[width] = Message(lang, MsgErrorColumn)
	type line struct {
		cells []string
		bad   map[string]bool
		msg   string
	}
	var lines []line
	for _, e := range fileErrs {
		lines = append(lines, line{cells: make([]string, width), msg: e.Message(lang)})
	}
	for _, r := range res.Bad {
		l := line{cells: make([]string, width), bad: map[string]bool{}}
		for i, c := range r.Cells {
			l.cells[i] = c.Value
		}
		var msgs []string
		for _, e := range byRow[r.Line] {
			msgs = append(msgs, e.Message(lang))
			l.bad[e.Col] = true
		}
		l.msg = strings.Join(msgs, "；")
		lines = append(lines, l)
	}
	if format == FormatCSV {
		cw, flush, err := csvWriter(w, opts.Encoding)
		if err != nil {
			return err
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		for _, l := range lines {
			rec := make([]string, 0, width+1)
			for _, c := range l.cells {
				rec = append(rec, guardFormula(c))
			}
			if err := cw.Write(append(rec, l.msg)); err != nil {
				return err
			}
		}
		return flush()
	}
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(opts.Sheet)
	if opts.Sheet == "" {
		name = sheetName(res.Spec.Title.In(lang))
	}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(width+1, width+1, 60); err != nil {
		return err
	}
	cells := make([]any, width+1)
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for n, l := range lines {
		for i, v := range l.cells {
			style := st.text
			if l.bad[ColumnLetter(i)] {
				style = st.errCell
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		cells[width] = excelize.Cell{StyleID: st.errText, Value: l.msg}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
