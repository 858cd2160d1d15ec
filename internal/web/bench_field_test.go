package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"redgrid/internal/config"
	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

// Field work through the whole handler chain on a generated set. At
// province scale (12,000,000 visits and problems):
//
//	redgrid gen --db sqlite:/tmp/field.db --enterprises 1000000 --grids 1000 --visits 10000000 --problems 2000000
//	REDGRID_BENCH_FIELD_DB=sqlite:/tmp/field.db go test ./internal/web -run '^$' -bench Field -benchtime 2000x
//
// Without the variable a small set is generated in a temporary directory.

type fieldBench struct {
	h                   http.Handler
	admin, worker, dept string // tokens
	grid                int64
}

var fieldB *fieldBench

func setupFieldBench(b *testing.B) *fieldBench {
	if fieldB != nil {
		return fieldB
	}
	ctx := context.Background()
	url := os.Getenv("REDGRID_BENCH_FIELD_DB")
	generate := url == ""
	if generate {
		dir, err := os.MkdirTemp("", "redgrid-field-bench")
		if err != nil {
			b.Fatal(err)
		}
		url = "sqlite:" + filepath.Join(dir, "field.db")
	}
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if generate {
		if err := gen.Run(ctx, s, gen.Options{Enterprises: 20000, Grids: 100, Seed: 1, Visits: 200000, Problems: 40000}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	// A grid in the middle, and a grid worker of it.
	var grid int64
	if err := s.R.QueryRow("SELECT grid_id FROM enterprises WHERE id = (SELECT MAX(id) / 2 FROM enterprises)").Scan(&grid); err != nil {
		b.Fatal(err)
	}
	token := func(username string, in *store.UserInput) string {
		u, err := s.UserByUsername(ctx, username)
		if err != nil && in != nil {
			u, err = s.CreateUser(ctx, model.System, *in)
		}
		if err != nil {
			b.Fatal(err)
		}
		tok, _, err := s.CreateSession(ctx, u.ID, "api", "127.0.0.1", "bench", "bench", time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		return tok
	}
	fb := &fieldBench{grid: grid}
	fb.admin = token("gen-worker", nil) // an administrator
	fb.dept = token("gen-safety", nil)
	fb.worker = token(fmt.Sprintf("bench-worker-%d", grid), &store.UserInput{Username: fmt.Sprintf("bench-worker-%d", grid),
		Role: model.RoleGridWorker, GridIDs: []int64{grid}, Password: storetest.Password})
	cfg := config.Default()
	_ = cfg.Validate()
	fb.h = web.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	fieldB = fb
	return fb
}

// runAs measures one path for one token: latency percentiles of a serial
// loop, then throughput with 16 concurrent clients.
func (fb *fieldBench) runAs(b *testing.B, token, path string) {
	do := func() int {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.RemoteAddr = "127.0.0.1:9"
		rec := httptest.NewRecorder()
		fb.h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		return rec.Body.Len()
	}
	do()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		do()
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	const clients = 16
	per := max(b.N, 200) / clients
	done := make(chan struct{})
	start := time.Now()
	for range clients {
		go func() {
			for range per {
				do()
			}
			done <- struct{}{}
		}()
	}
	for range clients {
		<-done
	}
	b.ReportMetric(float64(per*clients)/time.Since(start).Seconds(), "req/s")
}

func BenchmarkFieldCoverageGrid(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.worker, fmt.Sprintf("/api/v1/coverage?grid=%d", fb.grid))
}

func BenchmarkFieldCoveragePage(b *testing.B) {
	fb := setupFieldBench(b)
	// The HTML page with the worker's own due list.
	fb.runAs(b, fb.worker, fmt.Sprintf("/coverage?grid=%d", fb.grid))
}

func BenchmarkFieldDepartmentInbox(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.dept, "/api/v1/problems?open=1")
}

func BenchmarkFieldDepartmentInboxPage(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.dept, "/problems")
}

func BenchmarkFieldProblemListAll(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.admin, "/api/v1/problems")
}

func BenchmarkFieldProblemListGrid(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.worker, "/api/v1/problems")
}

func BenchmarkFieldProblemListOverdue(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.admin, "/api/v1/problems?overdue=1")
}

func BenchmarkFieldVisitListGrid(b *testing.B) {
	fb := setupFieldBench(b)
	fb.runAs(b, fb.worker, "/api/v1/visits")
}
