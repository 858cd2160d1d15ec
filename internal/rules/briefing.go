package rules

// How the monthly briefing (工作简报) states figures. Source: 党政机关公文
// 常用表述 as used in 城西新区's own reports ("1700余家", "60多个党组织",
// "106.5亿元", "同比增长50%以上") — local practice, configurable: the
// tables below are data read by internal/officialfmt, not code paths.

// CountTier rounds a count of things (enterprises, members, visits). A count
// n uses the first tier, in slice order, whose Min ≤ n. The count is floored
// to a multiple of Step; the result is shown divided by Divisor (Divisor/Step
// must be a power of ten: that many decimals are shown, trailing zeros
// dropped) with Unit after it, and Approx ("余"/"多") after the unit when the
// floored value is below the exact one. In English the floored value is
// written in full with "over " before it when it is below the exact one.
type CountTier struct {
	Min     int64
	Step    int64
	Divisor int64
	Unit    string
	Approx  string
}

// BriefingCountTiers: below 10 exact; 10–99 floored to tens with 多 (63 →
// "60多"); 100–9999 floored to hundreds with 余 (1736 → "1700余", 612 →
// "600余", 189 → "100余"); from 10000 in 万 with one decimal floored (12345
// → "1.2万余"); from 1亿 in 亿 with one decimal floored. A floored value equal
// to the exact one takes no 余/多 ("1700", "60", "1.2万").
var BriefingCountTiers = []CountTier{
	{Min: 100_000_000, Step: 10_000_000, Divisor: 100_000_000, Unit: "亿", Approx: "余"},
	{Min: 10_000, Step: 1_000, Divisor: 10_000, Unit: "万", Approx: "余"},
	{Min: 100, Step: 100, Divisor: 1, Approx: "余"},
	{Min: 10, Step: 10, Divisor: 1, Approx: "多"},
	{Min: 0, Step: 1, Divisor: 1},
}

// MoneyTier states an amount of yuan. The first tier (slice order) whose Min
// ≤ the amount after rounding is used. The amount is rounded half up (on the
// exact yuan, away from zero for negatives) to a multiple of Step and shown
// divided by Divisor with Unit; trailing zeros of the decimals are dropped
// ("3亿元", "106.5亿元"). EnDivisor/EnUnit give the English form of the same
// rounded amount ("10.65 billion yuan"); EnDivisor 1 writes it in full.
type MoneyTier struct {
	Min       int64
	Step      int64
	Divisor   int64
	Unit      string
	EnDivisor int64
	EnUnit    string
}

// BriefingMoneyTiers: from 1亿 in 亿元 with one decimal (0.1亿 = 1000万);
// from 1万 in 万元 with one decimal; below 1万 whole yuan.
var BriefingMoneyTiers = []MoneyTier{
	{Min: 100_000_000, Step: 10_000_000, Divisor: 100_000_000, Unit: "亿元", EnDivisor: 1_000_000_000, EnUnit: " billion yuan"},
	{Min: 10_000, Step: 1_000, Divisor: 10_000, Unit: "万元", EnDivisor: 1, EnUnit: " yuan"},
	{Min: 0, Step: 1, Divisor: 1, Unit: "元", EnDivisor: 1, EnUnit: " yuan"},
}

// Growth and rates (local practice, configurable):
//   - the exact growth is shown with one decimal, rounded half up on its
//     magnitude ("+50.8%", "-12.3%");
//   - the official phrase floors the magnitude to a whole percent and adds
//     以上 when the exact growth is above it ("同比增长50%以上"; exactly 50%
//     gives "同比增长50%"); under 1% it floors to one decimal ("同比增长0.4%以上"),
//     and under 0.1% it says "同比增长不足0.1%"; zero is "与上年同期持平";
//   - a rate of a whole (coverage, on-time) is shown with
//     BriefingRateDecimals decimals, rounded half up ("87.5%").
const (
	BriefingGrowthWord   = "同比增长"
	BriefingDeclineWord  = "同比下降"
	BriefingFlatPhrase   = "与上年同期持平"
	BriefingAboveWord    = "以上"
	BriefingRateDecimals = 1
)

// BriefingExactCounts names the briefing's counts stated exactly rather than
// by BriefingCountTiers (keys of internal/briefing; a key "k:name" is
// matched by "k"). The zone's own reports round headline totals ("1700余家企
// 业", "60多个党组织", "600余名党员") but keep work-tracking and small
// defined counts exact ("规上企业189家", "43名网格员", problems handled,
// accidents): "办结198个" must not read "办结100余个". Local practice,
// configurable.
var BriefingExactCounts = map[string]bool{
	"above_scale": true, "industries": true, "couriers": true,
	"orgs_kind": true, "full_members": true, "probationary": true,
	"grids": true, "grid_heads": true, "grid_workers": true,
	"problems_raised": true, "problems_closed": true, "problems_on_time": true,
	"problems_open": true, "problems_overdue": true,
	"stations":           true,
	"safety_inspections": true, "safety_violations": true, "safety_incidents": true,
	"major_accidents": true, "open_hazards": true,
}
