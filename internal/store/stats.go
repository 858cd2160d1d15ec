package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"redgrid/internal/model"
)

// The reads behind internal/stats: each one a few hundred aggregate rows
// for the nodes the actor may see (see stats_agg.go for how they are kept).

// StatNodes resolves the grids whose totals make up a figure: the chosen
// grid node (checked against the actor's scope), or else the tops of the
// actor's scope (the root grids for whole-zone readers; for grid staff the
// assigned grids that are not below another assigned one, so nothing is
// counted twice). An unknown or unseen grid is ENOTFOUND.
func (s *Store) StatNodes(ctx context.Context, actor *model.Actor, gridID int64) ([]int64, error) {
	ids, all := actor.ScopeGrids()
	if gridID != 0 {
		var id int64
		if err := s.readRow(ctx, "SELECT id FROM grids WHERE id = $1", gridID).Scan(&id); err != nil {
			return nil, notFound(err, "grid")
		}
		if !all && !slices.Contains(ids, gridID) {
			return nil, model.Errorf(model.ENOTFOUND, "error.not_found.grid")
		}
		return []int64{gridID}, nil
	}
	var args []any
	q := "SELECT id FROM grids WHERE parent_id IS NULL ORDER BY id"
	if !all {
		if len(ids) == 0 {
			return nil, nil
		}
		in := inList(ids, &args)
		q = "SELECT id FROM grids WHERE id " + in + " AND (parent_id IS NULL OR parent_id NOT " + in + ") ORDER BY id"
	}
	rows, err := s.readQuery(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: stat nodes: %w", err)
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

// GridName returns a grid's name (no counters: the dashboard's title).
func (s *Store) GridName(ctx context.Context, id int64) (string, error) {
	var name string
	err := s.readRow(ctx, "SELECT name FROM grids WHERE id = $1", id).Scan(&name)
	return name, notFound(err, "grid")
}

// OutputCell is the output value of one month, 规上 flag and industry,
// summed over nodes.
type OutputCell struct {
	Month       string
	AboveScale  bool
	IndustryID  int64
	Enterprises int
	ValueYuan   int64
	OrdersYuan  int64
	OrdersN     int
}

// OutputCells reads the output totals of nodes for months in [from, to]
// ("YYYY-MM").
func (s *Store) OutputCells(ctx context.Context, nodes []int64, from, to string) ([]OutputCell, error) {
	if len(nodes) == 0 {
		return nil, nil
	}
	var args []any
	in := inList(nodes, &args)
	args = append(args, from, to)
	rows, err := s.readQuery(ctx, fmt.Sprintf(`SELECT month, above_scale, industry_id, SUM(enterprises), SUM(value_yuan), SUM(orders_yuan), SUM(orders_n)
		FROM output_totals WHERE node_id %s AND month >= $%d AND month <= $%d GROUP BY month, above_scale, industry_id
		ORDER BY month, above_scale, industry_id`, in, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: output cells: %w", err)
	}
	defer rows.Close()
	var out []OutputCell
	for rows.Next() {
		var c OutputCell
		var above int
		if err := rows.Scan(&c.Month, &above, &c.IndustryID, &c.Enterprises, &c.ValueYuan, &c.OrdersYuan, &c.OrdersN); err != nil {
			return nil, err
		}
		c.AboveScale = above != 0
		out = append(out, c)
	}
	return out, rows.Err()
}

// OutputByChild is the 规上 output of each child grid of a node for months in
// [from, to]: the by-grid breakdown.
type OutputByChild struct {
	GridID    int64
	Name      string
	Month     string
	ValueYuan int64
}

// OutputChildren reads the 规上 output totals of the children of nodes (or,
// for several nodes, of the nodes themselves) for months in [from, to].
func (s *Store) OutputChildren(ctx context.Context, nodes []int64, from, to string) ([]OutputByChild, error) {
	if len(nodes) == 0 {
		return nil, nil
	}
	// The rows: the children of a single node (itself when a leaf), or the
	// nodes themselves; names first, then their totals by primary key.
	names, ids, err := s.gridNames(ctx, "parent_id", nodes)
	if len(nodes) > 1 || (err == nil && len(ids) == 0) {
		names, ids, err = s.gridNames(ctx, "id", nodes)
	}
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var args []any
	in := inList(ids, &args)
	args = append(args, from, to)
	rows, err := s.readQuery(ctx, fmt.Sprintf(`SELECT node_id, month, SUM(value_yuan) FROM output_totals
		WHERE node_id %s AND month >= $%d AND month <= $%d AND above_scale = 1 GROUP BY node_id, month ORDER BY node_id, month`,
		in, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: output by grid: %w", err)
	}
	defer rows.Close()
	var out []OutputByChild
	for rows.Next() {
		var c OutputByChild
		if err := rows.Scan(&c.GridID, &c.Month, &c.ValueYuan); err != nil {
			return nil, err
		}
		c.Name = names[c.GridID]
		out = append(out, c)
	}
	return out, rows.Err()
}

// gridNames reads the id and name of the grids whose col is in ids.
func (s *Store) gridNames(ctx context.Context, col string, ids []int64) (map[int64]string, []int64, error) {
	var args []any
	rows, err := s.readQuery(ctx, "SELECT id, name FROM grids WHERE "+col+" "+inList(ids, &args), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: grid names: %w", err)
	}
	defer rows.Close()
	names := map[int64]string{}
	var out []int64
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, err
		}
		names[id] = name
		out = append(out, id)
	}
	return names, out, rows.Err()
}

// VisitCell is a period's visits over nodes.
type VisitCell struct {
	Period      string
	Enterprises int // visited at least once in the period
	Leader      int
	GridHead    int
	GridWorker  int
}

// VisitCells reads the visit totals of nodes for the periods given.
func (s *Store) VisitCells(ctx context.Context, nodes []int64, periods []string) (map[string]VisitCell, error) {
	out := map[string]VisitCell{}
	if len(nodes) == 0 || len(periods) == 0 {
		return out, nil
	}
	var args []any
	in := inList(nodes, &args)
	ps := make([]string, len(periods))
	for i, p := range periods {
		args = append(args, p)
		ps[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := s.readQuery(ctx, `SELECT period, SUM(enterprises), SUM(leader), SUM(grid_head), SUM(grid_worker) FROM visit_totals
		WHERE node_id `+in+` AND period IN (`+strings.Join(ps, ",")+`) GROUP BY period`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: visit cells: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c VisitCell
		if err := rows.Scan(&c.Period, &c.Enterprises, &c.Leader, &c.GridHead, &c.GridWorker); err != nil {
			return nil, err
		}
		out[c.Period] = c
	}
	return out, rows.Err()
}

// ProblemCell is a month's problems over nodes.
type ProblemCell struct {
	Month    string
	Raised   int
	Resolved int
	OnTime   int
}

// ProblemCells reads the problem totals of nodes for months in [from, to],
// and the problems open and overdue on day.
func (s *Store) ProblemCells(ctx context.Context, nodes []int64, from, to string, day time.Time) (cells []ProblemCell, open, overdue int, err error) {
	if len(nodes) == 0 {
		return nil, 0, 0, nil
	}
	var args []any
	in := inList(nodes, &args)
	args = append(args, from, to)
	rows, err := s.readQuery(ctx, fmt.Sprintf(`SELECT month, SUM(raised), SUM(resolved), SUM(on_time) FROM problem_totals
		WHERE node_id %s AND month >= $%d AND month <= $%d GROUP BY month ORDER BY month`, in, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("store: problem cells: %w", err)
	}
	for rows.Next() {
		var c ProblemCell
		if err := rows.Scan(&c.Month, &c.Raised, &c.Resolved, &c.OnTime); err != nil {
			rows.Close()
			return nil, 0, 0, err
		}
		cells = append(cells, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, 0, err
	}
	args = nil
	in = inList(nodes, &args)
	args = append(args, day.Format(time.DateOnly))
	if err := s.readRow(ctx, fmt.Sprintf(`SELECT COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN due_on <> '' AND due_on < $%d THEN n ELSE 0 END), 0)
		FROM problem_open WHERE node_id %s`, len(args), in), args...).Scan(&open, &overdue); err != nil {
		return nil, 0, 0, fmt.Errorf("store: open problems: %w", err)
	}
	return cells, open, overdue, nil
}

// StatsBounds is the first and last month that has any output value,
// visit or problem: the months a dashboard or briefing can speak of.
func (s *Store) StatsBounds(ctx context.Context) (first, last string, err error) {
	var f, l sql.NullString
	// The top grids' rows hold every record's month: a few hundred rows.
	const roots = "node_id IN (SELECT id FROM grids WHERE parent_id IS NULL)"
	err = s.readRow(ctx, `SELECT MIN(m), MAX(m) FROM (
		SELECT MIN(month) AS m FROM output_totals WHERE `+roots+` UNION ALL SELECT MAX(month) FROM output_totals WHERE `+roots+`
		UNION ALL SELECT MIN(period) FROM visit_totals WHERE length(period) = 7 AND `+roots+`
		UNION ALL SELECT MAX(period) FROM visit_totals WHERE length(period) = 7 AND `+roots+`
		UNION ALL SELECT MIN(month) FROM problem_totals WHERE `+roots+` UNION ALL SELECT MAX(month) FROM problem_totals WHERE `+roots+`) b`).Scan(&f, &l)
	if err != nil {
		return "", "", fmt.Errorf("store: stats bounds: %w", err)
	}
	return f.String, l.String, nil
}

// NodeCounts are the register figures of nodes: enterprises by industry from
// the per-grid counters, and grid staff.
type NodeCounts struct {
	Grids       int
	GridWorkers int
	GridHeads   int
	Industries  []IndustryStat
}

// IndustryStat is one industry's enterprises within the nodes.
type IndustryStat struct {
	ID          int64
	Code        string
	Name        string
	Enterprises int
	AboveScale  int
}

// StatNodeCounts reads the register figures under nodes.
func (s *Store) StatNodeCounts(ctx context.Context, nodes []int64, whole bool) (NodeCounts, error) {
	var c NodeCounts
	var args []any
	in := "IS NOT NULL" // every grid: no list to match
	if !whole {
		grids, err := s.GridSubtree(ctx, nodes...)
		if err != nil {
			return c, err
		}
		in = inList(grids, &args)
	}
	rows, err := s.readQuery(ctx, `SELECT i.id, i.code, i.name, COALESCE(SUM(c.enterprises), 0), COALESCE(SUM(c.above_scale), 0)
		FROM industries i LEFT JOIN grid_counts c ON c.industry_id = i.id AND c.grid_id `+in+`
		GROUP BY i.id, i.code, i.name, i.position ORDER BY i.position, i.id`, args...)
	if err != nil {
		return c, fmt.Errorf("store: industry counts: %w", err)
	}
	for rows.Next() {
		var st IndustryStat
		if err := rows.Scan(&st.ID, &st.Code, &st.Name, &st.Enterprises, &st.AboveScale); err != nil {
			rows.Close()
			return c, err
		}
		c.Industries = append(c.Industries, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	if err := s.readRow(ctx, "SELECT COUNT(*) FROM grids WHERE level = 'grid' AND id "+in, args...).Scan(&c.Grids); err != nil {
		return c, err
	}
	if err := s.readRow(ctx, `SELECT COUNT(DISTINCT CASE WHEN u.role = 'grid_worker' THEN u.id END),
		COUNT(DISTINCT CASE WHEN u.role = 'grid_head' THEN u.id END)
		FROM users u JOIN user_grids ug ON ug.user_id = u.id WHERE NOT u.disabled AND ug.grid_id `+in, args...).Scan(&c.GridWorkers, &c.GridHeads); err != nil {
		return c, fmt.Errorf("store: grid staff: %w", err)
	}
	return c, nil
}

// PartyStat is the party figures of a scope.
type PartyStat struct {
	OrgsByKind    map[string]int
	Organizations int
	Full          int
	Probationary  int
	Covered       int // live enterprises with a current covering organization
}

// StatParty reads the party figures: for the whole zone (nodes nil, whole
// scope) from the organization register and the members' counters; for
// grids, the organizations covering enterprises there and their members.
func (s *Store) StatParty(ctx context.Context, nodes []int64, whole bool) (PartyStat, error) {
	p := PartyStat{OrgsByKind: map[string]int{}}
	var orgCond, covCond string
	var args []any
	if whole {
		orgCond, covCond = "TRUE", "TRUE"
	} else {
		grids, err := s.GridSubtree(ctx, nodes...)
		if err != nil {
			return p, err
		}
		in := inList(grids, &args)
		covCond = "e.grid_id " + in
		orgCond = `o.id IN (SELECT cv.org_id FROM org_coverage cv JOIN enterprises e ON e.id = cv.enterprise_id
			WHERE cv.until IS NULL AND e.deleted_at IS NULL AND e.grid_id ` + in + `)`
	}
	kindQ := "SELECT o.kind, COUNT(*) FROM organizations o WHERE " + orgCond + " GROUP BY o.kind"
	if whole {
		kindQ = "SELECT kind, n FROM org_kind_counts WHERE n <> 0" // kept with every organization write
	}
	rows, err := s.readQuery(ctx, kindQ, args...)
	if err != nil {
		return p, fmt.Errorf("store: organizations by kind: %w", err)
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return p, err
		}
		p.OrgsByKind[k] = n
		p.Organizations += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	// Members: the whole zone from the top organizations' subtree counters
	// (a few rows); grids from the counters of the organizations there.
	memberQ := `SELECT COALESCE(SUM(CASE WHEN c.category = $1 THEN c.n ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.category = $2 THEN c.n ELSE 0 END), 0)
		FROM org_member_counts c JOIN organizations o ON o.id = c.org_id WHERE c.status = $3 AND ` + shift(orgCond, 3)
	if whole {
		memberQ = `SELECT COALESCE(SUM(CASE WHEN c.category = $1 THEN c.n ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.category = $2 THEN c.n ELSE 0 END), 0)
		FROM org_subtree_counts c JOIN organizations o ON o.id = c.org_id WHERE c.status = $3 AND o.parent_id IS NULL`
	}
	if err := s.readRow(ctx, memberQ, append([]any{model.CategoryFull, model.CategoryProbationary, model.MemberNormal}, args...)...).
		Scan(&p.Full, &p.Probationary); err != nil {
		return p, fmt.Errorf("store: members: %w", err)
	}
	if err := s.readRow(ctx, `SELECT COUNT(DISTINCT cv.enterprise_id) FROM org_coverage cv JOIN enterprises e ON e.id = cv.enterprise_id
		WHERE cv.until IS NULL AND e.deleted_at IS NULL AND `+covCond, args...).Scan(&p.Covered); err != nil {
		return p, fmt.Errorf("store: covered enterprises: %w", err)
	}
	return p, nil
}

// shift renumbers the $n placeholders of a condition by k.
func shift(cond string, k int) string {
	var b strings.Builder
	for i := 0; i < len(cond); i++ {
		if cond[i] != '$' {
			b.WriteByte(cond[i])
			continue
		}
		j := i + 1
		n := 0
		for j < len(cond) && cond[j] >= '0' && cond[j] <= '9' {
			n = n*10 + int(cond[j]-'0')
			j++
		}
		fmt.Fprintf(&b, "$%d", n+k)
		i = j - 1
	}
	return b.String()
}

// StationStat is the red stations' figures: stations open, and visitors
// counted in [from, to] by kind, and of those from monthStart on.
type StationStat struct {
	Stations      int
	Open          int
	ByKind        map[string]int
	Visitors      int
	VisitorsMonth int
}

// StatStations reads the red stations' figures for days in [from, to] in
// one pass, splitting off the days from monthStart.
func (s *Store) StatStations(ctx context.Context, from, monthStart, to time.Time) (StationStat, error) {
	st := StationStat{ByKind: map[string]int{}}
	if err := s.readRow(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) FROM stations").
		Scan(&st.Stations, &st.Open); err != nil {
		return st, fmt.Errorf("store: stations: %w", err)
	}
	rows, err := s.readQuery(ctx, `SELECT kind, SUM(n), SUM(CASE WHEN day >= $3 THEN n ELSE 0 END) FROM station_visit_days
		WHERE day >= $1 AND day <= $2 GROUP BY kind`, from, to, monthStart)
	if err != nil {
		return st, fmt.Errorf("store: station visitors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n, m int
		if err := rows.Scan(&k, &n, &m); err != nil {
			return st, err
		}
		st.ByKind[k] = n
		st.Visitors += n
		st.VisitorsMonth += m
	}
	return st, rows.Err()
}

// EnterpriseOrders is one enterprise's orders over two periods.
type EnterpriseOrders struct {
	ID         int64
	Name       string
	ShortName  string
	OrdersYuan int64
	PrevYuan   int64
	PrevN      int // months of the earlier period with orders
}

// TopOrders lists the enterprises under nodes with the largest orders in
// month (the last month of [from, to]), with their orders in [from, to]
// and in [pfrom, pto]: the named figures of the briefing ("安德电器订单同比
// 增长25%"). The month's entries are read largest first from the orders
// index, so the cost is the few rows skipped for other grids, not the
// number of enterprises.
func (s *Store) TopOrders(ctx context.Context, nodes []int64, whole bool, from, to, pfrom, pto string, limit int) ([]EnterpriseOrders, error) {
	var args []any
	cond := "TRUE"
	if !whole {
		grids, err := s.GridSubtree(ctx, nodes...)
		if err != nil {
			return nil, err
		}
		cond = "e.grid_id " + inList(grids, &args)
	}
	args = append(args, to)
	rows, err := s.readQuery(ctx, fmt.Sprintf(`SELECT o.enterprise_id, e.name, e.short_name FROM output_values o%s
		JOIN enterprises e ON e.id = o.enterprise_id
		WHERE o.month = $%d AND o.orders_yuan IS NOT NULL AND e.deleted_at IS NULL AND %s
		ORDER BY o.orders_yuan DESC, o.enterprise_id DESC LIMIT %d`, s.indexedBy("output_values_orders"), len(args), cond, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: top orders: %w", err)
	}
	var out []EnterpriseOrders
	var ids []int64
	for rows.Next() {
		var e EnterpriseOrders
		if err := rows.Scan(&e.ID, &e.Name, &e.ShortName); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
		ids = append(ids, e.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	args = nil
	in := inList(ids, &args)
	n := len(args)
	args = append(args, from, to, pfrom, pto)
	rows, err = s.readQuery(ctx, fmt.Sprintf(`SELECT enterprise_id,
		COALESCE(SUM(CASE WHEN month >= $%[1]d AND month <= $%[2]d THEN orders_yuan END), 0),
		COALESCE(SUM(CASE WHEN month >= $%[3]d AND month <= $%[4]d THEN orders_yuan END), 0),
		SUM(CASE WHEN month >= $%[3]d AND month <= $%[4]d AND orders_yuan IS NOT NULL THEN 1 ELSE 0 END)
		FROM output_values WHERE enterprise_id %[5]s AND month >= $%[3]d AND month <= $%[2]d GROUP BY enterprise_id`, n+1, n+2, n+3, n+4, in), args...)
	if err != nil {
		return nil, fmt.Errorf("store: top orders: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*EnterpriseOrders{}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	for rows.Next() {
		var id, cur, prev int64
		var pn int
		if err := rows.Scan(&id, &cur, &prev, &pn); err != nil {
			return nil, err
		}
		if e := byID[id]; e != nil {
			e.OrdersYuan, e.PrevYuan, e.PrevN = cur, prev, pn
		}
	}
	return out, rows.Err()
}

// ---- output values, one at a time ----

// OutputValueInput sets one enterprise's output value for a month (yuan).
// UpdatedAt, when set, is the stored value's time the user saw: a value
// changed since is a conflict, not overwritten.
type OutputValueInput struct {
	EnterpriseID int64      `json:"enterprise_id"`
	Month        string     `json:"month"`
	ValueYuan    int64      `json:"value_yuan"`
	OrdersYuan   *int64     `json:"orders_yuan,omitempty"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
}

// SetOutputValue records (or corrects) an enterprise's output value for a
// month, keeping the totals in the same transaction.
func (s *Store) SetOutputValue(ctx context.Context, actor *model.Actor, in OutputValueInput) error {
	var v model.Validation
	if !validMonth(in.Month) {
		v.Add("month", "field.month_format")
	} else if in.Month > civilDate(s.now()).Format("2006-01") {
		v.Add("month", "output.month_future")
	}
	if in.ValueYuan < 0 {
		v.Add("value", "field.range", 0, "∞")
	}
	if in.OrdersYuan != nil && *in.OrdersYuan < 0 {
		v.Add("orders", "field.range", 0, "∞")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		args := []any{in.EnterpriseID}
		var k enterpriseKey
		// The enterprise row is locked (PostgreSQL) so that its output
		// values, and the grid they count in, change one writer at a time.
		if err := tx.QueryRowContext(ctx, "SELECT e.grid_id, e.industry_id, e.above_scale FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
			enterpriseWriteScopeSQL(actor, &args)+s.forUpdateOf("e"), args...).Scan(&k.grid, &k.industry, &k.above); err != nil {
			return notFound(err, "enterprise")
		}
		agg := newAggBatch()
		old := outFacts{grid: k.grid, industry: k.industry, above: k.above, month: in.Month}
		var at time.Time
		existed := false
		err := tx.QueryRowContext(ctx, "SELECT value_yuan, orders_yuan, updated_at FROM output_values WHERE enterprise_id = $1 AND month = $2",
			in.EnterpriseID, in.Month).Scan(&old.value, &old.orders, &at)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if in.UpdatedAt != nil {
				return model.Errorf(model.ECONFLICT, "output.changed_meanwhile")
			}
		case err != nil:
			return fmt.Errorf("store: output value: %w", err)
		default:
			if in.UpdatedAt != nil && !in.UpdatedAt.Equal(at) {
				return model.Errorf(model.ECONFLICT, "output.changed_meanwhile")
			}
			agg.output(old, -1)
			existed = true
		}
		nf := old
		nf.value, nf.orders = in.ValueYuan, sql.NullInt64{}
		var orders any
		if in.OrdersYuan != nil {
			nf = withOrders(nf, *in.OrdersYuan)
			orders = *in.OrdersYuan
		}
		agg.output(nf, 1)
		if _, err := tx.ExecContext(ctx, `INSERT INTO output_values (enterprise_id, month, value_yuan, orders_yuan, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (enterprise_id, month) DO UPDATE SET value_yuan = excluded.value_yuan, orders_yuan = excluded.orders_yuan,
			updated_at = excluded.updated_at`, in.EnterpriseID, in.Month, in.ValueYuan, orders, tx.now); err != nil {
			return fmt.Errorf("store: set output value: %w", err)
		}
		if err := agg.flush(ctx, tx); err != nil {
			return err
		}
		var before any
		if existed {
			before = map[string]any{"value_yuan": old.value, "orders_yuan": nullableInt(old.orders)}
		}
		return tx.Audit(ctx, actor, Change{Action: "output_value.set", Entity: "enterprise", EntityID: in.EnterpriseID,
			Before: before, After: map[string]any{"month": in.Month, "value_yuan": in.ValueYuan, "orders_yuan": in.OrdersYuan}})
	})
}

func nullableInt(n sql.NullInt64) any {
	if n.Valid {
		return n.Int64
	}
	return nil
}

// EnterpriseOutput lists one enterprise's stored output values, newest
// month first.
func (s *Store) EnterpriseOutput(ctx context.Context, actor *model.Actor, enterpriseID int64) ([]OutputValue, []time.Time, error) {
	args := []any{enterpriseID}
	rows, err := s.readQuery(ctx, `SELECT o.enterprise_id, e.uscc, e.name, o.month, o.value_yuan, o.orders_yuan, o.updated_at
		FROM output_values o JOIN enterprises e ON e.id = o.enterprise_id WHERE o.enterprise_id = $1 AND `+enterpriseScopeSQL(actor, &args)+
		" ORDER BY o.month DESC", args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: enterprise output: %w", err)
	}
	defer rows.Close()
	var out []OutputValue
	var ats []time.Time
	for rows.Next() {
		var v OutputValue
		var at time.Time
		if err := rows.Scan(&v.EnterpriseID, &v.USCC, &v.EnterpriseName, &v.Month, &v.ValueYuan, &v.OrdersYuan, &at); err != nil {
			return nil, nil, err
		}
		out = append(out, v)
		ats = append(ats, at.UTC())
	}
	return out, ats, rows.Err()
}
