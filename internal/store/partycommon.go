package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"redgrid/internal/model"
)

// Helpers shared by the party registers: dates, subtree ranges, scope and
// keyset pages.

// subtreeRange returns the bounds of the paths under p: descendants of
// "/1/5/" lie in ["/1/5/", "/1/50"), which a path index answers directly.
func subtreeRange(p string) (lo, hi string) { return p, p[:len(p)-1] + "0" }

// pathIn renders "(col >= lo AND col < hi) OR …" for the given paths.
func pathIn(col string, paths []string, args *[]any) string {
	if len(paths) == 0 {
		return "FALSE"
	}
	conds := make([]string, 0, len(paths))
	for _, p := range paths {
		lo, hi := subtreeRange(p)
		*args = append(*args, lo, hi)
		conds = append(conds, fmt.Sprintf("(%s >= $%d AND %s < $%d)", col, len(*args)-1, col, len(*args)))
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// orgPaths returns the paths of the given organizations.
func (s *Store) orgPaths(ctx context.Context, ids []int64) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var args []any
	rows, err := s.R.QueryContext(ctx, "SELECT path FROM organizations WHERE id "+inList(ids, &args)+" ORDER BY path", args...)
	if err != nil {
		return nil, fmt.Errorf("store: organization paths: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// coveredInGrids renders a condition true for organizations (alias o) that
// currently cover an enterprise in one of the grids.
func coveredInGrids(orgCol string, grids []int64, args *[]any) string {
	return "EXISTS (SELECT 1 FROM org_coverage cv JOIN enterprises ce ON ce.id = cv.enterprise_id WHERE cv.org_id = " +
		orgCol + " AND cv.until IS NULL AND ce.grid_id " + inList(grids, args) + ")"
}

// orgScopeSQL restricts organizations (alias o) to what the actor reads:
// admins everything; secretaries their organizations and descendants; grid
// staff the organizations covering enterprises in their grids.
func orgScopeSQL(actor *model.Actor, args *[]any) string {
	sc := actor.Scope
	if sc.All {
		return "TRUE"
	}
	var conds []string
	if len(sc.OrgPaths) > 0 {
		conds = append(conds, pathIn("o.path", sc.OrgPaths, args))
	}
	if len(sc.GridIDs) > 0 {
		conds = append(conds, coveredInGrids("o.id", sc.GridIDs, args))
	}
	if len(conds) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// memberScopeSQL restricts members (alias m) the same way: secretaries by
// organization subtree; grid staff members employed in their grids or
// belonging to an organization that covers an enterprise there.
func memberScopeSQL(actor *model.Actor, args *[]any) string {
	sc := actor.Scope
	if sc.All {
		return "TRUE"
	}
	var conds []string
	if len(sc.OrgPaths) > 0 {
		conds = append(conds, pathIn("m.org_path", sc.OrgPaths, args))
	}
	if len(sc.GridIDs) > 0 {
		conds = append(conds, "m.enterprise_id IN (SELECT id FROM enterprises WHERE grid_id "+inList(sc.GridIDs, args)+" AND deleted_at IS NULL)",
			"m.org_id IN (SELECT cv.org_id FROM org_coverage cv JOIN enterprises ce ON ce.id = cv.enterprise_id"+
				" WHERE cv.until IS NULL AND ce.grid_id "+inList(sc.GridIDs, args)+")")
	}
	if len(conds) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// forShare ends a read of an organization's path inside a write that copies
// it (a member's org_path, a child's path). On PostgreSQL the row lock waits
// for a concurrent move of the organization and then reads the moved path,
// where a plain read would copy the old one after the move had re-pathed
// everything committed. SQLite's single writer already orders the two.
func (s *Store) forShare() string {
	if s.dialect.name == "postgres" {
		return " FOR SHARE"
	}
	return ""
}

// treeLockKey names the PostgreSQL advisory lock that orders changes of the
// organization tree against writes that copy an organization's path.
const treeLockKey = 0x7267_7472_6565 // "rgtree"

// lockTree takes the tree lock for the rest of the transaction: shared for
// writes that copy a path or bump subtree counters (members, transfers,
// new organizations), exclusive for edits that may re-path a subtree. It
// must come before any row lock of the transaction, so that a move and a
// member write never hold locks the other waits for. SQLite's single
// writer needs none.
func (s *Store) lockTree(ctx context.Context, q queryer, exclusive bool) error {
	if s.dialect.name != "postgres" {
		return nil
	}
	fn := "pg_advisory_xact_lock_shared"
	if exclusive {
		fn = "pg_advisory_xact_lock"
	}
	if _, err := q.ExecContext(ctx, "SELECT "+fn+"($1)", int64(treeLockKey)); err != nil {
		return fmt.Errorf("store: tree lock: %w", err)
	}
	return nil
}

// forUpdateOf locks the rows of alias read by an edit that re-paths them.
func (s *Store) forUpdateOf(alias string) string {
	if s.dialect.name == "postgres" {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// canManageOrg reports whether the actor may write in the organization at
// path: admins anywhere, secretaries in their subtrees.
func canManageOrg(actor *model.Actor, path string) bool {
	if actor.Scope.All {
		return true
	}
	return slices.ContainsFunc(actor.Scope.OrgPaths, func(p string) bool { return strings.HasPrefix(path, p) })
}

// optDate parses an optional YYYY-MM-DD field, rejecting future dates.
func optDate(v *model.Validation, field, s string, now time.Time) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		v.Add(field, "field.date_format")
		return nil
	}
	if d.After(now) {
		v.Add(field, "field.date_future")
		return nil
	}
	return &d
}

// nullDate turns an optional date into a bind value.
func nullDate(d *time.Time) any {
	if d == nil {
		return nil
	}
	return *d
}

// dateOut converts a scanned nullable date.
func dateOut(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// fmtDate renders an optional date as YYYY-MM-DD or "".
func fmtDate(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format("2006-01-02")
}

// oneOf checks that s is one of the allowed codes.
func oneOf(v *model.Validation, field, s string, allowed []string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "field.required")
		}
		return ""
	}
	if !slices.Contains(allowed, s) {
		v.Add(field, "field.choose")
	}
	return s
}

// textField trims s and checks its length in characters.
func textField(v *model.Validation, field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(*s)
	if *s == "" && required {
		v.Add(field, "field.required")
		return
	}
	if n := len([]rune(*s)); n > max {
		v.Add(field, "field.too_long", max)
	}
}

// keysetQuery describes one page of a keyset list ordered by (key, id).
type keysetQuery struct {
	Select  string // "SELECT cols, <key>" without WHERE
	Where   []string
	Args    []any
	KeyCol  string // the ordering column
	KeyKind byte   // 'b' bytes (sort keys), 's' text (paths), 'n' integer
	Desc    bool
	Cursor  string
	Limit   int
	// InnerFrom, when set, pages in two steps: the WHERE, ORDER BY and
	// LIMIT apply to "SELECT id FROM InnerFrom" alone, and Select (holding
	// one %s for that subquery) joins the other tables to the page's rows
	// only, never to every row the sort looks at.
	InnerFrom string
}

// keysetPage runs q and returns up to q.Limit items with cursors for the
// next and previous pages. scan reads one row and returns its item, its
// key (bytes or text as bytes; ignored for integer keys, which are the id)
// and its id.
func keysetPage[T any](ctx context.Context, s *Store, q keysetQuery, scan func(*sql.Rows) (T, []byte, int64, error)) (items []T, next, prev string, err error) {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, 200)
	var cur cursor
	hasCur := q.Cursor != ""
	if hasCur {
		if cur, err = decodeCursor(q.Cursor); err != nil {
			return nil, "", "", err
		}
	}
	desc := q.Desc != cur.Rev
	args := q.Args
	where := q.Where
	if hasCur {
		op := ">"
		if desc {
			op = "<"
		}
		var k any = cur.K
		switch q.KeyKind {
		case 's':
			// Text keys come back from the client: bytes no text column
			// may hold (invalid UTF-8, NUL) make a bad cursor, not a
			// database error.
			if !utf8.Valid(cur.K) || bytes.IndexByte(cur.K, 0) >= 0 {
				return nil, "", "", &model.Error{Code: model.EINVALID, Key: "error.validation",
					Fields: map[string]model.FieldError{"cursor": {Key: "field.cursor"}}}
			}
			k = string(cur.K)
		case 'n':
			k = cur.N
		}
		args = append(args, k, cur.ID)
		where = append(where, fmt.Sprintf("(%s, %s) %s ($%d, $%d)", q.KeyCol, idColOf(q.KeyCol), op, len(args)-1, len(args)))
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	args = append(args, q.Limit+1)
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	order := fmt.Sprintf(" ORDER BY %s %s, %s %s", q.KeyCol, dir, idColOf(q.KeyCol), dir)
	var sqlText string
	if q.InnerFrom != "" {
		inner := fmt.Sprintf("SELECT %s AS id FROM %s%s%s LIMIT $%d", idColOf(q.KeyCol), q.InnerFrom, cond, order, len(args))
		sqlText = fmt.Sprintf(q.Select, inner) + order
	} else {
		sqlText = q.Select + cond + order + fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := s.readQuery(ctx, sqlText, args...)
	if err != nil {
		return nil, "", "", fmt.Errorf("store: list: %w", err)
	}
	defer rows.Close()
	var keys [][]byte
	var ids []int64
	for rows.Next() {
		it, k, id, err := scan(rows)
		if err != nil {
			return nil, "", "", err
		}
		items, keys, ids = append(items, it), append(keys, k), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", "", err
	}
	more := len(items) > q.Limit
	if more {
		items, keys, ids = items[:q.Limit], keys[:q.Limit], ids[:q.Limit]
	}
	if cur.Rev {
		slices.Reverse(items)
		slices.Reverse(keys)
		slices.Reverse(ids)
	}
	if n := len(items); n > 0 {
		if (!cur.Rev && more) || cur.Rev {
			next = cursor{K: keys[n-1], N: ids[n-1], ID: ids[n-1]}.encode()
		}
		if (cur.Rev && more) || (!cur.Rev && hasCur) {
			prev = cursor{K: keys[0], N: ids[0], ID: ids[0], Rev: true}.encode()
		}
	}
	return items, next, prev, nil
}

// idColOf returns the id column that breaks ties for a key column of the
// same table alias ("m.sort_key" → "m.id").
func idColOf(keyCol string) string {
	if i := strings.IndexByte(keyCol, '.'); i > 0 {
		return keyCol[:i] + ".id"
	}
	return "id"
}
