// Package store is redgrid's persistence: one implementation over
// database/sql that runs on SQLite (modernc.org/sqlite) and PostgreSQL (pgx).
// Queries are written in the SQL subset both accept ($n parameters,
// RETURNING, ON CONFLICT); the few differences live in dialect.go and in the
// per-engine migration folders.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5/pgconn"
	"net/url"
	"os"
	"path/filepath"
	"redgrid/internal/secret"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Store is the database. W is the write pool (one connection on SQLite), R the
// read pool; on PostgreSQL they are the same pool.
type Store struct {
	W, R    *sql.DB
	dialect dialect
	url     string
	stmts   readStmts
	// readConns is the SQLite read pool's size (to restore its idle limit).
	readConns int
	// sf is the public station finder's in-memory index.
	sf stationFinder
	// Now returns the current time; tests replace it. Times are stored in UTC
	// and truncated to the millisecond so both engines keep them exactly.
	Now func() time.Time
	// Keys encrypt personal data at rest (ID numbers, phones) and compute
	// their blind indexes. Writes of personal data fail without them.
	Keys *secret.Keyring
	// cal caches the working-day calendar (calendar.go).
	cal calCache
}

// Options tune the pools.
type Options struct {
	ReadConns int // SQLite read pool size (default 2×CPU, min 4)
	PGConns   int // PostgreSQL pool size (default 20)
}

// Open connects to databaseURL ("sqlite:path", a bare path, or
// "postgres://…") without migrating.
func Open(ctx context.Context, databaseURL string, opt Options) (*Store, error) {
	s := &Store{url: databaseURL, Now: time.Now}
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		s.dialect = postgres
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		n := opt.PGConns
		if n <= 0 {
			n = 20
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxLifetime(time.Hour)
		s.W, s.R = db, db
	default:
		s.dialect = sqlite
		path := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite://"), "sqlite:")
		if path == "" {
			return nil, errors.New("store: empty sqlite path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create data directory: %w", err)
			}
		}
		base := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
			"&_pragma=foreign_keys(1)&_pragma=cache_size(-32000)&_time_format=sqlite"
		w, err := sql.Open("sqlite", base+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		n := opt.ReadConns
		if n <= 0 {
			n = 8
		}
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		s.readConns = n
		r.SetConnMaxLifetime(0)
		s.W, s.R = w, r
	}
	if err := s.W.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return s, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	s.closeStmts()
	err := s.W.Close()
	if s.R != s.W {
		if e := s.R.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Engine is "sqlite" or "postgres".
func (s *Store) Engine() string { return s.dialect.name }

// now is the store's clock: UTC, millisecond precision.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Millisecond) }

// Ping checks the database for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// PoolStats returns the read and write pool statistics for /metrics.
func (s *Store) PoolStats() (w, r sql.DBStats) { return s.W.Stats(), s.R.Stats() }

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Tx is a write transaction. Every write method of the store runs inside one,
// together with its audit entry.
type Tx struct {
	*sql.Tx
	s   *Store
	now time.Time
	// quiet suppresses the per-row audit entries of the writes an import
	// makes inside its transaction; the import writes one entry of its own.
	quiet bool
	sp    int // savepoints taken (nested InTx calls)
}

// txKey carries an import's transaction in a context: InTx called with it
// runs inside that transaction (under a savepoint) instead of starting one.
type txKey struct{}

// outerTx returns the import transaction ctx carries, if any.
func outerTx(ctx context.Context) *Tx {
	tx, _ := ctx.Value(txKey{}).(*Tx)
	return tx
}

// Now is the time of the transaction, the same for every row it writes.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (also on panic). On PostgreSQL a transaction that
// loses a deadlock or a serialization check is run again from the start, a
// few times: fn must build everything it writes from its inputs.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if tx := outerTx(ctx); tx != nil {
		return tx.nested(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		err = s.inTx(ctx, fn)
		if attempt >= txAttempts || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// nested runs fn inside tx under a savepoint, so that a failing row of an
// import is undone alone and (on PostgreSQL) does not abort the import's
// transaction.
func (tx *Tx) nested(ctx context.Context, fn func(tx *Tx) error) (err error) {
	tx.sp++
	name := "sp" + strconv.Itoa(tx.sp)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	if err = fn(tx); err != nil {
		if _, e := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); e != nil {
			return fmt.Errorf("store: rollback to savepoint: %w (after %w)", e, err)
		}
	}
	if _, e := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); e != nil && err == nil {
		err = fmt.Errorf("store: release savepoint: %w", e)
	}
	return err
}

// txAttempts bounds the retries of a transaction that lost a deadlock.
const txAttempts = 4

// isRetryable reports a PostgreSQL deadlock (40P01) or serialization
// failure (40001).
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func (s *Store) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.runTx(ctx, s.W.BeginTx, fn)
}

// runTx runs fn in a transaction started by begin (the writer pool's, or
// one connection's), committing on nil and rolling back otherwise.
func (s *Store) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), fn func(tx *Tx) error) (err error) {
	sqlTx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", s.dialect.classify(err))
	}
	tx := &Tx{Tx: sqlTx, s: s, now: s.now()}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", s.dialect.classify(err))
	}
	return nil
}
