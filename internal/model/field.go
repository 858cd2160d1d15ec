package model

import "time"

// Visit levels (三级走访).
const (
	LevelLeader     = "leader"      // 主要领导
	LevelGridHead   = "grid_head"   // 网格长
	LevelGridWorker = "grid_worker" // 网格员
)

// VisitLevels lists the levels from the top.
var VisitLevels = []string{LevelLeader, LevelGridHead, LevelGridWorker}

// Coverage periods and scopes of a visit rule.
var (
	VisitPeriods = []string{"month", "quarter", "half", "year"}
	VisitScopes  = []string{"all", "above_scale"}
)

// VisitRule is how often one level visits which enterprises.
type VisitRule struct {
	Level  string `json:"level"`
	Period string `json:"period"`
	Scope  string `json:"scope"`
}

// Topic is an entry of the visit topic dictionary.
type Topic = DictEntry

// DictEntry is one entry of a small admin dictionary (visit topics, expert
// kinds): a code, names in both locales, an order and an active flag.
type DictEntry struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
}

// Visit is one visit of an enterprise.
type Visit struct {
	ID             int64     `json:"id"`
	EnterpriseID   int64     `json:"enterprise_id"`
	GridID         int64     `json:"grid_id"`
	Level          string    `json:"level"`
	VisitorID      int64     `json:"visitor_id"`
	VisitedAt      time.Time `json:"visited_at"`
	Topics         []string  `json:"topics"`
	Notes          string    `json:"notes"`
	Lat            *float64  `json:"lat"`
	Lng            *float64  `json:"lng"`
	AccuracyM      *float64  `json:"accuracy_m"`
	DistanceM      *float64  `json:"distance_m"`
	Far            bool      `json:"far"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`
	EnterpriseName string    `json:"enterprise_name"`
	VisitorName    string    `json:"visitor_name"`
	Photos         []int64   `json:"photo_ids,omitempty"`
	Problems       []int64   `json:"problem_ids,omitempty"`
}

// VisitInput is a visit as a form or the API sends it.
type VisitInput struct {
	EnterpriseID int64    `json:"enterprise_id"`
	VisitedAt    string   `json:"visited_at"` // RFC 3339 or "2006-01-02T15:04" local; "" = now
	Topics       []string `json:"topics"`
	Notes        string   `json:"notes"`
	Lat          *float64 `json:"lat"`
	Lng          *float64 `json:"lng"`
	AccuracyM    *float64 `json:"accuracy_m"`
	IdemKey      string   `json:"idempotency_key"`
	// Problems raised during the visit.
	Problems []ProblemInput `json:"problems"`
	Photos   []PhotoInput   `json:"-"`
	Version  int            `json:"version"`
	Reason   string         `json:"reason"` // of a correction
}

// PhotoInput is an uploaded photo, not yet checked.
type PhotoInput struct {
	Name string
	Data []byte
}

// Problem states (涉企问题 lifecycle).
const (
	PRegistered   = "registered"   // 已登记
	PAccepted     = "accepted"     // 已受理
	PAssigned     = "assigned"     // 已派单
	PInProgress   = "in_progress"  // 处理中
	PResolved     = "resolved"     // 已办结
	PUnresolvable = "unresolvable" // 无法解决
	PNotOurs      = "not_ours"     // 非本部门职责
	PDuplicate    = "duplicate"    // 重复
	PClosed       = "closed"       // 已关闭
	PReopened     = "reopened"     // 已重开
)

// ProblemStates lists the states in flow order.
var ProblemStates = []string{PRegistered, PAccepted, PAssigned, PInProgress, PResolved, PUnresolvable, PNotOurs,
	PDuplicate, PClosed, PReopened}

// ProblemOpen reports whether a problem in state st still waits for
// handling (and so can be overdue).
func ProblemOpen(st string) bool {
	switch st {
	case PRegistered, PAccepted, PAssigned, PInProgress, PNotOurs, PReopened:
		return true
	}
	return false
}

// Urgencies, sources and satisfaction answers of problems.
var (
	Urgencies     = []string{"normal", "urgent", "critical"}
	Sources       = []string{"visit", "phone", "self_report"}
	Satisfactions = []string{"satisfied", "basic", "unsatisfied"}
)

// Category is a problem category: where it goes and in how many working days.
type Category struct {
	ID             int64  `json:"id"`
	Code           string `json:"code"`
	Name           string `json:"name"`
	NameEn         string `json:"name_en"`
	DepartmentID   int64  `json:"department_id"`
	DeadlineDays   int    `json:"deadline_days"`
	Position       int    `json:"position"`
	Active         bool   `json:"active"`
	DepartmentName string `json:"department_name"`
}

// Problem is an enterprise problem.
type Problem struct {
	ID             int64      `json:"id"`
	EnterpriseID   int64      `json:"enterprise_id"`
	GridID         int64      `json:"grid_id"`
	CategoryID     int64      `json:"category_id"`
	DepartmentID   int64      `json:"department_id"`
	Description    string     `json:"description"`
	Urgency        string     `json:"urgency"`
	Source         string     `json:"source"`
	VisitID        int64      `json:"visit_id"`
	State          string     `json:"state"`
	DueOn          *time.Time `json:"due_on"`
	Overdue        bool       `json:"overdue"`
	EscalatedAt    *time.Time `json:"escalated_at"`
	ResolvedAt     *time.Time `json:"resolved_at"`
	HandlingDays   *int       `json:"handling_days"`
	OnTime         *bool      `json:"on_time"`
	DuplicateOf    int64      `json:"duplicate_of"`
	Reason         string     `json:"reason"`
	Resolution     string     `json:"resolution"`
	Satisfaction   string     `json:"satisfaction"`
	ReopenCount    int        `json:"reopen_count"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Version        int        `json:"version"`
	EnterpriseName string     `json:"enterprise_name"`
	CategoryName   string     `json:"category_name"`
	DepartmentName string     `json:"department_name"`
	GridName       string     `json:"grid_name"`
}

// ProblemInput registers a problem.
type ProblemInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	CategoryID   int64  `json:"category_id"`
	Description  string `json:"description"`
	Urgency      string `json:"urgency"`
	Source       string `json:"source"`
	IdemKey      string `json:"idempotency_key"`
}

// ProblemEvent is one entry of a problem's timeline.
type ProblemEvent struct {
	ID             int64     `json:"id"`
	At             time.Time `json:"at"`
	ActorName      string    `json:"actor_name"`
	Kind           string    `json:"kind"`
	FromState      string    `json:"from_state"`
	ToState        string    `json:"to_state"`
	DepartmentID   int64     `json:"department_id"`
	DepartmentName string    `json:"department_name"`
	Note           string    `json:"note"`
}

// ProblemFilter selects problems for a list.
type ProblemFilter struct {
	State        string
	Open         bool
	Overdue      bool
	GridID       int64
	EnterpriseID int64
	DepartmentID int64
	CategoryID   int64
	Cursor       string
	Limit        int
}
