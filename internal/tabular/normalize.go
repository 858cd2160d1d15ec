package tabular

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The normalizers turn one raw cell string into a value or a *Problem. They
// are pure functions: no clock, no locale, no state.

// foldRune maps the characters spreadsheets from Chinese input methods carry
// to plain ones: full-width ASCII (letters, digits and, when punct is true,
// punctuation) to half-width, and the odd spaces to a plain space. It
// returns -1 for zero-width characters.
func foldRune(r rune, punct bool) rune {
	switch {
	case r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ', r >= '０' && r <= '９':
		return r - 0xFEE0
	case r >= 0xFF01 && r <= 0xFF5E:
		if punct {
			return r - 0xFEE0
		}
		return r
	case r == 0x00A0, r == 0x3000, r >= 0x2000 && r <= 0x200A, r == 0x202F, r == 0x205F, r == 0x1680:
		return ' '
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return -1
	}
	return r
}

// NormalizeText trims a cell (spaces of every width, non-breaking ones
// included), folds full-width letters and digits to half-width (full-width
// punctuation such as the brackets of registered names stays), and rejects
// control characters and bytes that are not UTF-8. With multiline, line
// breaks are kept (as \n); otherwise tabs and line breaks become spaces.
// A leading apostrophe before = + - @ (the guard against formulas that
// exports put on such text) is dropped.
func NormalizeText(s string, multiline bool) (string, error) {
	if plainText(s) {
		return s, nil
	}
	if !utf8.ValidString(s) {
		return "", problem(ErrBadEncoding)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for _, r := range s {
		pos++
		r = foldRune(r, false)
		switch {
		case r < 0:
			continue
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				r = ' '
			} else if r == '\r' {
				r = '\n'
			}
		case r == utf8.RuneError:
			return "", problem(ErrBadEncoding)
		case unicode.IsControl(r):
			return "", problem(ErrControlChar, pos)
		}
		b.WriteRune(r)
	}
	out := strings.TrimFunc(b.String(), unicode.IsSpace)
	if len(out) >= 2 && out[0] == '\'' && strings.ContainsRune("=+-@", rune(out[1])) {
		out = out[1:]
	}
	return out, nil
}

// plainText reports a cell NormalizeText returns as it is: valid UTF-8
// without control characters, line breaks, tabs, characters to fold or
// drop, spaces at either end or a formula guard: most cells.
func plainText(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte("=+-@", s[1]) >= 0 {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || foldRune(r, false) != r || unicode.IsControl(r) ||
			(i == 0 || i+n == len(s)) && unicode.IsSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// NormalizeCode normalizes an identifier (credit code, ID number, grid or
// organization code, phone): text rules plus every full-width character
// folded, upper case unless keepCase, and no space inside. A code that a
// spreadsheet turned into a number (1.23E+17, 9.1330784E+17, 330106.0) is a
// problem, never converted back: its last digits are already lost.
func NormalizeCode(s string, keepCase bool) (string, error) {
	t, err := NormalizeText(s, false)
	if err != nil {
		return "", err
	}
	t = strings.Map(func(r rune) rune { return foldRune(r, true) }, t)
	if looksLikeNumberCode(t) {
		return "", problem(ErrCodeAsNumber, t)
	}
	if strings.ContainsFunc(t, unicode.IsSpace) {
		return "", problem(ErrCodeSpace)
	}
	if !keepCase {
		t = strings.ToUpper(t)
	}
	return t, nil
}

// looksLikeNumberCode reports scientific notation (1.23E+17, 1E+17,
// 9.1330784000000006e17) or an integer written as a decimal (330106.0).
func looksLikeNumberCode(t string) bool {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	d := digits(t[i:])
	if d == 0 {
		return false
	}
	i += d
	if i == len(t) {
		return false
	}
	if t[i] == '.' {
		f := digits(t[i+1:])
		if f == 0 {
			return false
		}
		if i+1+f == len(t) {
			return strings.Trim(t[i+1:], "0") == "" // 330106.0
		}
		i += 1 + f
	}
	if t[i] != 'E' && t[i] != 'e' {
		return false
	}
	i++
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	e := digits(t[i:])
	return e > 0 && i+e == len(t)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// numberText prepares a number: text rules, every full-width character
// folded, thousands separators (, ，and ' between groups of three) and
// inner spaces removed. ok is false when separators are misplaced.
func numberText(s string) (string, bool, error) {
	t, err := NormalizeText(s, false)
	if err != nil {
		return "", false, err
	}
	t = strings.Map(func(r rune) rune {
		r = foldRune(r, true)
		switch r {
		case ' ':
			return -1
		case '，', '\'':
			return ','
		case '。':
			return '.'
		case '−', '－':
			return '-'
		}
		return r
	}, t)
	if !strings.Contains(t, ",") {
		return t, true, nil
	}
	// Groups of three between separators, before any decimal point.
	intPart, frac, hasFrac := strings.Cut(t, ".")
	sign := ""
	if intPart != "" && (intPart[0] == '-' || intPart[0] == '+') {
		sign, intPart = intPart[:1], intPart[1:]
	}
	groups := strings.Split(intPart, ",")
	for i, g := range groups {
		if digits(g) != len(g) || (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return t, false, nil
		}
	}
	out := sign + strings.Join(groups, "")
	if hasFrac {
		out += "." + frac
	}
	return out, true, nil
}

// NormalizeInt reads a whole number: numbers stored as text, full-width
// digits, thousands separators, a zero fraction (12.0, as a number cell
// may hold).
func NormalizeInt(s string) (int64, error) {
	t, ok, err := numberText(s)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, problem(ErrInteger, t)
	}
	if i := strings.IndexByte(t, '.'); i >= 0 && i+1 < len(t) && digits(t[i+1:]) == len(t)-i-1 && strings.Trim(t[i+1:], "0") == "" {
		t = t[:i]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, problem(ErrRange, int64(math.MinInt64), int64(math.MaxInt64))
		}
		return 0, problem(ErrInteger, t)
	}
	return n, nil
}

// Decimal is an exact decimal number in its canonical text: an optional
// minus sign, digits, and a fraction without trailing zeros ("-12.5",
// "0", "1234.0567").
type Decimal string

// Float64 returns the value as a float (exact for up to 15 digits).
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(string(d), 64)
	return f
}

// maxDecimalDigits bounds the significant digits of a Decimal: what a
// spreadsheet number (a double) holds exactly.
const maxDecimalDigits = 15

// NormalizeDecimal reads a number with at most scale decimals (rounded half
// away from zero beyond that, as a spreadsheet shows it), accepting numbers
// stored as text, full-width digits, thousands separators and scientific
// notation from number cells. More than 15 significant digits is a range
// problem.
func NormalizeDecimal(s string, scale int) (Decimal, error) {
	t, ok, err := numberText(s)
	if err != nil {
		return "", err
	}
	if !ok || t == "" {
		return "", problem(ErrNumber, t)
	}
	neg := false
	body := t
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	if strings.ContainsAny(body, "eE") {
		f, err := strconv.ParseFloat(body, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", problem(ErrNumber, t)
		}
		body = strconv.FormatFloat(f, 'f', -1, 64)
	}
	ip, fp, _ := strings.Cut(body, ".")
	if digits(ip) != len(ip) || digits(fp) != len(fp) || ip+fp == "" {
		return "", problem(ErrNumber, t)
	}
	if scale < 0 {
		scale = 0
	}
	// Round to scale decimals on the digit string.
	if len(fp) > scale {
		up := fp[scale] >= '5'
		fp = fp[:scale]
		if up {
			all := []byte(ip + fp)
			i := len(all) - 1
			for ; i >= 0; i-- {
				if all[i] == '9' {
					all[i] = '0'
					continue
				}
				all[i]++
				break
			}
			s := string(all)
			if i < 0 {
				s = "1" + s
			}
			ip, fp = s[:len(s)-len(fp)], s[len(s)-len(fp):]
		}
	}
	ip = strings.TrimLeft(ip, "0")
	fp = strings.TrimRight(fp, "0")
	if len(ip)+len(fp) > maxDecimalDigits {
		lim := strings.Repeat("9", maxDecimalDigits-scale)
		return "", problem(ErrRange, "-"+lim, lim)
	}
	if ip == "" {
		ip = "0"
	}
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return Decimal(out), nil
}

// Excel serial date limits: 1 is 1900-01-01, 2958465 is 9999-12-31.
const maxSerial = 2958465

// serialDate converts an Excel serial day number. In the 1900 system
// Excel counts a 29 February 1900 that never was (serial 60), so serials
// after it are one day ahead; serial 60 itself names no date.
func serialDate(n int64, date1904 bool) (time.Time, bool) {
	if date1904 {
		if n < 0 || n > maxSerial-1462 {
			return time.Time{}, false
		}
		return time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)), true
	}
	switch {
	case n < 1 || n > maxSerial || n == 60:
		return time.Time{}, false
	case n < 60:
		return time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)), true
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)), true
}

// DateSerial returns the Excel 1900-system serial of a date (for writers).
func DateSerial(t time.Time) int64 {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	n := (d.Unix() - time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()) / 86400
	if n <= 60 {
		n--
	}
	return n
}

// serialOf reads a serial day number: digits with an optional fraction
// (the time of day, dropped).
func serialOf(t string) (int64, bool) {
	ip, fp, _ := strings.Cut(t, ".")
	if ip == "" || len(ip) > 7 || digits(ip) != len(ip) || digits(fp) != len(fp) {
		return 0, false
	}
	n, err := strconv.ParseInt(ip, 10, 64)
	return n, err == nil
}

// dateParts splits 2021-08-31, 2021/8/31, 2021.8.31, 2021年8月31日 (and the
// same without a day when day is false) into numbers, dropping a time of
// day after a space or T.
func dateParts(t string, day bool) (y, m, d int, ok bool) {
	if strings.ContainsAny(t, "年月日") {
		t = strings.ReplaceAll(t, " ", "")
	}
	if i := strings.IndexAny(t, " T"); i > 0 {
		rest := strings.TrimSpace(t[i+1:])
		if rest != "" && !isTimeOfDay(rest) {
			return 0, 0, 0, false
		}
		t = t[:i]
	}
	t = dateSeparators.Replace(t)
	t = strings.TrimSuffix(t, "-")
	parts := strings.Split(t, "-")
	want := 2
	if day {
		want = 3
	}
	if len(parts) != want {
		return 0, 0, 0, false
	}
	nums := make([]int, want)
	for i, p := range parts {
		if p == "" || digits(p) != len(p) || len(p) > 4 || (i == 0 && len(p) != 4) || (i > 0 && len(p) > 2) {
			return 0, 0, 0, false
		}
		nums[i], _ = strconv.Atoi(p)
	}
	if day {
		return nums[0], nums[1], nums[2], true
	}
	return nums[0], nums[1], 1, true
}

func isTimeOfDay(s string) bool {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "Z"), "+08:00")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if len(p) < 1 || len(p) > 2 || digits(p) != len(p) {
			return false
		}
	}
	return true
}

// NormalizeDate reads a date: an Excel serial number (1900 system with its
// leap-year bug, or the 1904 system), 20210831, 2021-08-31, 2021/8/31,
// 2021.8.31 or 2021年8月31日, with an optional time of day that is dropped.
// The day must exist, and the year lie in 1900–9999. The result is midnight
// UTC.
func NormalizeDate(s string, date1904 bool) (time.Time, error) {
	t, err := NormalizeText(s, false)
	if err != nil {
		return time.Time{}, err
	}
	t = strings.Map(func(r rune) rune { return foldRune(r, true) }, t)
	if n, ok := serialOf(t); ok {
		if d, ok := serialDate(n, date1904); ok {
			return d, nil
		}
		return time.Time{}, problem(ErrDateInvalid, t)
	}
	if len(t) == 8 && digits(t) == 8 {
		t = t[:4] + "-" + t[4:6] + "-" + t[6:]
	}
	y, m, d, ok := dateParts(t, true)
	if !ok {
		return time.Time{}, problem(ErrDate, t)
	}
	v := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || m < 1 || m > 12 || v.Day() != d || v.Month() != time.Month(m) {
		return time.Time{}, problem(ErrDateInvalid, t)
	}
	return v, nil
}

// Separators of written dates and months, folded to "-" (built once: a
// replacer is costly to build and dates are read a million times).
var (
	dateSeparators  = strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "", "/", "-", ".", "-", " ", "")
	monthSeparators = strings.NewReplacer("/", "-", ".", "-")
)

// NormalizeMonth reads a month as "YYYY-MM": 2021-08, 2021-8, 2021/08,
// 2021.08, 2021年8月, 202108, a full date (its month) or a serial date.
func NormalizeMonth(s string, date1904 bool) (string, error) {
	t, err := NormalizeText(s, false)
	if err != nil {
		return "", err
	}
	t = strings.Map(func(r rune) rune { return foldRune(r, true) }, t)
	if len(t) == 6 && digits(t) == 6 {
		t = t[:4] + "-" + t[4:]
	}
	y, m, _, ok := dateParts(t, false)
	if !ok {
		if _, ok2 := serialOf(t); ok2 || strings.Count(monthSeparators.Replace(t), "-") == 2 || strings.Contains(t, "日") || (len(t) == 8 && digits(t) == 8) {
			d, err := NormalizeDate(t, date1904)
			if err != nil {
				return "", problem(ErrMonth, t)
			}
			return d.Format("2006-01"), nil
		}
		return "", problem(ErrMonth, t)
	}
	if y < 1900 || m < 1 || m > 12 {
		return "", problem(ErrMonth, t)
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), nil
}

// NormalizeBool reads 是/否, 有/无, √/×, true/false, 1/0, Y/N, yes/no (any case).
func NormalizeBool(s string) (bool, error) {
	t, err := NormalizeText(s, false)
	if err != nil {
		return false, err
	}
	t = strings.Map(func(r rune) rune { return foldRune(r, true) }, t)
	switch strings.ToLower(t) {
	case "是", "有", "√", "✓", "true", "1", "y", "yes", "t":
		return true, nil
	case "否", "无", "×", "✗", "x", "false", "0", "n", "no", "f":
		return false, nil
	}
	return false, problem(ErrBool, t)
}

// Choice is one value of a closed list: the stored code and its labels.
type Choice struct {
	Code    string
	Zh, En  string
	Aliases []string // other accepted spellings (党工委 for 党委)
}

// Label returns the choice's label in lang.
func (c Choice) Label(lang string) string {
	if lang == "en" && c.En != "" {
		return c.En
	}
	if c.Zh != "" {
		return c.Zh
	}
	return c.Code
}

// choiceKey folds a choice spelling for comparison.
func choiceKey(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		r = foldRune(r, true)
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

// NormalizeEnum returns the code of the choice s names by its code, its
// Chinese or English label or an alias (case, width and spaces ignored).
func NormalizeEnum(s string, choices []Choice) (string, error) {
	t, err := NormalizeText(s, false)
	if err != nil {
		return "", err
	}
	return enumOf(choiceKey(t), t, choices)
}

func enumOf(k, t string, choices []Choice) (string, error) {
	for _, c := range choices {
		if k == choiceKey(c.Code) || k == choiceKey(c.Zh) || (c.En != "" && k == choiceKey(c.En)) {
			return c.Code, nil
		}
		for _, a := range c.Aliases {
			if k == choiceKey(a) {
				return c.Code, nil
			}
		}
	}
	return "", problem(ErrChoice, t)
}

// choiceIndex maps the folded spellings of choices to their codes, the
// first choice naming a spelling winning as in NormalizeEnum.
func choiceIndex(choices []Choice) map[string]string {
	m := map[string]string{}
	add := func(s, code string) {
		if k := choiceKey(s); k != "" {
			if _, ok := m[k]; !ok {
				m[k] = code
			}
		}
	}
	for _, c := range choices {
		add(c.Code, c.Code)
		add(c.Zh, c.Code)
		if c.En != "" {
			add(c.En, c.Code)
		}
		for _, a := range c.Aliases {
			add(a, c.Code)
		}
	}
	return m
}
