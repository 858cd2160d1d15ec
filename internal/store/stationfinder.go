package store

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/textkey"
)

// The public finder answers "the nearest open stations with what I need"
// from an in-memory snapshot of the register, indexed by geo cells (0.02°
// squares): a query visits the rings of cells around the point, nearest
// first, and stops as soon as no cell further out can hold a nearer station,
// so it never looks at every station. The snapshot is rebuilt when the
// register changes: writes in this process mark it stale at once, and every
// process compares the stations_rev setting (bumped in each write's
// transaction) at most once a second, so a write made by another process
// shows within a second.

type stationSnap struct {
	rev      string
	stations []model.Station
	masks    []int64
	photo    []int64 // first photo id per station, 0 for none
	// The index: entries grouped by cell, contiguous, so that a search reads
	// coordinates and masks without touching the stations themselves.
	entries  []cellEntry
	cells    map[int64][2]int32 // cell key → [start, end) in entries
	villages []model.Village
	dict     []model.Amenity
}

type cellEntry struct {
	lat, lng float64
	mask     int64
	i        int32 // index into stations
}

type stationFinder struct {
	mu      sync.Mutex // held while checking or loading
	snap    atomic.Pointer[stationSnap]
	checked atomic.Int64 // wall-clock nanoseconds of the last rev check
	stale   atomic.Bool
}

// revCheckEvery bounds how often a process asks the database whether the
// register changed.
const revCheckEvery = time.Second

func (s *Store) finder() *stationFinder { return &s.sf }

func (f *stationFinder) invalidate() { f.stale.Store(true) }

// InvalidateStations marks the finder's snapshot stale (after bulk loads).
func (s *Store) InvalidateStations() { s.finder().invalidate() }

func (s *Store) stationSnapshot(ctx context.Context) (*stationSnap, error) {
	f := s.finder()
	sn := f.snap.Load()
	if sn != nil && !f.stale.Load() && time.Now().UnixNano()-f.checked.Load() < int64(revCheckEvery) {
		return sn, nil
	}
	if sn != nil && !f.stale.Load() {
		// Someone else is checking or loading: serve the current snapshot.
		if !f.mu.TryLock() {
			return sn, nil
		}
	} else {
		f.mu.Lock()
	}
	defer f.mu.Unlock()
	if cur := f.snap.Load(); cur != sn && cur != nil && !f.stale.Load() {
		return cur, nil
	}
	var rev string
	if err := s.readRow(ctx, "SELECT value FROM settings WHERE key = 'stations_rev'").Scan(&rev); err != nil {
		return nil, fmt.Errorf("store: stations rev: %w", err)
	}
	f.checked.Store(time.Now().UnixNano())
	if sn != nil && sn.rev == rev && !f.stale.Load() {
		return sn, nil
	}
	f.stale.Store(false)
	next, err := s.loadStationSnap(ctx, rev)
	if err != nil {
		f.stale.Store(true)
		return nil, err
	}
	f.snap.Store(next)
	return next, nil
}

func (s *Store) loadStationSnap(ctx context.Context, rev string) (*stationSnap, error) {
	dict, err := s.Amenities(ctx)
	if err != nil {
		return nil, err
	}
	sn := &stationSnap{rev: rev, cells: map[int64][2]int32{}, dict: dict}
	var keys []int64
	rows, err := s.R.QueryContext(ctx, "SELECT "+stationCols+", st.amenity_mask"+stationFrom+" ORDER BY st.id")
	if err != nil {
		return nil, fmt.Errorf("store: load stations: %w", err)
	}
	defer rows.Close()
	index := map[int64]int32{}
	for rows.Next() {
		var mask int64
		st, err := scanStation(rows, dict, &mask)
		if err != nil {
			return nil, err
		}
		row, col := geo.CellOf(geo.Point{Lat: st.Lat, Lng: st.Lng})
		i := int32(len(sn.stations))
		keys = append(keys, geo.CellKey(row, col))
		index[st.ID] = i
		sn.stations = append(sn.stations, st)
		sn.masks = append(sn.masks, mask)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	order := make([]int32, len(sn.stations))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if keys[a] != keys[b] {
			if keys[a] < keys[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	sn.entries = make([]cellEntry, len(order))
	for j, i := range order {
		st := &sn.stations[i]
		sn.entries[j] = cellEntry{lat: st.Lat, lng: st.Lng, mask: sn.masks[i], i: i}
		r := sn.cells[keys[i]]
		if r[1] == 0 {
			r[0] = int32(j)
		}
		r[1] = int32(j + 1)
		sn.cells[keys[i]] = r
	}
	sn.photo = make([]int64, len(sn.stations))
	// Closures from the day before yesterday on (older ones cannot affect
	// "open now"); a day of margin for time zones.
	from := civilDate(s.now()).AddDate(0, 0, -2)
	crow, err := s.R.QueryContext(ctx, "SELECT station_id, day, reason FROM station_closures WHERE day >= $1 ORDER BY station_id, day", from)
	if err != nil {
		return nil, err
	}
	defer crow.Close()
	for crow.Next() {
		var id int64
		var c model.Closure
		if err := crow.Scan(&id, &c.Day, &c.Reason); err != nil {
			return nil, err
		}
		c.Day = c.Day.UTC()
		if i, ok := index[id]; ok {
			sn.stations[i].Closures = append(sn.stations[i].Closures, c)
		}
	}
	if err := crow.Err(); err != nil {
		return nil, err
	}
	prow, err := s.R.QueryContext(ctx, "SELECT station_id, MIN(id) FROM station_photos GROUP BY station_id")
	if err != nil {
		return nil, err
	}
	defer prow.Close()
	for prow.Next() {
		var id, pid int64
		if err := prow.Scan(&id, &pid); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			sn.photo[i] = pid
			sn.stations[i].PhotoIDs = []int64{pid}
		}
	}
	if err := prow.Err(); err != nil {
		return nil, err
	}
	// Villages: the centre of their stations.
	type acc struct {
		lat, lng float64
		n        int
	}
	vs := map[string]*acc{}
	for _, st := range sn.stations {
		a := vs[st.Village]
		if a == nil {
			a = &acc{}
			vs[st.Village] = a
		}
		a.lat += st.Lat
		a.lng += st.Lng
		a.n++
	}
	for name, a := range vs {
		sn.villages = append(sn.villages, model.Village{Name: name, Lat: a.lat / float64(a.n), Lng: a.lng / float64(a.n), Stations: a.n})
	}
	vkeys := make(map[string][]byte, len(sn.villages))
	for _, v := range sn.villages {
		vkeys[v.Name] = textkey.SortKey(v.Name)
	}
	slices.SortFunc(sn.villages, func(a, b model.Village) int { return bytes.Compare(vkeys[a.Name], vkeys[b.Name]) })
	return sn, nil
}

// NearQuery asks for the nearest stations.
type NearQuery struct {
	Point     geo.Point
	Amenities []string // codes; all must be present
	OpenNow   bool
	Limit     int
	RadiusM   float64 // 0: rules.StationsNearRadiusKm
	At        time.Time
	Loc       *time.Location
}

// NearHit is one station found, with its distance in metres.
type NearHit struct {
	Station  *model.Station
	Distance float64
	Open     bool
	PhotoID  int64
}

// NearestStations returns the nearest stations to q.Point, nearest first.
// Unknown amenity codes are a field error on "amenity". The stations are
// shared with other readers: callers must not modify them.
func (s *Store) NearestStations(ctx context.Context, q NearQuery) ([]NearHit, error) {
	sn, err := s.stationSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	var v model.Validation
	mask := amenityMask(&v, "amenity", q.Amenities, sn.dict, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = rules.StationsNearDefault
	}
	q.Limit = min(q.Limit, rules.StationsNearMax)
	if q.RadiusM <= 0 {
		q.RadiusM = rules.StationsNearRadiusKm * 1000
	}
	if q.Loc == nil {
		q.Loc = rules.Location()
	}
	return sn.nearest(q, mask), nil
}

func (sn *stationSnap) nearest(q NearQuery, mask int64) []NearHit {
	best := make([]NearHit, 0, q.Limit+1)
	moment := model.MomentOf(q.At, q.Loc)
	row, col := geo.CellOf(q.Point)
	// A flat-earth distance rejects most candidates without trigonometry.
	// It must never exceed the great-circle distance: a degree of longitude
	// is taken as narrow as half a degree poleward of the query (a station
	// further away in latitude is beyond the radius anyway), and the whole
	// is shrunk by 0.5 % for the curvature the flat earth ignores.
	perDeg := geo.EarthRadius * math.Pi / 180
	kLng := perDeg * math.Cos(math.Min(89.9, math.Abs(q.Point.Lat)+0.5)*math.Pi/180)
	consider := func(e *cellEntry) {
		if e.mask&mask != mask {
			return
		}
		dy, dx := (e.lat-q.Point.Lat)*perDeg, (e.lng-q.Point.Lng)*kLng
		approx := math.Sqrt(dx*dx+dy*dy) * 0.995
		if approx > q.RadiusM || (len(best) == q.Limit && approx >= best[len(best)-1].Distance) {
			return
		}
		st := &sn.stations[e.i]
		d := geo.Distance(q.Point, geo.Point{Lat: e.lat, Lng: e.lng})
		if d > q.RadiusM || (len(best) == q.Limit && d >= best[len(best)-1].Distance) {
			return
		}
		open := st.OpenIn(moment)
		if q.OpenNow && !open {
			return
		}
		h := NearHit{Station: st, Distance: d, Open: open, PhotoID: sn.photo[e.i]}
		at, _ := slices.BinarySearchFunc(best, h, func(a, b NearHit) int {
			if a.Distance != b.Distance {
				if a.Distance < b.Distance {
					return -1
				}
				return 1
			}
			return int(a.Station.ID - b.Station.ID)
		})
		best = slices.Insert(best, at, h)
		if len(best) > q.Limit {
			best = best[:q.Limit]
		}
	}
	visit := func(r, c int32) {
		rg, ok := sn.cells[geo.CellKey(r, c)]
		if !ok {
			return
		}
		for j := rg[0]; j < rg[1]; j++ {
			consider(&sn.entries[j])
		}
	}
	// maxRings bounds the work of a query far from every station or near a
	// pole, where cells narrow: 120 rings reach 50 km up to 60° latitude.
	for k := int32(0); k <= maxRings; k++ {
		if k == 0 {
			visit(row, col)
		} else {
			for c := col - k; c <= col+k; c++ {
				visit(row-k, c)
				visit(row+k, c)
			}
			for r := row - k + 1; r <= row+k-1; r++ {
				visit(r, col-k)
				visit(r, col+k)
			}
		}
		bound := geo.MinDistanceToRing(q.Point, int(k))
		if len(best) == q.Limit && best[len(best)-1].Distance <= bound {
			break
		}
		if bound > q.RadiusM || math.IsNaN(bound) {
			break
		}
	}
	return best
}

// maxRings bounds a search's rings of cells.
const maxRings = 120

// StationCount is the number of stations in the finder's snapshot.
func (s *Store) StationCount(ctx context.Context) (int, error) {
	sn, err := s.stationSnapshot(ctx)
	if err != nil {
		return 0, err
	}
	return len(sn.stations), nil
}

// PublicStation returns one station from the snapshot (the public detail
// page), with its first photo.
func (s *Store) PublicStation(ctx context.Context, id int64) (*model.Station, error) {
	sn, err := s.stationSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	i, ok := slices.BinarySearchFunc(sn.stations, id, func(st model.Station, id int64) int { return int(st.ID - id) })
	if !ok {
		return nil, model.Errorf(model.ENOTFOUND, "error.not_found.station")
	}
	return &sn.stations[i], nil
}

// VillageCentre returns the centre of a village's stations.
func (s *Store) VillageCentre(ctx context.Context, name string) (model.Village, bool, error) {
	vs, err := s.Villages(ctx)
	if err != nil {
		return model.Village{}, false, err
	}
	for _, v := range vs {
		if v.Name == name {
			return v, true, nil
		}
	}
	return model.Village{}, false, nil
}

// AmenityDict returns the snapshot's amenity dictionary (cheap; the
// public pages use it on every request).
func (s *Store) AmenityDict(ctx context.Context) ([]model.Amenity, error) {
	sn, err := s.stationSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	return sn.dict, nil
}
