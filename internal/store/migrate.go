package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one forward-only schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the migrations of an engine in order.
func Migrations(engine string) ([]Migration, error) {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: bad migration file name %s", name)
		}
		b, err := migrationFS.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// ErrTooNew is returned when the database was migrated by a newer binary.
type ErrTooNew struct{ DB, Binary int }

func (e *ErrTooNew) Error() string {
	return fmt.Sprintf("store: database schema version %d is newer than this binary's %d; upgrade redgrid", e.DB, e.Binary)
}

// SchemaVersion returns the highest applied migration (0 for a new database).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := s.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	var v int
	err := s.W.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// Migrate applies pending migrations, each in its own transaction. It refuses
// a database whose schema is newer than the binary.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := Migrations(s.dialect.name)
	if err != nil {
		return 0, err
	}
	if s.dialect.name == "postgres" {
		// Several processes may start at once against one database: serialize.
		conn, err := s.W.Conn(ctx)
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7346101)"); err != nil {
			return 0, fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7346101)")
	}
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].Version
	}
	if cur > latest {
		return 0, &ErrTooNew{DB: cur, Binary: latest}
	}
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		tx, err := s.W.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			m.Version, m.Name, s.now().Format("2006-01-02T15:04:05.000Z07:00")); err != nil {
			tx.Rollback()
			return applied, err
		}
		if err := tx.Commit(); err != nil {
			return applied, err
		}
		applied++
	}
	// Version 9 added aggregates kept with every write; a database that
	// already held records gets them computed once from the records.
	if cur > 0 && cur < statsVersion && latest >= statsVersion {
		if err := s.RebuildStats(ctx); err != nil {
			return applied, fmt.Errorf("store: fill the statistics aggregates: %w", err)
		}
	}
	if applied > 0 && s.dialect.name == "sqlite" {
		// A migration may edit a stored table definition (0004 widens the
		// users.role CHECK); a connection keeps the definitions it parsed,
		// so idle connections are closed and the next use opens a fresh one.
		for _, db := range []*sql.DB{s.W, s.R} {
			db.SetMaxIdleConns(0)
		}
		s.W.SetMaxIdleConns(1)
		s.R.SetMaxIdleConns(s.readConns)
	}
	return applied, nil
}

// statsVersion is the migration that added the statistics aggregates.
const statsVersion = 9

// LatestVersion is the newest migration this binary carries.
func LatestVersion() int {
	ms, _ := Migrations("sqlite")
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}
