package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"redgrid/internal/demo"
	"redgrid/internal/jobs"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/web"
	"redgrid/internal/webhook"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "serve", "[--addr HOST:PORT] [--db URL] [--demo]", &cfg)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (REDGRID_ADDR)")
	withDemo := fs.Bool("demo", false, "load the demo zone when the database is empty and print the demo logins")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(cfg, env.Err)
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	var logins []demo.Login
	if *withDemo {
		empty, err := s.IsEmpty(ctx)
		if err != nil {
			return err
		}
		if empty {
			fmt.Fprintln(env.Out, "loading the demo zone (城西新区)…")
			res, err := demo.Load(ctx, s)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			logins = res.Logins
			printDemo(env, res)
		} else {
			fmt.Fprintln(env.Out, "the database already has data; the demo zone is not loaded again")
			fmt.Fprintln(env.Out, "(if it holds the demo zone, its logins were as below unless changed since)")
			logins = demo.Logins()
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := web.New(cfg, s, log)
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(env.Out, "redgrid %s serving %s on %s (%s)\n", version(), url, s.Engine(), cfg.DatabaseURL)
	if len(logins) > 0 {
		fmt.Fprintln(env.Out, "demo logins (username / password):")
		for _, l := range logins {
			fmt.Fprintf(env.Out, "  %-14s %-14s %s %s\n", l.Username, l.Password, l.Role, l.DisplayName)
		}
	}
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	// Build the station finder's index now rather than on the first
	// public request (a province's stations take a few seconds).
	warm := make(chan struct{})
	go func() {
		defer close(warm)
		if _, err := s.StationCount(ctx); err != nil && ctx.Err() == nil {
			log.Warn("station finder warm-up", "err", err)
		}
	}()
	defer func() { <-warm }()
	// Import jobs that were running when a process stopped are failed: on
	// SQLite this process is the only one, so every running job is dead;
	// on PostgreSQL only those whose lease ran out.
	if n, err := s.FailInterruptedImportJobs(ctx, "import.interrupted_hint"); err != nil {
		log.Warn("import jobs", "err", err)
	} else if n > 0 {
		log.Info("interrupted import jobs failed", "count", n)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	runner := &jobs.Runner{Store: s, Holder: jobHolder(), Hour: cfg.ReminderHour, Log: log}
	go escalateLoop(ctx, runner, log)
	if cfg.WebhookURL != "" {
		runner.Sender = &webhook.Sender{Store: s, URL: cfg.WebhookURL, Secret: cfg.WebhookSecret}
	}
	jctx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); runner.Loop(jctx) }()
	defer func() { stopJobs(); <-jobsDone }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests", "grace", cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "demo", "[--db URL]", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := demo.Load(ctx, s)
	if err != nil {
		return err
	}
	printDemo(env, res)
	fmt.Fprintln(env.Out, "demo zone loaded. logins (username / password):")
	for _, l := range res.Logins {
		fmt.Fprintf(env.Out, "  %-14s %-14s %s %s\n", l.Username, l.Password, l.Role, l.DisplayName)
	}
	return nil
}

// printDemo summarizes what the demo loader counted in the database.
func printDemo(env *Env, r demo.Result) {
	fmt.Fprintf(env.Out, "demo zone %s: %d grids, %d enterprises (%d 规上), %d party organizations, %d members (%d 正式, %d 预备), %d transfers received, %d enterprises 可建支部\n",
		r.Zone, r.Grids, r.Enterprises, r.AboveScale, r.Organizations, r.Members, r.FullMembers, r.Probationary, r.TransfersIn, r.BranchCandidates)
	fmt.Fprintf(env.Out, "红色驿站: %d stations with %d visitors counted in the demo year; public finder at /stations\n", r.Stations, r.StationVisits)
	fmt.Fprintf(env.Out, "三级走访: %d visits by leaders, %d by grid heads, %d by grid workers; 涉企问题: %d (%d closed, %d open)\n",
		r.Visits[model.LevelLeader], r.Visits[model.LevelGridHead], r.Visits[model.LevelGridWorker], r.Problems, r.ProblemsClosed, r.ProblemsOpen)
	fmt.Fprintf(env.Out, "助企八条: %d policies, %d deliveries (%d 已兑现, %s 万元); 三师助企: %d experts, %d services\n",
		r.Policies, r.Deliveries, r.Redeemed, store.FormatWan(r.RedeemedYuan), r.Experts, r.ExpertServices)
	fmt.Fprintf(env.Out, "安全生产: %d inspections, %d violations (%d hazards open), %d incidents, %d major accidents\n",
		r.SafetyInspections, r.SafetyViolations, r.OpenHazards, r.SafetyIncidents, r.MajorAccidents)
	pct := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", *p)
	}
	fmt.Fprintf(env.Out, "经济运行: 规上 output through %s %s 万元 (same months of the year before %s 万元, %s); 安德 orders %s; dashboard at /dashboard, briefing at /briefings/%s\n",
		r.OutputMonth, store.FormatWan(r.OutputYTD), store.FormatWan(r.OutputPrevYTD), pct(r.OutputGrowth), pct(r.AndeOrdersGrowth), r.OutputMonth)
}

// escalateLoop flags overdue problems for the administrators at start and
// then hourly, under the escalate lease (the query reads the open-and-due index only; a problem is
// escalated once).
func escalateLoop(ctx context.Context, r *jobs.Runner, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := r.Escalate(ctx); err != nil && ctx.Err() == nil {
			log.Error("escalate overdue problems", "err", err)
		} else if n > 0 {
			log.Info("overdue problems escalated", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// jobHolder names this process in the job leases it takes (host, pid and
// start time: unique among the processes sharing a database).
func jobHolder() string {
	host, _ := os.Hostname()
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)
}
