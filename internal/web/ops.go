package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := map[string]any{"status": "ok", "version": Version, "database": s.store.Engine()}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		body["status"], body["error"] = "unavailable", "database unreachable"
		status = http.StatusServiceUnavailable
		s.log.Warn("healthz: database", "err", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.Write(w)
}

func (s *Server) poolGauges(w io.Writer) {
	wst, rst := s.store.PoolStats()
	fmt.Fprintln(w, "# HELP redgrid_db_connections Database pool connections by pool and state.")
	fmt.Fprintln(w, "# TYPE redgrid_db_connections gauge")
	for _, p := range []struct {
		name string
		open int
		use  int
		idle int
	}{{"write", wst.OpenConnections, wst.InUse, wst.Idle}, {"read", rst.OpenConnections, rst.InUse, rst.Idle}} {
		fmt.Fprintf(w, "redgrid_db_connections{pool=%q,state=\"open\"} %d\n", p.name, p.open)
		fmt.Fprintf(w, "redgrid_db_connections{pool=%q,state=\"in_use\"} %d\n", p.name, p.use)
		fmt.Fprintf(w, "redgrid_db_connections{pool=%q,state=\"idle\"} %d\n", p.name, p.idle)
	}
	fmt.Fprintln(w, "# HELP redgrid_db_wait_total Times a request waited for a database connection.")
	fmt.Fprintln(w, "# TYPE redgrid_db_wait_total counter")
	fmt.Fprintf(w, "redgrid_db_wait_total{pool=\"write\"} %d\n", wst.WaitCount)
	fmt.Fprintf(w, "redgrid_db_wait_total{pool=\"read\"} %d\n", rst.WaitCount)
}

func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.static.URL("icon.svg"), http.StatusMovedPermanently)
}
