package store_test

import (
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestVisitWithProblemPlaceAndIdempotency(t *testing.T) {
	z := fwSetup(t)
	lat, lng := 29.0, 120.0
	in := store.EnterpriseInputOf(z.entA)
	in.Lat, in.Lng = &lat, &lng
	e, err := z.s.UpdateEnterprise(bg, model.System, z.entA.ID, in, "")
	if err != nil {
		t.Fatal(err)
	}
	z.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	near, acc := 29.001, 15.0 // ~111 m north
	v, err := z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"party", "problems"},
		Notes: "走访", Lat: &near, Lng: &lng, AccuracyM: &acc, IdemKey: "tap-1",
		Problems: []model.ProblemInput{{CategoryID: z.cats["labour"].ID, Description: "缺熟练焊工"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Level != model.LevelGridWorker || v.DistanceM == nil || *v.DistanceM < 100 || *v.DistanceM > 120 || v.Far ||
		len(v.Problems) != 1 || len(v.Topics) != 2 {
		t.Fatalf("visit %+v", v)
	}
	p, err := z.s.Problem(bg, z.worker, v.Problems[0])
	if err != nil || p.Source != "visit" || p.VisitID != v.ID {
		t.Fatalf("problem from visit: %+v %v", p, err)
	}
	// The same tap again: the same visit, no second problem.
	again, err := z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"party"}, IdemKey: "tap-1",
		Problems: []model.ProblemInput{{CategoryID: z.cats["labour"].ID, Description: "缺熟练焊工"}}}, nil)
	if err != nil || again.ID != v.ID || len(again.Problems) != 1 {
		t.Fatalf("resend: %v %d", err, again.ID)
	}
	// Far away: flagged.
	farLat := 29.1
	fv, err := z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"safety"}, Lat: &farLat, Lng: &lng}, nil)
	if err != nil || !fv.Far {
		t.Fatalf("far visit: %v %+v", err, fv)
	}
	// Bad input: coordinates out of range, one coordinate, no topic, outside scope, a department user.
	bad := 91.0
	_, err = z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"party"}, Lat: &bad, Lng: &lng}, nil)
	wantField(t, err, model.EINVALID, "lat", "field.range")
	_, err = z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"party"}, Lat: &lat}, nil)
	wantField(t, err, model.EINVALID, "lng", "field.required")
	_, err = z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID}, nil)
	wantField(t, err, model.EINVALID, "topics", "field.required")
	_, err = z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: z.entB.ID, Topics: []string{"party"}}, nil)
	wantField(t, err, model.EINVALID, "enterprise_id", "field.unknown")
	_, err = z.s.CreateVisit(bg, z.safety, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"party"}}, nil)
	wantField(t, err, model.EINVALID, "level", "visit.no_level")
	// A bad problem inside the visit names its field and writes nothing.
	_, err = z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: e.ID, Topics: []string{"party"},
		Problems: []model.ProblemInput{{CategoryID: z.cats["labour"].ID}}}, nil)
	wantField(t, err, model.EINVALID, "problems.0.description", "field.required")

	// Correction keeps history; only the visitor or an admin corrects.
	if _, err := z.s.UpdateVisit(bg, z.head, v.ID, model.VisitInput{Topics: []string{"party"}, Reason: "x", Version: v.Version}); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Fatalf("head corrects worker's visit: %v", err)
	}
	v2, err := z.s.UpdateVisit(bg, z.worker, v.ID, model.VisitInput{VisitedAt: "2026-11-19T15:30", Topics: []string{"policy"},
		Notes: "更正", Reason: "时间记错", Version: v.Version})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Topics[0] != "policy" || v2.VisitedAt.Format(time.RFC3339) != "2026-11-19T07:30:00Z" {
		t.Fatalf("corrected %+v", v2)
	}
	revs, err := z.s.VisitRevisions(bg, z.worker, v.ID)
	if err != nil || len(revs) != 1 || revs[0].Reason != "时间记错" {
		t.Fatalf("revisions %v %v", revs, err)
	}
	// Scope: the department and grid B staff do not see it.
	if _, err := z.s.Visit(bg, z.safety, v.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("department sees visit: %v", err)
	}
	list, _, _, err := z.s.ListVisits(bg, z.head, store.VisitFilter{Far: true})
	if err != nil || len(list) != 1 || list[0].ID != fv.ID {
		t.Fatalf("far list %v %d", err, len(list))
	}
}

func TestCoverage(t *testing.T) {
	z := fwSetup(t)
	// A second, 规上 enterprise in A1 and a leader.
	in := store.EnterpriseInput{USCC: storetest.USCC(3), Name: "丙电器股份有限公司", IndustryID: z.f.Industry.ID, GridID: z.f.GridA1.ID,
		Status: model.StatusOperating, AboveScale: true}
	big, err := z.s.CreateEnterprise(bg, model.System, in)
	if err != nil {
		t.Fatal(err)
	}
	lu, err := z.s.CreateUser(bg, model.System, store.UserInput{Username: "shuji", DisplayName: "书记", Role: model.RoleAdmin, Leader: true,
		Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	leader := storetest.Actor(t, z.s, lu)
	z.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	mk := func(a *model.Actor, ent int64, at string) {
		t.Helper()
		if _, err := z.s.CreateVisit(bg, a, model.VisitInput{EnterpriseID: ent, Topics: []string{"party"}, VisitedAt: at}, nil); err != nil {
			t.Fatal(err)
		}
	}
	mk(z.worker, z.entA.ID, "2026-11-02T09:00") // this month
	mk(z.worker, big.ID, "2026-10-31T09:00")    // last month: not this month's
	mk(z.head, big.ID, "2026-10-08T09:00")      // this quarter
	mk(leader, big.ID, "2026-03-01T09:00")      // this year
	cov, err := z.s.GridCoverage(bg, z.head, z.f.GridA1.ID, z.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, l := range cov.Levels {
		got[l.Level] = [2]int{l.Visited, l.Due}
	}
	want := map[string][2]int{model.LevelGridWorker: {1, 2}, model.LevelGridHead: {1, 2}, model.LevelLeader: {1, 1}}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("level %s: visited/due %v, want %v", k, got[k], w)
		}
	}
	if cov.Levels[2].PeriodLabel != "2026-11" || cov.Levels[1].PeriodLabel != "2026-Q4" || cov.Levels[0].PeriodLabel != "2026" {
		t.Errorf("periods %s %s %s", cov.Levels[0].PeriodLabel, cov.Levels[1].PeriodLabel, cov.Levels[2].PeriodLabel)
	}
	if len(cov.Overdue) != 2 {
		t.Fatalf("overdue %d", len(cov.Overdue))
	}
	// Last month's coverage counts the October visit.
	ref, _ := store.ParsePeriod("2026-10", z.clock.Now())
	oct, err := z.s.GridCoverage(bg, z.head, z.f.GridA1.ID, ref)
	if err != nil || oct.Levels[2].Visited != 1 || oct.Levels[2].PeriodLabel != "2026-10" {
		t.Fatalf("october %+v %v", oct.Levels, err)
	}
	// The worker's own list: the 规上 enterprise, not visited this month.
	level, due, err := z.s.DueVisits(bg, z.worker)
	if err != nil || level != model.LevelGridWorker || len(due) != 1 || due[0].ID != big.ID {
		t.Fatalf("due %s %v %v", level, due, err)
	}
	// Outside scope: grid B1 for the area A head.
	if _, err := z.s.GridCoverage(bg, z.head, z.f.GridB1.ID, z.clock.Now()); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("other grid: %v", err)
	}
	// Rules are editable: grid workers quarterly makes the October visit count.
	if err := z.s.SaveVisitRule(bg, z.admin, model.VisitRule{Level: model.LevelGridWorker, Period: "quarter", Scope: "all"}); err != nil {
		t.Fatal(err)
	}
	cov, _ = z.s.GridCoverage(bg, z.admin, 0, z.clock.Now())
	if cov.Levels[2].Visited != 2 || cov.Levels[2].Due != 3 {
		t.Fatalf("quarterly worker coverage %+v", cov.Levels[2])
	}
}
