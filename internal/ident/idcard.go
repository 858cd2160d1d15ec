package ident

import (
	"strings"
	"time"
)

// idWeights are the ISO 7064 MOD 11-2 weights of GB 11643-1999 §7.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck maps Σ mod 11 to the check character (GB 11643-1999 §7).
const idCheck = "10X98765432"

// ID number problems, as i18n keys.
const (
	IDErrLength = "idcard.length"
	IDErrChar   = "idcard.char"
	IDErrDate   = "idcard.date"
	IDErrCheck  = "idcard.check"
)

// NormalizeID trims, folds full width and upper-cases a trailing x.
func NormalizeID(s string) string { return strings.ToUpper(FoldWidth(strings.TrimSpace(s))) }

// IDCheckChar computes the check character of a 17-digit body.
func IDCheckChar(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		d := body[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		sum += int(d-'0') * idWeights[i]
	}
	return idCheck[sum%11], true
}

// IDInfo is what an ID number says about its holder.
type IDInfo struct {
	Birth time.Time // date of birth (UTC midnight)
	Male  bool      // odd sequence digit
}

// ValidateID checks a normalized 18-character ID number. It returns the
// holder's information, or the i18n key and args of the first problem.
func ValidateID(id string) (IDInfo, string, []any) {
	if len(id) != 18 {
		return IDInfo{}, IDErrLength, []any{len([]rune(id))}
	}
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return IDInfo{}, IDErrChar, []any{i + 1}
		}
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		return IDInfo{}, IDErrChar, []any{18}
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.Year() < 1900 {
		return IDInfo{}, IDErrDate, []any{id[6:14]}
	}
	want, _ := IDCheckChar(id[:17])
	if id[17] != want {
		return IDInfo{}, IDErrCheck, []any{string(id[17]), string(want)}
	}
	return IDInfo{Birth: birth, Male: (id[16]-'0')%2 == 1}, "", nil
}
