package cli

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"redgrid/internal/storetest"
)

type result struct {
	code     int
	out, err string
}

func run(t *testing.T, db string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	dir := dataDir(t, db)
	env := &Env{IO: IO{In: strings.NewReader(stdin), Out: &out, Err: &errb},
		Getenv: func(k string) string {
			switch k {
			case "REDGRID_DATABASE_URL":
				return db
			case "REDGRID_DATA_DIR":
				return dir
			}
			return ""
		}}
	code := RunEnv(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

// dataDirs gives each database of a test its own key directory, so that no
// test writes a key file into the source tree (PostgreSQL URLs have no
// directory of their own).
var dataDirs sync.Map

func dataDir(t *testing.T, db string) string {
	if d, ok := dataDirs.Load(db); ok {
		return d.(string)
	}
	d := t.TempDir()
	dataDirs.Store(db, d)
	return d
}

func TestUsageAndErrors(t *testing.T) {
	db := storetest.URL(t)
	if r := run(t, db, "", "--help"); r.code != 0 || !strings.Contains(r.out, "serve") {
		t.Fatalf("help: %+v", r)
	}
	if r := run(t, db, "", "frobnicate"); r.code != 2 || !strings.Contains(r.err, "unknown command") {
		t.Fatalf("unknown: %+v", r)
	}
	if r := run(t, db, "", "serve", "--bogus"); r.code != 2 {
		t.Fatalf("bad flag: %+v", r)
	}
	if r := run(t, db, "", "version"); r.code != 0 || !strings.Contains(r.out, "redgrid") {
		t.Fatalf("version: %+v", r)
	}
	if r := run(t, db, "", "migrate", "--help"); r.code != 0 || !strings.Contains(r.err, "-db") {
		t.Fatalf("migrate --help: %+v", r)
	}
	if r := run(t, "sqlite:/nonexistent-dir-\x00/x.db", "", "migrate"); r.code != 1 || strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
		t.Fatalf("unopenable db must give one line and exit 1: %+v", r)
	}
}

func TestUserCommandsAndAuditVerify(t *testing.T) {
	db := storetest.URL(t)
	if r := run(t, db, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	if r := run(t, db, "short\n", "user", "add", "--username", "root1", "--role", "admin"); r.code != 1 || !strings.Contains(r.err, "password") {
		t.Fatalf("weak password accepted: %+v", r)
	}
	if r := run(t, db, "Strong-Pass-2026\n", "user", "add", "--username", "root1", "--role", "admin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	if r := run(t, db, "Strong-Pass-2026\n", "user", "add", "--username", "w1", "--role", "grid_worker", "--grid", "NOPE"); r.code != 1 || !strings.Contains(r.err, "unknown grid") {
		t.Fatalf("unknown grid: %+v", r)
	}
	if r := run(t, db, "", "user", "list"); r.code != 0 || !strings.Contains(r.out, "root1") {
		t.Fatalf("user list: %+v", r)
	}
	if r := run(t, db, "Another-Pass-2026\n", "user", "passwd", "--username", "root1"); r.code != 0 {
		t.Fatalf("passwd: %+v", r)
	}
	if r := run(t, db, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.out, "intact") {
		t.Fatalf("verify: %+v", r)
	}
	// Tamper with an entry directly in the database.
	raw, err := sql.Open(driverOf(db), dsnOf(db))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE audit_log SET reason = 'edited' WHERE seq = 1"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	r := run(t, db, "", "audit", "verify")
	if r.code != 1 || !strings.Contains(r.err, "entry 1") {
		t.Fatalf("tampered chain not reported: %+v", r)
	}
}

func driverOf(db string) string {
	if strings.HasPrefix(db, "postgres") {
		return "pgx"
	}
	return "sqlite"
}

func dsnOf(db string) string { return strings.TrimPrefix(db, "sqlite:") }

func TestServeDemoAndGracefulShutdown(t *testing.T) {
	db := storetest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	var out, errb syncBuffer
	env := &Env{IO: IO{In: strings.NewReader(""), Out: &out, Err: &errb},
		Getenv: func(k string) string {
			switch k {
			case "REDGRID_DATABASE_URL":
				return db
			case "REDGRID_ADDR":
				return "127.0.0.1:0"
			case "REDGRID_DATA_DIR":
				return dataDir(t, db)
			}
			return ""
		},
		Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() { done <- RunEnv(ctx, []string{"serve", "--demo"}, env) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	resp, err := http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "红网格") {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	printed := out.String()
	if !regexp.MustCompile(`1\d{3} enterprises \(189 规上\), 6\d party organizations, 6\d\d members`).MatchString(printed) {
		t.Errorf("demo summary not printed:\n%s", printed)
	}
	for _, role := range []string{"admin", "department", "grid_head", "grid_worker", "org_secretary", "member"} {
		if !strings.Contains(printed, role) {
			t.Errorf("demo login for %s not printed:\n%s", role, printed)
		}
	}
	cancel() // as SIGINT/SIGTERM would
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("shutdown exit code %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	// demo refuses a database that already has data.
	if r := run(t, db, "", "demo"); r.code != 1 || !strings.Contains(r.err, "empty") {
		t.Fatalf("demo on a non-empty database: %+v", r)
	}
}
