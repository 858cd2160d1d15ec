package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"redgrid/internal/config"
	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/web"
)

// The public stations endpoint through the whole handler chain, in
// process, over 100,000 generated stations (or REDGRID_BENCH_STATIONS_DB, a
// database made by `redgrid gen --stations 100000`).
//
//	go test ./internal/web -run '^$' -bench PublicStations -benchtime 20000x
func BenchmarkPublicStations(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("REDGRID_BENCH_STATIONS_DB")
	if url == "" {
		url = "sqlite:" + filepath.Join(b.TempDir(), "stations.db")
	}
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if n, err := s.StationCount(ctx); err != nil {
		b.Fatal(err)
	} else if n == 0 {
		if err := s.BulkLoadStations(ctx, model.System, gen.Stations(1, 100_000), nil); err != nil {
			b.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.LogLevel = "warn"
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	h := web.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))).Handler()
	r := rand.New(rand.NewPCG(1, 2))
	bd := gen.StationBounds
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	n := 0
	defer func() { b.Logf("%d requests in %s", n, time.Since(t0)) }()
	for b.Loop() {
		n++
		q := fmt.Sprintf("/api/v1/public/stations?lat=%.5f&lng=%.5f&limit=10", bd.MinLat+r.Float64()*(bd.MaxLat-bd.MinLat),
			bd.MinLng+r.Float64()*(bd.MaxLng-bd.MinLng))
		req := httptest.NewRequest("GET", q, nil)
		req.RemoteAddr = "127.0.0.1:1234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", q, w.Code, w.Body.String())
		}
	}
}
