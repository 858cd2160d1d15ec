package store_test

import (
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// fwZone is the field-work fixture: enterprises in grids A1 and B1, a grid
// worker of A1, a grid head of area A, staff of 安监 and 环保, an admin.
type fwZone struct {
	s                  *store.Store
	clock              *storetest.Clock
	f                  storetest.Fixture
	entA, entB         model.Enterprise
	worker, head       *model.Actor
	safety, env, admin *model.Actor
	cats               map[string]model.Category
}

func fwSetup(t *testing.T) *fwZone {
	t.Helper()
	s, clock := storetest.Open(t)
	z := &fwZone{s: s, clock: clock, f: storetest.MustZone(t, s), cats: map[string]model.Category{}}
	z.entA = storetest.MustEnterprise(t, s, z.f.GridA1.ID, z.f.Industry.ID, 1, "甲机械有限公司")
	z.entB = storetest.MustEnterprise(t, s, z.f.GridB1.ID, z.f.Industry.ID, 2, "乙门业有限公司")
	z.worker = storetest.Actor(t, s, storetest.MustUser(t, s, "worker", model.RoleGridWorker, z.f.GridA1.ID))
	z.head = storetest.Actor(t, s, storetest.MustUser(t, s, "head", model.RoleGridHead, z.f.AreaA.ID))
	z.admin = storetest.Actor(t, s, storetest.MustUser(t, s, "admin", model.RoleAdmin))
	dept := func(user, code string) *model.Actor {
		d, err := s.DepartmentByCode(bg, code)
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(bg, model.System, store.UserInput{Username: user, DisplayName: user, Role: model.RoleDepartment,
			DepartmentID: d.ID, Password: storetest.Password})
		if err != nil {
			t.Fatal(err)
		}
		return storetest.Actor(t, s, u)
	}
	z.safety, z.env = dept("anjian", "safety"), dept("huanbao", "environment")
	cats, err := s.Categories(bg)
	if err != nil || len(cats) == 0 {
		t.Fatalf("categories: %v %d", err, len(cats))
	}
	for _, c := range cats {
		z.cats[c.Code] = c
	}
	return z
}

func (z *fwZone) act(t *testing.T, actor *model.Actor, p model.Problem, in store.ProblemActionInput) model.Problem {
	t.Helper()
	in.Version = p.Version
	out, err := z.s.ActOnProblem(bg, actor, p.ID, in)
	if err != nil {
		t.Fatalf("%s on %s: %v", in.Action, p.State, err)
	}
	return out
}

func TestProblemLifecycle(t *testing.T) {
	z := fwSetup(t)
	// Tue 30 Sep 2025, 10:00 in Shanghai: the deadline spans National Day.
	z.clock.Set(time.Date(2025, 9, 30, 2, 0, 0, 0, time.UTC))
	p, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["safety"].ID,
		Description: "车间消防通道堵塞", Source: "phone", IdemKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.State != model.PRegistered || p.DueOn == nil || p.DueOn.Format("2006-01-02") != "2025-10-14" {
		t.Fatalf("registered problem: %s due %v", p.State, p.DueOn)
	}
	// The same key again is the same problem.
	again, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["safety"].ID,
		Description: "车间消防通道堵塞", Source: "phone", IdemKey: "k1"})
	if err != nil || again.ID != p.ID {
		t.Fatalf("idempotent create: %v %d != %d", err, again.ID, p.ID)
	}
	// Not routed yet: the department does not see it.
	if _, err := z.s.Problem(bg, z.safety, p.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("department sees unrouted problem: %v", err)
	}
	// The department may not accept (grid side), the worker may not resolve.
	if _, err := z.s.ActOnProblem(bg, z.worker, p.ID, store.ProblemActionInput{Action: store.PActResolve, Note: "x", Version: p.Version}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("resolve a registered problem: %v", err)
	}
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActAccept})
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActDispatch})
	if p.State != model.PAssigned || p.DepartmentID != z.cats["safety"].DepartmentID {
		t.Fatalf("dispatched: %s to %d", p.State, p.DepartmentID)
	}
	// Another department: not found; the worker: not the department's step.
	if _, err := z.s.ActOnProblem(bg, z.env, p.ID, store.ProblemActionInput{Action: store.PActStart, Version: p.Version}); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("other department acts: %v", err)
	}
	if _, err := z.s.ActOnProblem(bg, z.worker, p.ID, store.ProblemActionInput{Action: store.PActStart, Version: p.Version}); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Fatalf("worker starts: %v", err)
	}
	inbox, _, _, err := z.s.ListProblems(bg, z.safety, model.ProblemFilter{Open: true})
	if err != nil || len(inbox) != 1 || inbox[0].ID != p.ID {
		t.Fatalf("inbox: %v %d", err, len(inbox))
	}
	if other, _, _, _ := z.s.ListProblems(bg, z.env, model.ProblemFilter{}); len(other) != 0 {
		t.Fatalf("other inbox has %d", len(other))
	}
	z.clock.Set(time.Date(2025, 10, 9, 2, 0, 0, 0, time.UTC))
	p = z.act(t, z.safety, p, store.ProblemActionInput{Action: store.PActStart})
	// Resolved on the make-up Saturday 11 Oct: 2 working days after 30 Sep (9, 10 Oct) + 11 Oct = 3.
	z.clock.Set(time.Date(2025, 10, 11, 2, 0, 0, 0, time.UTC))
	p = z.act(t, z.safety, p, store.ProblemActionInput{Action: store.PActResolve, Note: "已督促清理通道"})
	if p.State != model.PResolved || p.HandlingDays == nil || *p.HandlingDays != 3 || p.OnTime == nil || !*p.OnTime {
		t.Fatalf("resolved: %s days %v on time %v", p.State, p.HandlingDays, p.OnTime)
	}
	// Resolving again is illegal.
	if _, err := z.s.ActOnProblem(bg, z.safety, p.ID, store.ProblemActionInput{Action: store.PActResolve, Note: "x", Version: p.Version}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("resolve twice: %v", err)
	}
	// 不满意 reopens; it goes back to the same department with a new deadline.
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActSatisfaction, Satisfaction: "unsatisfied", Note: "通道仍堆放货物"})
	if p.State != model.PReopened || p.ReopenCount != 1 || p.Satisfaction != "unsatisfied" || p.ResolvedAt != nil || p.OnTime != nil {
		t.Fatalf("unsatisfied: %s %d %q resolved %v", p.State, p.ReopenCount, p.Satisfaction, p.ResolvedAt)
	}
	if st, _ := z.s.ProblemStatistics(bg, z.admin, time.Time{}); st.Resolved != 0 || st.Open != 1 {
		t.Fatalf("a reopened problem counts as resolved: %+v", st)
	}
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActDispatch})
	if p.DueOn.Format("2006-01-02") != "2025-10-17" { // Sat 11 Oct + 5: Mon 13 – Fri 17 Oct
		t.Fatalf("re-dispatched due %v", p.DueOn)
	}
	p = z.act(t, z.safety, p, store.ProblemActionInput{Action: store.PActResolve, Note: "已清理并复查"})
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActSatisfaction, Satisfaction: "satisfied"})
	if p.State != model.PClosed || p.Version != 9 {
		t.Fatalf("closed: %s v%d", p.State, p.Version)
	}
	// Closed problems cannot be resolved.
	if _, err := z.s.ActOnProblem(bg, z.admin, p.ID, store.ProblemActionInput{Action: store.PActResolve, Note: "x", Version: p.Version}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("resolve closed: %v", err)
	}
	evs, err := z.s.ProblemEvents(bg, z.worker, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	want := "create accept dispatch start resolve satisfaction dispatch resolve satisfaction"
	if got := join(kinds); got != want {
		t.Fatalf("timeline %q, want %q", got, want)
	}
	// Outside the worker's grid: not found.
	if _, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entB.ID, CategoryID: z.cats["safety"].ID,
		Description: "x", Source: "phone"}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("problem outside grid: %v", err)
	}
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

func TestProblemRerouteAndOverdue(t *testing.T) {
	z := fwSetup(t)
	z.clock.Set(time.Date(2025, 9, 30, 2, 0, 0, 0, time.UTC))
	p, err := z.s.CreateProblem(bg, z.head, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["safety"].ID,
		Description: "废水排放许可", Urgency: "urgent", Source: "self_report"})
	if err != nil {
		t.Fatal(err)
	}
	p = z.act(t, z.head, p, store.ProblemActionInput{Action: store.PActAccept})
	p = z.act(t, z.head, p, store.ProblemActionInput{Action: store.PActDispatch})
	// 安监 says it is not theirs; it leaves their inbox.
	p = z.act(t, z.safety, p, store.ProblemActionInput{Action: store.PActNotOurs, Note: "属环保审批事项"})
	if p.State != model.PNotOurs || p.DepartmentID != 0 {
		t.Fatalf("not ours: %s %d", p.State, p.DepartmentID)
	}
	if _, err := z.s.Problem(bg, z.safety, p.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("refusing department still sees it: %v", err)
	}
	// A non-admin may not pick a department by hand; re-categorizing re-routes.
	if _, err := z.s.ActOnProblem(bg, z.head, p.ID, store.ProblemActionInput{Action: store.PActDispatch, DepartmentID: z.env.Scope.DepartmentID, Version: p.Version}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("head picks department: %v", err)
	}
	p = z.act(t, z.head, p, store.ProblemActionInput{Action: store.PActRecategorize, CategoryID: z.cats["environment"].ID})
	if p.State != model.PAssigned || p.DepartmentID != z.env.Scope.DepartmentID || p.DueOn.Format("2006-01-02") != "2025-10-21" {
		t.Fatalf("re-routed: %s %d due %v", p.State, p.DepartmentID, p.DueOn) // 10 working days from 30 Sep: 9,10,11,13..17,20,21
	}
	if _, err := z.s.Problem(bg, z.env, p.ID); err != nil {
		t.Fatalf("new department: %v", err)
	}
	// Past the deadline: overdue, escalated once.
	z.clock.Set(time.Date(2025, 10, 22, 2, 0, 0, 0, time.UTC))
	over, _, _, err := z.s.ListProblems(bg, z.admin, model.ProblemFilter{Overdue: true})
	if err != nil || len(over) != 1 || !over[0].Overdue {
		t.Fatalf("overdue list: %v %d", err, len(over))
	}
	if n, err := z.s.EscalateOverdue(bg); err != nil || n != 1 {
		t.Fatalf("escalate: %d %v", n, err)
	}
	if n, err := z.s.EscalateOverdue(bg); err != nil || n != 0 {
		t.Fatalf("escalate again: %d %v", n, err)
	}
	p, _ = z.s.Problem(bg, z.admin, p.ID)
	if p.EscalatedAt == nil {
		t.Fatal("not escalated")
	}
	// Duplicate of another problem of the grid; then closed.
	q, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["labour"].ID,
		Description: "招工难", Source: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.s.ActOnProblem(bg, z.worker, q.ID, store.ProblemActionInput{Action: store.PActDuplicate, DuplicateOf: q.ID, Version: q.Version}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("duplicate of itself: %v", err)
	}
	q = z.act(t, z.worker, q, store.ProblemActionInput{Action: store.PActDuplicate, DuplicateOf: p.ID})
	if q.State != model.PDuplicate || q.DuplicateOf != p.ID {
		t.Fatalf("duplicate: %s %d", q.State, q.DuplicateOf)
	}
	// Stale version → conflict.
	if _, err := z.s.ActOnProblem(bg, z.worker, q.ID, store.ProblemActionInput{Action: store.PActClose, Version: q.Version - 1}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	z.act(t, z.worker, q, store.ProblemActionInput{Action: store.PActClose})

	p = z.act(t, z.env, p, store.ProblemActionInput{Action: store.PActResolve, Note: "已指导办理排污许可"})
	if p.OnTime == nil || *p.OnTime || *p.HandlingDays != 11 { // 9, 10, 11, 13–17, 20–22 Oct
		t.Fatalf("late resolution: on time %v days %v", *p.OnTime, *p.HandlingDays)
	}
	st, err := z.s.ProblemStatistics(bg, z.admin, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Resolved != 1 || st.OnTime != 0 || st.MedianDays != 11 || st.Open != 0 || !st.CalendarKnown {
		t.Fatalf("stats %+v", st)
	}
	// The head's scope covers grid A1's problems; the worker of A1 too.
	if st, err := z.s.ProblemStatistics(bg, z.env, time.Time{}); err != nil || st.Resolved != 1 {
		t.Fatalf("department stats %+v %v", st, err)
	}
}

func TestCalendarDaysOverrideDeadlines(t *testing.T) {
	z := fwSetup(t)
	if err := z.s.SaveCalendarDay(bg, z.worker, store.CalendarDayInput{Day: "2099-10-01", Kind: "holiday"}); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Fatalf("worker keeps calendar: %v", err)
	}
	if err := z.s.SaveCalendarDay(bg, z.admin, store.CalendarDayInput{Day: "2099-13-01", Kind: "holiday"}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("bad day: %v", err)
	}
	// Thu 2 Oct 2025 is a holiday in the library; an admin correction makes it a working day.
	z.clock.Set(time.Date(2025, 9, 30, 2, 0, 0, 0, time.UTC))
	if err := z.s.SaveCalendarDay(bg, z.admin, store.CalendarDayInput{Day: "2025-10-02", Kind: "workday", Name: "测试"}); err != nil {
		t.Fatal(err)
	}
	p, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["safety"].ID,
		Description: "x", Source: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	if p.DueOn.Format("2006-01-02") != "2025-10-13" { // 2 Oct, 9, 10, 11, 13
		t.Fatalf("due with override %v", p.DueOn)
	}
	days, err := z.s.CalendarDays(bg, 2025)
	if err != nil || len(days) != 1 || days[0].Name != "测试" {
		t.Fatalf("kept days %v %v", days, err)
	}
	if err := z.s.SaveCalendarDay(bg, z.admin, store.CalendarDayInput{Day: "2025-10-02"}); err != nil {
		t.Fatal(err)
	}
	if days, _ := z.s.CalendarDays(bg, 2025); len(days) != 0 {
		t.Fatalf("removed day still kept: %v", days)
	}
}
