package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"redgrid/internal/config"
	"redgrid/internal/storetest"
)

// Every registered /api/v1 route must be in the OpenAPI document, and the
// document must not describe routes that do not exist.
func TestOpenAPICoversRoutes(t *testing.T) {
	s, _ := storetest.Open(t)
	cfg := config.Default()
	_ = cfg.Validate()
	srv := New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	doc := openAPIDoc()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &parsed); err != nil || parsed.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v %s", err, parsed.OpenAPI)
	}
	registered := map[string]bool{}
	for _, r := range srv.routes {
		if !strings.HasPrefix(r.Pattern, "/api/v1/") {
			continue
		}
		key := r.Method + " " + r.Pattern
		registered[key] = true
		if _, ok := parsed.Paths[r.Pattern][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s is missing from the OpenAPI document", key)
		}
	}
	for key := range apiDocs {
		if !registered[key] {
			t.Errorf("OpenAPI documents %s, which is not a registered route", key)
		}
	}
	if len(registered) < 10 {
		t.Fatalf("only %d API routes found", len(registered))
	}
}
