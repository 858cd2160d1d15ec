package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// CommitteeSize is the number of organizations under each generated 党委:
// the benchmark's "党委 with 10,000 descendant branches".
const CommitteeSize = 10_000

// PartyOrgs lays out n organizations: a 党工委 at the top, 党委 of
// CommitteeSize organizations below it, each with about √CommitteeSize
// 党总支 and their branches. Branches lists the indexes of the branches.
func PartyOrgs(n int) (orgs []store.BulkOrg, branches []int) {
	if n < 3 {
		n = 3
	}
	founded := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	orgs = append(orgs, store.BulkOrg{Code: "BZ-DGW", Name: "基准测试区党工委", Kind: model.OrgCommittee, Parent: -1, Founded: founded})
	per := min(CommitteeSize, n-1)
	generals := max(1, int(math.Sqrt(float64(per))))
	for c := 0; len(orgs) < n; c++ {
		top := len(orgs)
		orgs = append(orgs, store.BulkOrg{Code: fmt.Sprintf("BZ-C%03d", c+1), Name: fmt.Sprintf("第%d综合党委", c+1),
			Kind: model.OrgCommittee, Parent: 0, Founded: founded})
		made := 1
		for g := 0; g < generals && made < per && len(orgs) < n; g++ {
			gi := len(orgs)
			orgs = append(orgs, store.BulkOrg{Code: fmt.Sprintf("BZ-C%03d-G%03d", c+1, g+1), Name: fmt.Sprintf("第%d综合党委第%d党总支", c+1, g+1),
				Kind: model.OrgGeneralBranch, Parent: top, Founded: founded})
			made++
			each := int(math.Ceil(float64(per-1-generals) / float64(generals)))
			for b := 0; b < each && made < per && len(orgs) < n; b++ {
				branches = append(branches, len(orgs))
				orgs = append(orgs, store.BulkOrg{Code: fmt.Sprintf("BZ-C%03d-G%03d-B%03d", c+1, g+1, b+1),
					Name: fmt.Sprintf("第%d综合党委第%d党总支第%d党支部", c+1, g+1, b+1), Kind: model.OrgBranch, Parent: gi, Founded: founded})
				made++
			}
		}
	}
	return orgs, branches
}

// IDNumberSeq returns the 居民身份证号 of region, birth and a 3-digit
// sequence number (odd for men), with its GB 11643 check character.
func IDNumberSeq(region string, birth time.Time, seq int) string {
	body := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq%1000)
	c, ok := ident.IDCheckChar(body)
	if !ok {
		panic("gen: ID body is not 17 digits: " + body)
	}
	return body + string(c)
}

// PartyMember returns the i-th generated member: a pure function of seed
// and i, so workers may call it concurrently. Members are spread over the
// branches; i's day of birth and sequence number make the ID number unique.
func PartyMember(seed uint64, i int, branches []int, enterprises []int64) store.BulkMember {
	src := &Source{R: rand.New(rand.NewPCG(seed, uint64(i)))}
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/1000)%15000)
	seq := i % 1000
	m := store.BulkMember{
		Name: src.PersonName(), IDNumber: IDNumberSeq(YongkangRegion, birth, seq), Phone: src.Phone(),
		Male: seq%2 == 1, Birth: birth, Admitted: birth.AddDate(src.Between(20, 40), src.Between(0, 11), 0),
		Full: !src.Chance(0.06), Status: model.MemberNormal, Education: Educations[src.R.IntN(len(Educations))],
		Ethnicity: "汉族", Position: model.PositionKinds[src.R.IntN(len(model.PositionKinds))],
		Mobile: src.Chance(0.03), Org: branches[src.R.IntN(len(branches))],
	}
	if m.Admitted.After(Reference) {
		m.Admitted = Reference.AddDate(0, -src.Between(1, 11), 0)
		m.Full = false
	}
	if src.Chance(0.01) {
		m.Status = model.MemberLost
	}
	if len(enterprises) > 0 && src.Chance(0.8) {
		m.EnterpriseID = enterprises[src.R.IntN(len(enterprises))]
	}
	return m
}

// Educations is the education list the generator draws from.
var Educations = model.Educations
