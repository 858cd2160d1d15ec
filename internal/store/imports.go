package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"redgrid/internal/model"
)

// Imports: the rows of a spreadsheet, already read and typed by
// internal/tabular, are classified against the register (new, changed,
// unchanged, invalid) and written in ONE transaction, all or nothing, with
// one audit entry for the whole file.
//
// Two kinds of importer:
//   - batch importers (enterprises, output values) check a batch of rows
//     with a few queries and write it with multi-row statements; their
//     preview reads only;
//   - row importers (grids, organizations, members, surveys) hand each row
//     to the register's own create or update, inside the import's
//     transaction and under a savepoint (see Tx.nested), so every rule of
//     the register applies and rows may refer to rows above them (a 网格
//     to its 片区 in the same file). Their preview is the same run, rolled
//     back.

// ImportMode says what an import may do with rows whose natural key is
// (not) stored already.
type ImportMode string

const (
	ImportUpsert ImportMode = "upsert" // create new rows, update stored ones
	ImportCreate ImportMode = "create" // a stored key is an error
	ImportUpdate ImportMode = "update" // an unknown key is an error
)

// ImportModes lists the modes, the default first.
var ImportModes = []ImportMode{ImportUpsert, ImportCreate, ImportUpdate}

// ImportStatus is what became of a row.
type ImportStatus uint8

const (
	ImportPending ImportStatus = iota
	ImportNew
	ImportChanged
	ImportUnchanged
	ImportInvalid
)

// ImportIssue is one problem of a row: the input field it concerns (""
// for the row), an i18n key and its arguments.
type ImportIssue struct {
	Field string
	Key   string
	Args  []any
}

// ImportItem is one row handed to an import: Row is the register's row
// type (*EnterpriseImportRow …).
type ImportItem struct {
	Line   int
	Row    any
	Status ImportStatus
	Issues []ImportIssue

	id      int64 // the stored row, when there is one
	version int
	old     any
}

func (it *ImportItem) fail(field, key string, args ...any) {
	it.Issues = append(it.Issues, ImportIssue{Field: field, Key: key, Args: args})
	it.Status = ImportInvalid
}

// failWith turns a register's refusal into issues; an error that is not
// a domain error is returned (it stops the import).
func (it *ImportItem) failWith(err error) error {
	e, ok := model.AsError(err)
	if !ok {
		return err
	}
	if len(e.Fields) == 0 {
		it.fail("", e.Key, e.Args...)
		return nil
	}
	fields := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		it.fail(f, e.Fields[f].Key, e.Fields[f].Args...)
	}
	return nil
}

// ImportCounts are an import's row counts.
type ImportCounts struct {
	Total     int `json:"total"`
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Invalid   int `json:"invalid"`
}

func (c *ImportCounts) add(items []*ImportItem) {
	for _, it := range items {
		c.Total++
		switch it.Status {
		case ImportNew:
			c.New++
		case ImportChanged:
			c.Changed++
		case ImportUnchanged:
			c.Unchanged++
		default:
			c.Invalid++
		}
	}
}

// ImportRequest describes one run over a file.
type ImportRequest struct {
	Register string     // tabular spec name: grids, enterprises, organizations, members, surveys, output_values
	Mode     ImportMode //
	Commit   bool       // false: a preview, nothing stays written
	File     string     // the uploaded file's name (for the audit entry)
	Checksum string     // its SHA-256
	Size     int64
	// Rejected counts the rows the file reader refused (they never reach
	// the store); a commit with any is refused.
	Rejected int
}

// ImportFeed reads the file and hands its valid rows to emit in batches;
// it is called again from the start if a PostgreSQL transaction has to be
// retried. An error stops the import (nothing is written).
type ImportFeed func(emit func([]*ImportItem) error) error

// ErrImportInvalid refuses to commit a file with invalid rows.
var ErrImportInvalid = model.Errorf(model.EINVALID, "import.has_invalid")

// importCacheKiB is the SQLite page cache of the writer during an import.
const importCacheKiB = 64 << 10

// errPreviewDone rolls back a rehearsed preview.
var errPreviewDone = errors.New("store: import preview done")

type batchImporter interface {
	check(ctx context.Context, q queryer, items []*ImportItem) error
	apply(ctx context.Context, tx *Tx, items []*ImportItem) error
}

// finisher is a batch importer that writes in chunks: finish writes the
// rest once every row was checked; abandon stops work in flight.
type finisher interface {
	finish(ctx context.Context, tx *Tx) error
	abandon()
}

type rowImporter interface {
	// row classifies one row and, unless invalid or unchanged, writes it
	// through the register's own create or update (ctx carries the tx).
	row(ctx context.Context, tx *Tx, it *ImportItem) error
}

// importEntity names the audit entity of each register.
var importEntity = map[string]string{
	"grids": "grid", "enterprises": "enterprise", "organizations": "organization",
	"members": "member", "surveys": "survey", "output_values": "output_value",
}

// ImportRegisters lists the registers an import can fill.
func ImportRegisters() []string {
	return []string{"grids", "enterprises", "output_values", "organizations", "members", "surveys"}
}

func (s *Store) newImporter(ctx context.Context, q queryer, actor *model.Actor, register string, mode ImportMode) (any, error) {
	switch register {
	case "enterprises":
		return s.newEnterpriseImporter(ctx, q, actor, mode)
	case "output_values":
		return &outputImporter{s: s, actor: actor, mode: mode}, nil
	case "grids":
		return &gridImporter{s: s, actor: actor, mode: mode}, nil
	case "organizations":
		return &orgImporter{s: s, actor: actor, mode: mode}, nil
	case "members":
		return &memberImporter{s: s, actor: actor, mode: mode}, nil
	case "surveys":
		if mode == ImportUpdate {
			var v model.Validation
			v.Add("mode", "import.no_natural_key")
			return nil, v.Err()
		}
		return &surveyImporter{s: s, actor: actor}, nil
	}
	return nil, model.Errorf(model.ENOTFOUND, "import.unknown_register", register)
}

// Import runs a file's rows through the register: a preview (req.Commit
// false) classifies every row and writes nothing; a commit writes every
// row in one transaction, or nothing when any row is invalid
// (ErrImportInvalid, with the counts). The commit is audited as one entry
// "REGISTER.import" with the file's name, checksum, mode and counts.
func (s *Store) Import(ctx context.Context, actor *model.Actor, req ImportRequest, feed ImportFeed) (ImportCounts, error) {
	if !slices.Contains(ImportModes, req.Mode) {
		var v model.Validation
		v.Add("mode", "field.choose")
		return ImportCounts{}, v.Err()
	}
	entity, ok := importEntity[req.Register]
	if !ok {
		return ImportCounts{}, model.Errorf(model.ENOTFOUND, "import.unknown_register", req.Register)
	}
	var counts ImportCounts
	if !req.Commit {
		// Batch importers preview by reading alone.
		imp, err := s.newImporter(ctx, s.R, actor, req.Register, req.Mode)
		if err != nil {
			return counts, err
		}
		if b, ok := imp.(batchImporter); ok {
			err := feed(func(items []*ImportItem) error {
				if err := b.check(ctx, s.R, items); err != nil {
					return err
				}
				counts.add(items)
				return nil
			})
			counts.Invalid += req.Rejected
			counts.Total += req.Rejected
			return counts, err
		}
	}
	run := s.InTx
	if b, ok := s.batchRegister(req.Register); ok && b && req.Commit && s.dialect.name == "sqlite" {
		run = s.inTxWithoutForeignKeys
	}
	err := run(ctx, func(tx *Tx) error {
		counts = ImportCounts{}
		tx.quiet = true
		ictx := context.WithValue(ctx, txKey{}, tx)
		imp, err := s.newImporter(ctx, tx, actor, req.Register, req.Mode)
		if err != nil {
			return err
		}
		if ei, ok := imp.(*enterpriseImporter); ok && req.Commit {
			if err := ei.deferIndexesInTx(ctx, tx); err != nil {
				return err
			}
		}
		if s.dialect.name == "postgres" {
			// The tables grow inside this transaction while the planner's
			// statistics stay those of before: keep its lookups on the
			// indexes (the counterpart of indexedBy on SQLite).
			if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
		}
		if ei, ok := imp.(*enterpriseImporter); s.dialect.name == "sqlite" && !(ok && ei.deferred != nil) {
			// An import into a filled register walks the name, grid and
			// bigram indexes randomly: give the writer's page cache room
			// while it runs. (A first load touches the credit-code index
			// alone at random, which the usual cache holds.)
			if _, err := tx.ExecContext(ctx, "PRAGMA cache_size = -"+strconv.Itoa(importCacheKiB)); err != nil {
				return err
			}
			defer tx.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -32000")
		}
		if f, ok := imp.(finisher); ok {
			defer f.abandon()
		}
		err = feed(func(items []*ImportItem) error {
			switch im := imp.(type) {
			case batchImporter:
				if err := im.check(ctx, tx, items); err != nil {
					return err
				}
				// Once a row is invalid nothing will be committed: the
				// rest is only checked.
				if counts.Invalid == 0 && req.Rejected == 0 && !hasInvalid(items) {
					if err := im.apply(ctx, tx, items); err != nil {
						return err
					}
				}
			case rowImporter:
				for _, it := range items {
					if err := im.row(ictx, tx, it); err != nil {
						return err
					}
				}
			}
			counts.add(items)
			return nil
		})
		counts.Invalid += req.Rejected
		counts.Total += req.Rejected
		switch {
		case err != nil:
			return err
		case !req.Commit:
			return errPreviewDone
		case counts.Invalid > 0:
			return ErrImportInvalid
		}
		if f, ok := imp.(finisher); ok {
			if err := f.finish(ctx, tx); err != nil {
				return err
			}
		}
		tx.quiet = false
		return tx.Audit(ctx, actor, Change{Action: entity + ".import", Entity: entity, After: map[string]any{
			"file": req.File, "sha256": req.Checksum, "size": req.Size, "mode": req.Mode, "counts": counts}})
	})
	if errors.Is(err, errPreviewDone) {
		err = nil
	}
	return counts, err
}

// indexedBy pins a lookup to an index on SQLite. An import's lookups run
// while the table grows inside one transaction; planner statistics taken
// when it was nearly empty would have SQLite scan it for each batch.
func (s *Store) indexedBy(index string) string {
	if s.dialect.name == "sqlite" {
		return " INDEXED BY " + index
	}
	return ""
}

// batchRegister reports whether a register is imported in batches (its
// rows are checked against the referenced rows by the importer itself).
func (s *Store) batchRegister(register string) (batch, known bool) {
	switch register {
	case "enterprises", "output_values":
		return true, true
	}
	_, known = importEntity[register]
	return false, known
}

// inTxWithoutForeignKeys runs fn in a transaction on the SQLite writer with
// foreign-key enforcement off, for batch imports: their importers resolve
// every reference against rows that cannot change meanwhile (SQLite has one
// writer, and it is this one), and with enforcement on every multi-row
// INSERT keeps a statement journal and every bigram looks its enterprise up
// again. The setting is restored before the connection goes back.
func (s *Store) inTxWithoutForeignKeys(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := s.W.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: writer: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer func() {
		if _, e := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); e != nil {
			// A connection that cannot be put right must not be reused.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = e
			}
		}
	}()
	return s.runTx(ctx, conn.BeginTx, fn)
}

func hasInvalid(items []*ImportItem) bool {
	for _, it := range items {
		if it.Status == ImportInvalid {
			return true
		}
	}
	return false
}

// classify sets a row's status from whether its key is stored and whether
// it differs, by mode; keyField is the input field the natural key is in.
func classify(it *ImportItem, mode ImportMode, stored, same bool, keyField string) {
	switch {
	case it.Status == ImportInvalid:
	case !stored && mode == ImportUpdate:
		it.fail(keyField, "import.not_found")
	case !stored:
		it.Status = ImportNew
	case mode == ImportCreate:
		it.fail(keyField, "import.exists")
	case same:
		it.Status = ImportUnchanged
	default:
		it.Status = ImportChanged
	}
}

// paramList renders n parameter markers from number from: "$from, …"
// on PostgreSQL, "?, …" on SQLite (which looks every named marker up by
// name when binding: quadratic in a thousand-code IN list).
func (s *Store) paramList(from, n int) string {
	var b strings.Builder
	ph := s.placeholders(from)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(ph())
	}
	return b.String()
}
