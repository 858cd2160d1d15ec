package rules

import "slices"

// 安全生产: the grading of production safety accidents.
//
// Source: 《生产安全事故报告和调查处理条例》(国务院令第493号, 2007) 第三条:
// 根据生产安全事故造成的人员伤亡或者直接经济损失，事故一般分为以下等级：
//
//	特别重大事故: 30人以上死亡，或者100人以上重伤（包括急性工业中毒），或者1亿元以上直接经济损失；
//	重大事故:     10人以上30人以下死亡，或者50人以上100人以下重伤，或者5000万元以上1亿元以下直接经济损失；
//	较大事故:     3人以上10人以下死亡，或者10人以上50人以下重伤，或者1000万元以上5000万元以下直接经济损失；
//	一般事故:     3人以下死亡，或者10人以下重伤，或者1000万元以下直接经济损失。
//
// 本条所称的"以上"包括本数，所称的"以下"不包括本数 (第三条第三款): a
// figure equal to a bracket's lower bound belongs to that bracket.
const SafetyRegulation = "《生产安全事故报告和调查处理条例》(国务院令第493号) 第三条"

// Incident severities, lowest first.
const (
	SeverityGeneral         = "general"          // 一般事故
	SeverityLarger          = "larger"           // 较大事故
	SeverityMajor           = "major"            // 重大事故
	SeverityEspeciallyMajor = "especially_major" // 特别重大事故
)

// Severities lists the severities from lowest to highest.
var Severities = []string{SeverityGeneral, SeverityLarger, SeverityMajor, SeverityEspeciallyMajor}

// SeverityBracket is the lower bound of a severity: an incident reaching
// any one of the three figures is at least of this severity.
type SeverityBracket struct {
	Severity        string
	Deaths          int   // 死亡人数 ≥
	SeriousInjuries int   // 重伤人数（含急性工业中毒）≥
	LossYuan        int64 // 直接经济损失 ≥ (yuan; the regulation writes 万元/亿元)
}

// SeverityBrackets are the brackets of 第三条, highest first. 一般 has no
// lower bound: everything below 较大 is 一般.
var SeverityBrackets = []SeverityBracket{
	{SeverityEspeciallyMajor, 30, 100, 100_000_000}, // 1亿元
	{SeverityMajor, 10, 50, 50_000_000},             // 5000万元
	{SeverityLarger, 3, 10, 10_000_000},             // 1000万元
}

// Severity derives an incident's severity from its figures: the highest
// bracket any one figure reaches.
func Severity(deaths, seriousInjuries int, lossYuan int64) string {
	for _, b := range SeverityBrackets {
		if deaths >= b.Deaths || seriousInjuries >= b.SeriousInjuries || lossYuan >= b.LossYuan {
			return b.Severity
		}
	}
	return SeverityGeneral
}

// SeverityRank orders severities (一般 0 … 特别重大 3; -1 unknown).
func SeverityRank(s string) int { return slices.Index(Severities, s) }

// MajorSeverities are the severities that count as a 重大安全生产事故 for
// the zone's figure "未发生重大安全生产事故" and the one-vote veto (一票否决)
// of 安全生产 assessments: 重大 and 特别重大 as graded by 第三条 (local
// practice of the assessment; 较大 accidents are reported but do not veto).
var MajorSeverities = []string{SeverityMajor, SeverityEspeciallyMajor}

// IsMajorAccident reports whether a severity counts as a major accident.
func IsMajorAccident(severity string) bool { return slices.Contains(MajorSeverities, severity) }

// Hazard levels of 事故隐患 (《安全生产事故隐患排查治理暂行规定》, 国家安全生产
// 监督管理总局令第16号, 第三条: 一般事故隐患 and 重大事故隐患).
const (
	HazardOrdinary = "ordinary" // 一般隐患
	HazardMajor    = "major"    // 重大隐患
)

// HazardLevels lists the hazard levels.
var HazardLevels = []string{HazardOrdinary, HazardMajor}

// Safety record limits (local practice: a register entry, not a report).
const (
	SafetyDescriptionMax = 1000 // characters
	SafetyFollowUpMax    = 2000
	SafetyMaxPeople      = 100_000           // deaths or injuries: a sanity bound
	SafetyMaxLossYuan    = 1_000_000_000_000 // 1万亿元: a sanity bound
)
