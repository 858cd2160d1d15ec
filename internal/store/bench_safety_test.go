package store_test

import (
	"context"
	"os"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// The safety figures and lists at scale, over a database made by
//
//	redgrid gen --enterprises 20000 --grids 200 --safety 500000 --db sqlite:/tmp/safety.db
//	REDGRID_BENCH_SAFETY_DB=sqlite:/tmp/safety.db go test ./internal/store -run '^$' -bench Safety
//
// (skipped without the variable). Grid readers are the first grid's staff.
//
// Measured on 2 shared cores (ms per call), SQLite 500,000 records /
// PostgreSQL 300,000 after autovacuum (index-only scans need the
// visibility map): a grid's summary 0.4 / 1.8, the zone's year 38 / 24,
// as of a past day 33 / 29, by grid 8 / 6.6, open hazards list 0.4 / 4,
// a grid's list 0.9 / 6 (PostgreSQL: mostly planning).

func safetyBench(b *testing.B) (*store.Store, *model.Actor) {
	url := os.Getenv("REDGRID_BENCH_SAFETY_DB")
	if url == "" {
		b.Skip("REDGRID_BENCH_SAFETY_DB not set")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.Keys = storetest.Keys(b)
	var grid int64
	if err := s.R.QueryRow("SELECT grid_id FROM safety_records ORDER BY id LIMIT 1").Scan(&grid); err != nil {
		b.Fatal(err)
	}
	return s, &model.Actor{Username: "bench", Role: model.RoleGridWorker, Scope: model.Scope{GridIDs: []int64{grid}}}
}

func BenchmarkSafetySummaryAll(b *testing.B) {
	s, _ := safetyBench(b)
	f := store.SafetyFilter{From: gen.Reference.AddDate(-1, 0, 0)}
	for b.Loop() {
		if _, err := s.SafetySummary(context.Background(), model.System, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSafetySummaryGrid(b *testing.B) {
	s, worker := safetyBench(b)
	for b.Loop() {
		if _, err := s.SafetySummary(context.Background(), worker, store.SafetyFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSafetyByGrid(b *testing.B) {
	s, _ := safetyBench(b)
	for b.Loop() {
		if _, err := s.SafetyByGrid(context.Background(), model.System, store.SafetyFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSafetyListOpen(b *testing.B) {
	s, _ := safetyBench(b)
	for b.Loop() {
		if _, _, _, err := s.ListSafety(context.Background(), model.System, store.SafetyListFilter{OpenOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSafetyListGrid(b *testing.B) {
	s, worker := safetyBench(b)
	for b.Loop() {
		if _, _, _, err := s.ListSafety(context.Background(), worker, store.SafetyListFilter{Kind: model.SafetyViolation}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSafetySummaryAsOf(b *testing.B) {
	s, _ := safetyBench(b)
	f := store.SafetyFilter{From: gen.Reference.AddDate(-1, -6, 0), To: gen.Reference.AddDate(0, -6, 0)}
	for b.Loop() {
		if _, err := s.SafetySummary(context.Background(), model.System, f); err != nil {
			b.Fatal(err)
		}
	}
}
