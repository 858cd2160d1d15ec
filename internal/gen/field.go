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
	"redgrid/internal/workcal"
)

// Field work at province scale: opt.Visits visits over the two years before
// Reference (80% by grid workers, 18% by grid heads, the rest by the leader
// on 规上 enterprises) and opt.Problems problems over the same years, about
// nine in ten closed and the rest open in the departments' inboxes. Each
// row is computed from the seed and its index alone, so nothing is held in
// memory. Visitors are three accounts (gen-worker, gen-head, gen-leader)
// and each department gets one account (gen-<department code>).

// fieldWindow is how far back visits and problems go.
const fieldWindow = 2 * 365 * 24 * time.Hour

// AccountPassword is the password of the generated accounts (benchmark
// data only).
const AccountPassword = "Gen-Bench-2026"

// FieldAccounts are the accounts the field generator creates.
var FieldAccounts = []string{"gen-worker", "gen-head", "gen-leader"}

type entRef struct {
	id, grid int64
	above    bool
}

func runField(ctx context.Context, s *store.Store, opt Options, log io.Writer) error {
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
		return fmt.Errorf("gen: no enterprises for field work")
	}
	var above []entRef
	for _, e := range ents {
		if e.above {
			above = append(above, e)
		}
	}
	if len(above) == 0 {
		above = ents
	}
	// Accounts: the visitors see every grid (admins); the leader has the flag.
	ids := map[string]int64{}
	for _, name := range FieldAccounts {
		u, err := s.CreateUser(ctx, model.System, store.UserInput{Username: name, DisplayName: name, Role: model.RoleAdmin,
			Leader: name == "gen-leader", Password: AccountPassword})
		if err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		ids[name] = u.ID
	}
	depts, err := s.Departments(ctx)
	if err != nil {
		return err
	}
	for _, d := range depts {
		if _, err := s.CreateUser(ctx, model.System, store.UserInput{Username: "gen-" + d.Code, DisplayName: d.Name,
			Role: model.RoleDepartment, DepartmentID: d.ID, Password: AccountPassword}); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return err
	}
	topics, err := s.Topics(ctx)
	if err != nil {
		return err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	from := Reference.Add(-fieldWindow)
	rng := func(kind uint64, i int) *rand.Rand { return rand.New(rand.NewPCG(opt.Seed^kind, uint64(i))) }
	// Row i's time: spread evenly over the window (so that ids follow
	// time), with a jitter of an hour.
	timeOf := func(i, n int, r *rand.Rand) time.Time {
		at := from.Add(time.Duration(float64(fieldWindow) * float64(i) / float64(n)))
		at = at.Add(time.Duration(r.IntN(3600)) * time.Second)
		lt := at.In(rules.Location())
		if h := lt.Hour(); h < 8 || h >= 18 {
			at = at.Add(time.Duration((24+9-h)%24) * time.Hour)
		}
		return at.Truncate(time.Second)
	}
	visit := func(i int) store.BulkVisit {
		r := rng(0x7615, i)
		e := ents[r.IntN(len(ents))]
		level, by := model.LevelGridWorker, ids["gen-worker"]
		switch x := r.Float64(); {
		case x < 0.02:
			e, level, by = above[r.IntN(len(above))], model.LevelLeader, ids["gen-leader"]
		case x < 0.20:
			level, by = model.LevelGridHead, ids["gen-head"]
		}
		v := store.BulkVisit{EnterpriseID: e.id, GridID: e.grid, VisitorID: by, Level: level, VisitedAt: timeOf(i, opt.Visits, r),
			Topics: topics[r.IntN(len(topics))].Code}
		d, acc := float64(10+r.IntN(150)), float64(8+r.IntN(40))
		if r.Float64() < 0.03 {
			d = float64(800 + r.IntN(3000))
		}
		v.DistanceM, v.AccuracyM, v.Far = &d, &acc, d > rules.VisitFarMeters
		return v
	}
	problem := func(i int) store.BulkProblem {
		r := rng(0x9b0b, i)
		e := ents[r.IntN(len(ents))]
		c := cats[r.IntN(len(cats))]
		at := timeOf(i, opt.Problems, r)
		p := store.BulkProblem{EnterpriseID: e.id, GridID: e.grid, CategoryID: c.ID, DepartmentID: c.DepartmentID,
			CreatedBy: ids["gen-worker"], Description: "基准测试问题", Urgency: "normal", Source: "phone", CreatedAt: at}
		created := workcal.Civil(at.In(rules.Location()))
		p.DueOn = cal.AddWorkdays(created, c.DeadlineDays)
		x := r.Float64()
		if x < 0.10 {
			p.State = []string{model.PRegistered, model.PAccepted, model.PAssigned, model.PInProgress}[r.IntN(4)]
			return p
		}
		days := 1 + r.IntN(c.DeadlineDays+3)
		res := cal.AddWorkdays(created, days)
		ra := time.Date(res.Year(), res.Month(), res.Day(), 15, 0, 0, 0, rules.Location()).UTC()
		ok := !res.After(p.DueOn)
		p.ResolvedAt, p.HandlingDays, p.OnTime = &ra, &days, &ok
		p.State, p.Satisfaction, p.Resolution = model.PClosed, "satisfied", "已办结"
		return p
	}
	step := max((opt.Visits+opt.Problems)/20, 1)
	next := step
	err = s.BulkLoadField(ctx, opt.Visits, visit, opt.Problems, problem, func(done int) {
		if done >= next || done == opt.Visits+opt.Problems {
			el := time.Since(t).Seconds()
			fmt.Fprintf(log, "gen: %d/%d visits and problems loaded (%.0f rows/s)\n", done, opt.Visits+opt.Problems, float64(done)/max(el, 1e-9))
			for next <= done {
				next += step
			}
		}
	})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(log, "gen: %d visits and %d problems in %s\n", opt.Visits, opt.Problems, since(t))
	return nil
}
