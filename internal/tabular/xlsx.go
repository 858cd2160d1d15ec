package tabular

import (
	"archive/zip"
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
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
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
	var sst []string
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
	sr := &sheetReader{dec: xml.NewDecoder(rc), sst: sst, closer: rc}
	f.next = sr.next
	return f, nil
}

// readSharedStrings reads the shared string table: each item's text runs
// joined, phonetic guides (rPh) left out.
func readSharedStrings(pkg *xlsxPackage, zf *zip.File) ([]string, error) {
	rc, err := pkg.open(zf)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var (
		out  []string
		b    strings.Builder
		inSI bool
		skip int // depth inside rPh
		inT  bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, problem(ErrCorrupt)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "si":
				inSI = true
				b.Reset()
			case t.Name.Local == "rPh":
				skip++
			case t.Name.Local == "t" && inSI && skip == 0:
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, b.String())
				inSI = false
			case "rPh":
				skip--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// sheetReader streams the rows of a worksheet.
type sheetReader struct {
	dec    *xml.Decoder
	sst    []string
	closer io.Closer
	line   int
	cells  []Cell
	done   bool
}

func (s *sheetReader) fail() (RawRow, bool, error) {
	s.closer.Close()
	s.done = true
	return RawRow{}, false, problem(ErrCorrupt)
}

// next returns the next row element.
func (s *sheetReader) next() (RawRow, bool, error) {
	if s.done {
		return RawRow{}, false, nil
	}
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			s.closer.Close()
			s.done = true
			return RawRow{}, false, nil
		}
		if err != nil {
			return s.fail()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			s.line++
			for _, a := range t.Attr {
				if a.Name.Local == "r" {
					n, err := strconv.Atoi(a.Value)
					if err != nil || n < 1 || n > 1<<20 {
						return s.fail()
					}
					s.line = n
				}
			}
			if err := s.readRow(); err != nil {
				return s.fail()
			}
			return RawRow{Line: s.line, Cells: s.cells}, true, nil
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				s.closer.Close()
				s.done = true
				return RawRow{}, false, nil
			}
		}
	}
}

// readRow reads the cells of the current row element.
func (s *sheetReader) readRow() error {
	s.cells = s.cells[:0]
	col := -1
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := s.skip(); err != nil {
					return err
				}
				continue
			}
			col++
			typ := ""
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "r":
					c, _ := columnIndex(a.Value)
					if c < 0 || c >= 16384 {
						return problem(ErrCorrupt)
					}
					col = c
				case "t":
					typ = a.Value
				}
			}
			if col >= 16384 {
				return problem(ErrCorrupt)
			}
			v, isText, err := s.readCell()
			if err != nil {
				return err
			}
			cell, err := s.cellValue(typ, v, isText)
			if err != nil {
				return err
			}
			if cell.Value == "" {
				continue
			}
			for len(s.cells) < col {
				s.cells = append(s.cells, Cell{Col: ColumnLetter(len(s.cells))})
			}
			if len(s.cells) > col { // a repeated reference: keep the last
				s.cells = s.cells[:col]
			}
			cell.Col = ColumnLetter(col)
			s.cells = append(s.cells, cell)
		case xml.EndElement:
			if t.Name.Local == "row" {
				for len(s.cells) > 0 && isBlank(s.cells[len(s.cells)-1].Value) {
					s.cells = s.cells[:len(s.cells)-1]
				}
				return nil
			}
		}
	}
}

// readCell reads a c element's value: the text of v, or of is (inline
// string runs, phonetic guides left out). isText is true for is.
func (s *sheetReader) readCell() (string, bool, error) {
	var b strings.Builder
	in := ""
	skip, isText := 0, false
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				in = "v"
			case "is":
				isText = true
			case "t":
				if isText && skip == 0 {
					in = "t"
				}
			case "rPh":
				skip++
			case "f":
				in = "" // the formula itself: its cached value is in v
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				return b.String(), isText, nil
			case "rPh":
				skip--
			case "v", "t":
				in = ""
			}
		case xml.CharData:
			if in != "" {
				b.Write(t)
			}
		}
	}
}

// cellValue interprets a raw value by the cell's type attribute.
func (s *sheetReader) cellValue(typ, v string, isText bool) (Cell, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.sst) {
			if v == "" {
				return Cell{}, nil
			}
			return Cell{}, problem(ErrCorrupt)
		}
		return Cell{Value: s.sst[i]}, nil
	case "inlineStr", "str":
		return Cell{Value: v}, nil
	case "b":
		switch strings.TrimSpace(v) {
		case "1", "true":
			return Cell{Value: "TRUE", Type: CellBool}, nil
		case "0", "false":
			return Cell{Value: "FALSE", Type: CellBool}, nil
		}
		return Cell{Value: v, Type: CellBool}, nil
	case "e":
		return Cell{Value: v, Type: CellFormulaError}, nil
	case "d":
		return Cell{Value: v, Type: CellDate}, nil
	}
	if isText {
		return Cell{Value: v}, nil
	}
	if v == "" {
		return Cell{}, nil
	}
	return Cell{Value: numberValue(v), Type: CellNumber}, nil
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

// skip skips the element just started (raw tokens: the worksheet is read
// without namespace bookkeeping, which costs a third of the time).
func (s *sheetReader) skip() error {
	for depth := 1; depth > 0; {
		tok, err := s.dec.RawToken()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}
