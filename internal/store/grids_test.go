package store_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// checkGridPaths asserts every grid's path is its parent's path plus its id.
func checkGridPaths(t *testing.T, s *store.Store) map[string]model.Grid {
	t.Helper()
	gs, err := s.Grids(bg, model.System)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]model.Grid{}
	byCode := map[string]model.Grid{}
	for _, g := range gs {
		byID[g.ID] = g
		byCode[g.Code] = g
	}
	for _, g := range gs {
		parent := "/"
		if g.ParentID != 0 {
			parent = byID[g.ParentID].Path
		}
		if want := parent + strconv.FormatInt(g.ID, 10) + "/"; g.Path != want {
			t.Errorf("grid %s path %q, want %q", g.Code, g.Path, want)
		}
		if want := map[string]int{model.GridZone: 0, model.GridArea: 1, model.GridGrid: 2}[g.Level]; g.Depth != want {
			t.Errorf("grid %s depth %d, want %d", g.Code, g.Depth, want)
		}
	}
	return byCode
}

func TestCreateGridLevels(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	tests := []struct {
		name       string
		in         store.GridInput
		field, key string
	}{
		{"zone with a parent", store.GridInput{Code: "Z2", Name: "新区二", Level: model.GridZone, ParentID: f.Zone.ID}, "parent_id", "grid.zone_no_parent"},
		{"area without parent", store.GridInput{Code: "C", Name: "南片区", Level: model.GridArea}, "parent_id", "field.required"},
		{"grid without parent", store.GridInput{Code: "C1", Name: "南一网格", Level: model.GridGrid}, "parent_id", "field.required"},
		{"area under an area", store.GridInput{Code: "C", Name: "南片区", Level: model.GridArea, ParentID: f.AreaA.ID}, "parent_id", "grid.parent_level"},
		{"area under a grid", store.GridInput{Code: "C", Name: "南片区", Level: model.GridArea, ParentID: f.GridA1.ID}, "parent_id", "grid.parent_level"},
		{"grid under the zone", store.GridInput{Code: "C1", Name: "南一网格", Level: model.GridGrid, ParentID: f.Zone.ID}, "parent_id", "grid.parent_level"},
		{"grid under a grid", store.GridInput{Code: "C1", Name: "南一网格", Level: model.GridGrid, ParentID: f.GridA1.ID}, "parent_id", "grid.parent_level"},
		{"unknown parent", store.GridInput{Code: "C", Name: "南片区", Level: model.GridArea, ParentID: 987654}, "parent_id", "field.unknown"},
		{"unknown level", store.GridInput{Code: "C", Name: "南片区", Level: "street", ParentID: f.Zone.ID}, "level", "field.choose"},
		{"empty code", store.GridInput{Code: " ", Name: "南片区", Level: model.GridArea, ParentID: f.Zone.ID}, "code", "field.required"},
		{"bad code", store.GridInput{Code: "南片", Name: "南片区", Level: model.GridArea, ParentID: f.Zone.ID}, "code", "field.code_format"},
		{"code with space", store.GridInput{Code: "C 1", Name: "南片区", Level: model.GridArea, ParentID: f.Zone.ID}, "code", "field.code_format"},
		{"empty name", store.GridInput{Code: "C", Level: model.GridArea, ParentID: f.Zone.ID}, "name", "field.required"},
		{"long name", store.GridInput{Code: "C", Name: strings.Repeat("区", 65), Level: model.GridArea, ParentID: f.Zone.ID}, "name", "field.too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			audits := auditCount(t, s)
			_, err := s.CreateGrid(bg, model.System, tc.in)
			wantField(t, err, model.EINVALID, tc.field, tc.key)
			if auditCount(t, s) != audits {
				t.Fatal("rejected grid audited")
			}
			if _, err := s.GridByCode(bg, strings.TrimSpace(tc.in.Code)); tc.in.Code != "" && model.ErrorCode(err) != model.ENOTFOUND {
				t.Fatalf("rejected grid stored: %v", err)
			}
		})
	}
	valid := []store.GridInput{
		{Code: "Z2", Name: "高新区", Level: model.GridZone},
		{Code: "C", Name: "南片区", Level: model.GridArea, ParentID: f.Zone.ID},
		{Code: "A3", Name: "东三网格", Level: model.GridGrid, ParentID: f.AreaA.ID},
	}
	for _, in := range valid {
		g, err := s.CreateGrid(bg, model.System, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Code, err)
		}
		if g.Code != in.Code || g.Level != in.Level || g.ParentID != in.ParentID || g.Version != 1 || g.Enterprises != 0 {
			t.Fatalf("created %+v", g)
		}
	}
	byCode := checkGridPaths(t, s)
	if byCode["A3"].ParentName != f.AreaA.Name {
		t.Errorf("parent name %q", byCode["A3"].ParentName)
	}
	if _, err := s.CreateEnterprise(bg, model.System, store.EnterpriseInput{USCC: storetest.USCC(1), Name: "新网格企业",
		IndustryID: f.Industry.ID, GridID: byCode["A3"].ID}); err != nil {
		t.Fatalf("enterprise in a new grid: %v", err)
	}
	checkGridCounts(t, s)
}

func TestGridDuplicateCode(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	audits := auditCount(t, s)
	for _, code := range []string{"A1", " A1 "} {
		_, err := s.CreateGrid(bg, model.System, store.GridInput{Code: code, Name: "重复网格", Level: model.GridGrid, ParentID: f.AreaB.ID})
		wantField(t, err, model.ECONFLICT, "code", "field.duplicate_code")
	}
	_, err := s.UpdateGrid(bg, model.System, f.GridA2.ID, store.GridInput{Code: "A1", Name: f.GridA2.Name, Level: model.GridGrid,
		ParentID: f.AreaA.ID, Version: f.GridA2.Version})
	wantField(t, err, model.ECONFLICT, "code", "field.duplicate_code")
	if g, _ := s.Grid(bg, model.System, f.GridA2.ID); g.Code != "A2" || g.Version != f.GridA2.Version {
		t.Fatalf("conflicting update changed the grid: %+v", g)
	}
	if auditCount(t, s) != audits {
		t.Fatal("conflicts audited")
	}
}

func TestMoveGrids(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	// Enough areas that ids of two digits share a first digit with the
	// fixture's ids, so a path prefix like /1/2/ must not match /1/20/.
	var extra []model.Grid
	for i := range 20 {
		g, err := s.CreateGrid(bg, model.System, store.GridInput{Code: fmt.Sprintf("X%02d", i), Name: fmt.Sprintf("片区%02d", i),
			Level: model.GridArea, ParentID: f.Zone.ID})
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, g)
	}
	subtree := func(id int64) []int64 {
		t.Helper()
		ids, err := s.GridSubtree(bg, id)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := subtree(f.AreaA.ID); !sameIDs(got, []int64{f.AreaA.ID, f.GridA1.ID, f.GridA2.ID}) || len(got) != 3 {
		t.Fatalf("subtree of area A: %v", got)
	}
	if got := subtree(f.GridA1.ID); !sameIDs(got, []int64{f.GridA1.ID}) {
		t.Fatalf("subtree of a grid: %v", got)
	}
	if got := subtree(f.Zone.ID); len(got) != 6+len(extra) {
		t.Fatalf("subtree of the zone: %d grids", len(got))
	}
	if got, _ := s.GridSubtree(bg, f.GridA1.ID, f.AreaB.ID); !sameIDs(got, []int64{f.GridA1.ID, f.AreaB.ID, f.GridB1.ID}) {
		t.Fatalf("subtree of two roots: %v", got)
	}
	if got, _ := s.GridSubtree(bg, 987654); len(got) != 0 {
		t.Fatalf("subtree of a missing grid: %v", got)
	}

	e1 := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	e2 := storetest.MustEnterprise(t, s, f.GridA2.ID, f.Industry.ID, 2, "永康市韵达快递有限公司")
	headB := storetest.MustUser(t, s, "head_b", model.RoleGridHead, f.AreaB.ID)

	// Move grid A1 to area B.
	moved, err := s.UpdateGrid(bg, model.System, f.GridA1.ID, store.GridInput{Code: "A1", Name: f.GridA1.Name, Level: model.GridGrid,
		ParentID: f.AreaB.ID, Version: f.GridA1.Version})
	if err != nil {
		t.Fatal(err)
	}
	if moved.ParentID != f.AreaB.ID || moved.Path != f.AreaB.Path+strconv.FormatInt(f.GridA1.ID, 10)+"/" || moved.Version != 2 || moved.Enterprises != 1 {
		t.Fatalf("moved grid: %+v", moved)
	}
	checkGridPaths(t, s)
	if got := subtree(f.AreaA.ID); !sameIDs(got, []int64{f.AreaA.ID, f.GridA2.ID}) {
		t.Fatalf("area A after the move: %v", got)
	}
	if got := subtree(f.AreaB.ID); !sameIDs(got, []int64{f.AreaB.ID, f.GridB1.ID, f.GridA1.ID}) {
		t.Fatalf("area B after the move: %v", got)
	}
	if got := ids(listAll(t, s, model.System, model.EnterpriseFilter{GridID: f.AreaB.ID})); !sameIDs(got, []int64{e1.ID}) {
		t.Fatalf("area B filter after the move: %v", got)
	}
	if n, _, _ := s.CountEnterprises(bg, model.System, model.EnterpriseFilter{GridID: f.AreaA.ID}, 100); n != 1 {
		t.Fatalf("area A count after the move: %d", n)
	}
	if _, err := s.Enterprise(bg, storetest.Actor(t, s, headB), e1.ID); err != nil {
		t.Fatalf("head of area B does not see the moved grid's enterprise: %v", err)
	}
	if a := lastAudit(t, s); a.Action != "grid.update" || a.EntityID != f.GridA1.ID || !strings.Contains(a.Before, f.AreaA.Path) {
		t.Fatalf("audit of the move: %+v", a)
	}

	// Stale and invalid moves change nothing.
	_, err = s.UpdateGrid(bg, model.System, f.GridA1.ID, store.GridInput{Code: "A1", Name: f.GridA1.Name, Level: model.GridGrid,
		ParentID: f.AreaA.ID, Version: f.GridA1.Version})
	wantCode(t, err, model.ECONFLICT)
	_, err = s.UpdateGrid(bg, model.System, f.GridA1.ID, store.GridInput{Code: "A1", Name: f.GridA1.Name, Level: model.GridGrid,
		ParentID: f.Zone.ID, Version: moved.Version})
	wantField(t, err, model.EINVALID, "parent_id", "grid.parent_level")
	_, err = s.UpdateGrid(bg, model.System, 987654, store.GridInput{Code: "Q", Name: "无", Level: model.GridZone, Version: 1})
	wantCode(t, err, model.ENOTFOUND)
	if g, _ := s.Grid(bg, model.System, f.GridA1.ID); g.Path != moved.Path || g.Version != moved.Version {
		t.Fatalf("refused moves changed the grid: %+v", g)
	}

	// Move a whole area, with its grids, to a new zone.
	z2, err := s.CreateGrid(bg, model.System, store.GridInput{Code: "Z2", Name: "高新区", Level: model.GridZone})
	if err != nil {
		t.Fatal(err)
	}
	area, err := s.UpdateGrid(bg, model.System, f.AreaB.ID, store.GridInput{Code: "B", Name: "西片区", Level: model.GridArea,
		ParentID: z2.ID, Version: f.AreaB.Version})
	if err != nil {
		t.Fatal(err)
	}
	byCode := checkGridPaths(t, s)
	for _, code := range []string{"B1", "A1"} {
		if g := byCode[code]; !strings.HasPrefix(g.Path, area.Path) || g.Path != z2.Path+strconv.FormatInt(f.AreaB.ID, 10)+"/"+strconv.FormatInt(g.ID, 10)+"/" {
			t.Errorf("grid %s path %q not under the moved area %q", code, g.Path, area.Path)
		}
	}
	if got := subtree(z2.ID); !sameIDs(got, []int64{z2.ID, f.AreaB.ID, f.GridB1.ID, f.GridA1.ID}) {
		t.Fatalf("new zone subtree: %v", got)
	}
	if got := subtree(f.Zone.ID); len(got) != 6+len(extra)-3 {
		t.Fatalf("old zone keeps %d grids", len(got))
	}
	if byCode["Z2"].Enterprises != 1 || byCode["Z"].Enterprises != 1 {
		t.Fatalf("zone totals after the move: Z2 %d, Z %d", byCode["Z2"].Enterprises, byCode["Z"].Enterprises)
	}
	if got := ids(listAll(t, s, model.System, model.EnterpriseFilter{GridID: z2.ID})); !sameIDs(got, []int64{e1.ID}) {
		t.Fatalf("new zone filter: %v", got)
	}
	if got := ids(listAll(t, s, model.System, model.EnterpriseFilter{GridID: f.Zone.ID})); !sameIDs(got, []int64{e2.ID}) {
		t.Fatalf("old zone filter: %v", got)
	}
	// Renaming without moving keeps the paths.
	if _, err := s.UpdateGrid(bg, model.System, f.AreaA.ID, store.GridInput{Code: "A", Name: "东片区（更名）", Level: model.GridArea,
		ParentID: f.Zone.ID, Version: f.AreaA.Version}); err != nil {
		t.Fatal(err)
	}
	after := checkGridPaths(t, s)
	if after["A2"].Path != byCode["A2"].Path || after["A"].Name != "东片区（更名）" {
		t.Fatalf("rename moved paths: %q -> %q", byCode["A2"].Path, after["A2"].Path)
	}
	checkGridCounts(t, s)
}

func TestGridLevelChangeRefusedWhenInUse(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "东一企业")
	// A grid holding an enterprise cannot become an area.
	_, err := s.UpdateGrid(bg, model.System, f.GridA1.ID, store.GridInput{Code: "A1", Name: "东一网格", Level: model.GridArea, ParentID: f.Zone.ID, Version: f.GridA1.Version})
	if e, ok := model.AsError(err); !ok || e.Fields["level"].Key != "grid.level_in_use" {
		t.Fatalf("grid with enterprises changed level: %v", err)
	}
	// An area with child grids cannot become a grid.
	_, err = s.UpdateGrid(bg, model.System, f.AreaB.ID, store.GridInput{Code: "B", Name: "西片区", Level: model.GridGrid, ParentID: f.AreaA.ID, Version: f.AreaB.Version})
	if e, ok := model.AsError(err); !ok || e.Fields["level"].Key != "grid.level_in_use" {
		t.Fatalf("area with grids changed level: %v", err)
	}
	// An empty grid may.
	if _, err := s.UpdateGrid(bg, model.System, f.GridA2.ID, store.GridInput{Code: "A2", Name: "东二片区", Level: model.GridArea, ParentID: f.Zone.ID, Version: f.GridA2.Version}); err != nil {
		t.Fatalf("empty grid: %v", err)
	}
}
