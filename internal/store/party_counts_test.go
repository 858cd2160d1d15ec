package store_test

import (
	"context"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/textkey"
)

// checkCounters compares every organization's per-organization and subtree
// counters with a direct count of the members rows.
func checkCounters(t *testing.T, s *store.Store) {
	t.Helper()
	rows, err := s.R.Query(`SELECT o.id, o.code,
		(SELECT COUNT(*) FROM members m WHERE m.org_id = o.id),
		(SELECT COALESCE(SUM(n), 0) FROM org_member_counts c WHERE c.org_id = o.id),
		(SELECT COUNT(*) FROM members m WHERE m.org_path LIKE o.path || '%'),
		(SELECT COALESCE(SUM(n), 0) FROM org_subtree_counts c WHERE c.org_id = o.id)
		FROM organizations o ORDER BY o.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		var own, ownC, sub, subC int
		if err := rows.Scan(&id, &code, &own, &ownC, &sub, &subC); err != nil {
			t.Fatal(err)
		}
		if own != ownC || sub != subC {
			t.Errorf("%s: %d members (counter %d), %d in subtree (counter %d)", code, own, ownC, sub, subC)
		}
	}
}

func TestSubtreeCountersFollowWritesAndMoves(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	mk := func(code, kind string, parent int64) model.Organization {
		o, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: code, Name: code + "党组织", Kind: kind, ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	top := mk("TOP", "党委", 0)
	a := mk("A", "党委", top.ID)
	b := mk("B", "党委", top.ID)
	ga := mk("GA", "党总支", a.ID)
	br := mk("BR", "党支部", ga.ID)
	seq := 0
	add := func(org int64, cat string) model.Member {
		seq++
		in := model.MemberInput{Name: "党员", IDNumber: gen.IDNumberSeq("330784", storetest.Epoch.AddDate(-30, 0, seq), 1),
			Category: cat, OrgID: org, AdmittedOn: "2020-01-01"}
		m, err := s.CreateMember(ctx, model.System, in)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for range 4 {
		add(br.ID, model.CategoryFull)
	}
	p := add(br.ID, model.CategoryProbationary)
	add(ga.ID, model.CategoryFull)
	checkCounters(t, s)
	if c, _ := s.OrgMemberCounts(ctx, top.ID); c.Full != 5 || c.Probationary != 1 || c.Total != 6 {
		t.Fatalf("top counts %+v", c)
	}

	// Status and category changes move between counters.
	sec, err := s.RevealMember(ctx, model.System, p.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	in := store.MemberInputOf(p, sec)
	in.Status = model.MemberLost
	if _, err := s.UpdateMember(ctx, model.System, p.ID, in, p.Version); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, s)
	if c, _ := s.OrgMemberCounts(ctx, a.ID); c.Probationary != 0 || c.ByStatus[model.MemberLost] != 1 || c.Total != 6 {
		t.Fatalf("after status change %+v", c)
	}

	// Moving the general branch under B moves its subtree's totals.
	gin := store.OrganizationInputOf(ga)
	gin.ParentID = b.ID
	if _, err := s.UpdateOrganization(ctx, model.System, ga.ID, gin); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, s)
	ca, _ := s.OrgMemberCounts(ctx, a.ID)
	cb, _ := s.OrgMemberCounts(ctx, b.ID)
	ct, _ := s.OrgMemberCounts(ctx, top.ID)
	if ca.Total != 0 || cb.Total != 6 || ct.Total != 6 {
		t.Fatalf("after move: A %+v, B %+v, top %+v", ca, cb, ct)
	}
}

func TestBulkCountersMatchRows(t *testing.T) {
	s, _ := storetest.Open(t)
	if err := gen.Run(context.Background(), s, gen.Options{Enterprises: 50, Grids: 3, Seed: 9, Orgs: 300, Members: 2000}, nil); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, s)
}

// CountMembers answers from the counters when it can; the answer must be
// the one counting rows gives.
func TestCountMembersFromCounters(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	if err := gen.Run(ctx, s, gen.Options{Enterprises: 50, Grids: 3, Seed: 5, Orgs: 200, Members: 1500}, nil); err != nil {
		t.Fatal(err)
	}
	com, err := s.OrganizationByCode(ctx, "BZ-C001-G003")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []model.MemberFilter{{}, {Status: model.MemberNormal}, {OrgID: com.ID}, {OrgID: com.ID, Category: model.CategoryProbationary},
		{OrgID: com.ID, Category: model.CategoryFull, Status: model.MemberNormal}, {Category: model.CategoryFull}} {
		n, _, err := s.CountMembers(ctx, model.System, f, 100000)
		if err != nil {
			t.Fatal(err)
		}
		// The same filter with a mobile flag of "either" forces a row count.
		var direct int
		q := "SELECT COUNT(*) FROM members m JOIN organizations o ON o.id = m.org_id WHERE TRUE"
		var args []any
		if f.OrgID != 0 {
			args = append(args, com.Path+"%")
			q += " AND m.org_path LIKE $1"
		}
		if f.Category != "" {
			args = append(args, f.Category)
			q += " AND m.category = $" + string(rune('0'+len(args)))
		}
		if f.Status != "" {
			args = append(args, f.Status)
			q += " AND m.status = $" + string(rune('0'+len(args)))
		}
		if err := s.R.QueryRow(q, args...).Scan(&direct); err != nil {
			t.Fatal(err)
		}
		if n != direct || n == 0 {
			t.Errorf("%+v: counters say %d, rows %d", f, n, direct)
		}
	}
}

// A name-prefix search returns exactly the members whose names begin with
// the prefix (the pinyin-key range it seeks to loses none), in pinyin order.
func TestMemberNamePrefixMatchesLike(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	if err := gen.Run(ctx, s, gen.Options{Enterprises: 50, Grids: 3, Seed: 11, Orgs: 120, Members: 3000}, nil); err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"王", "李", "张伟", "陈"} {
		var want int
		if err := s.R.QueryRow("SELECT COUNT(*) FROM members WHERE name LIKE $1", prefix+"%").Scan(&want); err != nil {
			t.Fatal(err)
		}
		got := 0
		f := model.MemberFilter{Keyword: prefix, Limit: 50}
		var last []byte
		for {
			page, err := s.ListMembers(ctx, model.System, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Items {
				if len(m.Name) < len(prefix) || m.Name[:len(prefix)] != prefix {
					t.Fatalf("%s: got %s", prefix, m.Name)
				}
				k := textkey.SortKey(m.Name)
				if last != nil && string(k) < string(last) {
					t.Fatalf("%s: out of order at %s", prefix, m.Name)
				}
				last = k
			}
			got += len(page.Items)
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		if got != want || (prefix == "王" && want == 0) {
			t.Errorf("%s: listed %d, LIKE finds %d", prefix, got, want)
		}
	}
}
