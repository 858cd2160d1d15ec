package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"redgrid/internal/model"
)

// BriefingSections are the sections of the monthly briefing a commentary
// paragraph may belong to (internal/briefing's order).
var BriefingSections = []string{"basic", "party", "visits", "problems", "stations", "safety", "economy"}

// BriefingNote is the commentary people wrote for a section of a month's
// briefing.
type BriefingNote struct {
	Month     string    `json:"month"`
	Section   string    `json:"section"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// BriefingNotes returns a month's commentary by section.
func (s *Store) BriefingNotes(ctx context.Context, month string) (map[string]BriefingNote, error) {
	rows, err := s.readQuery(ctx, "SELECT month, section, body, updated_at, version FROM briefing_notes WHERE month = $1", month)
	if err != nil {
		return nil, fmt.Errorf("store: briefing notes: %w", err)
	}
	defer rows.Close()
	out := map[string]BriefingNote{}
	for rows.Next() {
		var n BriefingNote
		if err := rows.Scan(&n.Month, &n.Section, &n.Body, &n.UpdatedAt, &n.Version); err != nil {
			return nil, err
		}
		n.UpdatedAt = n.UpdatedAt.UTC()
		out[n.Section] = n
	}
	return out, rows.Err()
}

// SaveBriefingNote writes (or, with an empty body, removes) a section's
// commentary. version is the stored note's (0 when there is none); a note
// changed since is a conflict, not overwritten.
func (s *Store) SaveBriefingNote(ctx context.Context, actor *model.Actor, month, section, body string, version int) (BriefingNote, error) {
	var v model.Validation
	if !validMonth(month) {
		v.Add("month", "field.month_format")
	}
	if !slices.Contains(BriefingSections, section) {
		v.Add("section", "field.choose")
	}
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	textField(&v, "body", &body, 2000, false)
	if err := v.Err(); err != nil {
		return BriefingNote{}, err
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		var cur int
		var old string
		err := tx.QueryRowContext(ctx, "SELECT version, body FROM briefing_notes WHERE month = $1 AND section = $2", month, section).Scan(&cur, &old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			cur = 0
		case err != nil:
			return fmt.Errorf("store: briefing note: %w", err)
		}
		if cur != version {
			return model.Errorf(model.ECONFLICT, "error.stale", cur)
		}
		switch {
		case body == "" && cur > 0:
			_, err = tx.ExecContext(ctx, "DELETE FROM briefing_notes WHERE month = $1 AND section = $2", month, section)
		case body == "":
			return nil
		case cur == 0:
			_, err = tx.ExecContext(ctx, `INSERT INTO briefing_notes (month, section, body, updated_by, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, 1)`, month, section, body, nullID(actor.UserID), tx.now)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE briefing_notes SET body = $1, updated_by = $2, updated_at = $3, version = version + 1
				WHERE month = $4 AND section = $5 AND version = $6`, body, nullID(actor.UserID), tx.now, month, section, version)
		}
		if err != nil {
			return fmt.Errorf("store: save briefing note: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "briefing.note", Entity: "briefing", Before: map[string]any{"month": month, "section": section, "body": old},
			After: map[string]any{"month": month, "section": section, "body": body}})
	})
	if err != nil {
		return BriefingNote{}, err
	}
	notes, err := s.BriefingNotes(ctx, month)
	return notes[section], err
}
