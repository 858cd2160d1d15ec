package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestAuditEveryWriteAddsEntry(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	worker := storetest.MustUser(t, s, "worker1", model.RoleGridWorker, f.GridA1.ID)
	wa := storetest.Actor(t, s, worker)
	wa.IP = "10.0.0.7"
	var e model.Enterprise
	var u model.User
	var ind int64

	steps := []struct {
		name   string
		actor  *model.Actor
		do     func(a *model.Actor) (int64, error)
		action string
		entity string
	}{
		{"create grid", model.System, func(a *model.Actor) (int64, error) {
			g, err := s.CreateGrid(bg, a, store.GridInput{Code: "A3", Name: "东三网格", Level: model.GridGrid, ParentID: f.AreaA.ID})
			return g.ID, err
		}, "grid.create", "grid"},
		{"update grid", model.System, func(a *model.Actor) (int64, error) {
			g, err := s.UpdateGrid(bg, a, f.GridA2.ID, store.GridInput{Code: "A2", Name: "东二网格（新）", Level: model.GridGrid, ParentID: f.AreaA.ID, Version: f.GridA2.Version})
			return g.ID, err
		}, "grid.update", "grid"},
		{"create enterprise", wa, func(a *model.Actor) (int64, error) {
			var err error
			e, err = s.CreateEnterprise(bg, a, newInput(f, 1, "浙江安德电器有限公司"))
			return e.ID, err
		}, "enterprise.create", "enterprise"},
		{"update enterprise", wa, func(a *model.Actor) (int64, error) {
			in := input(e)
			in.Employees = 120
			var err error
			e, err = s.UpdateEnterprise(bg, a, e.ID, in, "年报更新")
			return e.ID, err
		}, "enterprise.update", "enterprise"},
		{"delete enterprise", wa, func(a *model.Actor) (int64, error) {
			err := s.DeleteEnterprise(bg, a, e.ID, e.Version, "迁出")
			e.Version++
			return e.ID, err
		}, "enterprise.delete", "enterprise"},
		{"restore enterprise", model.System, func(a *model.Actor) (int64, error) {
			err := s.RestoreEnterprise(bg, a, e.ID, e.Version, "误删")
			return e.ID, err
		}, "enterprise.restore", "enterprise"},
		{"create user", model.System, func(a *model.Actor) (int64, error) {
			var err error
			u, err = s.CreateUser(bg, a, store.UserInput{Username: "admin2", Role: model.RoleAdmin, Password: storetest.Password})
			return u.ID, err
		}, "user.create", "user"},
		{"update user", model.System, func(a *model.Actor) (int64, error) {
			_, err := s.UpdateUser(bg, a, u.ID, store.UserInput{DisplayName: "管理员二", Role: model.RoleAdmin, Version: u.Version})
			return u.ID, err
		}, "user.update", "user"},
		{"reset password", model.System, func(a *model.Actor) (int64, error) {
			return u.ID, s.SetPassword(bg, a, u.ID, "Another-Pass-1", true, "")
		}, "user.reset_password", "user"},
		{"change own password", wa, func(a *model.Actor) (int64, error) {
			return worker.ID, s.SetPassword(bg, a, worker.ID, "Another-Pass-1", false, "")
		}, "user.change_password", "user"},
		{"create industry", model.System, func(a *model.Actor) (int64, error) {
			var err error
			ind, err = s.SaveIndustry(bg, a, model.Industry{Code: "textiles", Name: "纺织", Active: true})
			return ind, err
		}, "industry.create", "industry"},
		{"update industry", model.System, func(a *model.Actor) (int64, error) {
			return s.SaveIndustry(bg, a, model.Industry{ID: ind, Code: "textiles", Name: "纺织服装", Active: true})
		}, "industry.update", "industry"},
		{"login", wa, func(a *model.Actor) (int64, error) {
			return worker.ID, s.AuditLogin(bg, a, "auth.login", "")
		}, "auth.login", "user"},
	}
	for _, st := range steps {
		clock.Add(time.Second + 7*time.Millisecond)
		before := auditCount(t, s)
		id, err := st.do(st.actor)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := auditCount(t, s); got != before+1 {
			t.Fatalf("%s: audit entries %d -> %d, want one more", st.name, before, got)
		}
		last := lastAudit(t, s)
		if last.Action != st.action || last.Entity != st.entity || last.EntityID != id {
			t.Errorf("%s: audit entry %s %s #%d, want %s %s #%d", st.name, last.Action, last.Entity, last.EntityID, st.action, st.entity, id)
		}
		if last.ActorID != st.actor.UserID || last.ActorName != st.actor.Username || last.IP != st.actor.IP {
			t.Errorf("%s: audit actor %d/%s/%s, want %d/%s/%s", st.name, last.ActorID, last.ActorName, last.IP,
				st.actor.UserID, st.actor.Username, st.actor.IP)
		}
		if !last.At.Equal(clock.Now().Truncate(time.Millisecond)) {
			t.Errorf("%s: audit time %v, want %v", st.name, last.At, clock.Now())
		}
	}
	upd, err := s.ListAudit(bg, model.AuditFilter{Action: "enterprise.update"})
	if err != nil || len(upd) != 1 {
		t.Fatalf("enterprise.update entries: %v %v", upd, err)
	}
	if !strings.Contains(upd[0].Before, `"employees":0`) || !strings.Contains(upd[0].After, `"employees":120`) || upd[0].Reason != "年报更新" {
		t.Errorf("update entry does not carry before/after/reason: %+v", upd[0])
	}
	res, err := s.VerifyAudit(bg)
	if err != nil {
		t.Fatal(err)
	}
	if res.BadSeq != 0 || res.Entries != int64(auditCount(t, s)) {
		t.Fatalf("VerifyAudit = %+v, want intact over %d entries", res, auditCount(t, s))
	}
}

func TestAuditFailedWriteAddsNothing(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	before := auditCount(t, s)
	bad := input(e)
	bad.Name = ""
	if _, err := s.UpdateEnterprise(bg, model.System, e.ID, bad, ""); err == nil {
		t.Fatal("invalid update accepted")
	}
	if _, err := s.CreateEnterprise(bg, model.System, newInput(f, 1, "重复代码有限公司")); err == nil {
		t.Fatal("duplicate code accepted")
	}
	if _, err := s.CreateGrid(bg, model.System, store.GridInput{Code: "A1", Name: "重复", Level: model.GridGrid, ParentID: f.AreaA.ID}); err == nil {
		t.Fatal("duplicate grid code accepted")
	}
	if got := auditCount(t, s); got != before {
		t.Fatalf("failed writes changed the audit log: %d -> %d entries", before, got)
	}
	if res, err := s.VerifyAudit(bg); err != nil || res.BadSeq != 0 {
		t.Fatalf("VerifyAudit after failed writes: %+v %v", res, err)
	}
}

// auditChain builds a store with a chain of n >= 8 entries.
func auditChain(t *testing.T) (*store.Store, int64) {
	t.Helper()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s) // six grid.create entries
	clock.Add(1500 * time.Millisecond)
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	clock.Add(time.Second)
	in := input(e)
	in.Address = "金山大道1号"
	if _, err := s.UpdateEnterprise(bg, model.System, e.ID, in, "地址变更"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 2, "永康市韵达快递有限公司")
	n := int64(auditCount(t, s))
	if res, err := s.VerifyAudit(bg); err != nil || res.BadSeq != 0 || res.Entries != n {
		t.Fatalf("fresh chain: %+v %v", res, err)
	}
	return s, n
}

func auditEntry(t *testing.T, s *store.Store, seq int64) model.AuditEntry {
	t.Helper()
	es, err := s.ListAudit(bg, model.AuditFilter{Before: seq + 1, Limit: 1})
	if err != nil || len(es) != 1 || es[0].Seq != seq {
		t.Fatalf("audit entry %d: %v %v", seq, es, err)
	}
	return es[0]
}

func TestVerifyAuditDetectsTampering(t *testing.T) {
	t.Parallel()
	exec := func(t *testing.T, s *store.Store, q string, args ...any) {
		t.Helper()
		res, err := s.W.ExecContext(bg, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatalf("tamper %q changed no row", q)
		}
	}
	rehash := func(t *testing.T, s *store.Store, seq int64) {
		e := auditEntry(t, s, seq)
		e.After = `{"name":"篡改后的名称"}`
		exec(t, s, "UPDATE audit_log SET after_json = $1, hash = $2 WHERE seq = $3", e.After, store.AuditHash(&e), seq)
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, s *store.Store, n int64)
		bad    func(n int64) int64
	}{
		{"edit after_json of a middle row", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "UPDATE audit_log SET after_json = $1 WHERE seq = $2", `{"name":"篡改"}`, 3)
		}, func(int64) int64 { return 3 }},
		{"edit reason of the first row", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "UPDATE audit_log SET reason = $1 WHERE seq = 1", "x")
		}, func(int64) int64 { return 1 }},
		{"edit actor of the last row", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "UPDATE audit_log SET actor_name = $1 WHERE seq = $2", "nobody", n)
		}, func(n int64) int64 { return n }},
		{"edit a middle row and recompute its hash", func(t *testing.T, s *store.Store, n int64) {
			rehash(t, s, 3)
		}, func(int64) int64 { return 4 }},
		{"edit the last row and recompute its hash", func(t *testing.T, s *store.Store, n int64) {
			rehash(t, s, n)
		}, func(n int64) int64 { return n }},
		{"delete a middle row", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "DELETE FROM audit_log WHERE seq = $1", 4)
		}, func(int64) int64 { return 4 }},
		{"delete the last row", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "DELETE FROM audit_log WHERE seq = $1", n)
		}, func(n int64) int64 { return n }},
		{"delete the last two rows", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "DELETE FROM audit_log WHERE seq >= $1", n-1)
		}, func(n int64) int64 { return n - 1 }},
		{"append a forged row behind the head", func(t *testing.T, s *store.Store, n int64) {
			last := auditEntry(t, s, n)
			e := model.AuditEntry{Seq: n + 1, At: last.At, ActorName: "system", Action: "enterprise.delete",
				Entity: "enterprise", EntityID: 1, PrevHash: last.Hash}
			e.Hash = store.AuditHash(&e)
			exec(t, s, `INSERT INTO audit_log (seq, at, actor_name, action, entity, entity_id, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.Seq, e.At, e.ActorName, e.Action, e.Entity, e.EntityID, e.PrevHash, e.Hash)
		}, func(n int64) int64 { return n + 1 }},
		{"delete every row", func(t *testing.T, s *store.Store, n int64) {
			exec(t, s, "DELETE FROM audit_log")
		}, func(int64) int64 { return 1 }},
	}
	// One chain serves every case: each tampers, is checked, and the original
	// rows are put back (which VerifyAudit must then accept again).
	s, n := auditChain(t)
	orig, err := s.ListAudit(bg, model.AuditFilter{Limit: 500})
	if err != nil || int64(len(orig)) != n {
		t.Fatalf("snapshot: %d entries, %v", len(orig), err)
	}
	restore := func(t *testing.T) {
		t.Helper()
		err := s.InTx(bg, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(bg, "DELETE FROM audit_log"); err != nil {
				return err
			}
			for _, e := range orig {
				if _, err := tx.ExecContext(bg, `INSERT INTO audit_log (seq, at, actor_id, actor_name, action, entity, entity_id,
					before_json, after_json, reason, ip, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
					e.Seq, e.At, nullable(e.ActorID), e.ActorName, e.Action, e.Entity, nullable(e.EntityID),
					e.Before, e.After, e.Reason, e.IP, e.PrevHash, e.Hash); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(bg, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", orig[0].Seq, orig[0].Hash)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := s.VerifyAudit(bg); err != nil || res.BadSeq != 0 || res.Entries != n {
			t.Fatalf("restored chain: %+v %v", res, err)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer restore(t)
			tc.tamper(t, s, n)
			res, err := s.VerifyAudit(bg)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.bad(n); res.BadSeq != want || res.Problem == "" {
				t.Fatalf("VerifyAudit = %+v, want first broken seq %d (chain of %d)", res, want, n)
			}
		})
	}
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func TestListAuditFilters(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	clock.Add(time.Hour)
	mid := clock.Now()
	e1 := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "浙江安德电器有限公司")
	e2 := storetest.MustEnterprise(t, s, f.GridA2.ID, f.Industry.ID, 2, "永康市韵达快递有限公司")
	storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 3, "中通快递永康分公司")
	worker := storetest.MustUser(t, s, "worker1", model.RoleGridWorker, f.GridA1.ID)
	wa := storetest.Actor(t, s, worker)
	for i, a := range []*model.Actor{model.System, wa} {
		in := input(e1)
		in.Employees = 10 * (i + 1)
		var err error
		if e1, err = s.UpdateEnterprise(bg, a, e1.ID, in, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteEnterprise(bg, model.System, e2.ID, e2.Version, "注销"); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListAudit(bg, model.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != auditCount(t, s) {
		t.Fatalf("ListAudit returned %d of %d entries", len(all), auditCount(t, s))
	}
	descending := func(es []model.AuditEntry) bool {
		return slices.IsSortedFunc(es, func(a, b model.AuditEntry) int { return int(b.Seq - a.Seq) })
	}
	if !descending(all) {
		t.Fatal("ListAudit is not newest first")
	}

	tests := []struct {
		name string
		f    model.AuditFilter
		want func(e model.AuditEntry) bool
		n    int
	}{
		{"action prefix", model.AuditFilter{Action: "enterprise."},
			func(e model.AuditEntry) bool { return strings.HasPrefix(e.Action, "enterprise.") }, 6},
		{"exact action", model.AuditFilter{Action: "enterprise.update"},
			func(e model.AuditEntry) bool { return e.Action == "enterprise.update" }, 2},
		{"prefix without dot is exact", model.AuditFilter{Action: "enterprise"},
			func(e model.AuditEntry) bool { return false }, 0},
		{"grid entries", model.AuditFilter{Action: "grid."},
			func(e model.AuditEntry) bool { return e.Entity == "grid" }, 6},
		{"entity and id", model.AuditFilter{Entity: "enterprise", EntityID: e1.ID},
			func(e model.AuditEntry) bool { return e.Entity == "enterprise" && e.EntityID == e1.ID }, 3},
		{"entity only", model.AuditFilter{Entity: "user"},
			func(e model.AuditEntry) bool { return e.Entity == "user" }, 1},
		{"actor", model.AuditFilter{ActorID: worker.ID},
			func(e model.AuditEntry) bool { return e.ActorID == worker.ID && e.Action == "enterprise.update" }, 1},
		{"from", model.AuditFilter{From: mid},
			func(e model.AuditEntry) bool { return !e.At.Before(mid) }, len(all) - 6},
		{"to", model.AuditFilter{To: mid},
			func(e model.AuditEntry) bool { return e.At.Before(mid) }, 6},
		{"from in another zone", model.AuditFilter{From: mid.In(time.FixedZone("CST", 8*3600))},
			func(e model.AuditEntry) bool { return !e.At.Before(mid) }, len(all) - 6},
		{"before", model.AuditFilter{Before: 4},
			func(e model.AuditEntry) bool { return e.Seq < 4 }, 3},
		{"limit", model.AuditFilter{Limit: 2},
			func(e model.AuditEntry) bool { return e.Seq > int64(len(all)-2) }, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListAudit(bg, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.n {
				t.Fatalf("%d entries, want %d: %+v", len(got), tc.n, got)
			}
			for _, e := range got {
				if !tc.want(e) {
					t.Errorf("unexpected entry %d %s %s#%d", e.Seq, e.Action, e.Entity, e.EntityID)
				}
			}
			if !descending(got) {
				t.Error("not newest first")
			}
		})
	}

	// Keyset paging with Before visits every entry once, newest first.
	var paged []model.AuditEntry
	before := int64(0)
	for range 100 {
		page, err := s.ListAudit(bg, model.AuditFilter{Before: before, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		before = page[len(page)-1].Seq
	}
	if len(paged) != len(all) {
		t.Fatalf("paging gave %d entries, want %d", len(paged), len(all))
	}
	for i := range all {
		if paged[i].Seq != all[i].Seq || paged[i].Hash != all[i].Hash {
			t.Fatalf("paging entry %d: seq %d, want %d", i, paged[i].Seq, all[i].Seq)
		}
	}
	// Keyset paging within a filter.
	page1, _ := s.ListAudit(bg, model.AuditFilter{Action: "enterprise.", Limit: 4})
	page2, _ := s.ListAudit(bg, model.AuditFilter{Action: "enterprise.", Limit: 4, Before: page1[len(page1)-1].Seq})
	if len(page1) != 4 || len(page2) != 2 || page2[0].Seq >= page1[3].Seq || !strings.HasPrefix(page2[1].Action, "enterprise.") {
		t.Fatalf("filtered paging: %d then %d entries", len(page1), len(page2))
	}
}
