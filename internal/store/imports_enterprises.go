package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/textkey"
)

// EnterpriseImportRow is one row of an enterprise file: the input, with the
// industry and grid as the file names them (a code or a name).
type EnterpriseImportRow struct {
	In       EnterpriseInput
	Industry string
	Grid     string
}

type importRef struct {
	id     int64
	level  string // grids
	active bool   // industries
	count  int    // >1: a name several carry
}

type enterpriseImporter struct {
	s          *Store
	actor      *model.Actor
	mode       ImportMode
	industries map[string]*importRef // by folded code and name
	grids      map[string]*importRef // by code, then by folded name
	inScope    map[int64]bool        // grids the actor may write in (nil: all)
	founded    map[*ImportItem]any
	entSQL     string
	termSQL    string

	// New rows are written in chunks of importChunk: the sort keys,
	// bigrams and statement arguments of one chunk are prepared on another
	// goroutine while the previous chunk is written, and each chunk's
	// bigrams go into the index in term order.
	pending      []EnterpriseInput
	pendingFnd   []any
	inflight     chan *bulkBatch
	deferred     []indexDef // indexes dropped for the load, built again at the end
	termTable    string     // where the bigrams go: enterprise_terms, or the staging table of a first load
	emptyAtStart bool
}

// importChunk is how many new enterprises are written together.
const importChunk = 20_000

// prepare starts preparing rows on another goroutine.
func prepareAsync(rows []EnterpriseInput, founded []any) chan *bulkBatch {
	ch := make(chan *bulkBatch, 1)
	go func() { ch <- prepareBulk(rows, founded) }()
	return ch
}

// flushNew hands the pending rows to preparation and writes the chunk
// prepared before (all of it when last).
func (im *enterpriseImporter) flushNew(ctx context.Context, tx *Tx, last bool) error {
	var next chan *bulkBatch
	if len(im.pending) > 0 {
		next = prepareAsync(im.pending, im.pendingFnd)
		im.pending, im.pendingFnd = nil, nil
	}
	if im.inflight != nil {
		if err := im.write(ctx, tx, <-im.inflight); err != nil {
			if next != nil {
				<-next
			}
			return err
		}
	}
	im.inflight = next
	if last && im.inflight != nil {
		b := <-im.inflight
		im.inflight = nil
		return im.write(ctx, tx, b)
	}
	return nil
}

func (im *enterpriseImporter) write(ctx context.Context, tx *Tx, b *bulkBatch) error {
	err := im.s.bulkTx(ctx, tx, b, im.entSQL, im.termSQL, im.termTable)
	if dup, ok := errors.AsType[*bulkDuplicate](err); ok {
		return fmt.Errorf("store: import: %w", im.s.duplicateHolder(ctx, dup.codes))
	}
	return err
}

// finish writes what is pending and builds the deferred indexes again.
func (im *enterpriseImporter) finish(ctx context.Context, tx *Tx) error {
	if err := im.flushNew(ctx, tx, true); err != nil {
		return err
	}
	if im.termTable != "enterprise_terms" {
		// One sorted pass fills the bigram index page after page.
		if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_terms (term, enterprise_id)
			SELECT term, enterprise_id FROM `+im.termTable+` ORDER BY term, enterprise_id`); err != nil {
			return fmt.Errorf("store: import: bigrams: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+im.termTable); err != nil {
			return err
		}
		im.termTable = "enterprise_terms"
	}
	for _, d := range im.deferred {
		if _, err := tx.ExecContext(ctx, d.SQL); err != nil {
			return fmt.Errorf("store: import: build index %s: %w", d.Name, err)
		}
	}
	im.deferred = nil
	return nil
}

// abandon waits for a preparation still running (the import failed).
func (im *enterpriseImporter) abandon() {
	if im.inflight != nil {
		<-im.inflight
		im.inflight = nil
	}
}

// deferIndexesInTx drops the non-unique indexes of the enterprise tables
// inside the import's transaction when the register is empty (a first
// load): building them once at the end is much cheaper than a million
// random insertions, and a failed import rolls the drop back with
// everything else. SQLite only: readers keep their snapshot there, while on
// PostgreSQL the drop would lock readers out until the commit.
func (im *enterpriseImporter) deferIndexesInTx(ctx context.Context, tx *Tx) error {
	if im.s.dialect.name != "sqlite" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM enterprises LIMIT 1) x").Scan(&n); err != nil || n > 0 {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index'
		AND tbl_name IN ('enterprises', 'enterprise_terms') AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return err
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
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+d.Name); err != nil {
			return fmt.Errorf("store: import: defer index %s: %w", d.Name, err)
		}
	}
	im.deferred = defs
	// The bigrams are staged in a temporary table (no index, no log) and
	// put into enterprise_terms in one sorted pass at the end: millions of
	// insertions all over its key would otherwise rewrite most of its pages
	// for every chunk, through the log of one long transaction.
	if _, err := tx.ExecContext(ctx, "CREATE TEMP TABLE import_terms (term TEXT NOT NULL, enterprise_id INTEGER NOT NULL)"); err != nil {
		return fmt.Errorf("store: import: staging table: %w", err)
	}
	im.termTable = "temp.import_terms"
	im.termSQL = im.s.bulkTermSQLInto(im.termTable, bulkTermsPerStmt)
	return nil
}

// refKey folds a name or code for lookups.
func refKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

func addRef(m map[string]*importRef, key string, r importRef) {
	k := refKey(key)
	if k == "" {
		return
	}
	if old, ok := m[k]; ok && old.id != r.id {
		old.count++
		return
	}
	r.count = 1
	m[k] = &r
}

func (s *Store) newEnterpriseImporter(ctx context.Context, q queryer, actor *model.Actor, mode ImportMode) (*enterpriseImporter, error) {
	im := &enterpriseImporter{s: s, actor: actor, mode: mode, industries: map[string]*importRef{},
		grids: map[string]*importRef{}, founded: map[*ImportItem]any{}}
	rows, err := q.QueryContext(ctx, "SELECT id, code, name, active FROM industries")
	if err != nil {
		return nil, fmt.Errorf("store: import industries: %w", err)
	}
	for rows.Next() {
		var r importRef
		var code, name string
		if err := rows.Scan(&r.id, &code, &name, &r.active); err != nil {
			rows.Close()
			return nil, err
		}
		addRef(im.industries, code, r)
		addRef(im.industries, name, r)
	}
	rows.Close()
	byName := map[string]*importRef{}
	rows, err = q.QueryContext(ctx, "SELECT id, code, name, level FROM grids")
	if err != nil {
		return nil, fmt.Errorf("store: import grids: %w", err)
	}
	for rows.Next() {
		var r importRef
		var code, name string
		if err := rows.Scan(&r.id, &code, &name, &r.level); err != nil {
			rows.Close()
			return nil, err
		}
		addRef(im.grids, "#"+code, r)
		addRef(byName, name, r)
	}
	rows.Close()
	for k, v := range byName {
		im.grids[k] = v
	}
	if !actor.Scope.All {
		im.inScope = map[int64]bool{}
		for _, id := range actor.Scope.GridIDs {
			im.inScope[id] = true
		}
	}
	im.entSQL = s.bulkEnterpriseSQL(bulkRowsPerStmt)
	im.termTable = "enterprise_terms"
	im.termSQL = s.bulkTermSQL(bulkTermsPerStmt)
	return im, nil
}

func (im *enterpriseImporter) grid(name string) *importRef {
	if r, ok := im.grids[refKey("#"+name)]; ok {
		return r
	}
	return im.grids[refKey(name)]
}

func (im *enterpriseImporter) check(ctx context.Context, q queryer, items []*ImportItem) error {
	now := im.s.now()
	im.founded = make(map[*ImportItem]any, len(items)) // this batch's, until apply
	codes := make([]any, 0, len(items))
	for _, it := range items {
		r := it.Row.(*EnterpriseImportRow)
		var v model.Validation
		im.founded[it] = checkEnterprise(&v, &r.In, now)
		if err := v.Err(); err != nil {
			if e := it.failWith(err); e != nil {
				return e
			}
		}
		switch ind := im.industries[refKey(r.Industry)]; {
		case strings.TrimSpace(r.Industry) == "":
			it.fail("industry_id", "field.required")
		case ind == nil:
			it.fail("industry_id", "import.unknown_ref", r.Industry)
		case ind.count > 1:
			it.fail("industry_id", "import.ambiguous_ref", r.Industry)
		default:
			r.In.IndustryID = ind.id
		}
		switch g := im.grid(r.Grid); {
		case strings.TrimSpace(r.Grid) == "":
			it.fail("grid_id", "field.required")
		case g == nil:
			it.fail("grid_id", "import.unknown_ref", r.Grid)
		case g.count > 1:
			it.fail("grid_id", "import.ambiguous_ref", r.Grid)
		case g.level != model.GridGrid:
			it.fail("grid_id", "enterprise.grid_leaf")
		case im.inScope != nil && !im.inScope[g.id]:
			it.fail("grid_id", "enterprise.grid_scope")
		default:
			r.In.GridID = g.id
		}
		if r.In.USCC != "" {
			codes = append(codes, r.In.USCC)
		}
	}
	stored := map[string]model.Enterprise{}
	if len(codes) > 0 {
		from := strings.Replace(entFrom, "enterprises e", "enterprises e"+im.s.indexedBy("enterprises_uscc"), 1)
		rows, err := q.QueryContext(ctx, "SELECT "+entCols+from+" WHERE e.uscc IN ("+im.s.paramList(1, len(codes))+")", codes...)
		if err != nil {
			return fmt.Errorf("store: import lookup: %w", err)
		}
		for rows.Next() {
			e, err := scanEnterprise(rows)
			if err != nil {
				rows.Close()
				return err
			}
			stored[e.USCC] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, it := range items {
		r := it.Row.(*EnterpriseImportRow)
		old, ok := stored[r.In.USCC]
		if ok {
			switch {
			case im.inScope != nil && !im.inScope[old.GridID]:
				// Someone else's enterprise: say the code is taken, not whose.
				it.fail("uscc", "import.key_outside_scope")
				continue
			case old.DeletedAt != nil:
				it.fail("uscc", "import.deleted", old.Name)
				continue
			}
		}
		// A deactivated industry may stay on a stored enterprise, not be
		// chosen anew.
		if ind := im.industries[refKey(r.Industry)]; ind != nil && !ind.active && (!ok || ind.id != old.IndustryID) {
			it.fail("industry_id", "enterprise.industry_inactive")
		}
		same := false
		if ok {
			before := inputOf(old)
			before.Version = 0
			after := r.In
			after.Version = 0
			same = sameEnterprise(before, after)
			it.id, it.version, it.old = old.ID, old.Version, old
		}
		classify(it, im.mode, ok, same, "uscc")
	}
	return nil
}

func sameEnterprise(a, b EnterpriseInput) bool {
	eqf := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.USCC == b.USCC && a.Name == b.Name && a.ShortName == b.ShortName && a.IndustryID == b.IndustryID &&
		a.AboveScale == b.AboveScale && a.GridID == b.GridID && a.Address == b.Address && eqf(a.Lat, b.Lat) &&
		eqf(a.Lng, b.Lng) && a.Employees == b.Employees && a.Status == b.Status && a.FoundedOn == b.FoundedOn &&
		a.LegalRep == b.LegalRep
}

func (im *enterpriseImporter) apply(ctx context.Context, tx *Tx, items []*ImportItem) error {
	for _, it := range items {
		r := it.Row.(*EnterpriseImportRow)
		switch it.Status {
		case ImportNew:
			im.pending = append(im.pending, r.In)
			im.pendingFnd = append(im.pendingFnd, im.founded[it])
		case ImportChanged:
			if err := im.update(ctx, tx, it, r.In); err != nil {
				return err
			}
		}
	}
	if len(im.pending) >= importChunk {
		return im.flushNew(ctx, tx, false)
	}
	return nil
}

// update writes a changed enterprise (checked already) with its terms and
// counters, as UpdateEnterprise does.
func (im *enterpriseImporter) update(ctx context.Context, tx *Tx, it *ImportItem, in EnterpriseInput) error {
	old := it.old.(model.Enterprise)
	var founded any
	if in.FoundedOn != "" {
		founded, _ = time.Parse("2006-01-02", in.FoundedOn)
	}
	res, err := tx.ExecContext(ctx, `UPDATE enterprises SET uscc = $1, name = $2, short_name = $3, industry_id = $4,
		above_scale = $5, grid_id = $6, address = $7, lat = $8, lng = $9, employees = $10, status = $11, founded_on = $12,
		legal_rep = $13, sort_key = $14, search_text = $15, updated_at = $16, version = version + 1
		WHERE id = $17 AND version = $18`,
		in.USCC, in.Name, in.ShortName, in.IndustryID, in.AboveScale, in.GridID, in.Address, in.Lat, in.Lng,
		in.Employees, in.Status, founded, in.LegalRep, textkey.SortKey(in.Name), textkey.SearchText(in.Name, in.ShortName),
		tx.now, it.id, it.version)
	if err != nil {
		return fmt.Errorf("store: import update enterprise: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.Errorf(model.ECONFLICT, "import.changed_meanwhile", in.USCC)
	}
	if old.Name != in.Name || old.ShortName != in.ShortName {
		if err := writeTerms(ctx, tx, it.id, in.Name, in.ShortName, true); err != nil {
			return err
		}
	}
	if old.GridID != in.GridID || old.IndustryID != in.IndustryID || old.AboveScale != in.AboveScale {
		if err := bumpGridCount(ctx, tx, old.GridID, old.IndustryID, -1, -b2i(old.AboveScale)); err != nil {
			return err
		}
		if err := bumpGridCount(ctx, tx, in.GridID, in.IndustryID, 1, b2i(in.AboveScale)); err != nil {
			return err
		}
		if err := enterpriseMoved(ctx, tx, it.id, enterpriseKey{old.GridID, old.IndustryID, old.AboveScale, true},
			enterpriseKey{in.GridID, in.IndustryID, in.AboveScale, true}); err != nil {
			return err
		}
	}
	return nil
}
