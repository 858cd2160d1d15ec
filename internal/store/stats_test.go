package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// statsSnapshot reads every aggregate table in a fixed order.
func statsSnapshot(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT node_id, month, above_scale, industry_id, enterprises, value_yuan, orders_yuan, orders_n FROM output_totals WHERE enterprises <> 0 OR value_yuan <> 0 OR orders_n <> 0",
		"SELECT enterprise_id, grid_id, period, visits, 0, 0, 0, 0 FROM visit_marks",
		"SELECT node_id, period, enterprises, leader, grid_head, grid_worker, 0, 0 FROM visit_totals WHERE enterprises <> 0 OR leader <> 0 OR grid_head <> 0 OR grid_worker <> 0",
		"SELECT node_id, month, raised, resolved, on_time, 0, 0, 0 FROM problem_totals WHERE raised <> 0 OR resolved <> 0 OR on_time <> 0",
		"SELECT node_id, due_on, n, 0, 0, 0, 0, 0 FROM problem_open WHERE n <> 0",
		"SELECT kind, n, 0, 0, 0, 0, 0, 0 FROM org_kind_counts WHERE n <> 0",
	} {
		rows, err := s.R.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			v := make([]any, 8)
			p := make([]any, 8)
			for i := range v {
				p[i] = &v[i]
			}
			if err := rows.Scan(p...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(v...))
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}

func i64(n int64) *int64 { return &n }

// TestStatsKeptMatchesRebuild writes output values, visits and problems,
// moves and deletes an enterprise, and checks that the totals kept write by
// write equal the ones recomputed from the records, and read back right.
func TestStatsKeptMatchesRebuild(t *testing.T) {
	z := fwSetup(t)
	z.clock.Set(time.Date(2021, 8, 25, 2, 0, 0, 0, time.UTC))
	in := store.EnterpriseInputOf(z.entA)
	in.AboveScale = true
	entA, err := z.s.UpdateEnterprise(bg, model.System, z.entA.ID, in, "")
	if err != nil {
		t.Fatal(err)
	}
	set := func(e model.Enterprise, month string, yuan int64, orders *int64) {
		t.Helper()
		if err := z.s.SetOutputValue(bg, z.admin, store.OutputValueInput{EnterpriseID: e.ID, Month: month, ValueYuan: yuan, OrdersYuan: orders}); err != nil {
			t.Fatalf("set %s: %v", month, err)
		}
	}
	set(entA, "2020-08", 1_000_000, i64(400_000))
	set(entA, "2021-08", 1_500_000, i64(500_000))
	set(entA, "2021-07", 700_000, nil)
	set(entA, "2021-07", 800_000, nil) // a correction replaces
	set(z.entB, "2021-08", 300_000, nil)

	// Bad input: future month, impossible month, negative value, a stale correction.
	err = z.s.SetOutputValue(bg, z.admin, store.OutputValueInput{EnterpriseID: entA.ID, Month: "2021-09", ValueYuan: 1})
	wantField(t, err, model.EINVALID, "month", "output.month_future")
	err = z.s.SetOutputValue(bg, z.admin, store.OutputValueInput{EnterpriseID: entA.ID, Month: "2021-13", ValueYuan: 1})
	wantField(t, err, model.EINVALID, "month", "field.month_format")
	err = z.s.SetOutputValue(bg, z.admin, store.OutputValueInput{EnterpriseID: entA.ID, Month: "2021-08", ValueYuan: -1})
	wantField(t, err, model.EINVALID, "value", "field.range")
	stale := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	err = z.s.SetOutputValue(bg, z.admin, store.OutputValueInput{EnterpriseID: entA.ID, Month: "2021-08", ValueYuan: 1, UpdatedAt: &stale})
	wantCode(t, err, model.ECONFLICT)
	// A grid worker may not set another grid's figures.
	err = z.s.SetOutputValue(bg, z.worker, store.OutputValueInput{EnterpriseID: z.entB.ID, Month: "2021-08", ValueYuan: 1})
	wantCode(t, err, model.ENOTFOUND)

	// Visits in two months, one corrected into another month.
	v1, err := z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: entA.ID, Topics: []string{"party"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: entA.ID, Topics: []string{"party"}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := z.s.UpdateVisit(bg, z.worker, v1.ID, model.VisitInput{VisitedAt: "2021-07-20T09:00", Topics: []string{"party"},
		Reason: "补录日期", Version: v1.Version}); err != nil {
		t.Fatal(err)
	}
	// A problem raised, accepted and resolved; another left open.
	p, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: entA.ID, CategoryID: z.cats["safety"].ID,
		Description: "消防通道堵塞", Source: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	p = z.act(t, z.admin, p, store.ProblemActionInput{Action: store.PActAccept})
	if _, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: entA.ID, CategoryID: z.cats["labour"].ID,
		Description: "缺焊工", Source: "phone"}); err != nil {
		t.Fatal(err)
	}

	nodes, err := z.s.StatNodes(bg, z.admin, 0)
	if err != nil || len(nodes) != 1 || nodes[0] != z.f.Zone.ID {
		t.Fatalf("admin nodes %v %v", nodes, err)
	}
	cells, err := z.s.OutputCells(bg, nodes, "2021-01", "2021-08")
	if err != nil {
		t.Fatal(err)
	}
	var above, all int64
	for _, c := range cells {
		all += c.ValueYuan
		if c.AboveScale {
			above += c.ValueYuan
		}
	}
	if above != 2_300_000 || all != 2_600_000 {
		t.Fatalf("output 2021: above %d all %d (%+v)", above, all, cells)
	}
	vc, err := z.s.VisitCells(bg, nodes, []string{"2021-07", "2021-08", "2021"})
	if err != nil || vc["2021-07"].Enterprises != 1 || vc["2021-08"].Enterprises != 1 || vc["2021"].Enterprises != 1 ||
		vc["2021"].GridWorker != 2 {
		t.Fatalf("visits %+v %v", vc, err)
	}
	pcs, open, overdue, err := z.s.ProblemCells(bg, nodes, "2021-01", "2021-08", time.Date(2021, 8, 25, 0, 0, 0, 0, time.UTC))
	if err != nil || len(pcs) != 1 || pcs[0].Raised != 2 || open != 2 || overdue != 0 {
		t.Fatalf("problems %+v open %d overdue %d %v", pcs, open, overdue, err)
	}
	// Far later both are overdue.
	_, _, overdue, _ = z.s.ProblemCells(bg, nodes, "2021-01", "2021-08", time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC))
	if overdue != 2 {
		t.Fatalf("overdue later: %d", overdue)
	}
	// A grid worker's nodes are their grid; the other grid is not found.
	wn, err := z.s.StatNodes(bg, z.worker, 0)
	if err != nil || len(wn) != 1 || wn[0] != z.f.GridA1.ID {
		t.Fatalf("worker nodes %v %v", wn, err)
	}
	_, err = z.s.StatNodes(bg, z.worker, z.f.GridB1.ID)
	wantCode(t, err, model.ENOTFOUND)
	// A grid head of the area: the area only, not its grids again.
	hn, err := z.s.StatNodes(bg, z.head, 0)
	if err != nil || len(hn) != 1 || hn[0] != z.f.AreaA.ID {
		t.Fatalf("head nodes %v %v", hn, err)
	}

	kept := statsSnapshot(t, z.s)
	if err := z.s.RebuildStats(bg); err != nil {
		t.Fatal(err)
	}
	if rebuilt := statsSnapshot(t, z.s); !slices.Equal(kept, rebuilt) {
		t.Fatalf("kept totals differ from the rebuild:\nkept    %v\nrebuilt %v", kept, rebuilt)
	}

	// Moving A to the other area moves its output; deleting B removes its own.
	in = store.EnterpriseInputOf(entA)
	in.GridID = z.f.GridB1.ID
	entA, err = z.s.UpdateEnterprise(bg, model.System, entA.ID, in, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := z.s.DeleteEnterprise(bg, model.System, z.entB.ID, z.entB.Version, "测试"); err != nil {
		t.Fatal(err)
	}
	areaA, _ := z.s.OutputCells(bg, []int64{z.f.AreaA.ID}, "2021-01", "2021-08")
	var sum int64
	for _, c := range areaA {
		sum += c.ValueYuan
	}
	if sum != 0 {
		t.Fatalf("area A keeps %d after the move and deletion", sum)
	}
	// Resolving the problem counts it resolved in its month.
	p = z.act(t, z.admin, p, store.ProblemActionInput{Action: store.PActDispatch, DepartmentID: z.safety.Scope.DepartmentID})
	p = z.act(t, z.safety, p, store.ProblemActionInput{Action: store.PActStart})
	z.act(t, z.safety, p, store.ProblemActionInput{Action: store.PActResolve, Note: "已清理"})
	pcs, open, _, _ = z.s.ProblemCells(bg, nodes, "2021-01", "2021-08", time.Date(2021, 8, 25, 0, 0, 0, 0, time.UTC))
	if len(pcs) != 1 || pcs[0].Resolved != 1 || pcs[0].OnTime != 1 || open != 1 {
		t.Fatalf("after resolve %+v open %d", pcs, open)
	}
	kept = statsSnapshot(t, z.s)
	if err := z.s.RebuildStats(bg); err != nil {
		t.Fatal(err)
	}
	if rebuilt := statsSnapshot(t, z.s); !slices.Equal(kept, rebuilt) {
		t.Fatalf("after moves, kept totals differ from the rebuild:\nkept    %v\nrebuilt %v", kept, rebuilt)
	}
}

// TestStatsUnderConcurrentWrites: visits, problems and output values written
// from several goroutines at once (on PostgreSQL truly concurrently) leave
// totals equal to a rebuild from the records.
func TestStatsUnderConcurrentWrites(t *testing.T) {
	z := fwSetup(t)
	z.clock.Set(time.Date(2021, 8, 25, 2, 0, 0, 0, time.UTC))
	const workers, each = 6, 8
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			var err error
			for i := range each {
				switch (w + i) % 3 {
				case 0:
					_, err = z.s.CreateVisit(bg, z.worker, model.VisitInput{EnterpriseID: z.entA.ID, Topics: []string{"party"}}, nil)
				case 1:
					_, err = z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["labour"].ID,
						Description: fmt.Sprintf("问题%d-%d", w, i), Source: "phone"})
				default:
					err = z.s.SetOutputValue(bg, z.admin, store.OutputValueInput{EnterpriseID: z.entA.ID + int64(i%2)*(z.entB.ID-z.entA.ID),
						Month: fmt.Sprintf("2021-%02d", 1+(w+i)%8), ValueYuan: int64(1000 * (w + 1) * (i + 1))})
				}
				if err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	kept := statsSnapshot(t, z.s)
	if err := z.s.RebuildStats(bg); err != nil {
		t.Fatal(err)
	}
	if rebuilt := statsSnapshot(t, z.s); !slices.Equal(kept, rebuilt) {
		t.Fatalf("after concurrent writes, kept totals differ from the rebuild:\nkept    %v\nrebuilt %v", kept, rebuilt)
	}
	var visits int
	if err := z.s.R.QueryRow("SELECT SUM(grid_worker) FROM visit_totals WHERE node_id = $1 AND period = '2021'", z.f.Zone.ID).Scan(&visits); err != nil || visits != 16 {
		t.Fatalf("zone visits %d %v", visits, err)
	}
}
