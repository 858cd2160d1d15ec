package store_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/textkey"
)

func TestListPinyinOrder(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	for i, n := range []string{"中通快递有限公司", "韵达快递有限公司", "安德电器有限公司", "顺丰速运有限公司", "兰歌门业有限公司"} {
		storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, i+1, n)
	}
	want := []string{"安德电器有限公司", "兰歌门业有限公司", "顺丰速运有限公司", "韵达快递有限公司", "中通快递有限公司"}
	for _, sort := range []string{"", "name"} {
		p, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(p.Items); !slices.Equal(got, want) {
			t.Fatalf("sort %q: %v, want %v", sort, got, want)
		}
	}
	p, _ := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: "-name"})
	rev := slices.Clone(want)
	slices.Reverse(rev)
	if got := names(p.Items); !slices.Equal(got, rev) {
		t.Fatalf("-name: %v, want %v", got, rev)
	}
}

// pagingFixture creates rows with ties in every sort column and one deleted
// row, and returns the live rows.
func pagingFixture(t *testing.T) (*store.Store, storetest.Fixture, []model.Enterprise) {
	t.Helper()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	rows := []struct {
		name      string
		employees int
		tick      bool // advance the clock before creating
	}{
		{"中通快递永康分公司", 30, true},
		{"安德电器有限公司", 120, false},
		{"兰歌门业有限公司", 30, false},
		{"韵达快递有限公司", 5, true},
		{"顺丰速运有限公司", 120, true},
		{"安德电器有限公司", 7, false}, // same name, different code
		{"浙江飞剑工贸有限公司", 30, true},
		{"巴拉巴拉服饰有限公司", 0, false},
	}
	var live []model.Enterprise
	for i, r := range rows {
		if r.tick {
			clock.Add(1500 * time.Millisecond)
		}
		in := newInput(f, i+1, r.name)
		in.Employees = r.employees
		in.GridID = []int64{f.GridA1.ID, f.GridA2.ID, f.GridB1.ID}[i%3]
		e, err := s.CreateEnterprise(bg, model.System, in)
		if err != nil {
			t.Fatal(err)
		}
		live = append(live, e)
	}
	gone := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 50, "阿里已删除有限公司")
	if err := s.DeleteEnterprise(bg, model.System, gone.ID, gone.Version, ""); err != nil {
		t.Fatal(err)
	}
	return s, f, live
}

func expectedOrder(es []model.Enterprise, sort string) []int64 {
	es = slices.Clone(es)
	desc := strings.HasPrefix(sort, "-")
	slices.SortFunc(es, func(a, b model.Enterprise) int {
		var c int
		switch strings.TrimPrefix(sort, "-") {
		case "name":
			c = bytes.Compare(textkey.SortKey(a.Name), textkey.SortKey(b.Name))
		case "created":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "employees":
			c = cmp.Compare(a.Employees, b.Employees)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		return c
	})
	return ids(es)
}

func TestListKeysetPagination(t *testing.T) {
	t.Parallel()
	s, _, live := pagingFixture(t)
	for _, sort := range store.EnterpriseSortKeys() {
		for _, limit := range []int{1, 2, 3, 8, 20} {
			want := expectedOrder(live, sort)
			var pages [][]model.Enterprise
			var prevs []string
			f := model.EnterpriseFilter{Sort: sort, Limit: limit}
			for {
				p, err := s.ListEnterprises(bg, model.System, f)
				if err != nil {
					t.Fatalf("%s/%d: %v", sort, limit, err)
				}
				if len(p.Items) == 0 || len(p.Items) > limit {
					t.Fatalf("%s/%d: page %d has %d rows", sort, limit, len(pages), len(p.Items))
				}
				if (len(pages) == 0) != (p.PrevCursor == "") {
					t.Fatalf("%s/%d: page %d PrevCursor %q", sort, limit, len(pages), p.PrevCursor)
				}
				pages = append(pages, p.Items)
				prevs = append(prevs, p.PrevCursor)
				if p.NextCursor == "" {
					break
				}
				if len(pages) > len(live) {
					t.Fatalf("%s/%d: pagination does not end", sort, limit)
				}
				f.Cursor = p.NextCursor
			}
			var got []int64
			for i, p := range pages {
				if i < len(pages)-1 && len(p) != limit {
					t.Fatalf("%s/%d: short page %d before the end", sort, limit, i)
				}
				got = append(got, ids(p)...)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("sort %s limit %d forward: %v, want %v", sort, limit, got, want)
			}
			// Walk back from the last page: the same pages in reverse.
			cur := prevs[len(prevs)-1]
			for i := len(pages) - 2; i >= 0; i-- {
				p, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: sort, Limit: limit, Cursor: cur})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(p.Items), ids(pages[i])) {
					t.Fatalf("sort %s limit %d back to page %d: %v, want %v", sort, limit, i, ids(p.Items), ids(pages[i]))
				}
				if p.NextCursor == "" {
					t.Fatalf("sort %s limit %d: page %d reached backwards has no NextCursor", sort, limit, i)
				}
				// Forward again from a page reached backwards gives the page after it.
				fw, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: sort, Limit: limit, Cursor: p.NextCursor})
				if err != nil || !slices.Equal(ids(fw.Items), ids(pages[i+1])) {
					t.Fatalf("sort %s limit %d: next from page %d: %v %v, want %v", sort, limit, i, ids(fw.Items), err, ids(pages[i+1]))
				}
				if (i == 0) != (p.PrevCursor == "") {
					t.Fatalf("sort %s limit %d: page %d reached backwards PrevCursor %q", sort, limit, i, p.PrevCursor)
				}
				cur = p.PrevCursor
			}
		}
	}
}

func TestListRejectsBadCursorAndSort(t *testing.T) {
	t.Parallel()
	s, _, _ := pagingFixture(t)
	for _, c := range []string{"!!!", "bm90IGpzb24", base64.RawURLEncoding.EncodeToString([]byte(`{"id":"x"}`)), "eyJpZCI6MX0="} {
		_, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Cursor: c})
		wantField(t, err, model.EINVALID, "cursor", "field.cursor")
	}
	_, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: "uscc"})
	wantField(t, err, model.EINVALID, "sort", "field.choose")
	_, err = s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: "name; DROP TABLE enterprises"})
	wantField(t, err, model.EINVALID, "sort", "field.choose")
	// A well-formed cursor from another sort does not fail.
	p, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: "employees", Limit: 2})
	if err != nil || p.NextCursor == "" {
		t.Fatal(err)
	}
	if _, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Sort: "name", Cursor: p.NextCursor}); err != nil {
		t.Fatalf("foreign cursor: %v", err)
	}
	// Limits are bounded.
	p, err = s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Limit: -5})
	if err != nil || len(p.Items) != 8 {
		t.Fatalf("default limit: %d rows, %v", len(p.Items), err)
	}
}

func searchNames(t *testing.T, s *store.Store, f model.EnterpriseFilter) []string {
	t.Helper()
	return names(listAll(t, s, model.System, f))
}

func TestListKeywordSearch(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	const (
		andeDQ = "浙江安德电器有限公司"
		andeMY = "永康市安德门业有限公司"
		dean   = "德安科技有限公司"
		yunda  = "永康市韵达快递有限公司"
		zto    = "中通快递永康分公司"
		sf     = "顺丰速运(永康)有限公司"
		feij   = "浙江飞剑工贸有限公司"
		abc    = "ABC精密机械有限公司"
		single = "鑫"
	)
	all := []string{andeDQ, andeMY, dean, yunda, zto, sf, feij, abc, single}
	for i, n := range all {
		in := newInput(f, i+1, n)
		if n == feij {
			in.ShortName = "飞剑"
		}
		if n == yunda {
			in.GridID = f.GridB1.ID
		}
		if _, err := s.CreateEnterprise(bg, model.System, in); err != nil {
			t.Fatal(err)
		}
	}
	ns := func(names ...string) []string { return names }
	tests := []struct {
		kw   string
		want []string
	}{
		{"安", ns(andeDQ, andeMY, dean)},
		{"德", ns(andeDQ, andeMY, dean)},
		{"鑫", ns(single)},
		{"安德", ns(andeDQ, andeMY)}, // two characters: the FTS trap
		{"德安", ns(dean)},
		{"韵达", ns(yunda)},
		{"快递", ns(yunda, zto)},
		{"安德电器", ns(andeDQ)},
		{"永康市安德", ns(andeMY)},
		{"永康", ns(andeMY, yunda, zto, sf)},
		{"(永康)", ns(sf)},
		{"飞剑", ns(feij)}, // short name and name
		{"工贸", ns(feij)},
		{"abc", ns(abc)},
		{"ＡＢＣ精密", ns(abc)}, // full width folds
		{"Abc精密机械", ns(abc)},
		{"  安德  ", ns(andeDQ, andeMY)},
		{"有限公司", ns(andeDQ, andeMY, dean, yunda, sf, feij, abc)},
		{"不存在", nil},
		{"安德快递", nil}, // both bigrams exist, the phrase does not
		{"达快递永", nil},
		{"x", nil},
	}
	for _, tc := range tests {
		got := searchNames(t, s, model.EnterpriseFilter{Keyword: tc.kw, Limit: 2})
		if !sameStrings(got, tc.want) {
			t.Errorf("keyword %q: %q, want %q", tc.kw, got, tc.want)
		}
		if n, capped, err := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{Keyword: tc.kw}, 100); err != nil || n != len(tc.want) || capped {
			t.Errorf("count %q = %d %v %v, want %d", tc.kw, n, capped, err, len(tc.want))
		}
	}
	// A keyword combines with the other filters.
	if got := searchNames(t, s, model.EnterpriseFilter{Keyword: "快递", GridID: f.AreaB.ID}); !sameStrings(got, []string{yunda}) {
		t.Errorf("keyword in area B: %q", got)
	}
	if got := searchNames(t, s, model.EnterpriseFilter{Keyword: "快递", GridID: f.GridA1.ID, Sort: "-name"}); !sameStrings(got, []string{zto}) {
		t.Errorf("keyword in grid A1: %q", got)
	}
}

func TestListDenseBigramSearch(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	api := []string{"浙江安德电器有限公司", "永康市韵达快递有限公司", "中通快递永康分公司"}
	for i, n := range api {
		storetest.MustEnterprise(t, s, f.GridA2.ID, f.Industry.ID, i+1, n)
	}
	// More rows sharing 有限公司 than the term index is consulted for; written
	// in one statement for speed, with the same derived columns the store
	// writes.
	dense := store.TermCap + 20
	name := "批量号有限公司"
	err := s.InTx(bg, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(bg, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
			INSERT INTO enterprises (uscc, name, short_name, industry_id, above_scale, grid_id, address, employees, status,
				legal_rep, sort_key, search_text, created_at, updated_at, version)
			SELECT 'DENSE' || i, $2, '', $3, FALSE, $4, '', i, 'operating', '', $5, $6, $7, $7, 1 FROM n`,
			dense, name, f.Industry.ID, f.GridA1.ID, textkey.SortKey(name), textkey.SearchText(name), tx.Now()); err != nil {
			return err
		}
		for _, term := range textkey.Bigrams(name) {
			if _, err := tx.ExecContext(bg, `INSERT INTO enterprise_terms (term, enterprise_id)
				SELECT $1, id FROM enterprises WHERE uscc LIKE 'DENSE%'`, term); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(bg, `INSERT INTO grid_counts (grid_id, industry_id, enterprises, above_scale) VALUES ($2, $3, $1, 0)
			ON CONFLICT (grid_id, industry_id) DO UPDATE SET enterprises = grid_counts.enterprises + excluded.enterprises`, dense, f.GridA1.ID, f.Industry.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkGridCounts(t, s)
	tests := []struct {
		kw   string
		want int
		api  []string // API rows that must be among the matches
	}{
		{"有限公司", dense + 2, api[:2]}, // every bigram is dense: ordered scan
		{"有限", dense + 2, api[:2]},
		{"电器有限公司", 1, api[:1]}, // a rare bigram beside dense ones
		{"快递有限", 1, api[1:2]},
		{"安德", 1, api[:1]},
		{"号有限公", dense, nil},
		{"限", dense + 2, api[:2]},
		{"公司有限", 0, nil},
	}
	for _, tc := range tests {
		n, capped, err := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{Keyword: tc.kw}, 10*dense)
		if err != nil || n != tc.want || capped {
			t.Errorf("count %q = %d %v %v, want %d", tc.kw, n, capped, err, tc.want)
		}
		n, capped, _ = s.CountEnterprises(bg, model.System, model.EnterpriseFilter{Keyword: tc.kw}, 10)
		if tc.want > 10 && (n != 10 || !capped) {
			t.Errorf("capped count %q = %d %v, want 10 capped", tc.kw, n, capped)
		}
		// The first page by name: pinyin puts 安德 and 批量 before 永康/中通.
		p, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Keyword: tc.kw, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if want := min(tc.want, 50); len(p.Items) != want || (tc.want > 50) != (p.NextCursor != "") {
			t.Errorf("keyword %q: first page %d rows (next %q), want %d", tc.kw, len(p.Items), p.NextCursor, want)
		}
		for _, e := range p.Items {
			if !strings.Contains(e.Name, strings.TrimSpace(tc.kw)) {
				t.Errorf("keyword %q matched %q", tc.kw, e.Name)
			}
		}
		if len(tc.api) > 0 {
			// Newest first puts the API rows (created earlier) last: sort by
			// employees, where the API rows have 0 and come first.
			p, _ := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Keyword: tc.kw, Sort: "employees", Limit: len(tc.api)})
			if !sameStrings(names(p.Items), tc.api) {
				t.Errorf("keyword %q: API rows %q, want %q", tc.kw, names(p.Items), tc.api)
			}
		}
	}
	// Paging through a dense result visits every row once.
	seen := map[int64]bool{}
	for _, e := range listAll(t, s, model.System, model.EnterpriseFilter{Keyword: "有限公司", Sort: "-employees", Limit: 200}) {
		if seen[e.ID] {
			t.Fatalf("row %d listed twice", e.ID)
		}
		seen[e.ID] = true
	}
	if len(seen) != dense+2 {
		t.Fatalf("paged %d rows, want %d", len(seen), dense+2)
	}
}

func TestListCreditCodePrefix(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	byN := map[int]model.Enterprise{}
	for _, n := range []int{1, 10, 11, 19, 20, 123} {
		byN[n] = storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, n, "代码企业"+storetest.USCC(n)[14:])
	}
	code := func(n int) string { return storetest.USCC(n) }
	tests := []struct {
		kw   string
		want []int
	}{
		{code(11), []int{11}},
		{strings.ToLower(code(11)), []int{11}},
		{code(11)[:16], []int{10, 11, 19}},
		{code(11)[:15], []int{1, 10, 11, 19, 20}},
		{code(123)[:16], []int{123}},
		{"913307", []int{1, 10, 11, 19, 20, 123}},
		{"9133078400000001", []int{10, 11, 19}},
		{code(11)[2:12], nil}, // a prefix search, not a substring search
		{"913308", nil},
	}
	for _, tc := range tests {
		var want []int64
		for _, n := range tc.want {
			want = append(want, byN[n].ID)
		}
		got := ids(listAll(t, s, model.System, model.EnterpriseFilter{Keyword: tc.kw, Limit: 2}))
		if !sameIDs(got, want) {
			t.Errorf("code keyword %q: %v, want %v", tc.kw, got, want)
		}
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	ins, _ := s.Industries(bg)
	other := ins[1]
	type row struct {
		grid     int64
		industry int64
		above    bool
		status   string
	}
	rows := []row{
		{f.GridA1.ID, f.Industry.ID, true, model.StatusOperating},
		{f.GridA1.ID, other.ID, false, model.StatusSuspended},
		{f.GridA2.ID, f.Industry.ID, false, model.StatusOperating},
		{f.GridA2.ID, other.ID, true, model.StatusClosed},
		{f.GridB1.ID, f.Industry.ID, true, model.StatusMovedOut},
		{f.GridB1.ID, other.ID, false, model.StatusOperating},
	}
	var es []model.Enterprise
	for i, r := range rows {
		in := newInput(f, i+1, "筛选企业"+string(rune('甲'+i)))
		in.GridID, in.IndustryID, in.AboveScale, in.Status = r.grid, r.industry, r.above, r.status
		e, err := s.CreateEnterprise(bg, model.System, in)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	gone := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 99, "筛选企业已删")
	if err := s.DeleteEnterprise(bg, model.System, gone.ID, gone.Version, ""); err != nil {
		t.Fatal(err)
	}
	pick := func(idx ...int) []int64 {
		var out []int64
		for _, i := range idx {
			out = append(out, es[i].ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    model.EnterpriseFilter
		want []int64
	}{
		{"none", model.EnterpriseFilter{}, pick(0, 1, 2, 3, 4, 5)},
		{"zone", model.EnterpriseFilter{GridID: f.Zone.ID}, pick(0, 1, 2, 3, 4, 5)},
		{"area includes its grids", model.EnterpriseFilter{GridID: f.AreaA.ID}, pick(0, 1, 2, 3)},
		{"area B", model.EnterpriseFilter{GridID: f.AreaB.ID}, pick(4, 5)},
		{"grid", model.EnterpriseFilter{GridID: f.GridA2.ID}, pick(2, 3)},
		{"industry", model.EnterpriseFilter{IndustryID: other.ID}, pick(1, 3, 5)},
		{"above scale", model.EnterpriseFilter{AboveScale: ptr(true)}, pick(0, 3, 4)},
		{"not above scale", model.EnterpriseFilter{AboveScale: ptr(false)}, pick(1, 2, 5)},
		{"status", model.EnterpriseFilter{Status: model.StatusOperating}, pick(0, 2, 5)},
		{"status closed", model.EnterpriseFilter{Status: model.StatusClosed}, pick(3)},
		{"area and industry", model.EnterpriseFilter{GridID: f.AreaA.ID, IndustryID: f.Industry.ID}, pick(0, 2)},
		{"area, above scale, status", model.EnterpriseFilter{GridID: f.AreaA.ID, AboveScale: ptr(true), Status: model.StatusClosed}, pick(3)},
		{"nothing matches", model.EnterpriseFilter{GridID: f.GridB1.ID, Status: model.StatusClosed}, nil},
		{"deleted", model.EnterpriseFilter{Deleted: true}, []int64{gone.ID}},
		{"deleted in another area", model.EnterpriseFilter{Deleted: true, GridID: f.AreaB.ID}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Limit = 2
			got := ids(listAll(t, s, model.System, tc.f))
			if !sameIDs(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			n, capped, err := s.CountEnterprises(bg, model.System, tc.f, 100)
			if err != nil || n != len(tc.want) || capped {
				t.Fatalf("count = %d %v %v, want %d", n, capped, err, len(tc.want))
			}
		})
	}
}

func TestCountEnterprisesExactAndCapped(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	for i := range 7 {
		storetest.MustEnterprise(t, s, []int64{f.GridA1.ID, f.GridB1.ID}[i%2], f.Industry.ID, i+1, "计数有限公司"+string(rune('甲'+i)))
	}
	tests := []struct {
		name   string
		f      model.EnterpriseFilter
		limit  int
		n      int
		capped bool
	}{
		{"keyword under the limit", model.EnterpriseFilter{Keyword: "有限"}, 10, 7, false},
		{"keyword at the limit", model.EnterpriseFilter{Keyword: "有限"}, 7, 7, false},
		{"keyword over the limit", model.EnterpriseFilter{Keyword: "有限"}, 6, 6, true},
		{"status over the limit", model.EnterpriseFilter{Status: model.StatusOperating}, 3, 3, true},
		{"grid and status", model.EnterpriseFilter{GridID: f.GridA1.ID, Status: model.StatusOperating}, 3, 3, true},
		{"grid and status exact", model.EnterpriseFilter{GridID: f.GridA1.ID, Status: model.StatusOperating}, 4, 4, false},
		// Unfiltered and grid-only counts come from grid_counts: always exact.
		{"unfiltered", model.EnterpriseFilter{}, 3, 7, false},
		{"grid only", model.EnterpriseFilter{GridID: f.AreaB.ID}, 2, 3, false},
	}
	for _, tc := range tests {
		n, capped, err := s.CountEnterprises(bg, model.System, tc.f, tc.limit)
		if err != nil || n != tc.n || capped != tc.capped {
			t.Errorf("%s: CountEnterprises = %d %v %v, want %d %v", tc.name, n, capped, err, tc.n, tc.capped)
		}
	}
}

// The legal-form bigrams are not indexed, yet queries made of them (alone
// or with others) still find the right enterprises.
func TestSearchWithStopBigrams(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 2, "永康天天工贸股份有限公司")
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 3, "城西便民服务中心")
	var n int
	if err := s.R.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM enterprise_terms WHERE term IN ('公司', '有限', '限公', '股份')").Scan(&n); err != nil || n != 0 {
		t.Fatalf("stop bigrams stored: %d %v", n, err)
	}
	for kw, want := range map[string]int{"有限公司": 2, "公司": 2, "股份有限": 1, "安德电器有限": 1, "电器有限公司": 1, "中心": 1, "有限中心": 0} {
		p, err := s.ListEnterprises(context.Background(), model.System, model.EnterpriseFilter{Keyword: kw, Limit: 10})
		if err != nil || len(p.Items) != want {
			t.Errorf("%q: %d results (%v), want %d", kw, len(p.Items), err, want)
		}
	}
}
