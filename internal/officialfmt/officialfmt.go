// Package officialfmt states figures the way Chinese official reports do
// ("1700余家", "60多个", "106.5亿元", "同比增长50%以上", "1—8月") and keeps
// the exact value beside every rounded one, so a reader can always see what a
// phrase stands for. The rounding rules are data in internal/rules
// (briefing.go); all arithmetic is on integers (math/big where a product may
// overflow int64), never on floats.
package officialfmt

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/rules"
)

// Dash is the text of a figure that cannot be computed.
const Dash = "—"

// Figure is one stated figure: its official text, its exact value, and, when
// it cannot be computed, why.
type Figure struct {
	Text    string // official Chinese form: "1700余", "106.5亿元", "同比增长50%以上", or Dash
	En      string // English form of the same figure: "over 1,700", "10.65 billion yuan"
	Exact   string // exact value, Chinese style without separators: "1736", "+50.8%"
	ExactEn string // exact value, English style: "1,736"
	Rounded bool   // Text states less precisely than Exact
	OK      bool   // false: not computable; Text and En are Dash and Reason says why
	// Reason of a figure that is not computable: a stable key and its text.
	ReasonKey, Reason, ReasonEn string
}

// In returns the official text in lang ("en" or Chinese for anything else).
func (f Figure) In(lang string) string {
	if isEn(lang) {
		return f.En
	}
	return f.Text
}

// ExactIn returns the exact value in lang.
func (f Figure) ExactIn(lang string) string {
	if isEn(lang) {
		return f.ExactEn
	}
	return f.Exact
}

// ReasonIn returns why the figure is not computable, in lang ("" when it is).
func (f Figure) ReasonIn(lang string) string {
	if isEn(lang) {
		return f.ReasonEn
	}
	return f.Reason
}

func isEn(lang string) bool { return lang == "en" || strings.HasPrefix(lang, "en-") }

// Reasons a figure cannot be computed.
const (
	ReasonNoPrevious       = "no_previous"       // 上年同期无数据
	ReasonPreviousZero     = "previous_zero"     // 上年同期为零
	ReasonPreviousNegative = "previous_negative" // 上年同期为负
	ReasonZeroBase         = "zero_base"         // 基数为零
	ReasonNoData           = "no_data"           // 暂无数据
)

var reasonText = map[string][2]string{
	ReasonNoPrevious:       {"上年同期无数据", "no figure for the same period last year"},
	ReasonPreviousZero:     {"上年同期为零", "the same period last year was zero"},
	ReasonPreviousNegative: {"上年同期为负值", "the same period last year was negative"},
	ReasonZeroBase:         {"基数为零", "the base is zero"},
	ReasonNoData:           {"暂无数据", "no data"},
}

// NotComputable is the figure of something that cannot be computed, with the
// reason under key (one of the Reason constants).
func NotComputable(key string) Figure {
	t := reasonText[key]
	return Figure{Text: Dash, En: Dash, Exact: Dash, ExactEn: Dash, ReasonKey: key, Reason: t[0], ReasonEn: t[1]}
}

// Exact is the exact figure of a count, unrounded.
func Exact(n int64) Figure {
	s := strconv.FormatInt(n, 10)
	return Figure{Text: s, En: grouped(n), Exact: s, ExactEn: grouped(n), OK: true}
}

// Count states a count by rules.BriefingCountTiers: "1700余", "60多", "8",
// "1.2万余". The caller appends the measure word ("家", "名", "个").
func Count(n int64) Figure { return CountWith(n, rules.BriefingCountTiers) }

// CountWith states a count by the given tiers (see rules.CountTier).
func CountWith(n int64, tiers []rules.CountTier) Figure {
	f := Exact(n)
	if n < 0 {
		return f
	}
	for _, t := range tiers {
		if n < t.Min {
			continue
		}
		step := max(t.Step, 1)
		floored := n / step * step
		f.Rounded = floored != n
		f.Text = scaled(big.NewInt(floored), step, t.Divisor) + t.Unit
		f.En = grouped(floored)
		if f.Rounded {
			f.Text += t.Approx
			f.En = "over " + f.En
		}
		return f
	}
	return f
}

// Money states an amount of yuan by rules.BriefingMoneyTiers: "106.5亿元",
// "3.8万元", "520元"; the exact form is in yuan and in 万元 with four
// decimals: "10650000000元（1065000.0000万元）".
func Money(yuan int64) Figure { return MoneyWith(yuan, rules.BriefingMoneyTiers) }

// MoneyWith states an amount of yuan by the given tiers (see rules.MoneyTier).
func MoneyWith(yuan int64, tiers []rules.MoneyTier) Figure {
	abs := new(big.Int).Abs(big.NewInt(yuan))
	sign := ""
	if yuan < 0 {
		sign = "-"
	}
	f := Figure{
		Exact:   sign + abs.String() + "元（" + sign + fixed(abs, 4) + "万元）",
		ExactEn: sign + groupedBig(abs) + " yuan",
		OK:      true,
	}
	for _, t := range tiers {
		step := big.NewInt(max(t.Step, 1))
		q := roundHalfUp(abs, step) // multiples of step
		rounded := new(big.Int).Mul(q, step)
		if rounded.Cmp(big.NewInt(t.Min)) < 0 {
			continue
		}
		f.Rounded = rounded.Cmp(abs) != 0
		f.Text = sign + scaled(rounded, t.Step, t.Divisor) + t.Unit
		if t.EnDivisor <= 1 {
			f.En = sign + groupedBig(rounded) + t.EnUnit
		} else {
			f.En = sign + scaled(rounded, t.Step, t.EnDivisor) + t.EnUnit
		}
		return f
	}
	f.Text, f.En = sign+abs.String()+"元", f.ExactEn
	return f
}

// Growth states the change from prev to cur (same unit, e.g. yuan of output
// January–August this year and last year). hasPrev false, prev zero or
// negative make it not computable. Text is the whole phrase ("同比增长50%以上",
// "同比下降12%以上", "与上年同期持平"); Exact is the signed percent with one
// decimal ("+50.8%").
func Growth(cur, prev int64, hasPrev bool) Figure {
	switch {
	case !hasPrev:
		return NotComputable(ReasonNoPrevious)
	case prev == 0:
		return NotComputable(ReasonPreviousZero)
	case prev < 0:
		return NotComputable(ReasonPreviousNegative)
	}
	p := big.NewInt(prev)
	diff := new(big.Int).Sub(big.NewInt(cur), p)
	if diff.Sign() == 0 {
		return Figure{Text: rules.BriefingFlatPhrase, En: "unchanged year on year", Exact: "0.0%", ExactEn: "0.0%", OK: true}
	}
	mag := new(big.Int).Abs(diff)
	word, sign, enWord := rules.BriefingGrowthWord, "+", "up "
	if diff.Sign() < 0 {
		word, sign, enWord = rules.BriefingDeclineWord, "-", "down "
	}
	// exact: tenths of a percent, rounded half up on the magnitude
	tenths := roundHalfUp(new(big.Int).Mul(mag, big.NewInt(1000)), p)
	exact := sign + fixed(tenths, 1) + "%"
	f := Figure{Exact: exact, ExactEn: exact, OK: true}

	// official: whole percent floored, 以上 when above it; under 1% tenths
	// floored; under 0.1% "不足0.1%".
	whole, rem := new(big.Int).QuoRem(new(big.Int).Mul(mag, big.NewInt(100)), p, new(big.Int))
	var num string
	above := rem.Sign() != 0
	if whole.Sign() > 0 {
		num = whole.String() + "%"
	} else {
		t, r := new(big.Int).QuoRem(new(big.Int).Mul(mag, big.NewInt(1000)), p, new(big.Int))
		if t.Sign() == 0 {
			f.Text = word + "不足0.1%"
			f.En = enWord + "less than 0.1% year on year"
			f.Rounded = true
			return f
		}
		num = decimal(t, 1) + "%"
		above = r.Sign() != 0
	}
	f.Rounded = above
	f.Text = word + num
	f.En = enWord + num + " year on year"
	if above {
		f.Text += rules.BriefingAboveWord
		f.En = enWord + "over " + num + " year on year"
	}
	return f
}

// Percent states num/den as a percentage with rules.BriefingRateDecimals
// decimals rounded half up ("87.5%"); Exact is the fraction ("35/40").
// den zero (or negative) makes it not computable.
func Percent(num, den int64) Figure {
	if den <= 0 {
		return NotComputable(ReasonZeroBase)
	}
	d := rules.BriefingRateDecimals
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d+2)), nil)
	n := new(big.Int).Mul(new(big.Int).Abs(big.NewInt(num)), scale)
	q := roundHalfUp(n, big.NewInt(den))
	sign := ""
	if num < 0 {
		sign = "-"
	}
	s := sign + fixed(q, d) + "%"
	exactRem := new(big.Int).Rem(n, big.NewInt(den)).Sign() != 0
	return Figure{
		Text: s, En: s,
		Exact:   strconv.FormatInt(num, 10) + "/" + strconv.FormatInt(den, 10),
		ExactEn: grouped(num) + " of " + grouped(den),
		Rounded: exactRem, OK: true,
	}
}

// Days states a number of days: "365天" / "365 days".
func Days(n int64) Figure {
	f := Exact(n)
	f.Text, f.Exact = f.Text+"天", f.Exact+"天"
	unit := " days"
	if n == 1 {
		unit = " day"
	}
	f.En, f.ExactEn = f.En+unit, f.ExactEn+unit
	return f
}

// SafeDays is the phrase of days without a major accident: "连续安全生产365天".
func SafeDays(n int64) Figure {
	f := Days(n)
	f.Text = "连续安全生产" + f.Text
	f.En = f.En + " in a row without a major accident"
	return f
}

var enMonths = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// Month names a month: "2021年8月" / "August 2021".
func Month(t time.Time, lang string) string {
	if isEn(lang) {
		return enMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月"
}

// Date names a day: "2021年8月31日" / "31 August 2021".
func Date(t time.Time, lang string) string {
	if isEn(lang) {
		return strconv.Itoa(t.Day()) + " " + Month(t, lang)
	}
	return Month(t, lang) + strconv.Itoa(t.Day()) + "日"
}

// MonthOnly names the month of t without the year: "8月" / "August".
func MonthOnly(t time.Time, lang string) string {
	if isEn(lang) {
		return enMonths[t.Month()-1]
	}
	return strconv.Itoa(int(t.Month())) + "月"
}

// MonthRange names January to the month of t within its year: "1—8月" (with
// the em-dash pair of official documents) / "January–August"; for January
// alone "1月" / "January".
func MonthRange(t time.Time, lang string) string {
	if t.Month() == time.January {
		return MonthOnly(t, lang)
	}
	if isEn(lang) {
		return "January–" + enMonths[t.Month()-1]
	}
	return "1—" + strconv.Itoa(int(t.Month())) + "月"
}

// UpTo names the period up to the month of t: "截至8月份" / "as of the end of August".
func UpTo(t time.Time, lang string) string {
	if isEn(lang) {
		return "as of the end of " + enMonths[t.Month()-1]
	}
	return "截至" + strconv.Itoa(int(t.Month())) + "月份"
}

// roundHalfUp returns n/d rounded half up; n ≥ 0, d > 0.
func roundHalfUp(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// scaled writes v, a multiple of step, in units of div: with
// log10(div/step) decimals when step < div (trailing zeros dropped), else as
// a whole number of div.
func scaled(v *big.Int, step, div int64) string {
	step, div = max(step, 1), max(div, 1)
	if step >= div {
		return new(big.Int).Quo(v, big.NewInt(div)).String()
	}
	return decimal(new(big.Int).Quo(v, big.NewInt(step)), decimalsOf(div, step))
}

// decimalsOf is log10(div/step): how many decimals a multiple of step shows
// in units of div (0 when step ≥ div).
func decimalsOf(div, step int64) int {
	if step <= 0 || div <= step {
		return 0
	}
	d := 0
	for r := div / step; r >= 10; r /= 10 {
		d++
	}
	return d
}

// decimal writes q (≥ 0) scaled down by 10^d, dropping trailing zeros of the
// decimals: decimal(1065, 1) = "106.5", decimal(30, 1) = "3".
func decimal(q *big.Int, d int) string { return trimZeros(fixed(q, d)) }

// fixed writes q (≥ 0) scaled down by 10^d with exactly d decimals.
func fixed(q *big.Int, d int) string {
	s := q.String()
	if d == 0 {
		return s
	}
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	return s[:len(s)-d] + "." + s[len(s)-d:]
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func grouped(n int64) string { return groupedBig(big.NewInt(n)) }

// groupedBig writes n with thousands separators: "1,736".
func groupedBig(n *big.Int) string {
	s := n.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
