package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"redgrid/internal/model"
)

// OutputValueImportRow is one row of a monthly output file: the
// enterprise's credit code, the month (YYYY-MM) and the value in yuan
// (万元 × 10,000), with the optional orders figure.
type OutputValueImportRow struct {
	USCC       string
	Month      string
	ValueYuan  int64
	OrdersYuan *int64
}

type outputImporter struct {
	s     *Store
	actor *model.Actor
	mode  ImportMode
	ids   map[*ImportItem]int64
	// facts: what each checked row contributes to the output totals now
	// (old, when a value is stored) and after the write (new).
	old, new map[*ImportItem]outFacts
}

// outputRowsPerStmt: 5 parameters a row.
const outputRowsPerStmt = 1000

func (im *outputImporter) check(ctx context.Context, q queryer, items []*ImportItem) error {
	im.ids = make(map[*ImportItem]int64, len(items)) // this batch's, until apply
	im.old = make(map[*ImportItem]outFacts, len(items))
	im.new = make(map[*ImportItem]outFacts, len(items))
	thisMonth := civilDate(im.s.now()).Format("2006-01")
	codes := make([]any, 0, len(items))
	for _, it := range items {
		r := it.Row.(*OutputValueImportRow)
		r.USCC = strings.ToUpper(strings.TrimSpace(r.USCC))
		switch {
		case !validMonth(r.Month):
			it.fail("month", "field.month_format")
		case r.Month > thisMonth:
			it.fail("month", "output.month_future")
		}
		if r.ValueYuan < 0 {
			it.fail("value", "field.range", 0, "∞")
		}
		if r.OrdersYuan != nil && *r.OrdersYuan < 0 {
			it.fail("orders", "field.range", 0, "∞")
		}
		codes = append(codes, r.USCC)
	}
	type ent struct {
		id, grid, industry int64
		above, deleted     bool
	}
	ents := map[string]ent{}
	// Committing, the enterprises are locked (PostgreSQL) as one output
	// value written alone locks its enterprise: the totals move one writer
	// at a time.
	lock := ""
	if _, ok := q.(*Tx); ok {
		lock = im.s.forUpdateOf("enterprises")
	}
	rows, err := q.QueryContext(ctx, "SELECT id, uscc, grid_id, industry_id, above_scale, deleted_at IS NOT NULL FROM enterprises"+im.s.indexedBy("enterprises_uscc")+" WHERE uscc IN ("+
		im.s.paramList(1, len(codes))+")"+lock, codes...)
	if err != nil {
		return fmt.Errorf("store: import output lookup: %w", err)
	}
	for rows.Next() {
		var e ent
		var code string
		if err := rows.Scan(&e.id, &code, &e.grid, &e.industry, &e.above, &e.deleted); err != nil {
			rows.Close()
			return err
		}
		ents[code] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	scope := map[int64]bool{}
	for _, g := range im.actor.Scope.GridIDs {
		scope[g] = true
	}
	var ids []any
	for _, it := range items {
		r := it.Row.(*OutputValueImportRow)
		e, ok := ents[r.USCC]
		if !ok || e.deleted || (!im.actor.Scope.All && !scope[e.grid]) {
			it.fail("enterprise_id", "import.unknown_ref", r.USCC)
			continue
		}
		im.ids[it] = e.id
		im.new[it] = outFacts{grid: e.grid, industry: e.industry, above: e.above, month: r.Month, value: r.ValueYuan}
		if r.OrdersYuan != nil {
			im.new[it] = withOrders(im.new[it], *r.OrdersYuan)
		}
		ids = append(ids, e.id)
	}
	type key struct {
		id    int64
		month string
	}
	type val struct {
		value  int64
		orders *int64
	}
	stored := map[key]val{}
	if len(ids) > 0 {
		rows, err := q.QueryContext(ctx, "SELECT enterprise_id, month, value_yuan, orders_yuan FROM output_values"+im.s.indexedBy("sqlite_autoindex_output_values_1")+" WHERE enterprise_id IN ("+
			im.s.paramList(1, len(ids))+")", ids...)
		if err != nil {
			return fmt.Errorf("store: import output lookup: %w", err)
		}
		for rows.Next() {
			var k key
			var v val
			if err := rows.Scan(&k.id, &k.month, &v.value, &v.orders); err != nil {
				rows.Close()
				return err
			}
			stored[k] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, it := range items {
		r := it.Row.(*OutputValueImportRow)
		v, ok := stored[key{im.ids[it], r.Month}]
		if ok {
			f := im.new[it]
			f.value, f.orders = v.value, sql.NullInt64{}
			if v.orders != nil {
				f = withOrders(f, *v.orders)
			}
			im.old[it] = f
		}
		same := ok && v.value == r.ValueYuan && (v.orders == nil) == (r.OrdersYuan == nil) &&
			(v.orders == nil || *v.orders == *r.OrdersYuan)
		classify(it, im.mode, ok, same, "month")
	}
	return nil
}

func (im *outputImporter) apply(ctx context.Context, tx *Tx, items []*ImportItem) error {
	agg := newAggBatch()
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString("INSERT INTO output_values (enterprise_id, month, value_yuan, orders_yuan, updated_at) VALUES ")
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d)", 5*i+1, 5*i+2, 5*i+3, 5*i+4, 5*i+5)
		}
		b.WriteString(` ON CONFLICT (enterprise_id, month) DO UPDATE SET value_yuan = excluded.value_yuan,
			orders_yuan = excluded.orders_yuan, updated_at = excluded.updated_at`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: import output values: %w", err)
		}
		args, n = args[:0], 0
		return nil
	}
	for _, it := range items {
		if it.Status != ImportNew && it.Status != ImportChanged {
			continue
		}
		r := it.Row.(*OutputValueImportRow)
		if f, ok := im.old[it]; ok {
			agg.output(f, -1)
		}
		agg.output(im.new[it], 1)
		var orders any
		if r.OrdersYuan != nil {
			orders = *r.OrdersYuan
		}
		args = append(args, im.ids[it], r.Month, r.ValueYuan, orders, tx.now)
		if n++; n == outputRowsPerStmt {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return agg.flush(ctx, tx)
}

func withOrders(f outFacts, orders int64) outFacts {
	f.orders = sql.NullInt64{Int64: orders, Valid: true}
	return f
}

// validMonth reports whether s is a month "YYYY-MM" between 2000 and 2100.
func validMonth(s string) bool {
	t, err := time.Parse("2006-01", s)
	return err == nil && len(s) == 7 && t.Year() >= 2000 && t.Year() <= 2100
}
