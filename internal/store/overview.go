package store

import (
	"context"
	"fmt"
)

// Overview is the home page's figures within the actor's scope, read from
// the counters kept with every write.
type Overview struct {
	Enterprises int
	AboveScale  int
	Grids       int
	GridWorkers int
	GridHeads   int
	Industries  []IndustryCount
}

// IndustryCount is the number of live enterprises of one industry.
type IndustryCount struct {
	ID    int64
	Name  string
	Count int
}

// Overview computes the figures for the actor's scope.
func (s *Store) Overview(ctx context.Context, actor interface{ ScopeGrids() ([]int64, bool) }) (Overview, error) {
	var o Overview
	ids, all := actor.ScopeGrids()
	var args []any
	cond := "TRUE"
	if !all {
		cond = "grid_id " + inList(ids, &args)
	}
	if err := s.R.QueryRowContext(ctx, "SELECT COALESCE(SUM(enterprises), 0), COALESCE(SUM(above_scale), 0) FROM grid_counts WHERE "+cond, args...).
		Scan(&o.Enterprises, &o.AboveScale); err != nil {
		return o, fmt.Errorf("store: overview: %w", err)
	}
	gcond := "level = 'grid'"
	args = nil
	if !all {
		gcond += " AND id " + inList(ids, &args)
	}
	if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM grids WHERE "+gcond, args...).Scan(&o.Grids); err != nil {
		return o, err
	}
	args = nil
	ucond := "TRUE"
	if !all {
		ucond = "ug.grid_id " + inList(ids, &args)
	}
	if err := s.R.QueryRowContext(ctx, `SELECT
		COUNT(DISTINCT CASE WHEN u.role = 'grid_worker' THEN u.id END),
		COUNT(DISTINCT CASE WHEN u.role = 'grid_head' THEN u.id END)
		FROM users u JOIN user_grids ug ON ug.user_id = u.id WHERE NOT u.disabled AND `+ucond, args...).Scan(&o.GridWorkers, &o.GridHeads); err != nil {
		return o, err
	}
	args = nil
	ccond := "TRUE"
	if !all {
		ccond = "c.grid_id " + inList(ids, &args)
	}
	rows, err := s.R.QueryContext(ctx, `SELECT i.id, i.name, COALESCE(SUM(c.enterprises), 0) AS n FROM industries i
		LEFT JOIN grid_counts c ON c.industry_id = i.id AND `+ccond+`
		GROUP BY i.id, i.name, i.position ORDER BY n DESC, i.position`, args...)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	for rows.Next() {
		var c IndustryCount
		if err := rows.Scan(&c.ID, &c.Name, &c.Count); err != nil {
			return o, err
		}
		o.Industries = append(o.Industries, c)
	}
	return o, rows.Err()
}
