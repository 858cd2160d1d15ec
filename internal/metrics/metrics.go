// Package metrics is a small Prometheus text-format registry: request
// counters by route and status, a latency histogram per route, and gauges
// read at scrape time. It avoids a dependency for the few series redgrid has.
package metrics

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Buckets are the latency histogram bounds in seconds.
var Buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type hist struct {
	counts []uint64 // per bucket, non-cumulative; last is +Inf
	sum    float64
	n      uint64
}

// Registry holds the series.
type Registry struct {
	mu       sync.Mutex
	requests map[[3]string]uint64 // method, route, status
	latency  map[string]*hist     // route
	gauges   []func(w io.Writer)
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{requests: map[[3]string]uint64{}, latency: map[string]*hist{}}
}

// Observe records one request.
func (r *Registry) Observe(method, route string, status int, d time.Duration) {
	sec := d.Seconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[[3]string{method, route, strconv.Itoa(status)}]++
	h := r.latency[route]
	if h == nil {
		h = &hist{counts: make([]uint64, len(Buckets)+1)}
		r.latency[route] = h
	}
	i := sort.SearchFloat64s(Buckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

// Gauge adds a callback that writes gauge lines at scrape time.
func (r *Registry) Gauge(f func(w io.Writer)) {
	r.mu.Lock()
	r.gauges = append(r.gauges, f)
	r.mu.Unlock()
}

func esc(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// Write writes the exposition format.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	keys := make([][3]string, 0, len(r.requests))
	for k := range r.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return strings.Join(keys[i][:], "\x00") < strings.Join(keys[j][:], "\x00")
	})
	fmt.Fprintln(w, "# HELP redgrid_http_requests_total HTTP requests by method, route and status.")
	fmt.Fprintln(w, "# TYPE redgrid_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "redgrid_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %d\n", esc(k[0]), esc(k[1]), k[2], r.requests[k])
	}
	routes := make([]string, 0, len(r.latency))
	for k := range r.latency {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP redgrid_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE redgrid_http_request_duration_seconds histogram")
	for _, route := range routes {
		h := r.latency[route]
		var cum uint64
		for i, b := range Buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "redgrid_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", esc(route), b, cum)
		}
		cum += h.counts[len(Buckets)]
		fmt.Fprintf(w, "redgrid_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", esc(route), cum)
		fmt.Fprintf(w, "redgrid_http_request_duration_seconds_sum{route=\"%s\"} %g\n", esc(route), h.sum)
		fmt.Fprintf(w, "redgrid_http_request_duration_seconds_count{route=\"%s\"} %d\n", esc(route), h.n)
	}
	gauges := append([]func(io.Writer){}, r.gauges...)
	r.mu.Unlock()
	for _, g := range gauges {
		g(w)
	}
}
