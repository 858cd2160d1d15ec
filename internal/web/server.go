// Package web serves redgrid over HTTP: the server-rendered desk and phone
// pages, the JSON API under /api/v1, health and metrics. Handlers are thin:
// they parse input, call the store with the acting user's scope, and render.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"redgrid/internal/config"
	"redgrid/internal/i18n"
	"redgrid/internal/metrics"
	"redgrid/internal/store"
)

// Version is set by the CLI from build information.
var Version = "dev"

// Server holds what handlers need.
type Server struct {
	cfg     config.Config
	store   *store.Store
	cat     *i18n.Catalog
	log     *slog.Logger
	metrics *metrics.Registry
	tmpl    *templates
	static  *staticFiles
	mux     *http.ServeMux
	routes  []route // registered routes, for the OpenAPI completeness test
	now     func() time.Time

	imports     *importRunner // background import steps
	importsOnce sync.Once
}

// New builds a server. cfg must have been validated.
func New(cfg config.Config, s *store.Store, log *slog.Logger) *Server {
	if cfg.Location == nil {
		cfg.Location, _ = time.LoadLocation("Asia/Shanghai")
	}
	srv := &Server{
		cfg: cfg, store: s, cat: i18n.Load(), log: log, metrics: metrics.New(),
		mux: http.NewServeMux(), now: s.Now,
	}
	srv.static = loadStatic()
	srv.tmpl = loadTemplates(srv.static)
	srv.metrics.Gauge(srv.poolGauges)
	srv.registerRoutes()
	return srv
}

// Handler is the full middleware chain around the router.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.withSession(h)
	h = s.withCSRF(h)
	h = s.withBodyLimit(h)
	h = s.withSecurityHeaders(h)
	h = s.withRecover(h)
	h = s.withAccessLog(h)
	return h
}

// Store exposes the store (the CLI and tests use it).
func (s *Server) Store() *store.Store { return s.store }

func (s *Server) ctxNow() time.Time { return s.now().In(s.cfg.Location) }

type ctxKey int

const (
	keyRequest ctxKey = iota
)

// reqInfo is per-request state the middleware fills.
type reqInfo struct {
	id      string
	sess    *sessionInfo
	locale  string
	status  int
	pattern string
}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(keyRequest).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{locale: "zh-CN"}
}

func withInfo(ctx context.Context, ri *reqInfo) context.Context {
	return context.WithValue(ctx, keyRequest, ri)
}
