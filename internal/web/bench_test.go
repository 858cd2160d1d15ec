package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"redgrid/internal/config"
	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

// The benchmarks run the full handler chain (session lookup, scope, store,
// JSON) in process against a generated data set. Point REDGRID_BENCH_DB at a
// database made by `redgrid gen --enterprises 1000000` to measure at scale;
// otherwise a 20,000-enterprise SQLite set is generated in a temp dir.
//
//	go run ./cmd/redgrid gen --db sqlite:/tmp/bench.db --enterprises 1000000
//	REDGRID_BENCH_DB=sqlite:/tmp/bench.db go test ./internal/web -run '^$' -bench Enterprise -benchtime 3000x

type benchEnv struct {
	h       http.Handler
	token   string
	gridID  int64
	indID   int64
	keyword string
	deep    string // a cursor far into the list
	id      int64
}

var (
	benchOnce sync.Once
	bench     *benchEnv
	benchErr  error
)

func setupBench(b *testing.B) *benchEnv {
	benchOnce.Do(func() { bench, benchErr = buildBench() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func buildBench() (*benchEnv, error) {
	ctx := context.Background()
	dbURL := os.Getenv("REDGRID_BENCH_DB")
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "redgrid-bench")
		if err != nil {
			return nil, err
		}
		dbURL = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	s, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := s.SeedDictionaries(ctx); err != nil {
		return nil, err
	}
	if empty, _ := s.IsEmpty(ctx); empty {
		if err := gen.Run(ctx, s, gen.Options{Enterprises: 20000, Grids: 100, Seed: 1}, io.Discard); err != nil {
			return nil, err
		}
	}
	u, err := s.UserByUsername(ctx, "bench")
	if err != nil {
		if u, err = s.CreateUser(ctx, model.System, store.UserInput{Username: "bench", Role: model.RoleAdmin, Password: storetest.Password}); err != nil {
			return nil, err
		}
	}
	tok, _, err := s.CreateSession(ctx, u.ID, "api", "127.0.0.1", "bench", "bench", time.Hour)
	if err != nil {
		return nil, err
	}
	cfg := config.Default()
	_ = cfg.Validate()
	h := web.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	be := &benchEnv{h: h, token: tok}
	// Pick the filter values from the data: the grid and industry of a
	// mid-list enterprise, and two characters of its name as the keyword.
	var resp struct {
		Items []model.Enterprise `json:"items"`
		Next  string             `json:"next_cursor"`
	}
	cursor := ""
	for i := 0; i < 50; i++ { // walk 50 pages of 200 → a deep cursor
		q := "/api/v1/enterprises?limit=200"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		rec := be.do(q)
		if rec.Code != 200 {
			return nil, fmt.Errorf("list: %d %s", rec.Code, rec.Body.String())
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			return nil, err
		}
		if resp.Next == "" {
			break
		}
		cursor = resp.Next
	}
	be.deep = cursor
	e := resp.Items[len(resp.Items)/2]
	be.gridID, be.indID, be.id = e.GridID, e.IndustryID, e.ID
	r := []rune(strings.TrimPrefix(e.Name, "永康市"))
	be.keyword = string(r[:2])
	return be, nil
}

func (be *benchEnv) do(path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+be.token)
	req.RemoteAddr = "127.0.0.1:9"
	rec := httptest.NewRecorder()
	be.h.ServeHTTP(rec, req)
	return rec
}

// run measures one request path: per-request latency percentiles from a
// serial loop, then throughput with GOMAXPROCS×8 concurrent clients.
func run(b *testing.B, path string) {
	be := setupBench(b)
	if rec := be.do(path); rec.Code != 200 {
		b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rec := be.do(path)
		lat = append(lat, time.Since(t0))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	// Throughput under concurrency.
	const clients = 16
	n := max(b.N, 200)
	var wg sync.WaitGroup
	start := time.Now()
	per := n / clients
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				be.do(path)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*clients)/time.Since(start).Seconds(), "req/s")
}

func BenchmarkEnterpriseListFirstPage(b *testing.B) {
	be := setupBench(b)
	run(b, fmt.Sprintf("/api/v1/enterprises?grid=%d&industry=%d", be.gridID, be.indID))
}

func BenchmarkEnterpriseListKeyword(b *testing.B) {
	be := setupBench(b)
	run(b, fmt.Sprintf("/api/v1/enterprises?grid=%d&industry=%d&q=%s", be.gridID, be.indID, url.QueryEscape(be.keyword)))
}

func BenchmarkEnterpriseListKeywordOnly(b *testing.B) {
	be := setupBench(b)
	run(b, "/api/v1/enterprises?q="+url.QueryEscape(be.keyword))
}

func BenchmarkEnterpriseListDeepPage(b *testing.B) {
	be := setupBench(b)
	run(b, "/api/v1/enterprises?cursor="+be.deep)
}

func BenchmarkEnterpriseDetail(b *testing.B) {
	be := setupBench(b)
	run(b, fmt.Sprintf("/api/v1/enterprises/%d", be.id))
}

func BenchmarkEnterpriseListPage(b *testing.B) {
	be := setupBench(b)
	// The HTML list page, with the capped total, as a desk user sees it.
	run(b, fmt.Sprintf("/enterprises?grid=%d&industry=%d", be.gridID, be.indID))
}
