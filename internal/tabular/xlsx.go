package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
)

// Reading xlsx. Opening checks the zip directory against the limits before
// anything is decompressed; the worksheet is then streamed token by token,
// keeping each cell's type (excelize's row iterator returns values only,
// and the type is what tells a code kept as text from one a spreadsheet
// turned into a number). Formulas give their cached values.

// zipGuard refuses archives whose declared uncompressed size is too large
// in total or against the compressed size.
func zipGuard(zr *zip.Reader, size int64, opts Options) error {
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(opts.MaxUnzipped) {
			return problem(ErrZipBomb)
		}
	}
	if total > 16<<20 && total > uint64(size)*uint64(opts.MaxRatio) {
		return problem(ErrZipBomb)
	}
	return nil
}

type xlsxPackage struct {
	files map[string]*zip.File // by lower-case name
}

func (p *xlsxPackage) find(name string) *zip.File {
	return p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// open returns a reader of a part that fails past its declared size (the
// zip directory was checked against the limits; a part lying about its
// size is corrupt).
func (p *xlsxPackage) open(zf *zip.File) (io.ReadCloser, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, problem(ErrCorrupt)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitedPart{r: rc, left: int64(zf.UncompressedSize64)}, rc}, nil
}

type limitedPart struct {
	r    io.Reader
	left int64
}

func (l *limitedPart) Read(b []byte) (int, error) {
	if l.left <= 0 {
		// The end: the zip reader checks the CRC here, and its error
		// (a damaged part) must not pass for the end of the part.
		var one [1]byte
		n, err := l.r.Read(one[:])
		switch {
		case n > 0:
			return 0, problem(ErrCorrupt)
		case err != nil && err != io.EOF:
			return 0, problem(ErrCorrupt)
		}
		return 0, io.EOF
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	n, err := l.r.Read(b)
	l.left -= int64(n)
	return n, err
}

type xRel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

type xRels struct {
	Rels []xRel `xml:"Relationship"`
}

type xWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string     `xml:"name,attr"`
		State string     `xml:"state,attr"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

func (p *xlsxPackage) decode(name string, v any) error {
	zf := p.find(name)
	if zf == nil {
		return problem(ErrNotSpreadsheet)
	}
	rc, err := p.open(zf)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return problem(ErrCorrupt)
	}
	return drain(rc)
}

// drain reads a part to its end, where the zip reader checks the CRC:
// reading stops at the end of the XML element it wants, and a damaged
// part must not pass for a good one.
func drain(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return problem(ErrCorrupt)
	}
	return nil
}

// relsPath is the relationships part of a part ("xl/workbook.xml" →
// "xl/_rels/workbook.xml.rels").
func relsPath(part string) string {
	dir, file := path.Split(part)
	return dir + "_rels/" + file + ".rels"
}

// resolve turns a relationship target into a part name.
func resolve(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(path.Dir(base), target)
}

func openXLSX(r io.ReaderAt, size int64, name string, opts Options) (*File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, problem(ErrCorrupt)
	}
	if err := zipGuard(zr, size, opts); err != nil {
		return nil, err
	}
	pkg := &xlsxPackage{files: make(map[string]*zip.File, len(zr.File))}
	for _, zf := range zr.File {
		pkg.files[strings.ToLower(zf.Name)] = zf
	}
	// The workbook, from the package relationships.
	wbPart := "xl/workbook.xml"
	var root xRels
	if pkg.find("_rels/.rels") != nil {
		if err := pkg.decode("_rels/.rels", &root); err != nil {
			return nil, err
		}
		for _, rel := range root.Rels {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				wbPart = resolve("", rel.Target)
			}
		}
	}
	if pkg.find(wbPart) == nil {
		return nil, problem(ErrNotSpreadsheet)
	}
	var wb xWorkbook
	if err := pkg.decode(wbPart, &wb); err != nil {
		return nil, err
	}
	var rels xRels
	if err := pkg.decode(relsPath(wbPart), &rels); err != nil {
		return nil, err
	}
	byID := map[string]xRel{}
	sstPart := ""
	for _, rel := range rels.Rels {
		byID[rel.ID] = rel
		if strings.HasSuffix(rel.Type, "/sharedStrings") {
			sstPart = resolve(wbPart, rel.Target)
		}
	}
	sheetPart, sheetName := "", ""
	for _, sh := range wb.Sheets {
		if sh.State != "" && sh.State != "visible" {
			continue
		}
		id := ""
		for _, a := range sh.Attrs {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		rel, ok := byID[id]
		if !ok || !strings.HasSuffix(rel.Type, "/worksheet") {
			continue // a chart sheet, or a dangling reference
		}
		sheetPart, sheetName = resolve(wbPart, rel.Target), sh.Name
		break
	}
	if sheetPart == "" {
		return nil, problem(ErrNoSheet)
	}
	zf := pkg.find(sheetPart)
	if zf == nil {
		return nil, problem(ErrCorrupt)
	}
	var sst *sharedStrings
	if sstPart != "" && pkg.find(sstPart) != nil {
		if sst, err = readSharedStrings(pkg, pkg.find(sstPart)); err != nil {
			return nil, err
		}
	}
	rc, err := pkg.open(zf)
	if err != nil {
		return nil, err
	}
	f := &File{Name: name, Format: FormatXLSX, Sheet: sheetName, opts: opts,
		Date1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	sr := &sheetReader{x: newXScan(rc), sst: sst, src: rc, closer: rc}
	f.next = sr.next
	return f, nil
}

// sharedStrings is the shared string table: the texts in chunks of about
// 1 MB, each item a reference to its chunk, start and length (a string
// per item would add 16 bytes to each of a million names, codes and
// addresses).
type sharedStrings struct {
	chunks []string
	refs   []uint64 // chunk<<44 | start<<24 | length
	cur    strings.Builder
}

const (
	sstChunk  = 1 << 20
	sstMaxLen = 1<<24 - 1
)

func (t *sharedStrings) len() int {
	if t == nil {
		return 0
	}
	return len(t.refs)
}

func (t *sharedStrings) at(i int) string {
	r := t.refs[i]
	c := t.chunks[r>>44]
	start := int(r>>24) & (1<<20 - 1)
	return c[start : start+int(r&sstMaxLen)]
}

func (t *sharedStrings) add(b []byte) {
	if t.cur.Len()+len(b) > sstChunk || len(t.chunks) == 0 {
		t.cur = strings.Builder{}
		t.cur.Grow(max(sstChunk, len(b)))
		t.chunks = append(t.chunks, "")
	}
	start := t.cur.Len()
	t.cur.Write(b)
	// Builder.String shares the bytes written so far, which later writes
	// leave as they are.
	t.chunks[len(t.chunks)-1] = t.cur.String()
	t.refs = append(t.refs, uint64(len(t.chunks)-1)<<44|uint64(start)<<24|uint64(len(b)))
}

// readSharedStrings reads the shared string table: each item's text runs
// joined, phonetic guides (rPh) left out.
func readSharedStrings(pkg *xlsxPackage, zf *zip.File) (*sharedStrings, error) {
	rc, err := pkg.open(zf)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	x := newXScan(rc)
	var (
		out  sharedStrings
		b    []byte
		inSI bool
		skip int // depth inside rPh
		inT  bool
	)
	for {
		k, err := x.next()
		if err != nil {
			return nil, problem(ErrCorrupt)
		}
		switch k {
		case xEOF:
			if inSI {
				return nil, problem(ErrCorrupt)
			}
			return &out, nil
		case xStart:
			switch {
			case string(x.name) == "si":
				inSI = true
				b = b[:0]
			case string(x.name) == "rPh":
				skip++
			case string(x.name) == "t" && inSI && skip == 0:
				inT = true
			}
		case xEnd:
			switch string(x.name) {
			case "si":
				if len(b) > sstMaxLen {
					return nil, problem(ErrCorrupt)
				}
				out.add(b)
				inSI = false
			case "rPh":
				skip--
			case "t":
				inT = false
			}
		case xText:
			if inT {
				b = append(b, x.text...)
			}
		}
	}
}

// sheetReader streams the rows of a worksheet.
type sheetReader struct {
	x      *xscan
	sst    *sharedStrings
	src    io.Reader // the part, drained at the end for its CRC
	closer io.Closer
	line   int
	cells  []Cell
	val    []byte // the current cell's value
	inData bool   // inside sheetData
	done   bool
	cache  stringCache
}

func (s *sheetReader) fail() (RawRow, bool, error) {
	s.closer.Close()
	s.done = true
	return RawRow{}, false, problem(ErrCorrupt)
}

// finish ends the sheet after reading the rest of its part: a value
// damaged in the file shows only in the CRC, checked at the part's end,
// and must not be imported.
func (s *sheetReader) finish() (RawRow, bool, error) {
	if drain(s.src) != nil {
		return s.fail()
	}
	s.closer.Close()
	s.done = true
	return RawRow{}, false, nil
}

// next returns the next row element.
func (s *sheetReader) next() (RawRow, bool, error) {
	if s.done {
		return RawRow{}, false, nil
	}
	for {
		k, err := s.x.next()
		if err != nil {
			return s.fail()
		}
		switch k {
		case xEOF:
			if s.inData { // cut short
				return s.fail()
			}
			return s.finish()
		case xStart:
			switch string(s.x.name) {
			case "sheetData":
				s.inData = true
				continue
			case "row":
			default:
				continue
			}
			s.line++
			if v, ok := s.x.attr("r"); ok {
				n, ok := atoiBytes(v)
				if !ok || n < 1 || n > 1<<20 {
					return s.fail()
				}
				s.line = n
			}
			if err := s.readRow(); err != nil {
				return s.fail()
			}
			return RawRow{Line: s.line, Cells: s.cells}, true, nil
		case xEnd:
			if string(s.x.name) == "sheetData" {
				return s.finish()
			}
		}
	}
}

// atoiBytes reads a decimal number of up to 9 digits.
func atoiBytes(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Cell type attributes.
const (
	ctNone = iota
	ctShared
	ctInline
	ctStr
	ctBool
	ctError
	ctDate
	ctOther
)

func cellTypeOf(t []byte) int {
	switch string(t) {
	case "":
		return ctNone
	case "s":
		return ctShared
	case "inlineStr":
		return ctInline
	case "str":
		return ctStr
	case "b":
		return ctBool
	case "e":
		return ctError
	case "d":
		return ctDate
	}
	return ctOther
}

// maxPadding bounds the empty cells one row may fill in before its cells
// (16,384 columns at most, and a cell referring back to an earlier column
// starts the padding again).
const maxPadding = 4 * 16384

// readRow reads the cells of the current row element.
func (s *sheetReader) readRow() error {
	s.cells = s.cells[:0]
	col, padded := -1, 0
	for {
		k, err := s.x.next()
		if err != nil {
			return err
		}
		switch k {
		case xEOF:
			return errXML
		case xStart:
			if string(s.x.name) != "c" {
				if err := s.skip(); err != nil {
					return err
				}
				continue
			}
			col++
			typ := ctNone
			for a := s.x.attrs; ; {
				var n, raw []byte
				if n, raw, a = nextAttr(a); n == nil {
					break
				}
				switch string(localName(n)) {
				case "r":
					v, ok := s.x.value(raw)
					c := columnIndexBytes(v)
					if !ok || c < 0 || c >= 16384 {
						return errXML
					}
					col = c
				case "t":
					v, ok := s.x.value(raw)
					if !ok {
						return errXML
					}
					typ = cellTypeOf(v)
				}
			}
			if col >= 16384 {
				return errXML
			}
			isText, err := s.readCell()
			if err != nil {
				return err
			}
			cell, err := s.cellValue(typ, isText)
			if err != nil {
				return err
			}
			// Blank cells matter only before a later one, which pads.
			if cell.Value == "" || cell.Type != CellFormulaError && isBlank(cell.Value) {
				continue
			}
			if len(s.cells) > col { // a repeated reference: keep the last
				s.cells = s.cells[:col]
			}
			if padded += col - len(s.cells); padded > maxPadding {
				return errXML
			}
			for len(s.cells) < col {
				s.cells = append(s.cells, Cell{Col: ColumnLetter(len(s.cells))})
			}
			cell.Col = ColumnLetter(col)
			s.cells = append(s.cells, cell)
		case xEnd:
			if string(s.x.name) == "row" {
				for len(s.cells) > 0 && isBlank(s.cells[len(s.cells)-1].Value) {
					s.cells = s.cells[:len(s.cells)-1]
				}
				return nil
			}
		}
	}
}

// columnIndexBytes is columnIndex's column for an attribute value; -1
// when it does not start with a letter.
func columnIndexBytes(ref []byte) int {
	col := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		if col > 1<<20 {
			return -1
		}
	}
	return col - 1
}

// Where the text of a cell goes.
const (
	inNone = iota
	inV
	inT
)

// readCell reads a c element's value into s.val: the text of v, or of is
// (inline string runs, phonetic guides left out). isText is true for is.
func (s *sheetReader) readCell() (isText bool, err error) {
	s.val = s.val[:0]
	in, skip := inNone, 0
	for {
		k, err := s.x.next()
		if err != nil {
			return false, err
		}
		switch k {
		case xEOF:
			return false, errXML
		case xStart:
			switch string(s.x.name) {
			case "v":
				in = inV
			case "is":
				isText = true
			case "t":
				if isText && skip == 0 {
					in = inT
				}
			case "rPh":
				skip++
			case "f":
				in = inNone // the formula itself: its cached value is in v
			}
		case xEnd:
			switch string(s.x.name) {
			case "c":
				return isText, nil
			case "rPh":
				skip--
			case "v", "t":
				in = inNone
			}
		case xText:
			if in != inNone {
				s.val = append(s.val, s.x.text...)
			}
		}
	}
}

// cellValue interprets the value read by the cell's type attribute.
func (s *sheetReader) cellValue(typ int, isText bool) (Cell, error) {
	v := s.val
	switch typ {
	case ctShared:
		i, ok := atoiBytes(bytes.TrimSpace(v))
		if !ok || i >= s.sst.len() {
			if len(v) == 0 {
				return Cell{}, nil
			}
			return Cell{}, problem(ErrCorrupt)
		}
		return Cell{Value: s.sst.at(i)}, nil
	case ctInline, ctStr:
		return Cell{Value: s.cache.get(v)}, nil
	case ctBool:
		switch string(bytes.TrimSpace(v)) {
		case "1", "true":
			return Cell{Value: "TRUE", Type: CellBool}, nil
		case "0", "false":
			return Cell{Value: "FALSE", Type: CellBool}, nil
		}
		return Cell{Value: s.cache.get(v), Type: CellBool}, nil
	case ctError:
		return Cell{Value: s.cache.get(v), Type: CellFormulaError}, nil
	case ctDate:
		return Cell{Value: s.cache.get(v), Type: CellDate}, nil
	}
	if isText {
		return Cell{Value: s.cache.get(v)}, nil
	}
	if len(v) == 0 {
		return Cell{}, nil
	}
	if plainNumber(v) {
		return Cell{Value: s.cache.get(v), Type: CellNumber}, nil
	}
	return Cell{Value: numberValue(string(v)), Type: CellNumber}, nil
}

// plainNumber reports a number numberValue leaves as it is: at most 15
// digits, no exponent, no leading or trailing zero that would go, no
// negative zero.
func plainNumber(v []byte) bool {
	i := 0
	if len(v) > 0 && v[0] == '-' {
		i = 1
	}
	ip := digits(string(v[i:]))
	if ip == 0 || ip > 1 && v[i] == '0' {
		return false
	}
	n := ip
	j := i + ip
	if j < len(v) {
		if v[j] != '.' {
			return false
		}
		fp := digits(string(v[j+1:]))
		if fp == 0 || j+1+fp != len(v) || v[len(v)-1] == '0' {
			return false
		}
		n += fp
	} else if i == 1 && ip == 1 && v[1] == '0' {
		return false // -0
	}
	return n <= 15
}

// stringCache hands out the strings of cell values, reusing the last
// string seen at each of its slots: values that repeat down a column
// (an industry, a status, 是/否) cost no allocation after the first.
type stringCache struct {
	slots [1024]string
}

func (c *stringCache) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 48 {
		return string(b)
	}
	// FNV-1a over the bytes.
	h := uint32(2166136261)
	for _, x := range b {
		h = (h ^ uint32(x)) * 16777619
	}
	slot := &c.slots[h%uint32(len(c.slots))]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

// numberValue renders a number cell as a spreadsheet shows it in General
// format: 15 significant digits, and scientific notation from 10^15 on
// (where a double no longer holds every digit: a long code turned into a
// number shows as 1.23E+17, which the code normalizer refuses).
func numberValue(v string) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v
	}
	if math.Abs(f) >= 1e15 {
		return strconv.FormatFloat(f, 'E', -1, 64)
	}
	g, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(g, 'f', -1, 64)
}

// skip skips the element just started.
func (s *sheetReader) skip() error {
	for depth := 1; depth > 0; {
		k, err := s.x.next()
		if err != nil {
			return err
		}
		switch k {
		case xEOF:
			return errXML
		case xStart:
			depth++
		case xEnd:
			depth--
		}
	}
	return nil
}
