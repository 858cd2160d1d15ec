package model

import "time"

// Grid levels: the zone, its areas (片区) and grids (网格).
const (
	GridZone = "zone"
	GridArea = "area"
	GridGrid = "grid"
)

// GridLevels in hierarchy order.
var GridLevels = []string{GridZone, GridArea, GridGrid}

// Grid is a node of the zone's grid hierarchy.
type Grid struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Level     string    `json:"level"`
	ParentID  int64     `json:"parent_id,omitempty"`
	Path      string    `json:"path"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`

	// Derived for display.
	ParentName  string   `json:"parent_name,omitempty"`
	Heads       []string `json:"heads,omitempty"`
	Workers     []string `json:"workers,omitempty"`
	Enterprises int      `json:"enterprises"`
	AboveScale  int      `json:"above_scale"`
	Depth       int      `json:"depth"`
}

// Industry is an entry of the admin-editable industry dictionary.
type Industry struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
}

// Department receives routed problems.
type Department struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
}

// Enterprise statuses.
const (
	StatusOperating = "operating"
	StatusSuspended = "suspended"
	StatusMovedOut  = "moved_out"
	StatusClosed    = "closed"
)

// EnterpriseStatuses in display order.
var EnterpriseStatuses = []string{StatusOperating, StatusSuspended, StatusMovedOut, StatusClosed}

// Enterprise is a market entity of the zone.
type Enterprise struct {
	ID         int64      `json:"id"`
	USCC       string     `json:"uscc"`
	Name       string     `json:"name"`
	ShortName  string     `json:"short_name"`
	IndustryID int64      `json:"industry_id"`
	AboveScale bool       `json:"above_scale"`
	GridID     int64      `json:"grid_id"`
	Address    string     `json:"address"`
	Lat        *float64   `json:"lat"`
	Lng        *float64   `json:"lng"`
	Employees  int        `json:"employees"`
	Status     string     `json:"status"`
	FoundedOn  *time.Time `json:"founded_on,omitempty"`
	LegalRep   string     `json:"legal_rep"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	DeletedAt  *time.Time `json:"deleted_at,omitempty"`
	Version    int        `json:"version"`

	// Joined for display.
	IndustryName string `json:"industry_name"`
	GridName     string `json:"grid_name"`
}

// EnterpriseFilter selects enterprises for a list. Zero values mean "any".
type EnterpriseFilter struct {
	Keyword    string
	GridID     int64 // the grid and its descendants
	IndustryID int64
	AboveScale *bool
	Status     string
	Deleted    bool   // the recycle bin instead of live rows
	Sort       string // name, -name, created, -created, employees, -employees
	Cursor     string // opaque keyset cursor from a previous page
	Limit      int
}

// EnterprisePage is one page of a list.
type EnterprisePage struct {
	Items      []Enterprise
	NextCursor string // "" on the last page
	PrevCursor string // "" on the first page
}
