package tabular

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func wantProblem(t *testing.T, in string, err error, key string) {
	t.Helper()
	if key == "" {
		if err != nil {
			t.Errorf("%q: unexpected error %v", in, err)
		}
		return
	}
	p := ProblemOf(err)
	if p == nil || p.Key != key {
		t.Errorf("%q: got error %v, want %s", in, err, key)
	}
}

func TestNormalizeText(t *testing.T) {
	for _, c := range []struct {
		in, want  string
		multiline bool
		err       string
	}{
		{in: "  企业名称 ", want: "企业名称"},
		{in: "\u00a0\u3000张三\u00a0", want: "张三"},
		{in: "ＡＢＣ１２３", want: "ABC123"},
		{in: "杭州某某（集团）有限公司", want: "杭州某某（集团）有限公司"}, // full-width brackets of registered names stay
		{in: "a\u200bb\ufeff", want: "ab"},
		{in: "line1\nline2", want: "line1 line2"},
		{in: "line1\r\nline2", want: "line1\nline2", multiline: true},
		{in: "bad\x07bell", err: ErrControlChar},
		{in: "bad\x00", err: ErrControlChar},
		{in: "\xff\xfe", err: ErrBadEncoding},
		{in: "'=SUM(A1)", want: "=SUM(A1)"},
		{in: "'abc", want: "'abc"},
		{in: "", want: ""},
	} {
		got, err := NormalizeText(c.in, c.multiline)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, c := range []struct {
		in, want string
		keep     bool
		err      string
	}{
		{in: " 91330100ma2h7k3q0x ", want: "91330100MA2H7K3Q0X"},
		{in: "３３０１０６１９９００３０７１２３x", want: "33010619900307123X"}, // full-width digits, lower-case x
		{in: "\u00a0330106199003071236\u00a0", want: "330106199003071236"},
		{in: "wg-01", want: "wg-01", keep: true},
		{in: "wg-01", want: "WG-01"},
		{in: "1.23E+17", err: ErrCodeAsNumber},
		{in: "9.1330784E+17", err: ErrCodeAsNumber},
		{in: "9.1330784000000006E+17", err: ErrCodeAsNumber},
		{in: "1E+17", err: ErrCodeAsNumber},
		{in: "3.30106e17", err: ErrCodeAsNumber},
		{in: "330106.0", err: ErrCodeAsNumber},
		{in: "3301 06", err: ErrCodeSpace},
		{in: "12E3A", want: "12E3A"},
		{in: "E17", want: "E17"},
		{in: "1.5", want: "1.5"},
	} {
		got, err := NormalizeCode(c.in, c.keep)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		err  string
	}{
		{in: "120", want: 120},
		{in: " 1,234 ", want: 1234},
		{in: "1，234，567", want: 1234567},
		{in: "１２０", want: 120},
		{in: "12.0", want: 12},
		{in: "-5", want: -5},
		{in: "1,23", err: ErrInteger},
		{in: "12.5", err: ErrInteger},
		{in: "abc", err: ErrInteger},
		{in: "99999999999999999999", err: ErrRange},
	} {
		got, err := NormalizeInt(c.in)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeInt(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestNormalizeDecimal(t *testing.T) {
	for _, c := range []struct {
		in    string
		scale int
		want  Decimal
		err   string
	}{
		{in: "1234.56", scale: 4, want: "1234.56"},
		{in: "1,234.5600", scale: 4, want: "1234.56"},
		{in: "１２３４．５", scale: 4, want: "1234.5"},
		{in: "0.30000000000000004", scale: 4, want: "0.3"},
		{in: "2.00005", scale: 4, want: "2.0001"},
		{in: "9.99995", scale: 4, want: "10"},
		{in: "-0.00001", scale: 4, want: "0"},
		{in: "-12.5", scale: 2, want: "-12.5"},
		{in: "1.5E-3", scale: 4, want: "0.0015"},
		{in: ".5", scale: 2, want: "0.5"},
		{in: "007", scale: 0, want: "7"},
		{in: "1e300", scale: 4, err: ErrRange},
		{in: "12a", scale: 2, err: ErrNumber},
		{in: "1.2.3", scale: 2, err: ErrNumber},
		{in: "-", scale: 2, err: ErrNumber},
	} {
		got, err := NormalizeDecimal(c.in, c.scale)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeDecimal(%q, %d) = %q, want %q", c.in, c.scale, got, c.want)
		}
	}
}

func TestNormalizeDate(t *testing.T) {
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		in    string
		d1904 bool
		want  time.Time
		err   string
	}{
		{in: "2021-08-31", want: d(2021, 8, 31)},
		{in: "2021/8/31", want: d(2021, 8, 31)},
		{in: "2021.8.31", want: d(2021, 8, 31)},
		{in: "2021年8月31日", want: d(2021, 8, 31)},
		{in: "2021 年 8 月 31 日", want: d(2021, 8, 31)},
		{in: "２０２１－０８－３１", want: d(2021, 8, 31)},
		{in: "20210831", want: d(2021, 8, 31)},
		{in: "2021-08-31 00:00:00", want: d(2021, 8, 31)},
		{in: "2021-08-31T00:00:00Z", want: d(2021, 8, 31)},
		{in: "44439", want: d(2021, 8, 31)},              // Excel serial
		{in: "44439.75", want: d(2021, 8, 31)},           // with a time of day
		{in: "1", want: d(1900, 1, 1)},                   // the first serial
		{in: "59", want: d(1900, 2, 28)},                 // before the phantom leap day
		{in: "61", want: d(1900, 3, 1)},                  // after it
		{in: "60", err: ErrDateInvalid},                  // 1900-02-29 never was
		{in: "42977", d1904: true, want: d(2021, 8, 31)}, // 1904 system
		{in: "2021-02-29", err: ErrDateInvalid},
		{in: "2021-13-01", err: ErrDateInvalid},
		{in: "2021-08", err: ErrDate},
		{in: "8/31/2021", err: ErrDate},
		{in: "21年8月31日", err: ErrShortYear}, // the zh-CN short date: 1921 or 2021?
		{in: "21-8-31", err: ErrShortYear},
		{in: "２１/０８/３１", err: ErrShortYear},
		{in: "8/31/21", err: ErrDate}, // month first: not a year-first date at all
		{in: "2021年8月31", want: d(2021, 8, 31)},
		{in: "2021年08月31号", want: d(2021, 8, 31)},
		{in: "\u00a02021/8/31\u3000", want: d(2021, 8, 31)},
		{in: "20210231", err: ErrDateInvalid},
		{in: "昨天", err: ErrDate},
		{in: "0", err: ErrDateInvalid},
		{in: "2958466", err: ErrDateInvalid},
	} {
		got, err := NormalizeDate(c.in, c.d1904)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && !got.Equal(c.want) {
			t.Errorf("NormalizeDate(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, day := range []time.Time{d(1900, 1, 1), d(1900, 2, 28), d(1900, 3, 1), d(2021, 8, 31), d(9999, 12, 31)} {
		back, err := NormalizeDate(strings.TrimSpace(itoa(DateSerial(day))), false)
		if err != nil || !back.Equal(day) {
			t.Errorf("serial round trip of %v: %v %v", day, back, err)
		}
	}
}

func itoa(n int64) string { return canonical(n) }

func TestNormalizeMonth(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{in: "2021-08", want: "2021-08"},
		{in: "2021-8", want: "2021-08"},
		{in: "2021/08", want: "2021-08"},
		{in: "2021.8", want: "2021-08"},
		{in: "2021年8月", want: "2021-08"},
		{in: "202108", want: "2021-08"},
		{in: "2021-08-31", want: "2021-08"},
		{in: "44439", want: "2021-08"},
		{in: "2021-13", err: ErrMonth},
		{in: "21年8月", err: ErrShortYear},
		{in: "21年8月31日", err: ErrShortYear},
		{in: "2021年8月31日", want: "2021-08"},
		{in: "２０２１年８月", want: "2021-08"},
		{in: "八月", err: ErrMonth},
	} {
		got, err := NormalizeMonth(c.in, false)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeMonth(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeBool(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
		err  string
	}{
		{in: "是", want: true}, {in: "否"}, {in: "TRUE", want: true}, {in: "false"},
		{in: "1", want: true}, {in: "0"}, {in: "y", want: true}, {in: "N"}, {in: " Ｙ ", want: true},
		{in: "√", want: true}, {in: "也许", err: ErrBool},
	} {
		got, err := NormalizeBool(c.in)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeBool(%q) = %v", c.in, got)
		}
	}
}

func TestNormalizeEnum(t *testing.T) {
	for _, c := range []struct {
		in   string
		ch   []Choice
		want string
		err  string
	}{
		{in: "full", ch: MemberCategoryChoices, want: "full"},
		{in: "正式党员", ch: MemberCategoryChoices, want: "full"},
		{in: " 预备党员 ", ch: MemberCategoryChoices, want: "probationary"},
		{in: "Probationary Member", ch: MemberCategoryChoices, want: "probationary"},
		{in: "ＦＵＬＬ", ch: MemberCategoryChoices, want: "full"},
		{in: "党工委", ch: OrgKindChoices, want: "committee"},
		{in: "本科", ch: EducationChoices, want: "大学本科"},
		{in: "群众", ch: MemberCategoryChoices, err: ErrChoice},
	} {
		got, err := NormalizeEnum(c.in, c.ch)
		wantProblem(t, c.in, err, c.err)
		if c.err == "" && got != c.want {
			t.Errorf("NormalizeEnum(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The fuzz targets check that no input panics, that results are
// idempotent where they should be, and that every error is a Problem with
// a known key.

func checkErr(t *testing.T, err error) {
	if err == nil {
		return
	}
	p := ProblemOf(err)
	if p == nil {
		t.Fatalf("error %v is not a Problem", err)
	}
	if _, ok := Messages[p.Key]; !ok {
		t.Fatalf("unknown key %q", p.Key)
	}
}

var fuzzSeeds = []string{"", " 2021-08-31 ", "44439", "1.23E+17", "9.1330784E+17", "１２３", "是", "1,234.5", "2021年8月31日",
	"\u00a0x\u3000", "\x00", "\xff", "'=1", "60", "2021/2/29", "202108", "正式党员", "-0.00001", "9.99995", "1e309"}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, ml bool) {
		got, err := NormalizeText(s, ml)
		checkErr(t, err)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) || strings.TrimSpace(got) != got && !strings.HasPrefix(got, "'") {
			t.Fatalf("NormalizeText(%q) = %q", s, got)
		}
		if again, err := NormalizeText(got, ml); err != nil || (again != got && !strings.HasPrefix(got, "'")) {
			t.Fatalf("not idempotent: %q → %q → %q %v", s, got, again, err)
		}
	})
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeCode(s, false)
		checkErr(t, err)
		if err == nil {
			if again, err := NormalizeCode(got, false); err != nil || again != got {
				t.Fatalf("not idempotent: %q → %q → %q %v", s, got, again, err)
			}
		}
	})
}

func FuzzNormalizeNumber(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeInt(s)
		checkErr(t, err)
		if err == nil {
			if back, err := NormalizeInt(canonical(n)); err != nil || back != n {
				t.Fatalf("int %q → %d → %d %v", s, n, back, err)
			}
		}
		d, err := NormalizeDecimal(s, 4)
		checkErr(t, err)
		if err == nil {
			if back, err := NormalizeDecimal(string(d), 4); err != nil || back != d {
				t.Fatalf("decimal %q → %q → %q %v", s, d, back, err)
			}
		}
	})
}

func FuzzNormalizeDate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := NormalizeDate(s, false)
		checkErr(t, err)
		if err == nil {
			if back, err := NormalizeDate(d.Format("2006-01-02"), false); err != nil || !back.Equal(d) {
				t.Fatalf("date %q → %v → %v %v", s, d, back, err)
			}
		}
		m, err := NormalizeMonth(s, false)
		checkErr(t, err)
		if err == nil {
			if back, err := NormalizeMonth(m, false); err != nil || back != m {
				t.Fatalf("month %q → %q → %q %v", s, m, back, err)
			}
		}
	})
}

func FuzzNormalizeChoice(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := NormalizeBool(s)
		checkErr(t, err)
		code, err := NormalizeEnum(s, MemberCategoryChoices)
		checkErr(t, err)
		if err == nil && code != "full" && code != "probationary" {
			t.Fatalf("enum %q → %q", s, code)
		}
	})
}
