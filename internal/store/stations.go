package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/textkey"
)

// 红色驿站: the register of stations and the amenity dictionary. The public
// finder (stationfinder.go), the keepers' operations (stationops.go) and
// the feedback (stationfeedback.go) build on it.

// ---- amenity dictionary ----

// Amenities lists the amenity dictionary in display order (inactive ones
// too; callers filter).
func (s *Store) Amenities(ctx context.Context) ([]model.Amenity, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT id, code, name, name_en, position, active FROM amenities ORDER BY position, id")
	if err != nil {
		return nil, fmt.Errorf("store: amenities: %w", err)
	}
	defer rows.Close()
	var out []model.Amenity
	for rows.Next() {
		var a model.Amenity
		if err := rows.Scan(&a.ID, &a.Code, &a.Name, &a.NameEn, &a.Position, &a.Active); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// MaxAmenities bounds the dictionary: each amenity is one bit of a station's
// amenity mask, which the finder filters on.
const MaxAmenities = 62

// SaveAmenity creates (id 0) or edits an amenity. Amenities are never
// deleted, only deactivated, so a bit is never reused.
func (s *Store) SaveAmenity(ctx context.Context, actor *model.Actor, a model.Amenity) (model.Amenity, error) {
	var v model.Validation
	checkCodeName(&v, &a.Code, &a.Name, 20)
	textField(&v, "name_en", &a.NameEn, 40, false)
	if err := v.Err(); err != nil {
		return a, err
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		action := "amenity.update"
		if a.ID == 0 {
			action = "amenity.create"
			var n int64
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM amenities").Scan(&n); err != nil {
				return err
			}
			if n >= MaxAmenities {
				return model.Errorf(model.ECONFLICT, "amenity.full", MaxAmenities)
			}
			a.ID = n + 1
			if a.Position == 0 {
				a.Position = int(a.ID)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO amenities (id, code, name, name_en, position, active) VALUES ($1, $2, $3, $4, $5, $6)",
				a.ID, a.Code, a.Name, a.NameEn, a.Position, a.Active); err != nil {
				return dupField(s.dialect.classify(err), "code", "amenity.duplicate")
			}
		} else {
			res, err := tx.ExecContext(ctx, "UPDATE amenities SET code = $1, name = $2, name_en = $3, position = $4, active = $5 WHERE id = $6",
				a.Code, a.Name, a.NameEn, a.Position, a.Active, a.ID)
			if err != nil {
				return dupField(s.dialect.classify(err), "code", "amenity.duplicate")
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return model.Errorf(model.ENOTFOUND, "error.not_found.amenity")
			}
		}
		if err := bumpStationsRev(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: action, Entity: "amenity", EntityID: a.ID, After: a})
	})
	if err == nil {
		s.finder().invalidate()
	}
	return a, err
}

func dupField(err error, field, key string) error {
	if isUnique(err) {
		return model.FieldConflict(field, key)
	}
	return err
}

// amenityMask turns amenity codes into the bit mask stored with a station;
// unknown or inactive codes are reported under field.
func amenityMask(v *model.Validation, field string, codes []string, dict []model.Amenity, allowInactive bool) int64 {
	var mask int64
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		i := slices.IndexFunc(dict, func(a model.Amenity) bool { return a.Code == c || a.Name == c })
		if i < 0 || (!dict[i].Active && !allowInactive) {
			v.Add(field, "station.amenity_unknown", c)
			continue
		}
		mask |= 1 << dict[i].ID
	}
	return mask
}

func amenityCodes(mask int64, dict []model.Amenity) []string {
	out := []string{}
	for _, a := range dict {
		if mask&(1<<a.ID) != 0 {
			out = append(out, a.Code)
		}
	}
	return out
}

// ---- the register ----

// StationInput is a station as a form or the API submits it. Hours hold
// one text per weekday (Monday first, model.ParseDay syntax); Closures one
// date per line, optionally followed by the reason ("2026-10-01 国庆").
type StationInput struct {
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	EnterpriseID  int64     `json:"enterprise_id"`
	OrgID         int64     `json:"org_id"`
	Operator      string    `json:"operator"`
	Address       string    `json:"address"`
	Village       string    `json:"village"`
	Lat           *float64  `json:"lat"`
	Lng           *float64  `json:"lng"`
	Hours         [7]string `json:"hours"`
	Closures      string    `json:"closures"`
	Amenities     []string  `json:"amenities"`
	InvestmentWan float64   `json:"investment_wan"`
	OpenedOn      string    `json:"opened_on"`
	Status        string    `json:"status"`
	ClosedReason  string    `json:"closed_reason"`
	KeeperIDs     []int64   `json:"keeper_ids"`
}

type stationRow struct {
	in       StationInput
	hours    model.WeekHours
	closures []model.Closure
	mask     int64
	opened   sql.NullTime
	cell     int64
}

// StationInputOf returns the input that reproduces st (for edit forms).
func StationInputOf(st model.Station, dict []model.Amenity) StationInput {
	lat, lng := st.Lat, st.Lng
	in := StationInput{Code: st.Code, Name: st.Name, EnterpriseID: st.EnterpriseID, OrgID: st.OrgID, Operator: st.Operator,
		Address: st.Address, Village: st.Village, Lat: &lat, Lng: &lng, Hours: st.HoursText, Amenities: st.Amenities,
		InvestmentWan: st.InvestmentWan, Status: st.Status, ClosedReason: st.ClosedReason, KeeperIDs: st.KeeperIDs}
	if st.OpenedOn != nil {
		in.OpenedOn = st.OpenedOn.Format("2006-01-02")
	}
	var b strings.Builder
	for _, c := range st.Closures {
		b.WriteString(c.Day.Format("2006-01-02"))
		if c.Reason != "" {
			b.WriteString(" " + c.Reason)
		}
		b.WriteString("\n")
	}
	in.Closures = strings.TrimSpace(b.String())
	return in
}

func (s *Store) validateStation(ctx context.Context, q queryer, in StationInput) (stationRow, error) {
	var v model.Validation
	r := stationRow{}
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	if in.Code == "" {
		v.Add("code", "field.required")
	} else if !validCode(in.Code) {
		v.Add("code", "field.code_format")
	}
	textField(&v, "name", &in.Name, 60, true)
	textField(&v, "operator", &in.Operator, 100, false)
	textField(&v, "address", &in.Address, 200, false)
	textField(&v, "village", &in.Village, 40, true)
	textField(&v, "closed_reason", &in.ClosedReason, 200, false)
	switch {
	case in.Lat == nil || math.IsNaN(*in.Lat):
		v.Add("lat", "field.required")
	case *in.Lat < -90 || *in.Lat > 90:
		v.Add("lat", "field.range_float", -90, 90)
	}
	switch {
	case in.Lng == nil || math.IsNaN(*in.Lng):
		v.Add("lng", "field.required")
	case *in.Lng < -180 || *in.Lng > 180:
		v.Add("lng", "field.range_float", -180, 180)
	}
	if in.InvestmentWan < 0 || in.InvestmentWan > 100000 || math.IsNaN(in.InvestmentWan) {
		v.Add("investment_wan", "field.range_float", 0, 100000)
	}
	in.InvestmentWan = math.Round(in.InvestmentWan*100) / 100
	if in.Status == "" {
		in.Status = model.StationOpen
	}
	in.Status = oneOf(&v, "status", in.Status, model.StationStatuses, true)
	if in.Status == model.StationClosed && in.ClosedReason == "" {
		v.Add("closed_reason", "station.reason_required")
	}
	if in.Status == model.StationOpen {
		in.ClosedReason = ""
	}
	now := s.now()
	if d := optDate(&v, "opened_on", in.OpenedOn, now); d != nil {
		r.opened = sql.NullTime{Time: *d, Valid: true}
	}
	r.hours = model.ParseWeek(in.Hours, &v)
	for i := range in.Hours {
		in.Hours[i] = model.FormatDay(r.hours[i])
	}
	r.closures = parseClosures(&v, in.Closures)
	dict, err := s.Amenities(ctx)
	if err != nil {
		return r, err
	}
	r.mask = amenityMask(&v, "amenities", in.Amenities, dict, false)
	in.Amenities = amenityCodes(r.mask, dict)
	if in.EnterpriseID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises WHERE id = $1 AND deleted_at IS NULL", in.EnterpriseID).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			v.Add("enterprise_id", "field.unknown")
		}
	}
	if in.OrgID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations WHERE id = $1", in.OrgID).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			v.Add("org_id", "field.unknown")
		}
	}
	if in.EnterpriseID == 0 && in.OrgID == 0 && in.Operator == "" {
		v.Add("operator", "station.operator_required")
	}
	slices.Sort(in.KeeperIDs)
	in.KeeperIDs = slices.Compact(in.KeeperIDs)
	if len(in.KeeperIDs) > 0 {
		args := []any{string(model.RoleStationKeeper)}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE role = $1 AND id "+inList(in.KeeperIDs, &args), args...).Scan(&n); err != nil {
			return r, err
		}
		if n != len(in.KeeperIDs) {
			v.Add("keeper_ids", "station.keeper_unknown")
		}
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	row, col := geo.CellOf(geo.Point{Lat: *in.Lat, Lng: *in.Lng})
	r.cell = geo.CellKey(row, col)
	r.in = in
	return r, nil
}

// parseClosures reads closure dates, one per line: "2026-10-01 国庆闭站".
func parseClosures(v *model.Validation, s string) []model.Closure {
	var out []model.Closure
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		day, reason, _ := strings.Cut(line, " ")
		d, err := time.Parse("2006-01-02", day)
		if err != nil {
			v.Add("closures", "station.closure_format", line)
			continue
		}
		reason = strings.TrimSpace(reason)
		if len([]rune(reason)) > 100 {
			v.Add("closures", "field.too_long", 100)
			continue
		}
		if seen[day] {
			continue
		}
		seen[day] = true
		out = append(out, model.Closure{Day: d, Reason: reason})
	}
	if len(out) > 400 {
		v.Add("closures", "station.closures_many", 400)
	}
	slices.SortFunc(out, func(a, b model.Closure) int { return a.Day.Compare(b.Day) })
	return out
}

func (r stationRow) audit() StationInput { return r.in }

func bumpStationsRev(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE settings SET value = $1 WHERE key = 'stations_rev'",
		strconv.FormatInt(tx.now.UnixNano(), 36)+"-"+strconv.FormatInt(time.Now().UnixNano()%1e6, 36))
	return err
}

func writeStationChildren(ctx context.Context, tx *Tx, id int64, r stationRow, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, "DELETE FROM station_closures WHERE station_id = $1", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM station_keepers WHERE station_id = $1", id); err != nil {
			return err
		}
	}
	for _, c := range r.closures {
		if _, err := tx.ExecContext(ctx, "INSERT INTO station_closures (station_id, day, reason) VALUES ($1, $2, $3)", id, c.Day, c.Reason); err != nil {
			return fmt.Errorf("store: station closures: %w", err)
		}
	}
	for _, u := range r.in.KeeperIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO station_keepers (user_id, station_id) VALUES ($1, $2)", u, id); err != nil {
			return fmt.Errorf("store: station keepers: %w", err)
		}
	}
	return bumpStationsRev(ctx, tx)
}

// CreateStation registers a station.
func (s *Store) CreateStation(ctx context.Context, actor *model.Actor, in StationInput) (model.Station, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := s.validateStation(ctx, tx, in)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO stations (code, name, sort_key, enterprise_id, org_id, operator, address, village,
			lat, lng, cell, hours, amenity_mask, investment_wan, opened_on, status, closed_reason, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, 1) RETURNING id`,
			r.in.Code, r.in.Name, textkey.SortKey(r.in.Name), nullID(r.in.EnterpriseID), nullID(r.in.OrgID), r.in.Operator, r.in.Address,
			r.in.Village, *r.in.Lat, *r.in.Lng, r.cell, model.EncodeHours(r.hours), r.mask, r.in.InvestmentWan, r.opened,
			r.in.Status, r.in.ClosedReason, tx.now).Scan(&id)
		if err != nil {
			return dupField(s.dialect.classify(err), "code", "station.duplicate_code")
		}
		if err := writeStationChildren(ctx, tx, id, r, false); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.create", Entity: "station", EntityID: id, After: r.audit()})
	})
	if err != nil {
		return model.Station{}, err
	}
	s.finder().invalidate()
	return s.Station(ctx, model.System, id)
}

// UpdateStation edits a station with optimistic locking.
func (s *Store) UpdateStation(ctx context.Context, actor *model.Actor, id int64, in StationInput, version int) (model.Station, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.station(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		r, err := s.validateStation(ctx, tx, in)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE stations SET code = $1, name = $2, sort_key = $3, enterprise_id = $4, org_id = $5,
			operator = $6, address = $7, village = $8, lat = $9, lng = $10, cell = $11, hours = $12, amenity_mask = $13,
			investment_wan = $14, opened_on = $15, status = $16, closed_reason = $17, updated_at = $18, version = version + 1
			WHERE id = $19 AND version = $20`,
			r.in.Code, r.in.Name, textkey.SortKey(r.in.Name), nullID(r.in.EnterpriseID), nullID(r.in.OrgID), r.in.Operator, r.in.Address,
			r.in.Village, *r.in.Lat, *r.in.Lng, r.cell, model.EncodeHours(r.hours), r.mask, r.in.InvestmentWan, r.opened,
			r.in.Status, r.in.ClosedReason, tx.now, id, version)
		if err != nil {
			return dupField(s.dialect.classify(err), "code", "station.duplicate_code")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if err := writeStationChildren(ctx, tx, id, r, true); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.update", Entity: "station", EntityID: id,
			Before: StationInputOf(old, nil), After: r.audit()})
	})
	if err != nil {
		return model.Station{}, err
	}
	s.finder().invalidate()
	return s.Station(ctx, model.System, id)
}

const stationCols = `st.id, st.code, st.name, COALESCE(st.enterprise_id, 0), COALESCE(e.name, ''), COALESCE(st.org_id, 0),
	COALESCE(o.name, ''), st.operator, st.address, st.village, st.lat, st.lng, st.hours, st.amenity_mask, st.investment_wan,
	st.opened_on, st.status, st.closed_reason, st.rating_sum, st.rating_count, st.created_at, st.updated_at, st.version`

const stationFrom = ` FROM stations st LEFT JOIN enterprises e ON e.id = st.enterprise_id LEFT JOIN organizations o ON o.id = st.org_id`

func scanStation(sc interface{ Scan(...any) error }, dict []model.Amenity, extra ...any) (model.Station, error) {
	var st model.Station
	var hours string
	var mask int64
	var opened sql.NullTime
	err := sc.Scan(append([]any{&st.ID, &st.Code, &st.Name, &st.EnterpriseID, &st.EnterpriseName, &st.OrgID, &st.OrgName,
		&st.Operator, &st.Address, &st.Village, &st.Lat, &st.Lng, &hours, &mask, &st.InvestmentWan, &opened, &st.Status,
		&st.ClosedReason, &st.RatingSum, &st.RatingCount, &st.CreatedAt, &st.UpdatedAt, &st.Version}, extra...)...)
	if err != nil {
		return st, err
	}
	st.Hours, st.HoursText = decodeHours(hours)
	st.Amenities = amenityCodes(mask, dict)
	if opened.Valid {
		t := opened.Time.UTC()
		st.OpenedOn = &t
	}
	st.CreatedAt, st.UpdatedAt = st.CreatedAt.UTC(), st.UpdatedAt.UTC()
	if st.Operator == "" {
		st.Operator = st.EnterpriseName
	}
	return st, nil
}

type decodedHours struct {
	h    model.WeekHours
	text [7]string
}

// hoursCache keeps decoded opening hours by their stored text: stations
// share a handful of schedules, and the finder's snapshot decodes them all.
var hoursCache sync.Map // string → decodedHours

func decodeHours(s string) (model.WeekHours, [7]string) {
	if d, ok := hoursCache.Load(s); ok {
		d := d.(decodedHours)
		return d.h, d.text
	}
	var d decodedHours
	d.h = model.DecodeHours(s)
	for i := range d.h {
		d.text[i] = model.FormatDay(d.h[i])
	}
	if len(s) < 200 {
		hoursCache.Store(s, d)
	}
	return d.h, d.text
}

// stationScopeSQL restricts stations (alias st) to what the actor may see
// in the desk: station keepers their own stations, everyone else all (the
// register is public information).
func stationScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Role == model.RoleStationKeeper && !actor.Scope.All {
		return "st.id " + inList(actor.Scope.StationIDs, args)
	}
	return "TRUE"
}

// Station returns one station in the actor's scope with its closures,
// photos and keepers.
func (s *Store) Station(ctx context.Context, actor *model.Actor, id int64) (model.Station, error) {
	return s.station(ctx, s.R, actor, id)
}

func (s *Store) station(ctx context.Context, q queryer, actor *model.Actor, id int64) (model.Station, error) {
	dict, err := s.Amenities(ctx)
	if err != nil {
		return model.Station{}, err
	}
	args := []any{id}
	st, err := scanStation(q.QueryRowContext(ctx, "SELECT "+stationCols+stationFrom+" WHERE st.id = $1 AND "+stationScopeSQL(actor, &args), args...), dict)
	if err != nil {
		return st, notFound(err, "station")
	}
	st.Closures, err = stationClosures(ctx, q, id)
	if err != nil {
		return st, err
	}
	st.PhotoIDs, err = int64List(ctx, q, "SELECT id FROM station_photos WHERE station_id = $1 ORDER BY id", id)
	if err != nil {
		return st, err
	}
	st.KeeperIDs, err = int64List(ctx, q, "SELECT user_id FROM station_keepers WHERE station_id = $1 ORDER BY user_id", id)
	return st, err
}

func stationClosures(ctx context.Context, q queryer, id int64) ([]model.Closure, error) {
	rows, err := q.QueryContext(ctx, "SELECT day, reason FROM station_closures WHERE station_id = $1 ORDER BY day", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.Closure{}
	for rows.Next() {
		var c model.Closure
		if err := rows.Scan(&c.Day, &c.Reason); err != nil {
			return nil, err
		}
		c.Day = c.Day.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

func int64List(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// StationFilter selects stations for the desk list.
type StationFilter struct {
	Keyword string
	Village string
	Status  string
	Cursor  string
	Limit   int
}

// ListStations pages through the register in pinyin order of the name.
func (s *Store) ListStations(ctx context.Context, actor *model.Actor, f StationFilter) (items []model.Station, next, prev string, err error) {
	dict, err := s.Amenities(ctx)
	if err != nil {
		return nil, "", "", err
	}
	var args []any
	where := []string{stationScopeSQL(actor, &args)}
	if f.Village != "" {
		args = append(args, f.Village)
		where = append(where, fmt.Sprintf("st.village = $%d", len(args)))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("st.status = $%d", len(args)))
	}
	if kw := strings.TrimSpace(f.Keyword); kw != "" {
		args = append(args, "%"+likeEscape(kw)+"%")
		where = append(where, fmt.Sprintf("(st.name LIKE $%d ESCAPE '\\' OR st.code LIKE $%d ESCAPE '\\' OR st.address LIKE $%d ESCAPE '\\')",
			len(args), len(args), len(args)))
	}
	return keysetPage(ctx, s, keysetQuery{Select: "SELECT " + stationCols + ", st.sort_key" + stationFrom, Where: where, Args: args,
		KeyCol: "st.sort_key", KeyKind: 'b', Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Station, []byte, int64, error) {
			var key []byte
			st, err := scanStation(rows, dict, &key)
			return st, key, st.ID, err
		})
}

// Villages lists the villages and streets that have stations, with the
// centre of their stations (the finder's fallback when location is refused).
func (s *Store) Villages(ctx context.Context) ([]model.Village, error) {
	sn, err := s.stationSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	return sn.villages, nil
}

// ---- photos ----

// Photo types accepted, by their sniffed content type.
var photoTypes = []string{"image/jpeg", "image/png", "image/webp"}

// MaxPhotoBytes bounds one photo.
const MaxPhotoBytes = 2 << 20

// AddStationPhoto stores a photo of a station.
func (s *Store) AddStationPhoto(ctx context.Context, actor *model.Actor, stationID int64, contentType string, data []byte) (int64, error) {
	if !slices.Contains(photoTypes, contentType) {
		return 0, model.FieldConflict("photo", "station.photo_type")
	}
	if len(data) == 0 || len(data) > MaxPhotoBytes {
		return 0, model.FieldConflict("photo", "station.photo_size", MaxPhotoBytes>>20)
	}
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := s.station(ctx, tx, actor, stationID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM station_photos WHERE station_id = $1", stationID).Scan(&n); err != nil {
			return err
		}
		if n >= 12 {
			return model.FieldConflict("photo", "station.photo_many", 12)
		}
		if err := tx.QueryRowContext(ctx, "INSERT INTO station_photos (station_id, content_type, data, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			stationID, contentType, data, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("store: station photo: %w", err)
		}
		if err := bumpStationsRev(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.photo_add", Entity: "station", EntityID: stationID,
			After: map[string]any{"photo_id": id, "bytes": len(data), "type": contentType}})
	})
	if err == nil {
		s.finder().invalidate()
	}
	return id, err
}

// DeleteStationPhoto removes a photo.
func (s *Store) DeleteStationPhoto(ctx context.Context, actor *model.Actor, stationID, photoID int64) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM station_photos WHERE id = $1 AND station_id = $2", photoID, stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ENOTFOUND, "error.not_found.photo")
		}
		if err := bumpStationsRev(ctx, tx); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "station.photo_delete", Entity: "station", EntityID: stationID,
			Before: map[string]any{"photo_id": photoID}})
	})
	if err == nil {
		s.finder().invalidate()
	}
	return err
}

// StationPhoto returns a photo (public: photos show the station, no person).
func (s *Store) StationPhoto(ctx context.Context, stationID, photoID int64) (contentType string, data []byte, err error) {
	err = s.R.QueryRowContext(ctx, "SELECT content_type, data FROM station_photos WHERE id = $1 AND station_id = $2", photoID, stationID).
		Scan(&contentType, &data)
	return contentType, data, notFound(err, "photo")
}

// StationKeeperIDs returns the stations a keeper runs (scope resolution).
func (s *Store) stationKeeperIDs(ctx context.Context, userID int64) ([]int64, error) {
	return int64List(ctx, s.R, "SELECT station_id FROM station_keepers WHERE user_id = $1 ORDER BY station_id", userID)
}

func isUnique(err error) bool { return errors.Is(err, errUnique) }

// BulkLoadStations inserts generated stations in batches (benchmark data
// sets: `redgrid gen --stations`). Rows are checked as the register checks
// them; each batch commits with one audit entry naming its size and codes.
func (s *Store) BulkLoadStations(ctx context.Context, actor *model.Actor, rows []StationInput, progress func(done int)) error {
	dict, err := s.Amenities(ctx)
	if err != nil {
		return err
	}
	const batch = 2000
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		err := s.InTx(ctx, func(tx *Tx) error {
			for _, in := range rows[start:end] {
				var v model.Validation
				h := model.ParseWeek(in.Hours, &v)
				mask := amenityMask(&v, "amenities", in.Amenities, dict, false)
				if in.Lat == nil || in.Lng == nil || !(geo.Point{Lat: *in.Lat, Lng: *in.Lng}).Valid() {
					v.Add("lat", "field.required")
				}
				if err := v.Err(); err != nil {
					return fmt.Errorf("store: bulk station %s: %w", in.Code, err)
				}
				row, col := geo.CellOf(geo.Point{Lat: *in.Lat, Lng: *in.Lng})
				status := in.Status
				if status == "" {
					status = model.StationOpen
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO stations (code, name, sort_key, operator, address, village, lat, lng, cell,
					hours, amenity_mask, investment_wan, status, closed_reason, created_at, updated_at, version)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
					in.Code, in.Name, textkey.SortKey(in.Name), in.Operator, in.Address, in.Village, *in.Lat, *in.Lng,
					geo.CellKey(row, col), model.EncodeHours(h), mask, in.InvestmentWan, status, in.ClosedReason, tx.now); err != nil {
					return fmt.Errorf("store: bulk station %s: %w", in.Code, s.dialect.classify(err))
				}
			}
			if err := bumpStationsRev(ctx, tx); err != nil {
				return err
			}
			return tx.Audit(ctx, actor, Change{Action: "station.bulk_load", Entity: "station",
				After: map[string]any{"rows": end - start, "first": rows[start].Code, "last": rows[end-1].Code}})
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(end)
		}
	}
	s.finder().invalidate()
	return nil
}
