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

// The member list through the whole handler chain (token, scope, store,
// JSON) on the party benchmark set; see internal/store/bench_party_test.go
// for making one with 4.3 million members:
//
//	REDGRID_BENCH_PARTY_DB=sqlite:/tmp/party.db go test ./internal/web -run '^$' -bench Party -benchtime 2000x

type partyWebBench struct {
	h                          http.Handler
	token                      string
	committee, general, branch int64
}

var partyWeb *partyWebBench

func setupPartyWeb(b *testing.B) *partyWebBench {
	if partyWeb != nil {
		return partyWeb
	}
	ctx := context.Background()
	url := os.Getenv("REDGRID_BENCH_PARTY_DB")
	generate := url == ""
	if generate {
		dir, err := os.MkdirTemp("", "redgrid-party-web")
		if err != nil {
			b.Fatal(err)
		}
		url = "sqlite:" + filepath.Join(dir, "party.db")
	}
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.Keys = storetest.Keys(b)
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if generate {
		if err := gen.Run(ctx, s, gen.Options{Enterprises: 2000, Grids: 20, Seed: 1, Orgs: 12_000, Members: 60_000}, nil); err != nil {
			b.Fatal(err)
		}
	}
	u, err := s.UserByUsername(ctx, "partybench")
	if err != nil {
		if u, err = s.CreateUser(ctx, model.System, store.UserInput{Username: "partybench", Role: model.RoleAdmin, Password: storetest.Password}); err != nil {
			b.Fatal(err)
		}
	}
	tok, _, err := s.CreateSession(ctx, u.ID, "api", "127.0.0.1", "bench", "bench", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	_ = cfg.Validate()
	pw := &partyWebBench{h: web.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler(), token: tok}
	for code, dst := range map[string]*int64{"BZ-C001": &pw.committee, "BZ-C001-G050": &pw.general, "BZ-C001-G050-B050": &pw.branch} {
		o, err := s.OrganizationByCode(ctx, code)
		if err != nil {
			b.Fatal(err)
		}
		*dst = o.ID
	}
	partyWeb = pw
	return pw
}

func runParty(b *testing.B, path string) {
	pw := setupPartyWeb(b)
	do := func() int {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+pw.token)
		req.RemoteAddr = "127.0.0.1:9"
		rec := httptest.NewRecorder()
		pw.h.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := do(); c != 200 {
		b.Fatalf("%s: %d", path, c)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if c := do(); c != 200 {
			b.Fatalf("status %d", c)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

func BenchmarkPartyAPIMembersAll(b *testing.B) { runParty(b, "/api/v1/members?status=normal") }

func BenchmarkPartyAPIMembersCommitteeFull(b *testing.B) {
	pw := setupPartyWeb(b)
	runParty(b, fmt.Sprintf("/api/v1/members?org=%d&category=full&status=normal", pw.committee))
}

func BenchmarkPartyAPIMembersGeneralBranch(b *testing.B) {
	pw := setupPartyWeb(b)
	runParty(b, fmt.Sprintf("/api/v1/members?org=%d", pw.general))
}

func BenchmarkPartyAPIMembersBranch(b *testing.B) {
	pw := setupPartyWeb(b)
	runParty(b, fmt.Sprintf("/api/v1/members?org=%d", pw.branch))
}

func BenchmarkPartyAPIMembersProbationary(b *testing.B) {
	pw := setupPartyWeb(b)
	runParty(b, fmt.Sprintf("/api/v1/members?org=%d&category=probationary", pw.committee))
}

func BenchmarkPartyAPIOrganization(b *testing.B) {
	pw := setupPartyWeb(b)
	runParty(b, fmt.Sprintf("/api/v1/organizations/%d", pw.committee))
}
