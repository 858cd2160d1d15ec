package gen_test

import (
	"context"
	"io"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/storetest"
)

func TestRunField(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	// storetest.Open seeds the dictionaries; gen wants an empty database,
	// which it still is (no registers).
	if err := gen.Run(ctx, s, gen.Options{Enterprises: 300, Grids: 6, Seed: 7, Visits: 3000, Problems: 500}, io.Discard); err != nil {
		t.Fatal(err)
	}
	var visits, problems, open, events, last int
	for q, dst := range map[string]*int{
		"SELECT COUNT(*) FROM visits": &visits, "SELECT COUNT(*) FROM problems": &problems,
		"SELECT COUNT(*) FROM problems WHERE is_open": &open, "SELECT COUNT(*) FROM problem_events": &events,
		"SELECT COUNT(*) FROM enterprise_visit_last": &last,
	} {
		if err := s.R.QueryRow(q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	if visits != 3000 || problems != 500 || open < 25 || open > 80 || events < problems*5 || last == 0 {
		t.Fatalf("visits %d problems %d open %d events %d last %d", visits, problems, open, events, last)
	}
	var leaders, notAbove int
	s.R.QueryRow("SELECT COUNT(*) FROM visits WHERE level = 'leader'").Scan(&leaders)
	s.R.QueryRow("SELECT COUNT(*) FROM visits v JOIN enterprises e ON e.id = v.enterprise_id WHERE v.level = 'leader' AND NOT e.above_scale").Scan(&notAbove)
	if leaders == 0 || notAbove != 0 {
		t.Fatalf("leader visits %d, on non-规上 %d", leaders, notAbove)
	}
	// Department accounts see their own open problems.
	u, err := s.UserByUsername(ctx, "gen-safety")
	if err != nil {
		t.Fatal(err)
	}
	items, _, _, err := s.ListProblems(ctx, storetest.Actor(t, s, u), model.ProblemFilter{Open: true})
	if err != nil || len(items) == 0 {
		t.Fatalf("inbox %d %v", len(items), err)
	}
	// Deterministic: the same seed gives the same rows.
	s2, _ := storetest.Open(t)
	if err := gen.Run(ctx, s2, gen.Options{Enterprises: 300, Grids: 6, Seed: 7, Visits: 3000, Problems: 500}, io.Discard); err != nil {
		t.Fatal(err)
	}
	sum := func(q string) (a, b int64) {
		s.R.QueryRow(q).Scan(&a)
		s2.R.QueryRow(q).Scan(&b)
		return
	}
	if a, b := sum("SELECT SUM(enterprise_id * 7 + LENGTH(level)) FROM visits"); a != b {
		t.Fatalf("visits differ: %d %d", a, b)
	}
}
