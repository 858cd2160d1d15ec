package tabular

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// A streaming xlsx writer for exports. excelize's StreamWriter spent most
// of an export's time per cell (a struct, reflection on the value, a
// temporary file for the sheet, then copying it into the zip); this one
// writes the sheet XML straight into the zip entry, strings inline, and
// compresses on a second goroutine while the next rows are rendered. The
// package is the few parts a spreadsheet needs: [Content_Types].xml, the
// relationships, the workbook, one style sheet and one worksheet.

// Style indexes of xlsxStylesXML's cellXfs.
const (
	xsDefault = 0
	xsHeader  = 1
	xsText    = 2 // "@": codes stay text (18 digits never become 1.23E+17)
	xsDate    = 3 // yyyy-mm-dd
)

const xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const xlsxRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

const xlsxStylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
	`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`</cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// zipPart adds one part to the package, compressed.
func zipPart(zw *zip.Writer, name, body string) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, body)
	return err
}

// xlsxStream writes one worksheet of cells into an xlsx package.
type xlsxStream struct {
	zw   *zip.Writer
	pw   *io.PipeWriter
	done chan error
	bw   *bufio.Writer
	buf  []byte // the row being rendered
	row  int
	refs []string // column letters
	err  error
}

// newXLSXStream starts a package with one sheet named sheet; the columns'
// widths and default styles (0: none) are given.
func newXLSXStream(w io.Writer, sheet string, widths []float64, colStyles []int) (*xlsxStream, error) {
	zw := zip.NewWriter(w)
	// Level 1 deflate: three times faster than the default for a file a
	// few percent larger.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	wb := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<bookViews><workbookView activeTab="0"/></bookViews>` +
		`<sheets><sheet name="` + string(appendXMLText(nil, sheet)) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`
	for _, p := range [][2]string{
		{"[Content_Types].xml", xlsxContentTypes},
		{"_rels/.rels", xlsxRootRels},
		{"xl/workbook.xml", wb},
		{"xl/_rels/workbook.xml.rels", xlsxWorkbookRels},
		{"xl/styles.xml", xlsxStylesXML},
	} {
		if err := zipPart(zw, p[0], p[1]); err != nil {
			return nil, err
		}
	}
	entry, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	if err != nil {
		return nil, err
	}
	// Render on the caller's goroutine, compress on another: a pipe hands
	// each 256 KB of XML over whole, so the next is rendered meanwhile.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := io.CopyBuffer(entry, pr, make([]byte, 512<<10))
		pr.CloseWithError(err)
		done <- err
	}()
	x := &xlsxStream{zw: zw, pw: pw, done: done, bw: bufio.NewWriterSize(pw, 256<<10)}
	for i := range widths {
		x.refs = append(x.refs, ColumnLetter(i))
	}
	b := x.buf[:0]
	b = append(b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`...)
	b = append(b, `<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`...)
	if len(widths) > 0 {
		b = append(b, "<cols>"...)
		for i, wd := range widths {
			n := strconv.Itoa(i + 1)
			b = append(b, `<col min="`+n+`" max="`+n+`" width="`...)
			b = strconv.AppendFloat(b, wd, 'f', -1, 64)
			b = append(b, `" customWidth="1"`...)
			if i < len(colStyles) && colStyles[i] != 0 {
				b = append(b, ` style="`...)
				b = strconv.AppendInt(b, int64(colStyles[i]), 10)
				b = append(b, '"')
			}
			b = append(b, "/>"...)
		}
		b = append(b, "</cols>"...)
	}
	b = append(b, "<sheetData>"...)
	x.buf = b
	x.flushBuf()
	return x, x.err
}

func (x *xlsxStream) flushBuf() {
	if x.err == nil {
		_, x.err = x.bw.Write(x.buf)
	}
	x.buf = x.buf[:0]
}

// startRow opens the next row.
func (x *xlsxStream) startRow() {
	x.row++
	x.buf = append(x.buf, `<row r="`...)
	x.buf = strconv.AppendInt(x.buf, int64(x.row), 10)
	x.buf = append(x.buf, `">`...)
}

func (x *xlsxStream) endRow() {
	x.buf = append(x.buf, "</row>"...)
	if len(x.buf) >= 16<<10 {
		x.flushBuf()
	}
}

func (x *xlsxStream) cellStart(col, style int) {
	b := append(x.buf, `<c r="`...)
	b = append(b, x.refs[col]...)
	b = strconv.AppendInt(b, int64(x.row), 10)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	x.buf = b
}

// maxCellChars is the most UTF-16 code units a cell holds; Excel
// refuses a file with a longer one.
const maxCellChars = 32767

// clip cuts s to what a cell holds.
func clip(s string) string {
	if len(s) <= maxCellChars {
		return s // UTF-8 is never shorter than its UTF-16 count
	}
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > maxCellChars {
			return s[:i]
		}
		n += w
	}
	return s
}

// text writes an inline string cell.
func (x *xlsxStream) text(col, style int, s string) {
	if s == "" {
		return
	}
	s = clip(s)
	x.cellStart(col, style)
	x.buf = append(x.buf, ` t="inlineStr"><is><t`...)
	if s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '\n' || s[len(s)-1] == '\n' || s[0] == '\t' {
		x.buf = append(x.buf, ` xml:space="preserve"`...)
	}
	x.buf = append(x.buf, '>')
	x.buf = appendXMLText(x.buf, s)
	x.buf = append(x.buf, "</t></is></c>"...)
}

// int writes a number cell.
func (x *xlsxStream) int(col, style int, n int64) {
	x.cellStart(col, style)
	x.buf = append(x.buf, "><v>"...)
	x.buf = strconv.AppendInt(x.buf, n, 10)
	x.buf = append(x.buf, "</v></c>"...)
}

// float writes a number cell (nothing for NaN and infinities, which a
// spreadsheet cannot hold).
func (x *xlsxStream) float(col, style int, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return
	}
	x.cellStart(col, style)
	x.buf = append(x.buf, "><v>"...)
	x.buf = strconv.AppendFloat(x.buf, f, 'f', -1, 64)
	x.buf = append(x.buf, "</v></c>"...)
}

// excelEpoch is day 0 of the 1900 date system (as Excel counts, past its
// 1900 leap-year bug).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// date writes a date cell: the serial day number in the date style.
func (x *xlsxStream) date(col int, t time.Time) {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours() / 24
	if days < 1 { // before 1900-01-01: keep the text
		x.text(col, xsText, t.Format("2006-01-02"))
		return
	}
	x.int(col, xsDate, int64(math.Round(days)))
}

// value writes what exportValue returns for an xlsx cell of c.
func (x *xlsxStream) value(col int, c *Column, v any) {
	switch t := v.(type) {
	case nil:
	case string:
		style := xsDefault
		if c.Kind == KindCode {
			style = xsText
		}
		x.text(col, style, t)
	case time.Time:
		x.date(col, t)
	case int64:
		x.int(col, xsDefault, t)
	case int:
		x.int(col, xsDefault, int64(t))
	case float64:
		x.float(col, xsDefault, t)
	default:
		x.text(col, xsDefault, canonical(v))
	}
}

// close ends the sheet and the package.
func (x *xlsxStream) close() error {
	x.buf = append(x.buf, "</sheetData></worksheet>"...)
	x.flushBuf()
	if x.err == nil {
		x.err = x.bw.Flush()
	}
	x.pw.CloseWithError(x.err)
	if err := <-x.done; x.err == nil {
		x.err = err
	}
	if x.err != nil {
		return x.err
	}
	return x.zw.Close()
}

// abort stops the compressor after a failure.
func (x *xlsxStream) abort(err error) {
	x.pw.CloseWithError(err)
	<-x.done
}

// appendXMLText escapes s as XML character data (and attribute values):
// markup characters become entities, and characters XML 1.0 cannot carry
// (control characters, lone surrogates, U+FFFE/U+FFFF, invalid UTF-8) are
// dropped.
func appendXMLText(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' {
			i++
			continue
		}
		var esc string
		size := 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&quot;"
		case c == '\t' || c == '\n':
			i++
			continue
		case c == '\r':
			esc = "&#13;"
		case c < 0x20:
			esc = ""
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if (r != utf8.RuneError || n > 1) && r != 0xFFFE && r != 0xFFFF {
				i += n
				continue
			}
			esc = "" // invalid UTF-8 or a non-character
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += size
		last = i
	}
	return append(b, s[last:]...)
}

// errAborted ends the compressor when the rows fail.
var errAborted = errors.New("tabular: export aborted")

// writeXLSXStream writes a spec's header and rows as one worksheet.
func writeXLSXStream(w io.Writer, spec *Spec, rows Rows, opts WriteOptions) (n int, err error) {
	name := sheetName(opts.Sheet)
	if opts.Sheet == "" {
		name = sheetName(spec.Title.In(opts.Lang))
	}
	widths := make([]float64, len(spec.Columns))
	styles := make([]int, len(spec.Columns))
	for i := range spec.Columns {
		widths[i] = colWidth(&spec.Columns[i])
		switch spec.Columns[i].Kind {
		case KindCode:
			styles[i] = xsText
		case KindDate:
			styles[i] = xsDate
		}
	}
	x, err := newXLSXStream(w, name, widths, styles)
	if err != nil {
		if x != nil {
			x.abort(err)
		}
		return 0, err
	}
	x.startRow()
	for i, c := range spec.Columns {
		x.text(i, xsHeader, c.Header.In(opts.Lang))
	}
	x.endRow()
	for vals, rerr := range rows {
		if rerr != nil {
			x.abort(errAborted)
			return n, rerr
		}
		n++
		x.startRow()
		for i := range spec.Columns {
			if i < len(vals) {
				c := &spec.Columns[i]
				x.value(i, c, exportValue(c, vals[i], opts.Lang, true))
			}
		}
		x.endRow()
		if x.err != nil {
			x.abort(x.err)
			return n, x.err
		}
	}
	return n, x.close()
}
