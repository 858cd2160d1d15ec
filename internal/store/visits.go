package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// 三级走访: visits of enterprises by leaders, grid heads and grid workers.
// A visit keeps the place the browser reported with its accuracy and the
// distance to the enterprise; far visits are flagged. A repeated
// idempotency key (a double tap, a resend) returns the first visit.

const visitCols = `v.id, v.enterprise_id, v.grid_id, v.level, v.visitor_id, v.visited_at, v.topics, v.notes, v.lat, v.lng,
	v.accuracy_m, v.distance_m, v.far, v.created_at, v.updated_at, v.version, COALESCE(e.name, ''), COALESCE(u.display_name, '')`

const visitJoins = ` LEFT JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN users u ON u.id = v.visitor_id`

func scanVisit(sc interface{ Scan(...any) error }) (model.Visit, error) {
	var v model.Visit
	var topics string
	var lat, lng, acc, dist sql.NullFloat64
	err := sc.Scan(&v.ID, &v.EnterpriseID, &v.GridID, &v.Level, &v.VisitorID, &v.VisitedAt, &topics, &v.Notes, &lat, &lng,
		&acc, &dist, &v.Far, &v.CreatedAt, &v.UpdatedAt, &v.Version, &v.EnterpriseName, &v.VisitorName)
	if err != nil {
		return v, err
	}
	v.Topics = []string{}
	if topics != "" {
		v.Topics = strings.Split(topics, ",")
	}
	opt := func(n sql.NullFloat64) *float64 {
		if !n.Valid {
			return nil
		}
		f := n.Float64
		return &f
	}
	v.Lat, v.Lng, v.AccuracyM, v.DistanceM = opt(lat), opt(lng), opt(acc), opt(dist)
	v.VisitedAt, v.CreatedAt, v.UpdatedAt = v.VisitedAt.UTC(), v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, nil
}

// visitScopeSQL: admins see every visit, grid staff their grids' visits,
// department staff none.
func visitScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Scope.All {
		return "TRUE"
	}
	if len(actor.Scope.GridIDs) > 0 {
		return "v.grid_id " + inList(actor.Scope.GridIDs, args)
	}
	return "FALSE"
}

// Visit returns one visit in scope with its photos and problems.
func (s *Store) Visit(ctx context.Context, actor *model.Actor, id int64) (model.Visit, error) {
	args := []any{id}
	v, err := scanVisit(s.R.QueryRowContext(ctx, "SELECT "+visitCols+" FROM visits v"+visitJoins+" WHERE v.id = $1 AND "+
		visitScopeSQL(actor, &args), args...))
	if err != nil {
		return v, notFound(err, "visit")
	}
	if v.Photos, err = s.ids(ctx, "SELECT id FROM visit_photos WHERE visit_id = $1 ORDER BY id", id); err != nil {
		return v, err
	}
	v.Problems, err = s.ids(ctx, "SELECT id FROM problems WHERE visit_id = $1 ORDER BY id", id)
	return v, err
}

func (s *Store) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: ids: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// VisitLevelOf tells the level a user visits at: 主要领导 by the leader
// flag, else by role; "" when the account does not visit.
func (s *Store) VisitLevelOf(ctx context.Context, q queryer, userID int64) (string, error) {
	var role string
	var leader bool
	err := q.QueryRowContext(ctx, "SELECT role, leader FROM users WHERE id = $1", userID).Scan(&role, &leader)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: visit level: %w", err)
	}
	switch {
	case leader:
		return model.LevelLeader, nil
	case role == string(model.RoleGridHead):
		return model.LevelGridHead, nil
	case role == string(model.RoleGridWorker):
		return model.LevelGridWorker, nil
	}
	return "", nil
}

// DistanceMeters is the great-circle distance between two points.
func DistanceMeters(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dl, dg := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dl/2)*math.Sin(dl/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dg/2)*math.Sin(dg/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// checkPlace validates the browser's position: both coordinates or none,
// in range, with a non-negative accuracy.
func checkPlace(v *model.Validation, lat, lng, acc *float64) {
	bad := func(f *float64) bool { return f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) }
	switch {
	case (lat == nil) != (lng == nil):
		if lat == nil {
			v.Add("lat", "field.required")
		} else {
			v.Add("lng", "field.required")
		}
	case lat != nil && (bad(lat) || *lat < -90 || *lat > 90):
		v.Add("lat", "field.range", -90, 90)
	case lng != nil && (bad(lng) || *lng < -180 || *lng > 180):
		v.Add("lng", "field.range", -180, 180)
	}
	if acc != nil && (bad(acc) || *acc < 0 || *acc > 100000) {
		v.Add("accuracy_m", "field.range", 0, 100000)
	}
}

// parseVisitTime reads RFC 3339 or a datetime-local value in the zone's
// time; empty means now. Visits are not in the future (a few minutes of
// clock skew allowed) nor older than a year.
func parseVisitTime(v *model.Validation, s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return now
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04", s, rules.Location())
	}
	switch {
	case err != nil:
		v.Add("visited_at", "field.datetime_format")
	case t.After(now.Add(10 * time.Minute)):
		v.Add("visited_at", "field.date_future")
	case t.Before(now.AddDate(-1, 0, 0)):
		v.Add("visited_at", "visit.too_old")
	}
	return t.UTC().Truncate(time.Millisecond)
}

func (s *Store) checkTopics(ctx context.Context, q queryer, v *model.Validation, topics []string) []string {
	var out []string
	for _, t := range topics {
		t = strings.TrimSpace(t)
		if t == "" || slices.Contains(out, t) {
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM visit_topics WHERE code = $1 AND active = TRUE", t).Scan(&n); err != nil || n == 0 {
			v.Add("topics", "field.choose")
			continue
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		v.Add("topics", "field.required")
	}
	return out
}

// CreateVisit logs a visit, with the problems raised in it, in one
// transaction. Photos are processed by the caller (web) and passed as
// ready rows in photos.
func (s *Store) CreateVisit(ctx context.Context, actor *model.Actor, in model.VisitInput, photos []Photo) (model.Visit, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = s.createVisit(ctx, tx, actor, in, photos)
		return err
	})
	if err != nil {
		return model.Visit{}, err
	}
	return s.Visit(ctx, model.System, id)
}

// Photo is a processed photo ready to store.
type Photo struct {
	MIME          string
	Data          []byte
	Width, Height int
	TakenAt       *time.Time
}

func (s *Store) createVisit(ctx context.Context, tx *Tx, actor *model.Actor, in model.VisitInput, photos []Photo) (int64, error) {
	var v model.Validation
	in.IdemKey = strings.TrimSpace(in.IdemKey)
	if len(in.IdemKey) > 64 {
		v.Add("idempotency_key", "field.too_long", 64)
	} else if in.IdemKey != "" {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM visits WHERE visitor_id = $1 AND idem_key = $2", actor.UserID, in.IdemKey).Scan(&id)
		if err == nil {
			return id, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: visit idempotency: %w", err)
		}
	}
	level, err := s.VisitLevelOf(ctx, tx, actor.UserID)
	if err != nil {
		return 0, err
	}
	if level == "" {
		v.Add("level", "visit.no_level")
	}
	at := parseVisitTime(&v, in.VisitedAt, tx.now)
	topics := s.checkTopics(ctx, tx, &v, in.Topics)
	textField(&v, "notes", &in.Notes, 2000, false)
	checkPlace(&v, in.Lat, in.Lng, in.AccuracyM)
	if len(photos) > rules.PhotosPerVisit {
		v.Add("photos", "visit.too_many_photos", rules.PhotosPerVisit)
	}
	var gridID int64
	var elat, elng sql.NullFloat64
	args := []any{in.EnterpriseID}
	err = tx.QueryRowContext(ctx, "SELECT e.grid_id, e.lat, e.lng FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
		enterpriseWriteScopeSQL(actor, &args), args...).Scan(&gridID, &elat, &elng)
	switch {
	case in.EnterpriseID == 0:
		v.Add("enterprise_id", "field.required")
	case errors.Is(err, sql.ErrNoRows):
		v.Add("enterprise_id", "field.unknown")
	case err != nil:
		return 0, fmt.Errorf("store: visit enterprise: %w", err)
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var dist *float64
	far := false
	if in.Lat != nil && elat.Valid && elng.Valid {
		d := math.Round(DistanceMeters(*in.Lat, *in.Lng, elat.Float64, elng.Float64))
		dist = &d
		far = d > rules.VisitFarMeters
	}
	var idem any
	if in.IdemKey != "" {
		idem = in.IdemKey
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO visits (enterprise_id, grid_id, level, visitor_id, visited_at, topics, notes,
		lat, lng, accuracy_m, distance_m, far, idem_key, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1) RETURNING id`,
		in.EnterpriseID, gridID, level, actor.UserID, at, strings.Join(topics, ","), in.Notes, in.Lat, in.Lng, in.AccuracyM,
		dist, far, idem, tx.now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create visit: %w", s.dialect.classify(err))
	}
	if err := touchLastVisit(ctx, tx, in.EnterpriseID, level); err != nil {
		return 0, err
	}
	agg := newAggBatch()
	if err := agg.visit(ctx, tx, in.EnterpriseID, gridID, level, at, 1); err != nil {
		return 0, err
	}
	if err := agg.flush(ctx, tx); err != nil {
		return 0, err
	}
	for _, p := range photos {
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_photos (visit_id, mime, data, width, height, taken_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, p.MIME, p.Data, p.Width, p.Height, nullDate(p.TakenAt), tx.now); err != nil {
			return 0, fmt.Errorf("store: visit photo: %w", err)
		}
	}
	for i, pin := range in.Problems {
		pin.EnterpriseID = in.EnterpriseID
		pin.IdemKey = ""
		if _, err := s.createProblem(ctx, tx, actor, pin, id, fmt.Sprintf("problems.%d.", i)); err != nil {
			return 0, err
		}
	}
	audit := in
	audit.IdemKey, audit.Problems, audit.Photos = "", nil, nil
	return id, tx.Audit(ctx, actor, Change{Action: "visit.create", Entity: "visit", EntityID: id,
		After: map[string]any{"input": audit, "level": level, "distance_m": dist, "far": far, "photos": len(photos), "problems": len(in.Problems)}})
}

// touchLastVisit recomputes an enterprise's last visit at a level.
func touchLastVisit(ctx context.Context, tx *Tx, enterpriseID int64, level string) error {
	var last nullTime
	if err := tx.QueryRowContext(ctx, "SELECT MAX(visited_at) FROM visits WHERE enterprise_id = $1 AND level = $2",
		enterpriseID, level).Scan(&last); err != nil {
		return fmt.Errorf("store: last visit: %w", err)
	}
	if !last.ok {
		_, err := tx.ExecContext(ctx, "DELETE FROM enterprise_visit_last WHERE enterprise_id = $1 AND level = $2", enterpriseID, level)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO enterprise_visit_last (enterprise_id, level, last_at) VALUES ($1, $2, $3)
		ON CONFLICT (enterprise_id, level) DO UPDATE SET last_at = excluded.last_at`, enterpriseID, level, last.t)
	if err != nil {
		return fmt.Errorf("store: last visit: %w", err)
	}
	return nil
}

// UpdateVisit corrects a visit's time, topics and notes (the place stays as
// recorded); the visit as it was is kept in visit_revisions. The visitor or
// an administrator may correct.
func (s *Store) UpdateVisit(ctx context.Context, actor *model.Actor, id int64, in model.VisitInput) (model.Visit, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		args := []any{id}
		old, err := scanVisit(tx.QueryRowContext(ctx, "SELECT "+visitCols+" FROM visits v"+visitJoins+" WHERE v.id = $1 AND "+
			visitScopeSQL(actor, &args), args...))
		if err != nil {
			return notFound(err, "visit")
		}
		if !actor.Scope.All && old.VisitorID != actor.UserID {
			return model.Errorf(model.EFORBIDDEN, "visit.not_yours")
		}
		var v model.Validation
		at := parseVisitTime(&v, in.VisitedAt, tx.now)
		topics := s.checkTopics(ctx, tx, &v, in.Topics)
		textField(&v, "notes", &in.Notes, 2000, false)
		textField(&v, "reason", &in.Reason, 200, true)
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE visits SET visited_at = $1, topics = $2, notes = $3, updated_at = $4, version = version + 1
			WHERE id = $5 AND version = $6`, at, strings.Join(topics, ","), in.Notes, tx.now, id, in.Version)
		if err != nil {
			return fmt.Errorf("store: update visit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		before := map[string]any{"visited_at": old.VisitedAt, "topics": old.Topics, "notes": old.Notes, "version": old.Version}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_revisions (visit_id, at, actor_id, actor_name, before_json, reason)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, tx.now, nullID(actor.UserID), actorName(actor), toJSON(before), in.Reason); err != nil {
			return fmt.Errorf("store: visit revision: %w", err)
		}
		if err := touchLastVisit(ctx, tx, old.EnterpriseID, old.Level); err != nil {
			return err
		}
		if visitPeriods(old.VisitedAt) != visitPeriods(at) {
			agg := newAggBatch()
			if err := agg.visit(ctx, tx, old.EnterpriseID, old.GridID, old.Level, old.VisitedAt, -1); err != nil {
				return err
			}
			if err := agg.visit(ctx, tx, old.EnterpriseID, old.GridID, old.Level, at, 1); err != nil {
				return err
			}
			if err := agg.flush(ctx, tx); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "visit.update", Entity: "visit", EntityID: id, Before: before,
			After: map[string]any{"visited_at": at, "topics": topics, "notes": in.Notes}, Reason: in.Reason})
	})
	if err != nil {
		return model.Visit{}, err
	}
	return s.Visit(ctx, model.System, id)
}

// VisitRevision is an earlier state of a corrected visit.
type VisitRevision struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	Before    string    `json:"before"`
	Reason    string    `json:"reason"`
}

// VisitRevisions lists a visit's corrections, oldest first.
func (s *Store) VisitRevisions(ctx context.Context, actor *model.Actor, id int64) ([]VisitRevision, error) {
	if _, err := s.Visit(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.R.QueryContext(ctx, "SELECT at, actor_name, before_json, reason FROM visit_revisions WHERE visit_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, fmt.Errorf("store: visit revisions: %w", err)
	}
	defer rows.Close()
	var out []VisitRevision
	for rows.Next() {
		var r VisitRevision
		if err := rows.Scan(&r.At, &r.ActorName, &r.Before, &r.Reason); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// VisitFilter selects visits for a list.
type VisitFilter struct {
	GridID       int64
	EnterpriseID int64
	VisitorID    int64
	Level        string
	Far          bool
	Cursor       string
	Limit        int
}

// ListVisits pages through visits in scope, newest first.
func (s *Store) ListVisits(ctx context.Context, actor *model.Actor, f VisitFilter) (items []model.Visit, next, prev string, err error) {
	var args []any
	where := []string{visitScopeSQL(actor, &args)}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.GridID != 0 {
		add("v.grid_id = $%d", f.GridID)
	}
	if f.EnterpriseID != 0 {
		add("v.enterprise_id = $%d", f.EnterpriseID)
	}
	if f.VisitorID != 0 {
		add("v.visitor_id = $%d", f.VisitorID)
	}
	if f.Level != "" {
		add("v.level = $%d", f.Level)
	}
	if f.Far {
		where = append(where, "v.far = TRUE")
	}
	return keysetPage(ctx, s, keysetQuery{
		Select:    "SELECT " + visitCols + " FROM (%s) vg JOIN visits v ON v.id = vg.id" + visitJoins,
		InnerFrom: "visits v", Where: where, Args: args,
		KeyCol: "v.id", KeyKind: 'n', Desc: true, Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Visit, []byte, int64, error) {
			v, err := scanVisit(rows)
			return v, nil, v.ID, err
		})
}

// VisitPhoto returns a stored photo of a visit in scope.
func (s *Store) VisitPhoto(ctx context.Context, actor *model.Actor, visitID, photoID int64) (Photo, error) {
	if _, err := s.Visit(ctx, actor, visitID); err != nil {
		return Photo{}, err
	}
	var p Photo
	var taken sql.NullTime
	err := s.R.QueryRowContext(ctx, "SELECT mime, data, width, height, taken_at FROM visit_photos WHERE id = $1 AND visit_id = $2",
		photoID, visitID).Scan(&p.MIME, &p.Data, &p.Width, &p.Height, &taken)
	p.TakenAt = dateOut(taken)
	return p, notFound(err, "photo")
}

// Topics lists the visit topic dictionary.
func (s *Store) Topics(ctx context.Context) ([]model.Topic, error) {
	return s.dictEntries(ctx, "visit_topics")
}

// SaveTopic creates (ID 0) or updates a visit topic; administrators only.
func (s *Store) SaveTopic(ctx context.Context, actor *model.Actor, in model.Topic) (int64, error) {
	return s.saveDictEntry(ctx, actor, "visit_topics", "topic", "visit_topic", in)
}
