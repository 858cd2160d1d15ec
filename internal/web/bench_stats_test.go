package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"redgrid/internal/config"
	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

// The dashboard, the 大屏's refresh, GET /api/v1/stats and the briefing
// through the whole handler chain. At province scale:
//
//	redgrid gen --db sqlite:/work/prov.db --enterprises 1000000 --grids 1000 --orgs 250000 --members 500000 \
//	    --visits 10000000 --problems 2000000 --output-months 12
//	REDGRID_BENCH_STATS_DB=sqlite:/work/prov.db go test ./internal/web -run '^$' -bench Stats -benchtime 500x
//
// Without the variable a small set is generated in a temporary directory.

type statsBench struct {
	fieldBench
	head string // a grid head of an area
	area int64
}

var statsB *statsBench

func setupStatsBench(b *testing.B) *statsBench {
	if statsB != nil {
		return statsB
	}
	ctx := context.Background()
	url := os.Getenv("REDGRID_BENCH_STATS_DB")
	generate := url == ""
	if generate {
		dir, err := os.MkdirTemp("", "redgrid-stats-bench")
		if err != nil {
			b.Fatal(err)
		}
		url = "sqlite:" + filepath.Join(dir, "stats.db")
	}
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s.Keys = storetest.Keys(b)
	if generate {
		if err := gen.Run(ctx, s, gen.Options{Enterprises: 20000, Grids: 100, Seed: 1, Orgs: 500, Members: 5000,
			Visits: 100000, Problems: 20000, OutputMonths: 12}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	var grid, area int64
	if err := s.R.QueryRow("SELECT g.id, g.parent_id FROM grids g WHERE g.id = (SELECT grid_id FROM enterprises WHERE id = (SELECT MAX(id) / 2 FROM enterprises))").Scan(&grid, &area); err != nil {
		b.Fatal(err)
	}
	token := func(username string, in store.UserInput) string {
		u, err := s.UserByUsername(ctx, username)
		if err != nil {
			u, err = s.CreateUser(ctx, model.System, in)
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
	sb := &statsBench{area: area}
	sb.grid = grid
	sb.admin = token("bench-admin", store.UserInput{Username: "bench-admin", Role: model.RoleAdmin, Password: storetest.Password})
	sb.worker = token(fmt.Sprintf("bench-worker-%d", grid), store.UserInput{Username: fmt.Sprintf("bench-worker-%d", grid),
		Role: model.RoleGridWorker, GridIDs: []int64{grid}, Password: storetest.Password})
	sb.head = token(fmt.Sprintf("bench-head-%d", area), store.UserInput{Username: fmt.Sprintf("bench-head-%d", area),
		Role: model.RoleGridHead, GridIDs: []int64{area}, Password: storetest.Password})
	cfg := config.Default()
	_ = cfg.Validate()
	sb.h = web.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	statsB = sb
	return sb
}

func BenchmarkStatsZoneAPI(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.admin, "/api/v1/stats?month=2021-08")
}

func BenchmarkStatsZoneDashboardPage(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.admin, "/dashboard?month=2021-08")
}

func BenchmarkStatsScreenRefresh(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.admin, "/dashboard/screen.json?month=2021-08")
}

func BenchmarkStatsAreaHead(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.head, "/api/v1/stats?month=2021-08")
}

func BenchmarkStatsGridWorker(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.worker, "/dashboard?month=2021-08")
}

func BenchmarkStatsBriefing(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.admin, "/api/v1/briefings/2021-08")
}

func BenchmarkStatsBriefingDocx(b *testing.B) {
	sb := setupStatsBench(b)
	sb.runAs(b, sb.admin, "/briefings/2021-08/docx")
}
