package gen_test

import (
	"context"
	"io"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/stats"
	"redgrid/internal/storetest"
)

// Generated output values land in the register and in the statistics
// aggregates the dashboard reads, which agree with the records.
func TestRunOutput(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	if err := gen.Run(ctx, s, gen.Options{Enterprises: 200, Grids: 4, Seed: 3, OutputMonths: 12, Visits: 500}, io.Discard); err != nil {
		t.Fatal(err)
	}
	var n, months int
	var total, above int64
	if err := s.R.QueryRow("SELECT COUNT(*), COUNT(DISTINCT month) FROM output_values").Scan(&n, &months); err != nil {
		t.Fatal(err)
	}
	if n != 200*12 || months != 12 {
		t.Fatalf("%d output values over %d months", n, months)
	}
	if err := s.R.QueryRow(`SELECT COALESCE(SUM(o.value_yuan), 0), COALESCE(SUM(CASE WHEN e.above_scale THEN o.value_yuan ELSE 0 END), 0)
		FROM output_values o JOIN enterprises e ON e.id = o.enterprise_id WHERE o.month >= '2021-01' AND o.month <= '2021-08'`).Scan(&total, &above); err != nil {
		t.Fatal(err)
	}
	fig, err := stats.Compute(ctx, s, model.System, stats.Filter{Month: "2021-08"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Output.YTD != above || fig.Output.AllYTD != total || above == 0 {
		t.Fatalf("dashboard YTD %d/%d, records %d/%d", fig.Output.YTD, fig.Output.AllYTD, above, total)
	}
	// No 2020 January–August values: the growth is "—" with its reason.
	if fig.Output.Growth.Percent != nil || fig.Output.Growth.Reason == "" {
		t.Fatalf("growth without a year before: %+v", fig.Output.Growth)
	}
	if fig.Visits.Year.GridWorker+fig.Visits.Year.GridHead+fig.Visits.Year.Leader == 0 {
		t.Fatal("visits did not reach the aggregates")
	}
}
