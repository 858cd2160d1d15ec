package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var verbRe = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

func TestCatalogsMatch(t *testing.T) {
	c := Load()
	zh, en := c.Keys("zh-CN"), c.Keys("en")
	if len(zh) < 100 {
		t.Fatalf("zh-CN has only %d keys", len(zh))
	}
	for k, v := range zh {
		ev, ok := en[k]
		if !ok {
			t.Errorf("en lacks %s", k)
			continue
		}
		if a, b := verbRe.FindAllString(v, -1), verbRe.FindAllString(ev, -1); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%s: verbs differ: zh %v en %v", k, a, b)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN lacks %s", k)
		}
	}
}

// Every key a template or Go file names literally must exist.
func TestKeysUsedExist(t *testing.T) {
	c := Load()
	tmplRe := regexp.MustCompile(`\.T "([a-z0-9_.\-]+)"`)
	goRe := regexp.MustCompile(`"((?:error|field|uscc|idcard|auth|flash|page|password|account)\.[a-z0-9_.]+)"|(?:Add\("[a-z_]+", |Errorf\((?:model\.)?E[A-Z]+, |FieldConflict\("[a-z_]+", )"([a-z_]+\.[a-z0-9_.]+)"`)
	root := filepath.Join("..")
	n := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(p, ".html"):
			re = tmplRe
		case strings.HasSuffix(p, ".go"):
			re = goRe
		default:
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if len(m) > 2 && m[2] != "" {
				key = m[2]
			}
			if strings.HasSuffix(key, ".") || key == "error.not_found" {
				continue // a prefix built on at run time
			}
			n++
			if !c.Has(key) {
				t.Errorf("%s uses missing key %q", p, key)
			}
		}
		return nil
	})
	if n < 100 {
		t.Fatalf("only %d key uses found; the scan is broken", n)
	}
}

func TestNegotiateAndFormats(t *testing.T) {
	cases := []struct{ choice, accept, want string }{
		{"", "", "zh-CN"},
		{"en", "zh-CN", "en"},
		{"", "en-GB,en;q=0.8", "en"},
		{"", "zh-TW,zh;q=0.9", "zh-CN"},
		{"fr", "de", "zh-CN"},
	}
	for _, c := range cases {
		if got := Negotiate(c.choice, c.accept, "zh-CN"); got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
	}
	d := time.Date(2026, 11, 25, 9, 5, 0, 0, time.UTC)
	if Date("zh-CN", d) != "2026年11月25日" || Date("en", d) != "2026-11-25" || DateTime("zh-CN", d) != "2026年11月25日 09:05" {
		t.Errorf("dates: %s %s", Date("zh-CN", d), Date("en", d))
	}
	if Number(1736) != "1,736" || Number(-1234567) != "-1,234,567" || Number(12) != "12" {
		t.Errorf("numbers: %s", Number(1736))
	}
	if Load().T("en", "list.total", "1,736") != "1,736 in all" || Load().T("zh-CN", "no.such.key") != "no.such.key" {
		t.Error("translate")
	}
}
