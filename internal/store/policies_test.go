package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// polZone: three enterprises — A1 规上 with 300 staff and a party branch,
// A2 small, B1 规上 — a grid worker of A1 and an admin.
type polZone struct {
	s                *store.Store
	clock            *storetest.Clock
	f                storetest.Fixture
	big, small, west model.Enterprise
	worker, admin    *model.Actor
}

func polSetup(t *testing.T) *polZone {
	t.Helper()
	s, clock := storetest.Open(t)
	clock.Set(time.Date(2026, 6, 10, 2, 0, 0, 0, time.UTC))
	z := &polZone{s: s, clock: clock, f: storetest.MustZone(t, s)}
	mk := func(grid int64, n int, name string, above bool, staff int, founded string) model.Enterprise {
		e := storetest.MustEnterprise(t, s, grid, z.f.Industry.ID, n, name)
		in := input(e)
		in.AboveScale, in.Employees, in.FoundedOn = above, staff, founded
		e, err := s.UpdateEnterprise(bg, model.System, e.ID, in, "")
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	z.big = mk(z.f.GridA1.ID, 1, "甲机械有限公司", true, 300, "2010-05-01")
	z.small = mk(z.f.GridA2.ID, 2, "乙五金厂", false, 12, "2022-03-01")
	z.west = mk(z.f.GridB1.ID, 3, "丙门业有限公司", true, 800, "2015-01-01")
	top, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "CX", Name: "党工委", Kind: store.OrgCommittee})
	if err != nil {
		t.Fatal(err)
	}
	br, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "BR", Name: "甲机械党支部", Kind: store.OrgBranch, ParentID: top.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCoverage(bg, model.System, br.ID, store.CoverageInput{EnterpriseID: z.big.ID}); err != nil {
		t.Fatal(err)
	}
	z.worker = storetest.Actor(t, s, storetest.MustUser(t, s, "worker", model.RoleGridWorker, z.f.GridA1.ID))
	z.admin = storetest.Actor(t, s, storetest.MustUser(t, s, "admin", model.RoleAdmin))
	return z
}

func (z *polZone) policy(t *testing.T, code, rule string) model.Policy {
	t.Helper()
	p, err := z.s.SavePolicy(bg, z.admin, 0, model.PolicyInput{Code: code, Title: "政策" + code, Rule: json.RawMessage(rule), Active: true})
	if err != nil {
		t.Fatalf("policy %s: %v", code, err)
	}
	return p
}

func matchedIDs(t *testing.T, s *store.Store, actor *model.Actor, id int64, limit int) []int64 {
	t.Helper()
	var out []int64
	var after int64
	for {
		items, next, err := s.PolicyMatches(bg, actor, id, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range items {
			out = append(out, m.ID)
		}
		if next == 0 {
			return out
		}
		after = next
	}
}

func TestPolicyRuleMatchesInSQL(t *testing.T) {
	z := polSetup(t)
	cases := []struct {
		rule string
		want []int64
	}{
		{`{}`, []int64{z.big.ID, z.small.ID, z.west.ID}},
		{`{"above_scale": true}`, []int64{z.big.ID, z.west.ID}},
		{`{"above_scale": false}`, []int64{z.small.ID}},
		{`{"employees_min": 100, "employees_max": 500}`, []int64{z.big.ID}},
		{`{"grid_in": ["A"]}`, []int64{z.big.ID, z.small.ID}},
		{`{"has_party_org": true}`, []int64{z.big.ID}},
		{`{"has_party_org": false, "above_scale": true}`, []int64{z.west.ID}},
		{`{"founded_before": "2016-01-01"}`, []int64{z.big.ID, z.west.ID}},
		{`{"industry_in": ["` + z.f.Industry.Code + `"], "grid_in": ["B1"]}`, []int64{z.west.ID}},
	}
	for i, c := range cases {
		p := z.policy(t, "P"+string(rune('a'+i)), c.rule)
		got := matchedIDs(t, z.s, z.admin, p.ID, 1) // one per page: the cursor is walked
		if len(got) != len(c.want) || (len(got) > 0 && !equalIDs(got, c.want)) {
			t.Errorf("rule %s matched %v, want %v", c.rule, got, c.want)
		}
		if p.Counts.Matched != len(c.want) {
			t.Errorf("rule %s counts.matched = %d, want %d", c.rule, p.Counts.Matched, len(c.want))
		}
	}
	// The grid worker of A1 sees only A1's matches.
	p := z.policy(t, "ALL", `{}`)
	if got := matchedIDs(t, z.s, z.worker, p.ID, 10); !equalIDs(got, []int64{z.big.ID}) {
		t.Errorf("worker sees %v", got)
	}
	eps, err := z.s.EnterprisePolicies(bg, z.admin, z.small.ID)
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	for _, ep := range eps {
		titles[ep.Code] = ep.Matches
	}
	if !titles["Pc"] || titles["Pb"] || !titles["ALL"] {
		t.Errorf("policies of the small enterprise: %+v", eps)
	}
	if _, err := z.s.EnterprisePolicies(bg, z.worker, z.west.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("worker reading another grid's enterprise policies: %v", err)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPolicyRuleValidation(t *testing.T) {
	z := polSetup(t)
	save := func(rule string) error {
		_, err := z.s.SavePolicy(bg, z.admin, 0, model.PolicyInput{Code: "X", Title: "x", Rule: json.RawMessage(rule), Active: true})
		return err
	}
	fe := wantField(t, save(`{"revenue_min": 2000}`), model.EINVALID, "rule.revenue_min", "policy.rule_unknown_attribute")
	if len(fe.Args) != 1 || fe.Args[0] != "revenue_min" {
		t.Errorf("args = %v", fe.Args)
	}
	wantField(t, save(`{"above_scale": "yes"}`), model.EINVALID, "rule.above_scale", "policy.rule_value")
	wantField(t, save(`{"industry_in": ["no-such"]}`), model.EINVALID, "rule.industry_in", "field.unknown")
	wantField(t, save(`{"grid_in": ["ZZ"]}`), model.EINVALID, "rule.grid_in", "field.unknown")
	wantField(t, save(`{"employees_min": 50, "employees_max": 10}`), model.EINVALID, "rule.employees_max", "field.range")
	wantField(t, save(`{"founded_before": "2020/01/01"}`), model.EINVALID, "rule.founded_before", "field.date_format")
	wantField(t, save(`[1, 2]`), model.EINVALID, "rule", "policy.rule_format")
	if _, err := z.s.SavePolicy(bg, z.worker, 0, model.PolicyInput{Code: "Y", Title: "y", Active: true}); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Errorf("worker saving a policy: %v", err)
	}
	p := z.policy(t, "OK", `{"above_scale": true}`)
	if _, err := z.s.SavePolicy(bg, z.admin, p.ID, model.PolicyInput{Code: "OK", Title: "改", Rule: json.RawMessage(`{}`), Version: p.Version + 1}); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("stale policy save: %v", err)
	}
}

func TestPolicyDeliveries(t *testing.T) {
	z := polSetup(t)
	p := z.policy(t, "GS", `{"above_scale": true}`)
	set := func(actor *model.Actor, ent int64, state, wan string, version int) (model.Delivery, error) {
		return z.s.SetDelivery(bg, actor, p.ID, model.DeliveryInput{EnterpriseID: ent, State: state, AmountWan: wan, Version: version})
	}
	// The worker cannot reach another grid's enterprise.
	if _, err := set(z.worker, z.west.ID, model.DeliveryInformed, "", 0); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("worker delivering outside the grid: %v", err)
	}
	// Informing needs a match.
	wantField(t, func() error { _, err := set(z.admin, z.small.ID, model.DeliveryInformed, "", 0); return err }(),
		model.EINVALID, "enterprise_id", "policy.not_matching")
	// Skipping 已申请 is illegal.
	wantCode(t, func() error { _, err := set(z.worker, z.big.ID, model.DeliveryRedeemed, "1", 0); return err }(), model.ECONFLICT)
	d, err := set(z.worker, z.big.ID, model.DeliveryInformed, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = set(z.worker, z.big.ID, model.DeliveryApplied, "", d.Version); err != nil {
		t.Fatal(err)
	}
	wantField(t, func() error { _, err := set(z.worker, z.big.ID, model.DeliveryRedeemed, "", d.Version); return err }(),
		model.EINVALID, "amount_wan", "field.required")
	wantField(t, func() error {
		_, err := set(z.worker, z.big.ID, model.DeliveryRedeemed, "1.23456", d.Version)
		return err
	}(),
		model.EINVALID, "amount_wan", "policy.amount_format")
	wantCode(t, func() error {
		_, err := set(z.worker, z.big.ID, model.DeliveryRedeemed, "12.5", d.Version-1)
		return err
	}(), model.ECONFLICT)
	if d, err = set(z.worker, z.big.ID, model.DeliveryRedeemed, "12.3456", d.Version); err != nil {
		t.Fatal(err)
	}
	if d.AmountYuan == nil || *d.AmountYuan != 123456 || d.State != model.DeliveryRedeemed {
		t.Fatalf("redeemed delivery: %+v", d)
	}
	// Final: no way back.
	wantCode(t, func() error { _, err := set(z.admin, z.big.ID, model.DeliveryIneligible, "", d.Version); return err }(), model.ECONFLICT)
	// The admin records 不符合 on the western enterprise; the worker does not see it.
	if _, err := set(z.admin, z.west.ID, model.DeliveryIneligible, "", 0); err != nil {
		t.Fatal(err)
	}
	ws, err := z.s.Deliveries(bg, z.worker, store.DeliveryFilter{PolicyID: p.ID})
	if err != nil || len(ws) != 1 || ws[0].EnterpriseID != z.big.ID {
		t.Fatalf("worker deliveries: %v %+v", err, ws)
	}
	all, err := z.s.Policy(bg, z.admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c := all.Counts; c.Redeemed != 1 || c.Ineligible != 1 || c.AmountYuan != 123456 || c.Matched != 2 {
		t.Errorf("admin counts: %+v", c)
	}
	mine, _ := z.s.Policy(bg, z.worker, p.ID)
	if c := mine.Counts; c.Ineligible != 0 || c.Matched != 1 {
		t.Errorf("worker counts: %+v", c)
	}
	// Each move is audited.
	var n int
	if err := z.s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM audit_log WHERE action = 'policy.deliver'").Scan(&n); err != nil || n != 4 {
		t.Errorf("delivery audit entries = %d (%v), want 4", n, err)
	}
}

func TestParseWanExact(t *testing.T) {
	for in, want := range map[string]int64{"1": 10000, "0.0001": 1, "12.5": 125000, "123456.7891": 1234567891} {
		if got, ok := store.ParseWan(in); !ok || got != want {
			t.Errorf("ParseWan(%q) = %d %v, want %d", in, got, ok, want)
		}
		if back := store.FormatWan(want); back != in {
			t.Errorf("FormatWan(%d) = %q, want %q", want, back, in)
		}
	}
	for _, bad := range []string{"", "-1", "1e3", "0.00001", "abc", "1/2"} {
		if _, ok := store.ParseWan(bad); ok {
			t.Errorf("ParseWan(%q) accepted", bad)
		}
	}
}

func TestExpertServices(t *testing.T) {
	z := polSetup(t)
	kinds, err := z.s.ExpertKinds(bg)
	if err != nil || len(kinds) != 3 {
		t.Fatalf("kinds: %v %d", err, len(kinds))
	}
	if _, err := z.s.SaveExpert(bg, z.worker, 0, model.Expert{Name: "张律师", KindID: kinds[0].ID, Active: true}); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Errorf("worker registering an expert: %v", err)
	}
	wantField(t, func() error {
		_, err := z.s.SaveExpert(bg, z.admin, 0, model.Expert{Name: "x", Active: true})
		return err
	}(),
		model.EINVALID, "kind_id", "field.required")
	x, err := z.s.SaveExpert(bg, z.admin, 0, model.Expert{Name: "张律师", KindID: kinds[0].ID, Employer: "某律师事务所", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	z.clock.Set(time.Date(2026, 6, 10, 2, 0, 0, 0, time.UTC))
	add := func(actor *model.Actor, ent int64, day string) error {
		_, err := z.s.CreateExpertService(bg, actor, model.ExpertServiceInput{ExpertID: x.ID, EnterpriseID: ent, ServedOn: day, Topic: "合同审查"})
		return err
	}
	for _, d := range []string{"2026-06-01", "2026-06-02"} {
		if err := add(z.worker, z.big.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := add(z.admin, z.west.ID, "2026-06-03"); err != nil {
		t.Fatal(err)
	}
	wantField(t, add(z.worker, z.west.ID, "2026-06-03"), model.EINVALID, "enterprise_id", "field.unknown")
	wantField(t, add(z.worker, z.big.ID, "2026-07-01"), model.EINVALID, "served_on", "field.date_future")
	byGrid, byEnt, err := z.s.ServiceCounts(bg, z.admin)
	if err != nil || len(byGrid) != 2 || len(byEnt) != 2 || byEnt[0].ID != z.big.ID || byEnt[0].Count != 2 {
		t.Fatalf("admin counts: %v %+v %+v", err, byGrid, byEnt)
	}
	byGrid, _, _ = z.s.ServiceCounts(bg, z.worker)
	if len(byGrid) != 1 || byGrid[0].ID != z.f.GridA1.ID || byGrid[0].Count != 2 {
		t.Errorf("worker grid counts: %+v", byGrid)
	}
	svcs, err := z.s.ExpertServices(bg, z.worker, store.ServiceFilter{})
	if err != nil || len(svcs) != 2 || svcs[0].ServedOn.Format("2006-01-02") != "2026-06-02" {
		t.Errorf("worker services: %v %+v", err, svcs)
	}
	xs, _ := z.s.Experts(bg, z.admin)
	if len(xs) != 1 || xs[0].Services != 3 {
		t.Errorf("experts: %+v", xs)
	}
}
