package model

import "time"

// Safety record kinds (安全生产).
const (
	SafetyInspection = "inspection" // 检查
	SafetyViolation  = "violation"  // 违法违规 / 隐患
	SafetyIncident   = "incident"   // 事故
)

// SafetyKinds lists the kinds in display order.
var SafetyKinds = []string{SafetyInspection, SafetyViolation, SafetyIncident}

// SafetyRecord is one entry of an enterprise's safety register. Severity
// and the figures are an incident's; hazard level and the rectification a
// violation's.
type SafetyRecord struct {
	ID              int64      `json:"id"`
	EnterpriseID    int64      `json:"enterprise_id"`
	GridID          int64      `json:"grid_id"`
	Kind            string     `json:"kind"`
	OccurredOn      time.Time  `json:"occurred_on"`
	Description     string     `json:"description"`
	FollowUp        string     `json:"follow_up"`
	Severity        string     `json:"severity,omitempty"`
	Deaths          int        `json:"deaths"`
	SeriousInjuries int        `json:"serious_injuries"`
	LossYuan        int64      `json:"loss_yuan"`
	HazardLevel     string     `json:"hazard_level,omitempty"`
	Open            bool       `json:"open"` // a violation not rectified yet
	RectifiedOn     *time.Time `json:"rectified_on"`
	RectifyNote     string     `json:"rectify_note"`
	ProblemID       int64      `json:"problem_id,omitempty"`
	CreatedBy       int64      `json:"created_by,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Version         int        `json:"version"`

	EnterpriseName string `json:"enterprise_name"`
	GridName       string `json:"grid_name"`
	CreatedByName  string `json:"created_by_name"`
}

// SafetyInput is what a form or an API call supplies. LossWan is the
// direct economic loss in 万元 (up to four decimals, kept exactly as yuan).
// RaiseProblem registers an enterprise problem with the record (category
// ProblemCategoryID, default 安全隐患); ProblemID links an existing one.
type SafetyInput struct {
	EnterpriseID      int64  `json:"enterprise_id"`
	Kind              string `json:"kind"`
	OccurredOn        string `json:"occurred_on"` // YYYY-MM-DD
	Description       string `json:"description"`
	FollowUp          string `json:"follow_up"`
	Severity          string `json:"severity"` // optional: derived from the figures, may only be set higher
	Deaths            int    `json:"deaths"`
	SeriousInjuries   int    `json:"serious_injuries"`
	LossWan           string `json:"loss_wan"`
	HazardLevel       string `json:"hazard_level"`
	ProblemID         int64  `json:"problem_id"`
	RaiseProblem      bool   `json:"raise_problem"`
	ProblemCategoryID int64  `json:"problem_category_id"`
	Version           int    `json:"version"`
}

// SafetyRectify closes a hazard: the date and what was done.
type SafetyRectify struct {
	RectifiedOn string `json:"rectified_on"` // YYYY-MM-DD
	Note        string `json:"note"`
	Version     int    `json:"version"`
}
