package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// Visit coverage (三级走访): for each level, the share of the enterprises
// its rule covers that were visited at that level in the current period,
// and the enterprises still to visit.

// VisitRules returns the frequency rule of each level, from the top.
func (s *Store) VisitRules(ctx context.Context) ([]model.VisitRule, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT level, period, scope FROM visit_rules")
	if err != nil {
		return nil, fmt.Errorf("store: visit rules: %w", err)
	}
	defer rows.Close()
	var out []model.VisitRule
	for rows.Next() {
		var r model.VisitRule
		if err := rows.Scan(&r.Level, &r.Period, &r.Scope); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b model.VisitRule) int {
		return slices.Index(model.VisitLevels, a.Level) - slices.Index(model.VisitLevels, b.Level)
	})
	return out, rows.Err()
}

// SaveVisitRule changes a level's rule (administrators).
func (s *Store) SaveVisitRule(ctx context.Context, actor *model.Actor, in model.VisitRule) error {
	if !actor.Scope.All {
		return model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	var v model.Validation
	in.Level = oneOf(&v, "level", in.Level, model.VisitLevels, true)
	in.Period = oneOf(&v, "period", in.Period, model.VisitPeriods, true)
	in.Scope = oneOf(&v, "scope", in.Scope, model.VisitScopes, true)
	if err := v.Err(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE visit_rules SET period = $1, scope = $2, updated_at = $3 WHERE level = $4",
			in.Period, in.Scope, tx.now, in.Level); err != nil {
			return fmt.Errorf("store: visit rule: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "visit_rule.save", Entity: "visit_rule", After: in})
	})
}

// PeriodOf returns the period of kind containing t (in the zone's time):
// its start and end as UTC instants and its label (2026-11, 2026-Q4,
// 2026-H2, 2026).
func PeriodOf(kind string, t time.Time) (start, end time.Time, label string) {
	t = t.In(rules.Location())
	y, m := t.Year(), int(t.Month())
	var sm, n int
	switch kind {
	case "month":
		sm, n, label = m, 1, fmt.Sprintf("%d-%02d", y, m)
	case "quarter":
		sm, n, label = (m-1)/3*3+1, 3, fmt.Sprintf("%d-Q%d", y, (m-1)/3+1)
	case "half":
		sm, n, label = (m-1)/6*6+1, 6, fmt.Sprintf("%d-H%d", y, (m-1)/6+1)
	default:
		sm, n, label = 1, 12, strconv.Itoa(y)
	}
	st := time.Date(y, time.Month(sm), 1, 0, 0, 0, 0, rules.Location())
	return st.UTC(), st.AddDate(0, n, 0).UTC(), label
}

// ParsePeriod reads the period parameter: a month (2026-11) whose periods
// are reported, "" for now.
func ParsePeriod(s string, now time.Time) (time.Time, bool) {
	if s == "" {
		return now, true
	}
	t, err := time.ParseInLocation("2006-01", s, rules.Location())
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, false
	}
	return t, true
}

// CoverageLevel is one level's coverage in its period.
type CoverageLevel struct {
	model.VisitRule
	PeriodLabel string    `json:"period_label"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Due         int       `json:"due"`
	Visited     int       `json:"visited"`
	Rate        float64   `json:"rate"`
}

// CoverageEnterprise is an enterprise still to visit at some level.
type CoverageEnterprise struct {
	ID         int64                 `json:"id"`
	Name       string                `json:"name"`
	GridName   string                `json:"grid_name"`
	AboveScale bool                  `json:"above_scale"`
	Missing    []string              `json:"missing_levels"`
	LastVisit  map[string]*time.Time `json:"last_visit"`
}

// Coverage is the coverage of a grid (or an area, or the zone).
type Coverage struct {
	GridID   int64                `json:"grid_id"`
	GridName string               `json:"grid_name"`
	Levels   []CoverageLevel      `json:"levels"`
	Overdue  []CoverageEnterprise `json:"overdue"`
	Capped   bool                 `json:"overdue_capped"`
}

// overdueCap bounds the overdue list of one page.
const overdueCap = 500

// GridCoverage computes coverage for a grid in scope and its subtree (0:
// every grid the actor sees), for the periods containing ref.
func (s *Store) GridCoverage(ctx context.Context, actor *model.Actor, gridID int64, ref time.Time) (Coverage, error) {
	var cov Coverage
	var grids []int64
	if gridID != 0 {
		g, err := s.Grid(ctx, actor, gridID)
		if err != nil {
			return cov, err
		}
		cov.GridID, cov.GridName = g.ID, g.Name
		if grids, err = s.GridSubtree(ctx, gridID); err != nil {
			return cov, err
		}
	} else if !actor.Scope.All && !actor.Scope.AllRead {
		grids = actor.Scope.GridIDs
		if len(grids) == 0 {
			return cov, model.Errorf(model.ENOTFOUND, "error.not_found.grid")
		}
	}
	rs, err := s.VisitRules(ctx)
	if err != nil {
		return cov, err
	}
	// One pass over the enterprises: for each, its last visit at each
	// level (enterprise_visit_last), and whether it was visited in that
	// level's period: for a period still running, the last visit says so;
	// for a past one, an index probe into visits.
	var args []any
	where := "e.deleted_at IS NULL AND e.status = 'operating'"
	if grids != nil {
		where += " AND e.grid_id " + inList(grids, &args)
	}
	sel := "SELECT e.id, e.name, e.above_scale, COALESCE(g.name, '')"
	from := " FROM enterprises e LEFT JOIN grids g ON g.id = e.grid_id"
	now := s.now()
	current := make([]bool, len(rs)) // the level's period is still running
	for i, r := range rs {
		st, en, label := PeriodOf(r.Period, ref)
		cov.Levels = append(cov.Levels, CoverageLevel{VisitRule: r, PeriodLabel: label, Start: st, End: en})
		current[i] = en.After(now)
		args = append(args, r.Level)
		// A correlated lookup by primary key: both planners probe it per
		// enterprise instead of joining the whole table.
		sel += fmt.Sprintf(", (SELECT l.last_at FROM enterprise_visit_last l WHERE l.enterprise_id = e.id AND l.level = $%d)", len(args))
		if current[i] {
			sel += ", 0"
		} else {
			args = append(args, r.Level, st, en)
			sel += fmt.Sprintf(`, CASE WHEN EXISTS (SELECT 1 FROM visits v WHERE v.enterprise_id = e.id AND v.level = $%d
				AND v.visited_at >= $%d AND v.visited_at < $%d) THEN 1 ELSE 0 END`, len(args)-2, len(args)-1, len(args))
		}
	}
	rows, err := s.R.QueryContext(ctx, sel+from+" WHERE "+where+" ORDER BY e.sort_key, e.id", args...)
	if err != nil {
		return cov, fmt.Errorf("store: coverage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ce CoverageEnterprise
		visited := make([]bool, len(rs))
		last := make([]nullTime, len(rs))
		dest := []any{&ce.ID, &ce.Name, &ce.AboveScale, &ce.GridName}
		for i := range rs {
			dest = append(dest, &last[i], &visited[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return cov, err
		}
		ce.LastVisit = map[string]*time.Time{}
		for i, r := range rs {
			ce.LastVisit[r.Level] = last[i].ptr()
			if current[i] {
				visited[i] = last[i].ok && !last[i].t.Before(cov.Levels[i].Start)
			}
			if r.Scope == "above_scale" && !ce.AboveScale {
				continue
			}
			cov.Levels[i].Due++
			if visited[i] {
				cov.Levels[i].Visited++
			} else {
				ce.Missing = append(ce.Missing, r.Level)
			}
		}
		if len(ce.Missing) > 0 {
			if len(cov.Overdue) < overdueCap {
				cov.Overdue = append(cov.Overdue, ce)
			} else {
				cov.Capped = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return cov, err
	}
	for i := range cov.Levels {
		if cov.Levels[i].Due > 0 {
			cov.Levels[i].Rate = float64(cov.Levels[i].Visited) / float64(cov.Levels[i].Due)
		}
	}
	return cov, nil
}

// nullTime scans a nullable timestamp that SQLite may hand back as text
// from a scalar subquery (no declared column type to convert by).
type nullTime struct {
	t  time.Time
	ok bool
}

func (n *nullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.ok = false
	case time.Time:
		n.t, n.ok = x.UTC(), true
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	default:
		return fmt.Errorf("store: time from %T", v)
	}
	return nil
}

func (n *nullTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			n.t, n.ok = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("store: bad time %q", s)
}

func (n nullTime) ptr() *time.Time {
	if !n.ok {
		return nil
	}
	t := n.t
	return &t
}

// DueIn picks from a coverage the enterprises still to visit at a level,
// least recently visited first.
func DueIn(cov Coverage, level string) []CoverageEnterprise {
	var due []CoverageEnterprise
	for _, ce := range cov.Overdue {
		if slices.Contains(ce.Missing, level) {
			due = append(due, ce)
		}
	}
	slices.SortStableFunc(due, func(a, b CoverageEnterprise) int {
		la, lb := a.LastVisit[level], b.LastVisit[level]
		switch {
		case la == nil && lb == nil:
			return 0
		case la == nil:
			return -1
		case lb == nil:
			return 1
		}
		return la.Compare(*lb)
	})
	return due
}

// DueVisits lists the enterprises the actor still has to visit at their
// own level in the current period, least recently visited first.
func (s *Store) DueVisits(ctx context.Context, actor *model.Actor) (level string, due []CoverageEnterprise, err error) {
	level, err = s.VisitLevelOf(ctx, s.R, actor.UserID)
	if err != nil || level == "" {
		return level, nil, err
	}
	cov, err := s.GridCoverage(ctx, actor, 0, s.now())
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return level, nil, nil
		}
		return level, nil, err
	}
	return level, DueIn(cov, level), nil
}
