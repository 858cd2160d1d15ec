package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/textkey"
)

// Bulk loading sizes. A statement carries bulkRowsPerStmt enterprises
// (15 parameters each, 7,501 in all) or bulkTermsPerStmt bigram rows (2
// each, 8,000), well under SQLite's 32,766 and PostgreSQL's 65,535
// parameters per statement. They are variables so that tests can cross the
// batch boundaries with few rows.
var (
	bulkRowsPerStmt  = 500
	bulkTermsPerStmt = 4000
	bulkRowsPerTx    = 20000
)

// bulkEntCols are the parameters per enterprise; the time is shared.
const bulkEntCols = 15

// deferredIndexesKey is the settings entry that records the definitions of
// the indexes a bulk load dropped, until they are built again.
const deferredIndexesKey = "store.deferred_indexes"

// BulkLoadEnterprises inserts many enterprises quickly, for the benchmark
// generator and large first loads: multi-row INSERTs of 500 rows, one
// transaction per 20,000 rows, each with the rows' search bigrams, sort keys
// and search text, the grid counters and one audit entry
// ("enterprise.bulk_load" with the count and the id range).
//
// The rows are expected to be valid already. They are checked cheaply up
// front (credit code, name, status, known leaf grid and industry, distinct
// codes) and normalized in place; a row failing a check stops the load before
// anything is written. A failure while writing (a credit code already stored)
// stops it with the earlier transactions committed. Scope is not applied: the
// load runs as the system. progress, when not nil, is called after every
// committed transaction with the number of rows loaded so far.
//
// When the enterprises table is empty at the start, the non-unique indexes
// of enterprises and enterprise_terms are dropped and built again at the end
// (sorting once is much cheaper than millions of random index insertions);
// their definitions are kept in the settings table meanwhile, so that
// RestoreDeferredIndexes can finish the job after an interrupted load. The
// planner statistics are refreshed (ANALYZE) at the end. On SQLite the
// writer connection is tuned while the load runs (see bulkPragmas), so it is
// meant for offline use rather than beside a serving process.
func (s *Store) BulkLoadEnterprises(ctx context.Context, rows []EnterpriseInput, progress func(done int)) (err error) {
	if len(rows) == 0 {
		return nil
	}
	founded, err := s.checkBulk(ctx, rows)
	if err != nil {
		return err
	}
	if err := s.RestoreDeferredIndexes(ctx); err != nil {
		return err
	}
	if s.dialect.name == "sqlite" {
		restore, err := s.bulkPragmas(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	if err := s.deferIndexes(ctx); err != nil {
		return err
	}
	defer func() {
		if e := s.RestoreDeferredIndexes(context.WithoutCancel(ctx)); err == nil {
			err = e
		}
		if err == nil {
			err = s.Analyze(ctx)
		}
	}()

	// The sort keys, bigrams and statement arguments of the next
	// transaction are prepared while the current one is written.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *bulkBatch, 1)
	go func() {
		defer close(batches)
		for start := 0; start < len(rows); start += bulkRowsPerTx {
			end := min(start+bulkRowsPerTx, len(rows))
			select {
			case batches <- prepareBulk(rows[start:end], founded[start:end]):
			case <-cctx.Done():
				return
			}
		}
	}()
	entSQL := s.bulkEnterpriseSQL(bulkRowsPerStmt)
	termSQL := s.bulkTermSQL(bulkTermsPerStmt)
	done := 0
	for b := range batches {
		err := s.InTx(ctx, func(tx *Tx) error { return s.bulkTx(ctx, tx, b, entSQL, termSQL, "enterprise_terms") })
		if dup, ok := errors.AsType[*bulkDuplicate](err); ok {
			return fmt.Errorf("store: bulk load: %w", s.duplicateHolder(ctx, dup.codes))
		}
		if err != nil {
			return err
		}
		done += len(b.rows)
		if progress != nil {
			progress(done)
		}
	}
	return nil
}

// bulkPragmas tunes the one SQLite writer connection for the load and
// returns the function that puts the previous settings back:
//   - foreign keys off: the rows were checked against the grids and
//     industries, and the bigrams refer to rows of the same transaction; with
//     immediate foreign keys every multi-row INSERT keeps a statement journal
//     (see bulkInsert), which made a load of a million rows a third slower;
//   - a larger page cache for the indexes being filled;
//   - a checkpoint every 64 MiB of log instead of every 4 MiB, so pages
//     rewritten by consecutive transactions reach the database file once.
//
// Other writes of this process share the writer connection and so these
// settings while the load runs; the loader is meant for offline use (the
// benchmark generator, a first load), not beside a serving process.
func (s *Store) bulkPragmas(ctx context.Context) (restore func(), err error) {
	tuned := []struct{ name, value string }{
		{"foreign_keys", "OFF"}, {"cache_size", "-131072"}, {"wal_autocheckpoint", "16384"},
	}
	saved := make([]string, len(tuned))
	for i, p := range tuned {
		if err := s.W.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&saved[i]); err != nil {
			return nil, fmt.Errorf("store: bulk load: read %s: %w", p.name, err)
		}
	}
	n := 0 // settings changed so far
	restore = func() {
		ctx := context.WithoutCancel(ctx)
		for i := range n {
			_, _ = s.W.ExecContext(ctx, "PRAGMA "+tuned[i].name+" = "+saved[i])
		}
		_, _ = s.W.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	for _, p := range tuned {
		if _, err := s.W.ExecContext(ctx, "PRAGMA "+p.name+" = "+p.value); err != nil {
			restore()
			return nil, fmt.Errorf("store: bulk load: set %s: %w", p.name, err)
		}
		n++
	}
	return restore, nil
}

// Analyze refreshes the planner statistics. On SQLite the analysis reads a
// bounded sample of each index (analysis_limit), which keeps it to seconds on
// millions of rows.
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect.name == "sqlite" {
		conn, err := s.W.Conn(ctx)
		if err != nil {
			return fmt.Errorf("store: analyze: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "PRAGMA analysis_limit = 2000"); err != nil {
			return fmt.Errorf("store: analyze: %w", err)
		}
		_, err = conn.ExecContext(ctx, "ANALYZE")
		if _, e := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA analysis_limit = 0"); err == nil {
			err = e
		}
		if err != nil {
			return fmt.Errorf("store: analyze: %w", err)
		}
		return nil
	}
	if _, err := s.W.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// indexDef is a secondary index and the statement that creates it.
type indexDef struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

// deferIndexes drops the non-unique indexes of the enterprises and
// enterprise_terms tables when they are empty, recording their definitions in
// the same transaction. Unique indexes (the credit code, the bigram key) stay:
// they guard against concurrent writers and duplicate rows.
func (s *Store) deferIndexes(ctx context.Context) error {
	return s.deferIndexesOf(ctx, "enterprises", "enterprise_terms")
}

// deferIndexesOf drops the non-unique indexes of the tables when the first
// one is empty (see deferIndexes).
func (s *Store) deferIndexesOf(ctx context.Context, table, other string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+table+" LIMIT 1) x").Scan(&n); err != nil {
			return fmt.Errorf("store: defer indexes: %w", err)
		}
		if n > 0 {
			return nil
		}
		q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ($1, $2) AND sql IS NOT NULL
			ORDER BY name`
		if s.dialect.name == "postgres" {
			q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ($1, $2)
				ORDER BY indexname`
		}
		rows, err := tx.QueryContext(ctx, q, table, other)
		if err != nil {
			return fmt.Errorf("store: defer indexes: %w", err)
		}
		var defs []indexDef
		for rows.Next() {
			var d indexDef
			if err := rows.Scan(&d.Name, &d.SQL); err != nil {
				rows.Close()
				return err
			}
			if !strings.HasPrefix(strings.ToUpper(d.SQL), "CREATE UNIQUE") {
				defs = append(defs, d)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(defs) == 0 {
			return nil
		}
		b, _ := json.Marshal(defs)
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2)", deferredIndexesKey, string(b)); err != nil {
			return fmt.Errorf("store: defer indexes: %w", err)
		}
		for _, d := range defs {
			if _, err := tx.ExecContext(ctx, "DROP INDEX "+d.Name); err != nil {
				return fmt.Errorf("store: defer index %s: %w", d.Name, err)
			}
		}
		return nil
	})
}

// RestoreDeferredIndexes builds the indexes a bulk load dropped, if any are
// still recorded: a load does so when it ends, and a process that starts on a
// database whose load was interrupted should call it once.
func (s *Store) RestoreDeferredIndexes(ctx context.Context) error {
	var v string
	err := s.R.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", deferredIndexesKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: deferred indexes: %w", err)
	}
	var defs []indexDef
	if err := json.Unmarshal([]byte(v), &defs); err != nil {
		return fmt.Errorf("store: deferred indexes: %w", err)
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for _, d := range defs {
			if _, err := tx.ExecContext(ctx, d.SQL); err != nil {
				return fmt.Errorf("store: build index %s: %w", d.Name, err)
			}
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = $1", deferredIndexesKey)
		return err
	})
}

// checkBulk normalizes the rows in place and validates them cheaply; it
// returns the parsed founding dates (nil for none).
func (s *Store) checkBulk(ctx context.Context, rows []EnterpriseInput) ([]any, error) {
	grids, err := s.idSet(ctx, "SELECT id FROM grids WHERE level = 'grid'")
	if err != nil {
		return nil, err
	}
	industries, err := s.idSet(ctx, "SELECT id FROM industries")
	if err != nil {
		return nil, err
	}
	founded := make([]any, len(rows))
	seen := make(map[string]int, len(rows))
	now := s.now()
	for i := range rows {
		in := &rows[i]
		var v model.Validation
		in.USCC = ident.NormalizeUSCC(in.USCC)
		in.Name, in.ShortName = strings.TrimSpace(in.Name), strings.TrimSpace(in.ShortName)
		if p, args := ident.ValidateUSCC(in.USCC); p != "" {
			v.Add("uscc", p, args...)
		} else if j, dup := seen[in.USCC]; dup {
			return nil, fmt.Errorf("store: bulk load row %d: %w", i+1,
				model.FieldConflict("uscc", "enterprise.duplicate_uscc", rows[j].Name))
		} else {
			seen[in.USCC] = i
		}
		if in.Name == "" {
			v.Add("name", "field.required")
		} else if len([]rune(in.Name)) > 100 {
			v.Add("name", "field.too_long", 100)
		}
		if len([]rune(in.ShortName)) > 30 {
			v.Add("short_name", "field.too_long", 30)
		}
		if in.Status == "" {
			in.Status = model.StatusOperating
		}
		if !slices.Contains(model.EnterpriseStatuses, in.Status) {
			v.Add("status", "field.choose")
		}
		if !industries[in.IndustryID] {
			v.Add("industry_id", "field.unknown")
		}
		if !grids[in.GridID] {
			v.Add("grid_id", "enterprise.grid_leaf")
		}
		if in.Employees < 0 || in.Employees > 10_000_000 {
			v.Add("employees", "field.range", 0, 10_000_000)
		}
		if (in.Lat == nil) != (in.Lng == nil) {
			v.Add("lat", "enterprise.coords_pair")
		} else if in.Lat != nil && (math.IsNaN(*in.Lat) || math.Abs(*in.Lat) > 90) {
			v.Add("lat", "field.range", -90, 90)
		} else if in.Lng != nil && (math.IsNaN(*in.Lng) || math.Abs(*in.Lng) > 180) {
			v.Add("lng", "field.range", -180, 180)
		}
		if in.FoundedOn != "" {
			d, err := time.Parse("2006-01-02", in.FoundedOn)
			switch {
			case err != nil:
				v.Add("founded_on", "field.date_format")
			case d.After(now):
				v.Add("founded_on", "field.date_future")
			default:
				founded[i] = d
			}
		}
		if err := v.Err(); err != nil {
			return nil, fmt.Errorf("store: bulk load row %d: %w", i+1, err)
		}
	}
	return founded, nil
}

func (s *Store) idSet(ctx context.Context, q string) (map[int64]bool, error) {
	rows, err := s.R.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: bulk load: %w", err)
	}
	defer rows.Close()
	set := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		set[id] = true
	}
	return set, rows.Err()
}

// duplicateHolder names the stored enterprise holding one of codes.
func (s *Store) duplicateHolder(ctx context.Context, codes []string) error {
	args := make([]any, len(codes))
	ph := make([]string, len(codes))
	for i, c := range codes {
		args[i], ph[i] = c, "$"+strconv.Itoa(i+1)
	}
	var code string
	err := s.R.QueryRowContext(ctx, "SELECT uscc FROM enterprises WHERE uscc IN ("+strings.Join(ph, ",")+") ORDER BY uscc LIMIT 1",
		args...).Scan(&code)
	if err != nil {
		return model.FieldConflict("uscc", "enterprise.duplicate_uscc", "")
	}
	return s.duplicateUSCC(ctx, s.R, code)
}

// bulkEnterpriseSQL renders an INSERT of n enterprises returning their ids
// and codes (the order RETURNING emits rows in is not defined, so ids are
// matched back by code). The first parameter is the transaction time.
//
// On SQLite the other parameters are positional "?": the driver looks up
// every parameter's name when binding, at a cost proportional to the number
// of named ($n) parameters, so thousands of $n parameters bind in quadratic
// time. "?1" comes first in the text, so the "?" that follow are numbered
// from 2.
func (s *Store) bulkEnterpriseSQL(n int) string {
	var b strings.Builder
	b.Grow(n * 100)
	b.WriteString(s.bulkInsert() + ` enterprises (created_at, updated_at, version, uscc, name, short_name, industry_id,
		above_scale, grid_id, address, lat, lng, employees, status, founded_on, legal_rep, sort_key, search_text) VALUES `)
	ph := s.placeholders(2)
	now := "$1"
	if s.dialect.name == "sqlite" {
		now = "?1"
	}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(" + now + "," + now + ",1")
		for range bulkEntCols {
			b.WriteByte(',')
			b.WriteString(ph())
		}
		b.WriteByte(')')
	}
	b.WriteString(" RETURNING id, uscc")
	return b.String()
}

// bulkTermSQL renders an INSERT of n (term, enterprise_id) rows.
func (s *Store) bulkTermSQL(n int) string { return s.bulkTermSQLInto("enterprise_terms", n) }

// bulkTermSQLInto renders an INSERT of n (term, enterprise_id) rows into table.
func (s *Store) bulkTermSQLInto(table string, n int) string {
	var b strings.Builder
	b.Grow(n * 12)
	b.WriteString(s.bulkInsert() + " " + table + " (term, enterprise_id) VALUES ")
	ph := s.placeholders(1)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(" + ph() + "," + ph() + ")")
	}
	return b.String()
}

// bulkInsert begins a bulk INSERT. On SQLite it is INSERT OR ROLLBACK: a
// failing row ends the whole transaction (which fails anyway), so SQLite
// keeps no statement journal, into which every page a multi-row statement
// touches would otherwise be copied first.
func (s *Store) bulkInsert() string {
	if s.dialect.name == "sqlite" {
		return "INSERT OR ROLLBACK INTO"
	}
	return "INSERT INTO"
}

// placeholders returns a generator of consecutive parameter markers from
// number from on: "$from", "$from+1", … on PostgreSQL, "?" on SQLite (see
// bulkEnterpriseSQL).
func (s *Store) placeholders(from int) func() string {
	n := from - 1
	return func() string {
		n++
		if s.dialect.name == "sqlite" {
			return "?"
		}
		return "$" + strconv.Itoa(n)
	}
}

// bulkBatch is one transaction's rows with everything derived from them
// that does not need the database.
type bulkBatch struct {
	rows  []EnterpriseInput
	args  [][]any    // per statement: the rows' parameters, after a slot for the time
	terms []termRows // bigrams in term order, each with the rows (indexes into rows) that contain it
	nterm int        // total (term, row) pairs
}

type termRows struct {
	term string
	rows []int32
}

func prepareBulk(rows []EnterpriseInput, founded []any) *bulkBatch {
	b := &bulkBatch{rows: rows}
	byTerm := map[string][]int32{}
	for start := 0; start < len(rows); start += bulkRowsPerStmt {
		batch := rows[start:min(start+bulkRowsPerStmt, len(rows))]
		args := make([]any, 1, 1+bulkEntCols*len(batch))
		for i := range batch {
			in := &batch[i]
			var lat, lng any
			if in.Lat != nil {
				lat, lng = *in.Lat, *in.Lng
			}
			args = append(args, in.USCC, in.Name, in.ShortName, in.IndustryID, in.AboveScale, in.GridID, in.Address,
				lat, lng, in.Employees, in.Status, founded[start+i], in.LegalRep,
				textkey.SortKey(in.Name), textkey.SearchText(in.Name, in.ShortName))
			for _, t := range textkey.Bigrams(in.Name, in.ShortName) {
				byTerm[t] = append(byTerm[t], int32(start+i))
			}
		}
		b.args = append(b.args, args)
	}
	// Sorted by term, each statement walks the (term, enterprise_id) key
	// forward instead of jumping around it.
	b.terms = make([]termRows, 0, len(byTerm))
	for t, rs := range byTerm {
		b.terms = append(b.terms, termRows{t, rs})
		b.nterm += len(rs)
	}
	slices.SortFunc(b.terms, func(x, y termRows) int { return strings.Compare(x.term, y.term) })
	return b
}

// bulkDuplicate reports that a batch hit a code already stored; the caller
// names the holder once the failed transaction is rolled back.
type bulkDuplicate struct{ codes []string }

func (e *bulkDuplicate) Error() string { return "store: bulk load: duplicate credit code" }

// bulkTx writes one transaction's rows.
// The bigrams go into termTable (enterprise_terms, or an import's staging
// table).
func (s *Store) bulkTx(ctx context.Context, tx *Tx, b *bulkBatch, entSQL, termSQL, termTable string) error {
	var entStmt, termStmt *sql.Stmt
	defer func() {
		for _, st := range []*sql.Stmt{entStmt, termStmt} {
			if st != nil {
				st.Close()
			}
		}
	}()
	pos := make(map[string]int32, len(b.rows))
	for i := range b.rows {
		pos[b.rows[i].USCC] = int32(i)
	}
	ids := make([]int64, len(b.rows))
	for k, args := range b.args {
		args[0] = tx.now
		n := (len(args) - 1) / bulkEntCols
		var rs *sql.Rows
		var err error
		if n == bulkRowsPerStmt {
			if entStmt == nil {
				if entStmt, err = tx.PrepareContext(ctx, entSQL); err != nil {
					return fmt.Errorf("store: bulk insert enterprises: %w", err)
				}
			}
			rs, err = entStmt.QueryContext(ctx, args...)
		} else {
			rs, err = tx.QueryContext(ctx, s.bulkEnterpriseSQL(n), args...)
		}
		if err == nil {
			for rs.Next() {
				var id int64
				var code string
				if err = rs.Scan(&id, &code); err != nil {
					break
				}
				if i, ok := pos[code]; ok {
					ids[i] = id
				}
			}
			if e := rs.Close(); err == nil {
				err = e
			}
			if err == nil {
				err = rs.Err()
			}
		}
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				codes := make([]string, n)
				for i := range n {
					codes[i] = b.rows[k*bulkRowsPerStmt+i].USCC
				}
				return &bulkDuplicate{codes: codes}
			}
			return fmt.Errorf("store: bulk insert enterprises: %w", err)
		}
	}
	firstID, lastID := ids[0], ids[0]
	for i, id := range ids {
		if id == 0 {
			return fmt.Errorf("store: bulk insert enterprises: no id returned for %s", b.rows[i].USCC)
		}
		firstID, lastID = min(firstID, id), max(lastID, id)
	}

	args := make([]any, 0, 2*bulkTermsPerStmt)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		var err error
		if len(args) == 2*bulkTermsPerStmt {
			if termStmt == nil {
				if termStmt, err = tx.PrepareContext(ctx, termSQL); err != nil {
					return fmt.Errorf("store: bulk insert enterprise terms: %w", err)
				}
			}
			_, err = termStmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, s.bulkTermSQLInto(termTable, len(args)/2), args...)
		}
		if err != nil {
			return fmt.Errorf("store: bulk insert enterprise terms: %w", err)
		}
		args = args[:0]
		return nil
	}
	for _, t := range b.terms {
		for _, r := range t.rows {
			args = append(args, t.term, ids[r])
			if len(args) == 2*bulkTermsPerStmt {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}

	type counts struct{ ents, above int }
	type key struct{ grid, industry int64 }
	byKey := map[key]*counts{}
	for i := range b.rows {
		k := key{b.rows[i].GridID, b.rows[i].IndustryID}
		c := byKey[k]
		if c == nil {
			c = &counts{}
			byKey[k] = c
		}
		c.ents++
		c.above += b2i(b.rows[i].AboveScale)
	}
	keys := make([]key, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.grid != b.grid {
			return int(a.grid - b.grid)
		}
		return int(a.industry - b.industry)
	})
	for _, k := range keys {
		if err := bumpGridCount(ctx, tx, k.grid, k.industry, byKey[k].ents, byKey[k].above); err != nil {
			return fmt.Errorf("store: bulk grid counts: %w", err)
		}
	}
	return tx.Audit(ctx, model.System, Change{Action: "enterprise.bulk_load", Entity: "enterprise",
		After: map[string]any{"count": len(b.rows), "first_id": firstID, "last_id": lastID, "terms": b.nterm}})
}
