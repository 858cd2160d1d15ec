package rules

// Policies (助企八条) and expert services (三师助企), issue 5 parts 4–5.
//
// A policy's eligibility rule is data: a JSON object whose keys are drawn
// from PolicyAttributes, each a fixed condition over enterprise attributes
// of the register. The attributes are those the zone's 助企八条 condition
// their support on (local practice of 城西新区): industry, 规上 status as the
// statistics office reports it (see AboveScaleRevenueWan), size by
// employees, grid, a party organization covering the enterprise, and the
// founding date.

// Policy rule attributes.
const (
	PolicyIndustryIn    = "industry_in"    // industry codes, any of
	PolicyAboveScale    = "above_scale"    // true: 规上 only, false: not 规上
	PolicyEmployeesMin  = "employees_min"  // at least this many employees
	PolicyEmployeesMax  = "employees_max"  // at most this many employees
	PolicyGridIn        = "grid_in"        // grid codes, with their subtrees
	PolicyHasPartyOrg   = "has_party_org"  // a current party organization covers it
	PolicyFoundedBefore = "founded_before" // founded before this date (YYYY-MM-DD)
)

// PolicyAttributes is the fixed list a rule may name; anything else is a
// field error.
var PolicyAttributes = []string{PolicyIndustryIn, PolicyAboveScale, PolicyEmployeesMin, PolicyEmployeesMax,
	PolicyGridIn, PolicyHasPartyOrg, PolicyFoundedBefore}

// PolicyMaxEmployees bounds the employee range of a rule (a sanity limit).
const PolicyMaxEmployees = 1_000_000

// PolicyMaxAmountYuan bounds a redeemed amount: 1亿元 per enterprise and
// policy is well above any 助企八条 support (local practice).
const PolicyMaxAmountYuan = 100_000_000

// SeedExpertKinds is the dictionary of expert kinds of 三师助企 (律师、会计师、
// 工程师 as the zone's programme names them); administrators edit it.
var SeedExpertKinds = []struct{ Code, Name, NameEn string }{
	{"lawyer", "律师", "Lawyer"},
	{"accountant", "会计师", "Accountant"},
	{"engineer", "工程师", "Engineer"},
}
