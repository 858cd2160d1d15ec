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
	"redgrid/internal/orgcheck"
	"redgrid/internal/rules"
	"redgrid/internal/textkey"
)

// Organization kinds (aliases of the model's codes for callers of the store).
const (
	OrgCommittee        = model.OrgCommittee
	OrgGeneralBranch    = model.OrgGeneralBranch
	OrgBranch           = model.OrgBranch
	OrgJointBranch      = model.OrgJointBranch
	OrgFunctionalBranch = model.OrgFunctionalBranch
)

// Organization is the register's organization.
type Organization = model.Organization

// orgKindNames maps the Chinese names accepted from forms and imports.
var orgKindNames = map[string]string{
	"党委": OrgCommittee, "党工委": OrgCommittee, "党总支": OrgGeneralBranch, "党支部": OrgBranch,
	"联合党支部": OrgJointBranch, "功能性党支部": OrgFunctionalBranch,
}

// orgKindCode accepts a kind code or its Chinese name and returns the code,
// or "" for neither.
func orgKindCode(k string) string {
	if c, ok := orgKindNames[k]; ok {
		return c
	}
	for _, c := range model.OrgKinds {
		if k == c {
			return c
		}
	}
	return ""
}

// OrganizationInput is what a form, an import or an API call supplies.
type OrganizationInput struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Kind      string `json:"kind"` // a code (branch) or its name (党支部)
	ParentID  int64  `json:"parent_id"`
	FoundedOn string `json:"founded_on"` // YYYY-MM-DD or ""
	TermStart string `json:"term_start"`
	TermYears int    `json:"term_years"` // 0: the rule's default
	Village   bool   `json:"village"`
	Notes     string `json:"notes"`
	Version   int    `json:"version"` // for updates
}

// OrganizationInputOf returns the input that reproduces o (edit forms).
func OrganizationInputOf(o model.Organization) OrganizationInput {
	in := OrganizationInput{Code: o.Code, Name: o.Name, ShortName: o.ShortName, Kind: o.Kind, ParentID: o.ParentID,
		FoundedOn: fmtDate(o.FoundedOn), TermStart: fmtDate(o.TermStart), Village: o.Village, Notes: o.Notes, Version: o.Version}
	// o.TermYears is the effective term; keep a stored length that differs
	// from the rule's default, or an edit would silently reset it.
	def := rules.TermYears
	if o.Village {
		def = rules.TermYearsVillage
	}
	if o.TermYears != def {
		in.TermYears = o.TermYears
	}
	return in
}

const orgCols = `o.id, o.code, o.name, o.short_name, o.kind, COALESCE(o.parent_id, 0), o.path, o.founded_on, o.term_start,
	COALESCE(o.term_years, 0), o.village, o.notes, o.created_at, o.updated_at, o.version, COALESCE(p.name, ''),
	COALESCE((SELECT SUM(n) FROM org_member_counts c WHERE c.org_id = o.id AND c.category = 'full' AND c.status = 'normal'), 0),
	COALESCE((SELECT SUM(n) FROM org_member_counts c WHERE c.org_id = o.id AND c.category = 'probationary' AND c.status = 'normal'), 0),
	(SELECT COUNT(*) FROM org_coverage cv WHERE cv.org_id = o.id AND cv.until IS NULL)`

const orgFrom = ` FROM organizations o LEFT JOIN organizations p ON p.id = o.parent_id`

func scanOrganization(sc interface{ Scan(...any) error }, extra ...any) (model.Organization, error) {
	var o model.Organization
	var founded, term sql.NullTime
	var years int
	err := sc.Scan(append([]any{&o.ID, &o.Code, &o.Name, &o.ShortName, &o.Kind, &o.ParentID, &o.Path, &founded, &term, &years,
		&o.Village, &o.Notes, &o.CreatedAt, &o.UpdatedAt, &o.Version, &o.ParentName, &o.FullMembers, &o.Probationary, &o.Units}, extra...)...)
	if err != nil {
		return o, err
	}
	return finishOrg(o, founded, term, years), nil
}

// validateOrganization normalizes and checks in, returning the parent's path
// ("" for a top-level organization). Only a 党委 may stand at the top; a
// 党总支 sits under a 党委, and branches under a 党委 or a 党总支.
func (s *Store) validateOrganization(ctx context.Context, q queryer, in *OrganizationInput, self int64) (parentPath string, founded, term *time.Time, err error) {
	var v model.Validation
	checkCodeName(&v, &in.Code, &in.Name, 64)
	textField(&v, "short_name", &in.ShortName, 32, false)
	textField(&v, "notes", &in.Notes, 2000, false)
	kind := orgKindCode(strings.TrimSpace(in.Kind))
	if kind == "" {
		v.Add("kind", "field.choose")
	}
	in.Kind = kind
	now := s.now()
	founded = optDate(&v, "founded_on", in.FoundedOn, now)
	term = optDate(&v, "term_start", in.TermStart, now)
	if founded != nil && term != nil && term.Before(*founded) {
		v.Add("term_start", "organization.term_before_founding")
	}
	if in.TermYears != 0 && (in.TermYears < 1 || in.TermYears > 10) {
		v.Add("term_years", "field.range", 1, 10)
	}
	if in.ParentID == 0 {
		if kind != "" && kind != OrgCommittee {
			v.Add("parent_id", "field.required")
		}
		return "", founded, term, v.Err()
	}
	var pkind string
	err = q.QueryRowContext(ctx, "SELECT kind, path FROM organizations WHERE id = $1"+s.forShare(), in.ParentID).Scan(&pkind, &parentPath)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("parent_id", "field.unknown")
	case err != nil:
		return "", nil, nil, fmt.Errorf("store: organization parent: %w", err)
	case self != 0 && strings.Contains(parentPath, "/"+strconv.FormatInt(self, 10)+"/"):
		v.Add("parent_id", "organization.parent_cycle")
	case pkind != OrgCommittee && (pkind != OrgGeneralBranch || kind == OrgCommittee || kind == OrgGeneralBranch):
		v.Add("parent_id", "organization.parent_kind")
	}
	return parentPath, founded, term, v.Err()
}

// CreateOrganization adds a party organization under its parent. A
// secretary may add organizations only inside their own subtree.
func (s *Store) CreateOrganization(ctx context.Context, actor *model.Actor, in OrganizationInput) (model.Organization, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.lockTree(ctx, tx, false); err != nil {
			return err
		}
		ppath, founded, term, err := s.validateOrganization(ctx, tx, &in, 0)
		if err != nil {
			return err
		}
		if !canManageOrg(actor, ppath+"x") && !(actor.Scope.All) {
			return model.Errorf(model.EFORBIDDEN, "organization.outside_scope")
		}
		if ppath == "" {
			ppath = "/"
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO organizations (code, name, short_name, kind, parent_id, path, founded_on, term_start,
			term_years, village, notes, sort_key, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $10, $11, $12, $12, 1) RETURNING id`,
			in.Code, in.Name, in.ShortName, in.Kind, nullID(in.ParentID), nullDate(founded), nullDate(term),
			nullInt(in.TermYears), in.Village, in.Notes, textkey.SortKey(in.Name), tx.now).Scan(&id)
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
		if err := bumpOrgKind(ctx, tx, in.Kind, 1); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.create", Entity: "organization", EntityID: id, After: in})
	})
	if err != nil {
		return model.Organization{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Organization{ID: id}, nil
	}
	return s.Organization(ctx, model.System, id)
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// UpdateOrganization edits an organization with optimistic locking; moving
// it re-paths its subtree and its members.
func (s *Store) UpdateOrganization(ctx context.Context, actor *model.Actor, id int64, in OrganizationInput) (model.Organization, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.lockTree(ctx, tx, true); err != nil {
			return err
		}
		old, err := scanOrganization(tx.QueryRowContext(ctx, "SELECT "+orgCols+orgFrom+" WHERE o.id = $1"+s.forUpdateOf("o"), id))
		if err != nil {
			return notFound(err, "organization")
		}
		if !canManageOrg(actor, old.Path) {
			return model.Errorf(model.ENOTFOUND, "error.not_found.organization")
		}
		ppath, founded, term, err := s.validateOrganization(ctx, tx, &in, id)
		if err != nil {
			return err
		}
		if in.ParentID != old.ParentID && !actor.Scope.All && !canManageOrg(actor, ppath+"x") {
			var v model.Validation
			v.Add("parent_id", "organization.outside_scope")
			return v.Err()
		}
		if in.Kind != old.Kind && model.IsBranchKind(in.Kind) {
			var children int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations WHERE parent_id = $1", id).Scan(&children); err != nil {
				return err
			}
			if children > 0 {
				var v model.Validation
				v.Add("kind", "organization.kind_has_children", children)
				return v.Err()
			}
		}
		if in.Kind != old.Kind && in.Kind == OrgGeneralBranch {
			// A 党总支 may hold branches only, not 党委 or other 党总支.
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations WHERE parent_id = $1 AND kind IN ('committee', 'general_branch')",
				id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				var v model.Validation
				v.Add("kind", "organization.kind_children_kind", n)
				return v.Err()
			}
		}
		if ppath == "" {
			ppath = "/"
		}
		res, err := tx.ExecContext(ctx, `UPDATE organizations SET code = $1, name = $2, short_name = $3, kind = $4, parent_id = $5,
			founded_on = $6, term_start = $7, term_years = $8, village = $9, notes = $10, sort_key = $11,
			updated_at = $12, version = version + 1 WHERE id = $13 AND version = $14`,
			in.Code, in.Name, in.ShortName, in.Kind, nullID(in.ParentID), nullDate(founded), nullDate(term),
			nullInt(in.TermYears), in.Village, in.Notes, textkey.SortKey(in.Name), tx.now, id, in.Version)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return model.FieldConflict("code", "field.duplicate_code")
			}
			return fmt.Errorf("store: update organization: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if old.Kind != in.Kind {
			if err := bumpOrgKind(ctx, tx, old.Kind, -1); err != nil {
				return err
			}
			if err := bumpOrgKind(ctx, tx, in.Kind, 1); err != nil {
				return err
			}
		}
		if newPath := ppath + strconv.FormatInt(id, 10) + "/"; newPath != old.Path {
			if err := moveSubtreeCounts(ctx, tx, id, old.Path, newPath); err != nil {
				return err
			}
			for _, table := range []string{"organizations SET path = $1 || substr(path, $2) WHERE path LIKE $3",
				"members SET org_path = $1 || substr(org_path, $2) WHERE org_path LIKE $3",
				"org_member_counts SET org_path = $1 || substr(org_path, $2) WHERE org_path LIKE $3"} {
				if _, err := tx.ExecContext(ctx, "UPDATE "+table, newPath, len(old.Path)+1, old.Path+"%"); err != nil {
					return fmt.Errorf("store: re-path organizations: %w", err)
				}
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.update", Entity: "organization", EntityID: id,
			Before: OrganizationInputOf(old), After: in})
	})
	if err != nil {
		return model.Organization{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Organization{ID: id}, nil
	}
	return s.Organization(ctx, model.System, id)
}

// Organization returns one organization in the actor's scope.
func (s *Store) Organization(ctx context.Context, actor *model.Actor, id int64) (model.Organization, error) {
	args := []any{id}
	o, err := scanOrganization(s.R.QueryRowContext(ctx, "SELECT "+orgCols+orgFrom+" WHERE o.id = $1 AND "+orgScopeSQL(actor, &args), args...))
	return o, notFound(err, "organization")
}

// OrganizationByCode finds an organization by its code.
func (s *Store) OrganizationByCode(ctx context.Context, code string) (model.Organization, error) {
	o, err := scanOrganization(s.R.QueryRowContext(ctx, "SELECT "+orgCols+orgFrom+" WHERE o.code = $1", strings.TrimSpace(code)))
	return o, notFound(err, "organization")
}

// Organizations lists every organization in tree order (small zones, pickers).
func (s *Store) Organizations(ctx context.Context) ([]model.Organization, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT "+orgCols+orgFrom+" ORDER BY o.path")
	if err != nil {
		return nil, fmt.Errorf("store: organizations: %w", err)
	}
	defer rows.Close()
	var out []model.Organization
	for rows.Next() {
		o, err := scanOrganization(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrgFilter selects organizations for a list.
type OrgFilter struct {
	Keyword  string
	Kind     string
	ParentID int64 // the organization and its descendants
	Cursor   string
	Limit    int
}

// ListOrganizations pages through organizations in scope, in tree order.
func (s *Store) ListOrganizations(ctx context.Context, actor *model.Actor, f OrgFilter) (items []model.Organization, next, prev string, err error) {
	var args []any
	where := []string{orgScopeSQL(actor, &args)}
	if f.Kind != "" {
		args = append(args, orgKindCode(f.Kind))
		where = append(where, fmt.Sprintf("o.kind = $%d", len(args)))
	}
	if kw := strings.TrimSpace(f.Keyword); kw != "" {
		args = append(args, "%"+likeEscape(kw)+"%")
		where = append(where, fmt.Sprintf("(o.name LIKE $%d ESCAPE '\\' OR o.code LIKE $%d ESCAPE '\\' OR o.short_name LIKE $%d ESCAPE '\\')",
			len(args), len(args), len(args)))
	}
	if f.ParentID != 0 {
		var p string
		if err := s.R.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", f.ParentID).Scan(&p); err != nil {
			return nil, "", "", notFound(err, "organization")
		}
		where = append(where, pathIn("o.path", []string{p}, &args))
	}
	return keysetPage(ctx, s, keysetQuery{Select: "SELECT " + orgCols + orgFrom, Where: where, Args: args,
		KeyCol: "o.path", KeyKind: 's', Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Organization, []byte, int64, error) {
			o, err := scanOrganization(rows)
			return o, []byte(o.Path), o.ID, err
		})
}

// likeEscape escapes LIKE wildcards in user input.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ---- coverage ----

// CoverageInput links an enterprise to an organization.
type CoverageInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	Kind         string `json:"kind"`  // own, joint, functional
	Since        string `json:"since"` // YYYY-MM-DD; default today
}

// AddCoverage records that an organization covers an enterprise. An
// enterprise has at most one own organization; a joint branch covers its
// units with kind joint, a functional branch with kind functional.
func (s *Store) AddCoverage(ctx context.Context, actor *model.Actor, orgID int64, in CoverageInput) (model.OrgCoverage, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var path, kind string
		if err := tx.QueryRowContext(ctx, "SELECT path, kind FROM organizations WHERE id = $1", orgID).Scan(&path, &kind); err != nil {
			return notFound(err, "organization")
		}
		if !canManageOrg(actor, path) {
			return model.Errorf(model.ENOTFOUND, "error.not_found.organization")
		}
		var v model.Validation
		if in.Kind == "" {
			in.Kind = map[string]string{OrgJointBranch: model.CoverJoint, OrgFunctionalBranch: model.CoverFunctional}[kind]
			if in.Kind == "" {
				in.Kind = model.CoverOwn
			}
		}
		oneOf(&v, "kind", in.Kind, model.CoverageKinds, true)
		since := optDate(&v, "since", in.Since, s.now())
		if since == nil && strings.TrimSpace(in.Since) == "" {
			d := civilDate(tx.now)
			since = &d
		}
		if in.EnterpriseID == 0 {
			v.Add("enterprise_id", "field.required")
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises WHERE id = $1 AND deleted_at IS NULL", in.EnterpriseID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add("enterprise_id", "field.unknown")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if in.Kind == model.CoverOwn {
			var other string
			err := tx.QueryRowContext(ctx, `SELECT o.name FROM org_coverage cv JOIN organizations o ON o.id = cv.org_id
				WHERE cv.enterprise_id = $1 AND cv.kind = 'own' AND cv.until IS NULL AND cv.org_id <> $2`, in.EnterpriseID, orgID).Scan(&other)
			if err == nil {
				return model.FieldConflict("enterprise_id", "organization.enterprise_has_own", other)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO org_coverage (org_id, enterprise_id, kind, since) VALUES ($1, $2, $3, $4) RETURNING id`,
			orgID, in.EnterpriseID, in.Kind, *since).Scan(&id)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return model.FieldConflict("enterprise_id", "organization.already_covered")
			}
			return fmt.Errorf("store: add coverage: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.cover", Entity: "organization", EntityID: orgID, After: in})
	})
	if err != nil {
		return model.OrgCoverage{}, err
	}
	cs, err := s.coverage(ctx, "cv.id = $1", id)
	if err != nil || len(cs) == 0 {
		return model.OrgCoverage{}, err
	}
	return cs[0], nil
}

// EndCoverage ends a coverage link on a date (today when empty).
func (s *Store) EndCoverage(ctx context.Context, actor *model.Actor, orgID, coverageID int64, until string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var path string
		var since time.Time
		if err := tx.QueryRowContext(ctx, `SELECT o.path, cv.since FROM org_coverage cv JOIN organizations o ON o.id = cv.org_id
			WHERE cv.id = $1 AND cv.org_id = $2 AND cv.until IS NULL`, coverageID, orgID).Scan(&path, &since); err != nil {
			return notFound(err, "coverage")
		}
		if !canManageOrg(actor, path) {
			return model.Errorf(model.ENOTFOUND, "error.not_found.coverage")
		}
		var v model.Validation
		d := optDate(&v, "until", until, s.now())
		if d != nil && d.Before(since.UTC()) {
			v.Add("until", "field.before_start", since.UTC().Format("2006-01-02"))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if d == nil {
			t := civilDate(tx.now)
			d = &t
		}
		if _, err := tx.ExecContext(ctx, "UPDATE org_coverage SET until = $1 WHERE id = $2", *d, coverageID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.uncover", Entity: "organization", EntityID: orgID,
			After: map[string]any{"coverage_id": coverageID, "until": d.Format("2006-01-02")}})
	})
}

// moveSubtreeCounts moves an organization's subtree totals from its old
// ancestors to its new ones when it changes parent.
func moveSubtreeCounts(ctx context.Context, tx *Tx, id int64, oldPath, newPath string) error {
	rows, err := tx.QueryContext(ctx, "SELECT category, status, n FROM org_subtree_counts WHERE org_id = $1", id)
	if err != nil {
		return fmt.Errorf("store: move counters: %w", err)
	}
	plus, minus := map[[2]string]int{}, map[[2]string]int{}
	for rows.Next() {
		var cat, st string
		var n int
		if err := rows.Scan(&cat, &st, &n); err != nil {
			rows.Close()
			return err
		}
		plus[[2]string{cat, st}], minus[[2]string{cat, st}] = n, -n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	oldUp, newUp := pathIDs(oldPath), pathIDs(newPath)
	if err := bumpSubtree(ctx, tx, oldUp[:len(oldUp)-1], minus); err != nil {
		return err
	}
	return bumpSubtree(ctx, tx, newUp[:len(newUp)-1], plus)
}

// civilDate is the calendar date of t in Asia/Shanghai, as a UTC midnight.
func civilDate(t time.Time) time.Time {
	y, m, d := t.In(rules.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Coverage lists an organization's coverage links, current first.
func (s *Store) Coverage(ctx context.Context, orgID int64) ([]model.OrgCoverage, error) {
	return s.coverage(ctx, "cv.org_id = $1", orgID)
}

// EnterpriseOrgs lists the organizations currently covering an enterprise.
func (s *Store) EnterpriseOrgs(ctx context.Context, enterpriseID int64) ([]model.OrgCoverage, error) {
	return s.coverage(ctx, "cv.enterprise_id = $1 AND cv.until IS NULL", enterpriseID)
}

func (s *Store) coverage(ctx context.Context, cond string, arg any) ([]model.OrgCoverage, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT cv.id, cv.org_id, cv.enterprise_id, cv.kind, cv.since, cv.until, o.name, e.name
		FROM org_coverage cv JOIN organizations o ON o.id = cv.org_id JOIN enterprises e ON e.id = cv.enterprise_id
		WHERE `+cond+` ORDER BY cv.until IS NOT NULL, cv.since, cv.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: coverage: %w", err)
	}
	defer rows.Close()
	var out []model.OrgCoverage
	for rows.Next() {
		var c model.OrgCoverage
		var until sql.NullTime
		if err := rows.Scan(&c.ID, &c.OrgID, &c.EnterpriseID, &c.Kind, &c.Since, &until, &c.OrgName, &c.EnterpriseName); err != nil {
			return nil, err
		}
		c.Since = c.Since.UTC()
		c.Until = dateOut(until)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ---- posts ----

// PostInput assigns a post to a member of the organization.
type PostInput struct {
	MemberID  int64  `json:"member_id"`
	Post      string `json:"post"`
	StartedOn string `json:"started_on"` // default today
}

// AssignPost gives a member a post (书记 …). A member holds posts only in
// their own organization; a post held by someone else is ended the same day.
func (s *Store) AssignPost(ctx context.Context, actor *model.Actor, orgID int64, in PostInput) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var path string
		if err := tx.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", orgID).Scan(&path); err != nil {
			return notFound(err, "organization")
		}
		if !canManageOrg(actor, path) {
			return model.Errorf(model.ENOTFOUND, "error.not_found.organization")
		}
		var v model.Validation
		oneOf(&v, "post", in.Post, model.Posts, true)
		started := optDate(&v, "started_on", in.StartedOn, s.now())
		if started == nil && strings.TrimSpace(in.StartedOn) == "" {
			d := civilDate(tx.now)
			started = &d
		}
		var memberOrg sql.NullInt64
		var status string
		err := tx.QueryRowContext(ctx, "SELECT org_id, status FROM members WHERE id = $1", in.MemberID).Scan(&memberOrg, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows) || in.MemberID == 0:
			v.Add("member_id", "field.unknown")
		case err != nil:
			return err
		case status != model.MemberNormal:
			v.Add("member_id", "organization.post_member_status")
		case memberOrg.Int64 != orgID:
			v.Add("member_id", "organization.post_not_member")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if in.Post == model.PostSecretary || in.Post == model.PostDeputySecretary {
			// One 书记 at a time (and, here, one 副书记): the predecessor's post ends.
			if _, err := tx.ExecContext(ctx, "UPDATE org_posts SET ended_on = $1 WHERE org_id = $2 AND post = $3 AND ended_on IS NULL",
				*started, orgID, in.Post); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_posts (org_id, member_id, post, started_on) VALUES ($1, $2, $3, $4)`,
			orgID, in.MemberID, in.Post, *started); err != nil {
			return fmt.Errorf("store: assign post: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.assign_post", Entity: "organization", EntityID: orgID, After: in})
	})
}

// EndPost ends a post on a date (today when empty).
func (s *Store) EndPost(ctx context.Context, actor *model.Actor, orgID, postID int64, on string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var path string
		var started time.Time
		if err := tx.QueryRowContext(ctx, `SELECT o.path, p.started_on FROM org_posts p JOIN organizations o ON o.id = p.org_id
			WHERE p.id = $1 AND p.org_id = $2 AND p.ended_on IS NULL`, postID, orgID).Scan(&path, &started); err != nil {
			return notFound(err, "post")
		}
		if !canManageOrg(actor, path) {
			return model.Errorf(model.ENOTFOUND, "error.not_found.post")
		}
		var v model.Validation
		d := optDate(&v, "ended_on", on, s.now())
		if d != nil && d.Before(started.UTC()) {
			v.Add("ended_on", "field.before_start", started.UTC().Format("2006-01-02"))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if d == nil {
			t := civilDate(tx.now)
			d = &t
		}
		if _, err := tx.ExecContext(ctx, "UPDATE org_posts SET ended_on = $1 WHERE id = $2", *d, postID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "organization.end_post", Entity: "organization", EntityID: orgID,
			After: map[string]any{"post_id": postID, "ended_on": d.Format("2006-01-02")}})
	})
}

// Posts lists an organization's posts; current ones only unless all.
func (s *Store) Posts(ctx context.Context, orgID int64, all bool) ([]model.OrgPost, error) {
	return s.posts(ctx, "p.org_id = $1", orgID, all)
}

// MemberPosts lists the posts a member holds or held.
func (s *Store) MemberPosts(ctx context.Context, memberID int64) ([]model.OrgPost, error) {
	return s.posts(ctx, "p.member_id = $1", memberID, true)
}

func (s *Store) posts(ctx context.Context, cond string, arg any, all bool) ([]model.OrgPost, error) {
	q := `SELECT p.id, p.org_id, p.member_id, p.post, p.started_on, p.ended_on, m.name, o.name
		FROM org_posts p JOIN members m ON m.id = p.member_id JOIN organizations o ON o.id = p.org_id WHERE ` + cond
	if !all {
		q += " AND p.ended_on IS NULL"
	}
	rows, err := s.R.QueryContext(ctx, q+" ORDER BY p.ended_on IS NOT NULL, p.started_on DESC, p.id", arg)
	if err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	var out []model.OrgPost
	for rows.Next() {
		var p model.OrgPost
		var ended sql.NullTime
		if err := rows.Scan(&p.ID, &p.OrgID, &p.MemberID, &p.Post, &p.StartedOn, &ended, &p.MemberName, &p.OrgName); err != nil {
			return nil, err
		}
		p.StartedOn = p.StartedOn.UTC()
		p.EndedOn = dateOut(ended)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ---- composition checks ----

// committeeSQL counts the committee posts (beyond 书记/副书记) in office in
// the organization aliased o: a 支部委员会 exists when it is above zero.
const committeeSQL = `(SELECT COUNT(DISTINCT pp.post) FROM org_posts pp WHERE pp.org_id = o.id AND pp.ended_on IS NULL
	AND pp.post IN ('organization', 'propaganda', 'discipline'))`

// factsOf are the composition facts of a scanned organization.
func factsOf(o model.Organization, committee int) orgcheck.Facts {
	f := orgcheck.Facts{Kind: o.Kind, FullMembers: o.FullMembers, Members: o.FullMembers + o.Probationary,
		Units: o.Units, HasCommittee: committee > 0}
	if o.TermEnd != nil {
		f.TermEnd = *o.TermEnd
	}
	return f
}

// OrgFacts gathers what the composition checks need for one organization.
func (s *Store) OrgFacts(ctx context.Context, o model.Organization) (orgcheck.Facts, error) {
	var committee int
	if err := s.R.QueryRowContext(ctx, "SELECT "+committeeSQL+" FROM organizations o WHERE o.id = $1", o.ID).Scan(&committee); err != nil {
		return orgcheck.Facts{}, fmt.Errorf("store: committee: %w", err)
	}
	return factsOf(o, committee), nil
}

// OrgChecksOf returns the composition warnings of the given organizations
// (a list page) by id, with one query for their committees.
func (s *Store) OrgChecksOf(ctx context.Context, orgs []model.Organization) (map[int64][]orgcheck.Check, error) {
	out := map[int64][]orgcheck.Check{}
	if len(orgs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	var args []any
	rows, err := s.R.QueryContext(ctx, "SELECT o.id, "+committeeSQL+" FROM organizations o WHERE o.id "+inList(ids, &args), args...)
	if err != nil {
		return nil, fmt.Errorf("store: committees: %w", err)
	}
	defer rows.Close()
	committee := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		committee[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	for _, o := range orgs {
		if cs := orgcheck.Evaluate(factsOf(o, committee[o.ID]), now); len(cs) > 0 {
			out[o.ID] = cs
		}
	}
	return out, nil
}

// OrgChecks returns the composition warnings of one organization now.
func (s *Store) OrgChecks(ctx context.Context, o model.Organization) ([]orgcheck.Check, error) {
	f, err := s.OrgFacts(ctx, o)
	if err != nil {
		return nil, err
	}
	return orgcheck.Evaluate(f, s.now()), nil
}

// OrgCheckRow is one organization with its warnings, for the district list.
type OrgCheckRow struct {
	Org    model.Organization `json:"organization"`
	Checks []orgcheck.Check   `json:"checks"`
}

// CompositionReport evaluates every organization in scope (below root when
// rootID is set) and returns those with at least one warning, in tree order.
// Facts are gathered with grouped queries, not one query per organization.
func (s *Store) CompositionReport(ctx context.Context, actor *model.Actor, rootID int64) ([]OrgCheckRow, error) {
	var args []any
	where := orgScopeSQL(actor, &args)
	if rootID != 0 {
		var p string
		if err := s.R.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", rootID).Scan(&p); err != nil {
			return nil, notFound(err, "organization")
		}
		where += " AND " + pathIn("o.path", []string{p}, &args)
	}
	rows, err := s.R.QueryContext(ctx, "SELECT "+orgCols+", "+committeeSQL+orgFrom+" WHERE "+where+" ORDER BY o.path", args...)
	if err != nil {
		return nil, fmt.Errorf("store: composition report: %w", err)
	}
	defer rows.Close()
	now := s.now()
	var out []OrgCheckRow
	for rows.Next() {
		var committee int
		o, err := scanOrganization(rows, &committee)
		if err != nil {
			return nil, err
		}
		if cs := orgcheck.Evaluate(factsOf(o, committee), now); len(cs) > 0 {
			out = append(out, OrgCheckRow{Org: o, Checks: cs})
		}
	}
	return out, rows.Err()
}

// finishOrg derives the display fields after a scan.
func finishOrg(o model.Organization, founded, term sql.NullTime, years int) model.Organization {
	o.Depth = strings.Count(o.Path, "/") - 2
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	o.FoundedOn, o.TermStart = dateOut(founded), dateOut(term)
	o.TermYears = years
	if years == 0 {
		o.TermYears = rules.TermYears
		if o.Village {
			o.TermYears = rules.TermYearsVillage
		}
	}
	if o.TermStart != nil {
		end := orgcheck.TermEnd(*o.TermStart, o.TermYears)
		o.TermEnd = &end
	}
	return o
}

// ---- counts ----

// OrgMemberCounts sums the member counters of an organization and all its
// descendants: the few rolled-up counter rows of the organization, never a
// count over members or over its branches.
func (s *Store) OrgMemberCounts(ctx context.Context, orgID int64) (model.MemberCounts, error) {
	c := model.MemberCounts{ByStatus: map[string]int{}}
	var exists int
	if err := s.readRow(ctx, "SELECT 1 FROM organizations WHERE id = $1", orgID).Scan(&exists); err != nil {
		return c, notFound(err, "organization")
	}
	rows, err := s.readQuery(ctx, "SELECT category, status, n FROM org_subtree_counts WHERE org_id = $1", orgID)
	if err != nil {
		return c, fmt.Errorf("store: member counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cat, st string
		var n int
		if err := rows.Scan(&cat, &st, &n); err != nil {
			return c, err
		}
		c.ByStatus[st] += n
		c.Total += n
		if st == model.MemberNormal {
			switch cat {
			case model.CategoryFull:
				c.Full += n
			case model.CategoryProbationary:
				c.Probationary += n
			}
		}
	}
	return c, rows.Err()
}

// ---- alliances ----

// AllianceInput creates or edits an alliance.
type AllianceInput struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	FoundedOn string  `json:"founded_on"`
	Notes     string  `json:"notes"`
	OrgIDs    []int64 `json:"org_ids"`
	Version   int     `json:"version"`
}

// SaveAlliance creates (id 0) or updates an alliance and its member
// organizations. Admins only (the route's permission).
func (s *Store) SaveAlliance(ctx context.Context, actor *model.Actor, id int64, in AllianceInput) (model.Alliance, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var v model.Validation
		checkCodeName(&v, &in.Code, &in.Name, 64)
		textField(&v, "notes", &in.Notes, 2000, false)
		founded := optDate(&v, "founded_on", in.FoundedOn, s.now())
		for _, oid := range in.OrgIDs {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations WHERE id = $1", oid).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add("org_ids", "field.unknown")
				break
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var before any
		if id == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO alliances (code, name, founded_on, notes, created_at, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $5, 1) RETURNING id`, in.Code, in.Name, nullDate(founded), in.Notes, tx.now).Scan(&id)
			if err != nil {
				if errors.Is(s.dialect.classify(err), errUnique) {
					return model.FieldConflict("code", "field.duplicate_code")
				}
				return fmt.Errorf("store: create alliance: %w", err)
			}
		} else {
			old, err := s.alliance(ctx, tx, id)
			if err != nil {
				return err
			}
			before = old
			res, err := tx.ExecContext(ctx, `UPDATE alliances SET code = $1, name = $2, founded_on = $3, notes = $4, updated_at = $5,
				version = version + 1 WHERE id = $6 AND version = $7`, in.Code, in.Name, nullDate(founded), in.Notes, tx.now, id, in.Version)
			if err != nil {
				if errors.Is(s.dialect.classify(err), errUnique) {
					return model.FieldConflict("code", "field.duplicate_code")
				}
				return fmt.Errorf("store: update alliance: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM alliance_orgs WHERE alliance_id = $1", id); err != nil {
				return err
			}
		}
		seen := map[int64]bool{}
		for _, oid := range in.OrgIDs {
			if seen[oid] {
				continue
			}
			seen[oid] = true
			if _, err := tx.ExecContext(ctx, "INSERT INTO alliance_orgs (alliance_id, org_id) VALUES ($1, $2)", id, oid); err != nil {
				return fmt.Errorf("store: alliance member: %w", err)
			}
		}
		action := "alliance.update"
		if before == nil {
			action = "alliance.create"
		}
		return tx.Audit(ctx, actor, Change{Action: action, Entity: "alliance", EntityID: id, Before: before, After: in})
	})
	if err != nil {
		return model.Alliance{}, err
	}
	return s.alliance(ctx, s.R, id)
}

// Alliance returns one alliance.
func (s *Store) Alliance(ctx context.Context, id int64) (model.Alliance, error) {
	return s.alliance(ctx, s.R, id)
}

func (s *Store) alliance(ctx context.Context, q queryer, id int64) (model.Alliance, error) {
	var a model.Alliance
	var founded sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, code, name, founded_on, notes, created_at, updated_at, version FROM alliances WHERE id = $1`, id).
		Scan(&a.ID, &a.Code, &a.Name, &founded, &a.Notes, &a.CreatedAt, &a.UpdatedAt, &a.Version)
	if err != nil {
		return a, notFound(err, "alliance")
	}
	a.FoundedOn = dateOut(founded)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name, COALESCE((SELECT SUM(n) FROM org_member_counts c WHERE c.org_id = o.id AND c.status = 'normal'), 0)
		FROM alliance_orgs ao JOIN organizations o ON o.id = ao.org_id WHERE ao.alliance_id = $1 ORDER BY o.path`, id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var oid int64
		var name string
		var n int
		if err := rows.Scan(&oid, &name, &n); err != nil {
			return a, err
		}
		a.OrgIDs, a.OrgNames, a.Members = append(a.OrgIDs, oid), append(a.OrgNames, name), a.Members+n
	}
	return a, rows.Err()
}

// Alliances lists every alliance with its organizations.
func (s *Store) Alliances(ctx context.Context) ([]model.Alliance, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT id FROM alliances ORDER BY code")
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]model.Alliance, 0, len(ids))
	for _, id := range ids {
		a, err := s.Alliance(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// OrgAlliances lists the alliances an organization belongs to.
func (s *Store) OrgAlliances(ctx context.Context, orgID int64) ([]model.Alliance, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT a.id, a.code, a.name FROM alliances a JOIN alliance_orgs ao ON ao.alliance_id = a.id
		WHERE ao.org_id = $1 ORDER BY a.code`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Alliance
	for rows.Next() {
		var a model.Alliance
		if err := rows.Scan(&a.ID, &a.Code, &a.Name); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// OrgGroups lists the organizations in the actor's scope that can hold
// others (党委, 党总支), in tree order, with names only: the pickers of
// parents, without the counts every full organization row carries.
func (s *Store) OrgGroups(ctx context.Context, actor *model.Actor) ([]model.Organization, error) {
	var args []any
	rows, err := s.R.QueryContext(ctx, `SELECT o.id, o.code, o.name, o.kind, COALESCE(o.parent_id, 0), o.path, COALESCE(p.name, '')`+orgFrom+
		" WHERE o.kind IN ('committee', 'general_branch') AND "+orgScopeSQL(actor, &args)+" ORDER BY o.path", args...)
	if err != nil {
		return nil, fmt.Errorf("store: organization groups: %w", err)
	}
	defer rows.Close()
	var out []model.Organization
	for rows.Next() {
		var o model.Organization
		if err := rows.Scan(&o.ID, &o.Code, &o.Name, &o.Kind, &o.ParentID, &o.Path, &o.ParentName); err != nil {
			return nil, err
		}
		o.Depth = strings.Count(o.Path, "/") - 2
		out = append(out, o)
	}
	return out, rows.Err()
}

// VisibleOrgs returns which of ids the actor reads.
func (s *Store) VisibleOrgs(ctx context.Context, actor *model.Actor, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	q := "SELECT o.id FROM organizations o WHERE o.id " + inList(ids, &args) + " AND " + orgScopeSQL(actor, &args)
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: visible organizations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
