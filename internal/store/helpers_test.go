package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

var bg = context.Background()

// wantCode fails unless err is a domain error with the given code.
func wantCode(t *testing.T, err error, code string) *model.Error {
	t.Helper()
	if got := model.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	e, _ := model.AsError(err)
	return e
}

// wantField fails unless err has the code and names field with key.
func wantField(t *testing.T, err error, code, field, key string) model.FieldError {
	t.Helper()
	e := wantCode(t, err, code)
	fe, ok := e.Fields[field]
	if !ok {
		t.Fatalf("error %v has no field %q", err, field)
	}
	if fe.Key != key {
		t.Fatalf("field %q key = %q, want %q (%v)", field, fe.Key, key, err)
	}
	return fe
}

func ptr[T any](v T) *T { return &v }

// input turns a stored enterprise back into an input carrying its version.
func input(e model.Enterprise) store.EnterpriseInput {
	in := store.EnterpriseInput{USCC: e.USCC, Name: e.Name, ShortName: e.ShortName, IndustryID: e.IndustryID,
		AboveScale: e.AboveScale, GridID: e.GridID, Address: e.Address, Lat: e.Lat, Lng: e.Lng,
		Employees: e.Employees, Status: e.Status, LegalRep: e.LegalRep, Version: e.Version}
	if e.FoundedOn != nil {
		in.FoundedOn = e.FoundedOn.Format("2006-01-02")
	}
	return in
}

// newInput is a valid input for a new enterprise.
func newInput(f storetest.Fixture, n int, name string) store.EnterpriseInput {
	return store.EnterpriseInput{USCC: storetest.USCC(n), Name: name, IndustryID: f.Industry.ID,
		GridID: f.GridA1.ID, Status: model.StatusOperating}
}

func ids(es []model.Enterprise) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func names(es []model.Enterprise) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

// listAll walks every page forward and returns the rows in order.
func listAll(t *testing.T, s *store.Store, actor *model.Actor, f model.EnterpriseFilter) []model.Enterprise {
	t.Helper()
	var out []model.Enterprise
	f.Cursor = ""
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("listAll: pagination does not terminate")
		}
		p, err := s.ListEnterprises(bg, actor, f)
		if err != nil {
			t.Fatalf("list %+v: %v", f, err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

// sameIDs compares id lists ignoring order.
func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkGridCounts asserts grid_counts equals a real COUNT(*) for every grid.
func checkGridCounts(t *testing.T, s *store.Store) {
	t.Helper()
	rows, err := s.R.QueryContext(bg, `SELECT g.code, COALESCE(c.enterprises, 0), COALESCE(c.above_scale, 0),
		(SELECT COUNT(*) FROM enterprises e WHERE e.grid_id = g.id AND e.deleted_at IS NULL),
		(SELECT COUNT(*) FROM enterprises e WHERE e.grid_id = g.id AND e.deleted_at IS NULL AND e.above_scale)
		FROM grids g LEFT JOIN (SELECT grid_id, SUM(enterprises) AS enterprises, SUM(above_scale) AS above_scale
		FROM grid_counts GROUP BY grid_id) c ON c.grid_id = g.id ORDER BY g.code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var code string
		var ents, above, realEnts, realAbove int
		if err := rows.Scan(&code, &ents, &above, &realEnts, &realAbove); err != nil {
			t.Fatal(err)
		}
		n++
		if ents != realEnts || above != realAbove {
			t.Errorf("grid %s: grid_counts enterprises=%d above_scale=%d, real %d and %d", code, ents, above, realEnts, realAbove)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("checkGridCounts: no grids")
	}
}

// auditCount returns the number of audit entries.
func auditCount(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lastAudit returns the newest audit entry.
func lastAudit(t *testing.T, s *store.Store) model.AuditEntry {
	t.Helper()
	es, err := s.ListAudit(bg, model.AuditFilter{Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatalf("last audit: %v %v", es, err)
	}
	return es[0]
}

func joinNames(es []model.Enterprise) string { return strings.Join(names(es), ", ") }
