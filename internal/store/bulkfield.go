package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"redgrid/internal/model"
)

// Bulk loading of field work, for the demo zone's year of visits and the
// benchmark generator: multi-row INSERTs in large transactions, each with
// one audit entry ("fieldwork.bulk_load"), the problems' timelines derived
// from their states, and the last-visit table rebuilt at the end. Rows are
// expected valid (generated); scope is not applied.

// BulkVisit is one generated visit.
type BulkVisit struct {
	EnterpriseID, GridID, VisitorID int64
	Level                           string
	VisitedAt                       time.Time
	Topics, Notes                   string
	Lat, Lng, AccuracyM, DistanceM  *float64
	Far                             bool
}

// BulkProblem is one generated problem in its final state; the timeline is
// derived: 登记 at CreatedAt, 受理 and 派单 the same day, 开始处理 the next
// day, then 办结 at ResolvedAt and the satisfaction visit a day later.
type BulkProblem struct {
	EnterpriseID, GridID, CategoryID, DepartmentID, CreatedBy int64
	Description, Urgency, Source, State, Satisfaction         string
	Reason, Resolution                                        string
	CreatedAt                                                 time.Time
	DueOn                                                     time.Time
	ResolvedAt                                                *time.Time
	HandlingDays                                              *int
	OnTime                                                    *bool
	// FromVisit links the problem to the visit of its enterprise at
	// CreatedAt (one UPDATE at the end).
	FromVisit bool
}

// problemPath is the timeline of each final state: (event, state reached).
var problemPath = map[string][][2]string{
	model.PRegistered:   {{"create", model.PRegistered}},
	model.PAccepted:     {{"create", model.PRegistered}, {"accept", model.PAccepted}},
	model.PAssigned:     {{"create", model.PRegistered}, {"accept", model.PAccepted}, {"dispatch", model.PAssigned}},
	model.PInProgress:   {{"create", model.PRegistered}, {"accept", model.PAccepted}, {"dispatch", model.PAssigned}, {"start", model.PInProgress}},
	model.PResolved:     {{"create", model.PRegistered}, {"accept", model.PAccepted}, {"dispatch", model.PAssigned}, {"start", model.PInProgress}, {"resolve", model.PResolved}},
	model.PClosed:       {{"create", model.PRegistered}, {"accept", model.PAccepted}, {"dispatch", model.PAssigned}, {"start", model.PInProgress}, {"resolve", model.PResolved}, {"satisfaction", model.PClosed}},
	model.PUnresolvable: {{"create", model.PRegistered}, {"accept", model.PAccepted}, {"dispatch", model.PAssigned}, {"start", model.PInProgress}, {"unresolvable", model.PUnresolvable}},
}

// bulkFieldRowsPerTx bounds one transaction of the field load.
var bulkFieldRowsPerTx = 50000

// multiInsert inserts rows into table in statements of at most ~8,000
// parameters; SQLite gets "?" markers (numbered markers cost it a lookup
// each that grows with their count, see placeholders).
func multiInsert(ctx context.Context, tx *Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, 8000/len(cols))
	sqlite := tx.s.dialect.name == "sqlite"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for lo := 0; lo < len(rows); lo += per {
		hi := min(lo+per, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (hi-lo)*len(cols))
		for i, r := range rows[lo:hi] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteByte(',')
				}
				args = append(args, r[j])
				if sqlite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args))
				}
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: bulk insert %s: %w", table, err)
		}
	}
	return nil
}

var (
	bulkVisitCols = []string{"enterprise_id", "grid_id", "level", "visitor_id", "visited_at", "topics", "notes", "lat", "lng",
		"accuracy_m", "distance_m", "far", "created_at", "updated_at", "version"}
	bulkProblemCols = []string{"enterprise_id", "grid_id", "category_id", "department_id", "description", "urgency", "source",
		"state", "is_open", "due_on", "resolved_at", "handling_days", "on_time", "reason", "resolution", "satisfaction",
		"created_by", "created_at", "updated_at", "version"}
	bulkEventCols = []string{"problem_id", "at", "actor_id", "actor_name", "kind", "from_state", "to_state", "department_id", "note"}
)

// BulkLoadField inserts nv visits and np problems (with their timelines),
// then rebuilds enterprise_visit_last, links problems raised in visits and
// refreshes the planner statistics. progress gets the rows loaded so far.
func (s *Store) BulkLoadField(ctx context.Context, nv int, visit func(i int) BulkVisit, np int, problem func(i int) BulkProblem,
	progress func(done int)) error {
	if s.dialect.name == "sqlite" {
		restore, err := s.bulkPragmas(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	done := 0
	for lo := 0; lo < nv; lo += bulkFieldRowsPerTx {
		hi := min(lo+bulkFieldRowsPerTx, nv)
		err := s.InTx(ctx, func(tx *Tx) error {
			rows := make([][]any, 0, hi-lo)
			for i := lo; i < hi; i++ {
				v := visit(i)
				at := v.VisitedAt.UTC()
				rows = append(rows, []any{v.EnterpriseID, v.GridID, v.Level, v.VisitorID, at, v.Topics, v.Notes, v.Lat, v.Lng,
					v.AccuracyM, v.DistanceM, v.Far, at, at, 1})
			}
			if err := multiInsert(ctx, tx, "visits", bulkVisitCols, rows); err != nil {
				return err
			}
			return tx.Audit(ctx, model.System, Change{Action: "fieldwork.bulk_load", Entity: "visit",
				After: map[string]int{"visits": hi - lo, "from": lo}})
		})
		if err != nil {
			return err
		}
		done += hi - lo
		if progress != nil {
			progress(done)
		}
	}
	for lo := 0; lo < np; lo += bulkFieldRowsPerTx / 8 {
		hi := min(lo+bulkFieldRowsPerTx/8, np)
		err := s.InTx(ctx, func(tx *Tx) error {
			ps := make([]BulkProblem, 0, hi-lo)
			rows := make([][]any, 0, hi-lo)
			for i := lo; i < hi; i++ {
				p := problem(i)
				ps = append(ps, p)
				dept := any(nil)
				if p.State != model.PRegistered && p.State != model.PAccepted {
					dept = p.DepartmentID
				}
				var res any
				if p.ResolvedAt != nil {
					res = p.ResolvedAt.UTC()
				}
				rows = append(rows, []any{p.EnterpriseID, p.GridID, p.CategoryID, dept, p.Description, p.Urgency, p.Source,
					p.State, model.ProblemOpen(p.State), p.DueOn, res, p.HandlingDays, p.OnTime, p.Reason, p.Resolution,
					p.Satisfaction, nullID(p.CreatedBy), p.CreatedAt.UTC(), p.CreatedAt.UTC(), 1})
			}
			// Ids come back in insertion order from one statement at a
			// time; read the range this transaction added instead.
			var before int64
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM problems").Scan(&before); err != nil {
				return err
			}
			if err := multiInsert(ctx, tx, "problems", bulkProblemCols, rows); err != nil {
				return err
			}
			ids, err := txIDs(ctx, tx, "SELECT id FROM problems WHERE id > $1 ORDER BY id", before)
			if err != nil {
				return err
			}
			if len(ids) != len(ps) {
				return fmt.Errorf("store: bulk problems: %d ids for %d rows", len(ids), len(ps))
			}
			var evs [][]any
			for k, p := range ps {
				from := ""
				for j, step := range problemPath[p.State] {
					at := p.CreatedAt
					switch step[0] {
					case "accept":
						at = at.Add(2 * time.Hour)
					case "dispatch":
						at = at.Add(4 * time.Hour)
					case "start":
						at = at.Add(24 * time.Hour)
					case "resolve", "unresolvable":
						if p.ResolvedAt != nil {
							at = *p.ResolvedAt
						} else {
							at = at.Add(48 * time.Hour)
						}
					case "satisfaction":
						if p.ResolvedAt != nil {
							at = p.ResolvedAt.Add(24 * time.Hour)
						}
					}
					var dept any
					if j >= 2 {
						dept = p.DepartmentID
					}
					note := ""
					switch step[0] {
					case "resolve":
						note = p.Resolution
					case "unresolvable":
						note = p.Reason
					case "satisfaction":
						note = p.Satisfaction
					}
					evs = append(evs, []any{ids[k], at.UTC(), nil, "系统导入", step[0], from, step[1], dept, note})
					from = step[1]
				}
			}
			if err := multiInsert(ctx, tx, "problem_events", bulkEventCols, evs); err != nil {
				return err
			}
			return tx.Audit(ctx, model.System, Change{Action: "fieldwork.bulk_load", Entity: "problem",
				After: map[string]int64{"problems": int64(len(ps)), "first_id": ids[0]}})
		})
		if err != nil {
			return err
		}
		done += hi - lo
		if progress != nil {
			progress(done)
		}
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM enterprise_visit_last"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_visit_last (enterprise_id, level, last_at)
			SELECT enterprise_id, level, MAX(visited_at) FROM visits GROUP BY enterprise_id, level`); err != nil {
			return fmt.Errorf("store: last visits: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE problems SET visit_id = (SELECT MIN(v.id) FROM visits v
			WHERE v.enterprise_id = problems.enterprise_id AND v.level IN ('leader', 'grid_head', 'grid_worker')
			AND v.visited_at = problems.created_at) WHERE source = 'visit' AND visit_id IS NULL`); err != nil {
			return fmt.Errorf("store: link problems to visits: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.rebuildStats(ctx, false, true); err != nil {
		return err
	}
	return s.Analyze(ctx)
}

// BulkOutput is one generated output value (yuan).
type BulkOutput struct {
	EnterpriseID int64
	Month        string
	ValueYuan    int64
	OrdersYuan   *int64
}

// BulkLoadOutput inserts n monthly output values (replacing stored ones of
// the same enterprise and month) in large transactions, then recomputes the
// statistics aggregates. For generated data sets and the demo zone; files
// from users go through the import with its checks.
func (s *Store) BulkLoadOutput(ctx context.Context, n int, row func(i int) BulkOutput, progress func(done int)) error {
	if s.dialect.name == "sqlite" {
		restore, err := s.bulkPragmas(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	for lo := 0; lo < n; lo += bulkFieldRowsPerTx {
		hi := min(lo+bulkFieldRowsPerTx, n)
		err := s.InTx(ctx, func(tx *Tx) error {
			for i := lo; i < hi; i += outputRowsPerStmt {
				m := min(hi, i+outputRowsPerStmt) - i
				args := make([]any, 0, 5*m)
				var b strings.Builder
				b.WriteString("INSERT INTO output_values (enterprise_id, month, value_yuan, orders_yuan, updated_at) VALUES ")
				for j := range m {
					r := row(i + j)
					if r.ValueYuan < 0 || !validMonth(r.Month) {
						return fmt.Errorf("store: bulk output row %d: bad month %q or value %d", i+j, r.Month, r.ValueYuan)
					}
					if j > 0 {
						b.WriteByte(',')
					}
					fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d)", 5*j+1, 5*j+2, 5*j+3, 5*j+4, 5*j+5)
					var orders any
					if r.OrdersYuan != nil {
						orders = *r.OrdersYuan
					}
					args = append(args, r.EnterpriseID, r.Month, r.ValueYuan, orders, tx.now)
				}
				b.WriteString(` ON CONFLICT (enterprise_id, month) DO UPDATE SET value_yuan = excluded.value_yuan,
					orders_yuan = excluded.orders_yuan, updated_at = excluded.updated_at`)
				if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
					return fmt.Errorf("store: bulk output: %w", err)
				}
			}
			return tx.Audit(ctx, model.System, Change{Action: "output_value.bulk_load", Entity: "output_value",
				After: map[string]int{"rows": hi - lo, "from": lo}})
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(hi)
		}
	}
	if err := s.rebuildStats(ctx, true, false); err != nil {
		return err
	}
	return s.Analyze(ctx)
}

func txIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
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
