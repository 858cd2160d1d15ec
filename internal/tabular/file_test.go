package tabular

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func xlsxBytes(t testing.TB, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustParse(t testing.TB, data []byte, spec *Spec, opts Options) (*File, *Result) {
	t.Helper()
	f, err := Open(data, "upload", opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	res, err := Parse(f, spec)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f, res
}

// errorsByCell renders the errors as "row col key" for comparison.
func errorsByCell(res *Result) []string {
	var out []string
	for _, e := range res.Errors {
		out = append(out, fmt.Sprintf("%d %s %s", e.Row, e.Col, e.Key))
	}
	return out
}

// A workbook as offices send it: a hidden first sheet, a merged title above
// the header, headers with required markers and odd spaces, formulas,
// serial dates, a long code stored as a number, empty trailing rows and
// columns.
func TestXLSXRealisticEnterprises(t *testing.T) {
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "说明"))
	must(t, f.SetCellValue("说明", "A1", "隐藏的说明页"))
	idx, err := f.NewSheet("企业")
	must(t, err)
	f.SetActiveSheet(idx)
	must(t, f.SetSheetVisible("说明", false))
	s := "企业"
	must(t, f.SetCellValue(s, "A1", "2026年开发区企业名录"))
	must(t, f.MergeCell(s, "A1", "H1"))
	must(t, f.SetCellValue(s, "A2", "填报单位：经发局"))
	must(t, f.MergeCell(s, "A2", "D2"))
	header := []any{"统一社会信用代码（必填）", " 企业名称* ", "行业", "所属网格", "从业人数", "成立日期", "经营状态", "规上企业", "备用列"}
	must(t, f.SetSheetRow(s, "A3", &header))
	// Row 4: clean, a date cell, employees as text with a separator.
	row4 := []any{"91330100MA2H7K3Q0X", "杭州示例\u00a0科技有限公司\u3000", "制造业", "WG-001", "1,234", time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC), "在营", "是"}
	must(t, f.SetSheetRow(s, "A4", &row4))
	// Row 5: the credit code turned into a number.
	must(t, f.SetCellFloat(s, "A5", 1.23e17, -1, 64))
	row5 := []any{"数字代码公司", "制造业", "WG-001"}
	must(t, f.SetSheetRow(s, "B5", &row5))
	// Row 6: formulas with their cached values; date as text; a lower-case code.
	must(t, f.SetCellValue(s, "A6", "91330100ma2h7k3q1y"))
	must(t, f.SetCellValue(s, "B6", "公式公司"))
	must(t, f.SetCellValue(s, "C6", "服务业"))
	must(t, f.SetCellValue(s, "D6", "WG-002"))
	must(t, f.SetCellInt(s, "E6", 120))
	must(t, f.SetCellFormula(s, "E6", "100+20"))
	must(t, f.SetCellValue(s, "F6", "2021年8月31日"))
	must(t, f.SetCellValue(s, "G6", "停业"))
	must(t, f.SetCellValue(s, "H6", "否"))
	// Row 7: the same code as row 4, a bad date, an unknown status.
	row7 := []any{"９１３３０１００ＭＡ２Ｈ７Ｋ３Ｑ０Ｘ", "重复公司", "制造业", "WG-001", "12", "2021-02-30", "倒闭"}
	must(t, f.SetSheetRow(s, "A7", &row7))
	// Row 8: required cells missing.
	must(t, f.SetCellValue(s, "C8", "制造业"))
	// Trailing rows with empty and styled-but-blank cells.
	must(t, f.SetCellValue(s, "A10", ""))
	must(t, f.SetCellValue(s, "B12", " "))
	style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	must(t, f.SetCellStyle(s, "A13", "J20", style))
	data := xlsxBytes(t, f)

	file, res := mustParse(t, data, Enterprises, Options{})
	if file.Format != FormatXLSX || file.Sheet != "企业" {
		t.Fatalf("format %v sheet %q", file.Format, file.Sheet)
	}
	if res.HeaderLine != 3 {
		t.Fatalf("header line %d", res.HeaderLine)
	}
	if len(res.Ignored) != 1 || res.Ignored[0] != "备用列" {
		t.Errorf("ignored %v", res.Ignored)
	}
	want := []string{
		"5 A " + ErrCodeAsNumber,
		"7 A " + ErrDuplicateKey,
		"7 F " + ErrDateInvalid,
		"7 G " + ErrChoice,
		"8 A " + ErrRequired,
		"8 B " + ErrRequired,
		"8 D " + ErrRequired,
	}
	got := errorsByCell(res)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, e := range res.Errors {
		if e.Row == 7 && e.Key == ErrDuplicateKey && (len(e.Args) != 1 || e.Args[0] != 4) {
			t.Errorf("duplicate args %v", e.Args)
		}
		if e.Col == "A" && e.Header != "统一社会信用代码（必填）" {
			t.Errorf("header %q", e.Header)
		}
		if e.Row == 5 && !strings.Contains(e.Message("zh-CN"), "第5行A列") {
			t.Errorf("message %q", e.Message("zh-CN"))
		}
	}
	if res.Total != 5 || res.Invalid != 3 || len(res.Rows) != 2 || len(res.Bad) != 3 {
		t.Fatalf("total %d invalid %d rows %d bad %d", res.Total, res.Invalid, len(res.Rows), len(res.Bad))
	}
	r := res.Rows[0]
	if r.Line != 4 || r.Text("uscc") != "91330100MA2H7K3Q0X" || r.Text("name") != "杭州示例 科技有限公司" ||
		r.Text("founded_on") != "2021-08-31" || r.Text("employees") != "1234" || r.Text("status") != "operating" {
		t.Errorf("row 4: %v", r.Map())
	}
	if v, ok := r.Bool("above_scale"); !ok || !v {
		t.Errorf("above_scale %v %v", v, ok)
	}
	r = res.Rows[1]
	if r.Line != 6 || r.Text("uscc") != "91330100MA2H7K3Q1Y" || r.Text("name") != "公式公司" || r.Text("employees") != "120" ||
		r.Text("founded_on") != "2021-08-31" || r.Text("status") != "suspended" || r.Has("lat") {
		t.Errorf("row 6: %v", r.Map())
	}
	if n, ok := r.Int("employees"); !ok || n != 120 {
		t.Errorf("employees %d", n)
	}
}

// A header row in English, read from CSV.
func TestEnglishHeaderCSV(t *testing.T) {
	csv := "Unified social credit code,Name,Industry,Grid,Status,Above size\r\n" +
		"91330100MA2H7K3Q0X,Example Ltd,Manufacturing,WG-001,Suspended,yes\r\n"
	_, res := mustParse(t, []byte(csv), Enterprises, Options{})
	if len(res.Errors) != 0 || len(res.Rows) != 1 {
		t.Fatalf("errors %v rows %d", errorsByCell(res), len(res.Rows))
	}
	if r := res.Rows[0]; r.Text("status") != "suspended" || r.Text("above_scale") != "true" {
		t.Errorf("row %v", r.Map())
	}
}

func TestMissingAndDuplicateHeaders(t *testing.T) {
	csv := "标题行\n姓名,身份证号,身份证号码,联系电话\n张三,330106199003071236,,\n"
	_, res := mustParse(t, []byte(csv), Members, Options{})
	got := errorsByCell(res)
	want := []string{"2 C " + ErrDuplicateHeader, "2  " + ErrMissingHeader, "2  " + ErrMissingHeader}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %v want %v", got, want)
	}
	if res.Errors[1].Field != "category" || res.Errors[2].Field != "org" {
		t.Errorf("missing %v", res.Errors[1:])
	}
	// No header at all.
	f, err := Open([]byte("a,b,c\n1,2,3\n"), "x.csv", Options{})
	must(t, err)
	if _, err := Parse(f, Members); ProblemOf(err) == nil || ProblemOf(err).Key != ErrNoHeader {
		t.Errorf("no header: %v", err)
	}
}

func TestCSVEncodings(t *testing.T) {
	text := "姓名,身份证号,党员类别,所在党组织编码,学历\r\n张三,330106199003071236,正式党员,DZB-001,本科\r\n李四,33010619900307123x,预备,DZB-001,\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	must(t, err)
	for _, c := range []struct {
		name string
		data []byte
		opts Options
		enc  string
	}{
		{"gb18030", gb, Options{}, EncodingGB18030},
		{"utf8-bom", append([]byte("\uFEFF"), text...), Options{}, EncodingUTF8BOM},
		{"utf8", []byte(text), Options{}, EncodingUTF8},
		{"override", gb, Options{Encoding: EncodingGB18030}, EncodingGB18030},
		{"tab", []byte(strings.ReplaceAll(text, ",", "\t")), Options{}, EncodingUTF8},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, res := mustParse(t, c.data, Members, c.opts)
			if f.Format != FormatCSV || f.Encoding != c.enc {
				t.Errorf("format %v encoding %q", f.Format, f.Encoding)
			}
			if len(res.Errors) != 0 || len(res.Rows) != 2 {
				t.Fatalf("errors %v rows %d", errorsByCell(res), len(res.Rows))
			}
			a, b := res.Rows[0], res.Rows[1]
			if a.Text("name") != "张三" || a.Text("category") != "full" || a.Text("education") != "大学本科" ||
				b.Text("id_number") != "33010619900307123X" || b.Text("category") != "probationary" || b.Has("education") {
				t.Errorf("rows %v %v", a.Map(), b.Map())
			}
		})
	}
	// Read as UTF-8 when it is GB18030: the bad bytes are reported, not imported.
	f, err := Open(gb, "x.csv", Options{Encoding: EncodingUTF8})
	must(t, err)
	if _, err := Parse(f, Members); ProblemOf(err) == nil || ProblemOf(err).Key != ErrNoHeader {
		t.Errorf("wrong encoding override: %v", err)
	}
}

func sampleEnterpriseRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		lat, _ := NormalizeDecimal(fmt.Sprintf("30.%06d", i%1000000), 6)
		var founded any = time.Date(2000+i%25, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		if i%7 == 0 {
			founded = nil
		}
		rows[i] = []any{fmt.Sprintf("91330100MA%08d", i), fmt.Sprintf("示例企业%d有限公司", i), "简称", "制造业", i%2 == 0,
			"WG-001", "=危险地址" + fmt.Sprint(i), lat, Decimal("120.5"), int64(i % 5000),
			EnterpriseStatuses(i), founded, "张三"}
	}
	return rows
}

func EnterpriseStatuses(i int) string {
	return EnterpriseStatusChoices[i%len(EnterpriseStatusChoices)].Code
}

func seqOf(rows [][]any) Rows {
	return func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Writer → reader round trips, xlsx and CSV in both encodings and languages.
func TestRoundTrip(t *testing.T) {
	rows := sampleEnterpriseRows(50)
	for _, c := range []struct {
		format Format
		opts   WriteOptions
	}{
		{FormatXLSX, WriteOptions{}},
		{FormatXLSX, WriteOptions{Lang: "en"}},
		{FormatCSV, WriteOptions{}},
		{FormatCSV, WriteOptions{Encoding: EncodingGB18030}},
		{FormatCSV, WriteOptions{Lang: "en", Encoding: EncodingUTF8}},
	} {
		t.Run(fmt.Sprint(c.format, c.opts), func(t *testing.T) {
			var buf bytes.Buffer
			n, err := Write(&buf, c.format, Enterprises, seqOf(rows), c.opts)
			must(t, err)
			if n != len(rows) {
				t.Fatalf("wrote %d", n)
			}
			f, res := mustParse(t, buf.Bytes(), Enterprises, Options{})
			if f.Format != c.format {
				t.Errorf("format %v", f.Format)
			}
			if len(res.Errors) != 0 || len(res.Rows) != len(rows) {
				t.Fatalf("errors %v rows %d", errorsByCell(res)[:min(5, len(res.Errors))], len(res.Rows))
			}
			for i, r := range res.Rows {
				for j, col := range Enterprises.Columns {
					if got, want := r.Text(col.Key), canonical(rows[i][j]); got != want {
						t.Fatalf("row %d %s: %q, want %q", i, col.Key, got, want)
					}
				}
			}
		})
	}
}

func TestExamplesParse(t *testing.T) {
	for name, spec := range Specs() {
		for _, format := range []Format{FormatXLSX, FormatCSV} {
			var buf bytes.Buffer
			opts := TemplateOptions{Choices: map[string][]string{"industry": {"制造业", "服务业"}}}
			must(t, WriteTemplate(&buf, format, spec, opts))
			_, res := mustParse(t, buf.Bytes(), spec, Options{})
			if len(res.Errors) != 0 || len(res.Rows) != 1 {
				t.Errorf("%s %v: template errors %v rows %d", name, format, errorsByCell(res), len(res.Rows))
			}
			if format == FormatXLSX {
				x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
				must(t, err)
				sheets := x.GetSheetList()
				dvs, err := x.GetDataValidations(sheets[0])
				must(t, err)
				enums := 0
				for _, c := range spec.Columns {
					if c.Kind == KindEnum || c.Kind == KindBool || c.Key == "industry" {
						enums++
					}
				}
				if len(dvs) != enums || len(sheets) < 2 {
					t.Errorf("%s: %d validations, want %d; sheets %v", name, len(dvs), enums, sheets)
				}
				notes, _ := x.GetRows(sheets[1])
				if len(notes) != len(spec.Columns)+1 {
					t.Errorf("%s: notes rows %d", name, len(notes))
				}
				x.Close()
			}
		}
		for _, c := range spec.Columns {
			if c.Kind == KindEnum && len(c.Choices) == 0 || c.Header.Zh == "" || c.Header.En == "" {
				t.Errorf("%s.%s: incomplete column", name, c.Key)
			}
		}
	}
}

func TestErrorReport(t *testing.T) {
	csv := "姓名,身份证号,党员类别,所在党组织编码\n张三,330106199003071236,正式党员,DZB-001\n,=cmd,群众,DZB-001\n"
	_, res := mustParse(t, []byte(csv), Members, Options{})
	if res.Invalid != 1 {
		t.Fatalf("invalid %d: %v", res.Invalid, errorsByCell(res))
	}
	var buf bytes.Buffer
	must(t, WriteErrorReport(&buf, FormatXLSX, res, WriteOptions{}))
	x, err := excelize.OpenReader(&buf)
	must(t, err)
	rows, err := x.GetRows(x.GetSheetList()[0])
	must(t, err)
	if len(rows) != 2 || rows[0][4] != "错误" || rows[1][1] != "=cmd" || rows[1][2] != "群众" {
		t.Fatalf("report %q", rows)
	}
	if msg := rows[1][4]; !strings.Contains(msg, "第3行A列（姓名）：必填") || !strings.Contains(msg, "第3行C列（党员类别）") {
		t.Errorf("message %q", msg)
	}
	buf.Reset()
	must(t, WriteErrorReport(&buf, FormatCSV, res, WriteOptions{Lang: "en", Encoding: EncodingUTF8}))
	if s := buf.String(); !strings.Contains(s, "Errors") || !strings.Contains(s, "'=cmd") || !strings.Contains(s, "Row 3, column A (姓名): Required") {
		t.Errorf("csv report %q", s)
	}
}

func problemKey(err error) string {
	if p := ProblemOf(err); p != nil {
		return p.Key
	}
	if err != nil {
		return "not a problem: " + err.Error()
	}
	return ""
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		must(t, err)
		_, _ = w.Write([]byte(body))
	}
	must(t, zw.Close())
	return buf.Bytes()
}

const (
	relsXML  = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wbXML    = `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`
	wbRels   = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`
	sheetXML = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>月份</t></is></c><c r="B1" t="inlineStr"><is><t>统一社会信用代码</t></is></c><c r="C1" t="inlineStr"><is><t>产值</t></is></c></row><row r="2"><c r="A2"><v>44409</v></c><c r="B2" t="str"><f>"91330100"&amp;"MA2H7K3Q0X"</f><v>91330100MA2H7K3Q0X</v></c><c r="C2"><f>1+1</f><v>0.30000000000000004</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>2021年9月</t></is></c><c r="B3"><v>9.1330784000000006E+17</v></c><c r="C3" t="e"><v>#N/A</v></c></row></sheetData></worksheet>`
)

// A hand-made package, as other programs write it: inline strings,
// formulas, an Excel-style number for a long code, an error cell.
func TestHandMadePackage(t *testing.T) {
	data := zipOf(t, map[string]string{"_rels/.rels": relsXML, "xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": wbRels, "xl/worksheets/sheet1.xml": sheetXML})
	_, res := mustParse(t, data, OutputValues, Options{})
	if got := errorsByCell(res); strings.Join(got, "|") != "3 B "+ErrCodeAsNumber+"|3 C "+ErrFormula {
		t.Errorf("errors %v", got)
	}
	if len(res.Rows) != 1 || res.Rows[0].Text("month") != "2021-08" || res.Rows[0].Text("value") != "0.3" {
		t.Errorf("rows %v", res.Rows)
	}
}

func TestGuards(t *testing.T) {
	valid := func() []byte {
		var buf bytes.Buffer
		_, err := WriteXLSX(&buf, Enterprises, seqOf(sampleEnterpriseRows(20)), WriteOptions{})
		must(t, err)
		return buf.Bytes()
	}()
	// A zip that declares a huge uncompressed size.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CompressedSize64: 4, UncompressedSize64: 10 << 30})
	must(t, err)
	_, _ = w.Write([]byte{1, 2, 3, 4})
	must(t, zw.Close())
	// A zip whose ratio is too high, though under the total limit.
	ratio := zipOf(t, map[string]string{"_rels/.rels": relsXML, "xl/worksheets/sheet1.xml": strings.Repeat("<row/>", 5<<20)})
	rnd := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.Uint32())
	}
	for _, c := range []struct {
		name string
		data []byte
		opts Options
		want string
	}{
		{"bomb", bomb.Bytes(), Options{}, ErrZipBomb},
		{"ratio", ratio, Options{}, ErrZipBomb},
		{"truncated", valid[:len(valid)/2], Options{}, ErrCorrupt},
		{"random", rnd, Options{}, ErrNotSpreadsheet},
		{"too large", valid, Options{MaxBytes: 1000}, ErrTooLarge},
		{"empty", nil, Options{}, ErrEmptyFile},
		{"docx-like zip", zipOf(t, map[string]string{"word/document.xml": "<w/>"}), Options{}, ErrNotSpreadsheet},
		{"malformed xml", zipOf(t, map[string]string{"_rels/.rels": relsXML, "xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": wbRels,
			"xl/worksheets/sheet1.xml": sheetXML[:300] + "<<<"}), Options{}, ErrCorrupt},
		{"malformed workbook", zipOf(t, map[string]string{"_rels/.rels": relsXML, "xl/workbook.xml": "<workbook><sheets>"}), Options{}, ErrCorrupt},
		{"no visible sheet", zipOf(t, map[string]string{"_rels/.rels": relsXML, "xl/_rels/workbook.xml.rels": wbRels,
			"xl/workbook.xml": strings.Replace(wbXML, `name="S"`, `name="S" state="hidden"`, 1)}), Options{}, ErrNoSheet},
		{"too many rows", valid, Options{MaxRows: 10}, ErrTooManyRows},
		{"pdf", []byte("%PDF-1.4 ..."), Options{}, ErrNotSpreadsheet},
		{"html table named .xls", []byte("\xEF\xBB\xBF\r\n<html><head><meta charset=\"gbk\"></head><body><table><tr><td>姓名</td></tr></table></body></html>"), Options{}, ErrNotSpreadsheet},
		{"excel 2003 xml", []byte(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>`), Options{}, ErrNotSpreadsheet},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Options{}, ErrNotSpreadsheet},
		{"jpeg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), Options{}, ErrNotSpreadsheet},
		{"executable", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), Options{}, ErrNotSpreadsheet},
		{"docx", zipOf(t, map[string]string{"_rels/.rels": strings.Replace(relsXML, "xl/workbook.xml", "word/document.xml", 1), "word/document.xml": "<w:document/>"}), Options{}, ErrNotSpreadsheet},
		{"corrupt zip directory", func() []byte {
			d := bytes.Clone(valid)
			i := bytes.LastIndex(d, []byte("PK\x05\x06"))
			d[i+16] ^= 0xFF // the directory's offset
			return d
		}(), Options{}, ErrCorrupt},
		{"old xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Options{}, ErrNotSpreadsheet},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Open(c.data, "x", c.opts)
			if err == nil {
				_, err = Parse(f, Enterprises)
			}
			if got := problemKey(err); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	// Random bytes and every truncation of a small file: a Problem, never a panic.
	small := zipOf(t, map[string]string{"_rels/.rels": relsXML, "xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": wbRels, "xl/worksheets/sheet1.xml": sheetXML})
	for i := 0; i < len(small); i += 7 {
		mangled := bytes.Clone(small)
		mangled[i] ^= 0x5A
		for _, d := range [][]byte{small[:i], mangled} {
			f, err := Open(d, "x", Options{})
			if err == nil {
				_, err = Parse(f, OutputValues)
			}
			if err != nil && ProblemOf(err) == nil {
				t.Fatalf("at %d: %v", i, err)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("统一社会信用代码,企业名称,行业,所属网格\n91330100MA2H7K3Q0X,示例,制造业,WG-001\n"))
	f.Add([]byte("\uFEFFa,\"b\nc\",d\n\"unterminated"))
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("姓名,身份证号\n张三,1.23E+17\n"))
	f.Add(gb)
	f.Add([]byte("\xff\xfeA\x00,\x00B\x00"))
	f.Add([]byte{})
	// CSV as a spreadsheet program wrote it (GB18030) and as typed.
	for _, name := range []string{"members_gb18030.csv", "src/members.csv", "src/enterprises_en.csv"} {
		if data, err := os.ReadFile("testdata/real/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, spec := range []*Spec{Enterprises, Members} {
			file, err := Open(data, "f.csv", Options{MaxRows: 1000})
			if err == nil {
				_, err = Parse(file, spec)
			}
			if err != nil && ProblemOf(err) == nil {
				t.Fatalf("error %v is not a Problem", err)
			}
		}
	})
}

// storedXLSX packs a worksheet and a shared string table into an
// uncompressed package.
func storedXLSX(t testing.TB, sheet, sst []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct {
		name string
		body []byte
	}{
		{"_rels/.rels", []byte(relsXML)}, {"xl/workbook.xml", []byte(wbXML)}, {"xl/_rels/workbook.xml.rels", []byte(wbRelsSST)},
		{"xl/worksheets/sheet1.xml", sheet}, {"xl/sharedStrings.xml", sst},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Store})
		must(t, err)
		_, _ = w.Write(p.body)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

const (
	wbRelsSST = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	sstXML    = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>统一社会信用代码</t></si><si><t xml:space="preserve">月份</t></si><si><r><t>产</t></r><r><rPr><b/></rPr><t>值</t></r><rPh sb="0" eb="1"><t>chan</t></rPh></si><si><t>2021&#x5E74;9&#26376;</t></si></sst>`
	sheetSST  = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="str"><f>A1</f><v>91330100MA2H7K3Q0X</v></c><c r="C2"><v>1.5</v></c></row></sheetData></worksheet>`
)

// FuzzReadXLSX throws damaged packages at the reader: the fuzzed values are
// the worksheet and the shared string table (packed here into a stored
// zip, so that mutations reach the XML) or, when raw is not empty, a whole
// file (for the zip layer).
//
// It used to stall after a few executions: each input that reached new
// code was minimized for up to -fuzzminimizetime (60s), and a zip
// minimizes quadratically, since removing almost any byte breaks its
// directory, no candidate keeps the coverage and all n²/2 byte ranges are
// tried (a 7 KB seed: 24 million runs). XML inputs shrink as they are
// minimized, raw seeds are small, and minimizing stops after 5s unless the
// flag is given.
func FuzzReadXLSX(f *testing.F) {
	limitMinimizing(5 * time.Second)
	f.Add([]byte(sheetXML), []byte(nil), []byte(nil))
	f.Add([]byte(sheetSST), []byte(sstXML), []byte(nil))
	// The worksheet and shared strings LibreOffice wrote (the whole file
	// would be a raw seed, which minimizes slowly).
	if data, err := os.ReadFile("testdata/real/enterprises.xlsx"); err == nil {
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			part := func(name string) []byte {
				for _, zf := range zr.File {
					if zf.Name == name {
						if rc, err := zf.Open(); err == nil {
							b, _ := io.ReadAll(rc)
							rc.Close()
							return b
						}
					}
				}
				return nil
			}
			f.Add(part("xl/worksheets/sheet2.xml"), part("xl/sharedStrings.xml"), []byte(nil))
		}
	}
	f.Add([]byte(nil), []byte(nil), zipOf(f, map[string]string{"_rels/.rels": relsXML, "xl/workbook.xml": wbXML, "xl/_rels/workbook.xml.rels": wbRels, "xl/worksheets/sheet1.xml": `<sheetData><row><c><v>1</v></c></row></sheetData>`}))
	f.Fuzz(func(t *testing.T, sheet, sst, raw []byte) {
		data := raw
		if len(raw) == 0 {
			data = storedXLSX(t, sheet, sst)
		}
		file, err := Open(data, "f.xlsx", Options{MaxRows: 1000, MaxUnzipped: 8 << 20})
		if err == nil {
			_, err = Parse(file, OutputValues)
		}
		if err != nil && ProblemOf(err) == nil {
			t.Fatalf("error %v is not a Problem", err)
		}
	})
}

// limitMinimizing sets -test.fuzzminimizetime to d unless it was given.
func limitMinimizing(d time.Duration) {
	given := false
	flag.Visit(func(fl *flag.Flag) { given = given || fl.Name == "test.fuzzminimizetime" })
	if !given && flag.Lookup("test.fuzzminimizetime") != nil {
		_ = flag.Set("test.fuzzminimizetime", d.String())
	}
}

// BenchmarkXLSX100k writes and reads back 100,000 enterprise rows (or
// TABULAR_BENCH_ROWS, e.g. 1000000), for the record: rows per second each
// way and the peak heap of the whole run and of reading alone (the file in
// memory, rows validated and dropped, as an import streams them).
func BenchmarkXLSX100k(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("TABULAR_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		rows := sampleEnterpriseRows(n)
		runtime.GC()
		var peak uint64
		sample := func() {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		var buf bytes.Buffer
		start := time.Now()
		i := 0
		_, err := WriteXLSX(&buf, Enterprises, func(yield func([]any, error) bool) {
			for _, r := range rows {
				if i++; i%20000 == 0 {
					sample()
				}
				if !yield(r, nil) {
					return
				}
			}
		}, WriteOptions{})
		must(b, err)
		wrote := time.Since(start)
		rows = nil
		runtime.GC()
		readPeak := uint64(0)
		start = time.Now()
		f, err := Open(buf.Bytes(), "bench.xlsx", Options{})
		must(b, err)
		got := 0
		res, err := ParseFunc(f, Enterprises, func(Row) error {
			if got++; got%20000 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				readPeak = max(readPeak, ms.HeapInuse)
			}
			return nil
		})
		must(b, err)
		read := time.Since(start)
		if got != n || len(res.Errors) != 0 {
			b.Fatalf("read %d rows, %d errors", got, len(res.Errors))
		}
		b.ReportMetric(float64(n)/wrote.Seconds(), "write-rows/s")
		b.ReportMetric(float64(n)/read.Seconds(), "read-rows/s")
		b.ReportMetric(float64(max(peak, readPeak))/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(readPeak)/(1<<20), "read-peak-heap-MB")
		b.ReportMetric(float64(buf.Len())/(1<<20), "file-MB")
	}
}
