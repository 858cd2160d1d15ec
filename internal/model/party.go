package model

import "time"

// Party organization kinds, stored as codes.
const (
	OrgCommittee        = "committee"         // 党委 (also 党工委)
	OrgGeneralBranch    = "general_branch"    // 党总支
	OrgBranch           = "branch"            // 党支部
	OrgJointBranch      = "joint_branch"      // 联合党支部
	OrgFunctionalBranch = "functional_branch" // 功能性党支部
)

// OrgKinds in display order.
var OrgKinds = []string{OrgCommittee, OrgGeneralBranch, OrgBranch, OrgJointBranch, OrgFunctionalBranch}

// IsBranchKind reports whether kind is a branch of some sort.
func IsBranchKind(kind string) bool {
	return kind == OrgBranch || kind == OrgJointBranch || kind == OrgFunctionalBranch
}

// Coverage kinds: how an organization covers an enterprise.
const (
	CoverOwn        = "own"        // the enterprise's own organization
	CoverJoint      = "joint"      // one unit of a 联合党支部
	CoverFunctional = "functional" // a 功能性党支部 working in the enterprise
)

// CoverageKinds in display order.
var CoverageKinds = []string{CoverOwn, CoverJoint, CoverFunctional}

// Party posts.
const (
	PostSecretary       = "secretary"        // 书记
	PostDeputySecretary = "deputy_secretary" // 副书记
	PostOrganization    = "organization"     // 组织委员
	PostPropaganda      = "propaganda"       // 宣传委员
	PostDiscipline      = "discipline"       // 纪检委员
)

// Posts in display order.
var Posts = []string{PostSecretary, PostDeputySecretary, PostOrganization, PostPropaganda, PostDiscipline}

// Member categories.
const (
	CategoryFull         = "full"         // 正式党员
	CategoryProbationary = "probationary" // 预备党员
)

// MemberCategories in display order.
var MemberCategories = []string{CategoryFull, CategoryProbationary}

// 党籍 statuses: a closed list.
const (
	MemberNormal    = "normal"    // 正常
	MemberSuspended = "suspended" // 停止党籍
	MemberLost      = "lost"      // 失联
	MemberLeft      = "left"      // 出党
	MemberDeceased  = "deceased"  // 死亡
)

// MemberStatuses in display order.
var MemberStatuses = []string{MemberNormal, MemberSuspended, MemberLost, MemberLeft, MemberDeceased}

// Position kinds of a member at the employer.
const (
	PositionManager   = "manager"   // 管理人员
	PositionFrontline = "frontline" // 一线员工
	PositionTechnical = "technical" // 技术人员
)

// PositionKinds in display order ("" is allowed: not recorded).
var PositionKinds = []string{PositionManager, PositionFrontline, PositionTechnical}

// Educations: the closed list of 学历 used by forms and imports.
var Educations = []string{"研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"}

// Organization is a party organization of the register.
type Organization struct {
	ID        int64      `json:"id"`
	Code      string     `json:"code"`
	Name      string     `json:"name"`
	ShortName string     `json:"short_name"`
	Kind      string     `json:"kind"`
	ParentID  int64      `json:"parent_id,omitempty"`
	Path      string     `json:"path"`
	FoundedOn *time.Time `json:"founded_on,omitempty"`
	TermStart *time.Time `json:"term_start,omitempty"`
	TermYears int        `json:"term_years"` // effective: stored value or the rule default
	TermEnd   *time.Time `json:"term_end,omitempty"`
	Village   bool       `json:"village"` // 村/社区: the longer term applies
	Notes     string     `json:"notes"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int        `json:"version"`

	// Derived for display.
	ParentName   string `json:"parent_name,omitempty"`
	Depth        int    `json:"depth"`
	FullMembers  int    `json:"full_members"`         // 正式党员 in this organization itself
	Probationary int    `json:"probationary_members"` // 预备党员 in this organization itself
	Units        int    `json:"units"`                // enterprises covered now
}

// OrgCoverage is one enterprise covered by an organization.
type OrgCoverage struct {
	ID             int64      `json:"id"`
	OrgID          int64      `json:"org_id"`
	EnterpriseID   int64      `json:"enterprise_id"`
	Kind           string     `json:"kind"`
	Since          time.Time  `json:"since"`
	Until          *time.Time `json:"until,omitempty"`
	OrgName        string     `json:"org_name"`
	EnterpriseName string     `json:"enterprise_name"`
}

// OrgPost is a post held by a member.
type OrgPost struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"org_id"`
	MemberID   int64      `json:"member_id"`
	Post       string     `json:"post"`
	StartedOn  time.Time  `json:"started_on"`
	EndedOn    *time.Time `json:"ended_on,omitempty"`
	MemberName string     `json:"member_name"`
	OrgName    string     `json:"org_name"`
}

// Alliance is a 党建联盟: a named group of organizations.
type Alliance struct {
	ID        int64      `json:"id"`
	Code      string     `json:"code"`
	Name      string     `json:"name"`
	FoundedOn *time.Time `json:"founded_on,omitempty"`
	Notes     string     `json:"notes"`
	OrgIDs    []int64    `json:"org_ids"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int        `json:"version"`

	// Derived.
	OrgNames []string `json:"org_names,omitempty"`
	Members  int      `json:"members"` // members of the member organizations
}

// Member is a party member. IDMasked and PhoneMasked are what lists show;
// the full values are only in MemberSecret, which is revealed on purpose.
type Member struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	IDMasked     string     `json:"id_number_masked"`
	IDOverride   string     `json:"id_override,omitempty"` // reason an irregular ID was accepted
	Sex          string     `json:"sex"`                   // male, female (from the ID number)
	BirthDate    time.Time  `json:"birth_date"`
	PhoneMasked  string     `json:"phone_masked"`
	Ethnicity    string     `json:"ethnicity"`
	Education    string     `json:"education"`
	Category     string     `json:"category"`
	AppliedOn    *time.Time `json:"applied_on,omitempty"`
	ActivistOn   *time.Time `json:"activist_on,omitempty"`
	CandidateOn  *time.Time `json:"candidate_on,omitempty"`
	AdmittedOn   *time.Time `json:"admitted_on,omitempty"`
	FullOn       *time.Time `json:"full_on,omitempty"`
	Status       string     `json:"status"`
	Mobile       bool       `json:"mobile"` // 流动党员
	OrgID        int64      `json:"org_id,omitempty"`
	EnterpriseID int64      `json:"enterprise_id,omitempty"`
	PositionKind string     `json:"position_kind"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int        `json:"version"`

	// Joined for display.
	OrgName        string    `json:"org_name,omitempty"`
	EnterpriseName string    `json:"enterprise_name,omitempty"`
	Posts          []OrgPost `json:"posts,omitempty"`
	InTransit      bool      `json:"in_transit"`
}

// PartyYears is 党龄 in whole years at now, counted from full membership;
// -1 when the member is not yet full.
func (m *Member) PartyYears(now time.Time) int {
	if m.FullOn == nil {
		return -1
	}
	return yearsBetween(*m.FullOn, now)
}

// Age in whole years at now.
func (m *Member) Age(now time.Time) int { return yearsBetween(m.BirthDate, now) }

func yearsBetween(from, to time.Time) int {
	y := to.Year() - from.Year()
	if to.Month() < from.Month() || (to.Month() == from.Month() && to.Day() < from.Day()) {
		y--
	}
	return max(y, 0)
}

// MemberSecret holds a member's decrypted personal data.
type MemberSecret struct {
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

// MemberInput is what a form, an import or an API call supplies. Dates
// are YYYY-MM-DD or "".
type MemberInput struct {
	Name         string `json:"name"`
	IDNumber     string `json:"id_number"`
	IDOverride   string `json:"id_override"` // a reason: accept an ID that fails the check
	Phone        string `json:"phone"`
	Ethnicity    string `json:"ethnicity"`
	Education    string `json:"education"`
	Category     string `json:"category"`
	AppliedOn    string `json:"applied_on"`
	ActivistOn   string `json:"activist_on"`
	CandidateOn  string `json:"candidate_on"`
	AdmittedOn   string `json:"admitted_on"`
	FullOn       string `json:"full_on"`
	Status       string `json:"status"`
	Mobile       bool   `json:"mobile"`
	OrgID        int64  `json:"org_id"`
	EnterpriseID int64  `json:"enterprise_id"`
	PositionKind string `json:"position_kind"`
}

// MemberFilter selects members for a list. Zero values mean "any".
type MemberFilter struct {
	Keyword      string // name prefix or a full ID number / phone (matched by keyed hash)
	OrgID        int64  // the organization and its descendants
	EnterpriseID int64
	Category     string
	Status       string // "" = any; default lists pass "normal"
	Mobile       *bool
	Cursor       string
	Limit        int
}

// MemberPage is one page of members.
type MemberPage struct {
	Items      []Member
	NextCursor string
	PrevCursor string
}

// MemberCounts are counts by category and status.
type MemberCounts struct {
	Full         int            `json:"full"`         // 正式, 党籍 normal
	Probationary int            `json:"probationary"` // 预备, 党籍 normal
	ByStatus     map[string]int `json:"by_status"`    // every category
	Total        int            `json:"total"`        // every status
}

// Transfer kinds and states (组织关系转接).
const (
	TransferIn     = "in"     // from outside the system
	TransferOut    = "out"    // to outside the system
	TransferWithin = "within" // between two organizations of the system

	TransferInitiated = "initiated"  // 发起
	TransferApproved  = "approved"   // 转出审批
	TransferInTransit = "in_transit" // 在途
	TransferReceived  = "received"   // 已接收
	TransferReturned  = "returned"   // 退回
	TransferCancelled = "cancelled"  // 撤销
)

// TransferKinds and TransferStates in display order.
var (
	TransferKinds  = []string{TransferIn, TransferOut, TransferWithin}
	TransferStates = []string{TransferInitiated, TransferApproved, TransferInTransit, TransferReceived, TransferReturned, TransferCancelled}
)

// TransferOpen reports whether a transfer in state is still open.
func TransferOpen(state string) bool {
	return state == TransferInitiated || state == TransferApproved || state == TransferInTransit
}

// Transfer is a move of a member's organizational relationship.
type Transfer struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	MemberID   int64     `json:"member_id"`
	FromOrgID  int64     `json:"from_org_id,omitempty"`
	FromName   string    `json:"from_name"` // the sending organization (outside, or copied)
	ToOrgID    int64     `json:"to_org_id,omitempty"`
	ToName     string    `json:"to_name"`
	LetterNo   string    `json:"letter_no"`
	DuesPaidTo string    `json:"dues_paid_to"` // YYYY-MM
	IssuedOn   time.Time `json:"issued_on"`
	ValidUntil time.Time `json:"valid_until"`
	State      string    `json:"state"`
	Reason     string    `json:"reason"` // for 退回 and 撤销
	SurveyID   int64     `json:"survey_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"`

	// Joined and derived.
	MemberName  string `json:"member_name"`
	MemberID18  string `json:"member_id_masked"`
	Expired     bool   `json:"expired"` // open and past its validity
	CreatedByID int64  `json:"-"`
}

// TransferInput starts a transfer. For kind "in", Member describes the
// incoming member (created in transit, joining ToOrgID on receipt) unless
// MemberID names one already in the register without an organization.
type TransferInput struct {
	Kind       string       `json:"kind"`
	MemberID   int64        `json:"member_id"`
	Member     *MemberInput `json:"member,omitempty"`
	FromName   string       `json:"from_name"`
	ToOrgID    int64        `json:"to_org_id"`
	ToName     string       `json:"to_name"`
	LetterNo   string       `json:"letter_no"`
	DuesPaidTo string       `json:"dues_paid_to"`
	IssuedOn   string       `json:"issued_on"`
	ValidDays  int          `json:"valid_days"` // default rules.TransferValidDays
	SurveyID   int64        `json:"-"`
}

// TransferFilter selects transfers.
type TransferFilter struct {
	OrgID   int64 // sending or receiving, subtree
	State   string
	Kind    string
	Open    bool // only open transfers
	Expired bool // only open and expired
	Cursor  string
	Limit   int
}

// Survey willingness to move the relationship.
const (
	WillingYes     = "willing"
	WillingMaybe   = "considering"
	WillingNo      = "unwilling"
	WillingUnknown = "unknown"
)

// Willingnesses in display order.
var Willingnesses = []string{WillingYes, WillingMaybe, WillingNo, WillingUnknown}

// Survey is a 党员排摸 record.
type Survey struct {
	ID            int64        `json:"id"`
	Name          string       `json:"name"`
	PhoneMasked   string       `json:"phone_masked"`
	EnterpriseID  int64        `json:"enterprise_id"`
	Category      string       `json:"category"`
	RelationPlace string       `json:"relation_place"`
	Willingness   string       `json:"willingness"`
	Notes         string       `json:"notes"`
	SurveyedOn    time.Time    `json:"surveyed_on"`
	TransferID    int64        `json:"transfer_id,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	Version       int          `json:"version"`
	FollowUps     []SurveyNote `json:"follow_ups,omitempty"`

	EnterpriseName string `json:"enterprise_name"`
	GridName       string `json:"grid_name"`
}

// SurveyNote is one follow-up note.
type SurveyNote struct {
	ID        int64     `json:"id"`
	Note      string    `json:"note"`
	By        string    `json:"by"`
	CreatedAt time.Time `json:"created_at"`
}

// SurveyInput is what a form or API call supplies.
type SurveyInput struct {
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	EnterpriseID  int64  `json:"enterprise_id"`
	Category      string `json:"category"`
	RelationPlace string `json:"relation_place"`
	Willingness   string `json:"willingness"`
	Notes         string `json:"notes"`
	SurveyedOn    string `json:"surveyed_on"`
}

// SurveyFilter selects surveys.
type SurveyFilter struct {
	Keyword      string
	EnterpriseID int64
	GridID       int64
	Willingness  string
	Converted    *bool
	Cursor       string
	Limit        int
}

// BranchCandidate is an enterprise with party members but no branch of its
// own: 可建支部 at ≥ 3 full members, a 联合党支部 candidate at 1–2.
type BranchCandidate struct {
	EnterpriseID   int64  `json:"enterprise_id"`
	EnterpriseName string `json:"enterprise_name"`
	GridID         int64  `json:"grid_id"`
	GridName       string `json:"grid_name"`
	IndustryID     int64  `json:"industry_id"`
	IndustryName   string `json:"industry_name"`
	Registered     int    `json:"registered_full"` // 正式党员 in the register working there
	Surveyed       int    `json:"surveyed_full"`   // 正式党员 found by 排摸, not yet transferred
	Full           int    `json:"full"`            // the sum
	Covered        string `json:"covered_by,omitempty"`
}
