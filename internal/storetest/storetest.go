// Package storetest opens a freshly migrated store for tests: SQLite in a
// temporary directory by default, or a new PostgreSQL database per test when
// REDGRID_TEST_DATABASE_URL is set. The same test functions run on both.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"redgrid/internal/secret"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

func init() {
	// Cheap hashes: tests create many accounts.
	store.HashParams = auth.TestParams
}

// Epoch is the fixed time test stores start at (a Wednesday, in Asia/Shanghai
// 2021-08-25 10:00).
var Epoch = time.Date(2021, 8, 25, 2, 0, 0, 0, time.UTC)

// Clock is a manual clock for tests.
type Clock struct{ t atomic.Int64 }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.t.Load()).UTC() }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.t.Store(t.UnixNano()) }

// Add advances the clock.
func (c *Clock) Add(d time.Duration) { c.t.Add(int64(d)) }

var seq atomic.Int64

// URL returns a database URL for a fresh, empty database, dropped when the
// test ends.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("REDGRID_TEST_DATABASE_URL")
	if base == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("REDGRID_TEST_DATABASE_URL: %v", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("rgt_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, seq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	// Throwaway databases need no durable commits: without waiting for the
	// WAL flush, write-heavy tests (the demo load) run several times faster.
	if _, err := admin.Exec("ALTER DATABASE " + name + " SET synchronous_commit = off"); err != nil {
		admin.Close()
		t.Fatalf("tune test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u.Path = "/" + name
	return u.String()
}

// Open returns a migrated store with seeded dictionaries and a manual clock
// set to Epoch.
func Open(t testing.TB) (*store.Store, *Clock) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, URL(t), store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	clock := &Clock{}
	clock.Set(Epoch)
	s.Now = clock.Now
	s.Keys = Keys(t)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := s.SeedDictionaries(ctx); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s, clock
}

// TestKey is the fixed secret key of test stores.
const TestKey = "cmVkZ3JpZC10ZXN0LWtleS0wMDAwMDAwMDAwMDAwMDA="

// Keys returns a keyring with the fixed test key.
func Keys(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.LoadKeyring(func(name string) string {
		if name == secret.EnvKey {
			return TestKey
		}
		return ""
	}, "")
	if err != nil {
		t.Fatalf("test keyring: %v", err)
	}
	return k
}

// Fixture is a small zone: one zone, two areas, three grids, and an industry.
type Fixture struct {
	Zone, AreaA, AreaB     model.Grid
	GridA1, GridA2, GridB1 model.Grid
	Industry               model.Industry
}

// MustZone creates the fixture zone.
func MustZone(t testing.TB, s *store.Store) Fixture {
	t.Helper()
	ctx := context.Background()
	mk := func(code, name, level string, parent int64) model.Grid {
		g, err := s.CreateGrid(ctx, model.System, store.GridInput{Code: code, Name: name, Level: level, ParentID: parent})
		if err != nil {
			t.Fatalf("grid %s: %v", code, err)
		}
		return g
	}
	var f Fixture
	f.Zone = mk("Z", "城西新区", model.GridZone, 0)
	f.AreaA = mk("A", "东片区", model.GridArea, f.Zone.ID)
	f.AreaB = mk("B", "西片区", model.GridArea, f.Zone.ID)
	f.GridA1 = mk("A1", "东一网格", model.GridGrid, f.AreaA.ID)
	f.GridA2 = mk("A2", "东二网格", model.GridGrid, f.AreaA.ID)
	f.GridB1 = mk("B1", "西一网格", model.GridGrid, f.AreaB.ID)
	ins, err := s.Industries(ctx)
	if err != nil || len(ins) == 0 {
		t.Fatalf("industries: %v", err)
	}
	f.Industry = ins[0]
	return f
}

// USCC makes a valid credit code from a number (deterministic).
func USCC(n int) string {
	body := fmt.Sprintf("913307840%08d", n)
	c, _ := checkChar(body)
	return body + string(c)
}

// MustEnterprise creates an enterprise in a grid.
func MustEnterprise(t testing.TB, s *store.Store, gridID, industryID int64, n int, name string) model.Enterprise {
	t.Helper()
	e, err := s.CreateEnterprise(context.Background(), model.System, store.EnterpriseInput{
		USCC: USCC(n), Name: name, IndustryID: industryID, GridID: gridID, Status: model.StatusOperating})
	if err != nil {
		t.Fatalf("enterprise %s: %v", name, err)
	}
	return e
}

// MustUser creates an account; password is "Passw0rd!" + username.
func MustUser(t testing.TB, s *store.Store, username string, role model.Role, grids ...int64) model.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), model.System, store.UserInput{
		Username: username, DisplayName: strings.ToUpper(username), Role: role, GridIDs: grids, Password: Password})
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u
}

// Password is the password MustUser gives every account.
const Password = "Test-Pass-2026"

// Actor resolves a user into an actor with its scope.
func Actor(t testing.TB, s *store.Store, u model.User) *model.Actor {
	t.Helper()
	sc, err := s.ResolveScope(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return &model.Actor{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Role: u.Role, Scope: sc}
}
