package ident

import "testing"

func TestUSCC(t *testing.T) {
	cases := []struct {
		in, problem string
	}{
		{"91330784MA2E8XKB0F", ""},           // computed below as well
		{"91110000100000000X", "uscc.check"}, // wrong check character
		{"9133078", "uscc.length"},
		{"91330784MA2E8XKBOA", "uscc.char"}, // O is not in the alphabet
		{"９１３３０７８４ＭＡ２Ｅ８ＸＫＢ０Ｆ", ""},          // full width folds
	}
	// Build a known-good code from the algorithm to anchor the table.
	body := "91330784MA2E8XKB0"
	c, ok := USCCCheckChar(body)
	if !ok {
		t.Fatal("body rejected")
	}
	cases[0].in = body + string(c)
	cases[4].in = "９１３３０７８４ＭＡ２Ｅ８ＸＫＢ０" + string(rune(c)+0xFEE0)
	for _, tc := range cases {
		p, _ := ValidateUSCC(NormalizeUSCC(tc.in))
		if p != tc.problem {
			t.Errorf("%q: got %q want %q", tc.in, p, tc.problem)
		}
	}
	// Published examples of GB 32100 codes.
	for _, code := range []string{"91350100M000100Y43", "91110108551385082Q", "91440300708461136T"} {
		if p, args := ValidateUSCC(code); p != "" {
			t.Errorf("%s: %s %v", code, p, args)
		}
	}
	if p, args := ValidateUSCC("9135010中M000100Y43"); p != USCCErrChar || args[0] != 8 || args[1] != "中" {
		t.Errorf("non-ASCII character position: %s %v", p, args)
	}
	if p, args := ValidateUSCC("91350100M000100Y44"); p != USCCErrCheck || args[1] != "3" {
		t.Errorf("wrong check not reported with expected char: %s %v", p, args)
	}
}

func TestID(t *testing.T) {
	info, p, _ := ValidateID(NormalizeID("11010519491231002x"))
	if p != "" {
		t.Fatalf("published example rejected: %s", p)
	}
	if info.Male || info.Birth.Format("2006-01-02") != "1949-12-31" {
		t.Errorf("info %+v", info)
	}
	for in, want := range map[string]string{
		"110105194912310021": IDErrCheck,
		"110105194913310025": IDErrDate,
		"1101051949":         IDErrLength,
		"11010519491231002A": IDErrChar,
	} {
		if _, p, _ := ValidateID(in); p != want {
			t.Errorf("%s: got %q want %q", in, p, want)
		}
	}
}

// The validators must never panic and must accept exactly what they compute.
func FuzzValidateUSCC(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Add("９１３３０７８４ＭＡ２Ｅ８ＸＫＢ０Ｆ")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		code := NormalizeUSCC(s)
		p, _ := ValidateUSCC(code)
		if p == "" {
			if want, ok := USCCCheckChar(code[:17]); !ok || want != code[17] {
				t.Fatalf("accepted %q with a wrong check character", code)
			}
		}
	})
}

func FuzzValidateID(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("11010519491231002x")
	f.Fuzz(func(t *testing.T, s string) {
		id := NormalizeID(s)
		if _, p, _ := ValidateID(id); p == "" {
			if want, _ := IDCheckChar(id[:17]); want != id[17] {
				t.Fatalf("accepted %q", id)
			}
		}
	})
}
