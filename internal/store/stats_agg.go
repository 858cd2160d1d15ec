package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/rules"
)

// The aggregates of 0009_stats are kept here: every write that changes an
// output value, a visit, a problem or an enterprise's grid, industry, 规上
// flag or deletion calls in with the facts before and after, and the
// difference lands on the totals of the record's grid and every grid above
// it, in the same transaction. RebuildStats recomputes them from the
// records; the two are compared in the tests.

// monthOf is the local (Asia/Shanghai) month of an instant: "2021-08".
func monthOf(t time.Time) string { return t.In(rules.Location()).Format("2006-01") }

// gridNodes returns a grid and its ancestors, from its materialized path.
func gridNodes(ctx context.Context, q queryer, gridID int64, cache map[int64][]int64) ([]int64, error) {
	if n, ok := cache[gridID]; ok {
		return n, nil
	}
	var path string
	if err := q.QueryRowContext(ctx, "SELECT path FROM grids WHERE id = $1", gridID).Scan(&path); err != nil {
		return nil, fmt.Errorf("store: grid path %d: %w", gridID, err)
	}
	var nodes []int64
	for p := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			nodes = append(nodes, id)
		}
	}
	if !slices.Contains(nodes, gridID) {
		nodes = append(nodes, gridID)
	}
	if cache != nil {
		cache[gridID] = nodes
	}
	return nodes, nil
}

type outKey struct {
	grid, industry int64
	above          bool
	month          string
}

type outDelta struct {
	ents, ordersN int
	value, orders int64
}

type visKey struct {
	grid   int64
	period string
}

type visDelta struct{ ents, leader, head, worker int }

type probKey struct {
	grid  int64
	month string
}

type probDelta struct{ raised, resolved, onTime int }

type openKey struct {
	grid int64
	due  string
}

// aggBatch gathers differences on leaf grids and writes them, expanded to
// every ancestor, in a few upserts.
type aggBatch struct {
	out  map[outKey]*outDelta
	vis  map[visKey]*visDelta
	prob map[probKey]*probDelta
	open map[openKey]int
}

func newAggBatch() *aggBatch {
	return &aggBatch{out: map[outKey]*outDelta{}, vis: map[visKey]*visDelta{}, prob: map[probKey]*probDelta{}, open: map[openKey]int{}}
}

// outFacts is what an output value contributes: the enterprise's grid,
// industry and flag, the month and the figures.
type outFacts struct {
	grid, industry int64
	above          bool
	month          string
	value          int64
	orders         sql.NullInt64
}

func (b *aggBatch) output(f outFacts, sign int) {
	k := outKey{f.grid, f.industry, f.above, f.month}
	d := b.out[k]
	if d == nil {
		d = &outDelta{}
		b.out[k] = d
	}
	d.ents += sign
	d.value += int64(sign) * f.value
	if f.orders.Valid {
		d.ordersN += sign
		d.orders += int64(sign) * f.orders.Int64
	}
}

// probFacts is what a problem contributes.
type probFacts struct {
	grid     int64
	created  time.Time
	resolved sql.NullTime
	onTime   sql.NullBool
	open     bool
	due      sql.NullTime
}

func (b *aggBatch) problem(f probFacts, sign int) {
	pk := probKey{f.grid, monthOf(f.created)}
	b.probAt(pk).raised += sign
	if f.resolved.Valid {
		d := b.probAt(probKey{f.grid, monthOf(f.resolved.Time)})
		d.resolved += sign
		if f.onTime.Valid && f.onTime.Bool {
			d.onTime += sign
		}
	}
	if f.open {
		due := ""
		if f.due.Valid {
			due = f.due.Time.UTC().Format(time.DateOnly)
		}
		b.open[openKey{f.grid, due}] += sign
	}
}

func (b *aggBatch) probAt(k probKey) *probDelta {
	d := b.prob[k]
	if d == nil {
		d = &probDelta{}
		b.prob[k] = d
	}
	return d
}

func (b *aggBatch) visAt(k visKey) *visDelta {
	d := b.vis[k]
	if d == nil {
		d = &visDelta{}
		b.vis[k] = d
	}
	return d
}

// visitPeriods are the periods a visit counts in: its month and its year.
func visitPeriods(at time.Time) [2]string {
	m := monthOf(at)
	return [2]string{m, m[:4]}
}

// visit adds (sign 1) or takes away (sign -1) one visit: the enterprise's
// mark in each period, and the totals, where the first visit of a period
// (or the last one removed) changes the count of enterprises visited.
func (b *aggBatch) visit(ctx context.Context, tx *Tx, enterpriseID, gridID int64, level string, at time.Time, sign int) error {
	for _, p := range visitPeriods(at) {
		var n int
		var err error
		if sign > 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO visit_marks (enterprise_id, grid_id, period, visits) VALUES ($1, $2, $3, 1)
				ON CONFLICT (enterprise_id, period, grid_id) DO UPDATE SET visits = visit_marks.visits + 1 RETURNING visits`,
				enterpriseID, gridID, p).Scan(&n)
		} else {
			err = tx.QueryRowContext(ctx, `UPDATE visit_marks SET visits = visits - 1 WHERE enterprise_id = $1 AND period = $2 AND grid_id = $3
				RETURNING visits`, enterpriseID, p, gridID).Scan(&n)
			if err == nil && n <= 0 {
				_, err = tx.ExecContext(ctx, "DELETE FROM visit_marks WHERE enterprise_id = $1 AND period = $2 AND grid_id = $3", enterpriseID, p, gridID)
			}
		}
		if err != nil {
			return fmt.Errorf("store: visit marks: %w", err)
		}
		d := b.visAt(visKey{gridID, p})
		if (sign > 0 && n == 1) || (sign < 0 && n <= 0) {
			d.ents += sign
		}
		switch level {
		case "leader":
			d.leader += sign
		case "grid_head":
			d.head += sign
		default:
			d.worker += sign
		}
	}
	return nil
}

// flush writes the gathered differences to every ancestor of their grids.
func (b *aggBatch) flush(ctx context.Context, tx *Tx) error {
	cache := map[int64][]int64{}
	// Summed per node first: a zone gets one upsert however many grids moved.
	type outNodeKey struct {
		node, industry int64
		above          bool
		month          string
	}
	outs := map[outNodeKey]*outDelta{}
	for k, d := range b.out {
		if *d == (outDelta{}) {
			continue
		}
		nodes, err := gridNodes(ctx, tx, k.grid, cache)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			nk := outNodeKey{n, k.industry, k.above, k.month}
			a := outs[nk]
			if a == nil {
				a = &outDelta{}
				outs[nk] = a
			}
			a.ents += d.ents
			a.ordersN += d.ordersN
			a.value += d.value
			a.orders += d.orders
		}
	}
	// In key order: concurrent writers lock the shared total rows in the
	// same order, so they wait for each other instead of deadlocking.
	outKeys := make([]outNodeKey, 0, len(outs))
	for k := range outs {
		outKeys = append(outKeys, k)
	}
	slices.SortFunc(outKeys, func(a, b outNodeKey) int {
		return cmp.Or(cmp.Compare(a.node, b.node), cmp.Compare(a.month, b.month), cmp.Compare(b2i(a.above), b2i(b.above)), cmp.Compare(a.industry, b.industry))
	})
	for _, k := range outKeys {
		d := outs[k]
		if *d == (outDelta{}) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO output_totals (node_id, month, above_scale, industry_id, enterprises, value_yuan, orders_yuan, orders_n)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (node_id, month, above_scale, industry_id) DO UPDATE SET
			enterprises = output_totals.enterprises + excluded.enterprises, value_yuan = output_totals.value_yuan + excluded.value_yuan,
			orders_yuan = output_totals.orders_yuan + excluded.orders_yuan, orders_n = output_totals.orders_n + excluded.orders_n`,
			k.node, k.month, b2i(k.above), k.industry, d.ents, d.value, d.orders, d.ordersN); err != nil {
			return fmt.Errorf("store: output totals: %w", err)
		}
	}
	vis := map[visKey]*visDelta{}
	for k, d := range b.vis {
		if *d == (visDelta{}) {
			continue
		}
		nodes, err := gridNodes(ctx, tx, k.grid, cache)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			a := vis[visKey{n, k.period}]
			if a == nil {
				a = &visDelta{}
				vis[visKey{n, k.period}] = a
			}
			a.ents += d.ents
			a.leader += d.leader
			a.head += d.head
			a.worker += d.worker
		}
	}
	visKeys := make([]visKey, 0, len(vis))
	for k := range vis {
		visKeys = append(visKeys, k)
	}
	slices.SortFunc(visKeys, func(a, b visKey) int { return cmp.Or(cmp.Compare(a.grid, b.grid), cmp.Compare(a.period, b.period)) })
	for _, k := range visKeys {
		d := vis[k]
		if *d == (visDelta{}) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_totals (node_id, period, enterprises, leader, grid_head, grid_worker)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (node_id, period) DO UPDATE SET
			enterprises = visit_totals.enterprises + excluded.enterprises, leader = visit_totals.leader + excluded.leader,
			grid_head = visit_totals.grid_head + excluded.grid_head, grid_worker = visit_totals.grid_worker + excluded.grid_worker`,
			k.grid, k.period, d.ents, d.leader, d.head, d.worker); err != nil {
			return fmt.Errorf("store: visit totals: %w", err)
		}
	}
	prob := map[probKey]*probDelta{}
	for k, d := range b.prob {
		if *d == (probDelta{}) {
			continue
		}
		nodes, err := gridNodes(ctx, tx, k.grid, cache)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			a := prob[probKey{n, k.month}]
			if a == nil {
				a = &probDelta{}
				prob[probKey{n, k.month}] = a
			}
			a.raised += d.raised
			a.resolved += d.resolved
			a.onTime += d.onTime
		}
	}
	probKeys := make([]probKey, 0, len(prob))
	for k := range prob {
		probKeys = append(probKeys, k)
	}
	slices.SortFunc(probKeys, func(a, b probKey) int { return cmp.Or(cmp.Compare(a.grid, b.grid), cmp.Compare(a.month, b.month)) })
	for _, k := range probKeys {
		d := prob[k]
		if *d == (probDelta{}) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO problem_totals (node_id, month, raised, resolved, on_time) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (node_id, month) DO UPDATE SET raised = problem_totals.raised + excluded.raised,
			resolved = problem_totals.resolved + excluded.resolved, on_time = problem_totals.on_time + excluded.on_time`,
			k.grid, k.month, d.raised, d.resolved, d.onTime); err != nil {
			return fmt.Errorf("store: problem totals: %w", err)
		}
	}
	open := map[openKey]int{}
	for k, d := range b.open {
		if d == 0 {
			continue
		}
		nodes, err := gridNodes(ctx, tx, k.grid, cache)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			open[openKey{n, k.due}] += d
		}
	}
	openKeys := make([]openKey, 0, len(open))
	for k := range open {
		openKeys = append(openKeys, k)
	}
	slices.SortFunc(openKeys, func(a, b openKey) int { return cmp.Or(cmp.Compare(a.grid, b.grid), cmp.Compare(a.due, b.due)) })
	for _, k := range openKeys {
		d := open[k]
		if d == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO problem_open (node_id, due_on, n) VALUES ($1, $2, $3)
			ON CONFLICT (node_id, due_on) DO UPDATE SET n = problem_open.n + excluded.n`, k.grid, k.due, d); err != nil {
			return fmt.Errorf("store: open problems: %w", err)
		}
	}
	*b = *newAggBatch()
	return nil
}

// problemFacts reads what a problem contributes to the totals.
func problemFacts(ctx context.Context, q queryer, id int64) (probFacts, error) {
	var f probFacts
	err := q.QueryRowContext(ctx, "SELECT grid_id, created_at, resolved_at, on_time, is_open, due_on FROM problems WHERE id = $1", id).
		Scan(&f.grid, &f.created, &f.resolved, &f.onTime, &f.open, &f.due)
	if err != nil {
		return f, fmt.Errorf("store: problem facts: %w", err)
	}
	return f, nil
}

// problemChanged moves a problem's contribution from its facts before a
// write to its facts now.
func problemChanged(ctx context.Context, tx *Tx, id int64, before *probFacts) error {
	after, err := problemFacts(ctx, tx, id)
	if err != nil {
		return err
	}
	b := newAggBatch()
	if before != nil {
		b.problem(*before, -1)
	}
	b.problem(after, 1)
	return b.flush(ctx, tx)
}

// enterpriseKey is what places an enterprise's output in the totals.
type enterpriseKey struct {
	grid, industry int64
	above, live    bool
}

// enterpriseMoved moves an enterprise's output values between totals when
// its grid, industry, 规上 flag or deletion changed.
func enterpriseMoved(ctx context.Context, tx *Tx, id int64, before, after enterpriseKey) error {
	if before == after {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT month, value_yuan, orders_yuan FROM output_values WHERE enterprise_id = $1", id)
	if err != nil {
		return fmt.Errorf("store: enterprise output: %w", err)
	}
	b := newAggBatch()
	for rows.Next() {
		var month string
		var value int64
		var orders sql.NullInt64
		if err := rows.Scan(&month, &value, &orders); err != nil {
			rows.Close()
			return err
		}
		if before.live {
			b.output(outFacts{before.grid, before.industry, before.above, month, value, orders}, -1)
		}
		if after.live {
			b.output(outFacts{after.grid, after.industry, after.above, month, value, orders}, 1)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return b.flush(ctx, tx)
}

// statsTables are the aggregates RebuildStats recomputes.
var statsTables = []string{"output_totals", "visit_marks", "visit_totals", "problem_totals", "problem_open"}

// bumpOrgKind keeps the count of organizations of a kind.
func bumpOrgKind(ctx context.Context, tx *Tx, kind string, d int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO org_kind_counts (kind, n) VALUES ($1, $2)
		ON CONFLICT (kind) DO UPDATE SET n = org_kind_counts.n + excluded.n`, kind, d)
	if err != nil {
		return fmt.Errorf("store: organization counts: %w", err)
	}
	return nil
}

// rebuildOrgKinds recounts organizations by kind.
func rebuildOrgKinds(ctx context.Context, tx *Tx) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM org_kind_counts"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO org_kind_counts (kind, n) SELECT kind, COUNT(*) FROM organizations GROUP BY kind")
	return err
}

// RebuildStats recomputes every aggregate from the records, in one
// transaction: after bulk loads that bypass the per-write upkeep, and as the
// reference the tests compare the kept totals with.
func (s *Store) RebuildStats(ctx context.Context) error {
	return s.rebuildStats(ctx, true, true)
}

// rebuildStats recomputes the output totals, the field-work totals (visits
// and problems), or both: a bulk load of one kind redoes only its own.
func (s *Store) rebuildStats(ctx context.Context, output, field bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for _, t := range statsTables {
			if (t == "output_totals" && !output) || (t != "output_totals" && !field) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("store: rebuild %s: %w", t, err)
			}
		}
		if output && field {
			if err := rebuildOrgKinds(ctx, tx); err != nil {
				return fmt.Errorf("store: rebuild organization counts: %w", err)
			}
		}
		agg := newAggBatch()
		if output {
			if err := rebuildOutput(ctx, tx, agg); err != nil {
				return err
			}
		}
		if field {
			if err := rebuildField(ctx, tx, agg); err != nil {
				return err
			}
		}
		return agg.flush(ctx, tx)
	})
}

// rebuildOutput adds the output values of live enterprises.
func rebuildOutput(ctx context.Context, tx *Tx, agg *aggBatch) error {
	rows, err := tx.QueryContext(ctx, `SELECT e.grid_id, e.industry_id, e.above_scale, o.month, o.value_yuan, o.orders_yuan
		FROM output_values o JOIN enterprises e ON e.id = o.enterprise_id WHERE e.deleted_at IS NULL`)
	if err != nil {
		return fmt.Errorf("store: rebuild output: %w", err)
	}
	for rows.Next() {
		var f outFacts
		if err := rows.Scan(&f.grid, &f.industry, &f.above, &f.month, &f.value, &f.orders); err != nil {
			rows.Close()
			return err
		}
		agg.output(f, 1)
	}
	rows.Close()
	return rows.Err()
}

// rebuildField adds the problems and visits, writing the visit marks.
func rebuildField(ctx context.Context, tx *Tx, agg *aggBatch) error {
	// Problems.
	rows, err := tx.QueryContext(ctx, "SELECT grid_id, created_at, resolved_at, on_time, is_open, due_on FROM problems")
	if err != nil {
		return fmt.Errorf("store: rebuild problems: %w", err)
	}
	for rows.Next() {
		var f probFacts
		if err := rows.Scan(&f.grid, &f.created, &f.resolved, &f.onTime, &f.open, &f.due); err != nil {
			rows.Close()
			return err
		}
		agg.problem(f, 1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Visits, one enterprise at a time (the index's order), so the marks
	// of one enterprise are complete before they are written.
	type markKey struct {
		ent, grid int64
		period    string
	}
	marks := map[markKey]int{}
	var markArgs []any
	writeMarks := func(force bool) error {
		for k, n := range marks {
			markArgs = append(markArgs, k.ent, k.grid, k.period, n)
			d := agg.visAt(visKey{k.grid, k.period})
			d.ents++
		}
		clear(marks)
		for len(markArgs) >= 4*250 || (force && len(markArgs) > 0) {
			n := min(len(markArgs)/4, 250)
			var b strings.Builder
			b.WriteString("INSERT INTO visit_marks (enterprise_id, grid_id, period, visits) VALUES ")
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "($%d,$%d,$%d,$%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
			}
			if _, err := tx.ExecContext(ctx, b.String(), markArgs[:4*n]...); err != nil {
				return fmt.Errorf("store: rebuild visit marks: %w", err)
			}
			markArgs = markArgs[4*n:]
		}
		return nil
	}
	// In ranges of enterprise ids: PostgreSQL cannot write on a
	// connection while it is still reading rows from it.
	var maxID int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(enterprise_id), 0) FROM visits").Scan(&maxID); err != nil {
		return err
	}
	const span = 2000
	for lo := int64(0); lo < maxID; lo += span {
		rows, err = tx.QueryContext(ctx, "SELECT enterprise_id, grid_id, level, visited_at FROM visits WHERE enterprise_id > $1 AND enterprise_id <= $2",
			lo, lo+span)
		if err != nil {
			return fmt.Errorf("store: rebuild visits: %w", err)
		}
		for rows.Next() {
			var ent, grid int64
			var level string
			var at time.Time
			if err := rows.Scan(&ent, &grid, &level, &at); err != nil {
				rows.Close()
				return err
			}
			for _, p := range visitPeriods(at) {
				marks[markKey{ent, grid, p}]++
				d := agg.visAt(visKey{grid, p})
				switch level {
				case "leader":
					d.leader++
				case "grid_head":
					d.head++
				default:
					d.worker++
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := writeMarks(false); err != nil {
			return err
		}
	}
	return writeMarks(true)
}
