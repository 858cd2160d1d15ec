package store

import (
	"context"
	"database/sql"
	"sync"
)

// readStmts caches prepared read statements by SQL text. Parsing and
// planning a statement was a quarter of the CPU of a list request on
// SQLite; a prepared statement is planned once per pooled connection.
// Dynamic SQL (IN lists of varying length) makes many texts, so the cache
// is bounded and past the bound queries simply run unprepared.
type readStmts struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxCachedStmts = 512

func (s *Store) stmt(ctx context.Context, query string) *sql.Stmt {
	c := &s.stmts
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil {
		return st
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if len(c.m) >= maxCachedStmts {
		return nil
	}
	st, err := s.R.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the unprepared call report the error
	}
	c.m[query] = st
	return st
}

// readQuery runs a read through the statement cache.
func (s *Store) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.R.QueryContext(ctx, query, args...)
}

// readRow is readQuery for one row.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.R.QueryRowContext(ctx, query, args...)
}

func (s *Store) closeStmts() {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	for _, st := range s.stmts.m {
		st.Close()
	}
	s.stmts.m = nil
}

// cachedReader lets helpers written against queryer use the cache.
type cachedReader struct{ s *Store }

func (c cachedReader) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.s.W.ExecContext(ctx, q, args...)
}

func (c cachedReader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.s.readQuery(ctx, q, args...)
}

func (c cachedReader) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.s.readRow(ctx, q, args...)
}
