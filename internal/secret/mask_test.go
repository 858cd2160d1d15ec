package secret

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestMaskID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"33078419900101123X", "330784********123X"},
		{"11010519491231002x", "110105********002x"},
		{" 33078419900101123X\n", "330784********123X"},
		{"330784900101123", "330784*****1123"}, // 15-digit first-generation number
		{"３３０７８４１９９００１０１１２３Ｘ", "３３０７８４********１２３Ｘ"},
		{"E12345678", "E1*****78"},           // passport: a quarter at each end
		{"H1234567890", "H1*******90"},       // 港澳居民来往内地通行证
		{"12345678901234", "123********234"}, // 14
		{"1234", "1**4"},
		{"123", "***"},
		{"1", "*"},
		{"", ""},
		{"张三丰李四王五赵六钱七孙八周九", "张三丰李四王*****孙八周九"},
		{"张三", "**"},
		{"\xff33078419900101123X", "\uFFFD33078*********123X"},
	} {
		if got := MaskID(tc.in); got != tc.want {
			t.Errorf("MaskID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// mobile
		{"13812345678", "138****5678"},
		{"138 1234 5678", "138 **** 5678"},
		{"138-1234-5678", "138-****-5678"},
		{"+86 138 1234 5678", "+86 138 **** 5678"},
		{"+8613812345678", "+86138****5678"},
		{"0086 13812345678", "0086 138****5678"},
		{"＋８６１３８１２３４５６７８", "＋８６１３８****５６７８"},
		{"１３８１２３４５６７８", "１３８****５６７８"},
		{"电话：13812345678", "电话：138****5678"},
		// landline: area code and last 4
		{"0579-87654321", "0579-****4321"},
		{"(0579) 8765 4321", "(0579) **** 4321"},
		{"057987654321", "0579****4321"},
		{"010-87654321", "010-****4321"},
		{"01087654321", "010****4321"},
		{"02187654321", "021****4321"},
		{"+86 0579 87654321", "+86 0579 ****4321"},
		{"0579-87654321-801", "0579-*******1-801"},
		// no area code, short or odd: at least half hidden
		{"87654321", "****4321"},
		{"1381234567", "******4567"},
		{"95588", "***88"},
		{"0579", "**79"},
		{"0579-123", "****-123"},
		{"12", "*2"},
		{"1", "*"},
		{"", ""},
		{"无", "无"},
		{"\xff13812345678", "\uFFFD138****5678"},
	} {
		if got := MaskPhone(tc.in); got != tc.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzMask: no input panics; output is valid UTF-8 of the same rune count as
// the trimmed input; only '*' replaces anything; something is always hidden;
// MaskPhone touches only digits.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"33078419900101123X", "13812345678", "+86 138 1234 5678", "0579-87654321",
		"张三", "", "\xff\xfe", "＋８６", "0086", "٠١٢٣٤٥٦٧٨٩"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := []rune(strings.TrimSpace(s))
		for name, mask := range map[string]func(string) string{"MaskID": MaskID, "MaskPhone": MaskPhone} {
			out := mask(s)
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q is not UTF-8", name, s, out)
			}
			got := []rune(out)
			if len(got) != len(in) {
				t.Fatalf("%s(%q) = %q: %d runes, want %d", name, s, out, len(got), len(in))
			}
			hidden, digits := 0, 0
			for i := range in {
				if unicode.IsDigit(in[i]) {
					digits++
				}
				if got[i] == in[i] {
					continue
				}
				if got[i] != '*' {
					t.Fatalf("%s(%q) = %q: rune %d became %q", name, s, out, i, got[i])
				}
				if name == "MaskPhone" && !unicode.IsDigit(in[i]) {
					t.Fatalf("MaskPhone(%q) = %q masked a non-digit", s, out)
				}
				hidden++
			}
			if hidden == 0 && (name == "MaskID" && len(in) > 0 || name == "MaskPhone" && digits > 0) && !strings.ContainsRune(string(in), '*') {
				t.Fatalf("%s(%q) = %q hides nothing", name, s, out)
			}
		}
	})
}

func ExampleMaskID() {
	fmt.Println(MaskID("33078419900101123X"))
	// Output: 330784********123X
}

func ExampleMaskPhone() {
	fmt.Println(MaskPhone("13812345678"))
	fmt.Println(MaskPhone("0579-87654321"))
	// Output:
	// 138****5678
	// 0579-****4321
}
