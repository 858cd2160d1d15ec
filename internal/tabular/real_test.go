package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Files written by a real spreadsheet program (LibreOffice 7.4; see
// testdata/real/README.md), read through Open and Parse against the
// registers' specs: the exact values imported and the exact errors, each
// in its cell.

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// cellErrors renders errors as "row col [header] field key args".
func cellErrors(res *Result) []string {
	var out []string
	for _, e := range res.Errors {
		out = append(out, fmt.Sprintf("%d %s [%s] %s %s %v", e.Row, e.Col, e.Header, e.Field, e.Key, e.Args))
	}
	return out
}

// rowTexts renders a row's non-empty values by key, in spec order.
func rowTexts(r Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", r.Line)
	for _, c := range r.spec.Columns {
		if r.Has(c.Key) {
			fmt.Fprintf(&b, " %s=%s", c.Key, r.Text(c.Key))
		}
	}
	return b.String()
}

type fixtureWant struct {
	format     Format
	sheet      string // xlsx: the sheet read
	encoding   string // CSV: the encoding detected
	headerLine int
	total      int
	errors     []string
	rows       []string
}

func checkFixture(t *testing.T, name string, spec *Spec, opts Options, w fixtureWant) *Result {
	t.Helper()
	f, err := Open(readFixture(t, name), name, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	res, err := Parse(f, spec)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if f.Format != w.format || f.Sheet != w.sheet || f.Encoding != w.encoding {
		t.Errorf("format %v sheet %q encoding %q, want %v %q %q", f.Format, f.Sheet, f.Encoding, w.format, w.sheet, w.encoding)
	}
	if res.HeaderLine != w.headerLine || res.Total != w.total {
		t.Errorf("header line %d total %d, want %d %d", res.HeaderLine, res.Total, w.headerLine, w.total)
	}
	if got := cellErrors(res); strings.Join(got, "\n") != strings.Join(w.errors, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w.errors, "\n"))
	}
	var rows []string
	for _, r := range res.Rows {
		rows = append(rows, rowTexts(r))
	}
	if strings.Join(rows, "\n") != strings.Join(w.rows, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(w.rows, "\n"))
	}
	invalid := map[int]bool{}
	for _, e := range res.Errors {
		invalid[e.Row] = true
	}
	if res.Invalid != len(invalid) || len(res.Bad) != len(invalid) || len(res.Rows)+res.Invalid != res.Total {
		t.Errorf("invalid %d bad %d rows %d total %d", res.Invalid, len(res.Bad), len(res.Rows), res.Total)
	}
	return res
}

// The enterprise register as offices keep it (src/enterprises.fods): a
// hidden notes sheet first, a merged title and a merged "filled in by"
// line above a header with a required marker, a line break and a
// trailing space; then date cells, formulas (their cached values), a
// credit code typed as a number, full-width digits, non-breaking and
// ideographic spaces, numbers and dates as text, bad cells, and styled
// empty rows and columns after the data.
func TestRealEnterprisesXLSX(t *testing.T) {
	res := checkFixture(t, "enterprises.xlsx", Enterprises, Options{}, fixtureWant{
		format: FormatXLSX, sheet: "企业名录", headerLine: 3, total: 6,
		errors: []string{
			// Stored by the spreadsheet as a double: the last digits are
			// gone (…567890 became …568), so it is reported, never imported.
			"5 A [统一社会信用代码*] uscc import.code_as_number [9.13301001234568E+17]",
			"8 H [纬度] lat import.range [-90 90]",
			"8 J [从业人数] employees import.integer [十二]",
			"8 K [经营状态] status import.choice [倒闭]",
			"8 L [成立 日期] founded_on import.date_invalid [2021-02-30]",
			"9 A [统一社会信用代码*] uscc import.duplicate_key [4]",
			"9 J [从业人数] employees import.formula_error [#DIV/0!]",
		},
		rows: []string{
			// A code in a text cell, a date cell (serial 44439), numbers as numbers,
			// a name with a leading space, a non-breaking one inside and an
			// ideographic one after.
			"4: uscc=91330100MA2H7K3Q0X name=杭州示例 科技有限公司 short_name=示例科技 industry=制造业 above_scale=true grid=WG-001 address=示例路1号 lat=30.274085 lng=120.15507 employees=1234 status=operating founded_on=2021-08-31 legal_rep=张三",
			// A lower-case code; formulas give their cached values; 2021/8/31 as text.
			"6: uscc=91330100MA2H7K3Q1Y name=公式有限公司 industry=服务业 above_scale=false grid=WG-002 employees=120 status=suspended founded_on=2021-08-31",
			// Full-width code and digits, Ｙ, " 30.5 ", "1,200", an alias (存续), 2021年8月31日.
			"7: uscc=91330100MA2H7K3Q2Z name=全角 有限公司 industry=制造业 above_scale=true grid=WG-001 lat=30.5 lng=120.1 employees=1200 status=operating founded_on=2021-08-31",
		},
	})
	if m := res.Errors[0].Message("zh-CN"); m != "第5行A列（统一社会信用代码*）：“9.13301001234568E+17”：长代码被表格软件转成了数字，请将该列设为文本格式后重新填写" {
		t.Errorf("message %q", m)
	}
	if m := res.Errors[0].Message("en"); !strings.HasPrefix(m, "Row 5, column A (统一社会信用代码*): “9.13301001234568E+17”: the long code") {
		t.Errorf("message %q", m)
	}
	if len(res.Ignored) != 0 {
		t.Errorf("ignored %v", res.Ignored)
	}
}

// The members register typed as CSV and opened in the spreadsheet
// (src/members.csv): the program turned an 18-digit ID into a number and
// full-width digits of a phone into one; IDs with a lower-case x and in
// full-width stay text; text dates became date cells.
func TestRealMembersXLSX(t *testing.T) {
	checkFixture(t, "members.xlsx", Members, Options{}, fixtureWant{
		format: FormatXLSX, sheet: "members", headerLine: 1, total: 5,
		errors: []string{
			"4 B [身份证号] id_number import.code_as_number [3.30106198001011E+17]",
			"5 F [党员类别] category import.choice [群众]",
			"5 G [入党日期] admitted_on import.date_invalid [2010-02-30]",
			// 李䶮's ID is 张三's with an upper-case X.
			"6 B [身份证号] id_number import.duplicate_key [2]",
		},
		rows: []string{
			"2: name=张三 id_number=33010619900307123X phone=13800000000 ethnicity=汉族 education=大学本科 category=full admitted_on=2014-07-01 full_on=2015-07-01 status=normal mobile=false org=DZB-001 enterprise=91330100MA2H7K3Q0X",
			"3: name=李四 id_number=33010619850512001X phone=13900000000 ethnicity=汉族 education=大学专科 category=probationary admitted_on=2025-07-01 mobile=true org=DZB-002",
		},
	})
}

// The same register saved by the spreadsheet as CSV in GB18030 (no BOM;
// 䶮 is a four-byte sequence): detected without an override. Cells are
// written as shown: the ID number in scientific notation, and dates in
// the zh-CN short format with a two-digit year, which is reported rather
// than given a guessed century.
func TestRealMembersGB18030(t *testing.T) {
	want := fixtureWant{
		format: FormatCSV, encoding: EncodingGB18030, headerLine: 1, total: 5,
		errors: []string{
			"2 G [入党日期] admitted_on import.short_year [14年7月1日]",
			"2 H [转正日期] full_on import.short_year [15年7月1日]",
			"3 G [入党日期] admitted_on import.short_year [25年7月1日]",
			"4 B [身份证号] id_number import.code_as_number [3.30106198001011E+017]",
			"5 F [党员类别] category import.choice [群众]",
			"5 G [入党日期] admitted_on import.date_invalid [2010-02-30]",
			"6 B [身份证号] id_number import.duplicate_key [2]",
			"6 G [入党日期] admitted_on import.short_year [16年6月30日]",
			"6 H [转正日期] full_on import.short_year [17年6月30日]",
		},
	}
	res := checkFixture(t, "members_gb18030.csv", Members, Options{}, want)
	if b := res.Bad[4]; b.Line != 6 || b.Cells[0].Value != "李䶮" || b.Cells[1].Value != "33010619900307123X" {
		t.Errorf("bad row %+v", b)
	}
	// The override reads it the same.
	want.encoding = EncodingGB18030
	checkFixture(t, "members_gb18030.csv", Members, Options{Encoding: EncodingGB18030}, want)
	// Read as UTF-8 by a wrong override: no header is found, nothing is imported.
	f, err := Open(readFixture(t, "members_gb18030.csv"), "m.csv", Options{Encoding: EncodingUTF8})
	must(t, err)
	if res, err := Parse(f, Members); problemKey(err) != ErrNoHeader || len(res.Rows) != 0 {
		t.Errorf("utf-8 override: %v", err)
	}
}

// A header row in English (src/enterprises_en.csv opened with en-US
// settings): US dates became date cells, TRUE a boolean cell.
func TestRealEnterprisesEnglishXLSX(t *testing.T) {
	checkFixture(t, "enterprises_en.xlsx", Enterprises, Options{}, fixtureWant{
		format: FormatXLSX, sheet: "enterprises_en", headerLine: 1, total: 4,
		errors: []string{
			"4 A [Unified social credit code] uscc import.code_as_number [9.13301001234568E+17]",
			"5 E [Employees] employees import.range [0 10000000]",
			"5 F [Status] status import.choice [Bankrupt]",
			"5 G [Founded] founded_on import.date_invalid [2021-02-30]",
			"5 H [Above size] above_scale import.bool [maybe]",
			"5 I [Latitude] lat import.range [-90 90]",
		},
		rows: []string{
			"2: uscc=91330100MA2H7K3Q0X name=Example Tech Ltd industry=Manufacturing above_scale=true grid=WG-001 lat=30.274085 employees=1234 status=operating founded_on=2021-08-31",
			"3: uscc=91330100MA2H7K3Q1Y name=Second Co industry=Services above_scale=true grid=WG-002 employees=120 status=suspended founded_on=2021-08-31",
		},
	})
}

// The real files, damaged: each is one clear Problem and no rows.
func TestRealFilesRefused(t *testing.T) {
	ents := readFixture(t, "enterprises.xlsx")
	for _, c := range []struct {
		name string
		data []byte
		opts Options
		want string
		spec *Spec
	}{
		// ODS is a zip too, but not xlsx (a user who saved in the wrong format).
		{"ods renamed", readFixture(t, "enterprises_en.ods"), Options{}, ErrNotSpreadsheet, nil},
		{"too large", ents, Options{MaxBytes: int64(len(ents)) - 1}, ErrTooLarge, nil},
		{"too many rows", ents, Options{MaxRows: 5}, ErrTooManyRows, nil},
		{"cut short", ents[:len(ents)-100], Options{}, ErrCorrupt, nil},
		{"gb18030 too many rows", readFixture(t, "members_gb18030.csv"), Options{MaxRows: 4}, ErrTooManyRows, Members},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Open(c.data, c.name, c.opts)
			var res *Result
			if err == nil {
				spec := c.spec
				if spec == nil {
					spec = Enterprises
				}
				res, err = Parse(f, spec)
			}
			if got := problemKey(err); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if res != nil && len(res.Rows) != 0 {
				t.Errorf("%d rows imported from a refused file", len(res.Rows))
			}
		})
	}
	// Exactly at the limits it is read.
	f, err := Open(ents, "e.xlsx", Options{MaxBytes: int64(len(ents)), MaxRows: 6})
	must(t, err)
	if res, err := Parse(f, Enterprises); err != nil || res.Total != 6 {
		t.Errorf("at the limits: %v", err)
	}
}

// repack rewrites an xlsx with every part stored (uncompressed, so that a
// test can change bytes in place), edit applied to each part's content,
// and extra parts added.
func repack(t *testing.T, data []byte, edit func(name string, body []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		if edit != nil {
			body = edit(zf.Name, body)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Store})
		must(t, err)
		_, _ = w.Write(body)
	}
	for name, body := range extra {
		w, err := zw.Create(name)
		must(t, err)
		_, _ = w.Write(body)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func TestRealFilesDamaged(t *testing.T) {
	ents := readFixture(t, "enterprises.xlsx")
	stored := repack(t, ents, nil, nil)
	// Repacked as it is, it reads the same.
	f, err := Open(stored, "e.xlsx", Options{})
	must(t, err)
	if res, err := Parse(f, Enterprises); err != nil || len(res.Rows) != 3 {
		t.Fatalf("repacked: %v", err)
	}
	// A value changed inside the file, the CRC left as it was: 1234
	// employees read as 1235 would be imported without the CRC check.
	changed := func(old, new string) []byte {
		i := bytes.Index(stored, []byte(old))
		if i < 0 || bytes.Count(stored, []byte(old)) != 1 {
			t.Fatalf("%q not found once", old)
		}
		d := bytes.Clone(stored)
		copy(d[i:], new)
		return d
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"value in the sheet", changed("<v>1234</v>", "<v>1235</v>"), ErrCorrupt},
		{"shared string", changed("杭州示例", "杭州实例"), ErrCorrupt},
		{"workbook", changed(`state="hidden"`, `state="visible"`), ErrCorrupt},
		{"malformed sheet XML", repack(t, ents, func(name string, b []byte) []byte {
			if name == "xl/worksheets/sheet2.xml" {
				return bytes.Replace(b, []byte(`<c r="B5"`), []byte(`<c r="B5" <`), 1)
			}
			return b
		}, nil), ErrCorrupt},
		{"malformed shared strings", repack(t, ents, func(name string, b []byte) []byte {
			if name == "xl/sharedStrings.xml" {
				return bytes.Replace(b, []byte(`</si>`), []byte(`</s>`), 1)
			}
			return b
		}, nil), ErrCorrupt},
		{"sheet part missing", repack(t, ents, nil, nil)[:0], ErrEmptyFile},
		// 17 MB of zeros next to the sheets: over 16 MB, and a ratio of
		// about 1000 to 1.
		{"zip bomb", repack(t, ents, nil, map[string][]byte{"xl/media/image1.bin": make([]byte, 17<<20)}), ErrZipBomb},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Open(c.data, c.name, Options{})
			var res *Result
			if err == nil {
				res, err = Parse(f, Enterprises)
			}
			if got := problemKey(err); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if res != nil && len(res.Rows) != 0 {
				t.Errorf("%d rows imported from a damaged file", len(res.Rows))
			}
		})
	}
}

func TestReadUpload(t *testing.T) {
	gb := readFixture(t, "members_gb18030.csv")
	// At the limit: read, and it opens.
	data, err := ReadUpload(bytes.NewReader(gb), Options{MaxBytes: int64(len(gb))})
	if err != nil || !bytes.Equal(data, gb) {
		t.Fatalf("at the limit: %v", err)
	}
	// One byte over: refused, without reading on.
	r := &countingReader{r: io.MultiReader(bytes.NewReader(gb), zeros{})}
	if _, err := ReadUpload(r, Options{MaxBytes: int64(len(gb)) - 1}); problemKey(err) != ErrTooLarge {
		t.Errorf("over the limit: %v", err)
	}
	if r.n > int64(len(gb))+64<<10 {
		t.Errorf("read %d bytes of an endless upload", r.n)
	}
	// The limit in the message is in megabytes, rounded up.
	if _, err := ReadUpload(bytes.NewReader(gb), Options{MaxBytes: 100}); err == nil || err.Error() != "The file is larger than 1 MB" {
		t.Errorf("message: %v", err)
	}
	// A broken-off upload is the reader's error, not a Problem.
	if _, err := ReadUpload(io.MultiReader(bytes.NewReader(gb), errReader{}), Options{}); err != io.ErrUnexpectedEOF {
		t.Errorf("broken off: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
