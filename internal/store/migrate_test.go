package store_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestMigrationFoldersMatch(t *testing.T) {
	t.Parallel()
	lite, err := store.Migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 {
		t.Fatal("no sqlite migrations embedded")
	}
	key := func(ms []store.Migration) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = fmt.Sprintf("%04d_%s", m.Version, m.Name)
		}
		return out
	}
	if a, b := key(lite), key(pg); !slices.Equal(a, b) {
		t.Fatalf("migration folders differ:\n sqlite:   %v\n postgres: %v", a, b)
	}
	for _, ms := range [][]store.Migration{lite, pg} {
		for i, m := range ms {
			if m.Version != i+1 {
				t.Errorf("migration %04d_%s: versions must run 1, 2, 3… without gaps or repeats (position %d)", m.Version, m.Name, i+1)
			}
			if strings.TrimSpace(m.SQL) == "" {
				t.Errorf("migration %04d_%s is empty", m.Version, m.Name)
			}
		}
	}
	if got, want := store.LatestVersion(), lite[len(lite)-1].Version; got != want {
		t.Errorf("LatestVersion = %d, want %d", got, want)
	}
}

func TestMigrateFreshThenNoop(t *testing.T) {
	t.Parallel()
	s, err := store.Open(bg, storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ms, _ := store.Migrations(s.Engine())
	if v, err := s.SchemaVersion(bg); err != nil || v != 0 {
		t.Fatalf("fresh schema version = %d, %v; want 0", v, err)
	}
	n, err := s.Migrate(bg)
	if err != nil || n != len(ms) {
		t.Fatalf("first Migrate applied %d, %v; want %d", n, err, len(ms))
	}
	var tables1 int
	if err := s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM schema_migrations").Scan(&tables1); err != nil {
		t.Fatal(err)
	}
	n, err = s.Migrate(bg)
	if err != nil || n != 0 {
		t.Fatalf("second Migrate applied %d, %v; want 0, nil", n, err)
	}
	var rows2 int
	if err := s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM schema_migrations").Scan(&rows2); err != nil {
		t.Fatal(err)
	}
	if tables1 != len(ms) || rows2 != len(ms) {
		t.Fatalf("schema_migrations rows %d then %d, want %d", tables1, rows2, len(ms))
	}
	if v, err := s.SchemaVersion(bg); err != nil || v != store.LatestVersion() {
		t.Fatalf("schema version %d, %v; want %d", v, err, store.LatestVersion())
	}
	// Seeding twice is idempotent too.
	for range 2 {
		if err := s.SeedDictionaries(bg); err != nil {
			t.Fatal(err)
		}
	}
	ins, _ := s.Industries(bg)
	deps, _ := s.Departments(bg)
	if len(ins) == 0 || len(deps) == 0 {
		t.Fatalf("seed: %d industries, %d departments", len(ins), len(deps))
	}
	var nIns int
	s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM industries").Scan(&nIns)
	if nIns != len(ins) {
		t.Fatalf("industries listed %d, stored %d", len(ins), nIns)
	}
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	latest := store.LatestVersion()
	if _, err := s.W.ExecContext(bg, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		latest+1, "from_the_future", "2030-01-01T00:00:00.000Z"); err != nil {
		t.Fatal(err)
	}
	n, err := s.Migrate(bg)
	var tooNew *store.ErrTooNew
	if !errors.As(err, &tooNew) {
		t.Fatalf("Migrate on a newer database: %v, want *store.ErrTooNew", err)
	}
	if tooNew.DB != latest+1 || tooNew.Binary != latest || n != 0 {
		t.Fatalf("ErrTooNew{DB: %d, Binary: %d}, applied %d; want {%d, %d}, 0", tooNew.DB, tooNew.Binary, n, latest+1, latest)
	}
}

// column is one introspected column.
type column struct {
	Table, Name string
	NotNull     bool
}

func (c column) String() string {
	null := "NULL"
	if c.NotNull {
		null = "NOT NULL"
	}
	return c.Table + "." + c.Name + " " + null
}

// sqliteColumns introspects a SQLite schema. A column is NOT NULL when SQLite
// enforces it: declared NOT NULL, an INTEGER PRIMARY KEY (the rowid alias),
// or part of the key of a WITHOUT ROWID table. Any other PRIMARY KEY column
// accepts NULL in SQLite, unlike PostgreSQL, and is reported as nullable.
func sqliteColumns(t *testing.T, s *store.Store) ([]column, []string) {
	t.Helper()
	rows, err := s.R.QueryContext(bg, `SELECT m.name, p.name, p."notnull", p.pk, upper(p.type),
			CASE WHEN m.sql LIKE '%WITHOUT ROWID%' THEN 1 ELSE 0 END,
			(SELECT COUNT(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0)
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		var notnull, pk, withoutRowid, pkCols int
		var typ string
		if err := rows.Scan(&c.Table, &c.Name, &notnull, &pk, &typ, &withoutRowid, &pkCols); err != nil {
			t.Fatal(err)
		}
		rowidAlias := pk == 1 && pkCols == 1 && typ == "INTEGER" && withoutRowid == 0
		c.NotNull = notnull == 1 || rowidAlias || (pk > 0 && withoutRowid == 1)
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	idx := queryStrings(t, s, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
	return cols, idx
}

func postgresColumns(t *testing.T, s *store.Store) ([]column, []string) {
	t.Helper()
	rows, err := s.R.QueryContext(bg, `SELECT table_name, column_name, is_nullable = 'NO'
		FROM information_schema.columns WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.Table, &c.Name, &c.NotNull); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// Indexes created by CREATE INDEX, not those behind PRIMARY KEY/UNIQUE constraints.
	idx := queryStrings(t, s, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
		AND indexname NOT IN (SELECT conname FROM pg_constraint)`)
	return cols, idx
}

func queryStrings(t *testing.T, s *store.Store, q string) []string {
	t.Helper()
	rows, err := s.R.QueryContext(bg, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// knownNullabilityDrift lists columns whose nullability differs between the
// engines today, with the reason. Each entry must still differ (so a fix
// removes it from here); nothing else may.
var knownNullabilityDrift = map[string]string{}

func TestSchemasMatchAcrossEngines(t *testing.T) {
	t.Parallel()
	if os.Getenv("REDGRID_TEST_DATABASE_URL") == "" {
		t.Skip("REDGRID_TEST_DATABASE_URL not set: no PostgreSQL to compare with")
	}
	lite, err := store.Open(bg, "sqlite:"+filepath.Join(t.TempDir(), "schema.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	pg, err := store.Open(bg, storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	if lite.Engine() != "sqlite" || pg.Engine() != "postgres" {
		t.Fatalf("engines %s and %s", lite.Engine(), pg.Engine())
	}
	for _, s := range []*store.Store{lite, pg} {
		if _, err := s.Migrate(bg); err != nil {
			t.Fatalf("migrate %s: %v", s.Engine(), err)
		}
	}
	lc, li := sqliteColumns(t, lite)
	pc, pi := postgresColumns(t, pg)

	byName := func(cs []column) map[string]column {
		m := map[string]column{}
		for _, c := range cs {
			m[c.Table+"."+c.Name] = c
		}
		return m
	}
	lm, pm := byName(lc), byName(pc)
	tables := map[string]bool{}
	for k := range lm {
		tables[strings.Split(k, ".")[0]] = true
	}
	for _, want := range []string{"schema_migrations", "enterprises", "enterprise_terms", "grid_counts", "audit_log", "audit_head", "users", "sessions"} {
		if !tables[want] {
			t.Errorf("sqlite schema lacks table %s", want)
		}
	}
	var keys []string
	for k := range lm {
		keys = append(keys, k)
	}
	for k := range pm {
		if _, ok := lm[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		l, lok := lm[k]
		p, pok := pm[k]
		switch {
		case !pok:
			t.Errorf("column %s exists only on sqlite", k)
		case !lok:
			t.Errorf("column %s exists only on postgres", k)
		case l.NotNull != p.NotNull:
			if _, known := knownNullabilityDrift[k]; !known {
				t.Errorf("nullability differs: sqlite %v, postgres %v", l, p)
			}
		case knownNullabilityDrift[k] != "":
			t.Errorf("%s no longer differs (%v): remove it from knownNullabilityDrift", k, l)
		}
	}
	if len(lm) < 50 {
		t.Errorf("only %d columns introspected: the introspection query is broken", len(lm))
	}
	if !slices.Equal(li, pi) {
		t.Errorf("explicit indexes differ:\n sqlite:   %v\n postgres: %v", li, pi)
	}
}
