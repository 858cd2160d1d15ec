package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"redgrid/internal/model"
	"redgrid/internal/textkey"
)

const gridCols = `g.id, g.code, g.name, g.level, COALESCE(g.parent_id, 0), g.path, g.created_at, g.updated_at, g.version,
	COALESCE(p.name, ''), COALESCE(c.enterprises, 0), COALESCE(c.above_scale, 0)`

const gridFrom = ` FROM grids g LEFT JOIN grids p ON p.id = g.parent_id LEFT JOIN (SELECT grid_id,
	SUM(enterprises) AS enterprises, SUM(above_scale) AS above_scale FROM grid_counts GROUP BY grid_id) c ON c.grid_id = g.id`

func scanGrid(sc interface{ Scan(...any) error }) (model.Grid, error) {
	var g model.Grid
	err := sc.Scan(&g.ID, &g.Code, &g.Name, &g.Level, &g.ParentID, &g.Path, &g.CreatedAt, &g.UpdatedAt, &g.Version,
		&g.ParentName, &g.Enterprises, &g.AboveScale)
	g.Depth = strings.Count(g.Path, "/") - 2
	return g, err
}

// gridScopeSQL restricts grids to the actor's scope.
func gridScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Scope.All || actor.Scope.AllRead {
		return "TRUE"
	}
	return "g.id " + inList(actor.Scope.GridIDs, args)
}

// inList renders "IN ($n, …)" for ids, or a false predicate for none.
func inList(ids []int64, args *[]any) string {
	if len(ids) == 0 {
		return "IN (NULL)"
	}
	var b strings.Builder
	b.WriteString("IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		*args = append(*args, id)
		b.WriteString("$" + strconv.Itoa(len(*args)))
	}
	b.WriteByte(')')
	return b.String()
}

// Grids lists the grids in the actor's scope in tree order (by path, then
// pinyin within siblings is approximated by path order of creation), with
// counts and the names of assigned heads and workers.
func (s *Store) Grids(ctx context.Context, actor *model.Actor) ([]model.Grid, error) {
	var args []any
	q := "SELECT " + gridCols + gridFrom + " WHERE " + gridScopeSQL(actor, &args) + " ORDER BY g.path"
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: grids: %w", err)
	}
	var out []model.Grid
	idx := map[int64]int{}
	for rows.Next() {
		g, err := scanGrid(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		idx[g.ID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Roll counts up to ancestors so an area shows its grids' totals.
	for i := len(out) - 1; i >= 0; i-- {
		if j, ok := idx[out[i].ParentID]; ok {
			out[j].Enterprises += out[i].Enterprises
			out[j].AboveScale += out[i].AboveScale
		}
	}
	urows, err := s.R.QueryContext(ctx, `SELECT ug.grid_id, u.display_name, u.role FROM user_grids ug
		JOIN users u ON u.id = ug.user_id WHERE NOT u.disabled AND u.role IN ('grid_head', 'grid_worker') ORDER BY u.username`)
	if err != nil {
		return nil, fmt.Errorf("store: grid staff: %w", err)
	}
	defer urows.Close()
	for urows.Next() {
		var gid int64
		var name, role string
		if err := urows.Scan(&gid, &name, &role); err != nil {
			return nil, err
		}
		if i, ok := idx[gid]; ok {
			if role == string(model.RoleGridHead) {
				out[i].Heads = append(out[i].Heads, name)
			} else {
				out[i].Workers = append(out[i].Workers, name)
			}
		}
	}
	return out, urows.Err()
}

// Grid returns one grid in scope.
func (s *Store) Grid(ctx context.Context, actor *model.Actor, id int64) (model.Grid, error) {
	args := []any{id}
	q := "SELECT " + gridCols + gridFrom + " WHERE g.id = $1 AND " + gridScopeSQL(actor, &args)
	g, err := scanGrid(s.R.QueryRowContext(ctx, q, args...))
	return g, notFound(err, "grid")
}

// GridByCode finds a grid by code regardless of scope (CLI, import).
func (s *Store) GridByCode(ctx context.Context, code string) (model.Grid, error) {
	g, err := scanGrid(s.R.QueryRowContext(ctx, "SELECT "+gridCols+gridFrom+" WHERE g.code = $1", code))
	return g, notFound(err, "grid")
}

// GridSubtree returns the ids of a grid and all its descendants.
func (s *Store) GridSubtree(ctx context.Context, ids ...int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// Descendants share the ancestor's path prefix: "/1/5/" covers the range
	// ["/1/5/", "/1/50"), which the path index answers without a scan.
	var args []any
	prows, err := s.readQuery(ctx, "SELECT path FROM grids WHERE id "+inList(ids, &args), args...)
	if err != nil {
		return nil, fmt.Errorf("store: grid subtree: %w", err)
	}
	var conds []string
	args = nil
	for prows.Next() {
		var p string
		if err := prows.Scan(&p); err != nil {
			prows.Close()
			return nil, err
		}
		args = append(args, p, p[:len(p)-1]+"0")
		conds = append(conds, fmt.Sprintf("(path >= $%d AND path < $%d)", len(args)-1, len(args)))
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return nil, err
	}
	if len(conds) == 0 {
		return nil, nil
	}
	rows, err := s.readQuery(ctx, "SELECT id FROM grids WHERE "+strings.Join(conds, " OR ")+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: grid subtree: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// GridInput is what a form or API call supplies for a grid.
type GridInput struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	ParentID int64  `json:"parent_id"`
	Version  int    `json:"version"`
}

func (s *Store) validateGrid(ctx context.Context, q queryer, in *GridInput, selfID int64) (parentPath string, err error) {
	var v model.Validation
	checkCodeName(&v, &in.Code, &in.Name, 64)
	wantParent := map[string]string{model.GridArea: model.GridZone, model.GridGrid: model.GridArea}
	switch in.Level {
	case model.GridZone:
		if in.ParentID != 0 {
			v.Add("parent_id", "grid.zone_no_parent")
		}
	case model.GridArea, model.GridGrid:
		if in.ParentID == 0 {
			v.Add("parent_id", "field.required")
			break
		}
		var plevel string
		err := q.QueryRowContext(ctx, "SELECT level, path FROM grids WHERE id = $1", in.ParentID).Scan(&plevel, &parentPath)
		if errors.Is(err, sql.ErrNoRows) {
			v.Add("parent_id", "field.unknown")
		} else if err != nil {
			return "", err
		} else if plevel != wantParent[in.Level] {
			v.Add("parent_id", "grid.parent_level")
		} else if selfID != 0 && strings.Contains(parentPath, "/"+strconv.FormatInt(selfID, 10)+"/") {
			v.Add("parent_id", "grid.parent_cycle")
		}
	default:
		v.Add("level", "field.choose")
	}
	return parentPath, v.Err()
}

// CreateGrid adds a grid.
func (s *Store) CreateGrid(ctx context.Context, actor *model.Actor, in GridInput) (model.Grid, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		ppath, err := s.validateGrid(ctx, tx, &in, 0)
		if err != nil {
			return err
		}
		if ppath == "" {
			ppath = "/"
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO grids (code, name, level, parent_id, path, sort_key, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, '', $5, $6, $6, 1) RETURNING id`,
			in.Code, in.Name, in.Level, nullID(in.ParentID), textkey.SortKey(in.Name), tx.now).Scan(&id)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return model.FieldConflict("code", "field.duplicate_code")
			}
			return fmt.Errorf("store: create grid: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE grids SET path = $1 WHERE id = $2", ppath+strconv.FormatInt(id, 10)+"/", id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "grid.create", Entity: "grid", EntityID: id, After: in})
	})
	if err != nil {
		return model.Grid{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Grid{ID: id}, nil
	}
	return s.Grid(ctx, model.System, id)
}

// UpdateGrid edits a grid with optimistic locking; moving it re-paths its subtree.
func (s *Store) UpdateGrid(ctx context.Context, actor *model.Actor, id int64, in GridInput) (model.Grid, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := scanGrid(tx.QueryRowContext(ctx, "SELECT "+gridCols+gridFrom+" WHERE g.id = $1", id))
		if err != nil {
			return notFound(err, "grid")
		}
		ppath, err := s.validateGrid(ctx, tx, &in, id)
		if err != nil {
			return err
		}
		if in.Level != old.Level {
			// A level change must keep the hierarchy valid: a node with
			// children, enterprises or staff keeps its level.
			var used int
			if err := tx.QueryRowContext(ctx, `SELECT
				(SELECT COUNT(*) FROM grids WHERE parent_id = $1) +
				(SELECT COUNT(*) FROM enterprises WHERE grid_id = $1) +
				(SELECT COUNT(*) FROM user_grids WHERE grid_id = $1)`, id).Scan(&used); err != nil {
				return err
			}
			if used > 0 {
				var v model.Validation
				v.Add("level", "grid.level_in_use")
				return v.Err()
			}
		}
		if ppath == "" {
			ppath = "/"
		}
		res, err := tx.ExecContext(ctx, `UPDATE grids SET code = $1, name = $2, level = $3, parent_id = $4, sort_key = $5,
			updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8`,
			in.Code, in.Name, in.Level, nullID(in.ParentID), textkey.SortKey(in.Name), tx.now, id, in.Version)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return model.FieldConflict("code", "field.duplicate_code")
			}
			return fmt.Errorf("store: update grid: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		newPath := ppath + strconv.FormatInt(id, 10) + "/"
		if newPath != old.Path {
			if _, err := tx.ExecContext(ctx, `UPDATE grids SET path = $1 || substr(path, $2) WHERE path LIKE $3`,
				newPath, len(old.Path)+1, old.Path+"%"); err != nil {
				return fmt.Errorf("store: re-path grids: %w", err)
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "grid.update", Entity: "grid", EntityID: id, Before: old, After: in})
	})
	if err != nil {
		return model.Grid{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Grid{ID: id}, nil
	}
	return s.Grid(ctx, model.System, id)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// GridOptions lists the grids in scope for pickers: names and tree position
// only, without the counters and staff that Grids joins in.
func (s *Store) GridOptions(ctx context.Context, actor *model.Actor) ([]model.Grid, error) {
	var args []any
	rows, err := s.R.QueryContext(ctx, `SELECT g.id, g.code, g.name, g.level, COALESCE(g.parent_id, 0), g.path, COALESCE(p.name, '')
		FROM grids g LEFT JOIN grids p ON p.id = g.parent_id WHERE `+gridScopeSQL(actor, &args)+" ORDER BY g.path", args...)
	if err != nil {
		return nil, fmt.Errorf("store: grid options: %w", err)
	}
	defer rows.Close()
	var out []model.Grid
	for rows.Next() {
		var g model.Grid
		if err := rows.Scan(&g.ID, &g.Code, &g.Name, &g.Level, &g.ParentID, &g.Path, &g.ParentName); err != nil {
			return nil, err
		}
		g.Depth = strings.Count(g.Path, "/") - 2
		out = append(out, g)
	}
	return out, rows.Err()
}
