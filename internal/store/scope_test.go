package store_test

import (
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestEnterpriseScope(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	a1 := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "东一安德电器有限公司")
	a1b := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 2, "东一韵达快递有限公司")
	a2 := storetest.MustEnterprise(t, s, f.GridA2.ID, f.Industry.ID, 3, "东二安德门业有限公司")
	b1 := storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 4, "西一安德工贸有限公司")
	deps, _ := s.Departments(bg)

	worker := storetest.Actor(t, s, storetest.MustUser(t, s, "worker_a1", model.RoleGridWorker, f.GridA1.ID))
	head := storetest.Actor(t, s, storetest.MustUser(t, s, "head_a", model.RoleGridHead, f.AreaA.ID))
	deptUser, err := s.CreateUser(bg, model.System, store.UserInput{Username: "safety", Role: model.RoleDepartment,
		DepartmentID: deps[0].ID, Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	dept := storetest.Actor(t, s, deptUser)

	tests := []struct {
		name    string
		actor   *model.Actor
		visible []model.Enterprise
		hidden  []model.Enterprise
		write   bool // may edit what it sees
	}{
		{"grid worker", worker, []model.Enterprise{a1, a1b}, []model.Enterprise{a2, b1}, true},
		{"grid head of an area", head, []model.Enterprise{a1, a1b, a2}, []model.Enterprise{b1}, true},
		{"department reads everything", dept, []model.Enterprise{a1, a1b, a2, b1}, nil, false},
		{"admin", model.System, []model.Enterprise{a1, a1b, a2, b1}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.actor
			if got := ids(listAll(t, s, a, model.EnterpriseFilter{Limit: 1})); !sameIDs(got, ids(tc.visible)) {
				t.Errorf("list: %v, want %v", got, ids(tc.visible))
			}
			if got := ids(listAll(t, s, a, model.EnterpriseFilter{Keyword: "安德"})); !sameIDs(got, filterName(tc.visible, "安德")) {
				t.Errorf("search 安德: %v, want %v", got, filterName(tc.visible, "安德"))
			}
			if got := ids(listAll(t, s, a, model.EnterpriseFilter{Keyword: "913307840"})); !sameIDs(got, ids(tc.visible)) {
				t.Errorf("code search: %v", got)
			}
			// Filtering by a grid outside the scope shows nothing more.
			if got := ids(listAll(t, s, a, model.EnterpriseFilter{GridID: f.GridB1.ID})); !sameIDs(got, filterGrid(tc.visible, f.GridB1.ID)) {
				t.Errorf("filter grid B1: %v", got)
			}
			for _, c := range []model.EnterpriseFilter{{}, {GridID: f.Zone.ID}, {Status: model.StatusOperating}, {Keyword: "有限"}} {
				if n, _, err := s.CountEnterprises(bg, a, c, 100); err != nil || n != len(tc.visible) {
					t.Errorf("count %+v = %d %v, want %d", c, n, err, len(tc.visible))
				}
			}
			for _, e := range tc.visible {
				if got, err := s.Enterprise(bg, a, e.ID); err != nil || got.ID != e.ID {
					t.Errorf("Enterprise(%s): %v", e.Name, err)
				}
				if _, err := s.EnterpriseByUSCC(bg, a, e.USCC); err != nil {
					t.Errorf("EnterpriseByUSCC(%s): %v", e.Name, err)
				}
			}
			for _, e := range tc.hidden {
				if _, err := s.Enterprise(bg, a, e.ID); model.ErrorCode(err) != model.ENOTFOUND {
					t.Errorf("Enterprise(%s) outside scope: %v, want ENOTFOUND", e.Name, err)
				}
				if _, err := s.EnterpriseByUSCC(bg, a, e.USCC); model.ErrorCode(err) != model.ENOTFOUND {
					t.Errorf("EnterpriseByUSCC(%s) outside scope: %v, want ENOTFOUND", e.Name, err)
				}
			}
			// Writes: in scope succeed for writers; out of scope look missing.
			for _, e := range append(append([]model.Enterprise{}, tc.visible...), tc.hidden...) {
				cur, _ := s.Enterprise(bg, model.System, e.ID)
				in := input(cur)
				in.Employees = cur.Employees + 1
				_, err := s.UpdateEnterprise(bg, a, e.ID, in, "")
				inScope := tc.write && containsID(tc.visible, e.ID)
				if inScope && err != nil {
					t.Errorf("update %s in scope: %v", e.Name, err)
				}
				if !inScope {
					wantCode(t, err, model.ENOTFOUND)
					wantCode(t, s.DeleteEnterprise(bg, a, e.ID, cur.Version, ""), model.ENOTFOUND)
					if after, _ := s.Enterprise(bg, model.System, e.ID); after.Version != cur.Version {
						t.Errorf("out-of-scope write changed %s", e.Name)
					}
				}
			}
		})
	}

	t.Run("create outside scope", func(t *testing.T) {
		audits := auditCount(t, s)
		for _, a := range []*model.Actor{worker, head, dept} {
			in := newInput(f, 50, "越界企业有限公司")
			in.GridID = f.GridB1.ID
			_, err := s.CreateEnterprise(bg, a, in)
			wantField(t, err, model.EINVALID, "grid_id", "enterprise.grid_scope")
		}
		in := newInput(f, 50, "东二新企业有限公司")
		in.GridID = f.GridA2.ID
		_, err := s.CreateEnterprise(bg, worker, in)
		wantField(t, err, model.EINVALID, "grid_id", "enterprise.grid_scope")
		if auditCount(t, s) != audits {
			t.Fatal("refused creates wrote audit entries")
		}
		e, err := s.CreateEnterprise(bg, head, in)
		if err != nil || e.GridID != f.GridA2.ID {
			t.Fatalf("grid head creates in a child grid: %v", err)
		}
		in = newInput(f, 51, "东一新企业有限公司")
		if _, err := s.CreateEnterprise(bg, worker, in); err != nil {
			t.Fatalf("worker creates in own grid: %v", err)
		}
		checkGridCounts(t, s)
	})

	t.Run("move out of scope", func(t *testing.T) {
		cur, _ := s.Enterprise(bg, model.System, a1.ID)
		in := input(cur)
		in.GridID = f.GridB1.ID
		_, err := s.UpdateEnterprise(bg, worker, a1.ID, in, "")
		wantField(t, err, model.EINVALID, "grid_id", "enterprise.grid_scope")
		in.GridID = f.GridA2.ID
		_, err = s.UpdateEnterprise(bg, worker, a1.ID, in, "")
		wantField(t, err, model.EINVALID, "grid_id", "enterprise.grid_scope")
		moved, err := s.UpdateEnterprise(bg, head, a1.ID, in, "")
		if err != nil || moved.GridID != f.GridA2.ID {
			t.Fatalf("grid head moves within the area: %v", err)
		}
		// Now in A2, the A1 worker no longer sees it.
		if _, err := s.Enterprise(bg, worker, a1.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("moved enterprise still visible to the A1 worker: %v", err)
		}
		checkGridCounts(t, s)
	})

	t.Run("restore outside scope", func(t *testing.T) {
		cur, _ := s.Enterprise(bg, model.System, b1.ID)
		if err := s.DeleteEnterprise(bg, model.System, b1.ID, cur.Version, ""); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RestoreEnterprise(bg, head, b1.ID, cur.Version+1, ""), model.ENOTFOUND)
		if got := ids(listAll(t, s, head, model.EnterpriseFilter{Deleted: true})); len(got) != 0 {
			t.Fatalf("recycle bin shows another area's enterprise: %v", got)
		}
	})
}

func TestGridScopeOfActors(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	worker := storetest.Actor(t, s, storetest.MustUser(t, s, "worker_a1", model.RoleGridWorker, f.GridA1.ID, f.GridB1.ID))
	head := storetest.Actor(t, s, storetest.MustUser(t, s, "head_a", model.RoleGridHead, f.AreaA.ID))
	tests := []struct {
		name  string
		actor *model.Actor
		want  []int64
	}{
		{"worker with two grids", worker, []int64{f.GridA1.ID, f.GridB1.ID}},
		{"head of an area", head, []int64{f.AreaA.ID, f.GridA1.ID, f.GridA2.ID}},
	}
	for _, tc := range tests {
		if !sameIDs(tc.actor.Scope.GridIDs, tc.want) {
			t.Errorf("%s: scope %v, want %v", tc.name, tc.actor.Scope.GridIDs, tc.want)
		}
		gs, err := s.Grids(bg, tc.actor)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, g := range gs {
			got = append(got, g.ID)
		}
		if !sameIDs(got, tc.want) {
			t.Errorf("%s: Grids %v, want %v", tc.name, got, tc.want)
		}
		if _, err := s.Grid(bg, tc.actor, f.AreaB.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("%s: Grid(area B) = %v, want ENOTFOUND", tc.name, err)
		}
	}
}

func filterName(es []model.Enterprise, sub string) []int64 {
	var out []int64
	for _, e := range es {
		if strings.Contains(e.Name, sub) {
			out = append(out, e.ID)
		}
	}
	return out
}

func filterGrid(es []model.Enterprise, grid int64) []int64 {
	var out []int64
	for _, e := range es {
		if e.GridID == grid {
			out = append(out, e.ID)
		}
	}
	return out
}

func containsID(es []model.Enterprise, id int64) bool {
	for _, e := range es {
		if e.ID == id {
			return true
		}
	}
	return false
}
