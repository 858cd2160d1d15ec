package secret

import (
	"strings"
	"unicode"
)

// Masking works on runes, never bytes, so Chinese text, full-width digits and
// invalid UTF-8 (shown as U+FFFD) never split a character, and no input
// panics. Every hidden rune becomes one '*', so the length stays visible, as
// in the masked lists people know. Surrounding white space is trimmed.

// MaskID masks an identity document number for display. An ID number of 15
// or more characters keeps its first 6 (the address code) and last 4:
// "33078419900101123X" → "330784********123X". Shorter input (a passport
// number, a typo) keeps only a quarter of its characters at each end, and
// 1 to 3 characters are masked completely.
func MaskID(s string) string {
	rs := []rune(strings.TrimSpace(s))
	n := len(rs)
	head, tail := 6, 4
	if n < 15 {
		head, tail = n/4, n/4
	}
	for i := head; i < n-tail; i++ {
		rs[i] = '*'
	}
	return string(rs)
}

// MaskPhone masks a phone number for display, leaving separators as they are:
//
//	13812345678       → 138****5678
//	+86 138 1234 5678 → +86 138 **** 5678
//	0579-87654321     → 0579-****4321 (the area code and the last 4 digits)
//	01087654321       → 010****4321   (010 and 02x area codes have 3 digits)
//	87654321          → ****4321
//
// ASCII and full-width digits are recognised as such; other numerals are
// masked but not interpreted. At least half of the subscriber digits are
// always hidden, so short or odd input loses fewer digits to display.
func MaskPhone(s string) string {
	rs := []rune(strings.TrimSpace(s))
	var pos []int // indices of digits in rs
	for i, r := range rs {
		if unicode.IsDigit(r) {
			pos = append(pos, i)
		}
	}
	n := len(pos)
	digit := func(k int) rune { return digitValue(rs[pos[k]]) }
	adjacent := func(from, count int) bool { // count digits from index from, with nothing between them
		return from+count <= n && pos[from+count-1]-pos[from] == count-1
	}
	// p digits of country code (+86, 0086) are kept.
	p := 0
	switch {
	case n >= 2+7 && (rs[0] == '+' || rs[0] == '＋') && pos[0] == 1 && adjacent(0, 2) &&
		digit(0) == '8' && digit(1) == '6':
		p = 2
	case n >= 4+7 && pos[0] == 0 && adjacent(0, 4) &&
		digit(0) == '0' && digit(1) == '0' && digit(2) == '8' && digit(3) == '6':
		p = 4
	}
	m := n - p // digits after the country code
	head := 0
	switch {
	case m == 11 && digit(p) == '1': // mobile
		head = 3
	case m > 0 && digit(p) == '0': // landline with area code
		g := 1
		for adjacent(p, g+1) {
			g++
		}
		switch {
		case g < m && (g == 3 || g == 4): // written apart: 0579-87654321
			head = g
		case m > 1 && (digit(p+1) == '1' || digit(p+1) == '2'): // 010, 02x
			head = 3
		default:
			head = 4
		}
	}
	if m-head < 4 { // too few digits left to show any of them safely
		head = 0
	}
	tail := min(4, (m-head)/2)
	for k := p + head; k < n-tail; k++ {
		rs[pos[k]] = '*'
	}
	return string(rs)
}

// digitValue maps ASCII and full-width digits to '0'–'9', anything else to -1.
func digitValue(r rune) rune {
	switch {
	case '0' <= r && r <= '9':
		return r
	case '０' <= r && r <= '９':
		return r - '０' + '0'
	}
	return -1
}
