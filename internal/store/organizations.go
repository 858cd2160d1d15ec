package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
)

// Organization kinds, stored as codes.
const (
	OrgCommittee        = "committee"         // 党委 (also 党工委)
	OrgGeneralBranch    = "general_branch"    // 党总支
	OrgBranch           = "branch"            // 党支部
	OrgJointBranch      = "joint_branch"      // 联合党支部
	OrgFunctionalBranch = "functional_branch" // 功能性党支部
)

// OrgKinds lists the kinds in display order with their Chinese names.
var OrgKinds = []struct{ Code, Name string }{
	{OrgCommittee, "党委"},
	{OrgGeneralBranch, "党总支"},
	{OrgBranch, "党支部"},
	{OrgJointBranch, "联合党支部"},
	{OrgFunctionalBranch, "功能性党支部"},
}

// orgKindCode accepts a kind code or its Chinese name and returns the code,
// or "" for neither.
func orgKindCode(k string) string {
	for _, kind := range OrgKinds {
		if k == kind.Code || k == kind.Name {
			return kind.Code
		}
	}
	return ""
}

// Organization is a party organization of the register.
type Organization struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	ParentID  int64     `json:"parent_id,omitempty"`
	Path      string    `json:"path"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`

	// Derived for display.
	ParentName string `json:"parent_name,omitempty"`
	Depth      int    `json:"depth"`
}

// OrganizationInput is what a form, an import or an API call supplies.
type OrganizationInput struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Kind     string `json:"kind"` // a code (branch) or its name (党支部)
	ParentID int64  `json:"parent_id"`
}

const orgCols = `o.id, o.code, o.name, o.kind, COALESCE(o.parent_id, 0), o.path, o.created_at, o.updated_at, o.version,
	COALESCE(p.name, '')`

const orgFrom = ` FROM organizations o LEFT JOIN organizations p ON p.id = o.parent_id`

func scanOrganization(sc interface{ Scan(...any) error }) (Organization, error) {
	var o Organization
	err := sc.Scan(&o.ID, &o.Code, &o.Name, &o.Kind, &o.ParentID, &o.Path, &o.CreatedAt, &o.UpdatedAt, &o.Version, &o.ParentName)
	o.Depth = strings.Count(o.Path, "/") - 2
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// validateOrganization normalizes and checks in, returning the parent's path
// ("" for a top-level organization). Only a 党委 may stand at the top; a
// 党总支 sits under a 党委, and branches under a 党委 or a 党总支.
func (s *Store) validateOrganization(ctx context.Context, q queryer, in *OrganizationInput) (parentPath string, err error) {
	var v model.Validation
	checkCodeName(&v, &in.Code, &in.Name, 64)
	kind := orgKindCode(strings.TrimSpace(in.Kind))
	if kind == "" {
		v.Add("kind", "field.choose")
	}
	in.Kind = kind
	if in.ParentID == 0 {
		if kind != "" && kind != OrgCommittee {
			v.Add("parent_id", "field.required")
		}
		return "", v.Err()
	}
	var pkind string
	err = q.QueryRowContext(ctx, "SELECT kind, path FROM organizations WHERE id = $1", in.ParentID).Scan(&pkind, &parentPath)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("parent_id", "field.unknown")
	case err != nil:
		return "", fmt.Errorf("store: organization parent: %w", err)
	case pkind != OrgCommittee && (pkind != OrgGeneralBranch || kind == OrgCommittee || kind == OrgGeneralBranch):
		v.Add("parent_id", "organization.parent_kind")
	}
	return parentPath, v.Err()
}

// CreateOrganization adds a party organization under its parent.
func (s *Store) CreateOrganization(ctx context.Context, actor *model.Actor, in OrganizationInput) (Organization, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		ppath, err := s.validateOrganization(ctx, tx, &in)
		if err != nil {
			return err
		}
		if ppath == "" {
			ppath = "/"
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO organizations (code, name, kind, parent_id, path, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, '', $5, $5, 1) RETURNING id`,
			in.Code, in.Name, in.Kind, nullID(in.ParentID), tx.now).Scan(&id)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return model.FieldConflict("code", "field.duplicate_code")
			}
			return fmt.Errorf("store: create organization: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE organizations SET path = $1 WHERE id = $2",
			ppath+strconv.FormatInt(id, 10)+"/", id); err != nil {
			return fmt.Errorf("store: organization path: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.create", Entity: "organization", EntityID: id, After: in})
	})
	if err != nil {
		return Organization{}, err
	}
	return s.Organization(ctx, id)
}

// Organization returns one organization.
func (s *Store) Organization(ctx context.Context, id int64) (Organization, error) {
	o, err := scanOrganization(s.R.QueryRowContext(ctx, "SELECT "+orgCols+orgFrom+" WHERE o.id = $1", id))
	return o, notFound(err, "organization")
}

// OrganizationByCode finds an organization by its code.
func (s *Store) OrganizationByCode(ctx context.Context, code string) (Organization, error) {
	o, err := scanOrganization(s.R.QueryRowContext(ctx, "SELECT "+orgCols+orgFrom+" WHERE o.code = $1", strings.TrimSpace(code)))
	return o, notFound(err, "organization")
}

// Organizations lists every organization in tree order (by path).
func (s *Store) Organizations(ctx context.Context) ([]Organization, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT "+orgCols+orgFrom+" ORDER BY o.path")
	if err != nil {
		return nil, fmt.Errorf("store: organizations: %w", err)
	}
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		o, err := scanOrganization(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
