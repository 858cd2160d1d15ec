package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// Party benchmarks: the member list with filters and the member counts of
// a 党委 with 10,000 descendant organizations. Point REDGRID_BENCH_PARTY_DB
// at a database made with the test key, e.g.
//
//	REDGRID_SECRET_KEY=<storetest.TestKey> go run ./cmd/redgrid gen --db sqlite:/tmp/party.db \
//	    --enterprises 200000 --grids 500 --orgs 250000 --members 4300000
//	REDGRID_BENCH_PARTY_DB=sqlite:/tmp/party.db go test ./internal/store -run '^$' -bench Party -benchtime 2000x
//
// Without it a small set (12,000 organizations, 60,000 members) is generated.

type partyBench struct {
	s         *store.Store
	committee model.Organization // a 党委 with CommitteeSize organizations
	branch    model.Organization
	general   model.Organization
	deep      string // a cursor 50 pages into the committee's list
	name      string // a name prefix present in the data
}

var partyB *partyBench

func setupPartyBench(b *testing.B) *partyBench {
	if partyB != nil {
		return partyB
	}
	ctx := context.Background()
	url := os.Getenv("REDGRID_BENCH_PARTY_DB")
	generate := url == ""
	if generate {
		// Outlives the first benchmark (storetest.Open would close it).
		dir, err := os.MkdirTemp("", "redgrid-party-bench")
		if err != nil {
			b.Fatal(err)
		}
		url = "sqlite:" + filepath.Join(dir, "party.db")
	}
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.Keys = storetest.Keys(b)
	if generate {
		if _, err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if err := gen.Run(ctx, s, gen.Options{Enterprises: 2000, Grids: 20, Seed: 1, Orgs: 12_000, Members: 60_000}, nil); err != nil {
			b.Fatal(err)
		}
	}
	pb := &partyBench{s: s}
	if pb.committee, err = s.OrganizationByCode(ctx, "BZ-C001"); err != nil {
		b.Fatal(err)
	}
	if pb.general, err = s.OrganizationByCode(ctx, "BZ-C001-G050"); err != nil {
		b.Fatal(err)
	}
	if pb.branch, err = s.OrganizationByCode(ctx, "BZ-C001-G050-B050"); err != nil {
		b.Fatal(err)
	}
	f := model.MemberFilter{OrgID: pb.committee.ID, Category: model.CategoryFull, Status: model.MemberNormal, Limit: 20}
	for range 50 {
		page, err := s.ListMembers(ctx, model.System, f)
		if err != nil {
			b.Fatal(err)
		}
		f.Cursor = page.NextCursor
		pb.name = string([]rune(page.Items[0].Name)[:1])
	}
	pb.deep = f.Cursor
	partyB = pb
	return pb
}

// measure runs fn b.N times and reports the median and 95th percentile.
func measure(b *testing.B, fn func() error) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

func benchList(b *testing.B, f model.MemberFilter) {
	pb := setupPartyBench(b)
	ctx := context.Background()
	measure(b, func() error {
		page, err := pb.s.ListMembers(ctx, model.System, f)
		if err == nil && len(page.Items) == 0 {
			b.Fatalf("empty page for %+v", f)
		}
		return err
	})
}

func BenchmarkPartyMemberListAll(b *testing.B) {
	benchList(b, model.MemberFilter{Status: model.MemberNormal, Limit: 20})
}

func BenchmarkPartyMemberListCommittee(b *testing.B) {
	pb := setupPartyBench(b)
	benchList(b, model.MemberFilter{OrgID: pb.committee.ID, Category: model.CategoryFull, Status: model.MemberNormal, Limit: 20})
}

func BenchmarkPartyMemberListGeneralBranch(b *testing.B) {
	pb := setupPartyBench(b)
	benchList(b, model.MemberFilter{OrgID: pb.general.ID, Status: model.MemberNormal, Limit: 20})
}

func BenchmarkPartyMemberListBranch(b *testing.B) {
	pb := setupPartyBench(b)
	benchList(b, model.MemberFilter{OrgID: pb.branch.ID, Limit: 20})
}

func BenchmarkPartyMemberListProbationary(b *testing.B) {
	pb := setupPartyBench(b)
	benchList(b, model.MemberFilter{OrgID: pb.committee.ID, Category: model.CategoryProbationary, Limit: 20})
}

func BenchmarkPartyMemberListName(b *testing.B) {
	pb := setupPartyBench(b)
	benchList(b, model.MemberFilter{Keyword: pb.name, OrgID: pb.committee.ID, Limit: 20})
}

func BenchmarkPartyMemberListDeep(b *testing.B) {
	pb := setupPartyBench(b)
	benchList(b, model.MemberFilter{OrgID: pb.committee.ID, Category: model.CategoryFull, Status: model.MemberNormal, Cursor: pb.deep, Limit: 20})
}

func BenchmarkPartyCommitteeCounts(b *testing.B) {
	pb := setupPartyBench(b)
	ctx := context.Background()
	measure(b, func() error {
		c, err := pb.s.OrgMemberCounts(ctx, pb.committee.ID)
		if err == nil && c.Full == 0 {
			b.Fatal("no members counted")
		}
		return err
	})
}

// A grid worker's list: members employed in the grid's enterprises or in
// organizations covering them (a scope subquery, no organization filter).
func BenchmarkPartyMemberListGridWorker(b *testing.B) {
	pb := setupPartyBench(b)
	ctx := context.Background()
	var grid int64
	if err := pb.s.R.QueryRow("SELECT grid_id FROM enterprises ORDER BY id LIMIT 1").Scan(&grid); err != nil {
		b.Fatal(err)
	}
	actor := &model.Actor{Username: "bench", Role: model.RoleGridWorker, Scope: model.Scope{GridIDs: []int64{grid}}}
	measure(b, func() error {
		page, err := pb.s.ListMembers(ctx, actor, model.MemberFilter{Status: model.MemberNormal, Limit: 20})
		if err == nil && len(page.Items) == 0 {
			b.Fatal("empty page")
		}
		return err
	})
}
