package gen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"redgrid/internal/store"
)

// Monthly output values at province scale: opt.OutputMonths months ending
// with Reference's month for every enterprise (12 × 1,000,000 rows for the
// issue's figure). 规上 enterprises report tens of millions of yuan a
// month, the others a few hundred thousand; one in ten also reports orders.
// Each row comes from the seed and its index alone.
func runOutput(ctx context.Context, s *store.Store, opt Options, log io.Writer) error {
	t := time.Now()
	var ids []int64
	var above []bool
	rows, err := s.R.QueryContext(ctx, "SELECT id, above_scale FROM enterprises ORDER BY id")
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	for rows.Next() {
		var id int64
		var a bool
		if err := rows.Scan(&id, &a); err != nil {
			rows.Close()
			return err
		}
		ids, above = append(ids, id), append(above, a)
	}
	rows.Close()
	months := make([]string, opt.OutputMonths)
	for i := range months {
		first := time.Date(Reference.Year(), Reference.Month(), 1, 0, 0, 0, 0, time.UTC)
		months[i] = first.AddDate(0, i-opt.OutputMonths+1, 0).Format("2006-01")
	}
	n := len(ids) * len(months)
	step := max(n/10, 1)
	next := step
	err = s.BulkLoadOutput(ctx, n, func(i int) store.BulkOutput {
		e, m := i/len(months), i%len(months)
		r := rand.New(rand.NewPCG(opt.Seed^0x6f7574707574, uint64(i)))
		v := int64(50_000 + r.IntN(500_000))
		if above[e] {
			v = int64(5_000_000 + r.IntN(50_000_000))
		}
		out := store.BulkOutput{EnterpriseID: ids[e], Month: months[m], ValueYuan: v / 1000 * 1000}
		if e%10 == 0 {
			o := v / 2000 * 1000
			out.OrdersYuan = &o
		}
		return out
	}, func(done int) {
		if done >= next || done == n {
			next += step
			fmt.Fprintf(log, "gen: %d/%d output values loaded (%.0f rows/s)\n", done, n, float64(done)/max(time.Since(t).Seconds(), 1e-9))
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "gen: %d output values (%d months) and the statistics aggregates in %s\n", n, len(months), since(t))
	return nil
}
