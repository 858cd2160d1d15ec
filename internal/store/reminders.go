package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/orgcheck"
	"redgrid/internal/rules"
)

// Reminders (issue 5 part 6): a daily job fills each user's inbox with what
// is due in their scope. One row per user, kind, subject and day (a unique
// key), so a second run on the same day writes nothing new. Reminders are
// system-generated: one audit entry per run, with counts.

// Reminder kinds.
const (
	RemindVisitDue         = "visit_due"
	RemindProblemAssigned  = "problem_assigned"
	RemindProblemOverdue   = "problem_overdue"
	RemindTransferExpiring = "transfer_expiring"
	RemindTermEnding       = "term_ending"
)

// Reminder is one inbox entry. Text is an i18n key with its arguments.
type Reminder struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Entity    string     `json:"entity"`
	EntityID  int64      `json:"entity_id"`
	TextKey   string     `json:"text_key"`
	Args      []string   `json:"args"`
	DueOn     *time.Time `json:"due_on,omitempty"`
	Day       string     `json:"day"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// reminderCap bounds the reminders of one kind a user gets in a day.
const reminderCap = 50

// candidate is a reminder computed for a user before it is written.
type candidate struct {
	user     int64
	kind     string
	entity   string
	entityID int64
	key      string
	args     []string
	due      *time.Time
}

// ReminderRun counts what one run of the job did.
type ReminderRun struct {
	Users   int            `json:"users"`
	Created int            `json:"created"`
	ByKind  map[string]int `json:"by_kind"`
	Queued  int            `json:"queued"`
}

// RunReminders computes every active user's reminders for today and writes
// the new ones; with queue, each new reminder is also put in the webhook
// outbox. Safe to run again the same day (nothing new is written).
func (s *Store) RunReminders(ctx context.Context, queue bool) (ReminderRun, error) {
	run := ReminderRun{ByKind: map[string]int{}}
	users, err := s.Users(ctx, "", "")
	if err != nil {
		return run, err
	}
	var cands []candidate
	for _, u := range users {
		if u.Disabled {
			continue
		}
		sc, err := s.ResolveScope(ctx, u)
		if err != nil {
			return run, err
		}
		a := &model.Actor{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Role: u.Role, Scope: sc}
		c, err := s.userReminders(ctx, a)
		if err != nil {
			return run, fmt.Errorf("store: reminders of %s: %w", u.Username, err)
		}
		run.Users++
		cands = append(cands, c...)
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		run.Created, run.Queued = 0, 0
		clear(run.ByKind)
		day := civilDate(tx.now).Format(time.DateOnly)
		for _, c := range cands {
			args, _ := json.Marshal(c.args)
			var due any
			if c.due != nil {
				due = *c.due
			}
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO reminders (user_id, kind, entity, entity_id, text_key, args, due_on, day, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (user_id, kind, entity, entity_id, day) DO NOTHING RETURNING id`,
				c.user, c.kind, c.entity, c.entityID, c.key, string(args), due, day, tx.now).Scan(&id)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return fmt.Errorf("store: write reminder: %w", err)
			}
			run.Created++
			run.ByKind[c.kind]++
			if queue {
				body, _ := json.Marshal(map[string]any{"reminder_id": id, "user_id": c.user, "kind": c.kind,
					"entity": c.entity, "entity_id": c.entityID, "text_key": c.key, "args": c.args, "day": day})
				if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_outbox (reminder_id, body, state, attempts, next_attempt_at, created_at)
					VALUES ($1, $2, 'pending', 0, $3, $3)`, id, string(body), tx.now); err != nil {
					return fmt.Errorf("store: queue webhook: %w", err)
				}
				run.Queued++
			}
		}
		return tx.Audit(ctx, model.System, Change{Action: "reminder.run", Entity: "reminder", After: run})
	})
	return run, err
}

// userReminders computes one user's reminders for today.
func (s *Store) userReminders(ctx context.Context, a *model.Actor) ([]candidate, error) {
	var out []candidate
	today := civilDate(s.now())
	// Visits due at the user's own level in the current period.
	level, due, err := s.DueVisits(ctx, a)
	if err != nil {
		return nil, err
	}
	for i, ce := range due {
		if i == reminderCap {
			break
		}
		out = append(out, candidate{a.UserID, RemindVisitDue, "enterprise", ce.ID, "reminder.visit_due",
			[]string{ce.Name, level}, nil})
	}
	// Problems: open ones routed to the user's department; overdue ones for
	// administrators.
	var pq string
	var pargs []any
	kind := ""
	switch {
	case a.Role == model.RoleDepartment && a.Scope.DepartmentID != 0:
		kind, pq, pargs = RemindProblemAssigned, "p.is_open = TRUE AND p.department_id = $1", []any{a.Scope.DepartmentID}
	case a.Scope.All:
		kind, pq, pargs = RemindProblemOverdue, "p.is_open = TRUE AND p.due_on < $1", []any{today}
	}
	if kind != "" {
		rows, err := s.R.QueryContext(ctx, `SELECT p.id, e.name, p.due_on FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
			WHERE `+pq+` ORDER BY p.due_on, p.id LIMIT `+strconv.Itoa(reminderCap), pargs...)
		if err != nil {
			return nil, fmt.Errorf("problems: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			var d sql.NullTime
			if err := rows.Scan(&id, &name, &d); err != nil {
				rows.Close()
				return nil, err
			}
			args := []string{strconv.FormatInt(id, 10), name}
			out = append(out, candidate{a.UserID, kind, "problem", id, "reminder." + kind, args, dateOut(d)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if a.Role != model.RoleOrgSecretary && !a.Scope.All {
		return out, nil
	}
	// Letters of transfer expiring within the warning window.
	args := []any{today, today.AddDate(0, 0, rules.TransferLetterWarnDays)}
	rows, err := s.R.QueryContext(ctx, `SELECT t.id, m.name, t.valid_until FROM transfers t JOIN members m ON m.id = t.member_id
		LEFT JOIN organizations fo ON fo.id = t.from_org_id LEFT JOIN organizations tor ON tor.id = t.to_org_id
		WHERE t.state IN ('initiated', 'approved', 'in_transit') AND t.valid_until >= $1 AND t.valid_until <= $2
		AND `+transferScopeSQL(a, &args)+` ORDER BY t.valid_until, t.id LIMIT `+strconv.Itoa(reminderCap), args...)
	if err != nil {
		return nil, fmt.Errorf("transfers: %w", err)
	}
	for rows.Next() {
		var id int64
		var name string
		var d sql.NullTime
		if err := rows.Scan(&id, &name, &d); err != nil {
			rows.Close()
			return nil, err
		}
		dd := dateOut(d)
		out = append(out, candidate{a.UserID, RemindTransferExpiring, "transfer", id, "reminder.transfer_expiring",
			[]string{name, dd.Format(time.DateOnly)}, dd})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Organization terms ending within rules.TermWarnMonths.
	args = nil
	rows, err = s.R.QueryContext(ctx, `SELECT o.id, o.name, o.term_start, COALESCE(o.term_years, 0), o.village FROM organizations o
		WHERE o.term_start IS NOT NULL AND `+orgScopeSQL(a, &args)+` ORDER BY o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("terms: %w", err)
	}
	defer rows.Close()
	limit := today.AddDate(0, rules.TermWarnMonths, 0)
	n := 0
	for rows.Next() {
		var id int64
		var name string
		var start sql.NullTime
		var years int
		var village bool
		if err := rows.Scan(&id, &name, &start, &years, &village); err != nil {
			return nil, err
		}
		if years == 0 {
			years = rules.TermYears
			if village {
				years = rules.TermYearsVillage
			}
		}
		end := orgcheck.TermEnd(*dateOut(start), years)
		if end.Before(today) || !end.Before(limit) || n == reminderCap {
			continue
		}
		n++
		out = append(out, candidate{a.UserID, RemindTermEnding, "organization", id, "reminder.term_ending",
			[]string{name, end.Format(time.DateOnly)}, &end})
	}
	return out, rows.Err()
}

// Inbox pages through the actor's reminders, newest first (offset paging:
// an inbox is short and read from the top).
func (s *Store) Inbox(ctx context.Context, actor *model.Actor, unreadOnly bool, limit, offset int) ([]Reminder, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	q := `SELECT id, kind, entity, entity_id, text_key, args, due_on, day, created_at, read_at FROM reminders WHERE user_id = $1`
	if unreadOnly {
		q += " AND read_at IS NULL"
	}
	rows, err := s.R.QueryContext(ctx, q+fmt.Sprintf(" ORDER BY id DESC LIMIT %d OFFSET %d", limit, offset), actor.UserID)
	if err != nil {
		return nil, fmt.Errorf("store: inbox: %w", err)
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		var args string
		var due, read sql.NullTime
		if err := rows.Scan(&r.ID, &r.Kind, &r.Entity, &r.EntityID, &r.TextKey, &args, &due, &r.Day, &r.CreatedAt, &read); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(args), &r.Args)
		if r.Args == nil {
			r.Args = []string{}
		}
		r.DueOn = dateOut(due)
		r.CreatedAt = r.CreatedAt.UTC()
		if read.Valid {
			t := read.Time.UTC()
			r.ReadAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UnreadCount is the number of the actor's unread reminders.
func (s *Store) UnreadCount(ctx context.Context, actor *model.Actor) (int, error) {
	var n int
	err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM reminders WHERE user_id = $1 AND read_at IS NULL", actor.UserID).Scan(&n)
	return n, err
}

// MarkRead marks one of the actor's reminders read (id 0: all of them).
// Another user's reminder is not found. Reading one's inbox is not audited.
func (s *Store) MarkRead(ctx context.Context, actor *model.Actor, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if id == 0 {
			_, err := tx.ExecContext(ctx, "UPDATE reminders SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL", tx.now, actor.UserID)
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE reminders SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3", tx.now, id, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, "reminder")
		}
		return nil
	})
}

// ---- job leases ----

// TryLease takes the lease of a job for holder until now+ttl, unless
// another holder's lease is still running or the job is already done for
// today. One atomic statement (INSERT … ON CONFLICT DO UPDATE … WHERE), so
// of several processes sharing a PostgreSQL database exactly one gets it;
// on SQLite the single writer serializes them anyway.
func (s *Store) TryLease(ctx context.Context, job, holder string, ttl time.Duration) (bool, error) {
	now := s.now()
	day := civilDate(now).Format(time.DateOnly)
	var got string
	err := s.W.QueryRowContext(ctx, `INSERT INTO job_leases (name, holder, until, done_on) VALUES ($1, $2, $3, '')
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE (job_leases.until < $4 OR job_leases.holder = excluded.holder) AND job_leases.done_on <> $5
		RETURNING holder`, job, holder, now.Add(ttl), now, day).Scan(&got)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", job, err)
	}
	return got == holder, nil
}

// FinishLease releases holder's lease; with done, the job counts as done
// for today and is not taken again before tomorrow.
func (s *Store) FinishLease(ctx context.Context, job, holder string, done bool) error {
	now := s.now()
	set := "until = $1"
	args := []any{now.Add(-time.Millisecond), job, holder}
	if done {
		set += ", done_on = $4"
		args = append(args, civilDate(now).Format(time.DateOnly))
	}
	_, err := s.W.ExecContext(ctx, "UPDATE job_leases SET "+set+" WHERE name = $2 AND holder = $3", args...)
	if err != nil {
		return fmt.Errorf("store: release %s: %w", job, err)
	}
	return nil
}

// ---- webhook outbox ----

// OutboxItem is a queued webhook message.
type OutboxItem struct {
	ID            int64      `json:"id"`
	ReminderID    int64      `json:"reminder_id"`
	Body          string     `json:"-"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

// Delivery is one attempt to deliver an outbox item.
type Delivery struct {
	ID         int64     `json:"id"`
	OutboxID   int64     `json:"outbox_id"`
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code"`
	Error      string    `json:"error"`
	DurationMS int64     `json:"duration_ms"`
}

// DueOutbox returns pending items whose next attempt is due, oldest first.
func (s *Store) DueOutbox(ctx context.Context, limit int) ([]OutboxItem, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT id, reminder_id, body, state, attempts, next_attempt_at, created_at, sent_at
		FROM webhook_outbox WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT `+strconv.Itoa(limit), s.now())
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return scanOutbox(rows)
}

// OutboxItem returns one item (tests and the admin page).
func (s *Store) OutboxItem(ctx context.Context, id int64) (OutboxItem, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT id, reminder_id, body, state, attempts, next_attempt_at, created_at, sent_at
		FROM webhook_outbox WHERE id = $1`, id)
	if err != nil {
		return OutboxItem{}, err
	}
	items, err := scanOutbox(rows)
	if err != nil {
		return OutboxItem{}, err
	}
	if len(items) == 0 {
		return OutboxItem{}, notFound(sql.ErrNoRows, "webhook")
	}
	return items[0], nil
}

func scanOutbox(rows *sql.Rows) ([]OutboxItem, error) {
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var o OutboxItem
		var sent sql.NullTime
		if err := rows.Scan(&o.ID, &o.ReminderID, &o.Body, &o.State, &o.Attempts, &o.NextAttemptAt, &o.CreatedAt, &sent); err != nil {
			return nil, err
		}
		o.NextAttemptAt, o.CreatedAt = o.NextAttemptAt.UTC(), o.CreatedAt.UTC()
		if sent.Valid {
			t := sent.Time.UTC()
			o.SentAt = &t
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// DeliveryResult is what one attempt found.
type DeliveryResult struct {
	StatusCode int
	Err        string
	Duration   time.Duration
	OK         bool
	// Next is when to try again after a failure; zero gives up (failed).
	Next time.Time
}

// RecordDelivery logs an attempt on item id and moves the item on: sent,
// pending until r.Next, or failed.
func (s *Store) RecordDelivery(ctx context.Context, id int64, r DeliveryResult) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var attempts int
		if err := tx.QueryRowContext(ctx, "UPDATE webhook_outbox SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts", id).Scan(&attempts); err != nil {
			return notFound(err, "webhook")
		}
		errText := r.Err
		if len(errText) > 500 {
			errText = errText[:500]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (outbox_id, attempt, at, status_code, error, duration_ms)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, attempts, tx.now, r.StatusCode, strings.ToValidUTF8(errText, "?"), r.Duration.Milliseconds()); err != nil {
			return err
		}
		var err error
		switch {
		case r.OK:
			_, err = tx.ExecContext(ctx, "UPDATE webhook_outbox SET state = 'sent', sent_at = $1 WHERE id = $2", tx.now, id)
		case r.Next.IsZero():
			_, err = tx.ExecContext(ctx, "UPDATE webhook_outbox SET state = 'failed' WHERE id = $1", id)
		default:
			_, err = tx.ExecContext(ctx, "UPDATE webhook_outbox SET next_attempt_at = $1 WHERE id = $2", r.Next.UTC().Truncate(time.Millisecond), id)
		}
		return err
	})
}

// WebhookDeliveries lists the latest delivery attempts, newest first (admins).
func (s *Store) WebhookDeliveries(ctx context.Context, actor *model.Actor, limit, offset int) ([]Delivery, error) {
	if !actor.Scope.All {
		return nil, notFound(sql.ErrNoRows, "webhook")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	rows, err := s.R.QueryContext(ctx, fmt.Sprintf(`SELECT id, outbox_id, attempt, at, status_code, error, duration_ms
		FROM webhook_deliveries ORDER BY id DESC LIMIT %d OFFSET %d`, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.OutboxID, &d.Attempt, &d.At, &d.StatusCode, &d.Error, &d.DurationMS); err != nil {
			return nil, err
		}
		d.At = d.At.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}
