package demo

import (
	"context"
	"fmt"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// The demo's party building, as the article tells it: about sixty
// organizations under the zone's 党工委 and about six hundred members;
// 安德's branch (founded 2006, 30 members, managers and front-line
// workers); the 中通 and 韵达 branches founded in 2021 (韵达's in June, its
// members moved in by transfers during the summer); functional branches in
// five other courier companies; the courier alliance with about fifty
// members; and survey records (党员排摸) that put some enterprises on the
// 可建支部 list. A few organizations are left short of the rules on purpose,
// so the composition checks have something to say. Every count shown later
// is computed from these records.

// partyState is what the party loader keeps between its steps.
type partyState struct {
	entByName map[string]model.Enterprise
	members   map[int64][]int64 // organization → its members, in creation order
	fullOf    map[int64][]int64 // organization → its full members
	seq       int               // ID numbers handed out
}

// demoEnd is the last date the demo's records carry: the article's
// reporting period. Test stores run in late August 2021.
var demoEnd = time.Date(2021, 8, 20, 0, 0, 0, 0, time.UTC)

// memberPlan shapes one organization's membership.
type memberPlan struct {
	size, probationary int
	committee          bool // elect 组织/宣传/纪检委员 beside the 书记
	positions          []string
	admittedFrom       time.Time // earliest admission
}

var (
	mixManagers  = []string{model.PositionManager, model.PositionFrontline, model.PositionFrontline, model.PositionTechnical}
	mixAnde      = []string{model.PositionManager, model.PositionFrontline, model.PositionFrontline}
	mixFrontline = []string{model.PositionFrontline, model.PositionFrontline, model.PositionFrontline, model.PositionManager}
	ethnicities  = []string{"汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "畲族", "回族"}
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func (l *loader) loadParty(ctx context.Context) error {
	p := &l.party
	p.entByName = map[string]model.Enterprise{}
	p.members, p.fullOf = map[int64][]int64{}, map[int64][]int64{}
	for _, e := range l.ents {
		p.entByName[e.Name] = e
	}
	src := gen.NewSource(Seed + 2)
	top := l.orgs["CX-DGW"]

	// Two general branches: the zone's 园区 organizations, holding members
	// whose employer has no organization of its own (rule 23).
	var generals []model.Organization
	for i, name := range []string{"城西新区非公企业第一党总支", "城西新区非公企业第二党总支"} {
		o, err := l.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: fmt.Sprintf("CX-ZZ%d", i+1), Name: name,
			Kind: store.OrgGeneralBranch, ParentID: top.ID, FoundedOn: "2019-07-01", TermStart: l.termStart(src, "2019-07-01")})
		if err != nil {
			return fmt.Errorf("demo: general branch: %w", err)
		}
		generals = append(generals, o)
	}

	// The organizations the article names: coverage, terms and members.
	plans := map[string]memberPlan{
		"CX-ANDE":  {30, 2, true, mixAnde, date("1995-01-01")},
		"CX-LANGE": {18, 1, true, mixManagers, date("2000-01-01")},
		"CX-ZTO":   {12, 1, true, mixFrontline, date("2008-01-01")},
		"CX-STO":   {8, 1, false, mixFrontline, date("2008-01-01")},
		"CX-YTO":   {6, 0, false, mixFrontline, date("2008-01-01")},
		"CX-SF":    {6, 1, false, mixFrontline, date("2008-01-01")},
		"CX-JT":    {4, 0, false, mixFrontline, date("2010-01-01")},
		"CX-DB":    {4, 0, false, mixFrontline, date("2010-01-01")},
	}
	for _, o := range organizations {
		org := l.orgs[o.code]
		e, ok := p.entByName[o.enterprise]
		if !ok {
			return fmt.Errorf("demo: enterprise %s is missing", o.enterprise)
		}
		kind := model.CoverOwn
		if o.kind == store.OrgFunctionalBranch {
			kind = model.CoverFunctional
		}
		if _, err := l.s.AddCoverage(ctx, model.System, org.ID, store.CoverageInput{EnterpriseID: e.ID, Kind: kind, Since: o.founded}); err != nil {
			return fmt.Errorf("demo: coverage %s: %w", o.code, err)
		}
		if err := l.setTerm(ctx, src, org, o.founded); err != nil {
			return err
		}
		if o.code == "CX-YUNDA" {
			continue // founded with three members; the rest arrive by transfer
		}
		if err := l.addMembers(ctx, src, org, []int64{e.ID}, plans[o.code]); err != nil {
			return err
		}
	}
	if err := l.loadYunda(ctx, src); err != nil {
		return err
	}

	// Branches in other enterprises above designated size, under the two
	// general branches and the 党工委; a few left short of the rules.
	named := map[string]bool{}
	for _, o := range organizations {
		named[o.enterprise] = true
	}
	var branchEnts, small []model.Enterprise
	for _, e := range l.ents {
		switch {
		case named[e.Name]:
		case e.AboveScale && len(branchEnts) < 44 && src.Chance(0.3):
			branchEnts = append(branchEnts, e)
		case !e.AboveScale && e.Employees >= 20 && len(small) < 60 && src.Chance(0.08):
			small = append(small, e)
		}
	}
	parents := []int64{generals[0].ID, generals[1].ID, top.ID}
	for i, e := range branchEnts {
		founded := src.Date(date("2008-01-01"), date("2020-12-31"))
		o, err := l.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: fmt.Sprintf("CX-B%03d", i+1),
			Name: e.Name + "党支部", Kind: store.OrgBranch, ParentID: parents[i%3], FoundedOn: founded})
		if err != nil {
			return fmt.Errorf("demo: branch %s: %w", e.Name, err)
		}
		if _, err := l.s.AddCoverage(ctx, model.System, o.ID, store.CoverageInput{EnterpriseID: e.ID, Since: founded}); err != nil {
			return fmt.Errorf("demo: coverage %s: %w", o.Code, err)
		}
		if err := l.setTerm(ctx, src, o, founded); err != nil {
			return err
		}
		plan := memberPlan{size: src.Between(4, 16), probationary: src.Between(0, 1), committee: true,
			positions: mixManagers, admittedFrom: date("1998-01-01")}
		switch i {
		case 3, 17: // below three full members
			plan = memberPlan{size: 3, probationary: 1, positions: mixFrontline, admittedFrom: date("2005-01-01")}
		case 8, 25, 40: // seven or more full members, no committee elected
			plan.size, plan.committee = src.Between(8, 12), false
		case 30: // over fifty members
			plan.size, plan.probationary = 53, 3
		}
		if plan.size < 7 {
			plan.committee = false
		}
		if err := l.addMembers(ctx, src, o, []int64{e.ID}, plan); err != nil {
			return err
		}
	}

	// Joint branches of small enterprises, three to five units each (one
	// with six, over the rule's five).
	units := []int{4, 3, 5, 4, 3, 6, 4, 3}
	k := 0
	for i, n := range units {
		if k+n > len(small) {
			break
		}
		group := small[k : k+n]
		k += n
		founded := src.Date(date("2015-01-01"), date("2020-12-31"))
		o, err := l.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: fmt.Sprintf("CX-LH%02d", i+1),
			Name: fmt.Sprintf("城西新区非公企业第%s联合党支部", chineseOrdinal(i+1)), Kind: store.OrgJointBranch,
			ParentID: generals[i%2].ID, FoundedOn: founded})
		if err != nil {
			return fmt.Errorf("demo: joint branch: %w", err)
		}
		var ids []int64
		for _, e := range group {
			if _, err := l.s.AddCoverage(ctx, model.System, o.ID, store.CoverageInput{EnterpriseID: e.ID, Since: founded}); err != nil {
				return fmt.Errorf("demo: coverage %s: %w", o.Code, err)
			}
			ids = append(ids, e.ID)
		}
		if err := l.setTerm(ctx, src, o, founded); err != nil {
			return err
		}
		plan := memberPlan{size: src.Between(4, 8), probationary: src.Between(0, 1), positions: mixFrontline, admittedFrom: date("2000-01-01")}
		if err := l.addMembers(ctx, src, o, ids, plan); err != nil {
			return err
		}
	}

	// Members held by the first general branch whose employers have no
	// organization yet, and the survey records around them.
	rest := small[k:]
	if len(rest) < 12 {
		return fmt.Errorf("demo: too few small enterprises left for the survey (%d)", len(rest))
	}
	for i := 0; i < 3; i++ {
		plan := memberPlan{size: 2, positions: mixFrontline, admittedFrom: date("2005-01-01")}
		if err := l.addMembers(ctx, src, generals[0], []int64{rest[i].ID}, plan); err != nil {
			return err
		}
	}
	if err := l.loadSurveys(ctx, src, rest); err != nil {
		return err
	}

	// The courier alliance: the two courier branches and the five
	// functional branches.
	var courier []int64
	for _, code := range []string{"CX-YUNDA", "CX-ZTO", "CX-STO", "CX-YTO", "CX-SF", "CX-JT", "CX-DB"} {
		courier = append(courier, l.orgs[code].ID)
	}
	if _, err := l.s.SaveAlliance(ctx, model.System, 0, store.AllianceInput{Code: "CX-KDLM", Name: "城西新区快递物流业党建联盟",
		FoundedOn: "2021-07-01", OrgIDs: courier,
		Notes: "联合区内快递物流企业党组织，开展党员排摸、组织关系转入和红色驿站共建。"}); err != nil {
		return fmt.Errorf("demo: alliance: %w", err)
	}
	return nil
}

// termStart gives an organization's current term a start between its
// founding and today, spread over the last 40 months so that, whenever the
// demo is loaded, most terms run and a few end soon or are overdue. This is
// the one place where the demo reads the (store's) clock.
func (l *loader) termStart(src *gen.Source, founded string) string {
	f := date(founded)
	back := src.Between(2, 40)
	y, m, d := l.s.Now().In(rules.Location()).Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, -back, 0)
	if t.Before(f) {
		t = f
	}
	return t.Format("2006-01-02")
}

func (l *loader) setTerm(ctx context.Context, src *gen.Source, o model.Organization, founded string) error {
	in := store.OrganizationInputOf(o)
	in.FoundedOn, in.TermStart = founded, l.termStart(src, founded)
	updated, err := l.s.UpdateOrganization(ctx, model.System, o.ID, in)
	if err != nil {
		return fmt.Errorf("demo: term %s: %w", o.Code, err)
	}
	l.orgs[updated.Code] = updated
	return nil
}

// person draws a member: birth, the road to membership and the ID number.
func (l *loader) memberInput(src *gen.Source, plan memberPlan, probationary bool) model.MemberInput {
	p := &l.party
	for {
		birth := date(src.Date(date("1962-01-01"), date("1999-06-30")))
		applied := birth.AddDate(src.Between(19, 34), src.Between(0, 11), src.Between(0, 27))
		if applied.Before(plan.admittedFrom.AddDate(-3, 0, 0)) {
			applied = plan.admittedFrom.AddDate(-3, 0, src.Between(0, 300))
		}
		activist := applied.AddDate(0, src.Between(3, 12), 0)
		candidate := activist.AddDate(1, src.Between(0, 6), 0)
		admitted := candidate.AddDate(0, src.Between(3, 8), 0)
		full := admitted.AddDate(1, 0, 0)
		if probationary {
			admitted = demoEnd.AddDate(0, -src.Between(1, 10), -src.Between(0, 20))
			candidate = admitted.AddDate(0, -src.Between(3, 8), 0)
			activist = candidate.AddDate(-1, -src.Between(0, 6), 0)
			applied = activist.AddDate(0, -src.Between(3, 12), 0)
		}
		if applied.Before(birth.AddDate(18, 0, 0)) || (!probationary && full.After(demoEnd)) {
			continue // draw again: too young, or not yet full by the demo's end
		}
		male := src.Chance(0.62)
		p.seq++
		in := model.MemberInput{
			Name: src.PersonName(), IDNumber: gen.IDNumber(gen.YongkangRegion, birth, p.seq, male), Phone: src.Phone(),
			Ethnicity: ethnicities[src.R.IntN(len(ethnicities))], Education: model.Educations[src.Between(1, 4)],
			Category: model.CategoryFull, AppliedOn: applied.Format("2006-01-02"), ActivistOn: activist.Format("2006-01-02"),
			CandidateOn: candidate.Format("2006-01-02"), AdmittedOn: admitted.Format("2006-01-02"),
			FullOn: full.Format("2006-01-02"), Status: model.MemberNormal, Mobile: src.Chance(0.04),
		}
		if probationary {
			in.Category, in.FullOn = model.CategoryProbationary, ""
		}
		return in
	}
}

// addMembers registers plan.size members of o employed in the given
// enterprises, elects its 书记 (and a committee when planned).
func (l *loader) addMembers(ctx context.Context, src *gen.Source, o model.Organization, ents []int64, plan memberPlan) error {
	p := &l.party
	for i := range plan.size {
		in := l.memberInput(src, plan, i >= plan.size-plan.probationary)
		in.OrgID = o.ID
		in.EnterpriseID = ents[i%len(ents)]
		in.PositionKind = plan.positions[i%len(plan.positions)]
		if i == 0 {
			in.PositionKind = model.PositionManager
		}
		m, err := l.s.CreateMember(ctx, model.System, in)
		if err != nil {
			return fmt.Errorf("demo: member of %s: %w", o.Code, err)
		}
		p.members[o.ID] = append(p.members[o.ID], m.ID)
		if m.Category == model.CategoryFull {
			p.fullOf[o.ID] = append(p.fullOf[o.ID], m.ID)
		}
	}
	return l.electPosts(ctx, o, plan.committee)
}

func (l *loader) electPosts(ctx context.Context, o model.Organization, committee bool) error {
	full := l.party.fullOf[o.ID]
	if len(full) == 0 || !model.IsBranchKind(o.Kind) {
		return nil
	}
	o = l.orgOf(o)
	start := demoEnd.Format("2006-01-02")
	if o.TermStart != nil {
		start = o.TermStart.Format("2006-01-02")
	}
	posts := []string{model.PostSecretary}
	if committee && len(full) >= 4 {
		posts = append(posts, model.PostOrganization, model.PostPropaganda, model.PostDiscipline)
	}
	for i, post := range posts {
		if err := l.s.AssignPost(ctx, model.System, o.ID, store.PostInput{MemberID: full[i], Post: post, StartedOn: start}); err != nil {
			return fmt.Errorf("demo: post in %s: %w", o.Code, err)
		}
	}
	return nil
}

// orgOf returns the loader's latest copy of an organization.
func (l *loader) orgOf(o model.Organization) model.Organization {
	if u, ok := l.orgs[o.Code]; ok {
		return u
	}
	return o
}

// loadYunda founds 韵达's branch with three members and moves eleven more in
// from their previous organizations during the summer of 2021; one letter
// was returned for a wrong name.
func (l *loader) loadYunda(ctx context.Context, src *gen.Source) error {
	org := l.orgs["CX-YUNDA"]
	yunda := l.party.entByName["永康市韵达快递有限公司"]
	plan := memberPlan{size: 3, positions: mixFrontline, admittedFrom: date("2008-01-01")}
	if err := l.addMembers(ctx, src, org, []int64{yunda.ID}, plan); err != nil {
		return err
	}
	origins := []string{"金华市婺城区城北街道党工委", "衢州市柯城区航埠镇党委", "江西省上饶市广丰区委组织部", "安徽省阜阳市临泉县委组织部",
		"永康市芝英镇党委", "武义县桐琴镇党委", "缙云县壶镇镇党委", "河南省周口市郸城县委组织部", "贵州省毕节市七星关区委组织部",
		"永康市石柱镇党委", "东阳市横店镇党委", "磐安县尖山镇党委"}
	issued := date("2021-06-25")
	for i, from := range origins {
		in := l.memberInput(src, plan, false)
		in.EnterpriseID, in.PositionKind = yunda.ID, mixFrontline[i%len(mixFrontline)]
		t, err := l.s.CreateTransfer(ctx, model.System, model.TransferInput{Kind: model.TransferIn, Member: &in, FromName: from,
			ToOrgID: org.ID, LetterNo: fmt.Sprintf("浙组转〔2021〕%03d号", 101+i), DuesPaidTo: issued.Format("2006-01"), IssuedOn: issued.Format("2006-01-02"),
			ValidDays: 30})
		if err != nil {
			return fmt.Errorf("demo: transfer into 韵达: %w", err)
		}
		action, reason := store.ActReceive, ""
		if i == 7 {
			action, reason = store.ActReturn, "介绍信姓名与身份证不一致，请更正后重新开具"
		}
		t, err = l.s.ActOnTransfer(ctx, model.System, t.ID, store.TransferActionInput{Action: action, Reason: reason, Version: t.Version})
		if err != nil {
			return fmt.Errorf("demo: transfer into 韵达: %w", err)
		}
		if action == store.ActReceive {
			l.party.fullOf[org.ID] = append(l.party.fullOf[org.ID], t.MemberID)
		}
		issued = issued.AddDate(0, 0, 4)
	}
	return l.electPosts(ctx, org, true)
}

// loadSurveys records members found working in enterprises without an
// organization of their own: enough in two of the enterprises with
// registered members to reach three (可建支部), a third for 京东物流, and
// ones and twos elsewhere (联合党支部 candidates).
func (l *loader) loadSurveys(ctx context.Context, src *gen.Source, rest []model.Enterprise) error {
	jd := l.party.entByName["永康市京东物流有限公司"]
	type plan struct {
		ent     int64
		n       int
		willing string
	}
	plans := []plan{{rest[0].ID, 1, model.WillingYes}, {rest[1].ID, 2, model.WillingMaybe}, {jd.ID, 3, model.WillingYes}}
	for i := 3; i < 12; i++ {
		plans = append(plans, plan{rest[i].ID, 1 + i%2, model.Willingnesses[i%len(model.Willingnesses)]})
	}
	places := []string{"老家村党支部", "原单位党支部", "户籍地街道党工委", "流动党员党支部", "毕业院校党委"}
	for _, p := range plans {
		for j := range p.n {
			in := model.SurveyInput{Name: src.PersonName(), Phone: src.Phone(), EnterpriseID: p.ent, Category: model.CategoryFull,
				RelationPlace: places[src.R.IntN(len(places))], Willingness: p.willing,
				SurveyedOn: date("2021-07-05").AddDate(0, 0, src.Between(0, 40)).Format("2006-01-02")}
			if j == 0 && p.willing == model.WillingMaybe {
				in.Notes = "在外地仍按月交纳党费，表示与家人商量后答复。"
			}
			sv, err := l.s.CreateSurvey(ctx, model.System, in)
			if err != nil {
				return fmt.Errorf("demo: survey: %w", err)
			}
			if p.willing == model.WillingYes && j == 0 {
				if err := l.s.AddSurveyNote(ctx, model.System, sv.ID, "已讲解组织关系转入流程，本人同意转入园区党组织。"); err != nil {
					return fmt.Errorf("demo: survey note: %w", err)
				}
			}
		}
	}
	return nil
}

// chineseOrdinal writes 1–10 as 一 … 十.
func chineseOrdinal(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if n >= 1 && n <= 10 {
		return digits[n]
	}
	return fmt.Sprint(n)
}
