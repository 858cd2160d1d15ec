package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func inboxKinds(t *testing.T, s *store.Store, a *model.Actor) map[string][]int64 {
	t.Helper()
	rs, err := s.Inbox(bg, a, false, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int64{}
	for _, r := range rs {
		out[r.Kind] = append(out[r.Kind], r.EntityID)
	}
	return out
}

// Party reminders: letters of transfer about to expire go to the
// secretaries on either side (and admins); a term ending within six months
// to the secretaries above it. A second run the same day writes nothing.
func TestRemindersPartyAndIdempotent(t *testing.T) {
	z := trSetup(t)
	admin := storetest.Actor(t, z.s, storetest.MustUser(t, z.s, "admin", model.RoleAdmin))
	c, err := z.s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "TR-C", Name: "丙公司党支部",
		Kind: store.OrgBranch, ParentID: z.top.ID, TermStart: "2018-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	m := z.member(t, 1, "张三", z.a.ID)
	tr, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferWithin, m.ID, z.b.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	// Issued 25 Aug, valid 30 days (to 24 Sep); on 20 Sep it is due within 7 days.
	z.clock.Set(time.Date(2021, 9, 20, 1, 0, 0, 0, time.UTC))
	before := auditCount(t, z.s)
	run, err := z.s.RunReminders(bg, true)
	if err != nil {
		t.Fatal(err)
	}
	if auditCount(t, z.s) != before+1 || lastAudit(t, z.s).Action != "reminder.run" {
		t.Fatalf("one audit entry per run: %d → %d", before, auditCount(t, z.s))
	}
	for _, sec := range []*model.Actor{z.secA, z.secB, z.secTop, admin} {
		if got := inboxKinds(t, z.s, sec)[store.RemindTransferExpiring]; len(got) != 1 || got[0] != tr.ID {
			t.Errorf("%s transfer reminders %v", sec.Username, got)
		}
	}
	if got := inboxKinds(t, z.s, z.secTop)[store.RemindTermEnding]; len(got) != 1 || got[0] != c.ID {
		t.Errorf("committee secretary term reminders %v", got)
	}
	if got := inboxKinds(t, z.s, z.secA)[store.RemindTermEnding]; len(got) != 0 {
		t.Errorf("branch A secretary sees term of C: %v", got)
	}
	if run.Created != run.Queued || run.ByKind[store.RemindTransferExpiring] != 4 || run.ByKind[store.RemindTermEnding] != 2 {
		t.Fatalf("run %+v", run)
	}
	// Again the same day: nothing new, nothing queued.
	z.clock.Add(3 * time.Hour)
	again, err := z.s.RunReminders(bg, true)
	if err != nil || again.Created != 0 || again.Queued != 0 {
		t.Fatalf("second run %+v %v", again, err)
	}
	// Inbox: the secretary's unread count, marking read, another's reminder.
	rs, _ := z.s.Inbox(bg, z.secTop, false, 1, 0)
	n, _ := z.s.UnreadCount(bg, z.secTop)
	if n != 2 || len(rs) != 1 {
		t.Fatalf("unread %d page %d", n, len(rs))
	}
	if err := z.s.MarkRead(bg, z.secA, rs[0].ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("mark another user's reminder: %v", err)
	}
	if err := z.s.MarkRead(bg, z.secTop, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := z.s.UnreadCount(bg, z.secTop); n != 1 {
		t.Fatalf("unread after one read %d", n)
	}
	if unread, _ := z.s.Inbox(bg, z.secTop, true, 50, 0); len(unread) != 1 || unread[0].ID == rs[0].ID {
		t.Fatalf("unread list %+v", unread)
	}
	if err := z.s.MarkRead(bg, z.secTop, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := z.s.UnreadCount(bg, z.secTop); n != 0 {
		t.Fatalf("unread after all read %d", n)
	}
	// The next day the still-open transfer is reminded again.
	z.clock.Add(24 * time.Hour)
	next, err := z.s.RunReminders(bg, false)
	if err != nil || next.ByKind[store.RemindTransferExpiring] != 4 || next.Queued != 0 {
		t.Fatalf("next day %+v %v", next, err)
	}
}

// Field reminders: the grid worker's enterprises not yet visited this
// period, problems routed to a department, overdue problems for admins.
func TestRemindersFieldWork(t *testing.T) {
	z := fwSetup(t)
	z.clock.Set(time.Date(2025, 9, 30, 2, 0, 0, 0, time.UTC))
	p, err := z.s.CreateProblem(bg, z.worker, model.ProblemInput{EnterpriseID: z.entA.ID, CategoryID: z.cats["safety"].ID,
		Description: "车间消防通道堵塞", Source: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActAccept})
	p = z.act(t, z.worker, p, store.ProblemActionInput{Action: store.PActDispatch})
	z.clock.Set(time.Date(2025, 10, 20, 2, 0, 0, 0, time.UTC)) // past the 14 Oct deadline
	if _, err := z.s.RunReminders(bg, false); err != nil {
		t.Fatal(err)
	}
	if got := inboxKinds(t, z.s, z.worker)[store.RemindVisitDue]; len(got) != 1 || got[0] != z.entA.ID {
		t.Errorf("worker visits due %v", got)
	}
	if got := inboxKinds(t, z.s, z.safety)[store.RemindProblemAssigned]; len(got) != 1 || got[0] != p.ID {
		t.Errorf("安监 problems %v", got)
	}
	if got := inboxKinds(t, z.s, z.env); len(got) != 0 {
		t.Errorf("环保 has reminders %v", got)
	}
	if got := inboxKinds(t, z.s, z.admin)[store.RemindProblemOverdue]; len(got) != 1 || got[0] != p.ID {
		t.Errorf("admin overdue %v", got)
	}
}

// Two processes race for the daily lease: exactly one runs the job; after
// it is done nobody takes it again that day; a stale lease is taken over.
func TestJobLeaseRace(t *testing.T) {
	s, clock := storetest.Open(t)
	const racers = 8
	var wg sync.WaitGroup
	won := make(chan string, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			holder := string(rune('a' + i))
			ok, err := s.TryLease(context.Background(), "reminders", holder, 10*time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won <- holder
			}
		}()
	}
	wg.Wait()
	close(won)
	var winners []string
	for w := range won {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Fatalf("winners %v", winners)
	}
	if ok, _ := s.TryLease(bg, "reminders", "other", time.Minute); ok {
		t.Fatal("lease taken while held")
	}
	if err := s.FinishLease(bg, "reminders", winners[0], true); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.TryLease(bg, "reminders", "other", time.Minute); ok {
		t.Fatal("done job taken again the same day")
	}
	clock.Add(24 * time.Hour)
	if ok, _ := s.TryLease(bg, "reminders", "other", time.Minute); !ok {
		t.Fatal("next day's lease refused")
	}
	// "other" dies holding it; after the lease runs out a third takes over.
	if ok, _ := s.TryLease(bg, "reminders", "third", time.Minute); ok {
		t.Fatal("held lease taken")
	}
	clock.Add(2 * time.Minute)
	if ok, _ := s.TryLease(bg, "reminders", "third", time.Minute); !ok {
		t.Fatal("stale lease not taken over")
	}
}
