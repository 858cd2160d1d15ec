package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"redgrid/internal/config"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/web"
)

// env is one test server over a fresh store with a small zone, an admin, a
// grid worker of grid A1, a grid head of area A and a department user.
type env struct {
	t     *testing.T
	s     *store.Store
	srv   *httptest.Server
	f     storetest.Fixture
	clock *storetest.Clock
	web   *web.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	storetest.MustUser(t, s, "admin", model.RoleAdmin)
	storetest.MustUser(t, s, "worker", model.RoleGridWorker, f.GridA1.ID)
	storetest.MustUser(t, s, "head", model.RoleGridHead, f.AreaA.ID)
	ctx := context.Background()
	d, err := s.DepartmentByCode(ctx, "safety")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, model.System, store.UserInput{Username: "anjian", Role: model.RoleDepartment,
		DepartmentID: d.ID, Password: storetest.Password}); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := web.New(cfg, s, log)
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(w.WaitImports)
	return &env{t: t, s: s, srv: srv, f: f, clock: clock, web: w}
}

// client is a browser-like client: cookie jar, no automatic redirects.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in through the login form like a browser and keeps the
// session's CSRF token from the next page.
func (e *env) login(username string) *client {
	e.t.Helper()
	c := e.anon()
	body := c.get("/login", 200)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatal("login page has no csrf token")
	}
	resp := c.post("/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {storetest.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", username, resp.StatusCode)
	}
	page := c.get("/account", 200)
	m = csrfRe.FindStringSubmatch(page)
	if m == nil {
		e.t.Fatal("no csrf token after login")
	}
	c.csrf = m[1]
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.e.t.Helper()
	req.Header.Set("Origin", c.e.srv.URL)
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp
}

func (c *client) get(path string, want int) string {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if want != 0 && resp.StatusCode != want {
		c.e.t.Fatalf("GET %s: status %d, want %d\n%s", path, resp.StatusCode, want, trim(string(b)))
	}
	return string(b)
}

// post submits a form, adding the session's CSRF token unless one is given.
func (c *client) post(path string, form url.Values) *http.Response {
	c.e.t.Helper()
	if form.Get("csrf") == "" && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postBody(path string, form url.Values) (int, string) {
	c.e.t.Helper()
	resp := c.post(path, form)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func trim(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// api is a bearer-token client.
type api struct {
	e     *env
	token string
}

func (e *env) apiLogin(username string) *api {
	e.t.Helper()
	a := &api{e: e}
	status, body := a.call("POST", "/api/v1/session", `{"username":"`+username+`","password":"`+storetest.Password+`"}`)
	if status != http.StatusCreated {
		e.t.Fatalf("api login %s: %d %s", username, status, body)
	}
	var tr struct{ Token string }
	if err := json.Unmarshal([]byte(body), &tr); err != nil || tr.Token == "" {
		e.t.Fatalf("api login: %v %s", err, body)
	}
	a.token = tr.Token
	return a
}

func (a *api) call(method, path, body string) (int, string) {
	a.e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, a.e.srv.URL+path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// apiErr decodes the error envelope.
type apiErr struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decodeErr(t *testing.T, body string) apiErr {
	t.Helper()
	var e apiErr
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error envelope: %v %s", err, body)
	}
	return e
}
