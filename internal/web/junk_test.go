package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"redgrid/internal/config"
	"redgrid/internal/model"
	"redgrid/internal/storetest"
)

// No input may produce a 500: every registered route gets malformed path
// values, query strings, forms and JSON from a signed-in administrator (who
// passes every permission check, so the handlers themselves are exercised).
func TestNoInputProducesServerError(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "测试企业")
	u := storetest.MustUser(t, s, "root", model.RoleAdmin)
	cfg := config.Default()
	_ = cfg.Validate()
	srv := New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := srv.Handler()
	tok, sess, err := s.CreateSession(context.Background(), u.ID, "web", "127.0.0.1", "t", "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"1", "0", "-1", "abc", "99999999999999999999", "%00", "1;DROP TABLE users"}
	queries := []string{"", "q=%27%22%3C%3E&grid=x&industry=-5&above_scale=maybe&status=evil&sort=zzz&cursor=@@&limit=100000&deleted=1",
		"q=" + strings.Repeat("长", 300), "before=abc&from=2021-13-45&to=x&entity_id=x&actor=" + url.QueryEscape("<script>")}
	bodies := []string{"", "{", `{"version":"x"}`, `{"lat":"north"}`, "uscc=%ZZ&name=" + strings.Repeat("a", 5000) + "&grid_id=abc&version=-1&lat=NaN&lng=Inf",
		"ids=1:abc&ids=:&ids=2:1&password=x&role=god&grid_ids=abc&locale=xx"}
	n := 0
	for _, rt := range srv.routes {
		for _, id := range ids {
			path := strings.NewReplacer("{id}", url.PathEscape(id), "{hash}", "x", "{name}", "app.css", "{locale}", url.PathEscape(id)).Replace(rt.Pattern)
			for _, q := range queries {
				for _, body := range bodies {
					target := path
					if q != "" {
						target += "?" + q
					}
					req := httptest.NewRequest(rt.Method, target, strings.NewReader(body))
					if strings.HasPrefix(body, "{") {
						req.Header.Set("Content-Type", "application/json")
					} else {
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					}
					if strings.HasPrefix(rt.Pattern, "/api/") {
						atok, _, _ := s.CreateSession(context.Background(), u.ID, "api", "127.0.0.1", "t", "", time.Hour)
						req.Header.Set("Authorization", "Bearer "+atok)
					} else {
						req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok})
						req.Header.Set("X-CSRF-Token", sess.CSRF)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					n++
					if rec.Code >= 500 {
						t.Errorf("%s %s body %.40q → %d", rt.Method, target, body, rec.Code)
					}
				}
			}
			if !strings.Contains(rt.Pattern, "{") {
				break
			}
		}
	}
	if n < 500 {
		t.Fatalf("only %d requests sent", n)
	}
}
