package rules

// Field work: visits (三级走访), enterprise problems (涉企问题) and their
// deadlines. Values marked local practice are 城西新区's working rules and
// are meant to be changed by administrators (dictionaries, visit rules).

// VisitFarMeters: a visit whose recorded place is farther than this from the
// enterprise's coordinates is flagged for review (local practice: a plant
// site plus the error of a phone fix in town).
const VisitFarMeters = 500

// VisitMaxAccuracyMeters: a browser fix less precise than this is stored
// but never counts as "near" (local practice, DOMAIN.md: GPS accuracy
// thresholds for proof of visit).
const VisitMaxAccuracyMeters = 1000

// Photo limits (local practice): the size of one upload, the pixels a photo
// may decode to (a decompression-bomb guard), the long side it is reduced
// to, and the number per visit.
const (
	PhotoMaxBytes  = 8 << 20
	PhotoMaxPixels = 40_000_000
	PhotoMaxSide   = 2048
	PhotosPerVisit = 6
)

// SeedVisitTopics is the topic dictionary of visits, as 城西新区's 三级走访
// records list them; administrators edit it.
var SeedVisitTopics = []struct{ Code, Name, NameEn string }{
	{"party", "党建指导", "Party-building guidance"},
	{"safety", "安全生产", "Work safety"},
	{"policy", "政策宣传", "Policy outreach"},
	{"problems", "问题收集", "Collecting problems"},
	{"epidemic", "疫情防控", "Epidemic prevention"},
	{"talent", "人才招引", "Recruiting talent"},
}

// SeedProblemCategories are the problem categories with the department they
// go to and the deadline in working days (local practice of the zone's
// 涉企问题 handling: 5 working days for most, 10 for those needing
// planning or a site survey); administrators edit them.
var SeedProblemCategories = []struct {
	Code, Name, NameEn, Department string
	Days                           int
}{
	{"safety", "安全隐患", "Safety hazard", "safety", 5},
	{"environment", "环保审批与整改", "Environmental approval", "environment", 10},
	{"labour", "用工招工", "Hiring and labour", "hr", 5},
	{"tax", "税费办理", "Taxes and fees", "tax", 5},
	{"market", "证照与市场监管", "Licences and market supervision", "market", 5},
	{"land", "用地与规划", "Land and planning", "planning", 10},
}

// Visit levels' default frequency (三级走访, local practice of 城西新区):
// 网格员 every enterprise of the grid monthly, 网格长 quarterly, 主要领导
// every 规上 enterprise yearly. Stored in visit_rules and editable there.
