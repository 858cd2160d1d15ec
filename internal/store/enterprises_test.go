package store_test

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func enterpriseRows(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM enterprises").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEnterpriseValidation(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	valid := newInput(f, 1, "浙江安德电器有限公司")
	good := storetest.USCC(1)
	tests := []struct {
		name       string
		edit       func(in *store.EnterpriseInput)
		field, key string
		args       []any
	}{
		{"credit code too short", func(in *store.EnterpriseInput) { in.USCC = good[:17] }, "uscc", "uscc.length", []any{17}},
		{"credit code too long", func(in *store.EnterpriseInput) { in.USCC = good + "1" }, "uscc", "uscc.length", []any{19}},
		{"credit code with I", func(in *store.EnterpriseInput) { in.USCC = good[:4] + "I" + good[5:] }, "uscc", "uscc.char", []any{5, "I"}},
		{"credit code with Chinese", func(in *store.EnterpriseInput) { in.USCC = good[:9] + "中" + good[10:] }, "uscc", "uscc.char", []any{10, nil}},
		{"credit code bad check", func(in *store.EnterpriseInput) {
			c := byte('0')
			if good[17] == '0' {
				c = '1'
			}
			in.USCC = good[:17] + string(c)
		}, "uscc", "uscc.check", []any{nil, string(good[17])}},
		{"credit code missing", func(in *store.EnterpriseInput) { in.USCC = "  " }, "uscc", "field.required", nil},
		{"name missing", func(in *store.EnterpriseInput) { in.Name = " \t " }, "name", "field.required", nil},
		{"name too long", func(in *store.EnterpriseInput) { in.Name = strings.Repeat("企", 101) }, "name", "field.too_long", []any{100}},
		{"industry missing", func(in *store.EnterpriseInput) { in.IndustryID = 0 }, "industry_id", "field.required", nil},
		{"industry unknown", func(in *store.EnterpriseInput) { in.IndustryID = 987654 }, "industry_id", "field.unknown", nil},
		{"grid missing", func(in *store.EnterpriseInput) { in.GridID = 0 }, "grid_id", "field.required", nil},
		{"grid unknown", func(in *store.EnterpriseInput) { in.GridID = 987654 }, "grid_id", "field.unknown", nil},
		{"grid is an area", func(in *store.EnterpriseInput) { in.GridID = f.AreaA.ID }, "grid_id", "enterprise.grid_leaf", nil},
		{"grid is the zone", func(in *store.EnterpriseInput) { in.GridID = f.Zone.ID }, "grid_id", "enterprise.grid_leaf", nil},
		{"latitude above 90", func(in *store.EnterpriseInput) { in.Lat, in.Lng = ptr(90.5), ptr(120.0) }, "lat", "field.range", []any{-90, 90}},
		{"latitude below -90", func(in *store.EnterpriseInput) { in.Lat, in.Lng = ptr(-91.0), ptr(120.0) }, "lat", "field.range", []any{-90, 90}},
		{"latitude NaN", func(in *store.EnterpriseInput) { in.Lat, in.Lng = ptr(math.NaN()), ptr(120.0) }, "lat", "field.range", []any{-90, 90}},
		{"longitude above 180", func(in *store.EnterpriseInput) { in.Lat, in.Lng = ptr(28.9), ptr(180.01) }, "lng", "field.range", []any{-180, 180}},
		{"longitude below -180", func(in *store.EnterpriseInput) { in.Lat, in.Lng = ptr(28.9), ptr(-200.0) }, "lng", "field.range", []any{-180, 180}},
		{"latitude without longitude", func(in *store.EnterpriseInput) { in.Lat = ptr(28.9) }, "lat", "enterprise.coords_pair", nil},
		{"longitude without latitude", func(in *store.EnterpriseInput) { in.Lng = ptr(120.0) }, "lat", "enterprise.coords_pair", nil},
		{"negative employees", func(in *store.EnterpriseInput) { in.Employees = -1 }, "employees", "field.range", []any{0, 10_000_000}},
		{"unknown status", func(in *store.EnterpriseInput) { in.Status = "open" }, "status", "field.choose", nil},
		{"founding date format", func(in *store.EnterpriseInput) { in.FoundedOn = "2015/06/01" }, "founded_on", "field.date_format", nil},
		{"founding date in the future", func(in *store.EnterpriseInput) { in.FoundedOn = "2021-08-26" }, "founded_on", "field.date_future", nil},
		{"short name too long", func(in *store.EnterpriseInput) { in.ShortName = strings.Repeat("简", 31) }, "short_name", "field.too_long", []any{30}},
	}
	seq := 100
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq++
			in := valid
			tc.edit(&in)
			before, audits := enterpriseRows(t, s), auditCount(t, s)
			_, err := s.CreateEnterprise(bg, model.System, in)
			fe := wantField(t, err, model.EINVALID, tc.field, tc.key)
			if len(fe.Args) != len(tc.args) {
				t.Fatalf("args %v, want %v", fe.Args, tc.args)
			}
			for i, a := range tc.args {
				if a != nil && !reflect.DeepEqual(fe.Args[i], a) { // nil: not checked
					t.Errorf("arg %d = %#v, want %#v", i, fe.Args[i], a)
				}
			}
			if e, _ := model.AsError(err); len(e.Fields) != 1 {
				t.Errorf("one bad field reported as %v", e.Fields)
			}
			if enterpriseRows(t, s) != before || auditCount(t, s) != audits {
				t.Fatal("a rejected enterprise was written")
			}
			// The same rule applies to updates.
			e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, seq, "校验用企业"+tc.name)
			upd := in
			upd.Version = e.Version
			if tc.field != "uscc" {
				upd.USCC = e.USCC
			}
			_, err = s.UpdateEnterprise(bg, model.System, e.ID, upd, "")
			wantField(t, err, model.EINVALID, tc.field, tc.key)
			if got, _ := s.Enterprise(bg, model.System, e.ID); got.Version != e.Version || got.Name != e.Name {
				t.Fatalf("rejected update changed the row: %+v", got)
			}
		})
	}

	// Several problems at once are all reported.
	_, err := s.CreateEnterprise(bg, model.System, store.EnterpriseInput{USCC: "123", Status: model.StatusOperating})
	e := wantCode(t, err, model.EINVALID)
	for _, k := range []string{"uscc", "name", "industry_id", "grid_id"} {
		if _, ok := e.Fields[k]; !ok {
			t.Errorf("missing field error %q in %v", k, err)
		}
	}

	// Boundaries and normalization are accepted.
	ok := valid
	ok.USCC = "  " + strings.ToLower(good) + " "
	ok.Name = "  浙江安德电器有限公司  "
	ok.Lat, ok.Lng = ptr(-90.0), ptr(180.0)
	ok.Status = ""
	ok.FoundedOn = "2021-08-25"
	got, err := s.CreateEnterprise(bg, model.System, ok)
	if err != nil {
		t.Fatalf("valid boundary input rejected: %v", err)
	}
	if got.USCC != good || got.Name != "浙江安德电器有限公司" || got.Status != model.StatusOperating || *got.Lat != -90 || *got.Lng != 180 {
		t.Fatalf("normalization: %+v", got)
	}
}

func TestEnterpriseRoundTrip(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	clock.Add(1234567 * time.Microsecond) // not a whole second
	in := store.EnterpriseInput{USCC: storetest.USCC(7), Name: "浙江兰歌门业有限公司", ShortName: "兰歌门业", IndustryID: f.Industry.ID,
		AboveScale: true, GridID: f.GridA2.ID, Address: "永康市城西新区金山大道 88 号", Lat: ptr(28.9012345), Lng: ptr(120.0456789),
		Employees: 356, Status: model.StatusSuspended, FoundedOn: "2008-03-15", LegalRep: "胡志强"}
	created, err := s.CreateEnterprise(bg, model.System, in)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("list: %v %v", page.Items, err)
	}
	byCode, err := s.EnterpriseByUSCC(bg, model.System, strings.ToLower(in.USCC))
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Now().Truncate(time.Millisecond)
	for name, e := range map[string]model.Enterprise{"create": created, "list": page.Items[0], "by code": byCode} {
		in.Version = 1
		if got := input(e); !reflect.DeepEqual(got, in) {
			t.Errorf("%s: read back\n %+v\nwant\n %+v", name, got, in)
		}
		if !e.CreatedAt.Equal(now) || !e.UpdatedAt.Equal(now) || e.DeletedAt != nil || e.Version != 1 {
			t.Errorf("%s: times/version %v %v %v %d, want %v", name, e.CreatedAt, e.UpdatedAt, e.DeletedAt, e.Version, now)
		}
		if e.GridName != f.GridA2.Name || e.IndustryName != f.Industry.Name {
			t.Errorf("%s: joined names %q %q", name, e.GridName, e.IndustryName)
		}
		if e.FoundedOn == nil || e.FoundedOn.Format("2006-01-02") != "2008-03-15" {
			t.Errorf("%s: founded %v", name, e.FoundedOn)
		}
	}
	if _, err := s.Enterprise(bg, model.System, created.ID+1000); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("missing enterprise: %v", err)
	}
	if _, err := s.EnterpriseByUSCC(bg, model.System, storetest.USCC(8)); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("missing code: %v", err)
	}
}

func TestEnterpriseDuplicateUSCC(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	first := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	other := storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 2, "永康市韵达快递有限公司")
	check := func(t *testing.T, err error) {
		t.Helper()
		fe := wantField(t, err, model.ECONFLICT, "uscc", "enterprise.duplicate_uscc")
		if len(fe.Args) != 1 || fe.Args[0] != first.Name {
			t.Fatalf("conflict args %v, want the existing enterprise's name %q", fe.Args, first.Name)
		}
	}
	audits := auditCount(t, s)
	t.Run("create", func(t *testing.T) {
		in := newInput(f, 1, "另一家公司")
		in.USCC = strings.ToLower(in.USCC) // normalized before the check
		_, err := s.CreateEnterprise(bg, model.System, in)
		check(t, err)
	})
	t.Run("update", func(t *testing.T) {
		in := input(other)
		in.USCC = first.USCC
		_, err := s.UpdateEnterprise(bg, model.System, other.ID, in, "")
		check(t, err)
		if got, _ := s.Enterprise(bg, model.System, other.ID); got.USCC != other.USCC || got.Version != other.Version {
			t.Fatalf("conflicting update changed the row: %+v", got)
		}
	})
	t.Run("deleted enterprise keeps its code", func(t *testing.T) {
		if err := s.DeleteEnterprise(bg, model.System, first.ID, first.Version, ""); err != nil {
			t.Fatal(err)
		}
		audits++
		_, err := s.CreateEnterprise(bg, model.System, newInput(f, 1, "另一家公司"))
		check(t, err)
	})
	if enterpriseRows(t, s) != 2 || auditCount(t, s) != audits {
		t.Fatal("a conflicting write left rows or audit entries behind")
	}
	checkGridCounts(t, s)
}

func TestEnterpriseTextStoredVerbatim(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	texts := []string{
		`<script>alert("x")</script>有限公司`,
		`'); DROP TABLE enterprises; --`,
		`Robert'); DELETE FROM audit_log;--`,
		`百分之100%满意_公司`,
		`反斜杠\公司\\"双引号"`,
		`<b>加粗</b> & "引号" 'single'`,
		`表情😀企业𠀀`,
	}
	created := map[int64]string{}
	for i, name := range texts {
		in := newInput(f, i+1, name)
		in.Address = name + "地址"
		in.LegalRep = `<img src=x onerror=alert(1)>`
		in.ShortName = `%_\`
		e, err := s.CreateEnterprise(bg, model.System, in)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if e.Name != name || e.Address != name+"地址" || e.LegalRep != in.LegalRep || e.ShortName != `%_\` {
			t.Fatalf("stored %q / %q / %q, want verbatim %q", e.Name, e.Address, e.LegalRep, name)
		}
		created[e.ID] = name
	}
	plain := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 99, "普通企业有限公司")
	all := listAll(t, s, model.System, model.EnterpriseFilter{})
	if len(all) != len(texts)+1 {
		t.Fatalf("tables damaged? %d rows listed", len(all))
	}
	for _, e := range all {
		if want, ok := created[e.ID]; ok && e.Name != want {
			t.Errorf("listed %q, want %q", e.Name, want)
		}
	}
	// Searching for the text finds exactly its row; LIKE wildcards in a
	// keyword are literal.
	tests := []struct {
		kw   string
		want []string
	}{
		{`DROP TABLE`, []string{texts[1]}},
		{`<script>`, []string{texts[0]}},
		{`100%`, []string{texts[3]}},
		{`%满意`, []string{texts[3]}},
		{`满意_公司`, []string{texts[3]}},
		{`\公司`, []string{texts[4]}},
		{`"双引号"`, []string{texts[4]}},
		{`😀企业`, []string{texts[6]}},
		{`'); d`, []string{texts[1], texts[2]}},
		{`满意_`, []string{texts[3]}},
		{`意_公`, []string{texts[3]}},
		// Every row but the plain one has the short name %_\.
		{`_`, texts},
		{`%`, texts},
		{`%_\`, texts},
	}
	for _, tc := range tests {
		got := listAll(t, s, model.System, model.EnterpriseFilter{Keyword: tc.kw})
		var gotNames []string
		for _, e := range got {
			if e.ID == plain.ID {
				t.Errorf("keyword %q matched a plain name: wildcards not escaped", tc.kw)
			}
			gotNames = append(gotNames, e.Name)
		}
		if !sameStrings(gotNames, tc.want) {
			t.Errorf("keyword %q found %q, want %q", tc.kw, gotNames, tc.want)
		}
	}
	if res, err := s.VerifyAudit(bg); err != nil || res.BadSeq != 0 {
		t.Fatalf("audit: %+v %v", res, err)
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestEnterpriseOptimisticLocking(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	// Two editors open version 1.
	alice, bob := input(e), input(e)
	alice.Employees = 50
	bob.Employees = 70
	bob.Name = "浙江安德电器股份有限公司"
	clock.Add(time.Minute)
	saved, err := s.UpdateEnterprise(bg, model.System, e.ID, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 2 || saved.Employees != 50 || !saved.UpdatedAt.Equal(clock.Now()) || !saved.CreatedAt.Equal(e.CreatedAt) {
		t.Fatalf("after update: %+v", saved)
	}
	audits := auditCount(t, s)
	tests := []struct {
		name string
		do   func() error
	}{
		{"stale update", func() error { _, err := s.UpdateEnterprise(bg, model.System, e.ID, bob, ""); return err }},
		{"future version", func() error {
			in := bob
			in.Version = 3
			_, err := s.UpdateEnterprise(bg, model.System, e.ID, in, "")
			return err
		}},
		{"stale delete", func() error { return s.DeleteEnterprise(bg, model.System, e.ID, 1, "") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, tc.do(), model.ECONFLICT)
			got, err := s.Enterprise(bg, model.System, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, saved) {
				t.Fatalf("conflict changed the row:\n %+v\nwant\n %+v", got, saved)
			}
			if auditCount(t, s) != audits {
				t.Fatal("conflict wrote an audit entry")
			}
		})
	}
	// The name did not change, so the old search terms still match and the
	// new ones do not.
	if got := listAll(t, s, model.System, model.EnterpriseFilter{Keyword: "股份"}); len(got) != 0 {
		t.Fatalf("stale rename reached the search index: %v", joinNames(got))
	}
	// Bob reloads and saves.
	bob.Version = saved.Version
	if saved, err = s.UpdateEnterprise(bg, model.System, e.ID, bob, ""); err != nil || saved.Version != 3 {
		t.Fatalf("reloaded update: %+v %v", saved, err)
	}
	if got := listAll(t, s, model.System, model.EnterpriseFilter{Keyword: "股份"}); len(got) != 1 {
		t.Fatalf("rename not searchable: %v", joinNames(got))
	}
	if got := listAll(t, s, model.System, model.EnterpriseFilter{Keyword: "电器有限"}); len(got) != 0 {
		t.Fatalf("old name's terms still match: %v", joinNames(got))
	}
}

func TestEnterpriseSoftDeleteAndRestore(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	keep := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 2, "浙江安德门业有限公司")
	live := func() []int64 { return ids(listAll(t, s, model.System, model.EnterpriseFilter{})) }
	bin := func() []int64 { return ids(listAll(t, s, model.System, model.EnterpriseFilter{Deleted: true})) }

	wantCode(t, s.RestoreEnterprise(bg, model.System, e.ID, e.Version, ""), model.ENOTFOUND) // not deleted
	wantCode(t, s.DeleteEnterprise(bg, model.System, e.ID, e.Version+1, ""), model.ECONFLICT)
	clock.Add(time.Hour)
	if err := s.DeleteEnterprise(bg, model.System, e.ID, e.Version, "企业注销"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Enterprise(bg, model.System, e.ID)
	if err != nil {
		t.Fatalf("a deleted enterprise is still readable by id: %v", err)
	}
	if got.DeletedAt == nil || !got.DeletedAt.Equal(clock.Now()) || got.Version != e.Version+1 {
		t.Fatalf("after delete: deleted_at %v version %d", got.DeletedAt, got.Version)
	}
	if l, b := live(), bin(); !sameIDs(l, []int64{keep.ID}) || !sameIDs(b, []int64{e.ID}) {
		t.Fatalf("after delete: live %v, recycle bin %v", l, b)
	}
	for _, kw := range []string{"安德", "安德电器", storetest.USCC(1)[:12]} {
		if found := ids(listAll(t, s, model.System, model.EnterpriseFilter{Keyword: kw})); slices.Contains(found, e.ID) {
			t.Errorf("keyword %q finds a deleted enterprise", kw)
		}
		if found := ids(listAll(t, s, model.System, model.EnterpriseFilter{Keyword: kw, Deleted: true})); !slices.Contains(found, e.ID) {
			t.Errorf("keyword %q does not find it in the recycle bin", kw)
		}
	}
	if n, _, _ := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{}, 100); n != 1 {
		t.Fatalf("count after delete = %d", n)
	}
	if n, _, _ := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{Deleted: true}, 100); n != 1 {
		t.Fatalf("recycle bin count = %d", n)
	}
	checkGridCounts(t, s)

	upd := input(got)
	upd.Employees = 9
	_, err = s.UpdateEnterprise(bg, model.System, e.ID, upd, "")
	wantCode(t, err, model.ENOTFOUND)
	wantCode(t, s.DeleteEnterprise(bg, model.System, e.ID, got.Version, ""), model.ENOTFOUND)
	wantCode(t, s.RestoreEnterprise(bg, model.System, e.ID, e.Version, ""), model.ECONFLICT)

	clock.Add(time.Hour)
	if err := s.RestoreEnterprise(bg, model.System, e.ID, got.Version, "误删恢复"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Enterprise(bg, model.System, e.ID)
	if got.DeletedAt != nil || got.Version != e.Version+2 || !got.UpdatedAt.Equal(clock.Now()) {
		t.Fatalf("after restore: %+v", got)
	}
	if l, b := live(), bin(); !sameIDs(l, []int64{e.ID, keep.ID}) || len(b) != 0 {
		t.Fatalf("after restore: live %v, recycle bin %v", l, b)
	}
	if found := ids(listAll(t, s, model.System, model.EnterpriseFilter{Keyword: "安德电器"})); !sameIDs(found, []int64{e.ID}) {
		t.Fatalf("restored enterprise not searchable: %v", found)
	}
	checkGridCounts(t, s)
	del, _ := s.ListAudit(bg, model.AuditFilter{Entity: "enterprise", EntityID: e.ID})
	if len(del) != 3 || del[0].Action != "enterprise.restore" || del[0].Reason != "误删恢复" || del[1].Action != "enterprise.delete" || del[1].Reason != "企业注销" {
		t.Fatalf("audit trail: %+v", del)
	}
}

func TestGridCountsStayExact(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	checkGridCounts(t, s)
	mk := func(n int, grid int64, above bool) model.Enterprise {
		in := newInput(f, n, "计数企业"+string(rune('甲'+n)))
		in.GridID, in.AboveScale = grid, above
		e, err := s.CreateEnterprise(bg, model.System, in)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	es := []model.Enterprise{
		mk(1, f.GridA1.ID, true), mk(2, f.GridA1.ID, false), mk(3, f.GridA2.ID, true),
		mk(4, f.GridB1.ID, false), mk(5, f.GridB1.ID, true),
	}
	checkGridCounts(t, s)
	update := func(i int, edit func(in *store.EnterpriseInput)) {
		t.Helper()
		in := input(es[i])
		edit(&in)
		e, err := s.UpdateEnterprise(bg, model.System, es[i].ID, in, "")
		if err != nil {
			t.Fatal(err)
		}
		es[i] = e
	}
	steps := []struct {
		name string
		do   func()
	}{
		{"move grid", func() { update(0, func(in *store.EnterpriseInput) { in.GridID = f.GridB1.ID }) }},
		{"set above scale", func() { update(1, func(in *store.EnterpriseInput) { in.AboveScale = true }) }},
		{"clear above scale", func() { update(2, func(in *store.EnterpriseInput) { in.AboveScale = false }) }},
		{"move and set above scale", func() {
			update(3, func(in *store.EnterpriseInput) { in.GridID, in.AboveScale = f.GridA2.ID, true })
		}},
		{"move and clear above scale", func() {
			update(4, func(in *store.EnterpriseInput) { in.GridID, in.AboveScale = f.GridA1.ID, false })
		}},
		{"unrelated edit", func() { update(0, func(in *store.EnterpriseInput) { in.Employees = 42 }) }},
		{"delete above-scale", func() {
			if err := s.DeleteEnterprise(bg, model.System, es[1].ID, es[1].Version, ""); err != nil {
				t.Fatal(err)
			}
			es[1].Version++
		}},
		{"delete plain", func() {
			if err := s.DeleteEnterprise(bg, model.System, es[2].ID, es[2].Version, ""); err != nil {
				t.Fatal(err)
			}
			es[2].Version++
		}},
		{"restore above-scale", func() {
			if err := s.RestoreEnterprise(bg, model.System, es[1].ID, es[1].Version, ""); err != nil {
				t.Fatal(err)
			}
			es[1].Version++
		}},
		{"failed move (stale)", func() {
			in := input(es[0])
			in.GridID, in.Version = f.GridA2.ID, 1
			wantCode(t, func() error { _, err := s.UpdateEnterprise(bg, model.System, es[0].ID, in, ""); return err }(), model.ECONFLICT)
		}},
		{"failed move (not a leaf)", func() {
			in := input(es[0])
			in.GridID = f.AreaA.ID
			wantCode(t, func() error { _, err := s.UpdateEnterprise(bg, model.System, es[0].ID, in, ""); return err }(), model.EINVALID)
		}},
		{"failed create (duplicate)", func() {
			_, err := s.CreateEnterprise(bg, model.System, newInput(f, 1, "重复"))
			wantCode(t, err, model.ECONFLICT)
		}},
	}
	for _, st := range steps {
		st.do()
		checkGridCounts(t, s)
		if t.Failed() {
			t.Fatalf("after %q", st.name)
		}
	}
	// Grids roll counts up to areas and the zone; CountEnterprises agrees.
	grids, err := s.Grids(bg, model.System)
	if err != nil {
		t.Fatal(err)
	}
	var real int
	s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM enterprises WHERE deleted_at IS NULL").Scan(&real)
	byCode := map[string]model.Grid{}
	for _, g := range grids {
		byCode[g.Code] = g
	}
	if z := byCode["Z"]; z.Enterprises != real {
		t.Errorf("zone total %d, real %d", z.Enterprises, real)
	}
	if a := byCode["A"]; a.Enterprises != byCode["A1"].Enterprises+byCode["A2"].Enterprises || a.AboveScale != byCode["A1"].AboveScale+byCode["A2"].AboveScale {
		t.Errorf("area A %d/%d, grids %d+%d / %d+%d", a.Enterprises, a.AboveScale, byCode["A1"].Enterprises, byCode["A2"].Enterprises,
			byCode["A1"].AboveScale, byCode["A2"].AboveScale)
	}
	if n, capped, err := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{}, 3); err != nil || n != real || capped {
		t.Errorf("CountEnterprises = %d %v %v, want %d exact", n, capped, err, real)
	}
	if n, _, _ := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{GridID: f.AreaA.ID}, 100); n != byCode["A"].Enterprises {
		t.Errorf("CountEnterprises(area A) = %d, want %d", n, byCode["A"].Enterprises)
	}
}

// Parallel deletes of one enterprise: exactly one wins, the counters stay
// exact (on PostgreSQL the UPDATE re-checks the version it read).
func TestConcurrentDeleteCountsOnce(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "并发删除")
	const n = 6
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() { errs <- s.DeleteEnterprise(bg, model.System, e.ID, e.Version, "") }()
	}
	ok := 0
	for i := 0; i < n; i++ {
		if err := <-errs; err == nil {
			ok++
		} else if c := model.ErrorCode(err); c != model.ECONFLICT && c != model.ENOTFOUND {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d deletes succeeded, want 1", ok)
	}
	checkGridCounts(t, s)
}

func TestInactiveIndustryRefusedForNewChoices(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "停用行业企业")
	in := f.Industry
	in.Active = false
	if _, err := s.SaveIndustry(bg, model.System, in); err != nil {
		t.Fatal(err)
	}
	// An existing enterprise keeps its (now inactive) industry on edit…
	upd := store.EnterpriseInputOf(e)
	upd.Employees = 9
	if _, err := s.UpdateEnterprise(bg, model.System, e.ID, upd, ""); err != nil {
		t.Fatalf("edit keeping an inactive industry: %v", err)
	}
	// …but a new enterprise cannot choose it.
	_, err := s.CreateEnterprise(bg, model.System, store.EnterpriseInput{USCC: storetest.USCC(2), Name: "新企业",
		IndustryID: f.Industry.ID, GridID: f.GridA1.ID})
	if e, ok := model.AsError(err); !ok || e.Fields["industry_id"].Key != "enterprise.industry_inactive" {
		t.Fatalf("inactive industry accepted: %v", err)
	}
}
