// Package ident validates and generates the two national identifiers redgrid
// stores: the 统一社会信用代码 (GB 32100-2015) and the 居民身份证号码
// (GB 11643-1999). Both check computations are tabled here, with the standard
// named, and nowhere else.
package ident

import (
	"strings"
)

// USCCAlphabet is the 31-character set of GB 32100-2015 (no I, O, S, V, Z).
const USCCAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the position weights of GB 32100-2015 §5 (3^i mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCC problems, as i18n keys.
const (
	USCCErrLength = "uscc.length"
	USCCErrChar   = "uscc.char"
	USCCErrCheck  = "uscc.check"
)

// NormalizeUSCC upper-cases, trims and folds full-width characters.
func NormalizeUSCC(s string) string {
	return strings.ToUpper(FoldWidth(strings.TrimSpace(s)))
}

// USCCCheckChar computes the check character for the first 17 characters.
// ok is false when a character is outside the alphabet.
func USCCCheckChar(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(USCCAlphabet, body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return USCCAlphabet[c], true
}

// ValidateUSCC checks a normalized code and returns "" or the i18n key of the
// first problem: wrong length, a character outside the alphabet (with its
// 1-based position), or a wrong check character (with the expected one).
func ValidateUSCC(code string) (problem string, args []any) {
	rs := []rune(code)
	if len(rs) != 18 {
		return USCCErrLength, []any{len(rs)}
	}
	for i, r := range rs {
		if r > 0x7F || strings.IndexByte(USCCAlphabet, byte(r)) < 0 {
			return USCCErrChar, []any{i + 1, string(r)}
		}
	}
	want, _ := USCCCheckChar(code[:17])
	if code[17] != want {
		return USCCErrCheck, []any{string(code[17]), string(want)}
	}
	return "", nil
}

// FoldWidth maps full-width ASCII (U+FF01–U+FF5E) and the ideographic space
// to their half-width forms, as spreadsheets from Chinese input methods carry.
func FoldWidth(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
