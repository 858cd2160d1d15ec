package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/textkey"
)

const entCols = `e.id, e.uscc, e.name, e.short_name, e.industry_id, e.above_scale, e.grid_id, e.address, e.lat, e.lng,
	e.employees, e.status, e.founded_on, e.legal_rep, e.created_at, e.updated_at, e.deleted_at, e.version,
	COALESCE(i.name, ''), COALESCE(g.name, '')`

// entFrom uses LEFT JOINs (the foreign keys make them equal to inner joins)
// so that SQLite's planner keeps enterprises as the outer table and walks the
// sort index instead of sorting every row.
const entFrom = ` FROM enterprises e LEFT JOIN industries i ON i.id = e.industry_id LEFT JOIN grids g ON g.id = e.grid_id`

func scanEnterprise(sc interface{ Scan(...any) error }) (model.Enterprise, error) {
	var e model.Enterprise
	var lat, lng sql.NullFloat64
	var founded, deleted sql.NullTime
	err := sc.Scan(&e.ID, &e.USCC, &e.Name, &e.ShortName, &e.IndustryID, &e.AboveScale, &e.GridID, &e.Address, &lat, &lng,
		&e.Employees, &e.Status, &founded, &e.LegalRep, &e.CreatedAt, &e.UpdatedAt, &deleted, &e.Version,
		&e.IndustryName, &e.GridName)
	if lat.Valid {
		e.Lat = &lat.Float64
	}
	if lng.Valid {
		e.Lng = &lng.Float64
	}
	if founded.Valid {
		t := founded.Time.UTC()
		e.FoundedOn = &t
	}
	if deleted.Valid {
		t := deleted.Time.UTC()
		e.DeletedAt = &t
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// enterpriseScopeSQL restricts enterprises to what the actor may read.
func enterpriseScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Scope.All || actor.Scope.AllRead {
		return "TRUE"
	}
	if len(actor.Scope.OrgPaths) > 0 {
		// Secretaries read the enterprises their organizations cover.
		cond := "e.id IN (SELECT cv.enterprise_id FROM org_coverage cv JOIN organizations o ON o.id = cv.org_id WHERE cv.until IS NULL AND " +
			pathIn("o.path", actor.Scope.OrgPaths, args) + ")"
		if len(actor.Scope.GridIDs) > 0 {
			cond = "(" + cond + " OR e.grid_id " + inList(actor.Scope.GridIDs, args) + ")"
		}
		return cond
	}
	return "e.grid_id " + inList(actor.Scope.GridIDs, args)
}

// enterpriseWriteScopeSQL restricts writes: read-all scopes do not grant writes.
func enterpriseWriteScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Scope.All {
		return "TRUE"
	}
	return "e.grid_id " + inList(actor.Scope.GridIDs, args)
}

// EnterpriseInput is what a form, an import or an API call supplies.
type EnterpriseInput struct {
	USCC       string   `json:"uscc"`
	Name       string   `json:"name"`
	ShortName  string   `json:"short_name"`
	IndustryID int64    `json:"industry_id"`
	AboveScale bool     `json:"above_scale"`
	GridID     int64    `json:"grid_id"`
	Address    string   `json:"address"`
	Lat        *float64 `json:"lat"`
	Lng        *float64 `json:"lng"`
	Employees  int      `json:"employees"`
	Status     string   `json:"status"`
	FoundedOn  string   `json:"founded_on"` // YYYY-MM-DD or ""
	LegalRep   string   `json:"legal_rep"`
	Version    int      `json:"version"`
}

type entRow struct {
	in      EnterpriseInput
	founded any
}

// checkEnterprise normalizes an input and checks what needs no database
// (codes, lengths, ranges, dates); it returns the parsed founding date.
func checkEnterprise(v *model.Validation, in *EnterpriseInput, now time.Time) (founded any) {
	in.USCC = ident.NormalizeUSCC(in.USCC)
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.Address = strings.TrimSpace(in.Address)
	in.LegalRep = strings.TrimSpace(in.LegalRep)
	in.FoundedOn = strings.TrimSpace(in.FoundedOn)
	if in.USCC == "" {
		v.Add("uscc", "field.required")
	} else if p, args := ident.ValidateUSCC(in.USCC); p != "" {
		v.Add("uscc", p, args...)
	}
	if in.Name == "" {
		v.Add("name", "field.required")
	} else if len([]rune(in.Name)) > 100 {
		v.Add("name", "field.too_long", 100)
	}
	if len([]rune(in.ShortName)) > 30 {
		v.Add("short_name", "field.too_long", 30)
	}
	if len([]rune(in.Address)) > 200 {
		v.Add("address", "field.too_long", 200)
	}
	if len([]rune(in.LegalRep)) > 50 {
		v.Add("legal_rep", "field.too_long", 50)
	}
	if in.Employees < 0 || in.Employees > 10_000_000 {
		v.Add("employees", "field.range", 0, 10_000_000)
	}
	if in.Status == "" {
		in.Status = model.StatusOperating
	}
	if !slices.Contains(model.EnterpriseStatuses, in.Status) {
		v.Add("status", "field.choose")
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		v.Add("lat", "enterprise.coords_pair")
	}
	if in.Lat != nil && (math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90) {
		v.Add("lat", "field.range", -90, 90)
	}
	if in.Lng != nil && (math.IsNaN(*in.Lng) || *in.Lng < -180 || *in.Lng > 180) {
		v.Add("lng", "field.range", -180, 180)
	}
	if in.FoundedOn != "" {
		d, err := time.Parse("2006-01-02", in.FoundedOn)
		if err != nil {
			v.Add("founded_on", "field.date_format")
		} else if d.After(now) {
			v.Add("founded_on", "field.date_future")
		} else {
			founded = d
		}
	}
	return founded
}

// validateEnterprise checks an input; keepIndustry is the stored industry of
// an edited enterprise (a deactivated industry may stay, not be chosen anew).
func (s *Store) validateEnterprise(ctx context.Context, q queryer, actor *model.Actor, in *EnterpriseInput, keepIndustry int64) (entRow, error) {
	var v model.Validation
	var row entRow
	row.founded = checkEnterprise(&v, in, s.now())
	if in.IndustryID == 0 {
		v.Add("industry_id", "field.required")
	} else {
		var active bool
		err := q.QueryRowContext(ctx, "SELECT active FROM industries WHERE id = $1", in.IndustryID).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) {
			v.Add("industry_id", "field.unknown")
		} else if err != nil {
			return row, err
		} else if !active && in.IndustryID != keepIndustry {
			v.Add("industry_id", "enterprise.industry_inactive")
		}
	}
	if in.GridID == 0 {
		v.Add("grid_id", "field.required")
	} else {
		var level string
		err := q.QueryRowContext(ctx, "SELECT level FROM grids WHERE id = $1", in.GridID).Scan(&level)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("grid_id", "field.unknown")
		case err != nil:
			return row, err
		case level != model.GridGrid:
			v.Add("grid_id", "enterprise.grid_leaf")
		case !actor.Scope.All && !slices.Contains(actor.Scope.GridIDs, in.GridID):
			v.Add("grid_id", "enterprise.grid_scope")
		}
	}
	row.in = *in
	return row, v.Err()
}

// duplicateUSCC builds the field error naming the enterprise that holds a code.
func (s *Store) duplicateUSCC(ctx context.Context, q queryer, code string) error {
	const find = "SELECT name FROM enterprises WHERE uscc = $1"
	var name string
	if err := q.QueryRowContext(ctx, find, code).Scan(&name); err != nil {
		// On PostgreSQL the failed INSERT/UPDATE has aborted the transaction,
		// so ask outside it: the holder is a committed row.
		if err := s.R.QueryRowContext(ctx, find, code).Scan(&name); err != nil {
			name = code
		}
	}
	return model.FieldConflict("uscc", "enterprise.duplicate_uscc", name)
}

func writeTerms(ctx context.Context, tx *Tx, id int64, name, short string, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, "DELETE FROM enterprise_terms WHERE enterprise_id = $1", id); err != nil {
			return err
		}
	}
	terms := textkey.Bigrams(name, short)
	for len(terms) > 0 {
		n := min(len(terms), 200)
		var b strings.Builder
		args := make([]any, 0, 2*n)
		b.WriteString("INSERT INTO enterprise_terms (term, enterprise_id) VALUES ")
		for i, t := range terms[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			args = append(args, t, id)
			fmt.Fprintf(&b, "($%d,$%d)", len(args)-1, len(args))
		}
		b.WriteString(" ON CONFLICT DO NOTHING")
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: enterprise terms: %w", err)
		}
		terms = terms[n:]
	}
	return nil
}

func bumpGridCount(ctx context.Context, tx *Tx, gridID, industryID int64, ents, above int) error {
	if ents == 0 && above == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO grid_counts (grid_id, industry_id, enterprises, above_scale) VALUES ($1, $2, $3, $4)
		ON CONFLICT (grid_id, industry_id) DO UPDATE SET enterprises = grid_counts.enterprises + excluded.enterprises,
		above_scale = grid_counts.above_scale + excluded.above_scale`, gridID, industryID, ents, above)
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateEnterprise validates and inserts an enterprise with its search terms,
// grid counters and audit entry in one transaction.
func (s *Store) CreateEnterprise(ctx context.Context, actor *model.Actor, in EnterpriseInput) (model.Enterprise, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = s.insertEnterprise(ctx, tx, actor, in)
		return err
	})
	if err != nil {
		return model.Enterprise{}, err
	}
	return s.Enterprise(ctx, model.System, id)
}

func (s *Store) insertEnterprise(ctx context.Context, tx *Tx, actor *model.Actor, in EnterpriseInput) (int64, error) {
	row, err := s.validateEnterprise(ctx, tx, actor, &in, 0)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO enterprises (uscc, name, short_name, industry_id, above_scale, grid_id, address,
		lat, lng, employees, status, founded_on, legal_rep, sort_key, search_text, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1) RETURNING id`,
		in.USCC, in.Name, in.ShortName, in.IndustryID, in.AboveScale, in.GridID, in.Address, in.Lat, in.Lng,
		in.Employees, in.Status, row.founded, in.LegalRep, textkey.SortKey(in.Name), textkey.SearchText(in.Name, in.ShortName),
		tx.now).Scan(&id)
	if err != nil {
		if errors.Is(s.dialect.classify(err), errUnique) {
			return 0, s.duplicateUSCC(ctx, tx, in.USCC)
		}
		return 0, fmt.Errorf("store: create enterprise: %w", err)
	}
	if err := writeTerms(ctx, tx, id, in.Name, in.ShortName, false); err != nil {
		return 0, err
	}
	if err := bumpGridCount(ctx, tx, in.GridID, in.IndustryID, 1, b2i(in.AboveScale)); err != nil {
		return 0, err
	}
	in.Version = 1
	return id, tx.Audit(ctx, actor, Change{Action: "enterprise.create", Entity: "enterprise", EntityID: id, After: in})
}

// UpdateEnterprise applies an edit when in.Version matches the stored
// version; otherwise it returns ECONFLICT and writes nothing.
func (s *Store) UpdateEnterprise(ctx context.Context, actor *model.Actor, id int64, in EnterpriseInput, reason string) (model.Enterprise, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var args []any
		args = append(args, id)
		old, err := scanEnterprise(tx.QueryRowContext(ctx, "SELECT "+entCols+entFrom+
			" WHERE e.id = $1 AND e.deleted_at IS NULL AND "+enterpriseWriteScopeSQL(actor, &args), args...))
		if err != nil {
			return notFound(err, "enterprise")
		}
		if in.Version != old.Version {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if _, err := s.validateEnterprise(ctx, tx, actor, &in, old.IndustryID); err != nil {
			return err
		}
		var founded any
		if in.FoundedOn != "" {
			founded, _ = time.Parse("2006-01-02", in.FoundedOn)
		}
		res, err := tx.ExecContext(ctx, `UPDATE enterprises SET uscc = $1, name = $2, short_name = $3, industry_id = $4,
			above_scale = $5, grid_id = $6, address = $7, lat = $8, lng = $9, employees = $10, status = $11, founded_on = $12,
			legal_rep = $13, sort_key = $14, search_text = $15, updated_at = $16, version = version + 1
			WHERE id = $17 AND version = $18`,
			in.USCC, in.Name, in.ShortName, in.IndustryID, in.AboveScale, in.GridID, in.Address, in.Lat, in.Lng,
			in.Employees, in.Status, founded, in.LegalRep, textkey.SortKey(in.Name), textkey.SearchText(in.Name, in.ShortName),
			tx.now, id, in.Version)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return s.duplicateUSCC(ctx, tx, in.USCC)
			}
			return fmt.Errorf("store: update enterprise: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if old.Name != in.Name || old.ShortName != in.ShortName {
			if err := writeTerms(ctx, tx, id, in.Name, in.ShortName, true); err != nil {
				return err
			}
		}
		if old.GridID != in.GridID || old.IndustryID != in.IndustryID || old.AboveScale != in.AboveScale {
			if err := bumpGridCount(ctx, tx, old.GridID, old.IndustryID, -1, -b2i(old.AboveScale)); err != nil {
				return err
			}
			if err := bumpGridCount(ctx, tx, in.GridID, in.IndustryID, 1, b2i(in.AboveScale)); err != nil {
				return err
			}
			if err := enterpriseMoved(ctx, tx, id, enterpriseKey{old.GridID, old.IndustryID, old.AboveScale, true},
				enterpriseKey{in.GridID, in.IndustryID, in.AboveScale, true}); err != nil {
				return err
			}
		}
		in.Version = old.Version + 1
		return tx.Audit(ctx, actor, Change{Action: "enterprise.update", Entity: "enterprise", EntityID: id,
			Before: inputOf(old), After: in, Reason: reason})
	})
	if err != nil {
		return model.Enterprise{}, err
	}
	return s.Enterprise(ctx, model.System, id)
}

// inputOf turns a stored enterprise back into input form, so audit entries
// compare like with like.
func inputOf(e model.Enterprise) EnterpriseInput {
	in := EnterpriseInput{USCC: e.USCC, Name: e.Name, ShortName: e.ShortName, IndustryID: e.IndustryID,
		AboveScale: e.AboveScale, GridID: e.GridID, Address: e.Address, Lat: e.Lat, Lng: e.Lng,
		Employees: e.Employees, Status: e.Status, LegalRep: e.LegalRep, Version: e.Version}
	if e.FoundedOn != nil {
		in.FoundedOn = e.FoundedOn.Format("2006-01-02")
	}
	return in
}

// DeleteEnterprise soft-deletes (version-checked); RestoreEnterprise undoes it.
func (s *Store) DeleteEnterprise(ctx context.Context, actor *model.Actor, id int64, version int, reason string) error {
	return s.setDeleted(ctx, actor, id, version, true, reason)
}

// RestoreEnterprise brings a soft-deleted enterprise back.
func (s *Store) RestoreEnterprise(ctx context.Context, actor *model.Actor, id int64, version int, reason string) error {
	return s.setDeleted(ctx, actor, id, version, false, reason)
}

func (s *Store) setDeleted(ctx context.Context, actor *model.Actor, id int64, version int, del bool, reason string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return s.setDeletedTx(ctx, tx, actor, id, version, del, reason)
	})
}

func (s *Store) setDeletedTx(ctx context.Context, tx *Tx, actor *model.Actor, id int64, version int, del bool, reason string) error {
	args := []any{id}
	cond := "e.deleted_at IS NOT NULL"
	if del {
		cond = "e.deleted_at IS NULL"
	}
	old, err := scanEnterprise(tx.QueryRowContext(ctx, "SELECT "+entCols+entFrom+" WHERE e.id = $1 AND "+cond+
		" AND "+enterpriseWriteScopeSQL(actor, &args), args...))
	if err != nil {
		return notFound(err, "enterprise")
	}
	if old.Version != version {
		return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
	}
	var at any
	verb, sign := "enterprise.restore", 1
	if del {
		at, verb, sign = tx.now, "enterprise.delete", -1
	}
	// The version and state are checked again in the UPDATE itself: on
	// PostgreSQL a concurrent writer may have changed the row since the read.
	res, err := tx.ExecContext(ctx, "UPDATE enterprises SET deleted_at = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
		at, tx.now, id, version)
	if err != nil {
		return fmt.Errorf("store: delete enterprise: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
	}
	if err := bumpGridCount(ctx, tx, old.GridID, old.IndustryID, sign, sign*b2i(old.AboveScale)); err != nil {
		return err
	}
	k := enterpriseKey{old.GridID, old.IndustryID, old.AboveScale, true}
	before, after := k, k
	if del {
		after.live = false
	} else {
		before.live = false
	}
	if err := enterpriseMoved(ctx, tx, id, before, after); err != nil {
		return err
	}
	return tx.Audit(ctx, actor, Change{Action: verb, Entity: "enterprise", EntityID: id,
		Before: map[string]any{"version": old.Version, "deleted": !del}, After: map[string]any{"version": old.Version + 1, "deleted": del},
		Reason: reason})

}

// Enterprise returns one enterprise (live or deleted) inside the actor's scope;
// outside it the answer is ENOTFOUND, never forbidden, so scope leaks nothing.
func (s *Store) Enterprise(ctx context.Context, actor *model.Actor, id int64) (model.Enterprise, error) {
	args := []any{id}
	e, err := scanEnterprise(s.readRow(ctx, "SELECT "+entCols+entFrom+" WHERE e.id = $1 AND "+
		enterpriseScopeSQL(actor, &args), args...))
	return e, notFound(err, "enterprise")
}

// EnterpriseByUSCC finds an enterprise by code within scope.
func (s *Store) EnterpriseByUSCC(ctx context.Context, actor *model.Actor, code string) (model.Enterprise, error) {
	args := []any{ident.NormalizeUSCC(code)}
	e, err := scanEnterprise(s.R.QueryRowContext(ctx, "SELECT "+entCols+entFrom+" WHERE e.uscc = $1 AND "+
		enterpriseScopeSQL(actor, &args), args...))
	return e, notFound(err, "enterprise")
}

// sortSpec describes a keyset-sortable column.
type sortSpec struct {
	col  string
	desc bool
}

var enterpriseSorts = map[string]sortSpec{
	"name": {"e.sort_key", false}, "-name": {"e.sort_key", true},
	"created": {"e.created_at", false}, "-created": {"e.created_at", true},
	"employees": {"e.employees", false}, "-employees": {"e.employees", true},
}

// EnterpriseSortKeys lists accepted sort values.
func EnterpriseSortKeys() []string {
	return []string{"name", "-name", "created", "-created", "employees", "-employees"}
}

type cursor struct {
	K   []byte    `json:"k,omitempty"`
	T   time.Time `json:"t,omitzero"`
	N   int64     `json:"n,omitempty"`
	ID  int64     `json:"id"`
	Rev bool      `json:"r,omitempty"` // a "previous page" cursor
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, &model.Error{Code: model.EINVALID, Key: "error.validation",
			Fields: map[string]model.FieldError{"cursor": {Key: "field.cursor"}}}
	}
	return c, nil
}

// termCap bounds how many index entries are counted when choosing the
// rarest bigram; a bigram more common than this is "dense", and an ordered
// scan with LIKE finds a page faster than joining its postings.
const termCap = 5000

// enterpriseWhere renders the filter and scope of a list (without cursor).
func (s *Store) enterpriseWhere(ctx context.Context, actor *model.Actor, f model.EnterpriseFilter, args *[]any) (from string, where []string, empty bool, err error) {
	arg := func(v any) string { *args = append(*args, v); return "$" + strconv.Itoa(len(*args)) }
	from = entFrom
	if f.Deleted {
		where = append(where, "e.deleted_at IS NOT NULL")
	} else {
		where = append(where, "e.deleted_at IS NULL")
	}
	where = append(where, enterpriseScopeSQL(actor, args))
	narrow := false // the filter alone already selects a small index range
	if f.GridID != 0 {
		ids, err := s.GridSubtree(ctx, f.GridID)
		if err != nil {
			return "", nil, false, err
		}
		where = append(where, "e.grid_id "+inList(ids, args))
		narrow = len(ids) == 1
	}
	if f.IndustryID != 0 {
		where = append(where, "e.industry_id = "+arg(f.IndustryID))
	}
	if f.AboveScale != nil {
		where = append(where, "e.above_scale = "+arg(*f.AboveScale))
	}
	if f.Status != "" {
		where = append(where, "e.status = "+arg(f.Status))
	}
	kw := textkey.Normalize(f.Keyword)
	if kw == "" {
		return from, where, false, nil
	}
	if looksLikeCode(kw) {
		where = append(where, "e.uscc LIKE "+arg(strings.ToUpper(kw)+"%"))
		return from, where, false, nil
	}
	where = append(where, "e.search_text LIKE "+arg("%"+escapeLike(kw)+"%")+" ESCAPE '\\'")
	grams := textkey.QueryBigrams(kw)
	if len(grams) == 0 || narrow {
		// One grid's rows are few: filtering its index range with LIKE is
		// cheaper than consulting the bigram postings first.
		return from, where, false, nil
	}
	rare, n, err := s.rarestTerm(ctx, grams)
	if err != nil {
		return "", nil, false, err
	}
	if n == 0 {
		return from, where, true, nil
	}
	if n < termCap {
		from = " FROM enterprise_terms t JOIN enterprises e ON e.id = t.enterprise_id" +
			" LEFT JOIN industries i ON i.id = e.industry_id LEFT JOIN grids g ON g.id = e.grid_id"
		where = append(where, "t.term = "+arg(rare))
	}
	return from, where, false, nil
}

// rarestTerm returns the query bigram with the fewest postings (capped).
func (s *Store) rarestTerm(ctx context.Context, grams []string) (string, int, error) {
	best, bestN := "", math.MaxInt
	for _, g := range grams {
		var n int
		if err := s.readRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM enterprise_terms WHERE term = $1 LIMIT $2) x",
			g, termCap).Scan(&n); err != nil {
			return "", 0, fmt.Errorf("store: term count: %w", err)
		}
		if n < bestN {
			best, bestN = g, n
		}
		if n == 0 {
			break
		}
	}
	return best, bestN, nil
}

func looksLikeCode(kw string) bool {
	if len(kw) < 6 || len(kw) > 18 {
		return false
	}
	digit := false
	for _, r := range kw {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z':
		default:
			return false
		}
	}
	return digit
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListEnterprises returns one keyset page of the enterprises matching f in
// the actor's scope. It never counts the whole result.
func (s *Store) ListEnterprises(ctx context.Context, actor *model.Actor, f model.EnterpriseFilter) (model.EnterprisePage, error) {
	var page model.EnterprisePage
	if f.Sort == "" {
		f.Sort = "name"
	}
	spec, ok := enterpriseSorts[f.Sort]
	if !ok {
		return page, &model.Error{Code: model.EINVALID, Key: "error.validation",
			Fields: map[string]model.FieldError{"sort": {Key: "field.choose"}}}
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, 200)
	var args []any
	from, where, empty, err := s.enterpriseWhere(ctx, actor, f, &args)
	if err != nil || empty {
		return page, err
	}
	var cur cursor
	hasCur := f.Cursor != ""
	if hasCur {
		if cur, err = decodeCursor(f.Cursor); err != nil {
			return page, err
		}
	}
	desc := spec.desc != cur.Rev // walking backwards flips the order
	if hasCur {
		op := ">"
		if desc {
			op = "<"
		}
		var v any
		switch spec.col {
		case "e.sort_key":
			v = cur.K
		case "e.created_at":
			v = cur.T
		default:
			v = cur.N
		}
		args = append(args, v, cur.ID)
		where = append(where, fmt.Sprintf("(%s, e.id) %s ($%d, $%d)", spec.col, op, len(args)-1, len(args)))
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	args = append(args, f.Limit+1)
	q := "SELECT " + entCols + ", e.sort_key" + from + " WHERE " + strings.Join(where, " AND ") +
		fmt.Sprintf(" ORDER BY %s %s, e.id %s LIMIT $%d", spec.col, dir, dir, len(args))
	rows, err := s.readQuery(ctx, q, args...)
	if err != nil {
		return page, fmt.Errorf("store: list enterprises: %w", err)
	}
	defer rows.Close()
	var keys [][]byte
	for rows.Next() {
		var e model.Enterprise
		var lat, lng sql.NullFloat64
		var founded, deleted sql.NullTime
		var key []byte
		if err := rows.Scan(&e.ID, &e.USCC, &e.Name, &e.ShortName, &e.IndustryID, &e.AboveScale, &e.GridID, &e.Address, &lat, &lng,
			&e.Employees, &e.Status, &founded, &e.LegalRep, &e.CreatedAt, &e.UpdatedAt, &deleted, &e.Version,
			&e.IndustryName, &e.GridName, &key); err != nil {
			return page, err
		}
		if lat.Valid {
			e.Lat, e.Lng = &lat.Float64, &lng.Float64
		}
		if founded.Valid {
			t := founded.Time.UTC()
			e.FoundedOn = &t
		}
		if deleted.Valid {
			t := deleted.Time.UTC()
			e.DeletedAt = &t
		}
		e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
		page.Items = append(page.Items, e)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	more := len(page.Items) > f.Limit
	if more {
		page.Items, keys = page.Items[:f.Limit], keys[:f.Limit]
	}
	if cur.Rev {
		slices.Reverse(page.Items)
		slices.Reverse(keys)
	}
	mk := func(i int, rev bool) string {
		e := page.Items[i]
		c := cursor{ID: e.ID, Rev: rev}
		switch spec.col {
		case "e.sort_key":
			c.K = keys[i]
		case "e.created_at":
			c.T = e.CreatedAt
		default:
			c.N = int64(e.Employees)
		}
		return c.encode()
	}
	if n := len(page.Items); n > 0 {
		// Forward: there is a next page when we fetched one extra row, and a
		// previous one whenever we came through a cursor. Backward: mirrored.
		if (!cur.Rev && more) || cur.Rev {
			page.NextCursor = mk(n-1, false)
		}
		if (cur.Rev && more) || (!cur.Rev && hasCur) {
			page.PrevCursor = mk(0, true)
		}
	}
	return page, nil
}

// CountEnterprises counts matches up to limit; capped reports that there are
// at least limit. Unfiltered and grid-only counts come from grid_counts.
func (s *Store) CountEnterprises(ctx context.Context, actor *model.Actor, f model.EnterpriseFilter, limit int) (n int, capped bool, err error) {
	if f.Keyword == "" && f.Status == "" && !f.Deleted && (f.AboveScale == nil || *f.AboveScale) && len(actor.Scope.OrgPaths) == 0 {
		var args []any
		col := "c.enterprises"
		if f.AboveScale != nil {
			col = "c.above_scale"
		}
		q := "SELECT COALESCE(SUM(" + col + "), 0) FROM grid_counts c WHERE TRUE"
		if f.IndustryID != 0 {
			args = append(args, f.IndustryID)
			q += " AND c.industry_id = $1"
		}
		if f.GridID != 0 {
			ids, err := s.GridSubtree(ctx, f.GridID)
			if err != nil {
				return 0, false, err
			}
			q += " AND c.grid_id " + inList(ids, &args)
		}
		if !actor.Scope.All && !actor.Scope.AllRead {
			q += " AND c.grid_id " + inList(actor.Scope.GridIDs, &args)
		}
		err := s.R.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, false, err
	}
	var args []any
	from, where, empty, err := s.enterpriseWhere(ctx, actor, f, &args)
	if err != nil || empty {
		return 0, false, err
	}
	args = append(args, limit+1)
	q := "SELECT COUNT(*) FROM (SELECT 1" + from + " WHERE " + strings.Join(where, " AND ") +
		fmt.Sprintf(" LIMIT $%d) x", len(args))
	if err := s.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, false, fmt.Errorf("store: count enterprises: %w", err)
	}
	if n > limit {
		return limit, true, nil
	}
	return n, false, nil
}

// EnterpriseInputOf returns the input form of a stored enterprise (edit
// forms and API patches start from it).
func EnterpriseInputOf(e model.Enterprise) EnterpriseInput { return inputOf(e) }

// IDVersion names a record at the version the user saw.
type IDVersion struct {
	ID      int64
	Version int
}

// DeleteEnterprises soft-deletes several enterprises in one transaction: all
// of them, or none when any is missing, out of scope or stale.
func (s *Store) DeleteEnterprises(ctx context.Context, actor *model.Actor, items []IDVersion, reason string) error {
	if len(items) == 0 {
		return model.Errorf(model.EINVALID, "enterprise.batch_none")
	}
	if len(items) > 500 {
		return model.Errorf(model.EINVALID, "enterprise.batch_too_many", 500)
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for _, it := range items {
			if err := s.setDeletedTx(ctx, tx, actor, it.ID, it.Version, true, reason); err != nil {
				return err
			}
		}
		return nil
	})
}
