package store_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// The nearest-stations query at province scale: 100,000 generated stations
// (gen.Stations), points drawn over the same area, ten results, with and
// without filters. The query reads the finder's in-memory cell index, so
// the engine does not matter once the snapshot is loaded; the load itself
// is reported as a separate figure.
//
//	go test ./internal/store -run '^$' -bench NearestStations -benchtime 20000x
//
// Each benchmark reports the 95th percentile of single queries (p95-µs).

var stationBenchStore *store.Store

func setupStationBench(b *testing.B) *store.Store {
	if stationBenchStore != nil {
		return stationBenchStore
	}
	b.Helper()
	// Not storetest.Open: its store closes when the first benchmark ends,
	// and the 100,000 stations are loaded once for all of them.
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "redgrid-bench-stations-")
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "stations.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.Keys = storetest.Keys(b)
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	rows := gen.Stations(1, 100_000)
	t := time.Now()
	if err := s.BulkLoadStations(ctx, model.System, rows, nil); err != nil {
		b.Fatal(err)
	}
	load := time.Since(t)
	t = time.Now()
	if n, err := s.StationCount(ctx); err != nil || n != len(rows) {
		b.Fatalf("%d stations, %v", n, err)
	}
	b.Logf("%s: 100,000 stations inserted in %s, snapshot loaded in %s", s.Engine(), load.Round(time.Millisecond), time.Since(t).Round(time.Millisecond))
	stationBenchStore = s
	return s
}

func benchNearest(b *testing.B, q func(r *rand.Rand) store.NearQuery) {
	s := setupStationBench(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if _, err := s.NearestStations(ctx, q(r)); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds()), "p95-µs")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	}
}

func randomPoint(r *rand.Rand) geo.Point {
	bd := gen.StationBounds
	return geo.Point{Lat: bd.MinLat + r.Float64()*(bd.MaxLat-bd.MinLat), Lng: bd.MinLng + r.Float64()*(bd.MaxLng-bd.MinLng)}
}

var benchAt = time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)

func BenchmarkNearestStations(b *testing.B) {
	benchNearest(b, func(r *rand.Rand) store.NearQuery {
		return store.NearQuery{Point: randomPoint(r), Limit: 10, At: benchAt}
	})
}

func BenchmarkNearestStationsOpenWithCharging(b *testing.B) {
	benchNearest(b, func(r *rand.Rand) store.NearQuery {
		return store.NearQuery{Point: randomPoint(r), Limit: 10, OpenNow: true, Amenities: []string{"charging"}, At: benchAt}
	})
}

// Rare needs force a search over many rings.
func BenchmarkNearestStationsRareNeeds(b *testing.B) {
	benchNearest(b, func(r *rand.Rand) store.NearQuery {
		return store.NearQuery{Point: randomPoint(r), Limit: 50, OpenNow: true,
			Amenities: []string{"charging", "first_aid", "toilet", "wifi", "microwave"}, At: benchAt}
	})
}
