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

// bulkBrands make distinct two-character trade names for bulk test rows.
var bulkBrands = []rune("华金恒鼎佳美宏康盛隆博瑞泰鑫信丰")

func bulkRows(f storetest.Fixture, first, n int) []store.EnterpriseInput {
	grids := []int64{f.GridA1.ID, f.GridA2.ID, f.GridB1.ID}
	rows := make([]store.EnterpriseInput, n)
	for i := range rows {
		k := first + i
		brand := string([]rune{bulkBrands[k%len(bulkBrands)], bulkBrands[(k/len(bulkBrands))%len(bulkBrands)]})
		lat, lng := 28.9+float64(k)/1e4, 120.0-float64(k)/1e4
		rows[i] = store.EnterpriseInput{
			USCC: storetest.USCC(1000 + k), Name: "永康市" + brand + "五金制品有限公司", ShortName: brand + "五金",
			IndustryID: f.Industry.ID, AboveScale: k%9 == 0, GridID: grids[k%len(grids)],
			Address: "浙江省永康市城西新区金城路" + strings.Repeat("1", 1+k%3) + "号", Lat: &lat, Lng: &lng,
			Employees: 10 + k, FoundedOn: "2010-05-0" + string(rune('1'+k%9)), LegalRep: "王" + string(bulkBrands[k%len(bulkBrands)]),
		}
		if k%10 == 3 {
			rows[i].Lat, rows[i].Lng, rows[i].FoundedOn = nil, nil, ""
		}
	}
	return rows
}

func indexNames(t *testing.T, s *store.Store) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('enterprises', 'enterprise_terms') ORDER BY name"
	if s.Engine() == "postgres" {
		q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('enterprises', 'enterprise_terms') ORDER BY indexname"
	}
	rows, err := s.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func countRows(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestBulkLoadEnterprises(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	f := storetest.MustZone(t, s)
	defer store.SetBulkSizes(7, 50, 30)()
	before := indexNames(t, s)

	rows := bulkRows(f, 0, 95)
	want := slices.Clone(rows)
	var progress []int
	if err := s.BulkLoadEnterprises(ctx, rows, func(done int) { progress = append(progress, done) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(progress, []int{30, 60, 90, 95}) {
		t.Fatalf("progress %v", progress)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM enterprises"); n != 95 {
		t.Fatalf("%d enterprises", n)
	}
	// Counters per grid match the rows.
	perGrid, above := map[int64]int{}, 0
	for _, r := range want {
		perGrid[r.GridID]++
		above += map[bool]int{true: 1}[r.AboveScale]
	}
	grids, err := s.Grids(ctx, model.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range grids {
		if g.Level == model.GridGrid && g.Enterprises != perGrid[g.ID] {
			t.Fatalf("grid %s: %d enterprises, want %d", g.Code, g.Enterprises, perGrid[g.ID])
		}
	}
	yes := true
	if n, _, err := s.CountEnterprises(ctx, model.System, model.EnterpriseFilter{AboveScale: &yes}, 1000); err != nil || n != above {
		t.Fatalf("above scale: %d %v, want %d", n, err, above)
	}
	// Stored values round-trip.
	for _, i := range []int{0, 3, 94} {
		e, err := s.EnterpriseByUSCC(ctx, model.System, want[i].USCC)
		if err != nil {
			t.Fatal(err)
		}
		got := store.EnterpriseInputOf(e)
		got.Version = 0
		w := want[i]
		w.Status = model.StatusOperating
		if got.Name != w.Name || got.ShortName != w.ShortName || got.Address != w.Address || got.Employees != w.Employees ||
			got.FoundedOn != w.FoundedOn || got.LegalRep != w.LegalRep || got.GridID != w.GridID || got.AboveScale != w.AboveScale ||
			(got.Lat == nil) != (w.Lat == nil) || (got.Lat != nil && (*got.Lat != *w.Lat || *got.Lng != *w.Lng)) || e.Version != 1 {
			t.Fatalf("row %d: got %+v, want %+v", i, got, w)
		}
	}
	// Two-character search goes through the bigram index.
	kw := string(bulkBrands[2]) + string(bulkBrands[1])
	var match []string
	for _, r := range want {
		if strings.Contains(r.Name, kw) {
			match = append(match, r.USCC)
		}
	}
	page, err := s.ListEnterprises(ctx, model.System, model.EnterpriseFilter{Keyword: kw, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, e := range page.Items {
		found = append(found, e.USCC)
	}
	slices.Sort(match)
	slices.Sort(found)
	if len(match) == 0 || !slices.Equal(found, match) {
		t.Fatalf("search %s: %v, want %v", kw, found, match)
	}
	// One audit entry per transaction, an intact chain, indexes back.
	entries, err := s.ListAudit(ctx, model.AuditFilter{Action: "enterprise.bulk_load"})
	if err != nil || len(entries) != 4 {
		t.Fatalf("audit: %d entries, %v", len(entries), err)
	}
	if !strings.Contains(entries[0].After, `"count":5`) || entries[0].ActorName != "system" {
		t.Fatalf("last audit entry: %+v", entries[0])
	}
	if res, err := s.VerifyAudit(ctx); err != nil || res.BadSeq != 0 {
		t.Fatalf("audit chain: %+v %v", res, err)
	}
	if after := indexNames(t, s); !slices.Equal(after, before) {
		t.Fatalf("indexes %v, want %v", after, before)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM settings WHERE key = 'store.deferred_indexes'"); n != 0 {
		t.Fatal("deferred indexes still recorded")
	}
	if s.Engine() == "sqlite" {
		// The writer connection's settings are back.
		for pragma, want := range map[string]string{"foreign_keys": "1", "cache_size": "-32000", "wal_autocheckpoint": "1000"} {
			var got string
			if err := s.W.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil || got != want {
				t.Fatalf("PRAGMA %s = %s %v, want %s", pragma, got, err, want)
			}
		}
	}
	// A second load into the now non-empty table adds to it.
	if err := s.BulkLoadEnterprises(ctx, bulkRows(f, 95, 10), nil); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.CountEnterprises(ctx, model.System, model.EnterpriseFilter{}, 1000); n != 105 {
		t.Fatalf("after second load: %d", n)
	}
	// The normal write path still works beside bulk-loaded rows.
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
}

func TestBulkLoadRejects(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	f := storetest.MustZone(t, s)
	defer store.SetBulkSizes(7, 50, 30)()
	before := indexNames(t, s)

	check := func(name string, rows []store.EnterpriseInput, code, field string) {
		t.Helper()
		err := s.BulkLoadEnterprises(ctx, rows, nil)
		e, ok := model.AsError(err)
		if !ok || e.Code != code || (field != "" && e.Fields[field].Key == "") {
			t.Fatalf("%s: %v, want %s on %s", name, err, code, field)
		}
	}
	rows := bulkRows(f, 0, 40)
	if wrong := "0"; rows[33].USCC[17:] != wrong {
		rows[33].USCC = rows[33].USCC[:17] + wrong
	} else {
		rows[33].USCC = rows[33].USCC[:17] + "1"
	}
	check("bad check character", rows, model.EINVALID, "uscc")
	rows = bulkRows(f, 0, 40)
	rows[35].GridID = f.AreaA.ID
	check("area instead of grid", rows, model.EINVALID, "grid_id")
	rows = bulkRows(f, 0, 40)
	rows[36].Status = "gone"
	check("status", rows, model.EINVALID, "status")
	rows = bulkRows(f, 0, 40)
	rows[37].USCC = rows[2].USCC
	check("duplicate in the input", rows, model.ECONFLICT, "uscc")
	if n := countRows(t, s, "SELECT COUNT(*) FROM enterprises"); n != 0 {
		t.Fatalf("rejected loads wrote %d rows", n)
	}

	// A code already stored: the transaction holding it fails and names the
	// holder; the indexes are back.
	held := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1000+38, "浙江兰歌化学工业有限公司")
	err := s.BulkLoadEnterprises(ctx, bulkRows(f, 0, 40), nil)
	e, ok := model.AsError(err)
	if !ok || e.Code != model.ECONFLICT || len(e.Args) != 1 || e.Args[0] != held.Name {
		t.Fatalf("stored duplicate: %v", err)
	}
	if after := indexNames(t, s); !slices.Equal(after, before) {
		t.Fatalf("indexes %v, want %v", after, before)
	}
	if err := s.BulkLoadEnterprises(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreDeferredIndexes(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	before := indexNames(t, s)
	if err := s.DeferIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	during := indexNames(t, s)
	if len(during) >= len(before) || !slices.ContainsFunc(during, func(n string) bool { return strings.Contains(n, "uscc") }) {
		t.Fatalf("deferred: %v (before %v)", during, before)
	}
	// As after an interrupted load: the next start builds them again.
	for range 2 {
		if err := s.RestoreDeferredIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		if after := indexNames(t, s); !slices.Equal(after, before) {
			t.Fatalf("restored %v, want %v", after, before)
		}
	}
	if err := s.DeferIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	f := storetest.MustZone(t, s)
	// A load finds the record and builds the indexes first.
	if err := s.BulkLoadEnterprises(ctx, bulkRows(f, 0, 3), nil); err != nil {
		t.Fatal(err)
	}
	if after := indexNames(t, s); !slices.Equal(after, before) {
		t.Fatalf("after load %v, want %v", after, before)
	}
}
