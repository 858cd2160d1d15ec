// Package rules is the one place where redgrid keeps the numbers that come
// from regulations, standards and local practice. Each value names its
// source; where a value is local practice it is marked so and is meant to be
// overridden by configuration rather than edited in code.
package rules

import "time"

// Rule documents one value: what it is and where it comes from.
type Rule struct {
	Name   string
	Value  any
	Source string
}

// Security: login, sessions and passwords as 等保 2.0 (GB/T 22239-2019,
// 8.1.4.1 身份鉴别) assessments expect; the numbers are the usual assessed
// values, not fixed by the standard, and can be changed by configuration.
var (
	LoginMaxFailuresPerAccount = 5                // then the account is locked for LoginLockout
	LoginMaxFailuresPerAddress = 20               // then the address is locked for LoginLockout
	LoginFailureWindow         = 15 * time.Minute // failures older than this are forgotten
	LoginLockout               = 15 * time.Minute
	SessionIdleTimeout         = 30 * time.Minute // 等保 2.0 登录连接超时自动退出
	SessionMaxAge              = 12 * time.Hour
	PasswordMinLength          = 8 // 口令复杂度: at least 8 characters of at least 2 kinds
	PasswordMinClasses         = 2
)

// AuditRetention is the minimum time network-operation logs are kept
// (网络安全法 第二十一条: 不少于六个月).
const AuditRetention = 183 * 24 * time.Hour

// AboveScaleRevenueWan is the usual 规上 threshold (年主营业务收入 ≥ 2000 万元,
// 国家统计局 规模以上工业 definition since 2011). redgrid records the 规上
// flag as the statistics office reports it; this value is shown as guidance.
const AboveScaleRevenueWan = 2000

// Industries seeded into the dictionary: the leading industries of 城西新区
// named in the zone's own description, plus the courier industry and a
// catch-all. Admins edit the dictionary afterwards.
var SeedIndustries = []struct{ Code, Name, NameEn string }{
	{"agri_machinery", "农业机械", "Agricultural machinery"},
	{"doors", "门业", "Doors"},
	{"power_tools", "电动工具", "Power tools"},
	{"stainless", "不锈钢制品", "Stainless-steel goods"},
	{"courier", "快递物流", "Courier and logistics"},
	{"chemical", "化学工业", "Chemicals"},
	{"appliances", "家用电器", "Household appliances"},
	{"hardware", "五金制品", "Hardware"},
	{"auto_parts", "汽摩配件", "Vehicle parts"},
	{"other", "其他", "Other"},
}

// CourierIndustry is the industry code whose enterprises the dashboard and
// briefing count as courier companies (the article's 8 快递企业).
const CourierIndustry = "courier"

// SeedDepartments are the departments problems are routed to (PRODUCT.md).
var SeedDepartments = []struct{ Code, Name, NameEn string }{
	{"safety", "安监", "Work safety"},
	{"environment", "环保", "Environment"},
	{"hr", "人社", "Human resources and social security"},
	{"tax", "税务", "Taxation"},
	{"market", "市场监管", "Market regulation"},
	{"planning", "自然资源和规划", "Natural resources and planning"},
}

// All lists the rules above for the about page and documentation.
func All() []Rule {
	return []Rule{
		{"login.max_failures_per_account", LoginMaxFailuresPerAccount, "等保 2.0 GB/T 22239-2019 8.1.4.1 (local setting)"},
		{"login.max_failures_per_address", LoginMaxFailuresPerAddress, "等保 2.0 GB/T 22239-2019 8.1.4.1 (local setting)"},
		{"login.failure_window", LoginFailureWindow.String(), "等保 2.0 (local setting)"},
		{"login.lockout", LoginLockout.String(), "等保 2.0 (local setting)"},
		{"session.idle_timeout", SessionIdleTimeout.String(), "等保 2.0 GB/T 22239-2019 8.1.4.1 c"},
		{"session.max_age", SessionMaxAge.String(), "local setting"},
		{"password_min_length", PasswordMinLength, "等保 2.0 口令复杂度 (local setting)"},
		{"audit.retention", AuditRetention.String(), "网络安全法 第二十一条"},
		{"enterprise.above_scale_revenue_wan", AboveScaleRevenueWan, "国家统计局 规模以上工业企业标准 (2011)"},
	}
}

// china is China Standard Time: UTC+8 all year (no daylight saving since
// 1991), so a fixed zone needs no time-zone database on the machine.
var china = time.FixedZone("CST", 8*3600)

// Location is the zone in which dates of the registers are reckoned.
func Location() *time.Location { return china }
