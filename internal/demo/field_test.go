package demo_test

import (
	"context"
	"testing"
	"time"

	"redgrid/internal/demo"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// A year of visits on all three levels at the zone's rates, and several
// hundred problems of which about nine in ten are closed, with timelines,
// deadlines and coverage that the pages can show.
func TestFieldWork(t *testing.T) {
	t.Parallel()
	s, r := load(t)
	ctx := context.Background()
	if w := r.Visits[model.LevelGridWorker]; w < 15000 || w > 20000 { // 1,736 × 12 × 0.85 ≈ 17,700
		t.Errorf("grid worker visits %d", w)
	}
	if h := r.Visits[model.LevelGridHead]; h < 4000 || h > 6000 { // 1,736 × 4 × 0.7 ≈ 4,860
		t.Errorf("grid head visits %d", h)
	}
	if l := r.Visits[model.LevelLeader]; l < 150 || l > 189 {
		t.Errorf("leader visits %d", l)
	}
	if r.Problems < 200 || r.Problems > 600 {
		t.Errorf("problems %d, want several hundred", r.Problems)
	}
	if share := float64(r.ProblemsClosed) / float64(r.Problems); share < 0.85 || share > 0.95 {
		t.Errorf("closed share %.2f, want about nine in ten", share)
	}
	if r.ProblemsOpen == 0 {
		t.Error("no open problems: the inbox would be empty")
	}
	// Timelines and links: every problem has its events; visit problems
	// point at their visit.
	var noEvents, unlinked int
	if err := s.R.QueryRow(`SELECT COUNT(*) FROM problems p WHERE NOT EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = p.id)`).Scan(&noEvents); err != nil {
		t.Fatal(err)
	}
	if err := s.R.QueryRow(`SELECT COUNT(*) FROM problems WHERE source = 'visit' AND visit_id IS NULL`).Scan(&unlinked); err != nil {
		t.Fatal(err)
	}
	if noEvents != 0 || unlinked != 0 {
		t.Errorf("problems without events %d, visit problems without a visit %d", noEvents, unlinked)
	}
	// The statistics and the 安监 inbox read them.
	st, err := s.ProblemStatistics(ctx, model.System, time.Time{})
	if err != nil || st.Resolved == 0 || st.OnTimeRate < 0.6 || st.OnTimeRate > 0.95 || st.MedianDays <= 0 {
		t.Errorf("stats %+v %v", st, err)
	}
	u, err := s.UserByUsername(ctx, "anjian")
	if err != nil {
		t.Fatal(err)
	}
	inbox, _, _, err := s.ListProblems(ctx, storetest.Actor(t, s, u), model.ProblemFilter{})
	if err != nil || len(inbox) == 0 {
		t.Fatalf("安监 sees %d problems: %v", len(inbox), err)
	}
	for _, p := range inbox {
		if p.DepartmentName != "安监" {
			t.Fatalf("安监 sees a problem of %s", p.DepartmentName)
		}
	}
	// Coverage of the zone in July 2021: most enterprises visited by their worker.
	ref, _ := store.ParsePeriod("2021-07", time.Now())
	cov, err := s.GridCoverage(ctx, model.System, 0, ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cov.Levels {
		if l.Level == model.LevelGridWorker && (l.Rate < 0.8 || l.Rate > 0.9) {
			t.Errorf("July worker coverage %.2f", l.Rate)
		}
	}
	// The leader is an administrator with the leader flag.
	if lu, err := s.UserByUsername(ctx, "leader"); err != nil || !lu.Leader {
		t.Errorf("leader %+v %v", lu, err)
	}
	// 助企八条 and 三师助企 (checked here to share the load).
	checkSupport(t, s, r)
}

// checkSupport: eight policies each matching and reaching enterprises,
// redeemed amounts computed (so every policy's redeemed sum equals its
// rate times staff, capped), and experts with services.
func checkSupport(t *testing.T, s *store.Store, r demo.Result) {
	t.Helper()
	ctx := context.Background()
	if r.Policies != 8 || r.Deliveries < 100 || r.Redeemed == 0 || r.RedeemedYuan <= 0 {
		t.Errorf("policies %d, deliveries %d, redeemed %d (%d yuan)", r.Policies, r.Deliveries, r.Redeemed, r.RedeemedYuan)
	}
	ps, err := s.Policies(ctx, model.System)
	if err != nil || len(ps) != 8 {
		t.Fatalf("policies: %v %d", err, len(ps))
	}
	var sum int64
	for _, p := range ps {
		c := p.Counts
		if c.Matched == 0 || c.Informed+c.Applied+c.Redeemed+c.Ineligible == 0 {
			t.Errorf("policy %s: %+v", p.Code, c)
		}
		sum += c.AmountYuan
	}
	if sum != r.RedeemedYuan {
		t.Errorf("policy sums %d ≠ result %d", sum, r.RedeemedYuan)
	}
	// Every delivery is at an enterprise its policy matches.
	for _, p := range ps {
		ds, err := s.Deliveries(ctx, model.System, store.DeliveryFilter{PolicyID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		matched := map[int64]bool{}
		for after := int64(0); ; {
			ms, next, err := s.PolicyMatches(ctx, model.System, p.ID, after, 200)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				matched[m.ID] = true
			}
			if next == 0 {
				break
			}
			after = next
		}
		for _, d := range ds {
			if !matched[d.EnterpriseID] {
				t.Errorf("policy %s delivered to unmatched enterprise %d", p.Code, d.EnterpriseID)
			}
		}
	}
	if r.Experts != 6 || r.ExpertServices != 72 {
		t.Errorf("experts %d, services %d", r.Experts, r.ExpertServices)
	}
	byGrid, _, err := s.ServiceCounts(ctx, model.System)
	total := 0
	for _, g := range byGrid {
		total += g.Count
	}
	if err != nil || total != r.ExpertServices {
		t.Errorf("services per grid add to %d, want %d (%v)", total, r.ExpertServices, err)
	}
}
