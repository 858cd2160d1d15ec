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

// The API lists that stream files document ?format= and the file types,
// and each of them really is a documented list.
func TestOpenAPIDocumentsExports(t *testing.T) {
	doc := openAPIDoc()
	b, _ := json.Marshal(doc)
	var parsed struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
			Responses map[string]struct {
				Content map[string]any `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &parsed); err != nil {
		t.Fatal(err)
	}
	if len(exportLists) != 7 {
		t.Fatalf("export lists: %v", exportLists)
	}
	for key := range exportLists {
		_, path, _ := strings.Cut(key, " ")
		op, ok := parsed.Paths[path]["get"]
		if !ok {
			t.Fatalf("%s not documented", key)
		}
		found := false
		for _, p := range op.Parameters {
			if p.Name == "format" && strings.Join(p.Schema.Enum, ",") == "xlsx,csv,csv-gb18030" {
				found = true
			}
		}
		ok200 := op.Responses["200"].Content
		if !found || ok200["text/csv"] == nil || ok200["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] == nil ||
			ok200["application/json"] == nil || op.Responses["422"].Content == nil {
			t.Errorf("%s: format not documented: %+v", key, op)
		}
	}
}
