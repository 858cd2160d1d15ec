package officialfmt

import (
	"math"
	"testing"
	"time"

	"redgrid/internal/rules"
)

func TestCount(t *testing.T) {
	cases := []struct {
		n             int64
		text, en, exa string
		rounded       bool
	}{
		{0, "0", "0", "0", false},
		{8, "8", "8", "8", false},
		{9, "9", "9", "9", false},
		{10, "10", "10", "10", false},
		{63, "60多", "over 60", "63", true},
		{60, "60", "60", "60", false},
		{99, "90多", "over 90", "99", true},
		{100, "100", "100", "100", false},
		{189, "100余", "over 100", "189", true},
		{612, "600余", "over 600", "612", true},
		{1736, "1700余", "over 1,700", "1736", true},
		{1700, "1700", "1,700", "1700", false},
		{9999, "9900余", "over 9,900", "9999", true},
		{10000, "1万", "10,000", "10000", false},
		{12000, "1.2万", "12,000", "12000", false},
		{12345, "1.2万余", "over 12,000", "12345", true},
		{10999, "1万余", "over 10,000", "10999", true},
		{123456, "12.3万余", "over 123,000", "123456", true},
		{250_000_000, "2.5亿", "250,000,000", "250000000", false},
		{-5, "-5", "-5", "-5", false},
		{math.MaxInt64, "92233720368.5亿余", "over 9,223,372,036,850,000,000", "9223372036854775807", true},
	}
	for _, c := range cases {
		f := Count(c.n)
		if f.Text != c.text || f.En != c.en || f.Exact != c.exa || f.Rounded != c.rounded || !f.OK {
			t.Errorf("Count(%d) = %+v, want %q %q %q rounded=%v", c.n, f, c.text, c.en, c.exa, c.rounded)
		}
	}
}

// The tier table is data: a zone preferring "180余" for 189 changes one row.
func TestCountWithOtherTiers(t *testing.T) {
	tiers := []rules.CountTier{
		{Min: 1000, Step: 100, Divisor: 1, Approx: "余"},
		{Min: 100, Step: 10, Divisor: 1, Approx: "余"},
		{Min: 10, Step: 10, Divisor: 1, Approx: "多"},
	}
	for n, want := range map[int64]string{189: "180余", 612: "610余", 1736: "1700余", 63: "60多", 7: "7"} {
		if got := CountWith(n, tiers).Text; got != want {
			t.Errorf("CountWith(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCountTiersAreWellFormed(t *testing.T) {
	for i, tr := range rules.BriefingCountTiers {
		if tr.Step <= 0 || tr.Divisor <= 0 || tr.Divisor%tr.Step != 0 && tr.Step%tr.Divisor != 0 {
			t.Errorf("tier %d: step %d, divisor %d", i, tr.Step, tr.Divisor)
		}
		if i > 0 && tr.Min >= rules.BriefingCountTiers[i-1].Min {
			t.Errorf("tier %d not in descending Min order", i)
		}
	}
	if last := rules.BriefingCountTiers[len(rules.BriefingCountTiers)-1]; last.Min != 0 {
		t.Errorf("last tier must start at 0, got %d", last.Min)
	}
}

func TestMoney(t *testing.T) {
	cases := []struct {
		yuan              int64
		text, en, exactZh string
		rounded           bool
	}{
		{10_650_000_000, "106.5亿元", "10.65 billion yuan", "10650000000元（1065000.0000万元）", false},
		{10_654_999_999, "106.5亿元", "10.65 billion yuan", "10654999999元（1065499.9999万元）", true},
		{10_655_000_000, "106.6亿元", "10.66 billion yuan", "10655000000元（1065500.0000万元）", true},
		{300_000_000, "3亿元", "0.3 billion yuan", "300000000元（30000.0000万元）", false},
		{100_000_000, "1亿元", "0.1 billion yuan", "100000000元（10000.0000万元）", false},
		{99_999_999, "1亿元", "0.1 billion yuan", "99999999元（9999.9999万元）", true}, // rounds up into the 亿 tier
		{99_940_000, "1亿元", "0.1 billion yuan", "99940000元（9994.0000万元）", true},
		{94_940_000, "9494万元", "94,940,000 yuan", "94940000元（9494.0000万元）", false},
		{38_000, "3.8万元", "38,000 yuan", "38000元（3.8000万元）", false},
		{38_499, "3.8万元", "38,000 yuan", "38499元（3.8499万元）", true},
		{38_500, "3.9万元", "39,000 yuan", "38500元（3.8500万元）", true},
		{10_000, "1万元", "10,000 yuan", "10000元（1.0000万元）", false},
		{9_499, "9499元", "9,499 yuan", "9499元（0.9499万元）", false},
		{9_500, "1万元", "10,000 yuan", "9500元（0.9500万元）", true},
		{520, "520元", "520 yuan", "520元（0.0520万元）", false},
		{0, "0元", "0 yuan", "0元（0.0000万元）", false},
		{-38_000, "-3.8万元", "-38,000 yuan", "-38000元（-3.8000万元）", false},
	}
	for _, c := range cases {
		f := Money(c.yuan)
		if f.Text != c.text || f.En != c.en || f.Exact != c.exactZh || f.Rounded != c.rounded {
			t.Errorf("Money(%d) = %q %q %q rounded=%v, want %q %q %q %v", c.yuan, f.Text, f.En, f.Exact, f.Rounded, c.text, c.en, c.exactZh, c.rounded)
		}
	}
	if got := Money(10_650_000_000).ExactEn; got != "10,650,000,000 yuan" {
		t.Errorf("ExactEn = %q", got)
	}
}

func TestGrowth(t *testing.T) {
	cases := []struct {
		name            string
		cur, prev       int64
		hasPrev         bool
		text, en, exact string
		rounded, ok     bool
		reason          string
	}{
		{"article 50.8%", 10_650_000_000, 7_062_000_000, true, "同比增长50%以上", "up over 50% year on year", "+50.8%", true, true, ""},
		{"exactly 50%", 1_065_000_000_000, 710_000_000_000, true, "同比增长50%", "up 50% year on year", "+50.0%", false, true, ""},
		{"a yuan above 50%", 1_065_000_000_000, 709_999_999_999, true, "同比增长50%以上", "up over 50% year on year", "+50.0%", true, true, ""},
		{"a yuan below 50%", 1_064_999_999_999, 710_000_000_000, true, "同比增长49%以上", "up over 49% year on year", "+50.0%", true, true, ""},
		{"orders 25%", 125, 100, true, "同比增长25%", "up 25% year on year", "+25.0%", false, true, ""},
		{"decline 12.3%", 877, 1000, true, "同比下降12%以上", "down over 12% year on year", "-12.3%", true, true, ""},
		{"decline exactly 12%", 88, 100, true, "同比下降12%", "down 12% year on year", "-12.0%", false, true, ""},
		{"flat", 500, 500, true, "与上年同期持平", "unchanged year on year", "0.0%", false, true, ""},
		{"under 1%", 1004, 1000, true, "同比增长0.4%", "up 0.4% year on year", "+0.4%", false, true, ""},
		{"under 1% inexact", 10045, 10000, true, "同比增长0.4%以上", "up over 0.4% year on year", "+0.5%", true, true, ""},
		{"under 0.1%", 100001, 100000, true, "同比增长不足0.1%", "up less than 0.1% year on year", "+0.0%", true, true, ""},
		{"half up on exact", 10005, 10000, true, "同比增长不足0.1%", "up less than 0.1% year on year", "+0.1%", true, true, ""},
		{"doubled and more", 350, 100, true, "同比增长250%", "up 250% year on year", "+250.0%", false, true, ""},
		{"down to zero", 0, 100, true, "同比下降100%", "down 100% year on year", "-100.0%", false, true, ""},
		{"no previous", 100, 0, false, Dash, Dash, Dash, false, false, ReasonNoPrevious},
		{"previous zero", 100, 0, true, Dash, Dash, Dash, false, false, ReasonPreviousZero},
		{"previous negative", 100, -5, true, Dash, Dash, Dash, false, false, ReasonPreviousNegative},
		{"extremes do not overflow", math.MaxInt64, 1, true, "同比增长922337203685477580600%", "up 922337203685477580600% year on year", "+922337203685477580600.0%", false, true, ""},
		{"min to max", math.MinInt64, math.MaxInt64, true, "同比下降200%以上", "down over 200% year on year", "-200.0%", true, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := Growth(c.cur, c.prev, c.hasPrev)
			if f.Text != c.text || f.En != c.en || f.Exact != c.exact || f.Rounded != c.rounded || f.OK != c.ok || f.ReasonKey != c.reason {
				t.Errorf("Growth(%d, %d) = %+v\nwant %q %q %q rounded=%v ok=%v reason=%q", c.cur, c.prev, f, c.text, c.en, c.exact, c.rounded, c.ok, c.reason)
			}
			if !f.OK && (f.Reason == "" || f.ReasonEn == "") {
				t.Errorf("not computable without reason text: %+v", f)
			}
		})
	}
	if r := Growth(1, 0, false).Reason; r != "上年同期无数据" {
		t.Errorf("reason = %q", r)
	}
}

func TestPercent(t *testing.T) {
	cases := []struct {
		num, den    int64
		text, exact string
		rounded, ok bool
	}{
		{7, 8, "87.5%", "7/8", false, true},
		{35, 40, "87.5%", "35/40", false, true},
		{2, 3, "66.7%", "2/3", true, true},
		{1, 3, "33.3%", "1/3", true, true},
		{1, 2000, "0.1%", "1/2000", true, true}, // 0.05% rounds half up
		{1, 2001, "0.0%", "1/2001", true, true},
		{40, 40, "100.0%", "40/40", false, true},
		{0, 40, "0.0%", "0/40", false, true},
		{5, 0, Dash, Dash, false, false},
	}
	for _, c := range cases {
		f := Percent(c.num, c.den)
		if f.Text != c.text || f.Exact != c.exact || f.Rounded != c.rounded || f.OK != c.ok {
			t.Errorf("Percent(%d, %d) = %+v, want %q %q %v %v", c.num, c.den, f, c.text, c.exact, c.rounded, c.ok)
		}
	}
	if f := Percent(5, 0); f.ReasonKey != ReasonZeroBase || f.Reason != "基数为零" {
		t.Errorf("zero base: %+v", f)
	}
}

func TestDays(t *testing.T) {
	if f := SafeDays(365); f.Text != "连续安全生产365天" || f.Exact != "365天" || f.En != "365 days in a row without a major accident" {
		t.Errorf("SafeDays = %+v", f)
	}
	if f := Days(1); f.En != "1 day" {
		t.Errorf("Days(1).En = %q", f.En)
	}
	if f := Days(1500); f.Text != "1500天" || f.En != "1,500 days" {
		t.Errorf("Days(1500) = %+v", f)
	}
}

func TestDates(t *testing.T) {
	aug := time.Date(2021, 8, 31, 0, 0, 0, 0, rules.Location())
	jan := time.Date(2022, 1, 1, 0, 0, 0, 0, rules.Location())
	cases := []struct{ got, want string }{
		{Month(aug, "zh-CN"), "2021年8月"},
		{Month(aug, "en"), "August 2021"},
		{Date(aug, "zh-CN"), "2021年8月31日"},
		{Date(aug, "en"), "31 August 2021"},
		{MonthOnly(aug, "zh-CN"), "8月"},
		{MonthRange(aug, "zh-CN"), "1—8月"},
		{MonthRange(aug, "en"), "January–August"},
		{MonthRange(jan, "zh-CN"), "1月"},
		{MonthRange(jan, "en"), "January"},
		{UpTo(aug, "zh-CN"), "截至8月份"},
		{UpTo(aug, "en"), "as of the end of August"},
		{Month(jan, "en-GB"), "January 2022"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}

func TestFigureIn(t *testing.T) {
	f := Count(1736)
	if f.In("zh-CN") != "1700余" || f.In("en") != "over 1,700" || f.ExactIn("zh-CN") != "1736" || f.ExactIn("en") != "1,736" {
		t.Errorf("In/ExactIn: %+v", f)
	}
	nc := Growth(1, 0, false)
	if nc.ReasonIn("en") != "no figure for the same period last year" || nc.ReasonIn("zh-CN") != "上年同期无数据" {
		t.Errorf("ReasonIn: %+v", nc)
	}
}
