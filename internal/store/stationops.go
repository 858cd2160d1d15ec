package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/secret"
)

// Station operations: what a station keeper records in a day — visitors by
// kind (one tap each, with undo), loans, and the service log — and the
// monthly statistics built from them.

const fieldLoanPhone = "station_loan.phone"

// operable checks that the actor may run the station: admins any, station
// keepers their own. Outside scope the station does not exist (404).
func (s *Store) operable(ctx context.Context, q queryer, actor *model.Actor, stationID int64) error {
	if !actor.Scope.All && !slices.Contains(actor.Scope.StationIDs, stationID) {
		return model.Errorf(model.ENOTFOUND, "error.not_found.station")
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM stations WHERE id = $1", stationID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return model.Errorf(model.ENOTFOUND, "error.not_found.station")
	}
	return nil
}

// RecordVisit counts one visitor of a kind at a station, today.
func (s *Store) RecordVisit(ctx context.Context, actor *model.Actor, stationID int64, kind string) (map[string]int, error) {
	if !slices.Contains(model.VisitorKinds, kind) {
		var v model.Validation
		v.Add("kind", "field.choose")
		return nil, v.Err()
	}
	var day time.Time
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.operable(ctx, tx, actor, stationID); err != nil {
			return err
		}
		day = civilDate(tx.now)
		var id int64
		if err := tx.QueryRowContext(ctx, "INSERT INTO station_visits (station_id, kind, day, at, user_id) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			stationID, kind, day, tx.now, nullID(actor.UserID)).Scan(&id); err != nil {
			return fmt.Errorf("store: visit: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO station_visit_days (station_id, day, kind, n) VALUES ($1, $2, $3, 1)
			ON CONFLICT (station_id, day, kind) DO UPDATE SET n = station_visit_days.n + 1`, stationID, day, kind); err != nil {
			return fmt.Errorf("store: visit count: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "station.visit", Entity: "station", EntityID: stationID, After: map[string]any{"kind": kind, "visit_id": id}})
	})
	if err != nil {
		return nil, err
	}
	return s.VisitCounts(ctx, stationID, day)
}

// UndoVisit takes back the actor's last tap at the station if it is recent
// (rules.VisitUndoWindow); it returns the kind taken back.
func (s *Store) UndoVisit(ctx context.Context, actor *model.Actor, stationID int64) (string, map[string]int, error) {
	var kind string
	var day time.Time
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.operable(ctx, tx, actor, stationID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id, kind, day FROM station_visits WHERE station_id = $1 AND user_id = $2 AND at >= $3
			ORDER BY id DESC LIMIT 1`, stationID, actor.UserID, tx.now.Add(-rules.VisitUndoWindow)).Scan(&id, &kind, &day)
		if err == sql.ErrNoRows {
			return model.Errorf(model.ECONFLICT, "station.nothing_to_undo")
		}
		if err != nil {
			return err
		}
		day = day.UTC()
		if _, err := tx.ExecContext(ctx, "DELETE FROM station_visits WHERE id = $1", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE station_visit_days SET n = n - 1 WHERE station_id = $1 AND day = $2 AND kind = $3 AND n > 0",
			stationID, day, kind); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.visit_undo", Entity: "station", EntityID: stationID, Before: map[string]any{"kind": kind, "visit_id": id}})
	})
	if err != nil {
		return "", nil, err
	}
	counts, err := s.VisitCounts(ctx, stationID, day)
	return kind, counts, err
}

// VisitCounts returns a day's counters of a station by kind.
func (s *Store) VisitCounts(ctx context.Context, stationID int64, day time.Time) (map[string]int, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT kind, n FROM station_visit_days WHERE station_id = $1 AND day = $2", stationID, civilDay(day))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for _, k := range model.VisitorKinds {
		out[k] = 0
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// civilDay keeps a date that is already a civil date (UTC midnight).
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the zone's civil date now (UTC midnight of the Shanghai date).
func (s *Store) Today() time.Time { return civilDate(s.now()) }

// ---- loans ----

// LoanInput is an item lent.
type LoanInput struct {
	Item     string `json:"item"`
	Borrower string `json:"borrower"`
	Phone    string `json:"phone"`
	DueOn    string `json:"due_on"`
}

// CreateLoan records an item lent today.
func (s *Store) CreateLoan(ctx context.Context, actor *model.Actor, stationID int64, in LoanInput) (int64, error) {
	var v model.Validation
	textField(&v, "item", &in.Item, 40, true)
	textField(&v, "borrower", &in.Borrower, 32, false)
	in.Phone = NormalizePhone(in.Phone)
	if in.Phone != "" && !validPhone(in.Phone) {
		v.Add("phone", "field.phone")
	}
	today := civilDate(s.now())
	var due time.Time
	if strings.TrimSpace(in.DueOn) == "" {
		v.Add("due_on", "field.required")
	} else if d, err := time.Parse("2006-01-02", strings.TrimSpace(in.DueOn)); err != nil {
		v.Add("due_on", "field.date_format")
	} else if d.Before(today) {
		v.Add("due_on", "station.due_past")
	} else {
		due = d
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	enc, masked := "", ""
	if in.Phone != "" {
		keys, err := s.keys()
		if err != nil {
			return 0, err
		}
		if enc, err = keys.EncryptField(fieldLoanPhone, in.Phone); err != nil {
			return 0, err
		}
		masked = secret.MaskPhone(in.Phone)
	}
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.operable(ctx, tx, actor, stationID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO station_loans (station_id, item, borrower, phone_enc, phone_masked, lent_on, due_on,
			created_by, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING id`,
			stationID, in.Item, in.Borrower, enc, masked, civilDate(tx.now), due, nullID(actor.UserID), tx.now).Scan(&id); err != nil {
			return fmt.Errorf("store: loan: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "station.loan", Entity: "station_loan", EntityID: id,
			After: map[string]any{"station_id": stationID, "item": in.Item, "borrower": in.Borrower, "phone": masked, "due_on": in.DueOn}})
	})
	return id, err
}

// ReturnLoan marks a loan returned today.
func (s *Store) ReturnLoan(ctx context.Context, actor *model.Actor, stationID, loanID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := s.operable(ctx, tx, actor, stationID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE station_loans SET returned_on = $1, version = version + 1 WHERE id = $2 AND station_id = $3 AND returned_on IS NULL",
			civilDate(tx.now), loanID, stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "station.loan_closed")
		}
		return tx.Audit(ctx, actor, Change{Action: "station.loan_return", Entity: "station_loan", EntityID: loanID})
	})
}

// Loans lists a station's loans, open ones first (overdue flagged), then
// the last returned ones.
func (s *Store) Loans(ctx context.Context, actor *model.Actor, stationID int64, limit int) ([]model.Loan, error) {
	if err := s.operable(ctx, s.R, actor, stationID); err != nil {
		return nil, err
	}
	today := civilDate(s.now())
	rows, err := s.R.QueryContext(ctx, `SELECT id, station_id, item, borrower, phone_masked, lent_on, due_on, returned_on, created_at
		FROM station_loans WHERE station_id = $1 ORDER BY CASE WHEN returned_on IS NULL THEN 0 ELSE 1 END, id DESC LIMIT $2`, stationID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Loan
	for rows.Next() {
		var l model.Loan
		var ret sql.NullTime
		if err := rows.Scan(&l.ID, &l.StationID, &l.Item, &l.Borrower, &l.PhoneMasked, &l.LentOn, &l.DueOn, &ret, &l.CreatedAt); err != nil {
			return nil, err
		}
		l.LentOn, l.DueOn = l.LentOn.UTC(), l.DueOn.UTC()
		if ret.Valid {
			t := ret.Time.UTC()
			l.ReturnedOn = &t
		} else {
			l.Overdue = l.DueOn.Before(today)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ---- service log ----

// ServiceInput is a service log entry.
type ServiceInput struct {
	Kind    string `json:"kind"`
	Day     string `json:"day"`
	Summary string `json:"summary"`
}

// AddService records a service (first aid given, a repair, an event).
func (s *Store) AddService(ctx context.Context, actor *model.Actor, stationID int64, in ServiceInput) (int64, error) {
	var v model.Validation
	in.Kind = oneOf(&v, "kind", in.Kind, model.ServiceKinds, true)
	textField(&v, "summary", &in.Summary, 500, true)
	day := civilDate(s.now())
	if d := optDate(&v, "day", in.Day, s.now()); d != nil {
		day = *d
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.operable(ctx, tx, actor, stationID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO station_services (station_id, kind, day, summary, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, stationID, in.Kind, day, in.Summary, nullID(actor.UserID), tx.now).Scan(&id); err != nil {
			return fmt.Errorf("store: service: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "station.service", Entity: "station", EntityID: stationID, After: in})
	})
	return id, err
}

// Services lists a station's latest service log entries.
func (s *Store) Services(ctx context.Context, actor *model.Actor, stationID int64, limit int) ([]model.ServiceEntry, error) {
	if err := s.operable(ctx, s.R, actor, stationID); err != nil {
		return nil, err
	}
	rows, err := s.R.QueryContext(ctx, `SELECT v.id, v.station_id, v.kind, v.day, v.summary, COALESCE(u.display_name, ''), v.created_at
		FROM station_services v LEFT JOIN users u ON u.id = v.created_by WHERE v.station_id = $1 ORDER BY v.day DESC, v.id DESC LIMIT $2`, stationID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.ServiceEntry
	for rows.Next() {
		var e model.ServiceEntry
		if err := rows.Scan(&e.ID, &e.StationID, &e.Kind, &e.Day, &e.Summary, &e.By, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.Day = e.Day.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// ---- statistics ----

// StationStats returns monthly statistics for the months from..to
// (inclusive, first days of months) of one station, or of every station in
// the actor's scope when stationID is 0 (the zone).
func (s *Store) StationStats(ctx context.Context, actor *model.Actor, stationID int64, from, to time.Time) ([]model.StationMonth, error) {
	from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	var scope string
	var args []any
	if stationID != 0 {
		if !actor.Scope.All && actor.Role == model.RoleStationKeeper && !slices.Contains(actor.Scope.StationIDs, stationID) {
			return nil, model.Errorf(model.ENOTFOUND, "error.not_found.station")
		}
		args = append(args, stationID)
		scope = "x.station_id = $1"
	} else if actor.Role == model.RoleStationKeeper && !actor.Scope.All {
		scope = "x.station_id " + inList(actor.Scope.StationIDs, &args)
	} else {
		scope = "TRUE"
	}
	args = append(args, from, end)
	rng := fmt.Sprintf(" AND x.%%s >= $%d AND x.%%s < $%d", len(args)-1, len(args))
	months := map[string]*model.StationMonth{}
	var order []string
	for m := from; m.Before(end); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		months[k] = &model.StationMonth{Month: k, Visits: map[string]int{}}
		for _, kind := range model.VisitorKinds {
			months[k].Visits[kind] = 0
		}
		order = append(order, k)
	}
	month := func(t time.Time) *model.StationMonth { return months[t.UTC().Format("2006-01")] }
	// Visits: per day and kind, bucketed into months here (portable).
	rows, err := s.R.QueryContext(ctx, "SELECT x.day, x.kind, SUM(x.n) FROM station_visit_days x WHERE "+scope+
		fmt.Sprintf(rng, "day", "day")+" GROUP BY x.day, x.kind", args...)
	if err != nil {
		return nil, fmt.Errorf("store: station stats: %w", err)
	}
	for rows.Next() {
		var d time.Time
		var kind string
		var n int
		if err := rows.Scan(&d, &kind, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if m := month(d); m != nil {
			m.Visits[kind] += n
			m.VisitTotal += n
		}
	}
	rows.Close()
	if err := s.statDays(ctx, "SELECT x.lent_on, COUNT(*) FROM station_loans x WHERE "+scope+fmt.Sprintf(rng, "lent_on", "lent_on")+" GROUP BY x.lent_on",
		args, func(m *model.StationMonth, n, _ int) { m.Loans += n }, month); err != nil {
		return nil, err
	}
	if err := s.statDays(ctx, "SELECT x.returned_on, COUNT(*) FROM station_loans x WHERE x.returned_on IS NOT NULL AND "+scope+
		fmt.Sprintf(rng, "returned_on", "returned_on")+" GROUP BY x.returned_on",
		args, func(m *model.StationMonth, n, _ int) { m.Returned += n }, month); err != nil {
		return nil, err
	}
	if err := s.statDays(ctx, "SELECT x.day, COUNT(*) FROM station_services x WHERE "+scope+fmt.Sprintf(rng, "day", "day")+" GROUP BY x.day",
		args, func(m *model.StationMonth, n, _ int) { m.Services += n }, month); err != nil {
		return nil, err
	}
	// Ratings by month of their (UTC) timestamp, hidden ones excluded.
	fr, err := s.R.QueryContext(ctx, "SELECT x.created_at, x.rating FROM station_feedback x WHERE x.status <> 'hidden' AND "+scope+
		fmt.Sprintf(rng, "created_at", "created_at"), args...)
	if err != nil {
		return nil, err
	}
	sums := map[string]int{}
	for fr.Next() {
		var at time.Time
		var r int
		if err := fr.Scan(&at, &r); err != nil {
			fr.Close()
			return nil, err
		}
		if m := month(at.In(rules.Location())); m != nil {
			m.Ratings++
			sums[m.Month] += r
		}
	}
	fr.Close()
	out := make([]model.StationMonth, 0, len(order))
	for _, k := range order {
		m := months[k]
		if m.Ratings > 0 {
			m.RatingAvg = float64(sums[k]) / float64(m.Ratings)
		}
		out = append(out, *m)
	}
	return out, nil
}

func (s *Store) statDays(ctx context.Context, q string, args []any, add func(*model.StationMonth, int, int), month func(time.Time) *model.StationMonth) error {
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: station stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d time.Time
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return err
		}
		if m := month(d); m != nil {
			add(m, n, 0)
		}
	}
	return rows.Err()
}

// ---- history import (demo and migration of paper records) ----

// StationHistory is past activity of a station, loaded in bulk: daily
// counters, loans, service log entries and feedback. Dates are civil dates.
type StationHistory struct {
	Visits   []VisitDay
	Loans    []HistoryLoan
	Services []HistoryService
	Feedback []HistoryFeedback
}

// VisitDay is one day's count of one visitor kind.
type VisitDay struct {
	Day  time.Time
	Kind string
	N    int
}

// HistoryLoan is a past loan (no phone: paper records rarely hold one).
type HistoryLoan struct {
	Item, Borrower string
	LentOn, DueOn  time.Time
	ReturnedOn     *time.Time
}

// HistoryService is a past service log entry.
type HistoryService struct {
	Kind, Summary string
	Day           time.Time
}

// HistoryFeedback is a past rating, already moderated.
type HistoryFeedback struct {
	Rating  int
	Comment string
	Status  string
	At      time.Time
}

// ImportStationHistory loads a station's past activity in one transaction
// with one audit entry. It is for the system actor (demo, paper records).
func (s *Store) ImportStationHistory(ctx context.Context, actor *model.Actor, stationID int64, h StationHistory) error {
	if !actor.Scope.All {
		return model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.operable(ctx, tx, actor, stationID); err != nil {
			return err
		}
		for _, d := range h.Visits {
			if d.N <= 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO station_visit_days (station_id, day, kind, n) VALUES ($1, $2, $3, $4)
				ON CONFLICT (station_id, day, kind) DO UPDATE SET n = station_visit_days.n + excluded.n`, stationID, civilDay(d.Day), d.Kind, d.N); err != nil {
				return fmt.Errorf("store: import visits: %w", err)
			}
		}
		for _, l := range h.Loans {
			var ret any
			if l.ReturnedOn != nil {
				ret = civilDay(*l.ReturnedOn)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO station_loans (station_id, item, borrower, lent_on, due_on, returned_on, created_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`, stationID, l.Item, l.Borrower, civilDay(l.LentOn), civilDay(l.DueOn), ret, tx.now); err != nil {
				return fmt.Errorf("store: import loans: %w", err)
			}
		}
		for _, e := range h.Services {
			if _, err := tx.ExecContext(ctx, `INSERT INTO station_services (station_id, kind, day, summary, created_at) VALUES ($1, $2, $3, $4, $5)`,
				stationID, e.Kind, civilDay(e.Day), e.Summary, tx.now); err != nil {
				return fmt.Errorf("store: import services: %w", err)
			}
		}
		sum, n := 0, 0
		for _, f := range h.Feedback {
			if _, err := tx.ExecContext(ctx, `INSERT INTO station_feedback (station_id, rating, comment, status, ip_hash, created_at)
				VALUES ($1, $2, $3, $4, '', $5)`, stationID, f.Rating, f.Comment, f.Status, f.At.UTC().Truncate(time.Millisecond)); err != nil {
				return fmt.Errorf("store: import feedback: %w", err)
			}
			if f.Status != model.FeedbackHidden {
				sum += f.Rating
				n++
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE stations SET rating_sum = rating_sum + $1, rating_count = rating_count + $2 WHERE id = $3", sum, n, stationID); err != nil {
			return err
		}
		if err := bumpStationsRev(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.import_history", Entity: "station", EntityID: stationID,
			After: map[string]int{"visit_days": len(h.Visits), "loans": len(h.Loans), "services": len(h.Services), "feedback": len(h.Feedback)}})
	})
	if err == nil {
		s.finder().invalidate()
	}
	return err
}

// LastVisitDay is the latest day with counted visitors (of one station, or
// all when stationID is 0); ok is false when there is none. Statistics
// pages end their twelve months there when it is long past (a demo year).
func (s *Store) LastVisitDay(ctx context.Context, stationID int64) (day time.Time, ok bool, err error) {
	// ORDER BY … LIMIT 1 rather than MAX(): SQLite reports an aggregate
	// without the column's type, so the driver would not return a time.
	var d time.Time
	if stationID != 0 {
		err = s.R.QueryRowContext(ctx, "SELECT day FROM station_visit_days WHERE station_id = $1 ORDER BY day DESC LIMIT 1", stationID).Scan(&d)
	} else {
		err = s.R.QueryRowContext(ctx, "SELECT day FROM station_visit_days ORDER BY day DESC LIMIT 1").Scan(&d)
	}
	if err == sql.ErrNoRows {
		return d, false, nil
	}
	return d.UTC(), err == nil, err
}
