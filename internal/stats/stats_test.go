package stats_test

import (
	"context"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/stats"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestGrowthAndRatioNeverNaN(t *testing.T) {
	if g := stats.NewGrowth(150, 100); g.Percent == nil || *g.Percent != 50 || g.Reason != "" {
		t.Fatalf("growth %+v", g)
	}
	if g := stats.NewGrowth(100, 0); g.Percent != nil || g.Reason != "stats.reason.no_prev" {
		t.Fatalf("no previous figure: %+v", g)
	}
	if g := stats.NewGrowth(80, 100); g.Percent == nil || *g.Percent != -20 {
		t.Fatalf("decline %+v", g)
	}
	if r := stats.NewRatio(3, 0); r.Percent != nil || r.Reason != "stats.reason.no_base" {
		t.Fatalf("zero base: %+v", r)
	}
	if r := stats.NewRatio(1, 4); r.Percent == nil || *r.Percent != 25 {
		t.Fatalf("ratio %+v", r)
	}
}

// Months outside the data are field errors on "month"; the default month
// is the latest with data.
func TestResolveMonthAndEmptyZone(t *testing.T) {
	s, clock := storetest.Open(t)
	ctx := context.Background()
	f := storetest.MustZone(t, s)
	clock.Set(time.Date(2021, 8, 25, 2, 0, 0, 0, time.UTC))
	// An empty zone: every figure zero or "—", nothing fails.
	fig, err := stats.Compute(ctx, s, model.System, stats.Filter{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Month != "2021-08" || fig.Enterprises != 0 || fig.Output.Growth.Percent != nil || fig.Visits.CoverageMonth.Percent != nil ||
		fig.Problems.OnTimeRate.Percent != nil || fig.ScopeName != f.Zone.Name {
		t.Fatalf("empty zone: %+v", fig)
	}
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "甲机械有限公司")
	if err := s.SetOutputValue(ctx, model.System, store.OutputValueInput{EnterpriseID: e.ID, Month: "2021-03", ValueYuan: 5}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"2021-09", "2021-02", "2021-3", "x"} {
		_, err := stats.Compute(ctx, s, model.System, stats.Filter{Month: m}, true)
		if ve, ok := model.AsError(err); !ok || ve.Code != model.EINVALID || ve.Fields["month"].Key == "" {
			t.Fatalf("month %q: %v", m, err)
		}
	}
	fig, err = stats.Compute(ctx, s, model.System, stats.Filter{}, true)
	if err != nil || fig.Month != "2021-03" || fig.FirstMonth != "2021-03" {
		t.Fatalf("default month %q first %q: %v", fig.Month, fig.FirstMonth, err)
	}
	// Rows carry every figure with a unit; uncomputable ones have a reason.
	for _, r := range fig.Rows() {
		if r.Unit == "" || (r.Value == "" && r.Reason == "") {
			t.Fatalf("row %+v", r)
		}
	}
}
