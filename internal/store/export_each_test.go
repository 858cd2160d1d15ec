package store_test

import (
	"errors"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// EachEnterprise streams exactly what the keyset list pages through, in
// the same order, for every sort, filter and scope, with the dictionary
// names the list joins.
func TestEachEnterpriseMatchesTheList(t *testing.T) {
	for _, plan := range []struct {
		name string
		min  int
	}{{"index walk", 1 << 30}, {"sorted scan", 1}} {
		t.Run(plan.name, func(t *testing.T) {
			restore := store.SetSortedScanMin(plan.min)
			defer restore()
			eachMatchesList(t)
		})
	}
}

func eachMatchesList(t *testing.T) {
	s, f, live := pagingFixture(t)
	// A founding date, to see it come back as a day.
	in := store.EnterpriseInputOf(live[0])
	in.FoundedOn = "2019-02-28"
	if _, err := s.UpdateEnterprise(bg, model.System, live[0].ID, in, ""); err != nil {
		t.Fatal(err)
	}
	worker := &model.Actor{Username: "w", Role: model.RoleGridWorker, Scope: model.Scope{GridIDs: []int64{f.GridA1.ID}}}
	yes := true
	filters := []model.EnterpriseFilter{
		{}, {Sort: "-name"}, {Sort: "created"}, {Sort: "-created"}, {Sort: "employees"}, {Sort: "-employees"},
		{GridID: f.AreaA.ID}, {GridID: f.GridB1.ID, Sort: "-employees"}, {Keyword: "快递"}, {Keyword: "有限"},
		{Status: model.StatusOperating, IndustryID: f.Industry.ID}, {AboveScale: &yes}, {Deleted: true},
		{Keyword: "91"}, {Keyword: "没有这家"},
	}
	for _, actor := range []*model.Actor{model.System, worker} {
		for _, flt := range filters {
			want := listAll(t, s, actor, flt)
			var got []store.EnterpriseRow
			err := s.EachEnterprise(bg, actor, flt, func(r *store.EnterpriseRow) error {
				got = append(got, *r)
				return nil
			})
			if err != nil {
				t.Fatalf("%s %+v: %v", actor.Username, flt, err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s %+v: %d rows, list has %d", actor.Username, flt, len(got), len(want))
			}
			for i := range want {
				w, g := want[i], got[i]
				founded := ""
				if w.FoundedOn != nil {
					founded = w.FoundedOn.Format("2006-01-02")
				}
				gf := ""
				if !g.FoundedOn.IsZero() {
					gf = g.FoundedOn.Format("2006-01-02")
				}
				if g.ID != w.ID || g.Name != w.Name || g.USCC != w.USCC || g.GridName != w.GridName || g.IndustryName != w.IndustryName ||
					g.Employees != int64(w.Employees) || g.Status != w.Status || gf != founded {
					t.Fatalf("%s %+v row %d: %+v, list %+v", actor.Username, flt, i, g, w)
				}
			}
		}
	}
	// The founding date survives as a calendar day.
	var day string
	_ = s.EachEnterprise(bg, model.System, model.EnterpriseFilter{}, func(r *store.EnterpriseRow) error {
		if r.ID == live[0].ID {
			day = r.FoundedOn.Format("2006-01-02")
		}
		return nil
	})
	if day != "2019-02-28" {
		t.Fatalf("founded on %q", day)
	}
	// The callback's error stops the walk and comes back; a bad sort is a
	// validation error.
	stop := errors.New("stop")
	n := 0
	if err := s.EachEnterprise(bg, model.System, model.EnterpriseFilter{}, func(*store.EnterpriseRow) error {
		n++
		return stop
	}); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("stop: %d %v", n, err)
	}
	if err := s.EachEnterprise(bg, model.System, model.EnterpriseFilter{Sort: "evil"}, func(*store.EnterpriseRow) error { return nil }); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("bad sort: %v", err)
	}
}
