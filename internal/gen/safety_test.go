package gen_test

import (
	"context"
	"io"
	"testing"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// A generated register: the summary and the per-grid figures agree with
// plain counts over the table, as of today and as of a past day.
func TestRunSafety(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	if err := gen.Run(ctx, s, gen.Options{Enterprises: 300, Grids: 6, Seed: 7, Safety: 6000}, io.Discard); err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.R.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	sum, err := s.SafetySummary(ctx, model.System, store.SafetyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total := sum.Inspections + sum.Violations + sum.Incidents; total != 6000 {
		t.Fatalf("summary counts %d records", total)
	}
	if n := count("SELECT COUNT(*) FROM safety_records WHERE kind = 'violation'"); n != sum.Violations || n < 800 {
		t.Fatalf("violations %d vs %d", sum.Violations, n)
	}
	if n := count("SELECT COUNT(*) FROM safety_records WHERE kind = 'violation' AND rectified_on IS NULL"); n != sum.OpenHazards || n == 0 {
		t.Fatalf("open hazards %d vs %d", sum.OpenHazards, n)
	}
	if n := count("SELECT COUNT(*) FROM safety_records WHERE is_open = TRUE AND hazard_level = 'major'"); n != sum.OpenMajorHazards {
		t.Fatalf("open major hazards %d vs %d", sum.OpenMajorHazards, n)
	}
	// As of a past day: found by then and not rectified by then.
	asOf := gen.Reference.AddDate(0, -6, 0)
	day := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	past, err := s.SafetySummary(ctx, model.System, store.SafetyFilter{To: day})
	if err != nil {
		t.Fatal(err)
	}
	var want int
	rows, err := s.R.Query("SELECT occurred_on, rectified_on FROM safety_records WHERE kind = 'violation'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var on time.Time
		var rect *time.Time
		if err := rows.Scan(&on, &rect); err != nil {
			t.Fatal(err)
		}
		if !on.After(day) && (rect == nil || rect.After(day)) {
			want++
		}
	}
	rows.Close()
	if past.OpenHazards != want || past.Violations+past.Inspections+past.Incidents >= 6000 {
		t.Fatalf("as of %s: open %d, want %d (%+v)", day.Format("2006-01-02"), past.OpenHazards, want, past)
	}
	byGrid, err := s.SafetyByGrid(ctx, model.System, store.SafetyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	incidents, open := 0, 0
	for _, g := range byGrid {
		incidents += g.Incidents
		open += g.OpenHazards
	}
	if incidents != sum.Incidents || open != sum.OpenHazards {
		t.Fatalf("by grid: %d incidents, %d open; summary %d, %d", incidents, open, sum.Incidents, sum.OpenHazards)
	}
	// The open-hazard list pages through exactly those.
	listed := 0
	f := store.SafetyListFilter{OpenOnly: true, Limit: 200}
	for {
		items, next, _, err := s.ListSafety(ctx, model.System, f)
		if err != nil {
			t.Fatal(err)
		}
		listed += len(items)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if listed != sum.OpenHazards {
		t.Fatalf("listed %d open hazards of %d", listed, sum.OpenHazards)
	}
}
