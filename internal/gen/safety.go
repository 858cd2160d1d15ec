package gen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// The safety register at province scale: opt.Safety records over the two
// years before Reference — 80% inspections, 17% violations (one in ten a
// major hazard, nine in ten rectified within a month), 3% incidents graded
// from their figures, a major accident about once in 20,000 incidents. Each
// row comes from the seed and its index alone.

func runSafety(ctx context.Context, s *store.Store, opt Options, log io.Writer) error {
	t := time.Now()
	var ents []entRef
	rows, err := s.R.QueryContext(ctx, "SELECT id, grid_id, above_scale FROM enterprises ORDER BY id")
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	for rows.Next() {
		var e entRef
		if err := rows.Scan(&e.id, &e.grid, &e.above); err != nil {
			rows.Close()
			return err
		}
		ents = append(ents, e)
	}
	rows.Close()
	if len(ents) == 0 {
		return fmt.Errorf("gen: no enterprises for safety records")
	}
	ref := Reference.In(rules.Location())
	end := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
	days := int(fieldWindow.Hours() / 24)
	row := func(i int) store.BulkSafety {
		r := rand.New(rand.NewPCG(opt.Seed^0x5afe, uint64(i)))
		e := ents[r.IntN(len(ents))]
		// Spread evenly over the window so that ids follow dates.
		on := end.AddDate(0, 0, -days+days*i/max(opt.Safety, 1))
		b := store.BulkSafety{EnterpriseID: e.id, GridID: e.grid, OccurredOn: on, Kind: model.SafetyInspection, Description: "基准测试检查"}
		switch x := r.Float64(); {
		case x < 0.03:
			b.Kind, b.Description = model.SafetyIncident, "基准测试事故"
			b.Injuries, b.LossYuan = r.IntN(3), int64(r.IntN(500_000))
			if r.IntN(20_000) == 0 {
				b.Deaths = 10 + r.IntN(5)
			}
			b.Severity = rules.Severity(b.Deaths, b.Injuries, b.LossYuan)
		case x < 0.20:
			b.Kind, b.Description, b.HazardLevel = model.SafetyViolation, "基准测试隐患", rules.HazardOrdinary
			if r.IntN(10) == 0 {
				b.HazardLevel = rules.HazardMajor
			}
			if done := on.AddDate(0, 0, 1+r.IntN(30)); r.IntN(10) != 0 && !done.After(end) {
				b.RectifiedOn = &done
			}
		}
		return b
	}
	step := max(opt.Safety/20, 1)
	next := step
	err = s.BulkLoadSafety(ctx, opt.Safety, row, func(done int) {
		if done >= next || done == opt.Safety {
			el := time.Since(t).Seconds()
			fmt.Fprintf(log, "gen: %d/%d safety records loaded (%.0f rows/s)\n", done, opt.Safety, float64(done)/max(el, 1e-9))
			for next <= done {
				next += step
			}
		}
	})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(log, "gen: %d safety records in %s\n", opt.Safety, since(t))
	return nil
}
