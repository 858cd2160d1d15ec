package tabular

import (
	"fmt"
	"strings"
	"testing"
)

// readSheet reads a worksheet (and shared strings) packed into a file and
// renders its rows as "line: col=value/type …".
func readSheet(t *testing.T, sheet, sst string) (string, error) {
	t.Helper()
	f, err := Open(storedXLSX(t, []byte(sheet), []byte(sst)), "x.xlsx", Options{})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for f.Next() {
		r := f.Row()
		fmt.Fprintf(&b, "%d:", r.Line)
		for _, c := range r.Cells {
			fmt.Fprintf(&b, " %s=%s/%d", c.Col, c.Value, c.Type)
		}
		b.WriteString("\n")
	}
	return b.String(), f.Err()
}

func TestSheetScanner(t *testing.T) {
	const sst = `<sst><si><t>a&amp;b</t></si><si><r><t>x</t></r><r><t xml:space="preserve"> y</t></r><rPh><t>skip</t></rPh></si><si><t/></si></sst>`
	sd := func(rows string) string {
		return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<worksheet xmlns="main"><dimension ref="A1"/><sheetData>` + rows + `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`
	}
	for _, c := range []struct{ name, sheet, want string }{
		{"types", sd(`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v> 1 </v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c>` +
			`<c r="E2" t="d"><v>2021-08-31T00:00:00</v></c><c r="F2"><v>1.0E+17</v></c><c r="G2"><v>0.30000000000000004</v></c><c r="H2"><v>-12.50</v></c><c r="I2" t="str"><f>1&amp;2</f><v>12</v></c></row>`),
			"2: A=a&b/0 B=x y/0 C=TRUE/2 D=#N/A/3 E=2021-08-31T00:00:00/4 F=1E+17/1 G=0.3/1 H=-12.5/1 I=12/0\n"},
		{"entities and line ends", sd(`<row><c t="inlineStr"><is><t>&lt;&gt;&quot;&apos;&#65;&#x4e2d;</t></is></c><c t="inlineStr"><is><t>a&#13;&#10;b&#xD;c` + "\r\nd\re" + `</t></is></c></row>`),
			"1: A=<>\"'A中/0 B=a\r\nb\rc\nd\ne/0\n"},
		{"cdata comments prefixes", sd(`<x:row r="5" spans="1:3"><x:c r="B5" x:t="inlineStr"><x:is><x:t><![CDATA[<b>&amp;]]></x:t></x:is></x:c><!-- note --><c r='C5' t = 'inlineStr' ><is><t>q<?pi x?>r</t></is></c></x:row>`),
			"5: A=/0 B=<b>&amp;/0 C=qr/0\n"},
		{"empty cells and rows", sd(`<row r="1"/><row r="3"><c r="A3"/><c r="B3" s="1"></c><c r="C3" t="s"><v></v></c><c r="D3" t="inlineStr"><is><t>  </t></is></c><c r="E3"><v>7</v></c><c r="F3" t="s"><v>2</v></c></row>`),
			"1:\n3: A=/0 B=/0 C=/0 D=/0 E=7/1\n"},
		{"rows without r and cells without r", sd(`<row><c><v>1</v></c><c><v>2</v></c></row><row><c r="AA9"><v>3</v></c><c><v>4</v></c></row>`),
			"1: A=1/1 B=2/1\n2:" + strings.Repeat(" =/0", 0) + func() string {
				var b strings.Builder
				for i := 0; i < 26; i++ {
					fmt.Fprintf(&b, " %s=/0", ColumnLetter(i))
				}
				return b.String()
			}() + " AA=3/1 AB=4/1\n"},
		{"repeated reference keeps the last", sd(`<row><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="A1"><v>3</v></c></row>`), "1: A=3/1\n"},
		{"rich inline string with phonetic", sd(`<row><c t="inlineStr"><is><r><t>张</t></r><r><rPr/><t>三</t></r><rPh><t>zhang</t></rPh></is></c></row>`), "1: A=张三/0\n"},
		{"self-closing sheetData", `<worksheet><sheetData/></worksheet>`, ""},
		{"doctype", `<!DOCTYPE worksheet [<!ELEMENT a (b)>]>` + sd(`<row><c><v>1</v></c></row>`), "1: A=1/1\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := readSheet(t, c.sheet, sst)
			if err != nil || got != c.want {
				t.Errorf("got %q %v\nwant %q", got, err, c.want)
			}
		})
	}
	for _, bad := range []string{
		sd(`<row><c><v>1</v></c>`),                         // cut inside a row
		`<worksheet><sheetData><row><c><v>1</v></c></row>`, // cut inside sheetData
		sd(`<row r="0"></row>`), sd(`<row r="x"></row>`), sd(`<row r="2000000"></row>`),
		sd(`<row><c r="a1"><v>1</v></c></row>`), sd(`<row><c r="XFE1"><v>1</v></c></row>`),
		sd(`<row><c t="s"><v>9</v></c></row>`), sd(`<row><c t="s"><v>x</v></c></row>`),
		sd(`<row><c><v>&nbsp;</v></c></row>`), sd(`<row><c><v>&#0;</v></c></row>`), sd(`<row><c><v>a & b</v></c></row>`),
		sd(`<row><c r=A1><v>1</v></c></row>`), sd(`<row><c r="A1"r="B1"><v>1</v></c></row>`), sd(`<row><c r="<"><v>1</v></c></row>`),
		sd(`<row><c><v>1</v></c></row><<<`), sd(`<row><c><!-- open`), sd(`<row><c><![CDATA[x`), sd(`<row></ row>`),
		sd(`<row>` + strings.Repeat(`<c r="XFD1"><v>1</v></c><c r="A1"><v>1</v></c>`, 8) + `</row>`),
		// Tags that do not match: a cell or row would move silently.
		sd(`<row><c><v>1</c></v></row>`), sd(`<row><c><v>1</v></c></rw><row><c><v>2</v></c></row>`),
		sd(`<x:row><c><v>1</v></c></row>`), sd(`<row><c><v>1</v></c></row></row>`),
	} {
		if got, err := readSheet(t, bad, sst); ProblemOf(err) == nil || ProblemOf(err).Key != ErrCorrupt {
			t.Errorf("%s: got %q %v, want corrupt", bad, got, err)
		}
	}
	// Shared strings that are damaged.
	for _, bad := range []string{`<sst><si><t>a</t>`, `<sst><si><t>&bad;</t></si></sst>`, `<sst><si><t>a</t></s><si><t>b</t></si></sst>`, `<sst><si><t>a</t></si>`} {
		if _, err := readSheet(t, sd(""), bad); ProblemOf(err) == nil || ProblemOf(err).Key != ErrCorrupt {
			t.Errorf("sst %s: %v, want corrupt", bad, err)
		}
	}
}

// A token longer than the scanner's first buffer, split across reads.
func TestSheetScannerLongValues(t *testing.T) {
	long := strings.Repeat("长", 30000) + "&amp;"
	sheet := `<worksheet><sheetData><row><c t="inlineStr"><is><t>` + long + `</t></is></c><c` + strings.Repeat(" a=\"1\"", 20000) + `><v>2</v></c></row></sheetData></worksheet>`
	got, err := readSheet(t, sheet, "")
	want := "1: A=" + strings.Repeat("长", 30000) + "&/0 B=2/1\n"
	if err != nil || got != want {
		t.Errorf("got %d bytes %v", len(got), err)
	}
}

func TestPlainNumber(t *testing.T) {
	for _, v := range []string{"0", "1", "-1", "0.5", "-0.5", "30.000001", "123456789012345", "36924", "-0", "00", "1.0", "1.", ".5",
		"1e5", "1E+17", "1234567890123456", "0.1234567890123456", " 1", "+1", "9.1330784000000006E+17", "0.30000000000000004"} {
		if plainNumber([]byte(v)) && numberValue(v) != v {
			t.Errorf("%q: plain, but numberValue gives %q", v, numberValue(v))
		}
	}
}

func TestPlainText(t *testing.T) {
	for _, v := range []string{"abc", "杭州示例科技有限公司", " a", "a ", "a\tb", "a\u00a0b", "Ａ", "'=x", "'a", "\u2028a", "a\u200bb",
		"\x7f", "a\u0085", "x\xff", "（有限）", "a\nb", "=cmd", "a b"} {
		want, err := NormalizeText(v+"\u200b", false) // the slow path: the zero-width space is dropped
		if plainText(v) && (err != nil || want != v) {
			t.Errorf("%q: plain, but NormalizeText gives %q %v", v, want, err)
		}
	}
}
