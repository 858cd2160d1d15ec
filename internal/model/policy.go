package model

import (
	"encoding/json"
	"time"
)

// Delivery states of a policy to an enterprise (助企八条 兑现).
const (
	DeliveryInformed   = "informed"   // 已告知
	DeliveryApplied    = "applied"    // 已申请
	DeliveryRedeemed   = "redeemed"   // 已兑现
	DeliveryIneligible = "ineligible" // 不符合
)

// DeliveryStates lists the states in order.
var DeliveryStates = []string{DeliveryInformed, DeliveryApplied, DeliveryRedeemed, DeliveryIneligible}

// PolicyRule is a policy's eligibility rule: data over the attributes of
// rules.PolicyAttributes. Empty fields do not restrict.
type PolicyRule struct {
	IndustryIn    []string `json:"industry_in,omitempty"`
	AboveScale    *bool    `json:"above_scale,omitempty"`
	EmployeesMin  *int     `json:"employees_min,omitempty"`
	EmployeesMax  *int     `json:"employees_max,omitempty"`
	GridIn        []string `json:"grid_in,omitempty"`
	HasPartyOrg   *bool    `json:"has_party_org,omitempty"`
	FoundedBefore string   `json:"founded_before,omitempty"`
}

// Policy is one support measure with its rule and delivery counts (within
// the reader's scope).
type Policy struct {
	ID        int64        `json:"id"`
	Code      string       `json:"code"`
	Title     string       `json:"title"`
	Summary   string       `json:"summary"`
	Source    string       `json:"source"`
	Rule      PolicyRule   `json:"rule"`
	Position  int          `json:"position"`
	Active    bool         `json:"active"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	Version   int          `json:"version"`
	Counts    PolicyCounts `json:"counts"`
}

// PolicyCounts are a policy's delivery figures; amounts in yuan.
type PolicyCounts struct {
	Matched    int   `json:"matched"`
	Informed   int   `json:"informed"`
	Applied    int   `json:"applied"`
	Redeemed   int   `json:"redeemed"`
	Ineligible int   `json:"ineligible"`
	AmountYuan int64 `json:"amount_yuan"`
}

// PolicyInput is what a form or an API call supplies; Rule is the raw
// JSON object so unknown attributes can be named in the error.
type PolicyInput struct {
	Code     string          `json:"code"`
	Title    string          `json:"title"`
	Summary  string          `json:"summary"`
	Source   string          `json:"source"`
	Rule     json.RawMessage `json:"rule"`
	Position int             `json:"position"`
	Active   bool            `json:"active"`
	Version  int             `json:"version"`
}

// Delivery is the state of one policy at one enterprise.
type Delivery struct {
	ID             int64     `json:"id"`
	PolicyID       int64     `json:"policy_id"`
	EnterpriseID   int64     `json:"enterprise_id"`
	GridID         int64     `json:"grid_id"`
	State          string    `json:"state"`
	AmountYuan     *int64    `json:"amount_yuan"`
	Note           string    `json:"note"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`
	PolicyTitle    string    `json:"policy_title"`
	EnterpriseName string    `json:"enterprise_name"`
}

// DeliveryInput moves a delivery: amount_wan (万元, up to four decimals)
// is required for redeemed. Version 0 when there is no delivery yet.
type DeliveryInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	State        string `json:"state"`
	AmountWan    string `json:"amount_wan"`
	Note         string `json:"note"`
	Version      int    `json:"version"`
}

// ExpertKind is an entry of the expert kind dictionary (律师, 会计师, 工程师).
type ExpertKind = DictEntry

// Expert is one entry of the 三师助企 register.
type Expert struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	KindID    int64     `json:"kind_id"`
	KindName  string    `json:"kind_name"`
	Employer  string    `json:"employer"`
	Specialty string    `json:"specialty"`
	Active    bool      `json:"active"`
	Services  int       `json:"services"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// ExpertService is one service an expert gave an enterprise.
type ExpertService struct {
	ID             int64     `json:"id"`
	ExpertID       int64     `json:"expert_id"`
	EnterpriseID   int64     `json:"enterprise_id"`
	GridID         int64     `json:"grid_id"`
	ServedOn       time.Time `json:"served_on"`
	Topic          string    `json:"topic"`
	Outcome        string    `json:"outcome"`
	ExpertName     string    `json:"expert_name"`
	KindName       string    `json:"kind_name"`
	EnterpriseName string    `json:"enterprise_name"`
}

// ExpertServiceInput records a service; served_on is YYYY-MM-DD.
type ExpertServiceInput struct {
	ExpertID     int64  `json:"expert_id"`
	EnterpriseID int64  `json:"enterprise_id"`
	ServedOn     string `json:"served_on"`
	Topic        string `json:"topic"`
	Outcome      string `json:"outcome"`
}
