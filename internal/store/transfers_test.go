package store_test

import (
	"fmt"
	"testing"
	"time"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// trZone is a small party register for the transfer and survey tests: a
// committee with two branches, a secretary for each branch and one for the
// committee, and one enterprise in grid A1 and one in grid B1.
type trZone struct {
	s                  *store.Store
	clock              *storetest.Clock
	f                  storetest.Fixture
	top, a, b          model.Organization
	secA, secB, secTop *model.Actor
	entA, entB         model.Enterprise
}

func trSetup(t *testing.T) *trZone {
	t.Helper()
	s, clock := storetest.Open(t)
	z := &trZone{s: s, clock: clock, f: storetest.MustZone(t, s)}
	org := func(code, name, kind string, parent int64) model.Organization {
		o, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: code, Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			t.Fatalf("organization %s: %v", code, err)
		}
		return o
	}
	z.top = org("TR-DGW", "城西新区党工委", store.OrgCommittee, 0)
	z.a = org("TR-A", "甲公司党支部", store.OrgBranch, z.top.ID)
	z.b = org("TR-B", "乙公司党支部", store.OrgBranch, z.top.ID)
	sec := func(name string, orgID int64) *model.Actor {
		u, err := s.CreateUser(bg, model.System, store.UserInput{Username: name, DisplayName: name, Role: model.RoleOrgSecretary,
			OrgIDs: []int64{orgID}, Password: storetest.Password})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return storetest.Actor(t, s, u)
	}
	z.secA, z.secB, z.secTop = sec("seca", z.a.ID), sec("secb", z.b.ID), sec("sectop", z.top.ID)
	z.entA = storetest.MustEnterprise(t, s, z.f.GridA1.ID, z.f.Industry.ID, 901, "甲公司")
	z.entB = storetest.MustEnterprise(t, s, z.f.GridB1.ID, z.f.Industry.ID, 902, "乙公司")
	return z
}

// trID makes a valid 居民身份证号 from a number (born 1985-01-01).
func trID(n int) string {
	body := fmt.Sprintf("33078419850101%03d", n%1000)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

// trMemberInput is a valid full member.
func trMemberInput(n int, name string, orgID int64) model.MemberInput {
	return model.MemberInput{Name: name, IDNumber: trID(n), Phone: fmt.Sprintf("1390579%04d", n), Ethnicity: "汉族",
		Category: model.CategoryFull, AdmittedOn: "2010-07-01", FullOn: "2011-07-01", OrgID: orgID}
}

func (z *trZone) member(t *testing.T, n int, name string, orgID int64) model.Member {
	t.Helper()
	m, err := z.s.CreateMember(bg, model.System, trMemberInput(n, name, orgID))
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return m
}

func (z *trZone) full(t *testing.T, orgID int64) int {
	t.Helper()
	c, err := z.s.OrgMemberCounts(bg, orgID)
	if err != nil {
		t.Fatal(err)
	}
	o, err := z.s.Organization(bg, model.System, orgID)
	if err != nil {
		t.Fatal(err)
	}
	if o.FullMembers != c.Full && orgID != z.top.ID {
		t.Fatalf("organization %d: FullMembers %d, counters %d", orgID, o.FullMembers, c.Full)
	}
	return c.Full
}

func (z *trZone) memberOrg(t *testing.T, id int64) (int64, bool) {
	t.Helper()
	m, err := z.s.Member(bg, model.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return m.OrgID, m.InTransit
}

// act takes one step and fails unless it lands in want.
func (z *trZone) act(t *testing.T, actor *model.Actor, tr model.Transfer, action, reason, want string) model.Transfer {
	t.Helper()
	got, err := z.s.ActOnTransfer(bg, actor, tr.ID, store.TransferActionInput{Action: action, Reason: reason, Version: tr.Version})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if got.State != want || got.Version != tr.Version+1 {
		t.Fatalf("%s: state %s version %d, want %s %d", action, got.State, got.Version, want, tr.Version+1)
	}
	return got
}

func (z *trZone) refuse(t *testing.T, actor *model.Actor, tr model.Transfer, action, reason, code string) {
	t.Helper()
	_, err := z.s.ActOnTransfer(bg, actor, tr.ID, store.TransferActionInput{Action: action, Reason: reason, Version: tr.Version})
	wantCode(t, err, code)
	// A refused step changes nothing.
	now, err := z.s.Transfer(bg, model.System, tr.ID)
	if err != nil || now.State != tr.State || now.Version != tr.Version {
		t.Fatalf("refused %s changed the transfer: %+v %v", action, now, err)
	}
}

func letter(kind string, memberID, toOrg int64, toName string) model.TransferInput {
	return model.TransferInput{Kind: kind, MemberID: memberID, ToOrgID: toOrg, ToName: toName, LetterNo: "城西〔2021〕1号",
		DuesPaidTo: "2021-07", IssuedOn: "2021-08-25", ValidDays: 30}
}

func TestTransferWithinFlow(t *testing.T) {
	z := trSetup(t)
	m := z.member(t, 1, "张三", z.a.ID)
	z.member(t, 2, "李四", z.b.ID)
	if z.full(t, z.a.ID) != 1 || z.full(t, z.b.ID) != 1 {
		t.Fatal("counters before")
	}

	// The receiving side cannot start the move of a member it does not manage.
	_, err := z.s.CreateTransfer(bg, z.secB, letter(model.TransferWithin, m.ID, z.b.ID, ""))
	wantCode(t, err, model.ENOTFOUND)

	tr, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferWithin, m.ID, z.b.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	if tr.State != model.TransferInitiated || tr.FromOrgID != z.a.ID || tr.FromName != z.a.Name || tr.ToOrgID != z.b.ID ||
		tr.ToName != z.b.Name || tr.MemberName != "张三" || tr.DuesPaidTo != "2021-07" || tr.Version != 1 {
		t.Fatalf("created: %+v", tr)
	}
	if want := time.Date(2021, 9, 24, 0, 0, 0, 0, time.UTC); !tr.ValidUntil.Equal(want) {
		t.Fatalf("valid until %v, want %v", tr.ValidUntil, want)
	}
	if org, transit := z.memberOrg(t, m.ID); org != z.a.ID || !transit {
		t.Fatalf("member after start: org %d in transit %v", org, transit)
	}
	// Both sides see it; each may take only its own steps.
	for _, who := range []*model.Actor{z.secA, z.secB, z.secTop} {
		if _, err := z.s.Transfer(bg, who, tr.ID); err != nil {
			t.Fatalf("%s cannot see the transfer: %v", who.Username, err)
		}
	}
	if !z.s.TransferCan(bg, z.secA, tr, store.ActApprove) || z.s.TransferCan(bg, z.secB, tr, store.ActApprove) ||
		z.s.TransferCan(bg, z.secA, tr, store.ActReceive) {
		t.Fatal("TransferCan at 发起")
	}
	z.refuse(t, z.secB, tr, store.ActApprove, "", model.EFORBIDDEN)
	z.refuse(t, z.secA, tr, store.ActReceive, "", model.ECONFLICT)
	z.refuse(t, z.secA, tr, store.ActDispatch, "", model.ECONFLICT)
	z.refuse(t, z.secA, tr, "jump", "", model.EINVALID)
	_, err = z.s.ActOnTransfer(bg, z.secA, tr.ID, store.TransferActionInput{Action: store.ActApprove, Version: 7})
	if e := wantCode(t, err, model.ECONFLICT); e.Key != "error.stale" {
		t.Fatalf("stale: %v", err)
	}

	tr = z.act(t, z.secA, tr, store.ActApprove, "", model.TransferApproved)
	z.refuse(t, z.secB, tr, store.ActDispatch, "", model.EFORBIDDEN)
	tr = z.act(t, z.secA, tr, store.ActDispatch, "", model.TransferInTransit)
	// In transit the sending organization stays responsible.
	if org, transit := z.memberOrg(t, m.ID); org != z.a.ID || !transit || z.full(t, z.a.ID) != 1 || z.full(t, z.b.ID) != 1 {
		t.Fatalf("member in transit: org %d transit %v", org, transit)
	}
	z.refuse(t, z.secA, tr, store.ActReceive, "", model.EFORBIDDEN)
	z.refuse(t, z.secA, tr, store.ActCancel, "", model.ECONFLICT)
	_, err = z.s.ActOnTransfer(bg, z.secB, tr.ID, store.TransferActionInput{Action: store.ActReturn, Version: tr.Version})
	wantField(t, err, model.EINVALID, "reason", "field.required")
	if !z.s.TransferCan(bg, z.secB, tr, store.ActReceive) || !z.s.TransferCan(bg, z.secB, tr, store.ActReturn) {
		t.Fatal("TransferCan in transit")
	}

	tr = z.act(t, z.secB, tr, store.ActReceive, "", model.TransferReceived)
	if org, transit := z.memberOrg(t, m.ID); org != z.b.ID || transit {
		t.Fatalf("member after receipt: org %d transit %v", org, transit)
	}
	if a, b := z.full(t, z.a.ID), z.full(t, z.b.ID); a != 0 || b != 2 {
		t.Fatalf("counters after receipt: A %d B %d", a, b)
	}
	if top := z.full(t, z.top.ID); top != 2 {
		t.Fatalf("committee subtree: %d", top)
	}
	z.refuse(t, z.secA, tr, store.ActCancel, "", model.ECONFLICT)
	for _, a := range store.TransferActions {
		if z.s.TransferCan(bg, model.System, tr, a) {
			t.Fatalf("%s allowed on a received transfer", a)
		}
	}
	entries, err := z.s.ListAudit(bg, model.AuditFilter{Entity: "transfer", EntityID: tr.ID})
	if err != nil || len(entries) != 4 {
		t.Fatalf("audit: %d %v", len(entries), err)
	}
	hist, err := z.s.MemberTransfers(bg, m.ID)
	if err != nil || len(hist) != 1 || hist[0].ID != tr.ID {
		t.Fatalf("member transfers: %+v %v", hist, err)
	}
	// The member can now move again, and back to A is no longer "the same organization".
	if _, err := z.s.CreateTransfer(bg, z.secB, letter(model.TransferWithin, m.ID, z.a.ID, "")); err != nil {
		t.Fatal(err)
	}
}

func TestTransferOutFlow(t *testing.T) {
	z := trSetup(t)
	m := z.member(t, 1, "王五", z.a.ID)
	m2 := z.member(t, 2, "赵六", z.a.ID)

	_, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferOut, m.ID, 0, ""))
	wantField(t, err, model.EINVALID, "to_name", "field.required")

	tr, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferOut, m.ID, 0, "中共金华市某某委员会"))
	if err != nil {
		t.Fatal(err)
	}
	if tr.ToOrgID != 0 || tr.ToName != "中共金华市某某委员会" || tr.State != model.TransferInitiated {
		t.Fatalf("out: %+v", tr)
	}
	// The committee above A may act for it; B may not even see the transfer.
	_, err = z.s.ActOnTransfer(bg, z.secB, tr.ID, store.TransferActionInput{Action: store.ActApprove, Version: tr.Version})
	wantCode(t, err, model.ENOTFOUND)
	tr = z.act(t, z.secTop, tr, store.ActApprove, "", model.TransferApproved)
	tr = z.act(t, z.secA, tr, store.ActDispatch, "", model.TransferInTransit)
	if org, _ := z.memberOrg(t, m.ID); org != z.a.ID || z.full(t, z.a.ID) != 2 {
		t.Fatal("out in transit moved the member early")
	}
	// The 回执 comes back to the sender, who records receipt.
	tr = z.act(t, z.secA, tr, store.ActReceive, "", model.TransferReceived)
	if org, transit := z.memberOrg(t, m.ID); org != 0 || transit || z.full(t, z.a.ID) != 1 {
		t.Fatalf("after out: org %d transit %v full %d", org, transit, z.full(t, z.a.ID))
	}
	// Left the system: no further transfer out.
	_, err = z.s.CreateTransfer(bg, z.secA, letter(model.TransferOut, m.ID, 0, "别处"))
	wantField(t, err, model.EINVALID, "member_id", "transfer.no_organization")

	// Returned with a reason: the member stays; a new transfer may start.
	t2, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferOut, m2.ID, 0, "中共义乌市某某支部"))
	if err != nil {
		t.Fatal(err)
	}
	t2 = z.act(t, z.secA, t2, store.ActApprove, "", model.TransferApproved)
	t2 = z.act(t, z.secA, t2, store.ActDispatch, "", model.TransferInTransit)
	t2 = z.act(t, z.secA, t2, store.ActReturn, "接收方查无此组织", model.TransferReturned)
	if t2.Reason != "接收方查无此组织" {
		t.Fatalf("reason: %q", t2.Reason)
	}
	if org, transit := z.memberOrg(t, m2.ID); org != z.a.ID || transit {
		t.Fatal("returned transfer moved the member")
	}
	// Started again and cancelled at 发起.
	t3, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferOut, m2.ID, 0, "中共义乌市某某支部"))
	if err != nil {
		t.Fatal(err)
	}
	t3 = z.act(t, z.secA, t3, store.ActCancel, "", model.TransferCancelled)
	if _, transit := z.memberOrg(t, m2.ID); transit || z.full(t, z.a.ID) != 1 {
		t.Fatal("cancelled transfer left the member in transit")
	}
}

func TestTransferInFlow(t *testing.T) {
	z := trSetup(t)
	in := model.TransferInput{Kind: model.TransferIn, FromName: "中共杭州市某某支部", ToOrgID: z.b.ID, LetterNo: "杭〔2021〕9号",
		DuesPaidTo: "2021-06", ValidDays: 60}
	mi := trMemberInput(7, "孙七", 0)
	mi.EnterpriseID = z.entB.ID
	in.Member = &mi

	// A secretary cannot receive into an organization it does not manage;
	// nothing of the arriving member is kept.
	_, err := z.s.CreateTransfer(bg, z.secA, in)
	wantField(t, err, model.EINVALID, "to_org_id", "organization.outside_scope")
	if _, err := z.s.MemberIDByNumber(bg, mi.IDNumber); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("a refused transfer left a member behind: %v", err)
	}
	// Member errors are named under member.
	bad := in
	bm := mi
	bm.IDNumber = "330784198501010010"
	bad.Member = &bm
	_, err = z.s.CreateTransfer(bg, z.secB, bad)
	if e := wantCode(t, err, model.EINVALID); e.Fields["member.id_number"].Key == "" {
		t.Fatalf("bad ID not named: %v", err)
	}
	// Neither a member nor a member id: a field error, not a crash.
	none := in
	none.Member = nil
	_, err = z.s.CreateTransfer(bg, z.secB, none)
	wantField(t, err, model.EINVALID, "member_id", "field.required")
	noFrom := in
	noFrom.FromName = " "
	_, err = z.s.CreateTransfer(bg, z.secB, noFrom)
	wantField(t, err, model.EINVALID, "from_name", "field.required")

	tr, err := z.s.CreateTransfer(bg, z.secB, in)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Kind != model.TransferIn || tr.State != model.TransferInTransit || tr.FromOrgID != 0 || tr.FromName != "中共杭州市某某支部" ||
		tr.ToName != z.b.Name || tr.MemberName != "孙七" {
		t.Fatalf("in: %+v", tr)
	}
	if org, transit := z.memberOrg(t, tr.MemberID); org != 0 || !transit || z.full(t, z.b.ID) != 0 {
		t.Fatalf("arriving member: org %d transit %v", org, transit)
	}
	// The same person cannot arrive twice.
	_, err = z.s.CreateTransfer(bg, z.secB, in)
	wantCode(t, err, model.ECONFLICT)
	// Nor be moved by another route while in transit.
	again := letter(model.TransferIn, tr.MemberID, z.b.ID, "")
	again.FromName = "别处"
	_, err = z.s.CreateTransfer(bg, z.secB, again)
	wantField(t, err, model.ECONFLICT, "member_id", "transfer.in_transit")

	// No approval step on an inward transfer; A is not a party to it.
	z.refuse(t, z.secB, tr, store.ActApprove, "", model.ECONFLICT)
	_, err = z.s.ActOnTransfer(bg, z.secA, tr.ID, store.TransferActionInput{Action: store.ActReceive, Version: tr.Version})
	wantCode(t, err, model.ENOTFOUND)
	if !z.s.TransferCan(bg, z.secB, tr, store.ActCancel) || !z.s.TransferCan(bg, z.secB, tr, store.ActReceive) {
		t.Fatal("receiver's buttons on an inward transfer")
	}

	tr = z.act(t, z.secB, tr, store.ActReceive, "", model.TransferReceived)
	if org, transit := z.memberOrg(t, tr.MemberID); org != z.b.ID || transit || z.full(t, z.b.ID) != 1 {
		t.Fatalf("after receipt: org %d transit %v full %d", org, transit, z.full(t, z.b.ID))
	}

	// An inward transfer still in transit may be cancelled by the receiver.
	mi2 := trMemberInput(8, "周八", 0)
	in2 := in
	in2.Member = &mi2
	t2, err := z.s.CreateTransfer(bg, z.secB, in2)
	if err != nil {
		t.Fatal(err)
	}
	z.act(t, z.secB, t2, store.ActCancel, "对方未开具介绍信", model.TransferCancelled)
	if org, transit := z.memberOrg(t, t2.MemberID); org != 0 || transit || z.full(t, z.b.ID) != 1 {
		t.Fatal("cancelled inward transfer")
	}
	// The member already in an organization cannot be "received" from outside.
	dup := letter(model.TransferIn, tr.MemberID, z.b.ID, "")
	dup.FromName = "别处"
	_, err = z.s.CreateTransfer(bg, z.secB, dup)
	wantField(t, err, model.EINVALID, "member_id", "transfer.already_member")
}

func TestTransferRefusals(t *testing.T) {
	z := trSetup(t)
	m := z.member(t, 1, "吴九", z.a.ID)
	with := func(edit func(*model.TransferInput)) model.TransferInput {
		in := letter(model.TransferWithin, m.ID, z.b.ID, "")
		edit(&in)
		return in
	}

	cases := []struct {
		name      string
		in        model.TransferInput
		code, fld string
		key       string
	}{
		{"same organization", letter(model.TransferWithin, m.ID, z.a.ID, ""), model.EINVALID, "to_org_id", "transfer.same_org"},
		{"no destination", letter(model.TransferWithin, m.ID, 0, ""), model.EINVALID, "to_org_id", "field.required"},
		{"unknown destination", letter(model.TransferWithin, m.ID, 99999, ""), model.EINVALID, "to_org_id", "field.unknown"},
		{"unknown member", letter(model.TransferWithin, 99999, z.b.ID, ""), model.EINVALID, "member_id", "field.unknown"},
		{"bad kind", letter("sideways", m.ID, z.b.ID, ""), model.EINVALID, "kind", "field.choose"},
		{"bad month", with(func(in *model.TransferInput) { in.DuesPaidTo = "2021-13" }), model.EINVALID, "dues_paid_to", "transfer.month_format"},
		{"validity too long", with(func(in *model.TransferInput) { in.ValidDays = 91 }), model.EINVALID, "valid_days", "field.range"},
		{"issued in the future", with(func(in *model.TransferInput) { in.IssuedOn = "2021-09-01" }), model.EINVALID, "issued_on", "field.date_future"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := z.s.CreateTransfer(bg, z.secA, c.in)
			wantField(t, err, c.code, c.fld, c.key)
		})
	}

	tr, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferWithin, m.ID, z.b.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	// A member with an open transfer cannot be transferred again, by any kind.
	for _, in := range []model.TransferInput{letter(model.TransferWithin, m.ID, z.b.ID, ""), letter(model.TransferOut, m.ID, 0, "别处")} {
		_, err := z.s.CreateTransfer(bg, model.System, in)
		wantField(t, err, model.ECONFLICT, "member_id", "transfer.in_transit")
	}
	// The database holds the rule by itself: a direct second open row fails.
	now := z.clock.Now()
	_, err = z.s.W.ExecContext(bg, `INSERT INTO transfers (kind, member_id, from_org_id, from_name, to_org_id, to_name, issued_on,
		valid_until, state, created_at, updated_at, version) VALUES ('within', $1, $2, '', $3, '', $4, $4, 'approved', $5, $5, 1)`,
		m.ID, z.a.ID, z.b.ID, time.Date(2021, 8, 25, 0, 0, 0, 0, time.UTC), now)
	if err == nil {
		t.Fatal("the unique index let a second open transfer in")
	}
	items, _, _, err := z.s.ListTransfers(bg, model.System, model.TransferFilter{})
	if err != nil || len(items) != 1 || items[0].ID != tr.ID {
		t.Fatalf("transfers after refusals: %d %v", len(items), err)
	}
	// A closed transfer does not block: cancel, then start again.
	z.act(t, z.secA, tr, store.ActCancel, "", model.TransferCancelled)
	if _, err := z.s.CreateTransfer(bg, z.secA, letter(model.TransferWithin, m.ID, z.b.ID, "")); err != nil {
		t.Fatal(err)
	}
}

func TestTransferExpiryAndList(t *testing.T) {
	z := trSetup(t)
	m1 := z.member(t, 1, "郑一", z.a.ID)
	m2 := z.member(t, 2, "郑二", z.a.ID)
	m3 := z.member(t, 3, "郑三", z.b.ID)
	short := letter(model.TransferWithin, m1.ID, z.b.ID, "")
	short.ValidDays = 10
	t1, err := z.s.CreateTransfer(bg, z.secA, short)
	if err != nil {
		t.Fatal(err)
	}
	dflt := letter(model.TransferOut, m2.ID, 0, "别处")
	dflt.ValidDays, dflt.IssuedOn = 0, ""
	t2, err := z.s.CreateTransfer(bg, z.secA, dflt)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2021, 9, 24, 0, 0, 0, 0, time.UTC); !t2.ValidUntil.Equal(want) || !t2.IssuedOn.Equal(want.AddDate(0, 0, -30)) {
		t.Fatalf("defaults: issued %v until %v", t2.IssuedOn, t2.ValidUntil)
	}
	t3, err := z.s.CreateTransfer(bg, z.secB, letter(model.TransferWithin, m3.ID, z.a.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	if t1.Expired || t2.Expired {
		t.Fatal("expired on the day of issue")
	}
	// The last valid day is still valid; the day after is not.
	z.clock.Add(10 * 24 * time.Hour)
	if got, _ := z.s.Transfer(bg, model.System, t1.ID); got.Expired {
		t.Fatal("expired on its last day")
	}
	z.clock.Add(24 * time.Hour)
	got, _ := z.s.Transfer(bg, model.System, t1.ID)
	if !got.Expired {
		t.Fatal("not flagged after its validity")
	}
	exp, _, _, err := z.s.ListTransfers(bg, model.System, model.TransferFilter{Expired: true})
	if err != nil || len(exp) != 1 || exp[0].ID != t1.ID || !exp[0].Expired {
		t.Fatalf("expired filter: %+v %v", exp, err)
	}
	// A closed transfer is never flagged.
	got = z.act(t, z.secA, got, store.ActCancel, "", model.TransferCancelled)
	if got.Expired {
		t.Fatal("a cancelled transfer is flagged expired")
	}

	// Scope and filters; newest first; pages.
	ids := func(f model.TransferFilter, actor *model.Actor) []int64 {
		t.Helper()
		items, _, _, err := z.s.ListTransfers(bg, actor, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	eq := func(got []int64, want ...int64) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	eq(ids(model.TransferFilter{}, model.System), t3.ID, t2.ID, t1.ID)
	eq(ids(model.TransferFilter{}, z.secA), t3.ID, t2.ID, t1.ID)
	eq(ids(model.TransferFilter{}, z.secB), t3.ID, t1.ID)
	eq(ids(model.TransferFilter{Kind: model.TransferOut}, z.secA), t2.ID)
	eq(ids(model.TransferFilter{State: model.TransferCancelled}, z.secA), t1.ID)
	eq(ids(model.TransferFilter{Open: true}, z.secA), t3.ID, t2.ID)
	eq(ids(model.TransferFilter{OrgID: z.b.ID}, model.System), t3.ID, t1.ID)
	worker := storetest.Actor(t, z.s, storetest.MustUser(t, z.s, "worker", model.RoleGridWorker, z.f.GridA1.ID))
	eq(ids(model.TransferFilter{}, worker))
	page1, next, _, err := z.s.ListTransfers(bg, model.System, model.TransferFilter{Limit: 2})
	if err != nil || len(page1) != 2 || next == "" {
		t.Fatalf("page 1: %d %q %v", len(page1), next, err)
	}
	page2, _, prev, err := z.s.ListTransfers(bg, model.System, model.TransferFilter{Limit: 2, Cursor: next})
	if err != nil || len(page2) != 1 || page2[0].ID != t1.ID || prev == "" {
		t.Fatalf("page 2: %+v %v", page2, err)
	}
}
