package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Format is a file format.
type Format int

const (
	FormatXLSX Format = iota + 1
	FormatCSV
)

func (f Format) String() string {
	switch f {
	case FormatXLSX:
		return "xlsx"
	case FormatCSV:
		return "csv"
	}
	return "unknown"
}

// CSV encodings.
const (
	EncodingAuto    = ""      // detect: a BOM, else UTF-8 when the bytes are valid UTF-8, else GB18030
	EncodingUTF8    = "utf-8" // with or without a BOM
	EncodingUTF8BOM = "utf-8-bom"
	EncodingGB18030 = "gb18030" // also reads GBK and GB2312
	EncodingUTF16LE = "utf-16le"
)

// Default limits.
const (
	DefaultMaxBytes    = 64 << 20
	DefaultMaxRows     = 1_000_000
	DefaultMaxUnzipped = 2 << 30
	DefaultMaxRatio    = 200
	DefaultMaxErrors   = 10_000
)

// Options are the reading limits and overrides; zero values take the
// defaults.
type Options struct {
	MaxBytes    int64  // size of the uploaded file
	MaxRows     int    // data rows below the header
	MaxUnzipped int64  // xlsx: total uncompressed size of the parts
	MaxRatio    int    // xlsx: uncompressed/compressed size, checked above 16 MB
	MaxErrors   int    // cell errors kept in a Result (the count goes on)
	Encoding    string // CSV: EncodingAuto or an override
	Comma       rune   // CSV: the separator; 0 detects , tab or ;
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxUnzipped <= 0 {
		o.MaxUnzipped = DefaultMaxUnzipped
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = DefaultMaxErrors
	}
	return o
}

// CellType is what a cell held in the file.
type CellType uint8

const (
	CellText         CellType = iota // a string (and every CSV cell)
	CellNumber                       // a number (dates are numbers too)
	CellBool                         // TRUE or FALSE
	CellFormulaError                 // a formula error (#N/A…)
	CellDate                         // an ISO 8601 date cell
)

// Cell is one raw cell.
type Cell struct {
	Col   string // the column letter
	Value string
	Type  CellType
}

// RawRow is one row as read: its Excel row number (the CSV record number)
// and its cells, one per column from A, trailing empty cells dropped.
type RawRow struct {
	Line  int
	Cells []Cell
}

// Empty reports whether every cell is blank.
func (r RawRow) Empty() bool {
	for _, c := range r.Cells {
		if !isBlank(c.Value) {
			return false
		}
	}
	return true
}

// Values returns the cells' values.
func (r RawRow) Values() []string {
	v := make([]string, len(r.Cells))
	for i, c := range r.Cells {
		v[i] = c.Value
	}
	return v
}

func isBlank(s string) bool {
	for _, r := range s {
		if foldRune(r, false) >= 0 && foldRune(r, false) != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// File is an opened spreadsheet, read row by row with Next and Row.
type File struct {
	Name     string
	Format   Format
	Encoding string // CSV: the encoding read
	Sheet    string // xlsx: the worksheet read
	Date1904 bool   // xlsx: serial dates count from 1904

	opts  Options
	next  func() (RawRow, bool, error)
	row   RawRow
	err   error
	lines int
}

// Next advances to the next row; false at the end or on an error.
func (f *File) Next() (ok bool) {
	if f.err != nil || f.next == nil {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			f.err, ok = problem(ErrCorrupt), false
		}
	}()
	row, ok, err := f.next()
	if err != nil {
		f.err = err
		return false
	}
	if !ok {
		f.next = nil
		return false
	}
	f.row = row
	return true
}

// Row returns the current row. Its slices are reused by the next call to
// Next: copy what must outlive it.
func (f *File) Row() RawRow { return f.row }

// Err returns the error that stopped reading, a *Problem.
func (f *File) Err() error { return f.err }

// Open opens data as xlsx or CSV, told apart by content (the zip signature),
// never by name, which is kept for messages and reports only. Every
// failure is a *Problem: too large, a zip bomb, a corrupt file, not a
// spreadsheet.
func Open(data []byte, name string, opts Options) (*File, error) {
	return OpenReaderAt(bytes.NewReader(data), int64(len(data)), name, opts)
}

// ReadUpload reads an uploaded file into memory for Open, refusing it
// (import.too_large) as soon as it passes opts.MaxBytes instead of
// buffering all of it first. A read error (an upload broken off) is
// returned as it is.
func ReadUpload(r io.Reader, opts Options) ([]byte, error) {
	opts = opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, tooLarge(opts)
	}
	return data, nil
}

// tooLarge is the too-large problem with the limit in whole megabytes.
func tooLarge(opts Options) *Problem {
	return problem(ErrTooLarge, int((opts.MaxBytes+(1<<20)-1)>>20))
}

// OpenReaderAt is Open for a file of size bytes read through r.
func OpenReaderAt(r io.ReaderAt, size int64, name string, opts Options) (f *File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, problem(ErrCorrupt)
		}
	}()
	opts = opts.withDefaults()
	if size > opts.MaxBytes {
		return nil, tooLarge(opts)
	}
	if size <= 0 {
		return nil, problem(ErrEmptyFile)
	}
	var head [8]byte
	n, _ := r.ReadAt(head[:], 0)
	h := head[:n]
	switch {
	case bytes.HasPrefix(h, []byte("PK\x03\x04")), bytes.HasPrefix(h, []byte("PK\x05\x06")):
		return openXLSX(r, size, name, opts)
	case binaryMagic(h):
		return nil, problem(ErrNotSpreadsheet)
	}
	var lead [512]byte
	n, _ = r.ReadAt(lead[:], 0)
	if markup(lead[:n]) {
		return nil, problem(ErrNotSpreadsheet)
	}
	return openCSV(r, size, name, opts)
}

// markup recognizes HTML and XML, which no CSV starts with: web systems
// export an HTML table named .xls, and Excel 2003 had an XML format.
func markup(h []byte) bool {
	h = bytes.TrimPrefix(h, []byte("\xEF\xBB\xBF"))
	h = bytes.TrimLeft(h, " \t\r\n")
	for _, m := range []string{"<?xml", "<!doctype", "<html", "<table", "<head", "<body", "<meta", "<!--"} {
		if len(h) >= len(m) && bytes.EqualFold(h[:len(m)], []byte(m)) {
			return true
		}
	}
	return false
}

// binaryMagic recognizes files that are surely not CSV: old binary Excel
// and encrypted xlsx (OLE2), PDF, images, gzip, rar, 7z.
func binaryMagic(h []byte) bool {
	for _, m := range []string{"\xD0\xCF\x11\xE0", "%PDF", "\x89PNG", "GIF8", "\xFF\xD8\xFF", "\x1F\x8B", "Rar!", "7z\xBC\xAF"} {
		if bytes.HasPrefix(h, []byte(m)) {
			return true
		}
	}
	return false
}

// detectEncoding picks the CSV encoding: a BOM decides; else UTF-8 when
// every byte sequence is valid UTF-8; else GB18030.
func detectEncoding(r io.ReaderAt, size int64) (string, error) {
	var bom [3]byte
	n, _ := r.ReadAt(bom[:], 0)
	switch {
	case n >= 3 && bom == [3]byte{0xEF, 0xBB, 0xBF}:
		return EncodingUTF8BOM, nil
	case n >= 2 && bom[0] == 0xFF && bom[1] == 0xFE:
		return EncodingUTF16LE, nil
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 64<<10)
	buf := make([]byte, 0, 64<<10+utf8.UTFMax)
	chunk := make([]byte, 64<<10)
	for {
		k, err := br.Read(chunk)
		buf = append(buf, chunk[:k]...)
		if err == io.EOF || (err == nil && k == 0) {
			if !utf8.Valid(buf) {
				return EncodingGB18030, nil
			}
			return EncodingUTF8, nil
		}
		if err != nil {
			return "", err
		}
		// Validate up to the last rune start; carry the rest.
		cut := len(buf)
		for i := 0; i < utf8.UTFMax && cut > 0; i++ {
			if utf8.RuneStart(buf[cut-1]) {
				cut--
				break
			}
			cut--
		}
		if !utf8.Valid(buf[:cut]) {
			return EncodingGB18030, nil
		}
		buf = append(buf[:0], buf[cut:]...)
	}
}

func decoderFor(enc string, r io.Reader) (io.Reader, error) {
	switch enc {
	case EncodingUTF8, EncodingUTF8BOM:
		return transform.NewReader(r, unicode.BOMOverride(unicode.UTF8.NewDecoder())), nil
	case EncodingGB18030:
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder()), nil
	case EncodingUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), nil
	}
	return nil, fmt.Errorf("tabular: unknown encoding %q", enc)
}

// detectComma picks the separator used most on one of the first lines.
func detectComma(sample []byte) rune {
	best, bestN := ',', 0
	lines := bytes.SplitN(sample, []byte("\n"), 12)
	if len(lines) > 10 {
		lines = lines[:10]
	}
	for _, l := range lines {
		for _, c := range []rune{',', '\t', ';'} {
			if n := countOutsideQuotes(l, byte(c)); n > bestN {
				best, bestN = c, n
			}
		}
	}
	return best
}

func countOutsideQuotes(l []byte, c byte) int {
	n, q := 0, false
	for _, b := range l {
		switch {
		case b == '"':
			q = !q
		case b == c && !q:
			n++
		}
	}
	return n
}

func openCSV(r io.ReaderAt, size int64, name string, opts Options) (*File, error) {
	enc := opts.Encoding
	if enc == EncodingAuto {
		var err error
		if enc, err = detectEncoding(r, size); err != nil {
			return nil, problem(ErrCorrupt)
		}
	}
	// A text file: no NUL bytes in the first 4 KB (UTF-16 has them).
	if enc != EncodingUTF16LE {
		var probe [4096]byte
		n, _ := r.ReadAt(probe[:], 0)
		if bytes.IndexByte(probe[:n], 0) >= 0 {
			return nil, problem(ErrNotSpreadsheet)
		}
	}
	dec, err := decoderFor(enc, io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(dec, 64<<10)
	comma := opts.Comma
	if comma == 0 {
		sample, _ := br.Peek(32 << 10)
		comma = detectComma(sample)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	f := &File{Name: name, Format: FormatCSV, Encoding: enc, opts: opts}
	var cells []Cell
	f.next = func() (RawRow, bool, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return RawRow{}, false, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return RawRow{}, false, problem(ErrMalformedCSV, pe.StartLine)
			}
			return RawRow{}, false, problem(ErrCorrupt)
		}
		f.lines++
		cells = cells[:0]
		for i, v := range rec {
			cells = append(cells, Cell{Col: ColumnLetter(i), Value: v})
		}
		for len(cells) > 0 && isBlank(cells[len(cells)-1].Value) {
			cells = cells[:len(cells)-1]
		}
		return RawRow{Line: f.lines, Cells: cells}, true, nil
	}
	return f, nil
}

var letters [256]string

func init() {
	for i := range letters {
		letters[i] = columnLetter(i)
	}
}

// ColumnLetter returns the spreadsheet letter of the 0-based column i (A, Z, AA…).
func ColumnLetter(i int) string {
	if i >= 0 && i < len(letters) {
		return letters[i]
	}
	return columnLetter(i)
}

func columnLetter(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// columnIndex parses the letters of a cell reference ("AB12" → 27); -1
// when there are none.
func columnIndex(ref string) (col, row int) {
	i := 0
	col = 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
		if col > 1<<20 {
			return -1, 0
		}
	}
	row, _ = strconv.Atoi(ref[i:])
	return col - 1, row
}
