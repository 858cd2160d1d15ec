package jobs_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"redgrid/internal/jobs"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

var bg = context.Background()

func TestNextDaily(t *testing.T) {
	// 06:00 in Shanghai is 22:00 UTC the day before.
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 25, 21, 59, 0, 0, time.UTC), time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC), time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)},
	} {
		if got := jobs.NextDaily(c.now, 6); !got.Equal(c.want) {
			t.Errorf("after %v: %v, want %v", c.now, got, c.want)
		}
	}
}

// Two processes (two stores on one database) start together: one runs the
// reminders, the other skips; the job runs once per day and one audit
// entry records it.
func TestTwoRunnersOneRuns(t *testing.T) {
	url := storetest.URL(t)
	open := func() *store.Store {
		s, err := store.Open(bg, url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		s.Keys = storetest.Keys(t)
		return s
	}
	a, b := open(), open()
	clock := &storetest.Clock{}
	clock.Set(storetest.Epoch)
	a.Now, b.Now = clock.Now, clock.Now
	if _, err := a.Migrate(bg); err != nil {
		t.Fatal(err)
	}
	if err := a.SeedDictionaries(bg); err != nil {
		t.Fatal(err)
	}
	storetest.MustUser(t, a, "admin", model.RoleAdmin)
	if _, err := a.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "J-1", Name: "城西新区党工委",
		Kind: store.OrgCommittee, TermStart: "2018-12-01"}); err != nil {
		t.Fatal(err)
	}
	runners := []*jobs.Runner{{Store: a, Holder: "a"}, {Store: b, Holder: "b"}}
	var ran, created atomic.Int32
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, run, err := r.RunReminders(bg)
			if err != nil {
				t.Error(err)
			}
			if ok {
				ran.Add(1)
				created.Add(int32(run.Created))
			}
		}()
	}
	wg.Wait()
	if ran.Load() != 1 || created.Load() != 1 {
		t.Fatalf("ran %d created %d", ran.Load(), created.Load())
	}
	// Later the same day neither runs it again; the next day one does.
	clock.Add(time.Hour)
	for _, r := range runners {
		if ok, _, err := r.RunReminders(bg); ok || err != nil {
			t.Fatalf("%s ran again: %v", r.Holder, err)
		}
	}
	clock.Add(24 * time.Hour)
	if ok, _, err := runners[1].RunReminders(bg); !ok || err != nil {
		t.Fatalf("next day: %v %v", ok, err)
	}
	var n int
	if err := a.R.QueryRowContext(bg, "SELECT COUNT(*) FROM audit_log WHERE action = 'reminder.run'").Scan(&n); err != nil || n != 2 {
		t.Fatalf("audit entries of the job: %d %v", n, err)
	}
}

// Escalation runs where the lease is free, and is skipped while another
// process holds it.
func TestEscalateUnderLease(t *testing.T) {
	s, _ := storetest.Open(t)
	r := &jobs.Runner{Store: s, Holder: "a"}
	if ok, err := s.TryLease(bg, jobs.JobEscalate, "b", time.Minute); !ok || err != nil {
		t.Fatalf("b takes the lease: %v %v", ok, err)
	}
	if n, err := r.Escalate(bg); n != 0 || err != nil {
		t.Fatalf("escalated while b holds the lease: %d %v", n, err)
	}
	var holder string
	if err := s.R.QueryRowContext(bg, "SELECT holder FROM job_leases WHERE name = $1", jobs.JobEscalate).Scan(&holder); err != nil || holder != "b" {
		t.Fatalf("lease holder %q %v", holder, err)
	}
	if err := s.FinishLease(bg, jobs.JobEscalate, "b", false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Escalate(bg); err != nil {
		t.Fatal(err)
	}
	if err := s.R.QueryRowContext(bg, "SELECT holder FROM job_leases WHERE name = $1", jobs.JobEscalate).Scan(&holder); err != nil || holder != "a" {
		t.Fatalf("lease holder after a's run %q %v", holder, err)
	}
	// Not marked done: the hourly job may run again at once.
	if ok, _ := s.TryLease(bg, jobs.JobEscalate, "b", time.Minute); !ok {
		t.Fatal("escalate lease not free after a's run")
	}
}
