package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// Public feedback on stations: a rating of 1–5 and a short comment. Ratings
// count at once toward the station's average; comments are shown only once
// an administrator approves them. A moderator may hide abuse, which also
// takes the rating out of the average.

// Anonymous is the actor of public, sign-in-free writes (feedback).
var Anonymous = &model.Actor{Username: "public", Name: "公众"}

// linkRE finds what reads as a link: a scheme, www., or a bare domain with
// a common top-level domain.
var linkRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://\S+|www\.\S+|[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|cn|net|org|info|top|xyz|cc|io|me|vip|shop|site|club)(/\S*)?)`)

// CleanComment strips links and control characters, collapses whitespace
// and trims. HTML is kept as text; templates and JSON escape it.
func CleanComment(s string) string {
	s = linkRE.ReplaceAllString(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// AddressHash is the keyed hash of a client address stored for rate
// limiting (the address itself is not kept).
func (s *Store) AddressHash(ip string) string {
	key := []byte("redgrid-feedback")
	if s.Keys != nil {
		key = []byte(s.Keys.Index("feedback_ip", "key"))
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ip))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// FeedbackInput is what the public form sends.
type FeedbackInput struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// SubmitFeedback records a rating (and a comment for moderation) from the
// public page, rate-limited per address and station (rules.Feedback*).
func (s *Store) SubmitFeedback(ctx context.Context, stationID int64, in FeedbackInput, ip string) (model.Feedback, error) {
	var v model.Validation
	if in.Rating < 1 || in.Rating > 5 {
		v.Add("rating", "field.range", 1, 5)
	}
	raw := strings.TrimSpace(in.Comment)
	in.Comment = CleanComment(raw)
	if n := len([]rune(in.Comment)); n > rules.FeedbackCommentMax {
		v.Add("comment", "field.too_long", rules.FeedbackCommentMax)
	}
	if err := v.Err(); err != nil {
		return model.Feedback{}, err
	}
	hash := s.AddressHash(ip)
	fb := model.Feedback{StationID: stationID, Rating: in.Rating, Comment: in.Comment, Status: model.FeedbackPending}
	actor := *Anonymous
	actor.IP = ip
	err := s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM stations WHERE id = $1", stationID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.Errorf(model.ENOTFOUND, "error.not_found.station")
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM station_feedback WHERE ip_hash = $1 AND station_id = $2 AND created_at >= $3",
			hash, stationID, tx.now.Add(-rules.FeedbackStationWindow)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return model.Errorf(model.ETHROTTLED, "feedback.throttled_station", int(rules.FeedbackStationWindow.Hours()))
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM station_feedback WHERE ip_hash = $1 AND created_at >= $2",
			hash, tx.now.Add(-rules.FeedbackAddressWindow)).Scan(&n); err != nil {
			return err
		}
		if n >= rules.FeedbackAddressMax {
			return model.Errorf(model.ETHROTTLED, "feedback.throttled_address")
		}
		status := model.FeedbackPending
		if in.Comment == "" {
			status = model.FeedbackApproved // a bare rating has nothing to moderate
		}
		fb.Status = status
		if err := tx.QueryRowContext(ctx, `INSERT INTO station_feedback (station_id, rating, comment, status, ip_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, stationID, in.Rating, in.Comment, status, hash, tx.now).Scan(&fb.ID); err != nil {
			return fmt.Errorf("store: feedback: %w", err)
		}
		fb.CreatedAt = tx.now
		if _, err := tx.ExecContext(ctx, "UPDATE stations SET rating_sum = rating_sum + $1, rating_count = rating_count + 1 WHERE id = $2",
			in.Rating, stationID); err != nil {
			return err
		}
		if err := bumpStationsRev(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, &actor, Change{Action: "station.feedback", Entity: "station_feedback", EntityID: fb.ID,
			After: map[string]any{"station_id": stationID, "rating": in.Rating, "comment": in.Comment}})
	})
	if err != nil {
		return model.Feedback{}, err
	}
	s.finder().invalidate()
	return fb, nil
}

// ModerateFeedback approves or hides a feedback entry.
func (s *Store) ModerateFeedback(ctx context.Context, actor *model.Actor, id int64, status string) error {
	if status != model.FeedbackApproved && status != model.FeedbackHidden {
		var v model.Validation
		v.Add("status", "field.choose")
		return v.Err()
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		var old string
		var stationID int64
		var rating int
		err := tx.QueryRowContext(ctx, "SELECT status, station_id, rating FROM station_feedback WHERE id = $1", id).Scan(&old, &stationID, &rating)
		if err != nil {
			return notFound(err, "feedback")
		}
		if old == status {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE station_feedback SET status = $1, moderated_by = $2, moderated_at = $3 WHERE id = $4",
			status, nullID(actor.UserID), tx.now, id); err != nil {
			return err
		}
		delta, count := 0, 0
		switch {
		case status == model.FeedbackHidden:
			delta, count = -rating, -1
		case old == model.FeedbackHidden:
			delta, count = rating, 1
		}
		if count != 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE stations SET rating_sum = rating_sum + $1, rating_count = rating_count + $2 WHERE id = $3",
				delta, count, stationID); err != nil {
				return err
			}
		}
		if err := bumpStationsRev(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.feedback_" + status, Entity: "station_feedback", EntityID: id,
			Before: map[string]string{"status": old}, After: map[string]string{"status": status}})
	})
	if err == nil {
		s.finder().invalidate()
	}
	return err
}

// FeedbackList lists feedback by status (the moderation queue: pending,
// oldest first; other statuses newest first). stationID 0 means all.
func (s *Store) FeedbackList(ctx context.Context, status string, stationID int64, limit int) ([]model.Feedback, error) {
	args := []any{status}
	q := `SELECT f.id, f.station_id, st.name, f.rating, f.comment, f.status, f.created_at FROM station_feedback f
		JOIN stations st ON st.id = f.station_id WHERE f.status = $1`
	if stationID != 0 {
		args = append(args, stationID)
		q += " AND f.station_id = $2"
	}
	if status == model.FeedbackPending {
		q += " ORDER BY f.id"
	} else {
		q += " ORDER BY f.id DESC"
	}
	args = append(args, limit)
	q += fmt.Sprintf(" LIMIT $%d", len(args))
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: feedback list: %w", err)
	}
	defer rows.Close()
	out := []model.Feedback{}
	for rows.Next() {
		var f model.Feedback
		if err := rows.Scan(&f.ID, &f.StationID, &f.StationName, &f.Rating, &f.Comment, &f.Status, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// PublicComments lists a station's approved comments, newest first.
func (s *Store) PublicComments(ctx context.Context, stationID int64, limit int) ([]model.Feedback, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT id, station_id, rating, comment, created_at FROM station_feedback
		WHERE station_id = $1 AND status = 'approved' AND comment <> '' ORDER BY id DESC LIMIT $2`, stationID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.Feedback{}
	for rows.Next() {
		f := model.Feedback{Status: model.FeedbackApproved}
		if err := rows.Scan(&f.ID, &f.StationID, &f.Rating, &f.Comment, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
