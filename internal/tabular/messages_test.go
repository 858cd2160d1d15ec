package tabular

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// messageKeys returns the values of the string constants messages.go
// declares (the keys), read from the source so that a key added without
// its texts is caught.
func messageKeys(t *testing.T) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					keys = append(keys, s)
				}
			}
		}
	}
	return keys
}

var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// Every key renders in zh-CN and in English, with the same arguments.
func TestMessagesBothLocales(t *testing.T) {
	keys := messageKeys(t)
	if len(keys) < 40 {
		t.Fatalf("found %d keys in messages.go", len(keys))
	}
	for _, k := range keys {
		m, ok := Messages[k]
		if !ok {
			t.Errorf("%s: no texts", k)
			continue
		}
		zh, en := m[0], m[1]
		// A text that is only verbs passes a reason rendered elsewhere
		// through (MsgText): the same in both.
		passThrough := verbRE.ReplaceAllString(zh, "") == "" && zh == en
		if zh == "" || en == "" || !passThrough && (!hasHan(zh) || hasHan(en)) {
			t.Errorf("%s: texts %q / %q", k, zh, en)
		}
		vz, ve := verbRE.FindAllString(zh, -1), verbRE.FindAllString(en, -1)
		if !slices.Equal(vz, ve) {
			t.Errorf("%s: verbs %v in zh-CN, %v in English", k, vz, ve)
		}
		args := make([]any, len(vz))
		for i, v := range vz {
			switch v[len(v)-1] {
			case 'd':
				args[i] = 7
			default:
				args[i] = "值"
			}
		}
		for _, lang := range []string{"zh-CN", "en"} {
			got := Message(lang, k, args...)
			if got == k || strings.Contains(got, "%!") || len(args) > 0 && !strings.Contains(got, "7") && !strings.Contains(got, "值") {
				t.Errorf("%s in %s renders %q", k, lang, got)
			}
		}
		if !passThrough && Message("en", k, args...) == Message("zh-CN", k, args...) {
			t.Errorf("%s: the same in both locales", k)
		}
	}
	// No texts for a key that is not declared.
	for k := range Messages {
		if !slices.Contains(keys, k) {
			t.Errorf("%s: texts without a key constant", k)
		}
	}
	// An unknown locale is zh-CN; an unknown key renders as itself.
	if Message("fr", ErrRequired) != "必填" || Message("en", "import.nope") != "import.nope" {
		t.Error("fallbacks")
	}
	// A cell error names its place in both locales.
	e := CellError{Row: 5, Col: "A", Header: "统一社会信用代码", Key: ErrCodeAsNumber, Args: []any{"1.23E+17"}}
	if got := e.Message("zh-CN"); got != "第5行A列（统一社会信用代码）：“1.23E+17”：长代码被表格软件转成了数字，请将该列设为文本格式后重新填写" {
		t.Errorf("zh-CN: %q", got)
	}
	if got := e.Message("en"); got != "Row 5, column A (统一社会信用代码): “1.23E+17”: the long code was turned into a number by the spreadsheet; format the column as text and enter it again" {
		t.Errorf("en: %q", got)
	}
}
