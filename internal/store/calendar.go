package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/workcal"
)

// The working-day calendar: the holiday library plus the days the
// administrators keep in calendar_days. Deadlines of problems count on it.

type calCache struct {
	mu     sync.Mutex
	cal    *workcal.Calendar
	loaded time.Time
}

// calendarTTL bounds how stale another process's edits may be seen here;
// edits through this store are seen at once.
const calendarTTL = time.Minute

// Calendar returns the working-day calendar.
func (s *Store) Calendar(ctx context.Context) (*workcal.Calendar, error) {
	s.cal.mu.Lock()
	defer s.cal.mu.Unlock()
	now := s.now()
	if s.cal.cal != nil && now.Sub(s.cal.loaded) < calendarTTL && !now.Before(s.cal.loaded) {
		return s.cal.cal, nil
	}
	days, err := s.CalendarDays(ctx, 0)
	if err != nil {
		return nil, err
	}
	s.cal.cal, s.cal.loaded = workcal.New(days), now
	return s.cal.cal, nil
}

func (s *Store) forgetCalendar() {
	s.cal.mu.Lock()
	s.cal.cal = nil
	s.cal.mu.Unlock()
}

// CalendarDays lists the administrators' days, of one year or (0) all.
func (s *Store) CalendarDays(ctx context.Context, year int) ([]workcal.Day, error) {
	q := "SELECT day, kind, name FROM calendar_days"
	var args []any
	if year > 0 {
		q += " WHERE day >= $1 AND day < $2"
		args = append(args, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	rows, err := s.R.QueryContext(ctx, q+" ORDER BY day", args...)
	if err != nil {
		return nil, fmt.Errorf("store: calendar days: %w", err)
	}
	defer rows.Close()
	var out []workcal.Day
	for rows.Next() {
		var d workcal.Day
		var kind string
		if err := rows.Scan(&d.Date, &kind, &d.Name); err != nil {
			return nil, err
		}
		d.Date, d.Kind = workcal.Civil(d.Date.UTC()), workcal.Kind(kind)
		out = append(out, d)
	}
	return out, rows.Err()
}

// CalendarDayInput keeps or removes one day.
type CalendarDayInput struct {
	Day  string `json:"day"`  // YYYY-MM-DD
	Kind string `json:"kind"` // holiday, workday, or "" to remove the kept day
	Name string `json:"name"`
}

// SaveCalendarDay keeps a day as a holiday or a working day, or removes a
// kept day (Kind ""). Administrators only.
func (s *Store) SaveCalendarDay(ctx context.Context, actor *model.Actor, in CalendarDayInput) error {
	if !actor.Scope.All {
		return model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	var v model.Validation
	d, err := time.Parse("2006-01-02", strings.TrimSpace(in.Day))
	switch {
	case strings.TrimSpace(in.Day) == "":
		v.Add("day", "field.required")
	case err != nil:
		v.Add("day", "field.date_format")
	case d.Year() < 2000 || d.Year() > 2100:
		v.Add("day", "field.range", 2000, 2100)
	}
	if in.Kind != "" && in.Kind != string(workcal.Holiday) && in.Kind != string(workcal.Workday) {
		v.Add("kind", "field.choose")
	}
	textField(&v, "name", &in.Name, 32, false)
	if err := v.Err(); err != nil {
		return err
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		var before []workcal.Day
		var bk, bn string
		if err := tx.QueryRowContext(ctx, "SELECT kind, name FROM calendar_days WHERE day = $1", d).Scan(&bk, &bn); err == nil {
			before = append(before, workcal.Day{Date: d, Kind: workcal.Kind(bk), Name: bn})
		}
		if in.Kind == "" {
			if _, err := tx.ExecContext(ctx, "DELETE FROM calendar_days WHERE day = $1", d); err != nil {
				return fmt.Errorf("store: calendar day: %w", err)
			}
		} else if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at`,
			d, in.Kind, in.Name, tx.now); err != nil {
			return fmt.Errorf("store: calendar day: %w", err)
		}
		var after any
		if in.Kind != "" {
			after = in
		}
		var b any
		if len(before) > 0 {
			b = map[string]string{"day": in.Day, "kind": bk, "name": bn}
		}
		return tx.Audit(ctx, actor, Change{Action: "calendar.save", Entity: "calendar_day", Before: b, After: after})
	})
	if err == nil {
		s.forgetCalendar()
	}
	return err
}
