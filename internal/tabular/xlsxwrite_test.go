package tabular

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

func TestAppendXMLText(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"plain":               "plain",
		`a<b>&"c"`:            "a&lt;b&gt;&amp;&quot;c&quot;",
		"行\t一\n行二\r":          "行\t一\n行二&#13;",
		"bell\x07\x00end":     "bellend",
		"bad\xffutf8":         "badutf8",
		"non\uFFFEchar\uFFFF": "nonchar",
		"𠮷野家":                 "𠮷野家",
	} {
		if got := string(appendXMLText(nil, in)); got != want {
			t.Errorf("appendXMLText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	short := strings.Repeat("党", 100)
	if clip(short) != short {
		t.Fatal("short text clipped")
	}
	long := strings.Repeat("党", maxCellChars+10)
	if got := clip(long); utf8.RuneCountInString(got) != maxCellChars {
		t.Fatalf("clipped to %d", utf8.RuneCountInString(got))
	}
	// A character outside the BMP counts twice and is never split.
	astral := strings.Repeat("a", maxCellChars-1) + "𠮷" + "b"
	if got := clip(astral); got != strings.Repeat("a", maxCellChars-1) {
		t.Fatalf("astral: %d runes", utf8.RuneCountInString(got))
	}
}

// The streaming writer's package opens in excelize with the header styled,
// codes kept as text, numbers as numbers, dates as formatted dates, the
// pane frozen, and hostile text intact.
func TestXLSXStreamInExcelize(t *testing.T) {
	rows := [][]any{
		{"913301006091234567", `甲"<&>"公司`, "  spaced  ", "制造业", true, "WG-001", "=SUM(A1)", 30.274085, Decimal("120.15507"),
			int64(120), "operating", time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC), "张三"},
		{"123456789012345678", "乙公司", nil, "", false, "", "", nil, nil, int64(0), "closed", time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC), nil},
	}
	var buf bytes.Buffer
	n, err := WriteXLSX(&buf, Enterprises, seqOf(rows), WriteOptions{Sheet: "名录[1]"})
	if err != nil || n != 2 {
		t.Fatalf("write: %d %v", n, err)
	}
	data := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetList()
	if len(sh) != 1 || sh[0] != "名录_1_" {
		t.Fatalf("sheets %v", sh)
	}
	get := func(cell string) string {
		v, err := f.GetCellValue(sh[0], cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for cell, want := range map[string]string{
		"A1": "统一社会信用代码", "A2": "913301006091234567", "B2": `甲"<&>"公司`, "C2": "  spaced  ", "E2": "是", "G2": "=SUM(A1)",
		"H2": "30.274085", "I2": "120.15507", "J2": "120", "K2": "在营", "L2": "2021-08-31", "A3": "123456789012345678",
		"C3": "", "K3": "注销", "L3": "1890-01-01",
	} {
		if got := get(cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if typ, _ := f.GetCellType(sh[0], "J2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("J2 type %v", typ)
	}
	if formula, _ := f.GetCellFormula(sh[0], "G2"); formula != "" {
		t.Errorf("text became a formula: %q", formula)
	}
	id, _ := f.GetCellStyle(sh[0], "A2")
	if st, err := f.GetStyle(id); err != nil || st.NumFmt != 49 {
		t.Errorf("code style %+v %v", st, err)
	}
	id, _ = f.GetCellStyle(sh[0], "L2")
	if st, err := f.GetStyle(id); err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("date style %+v %v", st, err)
	}
	id, _ = f.GetCellStyle(sh[0], "A1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v", st)
	}
	panes, err := f.GetPanes(sh[0])
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v", panes, err)
	}
	// And the importer's reader takes it back as valid rows.
	file, err := Open(data, "x.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := Parse(file, Enterprises); err != nil || res.Total != 2 {
		t.Fatalf("parse: %+v %v", res, err)
	}
}

// A failing or abandoned row source stops the writer without leaking its
// compressing goroutine.
func TestXLSXStreamStops(t *testing.T) {
	before := runtime.NumGoroutine()
	boom := errors.New("boom")
	for range 20 {
		rows := func(yield func([]any, error) bool) {
			for i, r := range sampleEnterpriseRows(3000) {
				if i == 2500 {
					yield(nil, boom)
					return
				}
				if !yield(r, nil) {
					return
				}
			}
		}
		if n, err := WriteXLSX(io.Discard, Enterprises, rows, WriteOptions{}); !errors.Is(err, boom) || n != 2500 {
			t.Fatalf("error: %d %v", n, err)
		}
		if _, err := WriteXLSX(failWriter{}, Enterprises, seqOf(sampleEnterpriseRows(3000)), WriteOptions{}); err == nil {
			t.Fatal("a failing destination must fail the write")
		}
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("goroutines: %d before, %d after", before, runtime.NumGoroutine())
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// BenchmarkWriteEnterprises measures the writers alone (rows in memory) on
// 100,000 enterprise rows per iteration.
func BenchmarkWriteEnterprises(b *testing.B) {
	rows := sampleEnterpriseRows(100_000)
	for _, c := range []struct {
		name   string
		format Format
		opts   WriteOptions
	}{
		{"xlsx", FormatXLSX, WriteOptions{}},
		{"csv", FormatCSV, WriteOptions{}},
		{"csv-gb18030", FormatCSV, WriteOptions{Encoding: EncodingGB18030}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				cw := &countWriter{}
				if _, err := Write(cw, c.format, Enterprises, seqOf(rows), c.opts); err != nil {
					b.Fatal(err)
				}
				size = cw.n
			}
			b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
