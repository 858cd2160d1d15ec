// Package jobs runs redgrid's background jobs: the daily reminders and the
// webhook sender. Each run first takes the job's lease in the database, so
// when several redgrid processes share one PostgreSQL exactly one of them
// runs each job (on SQLite there is one process and the lease is trivial).
package jobs

import (
	"context"
	"log/slog"
	"time"

	"redgrid/internal/rules"
	"redgrid/internal/store"
	"redgrid/internal/webhook"
)

// Job names (the lease rows).
const (
	JobReminders = "reminders"
	JobWebhook   = "webhook"
	JobEscalate  = "escalate"
)

// leaseTTL bounds a run: a process that dies holding a lease blocks the
// job for at most this long.
const leaseTTL = 10 * time.Minute

// Runner runs the jobs of one process.
type Runner struct {
	Store  *store.Store
	Holder string // this process, unique among those sharing the database
	Hour   int    // local hour (Asia/Shanghai) of the daily run
	Sender *webhook.Sender
	Log    *slog.Logger
}

// RunReminders runs the daily reminders unless another process holds the
// lease or the job is already done today. It reports whether it ran.
func (r *Runner) RunReminders(ctx context.Context) (bool, store.ReminderRun, error) {
	ok, err := r.Store.TryLease(ctx, JobReminders, r.Holder, leaseTTL)
	if err != nil || !ok {
		return false, store.ReminderRun{}, err
	}
	run, err := r.Store.RunReminders(ctx, r.Sender != nil && r.Sender.URL != "")
	if ferr := r.Store.FinishLease(context.WithoutCancel(ctx), JobReminders, r.Holder, err == nil); err == nil {
		err = ferr
	}
	return err == nil, run, err
}

// SendWebhooks delivers the due outbox items under the webhook lease (so
// that two processes never post the same message at once).
func (r *Runner) SendWebhooks(ctx context.Context) (int, error) {
	if r.Sender == nil || r.Sender.URL == "" {
		return 0, nil
	}
	ok, err := r.Store.TryLease(ctx, JobWebhook, r.Holder, leaseTTL)
	if err != nil || !ok {
		return 0, err
	}
	n, err := r.Sender.SendDue(ctx)
	if ferr := r.Store.FinishLease(context.WithoutCancel(ctx), JobWebhook, r.Holder, false); err == nil {
		err = ferr
	}
	return n, err
}

// Escalate flags overdue problems under the escalate lease (the query
// itself escalates a problem once; the lease keeps two processes from
// flagging the same problem at the same moment).
func (r *Runner) Escalate(ctx context.Context) (int, error) {
	ok, err := r.Store.TryLease(ctx, JobEscalate, r.Holder, leaseTTL)
	if err != nil || !ok {
		return 0, err
	}
	n, err := r.Store.EscalateOverdue(ctx)
	if ferr := r.Store.FinishLease(context.WithoutCancel(ctx), JobEscalate, r.Holder, false); err == nil {
		err = ferr
	}
	return n, err
}

// NextDaily is the first instant after now at hour:00 in the zone's time.
func NextDaily(now time.Time, hour int) time.Time {
	loc := rules.Location()
	l := now.In(loc)
	next := time.Date(l.Year(), l.Month(), l.Day(), hour, 0, 0, 0, loc)
	if !next.After(now) {
		next = time.Date(l.Year(), l.Month(), l.Day()+1, hour, 0, 0, 0, loc)
	}
	return next
}

// Loop runs the reminders at start and then daily at r.Hour, and the
// webhook sender every minute, until ctx ends.
func (r *Runner) Loop(ctx context.Context) {
	r.reminders(ctx)
	daily := time.NewTimer(time.Until(NextDaily(r.Store.Now(), r.Hour)))
	defer daily.Stop()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	r.webhooks(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-daily.C:
			r.reminders(ctx)
			daily.Reset(time.Until(NextDaily(r.Store.Now(), r.Hour)))
		case <-tick.C:
			r.webhooks(ctx)
		}
	}
}

func (r *Runner) reminders(ctx context.Context) {
	ran, run, err := r.RunReminders(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		r.Log.Error("reminders", "err", err)
	case ran:
		r.Log.Info("reminders", "users", run.Users, "created", run.Created, "queued", run.Queued)
	}
}

func (r *Runner) webhooks(ctx context.Context) {
	if n, err := r.SendWebhooks(ctx); err != nil && ctx.Err() == nil {
		r.Log.Error("webhook", "err", err)
	} else if n > 0 {
		r.Log.Info("webhook delivered", "count", n)
	}
}
