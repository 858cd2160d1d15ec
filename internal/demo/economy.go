package demo

import (
	"context"
	"fmt"
	"math"

	"redgrid/internal/model"
	"redgrid/internal/stats"
	"redgrid/internal/store"
)

// The demo's fifth part, the economy: monthly output values of the 189
// 规上 enterprises from January 2020 to August 2021, as the statistics
// office reports them (in 万元 with one decimal, i.e. multiples of 1,000
// yuan). Each enterprise gets a size and each month a season; 2021's
// values are scaled so that January–August comes to about 106.5 亿元 and
// 2020's so that the same months were about a third lower (the article:
// "截至8月份，规上工业企业完成总产值106.5亿元，同比增长50%以上"). 安德
// and a few others also report orders; 安德's are a quarter up on 2020
// ("订单同比增长25%"). The dashboard and the briefing compute every figure
// from these records; nothing here is a figure typed into a page.

const (
	// targetYTD2021 is what January–August 2021 is scaled to, in yuan.
	targetYTD2021 = 10_652_000_000
	// growth2021 is 2021 over 2020 for those months.
	growth2021 = 1.507
	// andeName is the enterprise whose orders the article names; its orders
	// of 2021 are exactly 5/4 of 2020's, month by month.
	andeName = "浙江安德电器有限公司"
)

// season weights the months (Spring Festival in February, busy autumn).
var season = [12]float64{0.95, 0.62, 1.02, 1.04, 1.06, 1.08, 1.0, 1.03, 1.07, 1.1, 1.12, 1.15}

func (l *loader) loadEconomy(ctx context.Context) error {
	var above []model.Enterprise
	for _, e := range l.ents {
		if e.AboveScale {
			above = append(above, e)
		}
	}
	if len(above) == 0 {
		return nil
	}
	// Sizes: a long tail, 安德 among the largest.
	size := make([]float64, len(above))
	for i, e := range above {
		size[i] = math.Exp(l.src.R.NormFloat64() * 0.8)
		if e.Name == andeName {
			size[i] = 14
		}
	}
	type cell struct {
		ent   int
		month string
		w     float64
	}
	var cur, prev []cell
	var curW, prevW float64
	for i := range above {
		// Each enterprise grew by its own rate around the zone's.
		g := growth2021 * (0.85 + 0.3*l.src.R.Float64())
		for m := 1; m <= 12; m++ {
			w := size[i] * season[m-1] * (0.9 + 0.2*l.src.R.Float64())
			prev = append(prev, cell{i, fmt.Sprintf("2020-%02d", m), w / g})
			if m <= 8 {
				prevW += w / g
				wc := w * (0.95 + 0.1*l.src.R.Float64())
				cur = append(cur, cell{i, fmt.Sprintf("2021-%02d", m), wc})
				curW += wc
			}
		}
	}
	// Scale: January–August 2021 to the target, the same months of 2020 to
	// the target over the growth; September–December 2020 follow 2020's scale.
	curScale := targetYTD2021 / curW
	prevScale := targetYTD2021 / growth2021 / prevW
	round := func(yuan float64) int64 { return int64(math.Round(yuan/1000)) * 1000 }
	var rows []store.BulkOutput
	orders := map[int]float64{} // enterprises reporting orders: share of output
	for i, e := range above {
		if e.Name == andeName || i%23 == 0 {
			orders[i] = 0.6 + 0.3*l.src.R.Float64()
		}
	}
	andePrev := map[string]int64{}
	for _, c := range prev {
		r := store.BulkOutput{EnterpriseID: above[c.ent].ID, Month: c.month, ValueYuan: round(c.w * prevScale)}
		if share, ok := orders[c.ent]; ok {
			o := round(float64(r.ValueYuan) * share)
			if above[c.ent].Name == andeName {
				o = o / 4000 * 4000 // so that × 5/4 stays in whole thousands
				andePrev[c.month[5:]] = o
			}
			r.OrdersYuan = &o
		}
		rows = append(rows, r)
	}
	for _, c := range cur {
		r := store.BulkOutput{EnterpriseID: above[c.ent].ID, Month: c.month, ValueYuan: round(c.w * curScale)}
		if share, ok := orders[c.ent]; ok {
			o := round(float64(r.ValueYuan) * share)
			if above[c.ent].Name == andeName {
				o = andePrev[c.month[5:]] / 4 * 5
			}
			r.OrdersYuan = &o
		}
		rows = append(rows, r)
	}
	if err := l.s.BulkLoadOutput(ctx, len(rows), func(i int) store.BulkOutput { return rows[i] }, nil); err != nil {
		return fmt.Errorf("demo: output values: %w", err)
	}
	return nil
}

// EconomyMonth is the month the demo's economy figures speak of.
const EconomyMonth = "2021-08"

// economyResult reads the economy back through the one computation the
// dashboard and the briefing use.
func (l *loader) economyResult(ctx context.Context, r *Result) error {
	fig, err := stats.Compute(ctx, l.s, model.System, stats.Filter{Month: EconomyMonth}, true)
	if err != nil {
		return err
	}
	r.OutputMonth, r.OutputYTD, r.OutputPrevYTD, r.OutputGrowth = fig.Month, fig.Output.YTD, fig.Output.PrevYTD, fig.Output.Growth.Percent
	for _, o := range fig.Output.TopOrders {
		if o.Name == andeName {
			r.AndeOrdersGrowth = o.Growth.Percent
		}
	}
	return nil
}
