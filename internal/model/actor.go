package model

import (
	"slices"
	"time"
)

// Role is an account's role. Permissions per role are in the auth package.
type Role string

// Roles, as PRODUCT.md names them.
const (
	RoleAdmin        Role = "admin"
	RoleDepartment   Role = "department"
	RoleGridHead     Role = "grid_head"
	RoleGridWorker   Role = "grid_worker"
	RoleOrgSecretary Role = "org_secretary"
	RoleMember       Role = "member"
	// RoleStationKeeper runs one or more 红色驿站: counters, loans, service log.
	RoleStationKeeper Role = "station_keeper"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleDepartment, RoleGridHead, RoleGridWorker, RoleOrgSecretary, RoleMember, RoleStationKeeper}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Scope is the data an actor may see, resolved once per request from the
// account's assignments. Store queries take it and turn it into SQL.
type Scope struct {
	All          bool    // admins: everything
	AllRead      bool    // may read every enterprise (department staff)
	GridIDs      []int64 // grids (already expanded to descendants for grid heads)
	DepartmentID int64
	OrgIDs       []int64  // organizations assigned
	OrgPaths     []string // their materialized paths: descendants share the prefix
	StationIDs   []int64  // 红色驿站 a station keeper runs
}

// Actor is who performs an action: a user, or the system for CLI and jobs.
type Actor struct {
	UserID   int64
	Username string
	Name     string
	Role     Role
	Scope    Scope
	IP       string
}

// System is the actor for command-line tools, the demo loader and jobs.
var System = &Actor{Username: "system", Name: "系统", Role: RoleAdmin, Scope: Scope{All: true}}

// SeesGrid reports whether the actor's scope covers a grid.
func (a *Actor) SeesGrid(gridID int64) bool {
	if a.Scope.All || a.Scope.AllRead {
		return true
	}
	return slices.Contains(a.Scope.GridIDs, gridID)
}

// User is an account.
type User struct {
	ID                 int64     `json:"id"`
	Username           string    `json:"username"`
	DisplayName        string    `json:"display_name"`
	Role               Role      `json:"role"`
	DepartmentID       int64     `json:"department_id,omitempty"`
	Leader             bool      `json:"leader"`
	Disabled           bool      `json:"disabled"`
	Locale             string    `json:"locale"`
	MustChangePassword bool      `json:"must_change_password"`
	PasswordChangedAt  time.Time `json:"password_changed_at"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Version            int       `json:"version"`
	GridIDs            []int64   `json:"grid_ids"`
	OrgIDs             []int64   `json:"org_ids"`

	PasswordHash   string   `json:"-"`
	DepartmentName string   `json:"department_name,omitempty"`
	GridNames      []string `json:"grid_names,omitempty"`
}

// Session is a signed-in browser or an API token.
type Session struct {
	ID         string // SHA-256 of the secret, hex
	UserID     int64
	Kind       string // web or api
	CSRF       string
	Label      string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// ScopeGrids returns the grids the actor reads, or all=true.
func (a *Actor) ScopeGrids() (ids []int64, all bool) {
	if a.Scope.All || a.Scope.AllRead {
		return nil, true
	}
	return a.Scope.GridIDs, false
}
