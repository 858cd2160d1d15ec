package rules

// Party-organization composition and term rules (DOMAIN.md rules 1–6).
// Thresholds a local committee may tune are marked; the rest are national.
var (
	// BranchMinFullMembers: a unit with at least this many 正式党员 shall
	// set up a 党支部; a branch below it is flagged.
	// 中国共产党支部工作条例（试行） 第四条.
	BranchMinFullMembers = 3

	// BranchMaxMembers: a branch generally has no more than this many
	// members. 支部工作条例 第四条.
	BranchMaxMembers = 50

	// CommitteeFullMembers: a branch with at least this many 正式党员 elects
	// a 支部委员会. 支部工作条例 第六章 (第十八条).
	CommitteeFullMembers = 7

	// JointBranchMaxUnits: a 联合党支部 generally covers no more than this
	// many units. 支部工作条例 第二章 (第五条).
	JointBranchMaxUnits = 5

	// GeneralBranchMembers and BasicCommitteeMembers: above 50 members a
	// 党总支 may be set up with approval; at 100 or more a 基层党委.
	// 中国共产党章程 / 国有企业基层组织工作条例（试行） 第四条.
	GeneralBranchMembers  = 50
	BasicCommitteeMembers = 100

	// TermYears is the term of a basic organization's committee; village and
	// community branches serve TermYearsVillage. 支部工作条例 第六章;
	// 基层组织选举工作条例 (2020) 第三条. Configurable per organization.
	TermYears        = 3
	TermYearsVillage = 5

	// TermWarnMonths: a term ending within this many months is flagged
	// (local practice: reminders at T−6 and T−1 months).
	TermWarnMonths = 6

	// TermMaxDelayYears: delaying or advancing a 换届 needs superior approval
	// and may not exceed this. 基层组织选举工作条例 第五条.
	TermMaxDelayYears = 1
)

// Organizational relationship transfers (DOMAIN.md rules 23–24).
var (
	// TransferValidDays is the default validity of a 组织关系介绍信: local
	// practice is about 10 days; 组通字〔2006〕45号 caps it at 3 months.
	TransferValidDays    = 30
	TransferMaxValidDays = 90

	// MinAdmissionAge: applicants must be at least 18 (发展党员工作细则 第五条),
	// so admission before the 18th birthday is refused.
	MinAdmissionAge = 18

	// ProbationYears: probation lasts one year from admission (党章 第七条;
	// 细则 第三十二条), extendable once by up to a year; full membership
	// therefore falls 1–2 years after admission.
	ProbationYears    = 1
	ProbationMaxYears = 2

	// LostContactMonths: lost contact this long leads to 停止党籍
	// (党员教育管理工作条例 第二十四条).
	LostContactMonths = 6
)

// TransferLetterWarnDays: an open transfer whose 介绍信 expires within this
// many days is brought to the secretaries' inboxes, so the letter is used or
// reissued in time (中国共产党党员组织关系转接规定 on the letter's period of
// validity; the warning window is local practice).
const TransferLetterWarnDays = 7
