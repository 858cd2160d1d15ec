package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	r := New()
	r.Observe("GET", "GET /enterprises", 200, 3*time.Millisecond)
	r.Observe("GET", "GET /enterprises", 200, 30*time.Millisecond)
	r.Observe("POST", "POST /login", 303, time.Millisecond)
	var b strings.Builder
	r.Write(&b)
	out := b.String()
	for _, want := range []string{
		`redgrid_http_requests_total{method="GET",route="GET /enterprises",status="200"} 2`,
		`redgrid_http_request_duration_seconds_bucket{route="GET /enterprises",le="0.005"} 1`,
		`redgrid_http_request_duration_seconds_bucket{route="GET /enterprises",le="0.05"} 2`,
		`redgrid_http_request_duration_seconds_count{route="POST /login"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
