// Package demo loads the deterministic demo zone modeled on the article about
// 城西新区 (永康): the zone, its areas and 43 grids with their grid workers and
// heads, 1,736 enterprises of which 189 are above designated size, the eight
// courier companies, the enterprises and party organizations the article
// names, and one login per role. Every person in it is invented. Writes go
// through the store's normal, validated and audited methods, and the same
// data comes out on every run: the random choices come from a fixed seed and
// no value depends on the clock (founding dates end at gen.LastFounding).
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// ErrNotEmpty is returned when the database already holds registers.
var ErrNotEmpty = errors.New("demo: the database already holds data; the demo zone loads only into a new, empty database")

// Password is the password of every demo account. It satisfies the password
// policy and is printed with the logins; change it before real use.
const Password = "Redgrid@2026"

// Seed fixes the demo's random choices.
const Seed = 20210831

// Login is an account a visitor can sign in with.
type Login struct {
	Username    string     `json:"username"`
	Role        model.Role `json:"role"`
	Password    string     `json:"password"`
	DisplayName string     `json:"display_name"`
}

// IndustryCount is one industry's share of the demo zone.
type IndustryCount struct {
	Industry    string `json:"industry"`
	Enterprises int    `json:"enterprises"`
	AboveScale  int    `json:"above_scale"`
}

// Result reports what was loaded. The figures are counted from the stored
// records after loading.
type Result struct {
	Zone             string          `json:"zone"`
	Areas            int             `json:"areas"`
	Grids            int             `json:"grids"`
	Enterprises      int             `json:"enterprises"`
	AboveScale       int             `json:"above_scale"`
	Industries       []IndustryCount `json:"industries"` // largest first
	GridWorkers      int             `json:"grid_workers"`
	GridHeads        int             `json:"grid_heads"`
	Organizations    int             `json:"organizations"`
	OrgsByKind       map[string]int  `json:"organizations_by_kind"`
	Members          int             `json:"members"`      // 党籍 normal, 正式 + 预备
	FullMembers      int             `json:"full_members"` // 正式党员
	Probationary     int             `json:"probationary"` // 预备党员
	CourierAlliance  int             `json:"courier_alliance_members"`
	TransfersIn      int             `json:"transfers_received"`
	BranchCandidates int             `json:"branch_candidates"` // 可建支部
	JointCandidates  int             `json:"joint_candidates"`
	Stations         int             `json:"stations"`       // 红色驿站
	StationVisits    int             `json:"station_visits"` // visitors counted in the demo year
	Logins           []Login         `json:"logins"`         // one per role
	Visits           map[string]int  `json:"visits_by_level"`
	Problems         int             `json:"problems"`
	ProblemsClosed   int             `json:"problems_closed"`
	ProblemsOpen     int             `json:"problems_open"`
	Policies         int             `json:"policies"`      // 助企八条
	Deliveries       int             `json:"deliveries"`    // policy deliveries recorded
	Redeemed         int             `json:"redeemed"`      // of which 已兑现
	RedeemedYuan     int64           `json:"redeemed_yuan"` // their amounts
	Experts          int             `json:"experts"`       // 三师助企 register
	ExpertServices   int             `json:"expert_services"`
	// 安全生产, counted by the store's summary
	SafetyInspections int `json:"safety_inspections"`
	SafetyViolations  int `json:"safety_violations"`
	SafetyIncidents   int `json:"safety_incidents"`
	OpenHazards       int `json:"open_hazards"`
	MajorAccidents    int `json:"major_accidents"`
	// The economy through August 2021, computed by internal/stats from the
	// output values the demo loaded (yuan; growth in percent).
	OutputMonth      string   `json:"output_month"`
	OutputYTD        int64    `json:"output_ytd_yuan"`
	OutputPrevYTD    int64    `json:"output_prev_ytd_yuan"`
	OutputGrowth     *float64 `json:"output_growth_percent"`
	AndeOrdersGrowth *float64 `json:"ande_orders_growth_percent"`
}

// area is a 片区 of the zone: its name, how many grids it has, and where its
// centre lies relative to the zone's.
type area struct {
	name       string
	grids      int
	dLat, dLng float64
}

// The zone's layout: 43 grids in five areas, around the zone's centre west of
// 永康's city centre.
var (
	zoneLat, zoneLng = 28.905, 119.990
	areas            = []area{
		{"东片区", 9, 0.000, 0.030},
		{"西片区", 9, 0.000, -0.030},
		{"南片区", 9, -0.025, 0.000},
		{"北片区", 8, 0.025, 0.000},
		{"中心片区", 8, 0.000, 0.000},
	}
	logisticsArea = 4 // 中心片区: the couriers cluster here
)

// industryPlan is how many enterprises each seeded industry gets and how
// many of them are above designated size. The four leading industries of the
// article dominate; the courier industry holds exactly the eight couriers.
var industryPlan = []struct {
	code               string
	enterprises, above int
}{
	{"agri_machinery", 312, 38},
	{"doors", 298, 36},
	{"power_tools", 286, 34},
	{"stainless", 241, 27},
	{"courier", 8, 0},
	{"chemical", 36, 6},
	{"appliances", 118, 14},
	{"hardware", 205, 17},
	{"auto_parts", 142, 13},
	{"other", 90, 4},
}

// spec is what sets an enterprise apart; the loader adds its code, grid,
// place and legal representative.
type spec struct {
	industry, name, short string
	above                 bool
	employees             int
	founded               string
	area                  int // index into areas, or -1 for any
}

// namedEnterprises have a fixed identity: the ones the article names and the
// eight couriers (三通一达, 顺丰, 极兔 and two more).
var namedEnterprises = []spec{
	{"chemical", "浙江兰歌化学工业有限公司", "兰歌化学", true, 320, "2008-04-16", 0},
	{"appliances", "浙江安德电器有限公司", "安德电器", true, 560, "2001-09-12", 1},
	{"courier", "永康市中通快递有限公司", "中通快递", false, 160, "2015-03-20", logisticsArea},
	{"courier", "永康市圆通速递有限公司", "圆通速递", false, 140, "2015-07-08", logisticsArea},
	{"courier", "永康市申通快递有限公司", "申通快递", false, 150, "2016-01-15", logisticsArea},
	{"courier", "永康市韵达快递有限公司", "韵达快递", false, 180, "2016-05-26", logisticsArea},
	{"courier", "永康市顺丰速运有限公司", "顺丰速运", false, 120, "2017-04-11", logisticsArea},
	{"courier", "永康市极兔速递有限公司", "极兔速递", false, 90, "2020-06-30", logisticsArea},
	{"courier", "永康市德邦物流有限公司", "德邦物流", false, 70, "2018-09-03", logisticsArea},
	{"courier", "永康市京东物流有限公司", "京东物流", false, 110, "2019-11-18", logisticsArea},
}

// organizations are the party organizations the article names, under the
// zone's Party Working Committee. The secretary and member logins belong to
// 安德's branch.
var organizations = []struct{ code, name, kind, founded, enterprise string }{
	{"CX-ANDE", "浙江安德电器有限公司党支部", store.OrgBranch, "2006-07-01", "浙江安德电器有限公司"},
	{"CX-LANGE", "浙江兰歌化学工业有限公司党支部", store.OrgBranch, "2010-06-28", "浙江兰歌化学工业有限公司"},
	{"CX-YUNDA", "永康市韵达快递有限公司党支部", store.OrgBranch, "2021-06-18", "永康市韵达快递有限公司"},
	{"CX-ZTO", "永康市中通快递有限公司党支部", store.OrgBranch, "2021-04-16", "永康市中通快递有限公司"},
	{"CX-STO", "永康市申通快递有限公司功能性党支部", store.OrgFunctionalBranch, "2021-07-01", "永康市申通快递有限公司"},
	{"CX-YTO", "永康市圆通速递有限公司功能性党支部", store.OrgFunctionalBranch, "2021-07-01", "永康市圆通速递有限公司"},
	{"CX-SF", "永康市顺丰速运有限公司功能性党支部", store.OrgFunctionalBranch, "2021-07-01", "永康市顺丰速运有限公司"},
	{"CX-JT", "永康市极兔速递有限公司功能性党支部", store.OrgFunctionalBranch, "2021-07-01", "永康市极兔速递有限公司"},
	{"CX-DB", "永康市德邦物流有限公司功能性党支部", store.OrgFunctionalBranch, "2021-07-01", "永康市德邦物流有限公司"},
}

// Load fills an empty database with the demo zone.
func Load(ctx context.Context, s *store.Store) (Result, error) {
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if !empty {
		return Result{}, ErrNotEmpty
	}
	if err := s.SeedDictionaries(ctx); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	l := &loader{s: s, src: gen.NewSource(Seed), names: map[string]bool{}}
	steps := []func(context.Context) error{l.loadGrids, l.loadOrganizations, l.loadEnterprises, l.loadParty, l.loadUsers, l.loadStations, l.loadField, l.loadSupport, l.loadEconomy, l.loadSafety}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return Result{}, err
		}
	}
	return l.result(ctx)
}

type loader struct {
	s     *store.Store
	src   *gen.Source
	zone  model.Grid
	areas []model.Grid
	grids [][]model.Grid // per area
	orgs  map[string]store.Organization
	names map[string]bool // legal representatives already named
	ents  []model.Enterprise
	party partyState
}

func (l *loader) grid(ctx context.Context, code, name, level string, parent int64) (model.Grid, error) {
	g, err := l.s.CreateGrid(ctx, model.System, store.GridInput{Code: code, Name: name, Level: level, ParentID: parent})
	if err != nil {
		return g, fmt.Errorf("demo: grid %s: %w", code, err)
	}
	return g, nil
}

func (l *loader) loadGrids(ctx context.Context) error {
	var err error
	if l.zone, err = l.grid(ctx, "CX", "城西新区", model.GridZone, 0); err != nil {
		return err
	}
	for i, a := range areas {
		ag, err := l.grid(ctx, fmt.Sprintf("CX-A%d", i+1), a.name, model.GridArea, l.zone.ID)
		if err != nil {
			return err
		}
		l.areas = append(l.areas, ag)
		var gs []model.Grid
		for j := range a.grids {
			g, err := l.grid(ctx, fmt.Sprintf("CX-A%d-%02d", i+1, j+1), fmt.Sprintf("%s%02d网格", a.name, j+1), model.GridGrid, ag.ID)
			if err != nil {
				return err
			}
			gs = append(gs, g)
		}
		l.grids = append(l.grids, gs)
	}
	return nil
}

// gridCentre places grid j of area i on a small lattice around the area's
// centre.
func gridCentre(i, j int) (lat, lng float64) {
	const step = 0.008
	return zoneLat + areas[i].dLat + float64(j/3-1)*step, zoneLng + areas[i].dLng + float64(j%3-1)*step
}

func (l *loader) loadOrganizations(ctx context.Context) error {
	l.orgs = map[string]store.Organization{}
	top, err := l.s.CreateOrganization(ctx, model.System, store.OrganizationInput{
		Code: "CX-DGW", Name: "城西新区党工委", Kind: store.OrgCommittee, FoundedOn: "2019-05-20"})
	if err != nil {
		return fmt.Errorf("demo: organization CX-DGW: %w", err)
	}
	l.orgs[top.Code] = top
	for _, o := range organizations {
		org, err := l.s.CreateOrganization(ctx, model.System, store.OrganizationInput{
			Code: o.code, Name: o.name, Kind: o.kind, ParentID: top.ID, FoundedOn: o.founded})
		if err != nil {
			return fmt.Errorf("demo: organization %s: %w", o.code, err)
		}
		l.orgs[org.Code] = org
	}
	return nil
}

// enterprise builds the n-th enterprise's input from its spec, in a random
// grid of its area.
func (l *loader) enterprise(n int, industryID int64, e spec) store.EnterpriseInput {
	src := l.src
	i := e.area
	if i < 0 {
		i = src.R.IntN(len(areas))
	}
	j := src.R.IntN(len(l.grids[i]))
	lat, lng := gridCentre(i, j)
	lat, lng = src.Jitter(lat, 0.004), src.Jitter(lng, 0.004)
	locality := "城西新区"
	if src.Chance(0.3) {
		locality = "东城街道"
	}
	return store.EnterpriseInput{
		USCC: gen.CreditCode(gen.YongkangRegion, uint64(n), Seed), Name: e.name, ShortName: e.short,
		IndustryID: industryID, AboveScale: e.above, GridID: l.grids[i][j].ID,
		Address: src.Address(locality), Lat: &lat, Lng: &lng, Employees: e.employees,
		Status: model.StatusOperating, FoundedOn: e.founded, LegalRep: l.person(),
	}
}

// person returns an invented name not yet given to a legal representative.
func (l *loader) person() string {
	for {
		if n := l.src.PersonName(); !l.names[n] {
			l.names[n] = true
			return n
		}
	}
}

func (l *loader) loadEnterprises(ctx context.Context) error {
	industries, err := l.s.Industries(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ids := map[string]int64{}
	for _, in := range industries {
		ids[in.Code] = in.ID
	}
	from := time.Date(1993, 1, 1, 0, 0, 0, 0, time.UTC)
	taken := map[string]bool{}
	var rows []store.EnterpriseInput
	for _, plan := range industryPlan {
		id, ok := ids[plan.code]
		if !ok {
			return fmt.Errorf("demo: industry %s is missing from the dictionary", plan.code)
		}
		above, generated := plan.above, plan.enterprises
		for _, e := range namedEnterprises {
			if e.industry == plan.code {
				taken[e.name] = true
				rows = append(rows, l.enterprise(len(rows), id, e))
				above -= b2i(e.above)
				generated--
			}
		}
		if above < 0 || above > generated {
			return fmt.Errorf("demo: the plan for %s cannot hold its named enterprises", plan.code)
		}
		// Exactly `above` of the generated enterprises are above scale.
		isAbove := make([]bool, generated)
		for _, k := range l.src.R.Perm(generated)[:above] {
			isAbove[k] = true
		}
		area := -1
		if plan.code == "courier" {
			area = logisticsArea
		}
		for k := range generated {
			e := spec{industry: plan.code, above: isAbove[k], area: area}
			for {
				e.name, e.short = l.src.CompanyName(plan.code, e.above)
				if !taken[e.name] {
					taken[e.name] = true
					break
				}
			}
			e.employees = l.src.Between(5, 150)
			if e.above {
				e.employees = l.src.Between(100, 1200)
			}
			e.founded = l.src.Date(from, gen.LastFounding)
			rows = append(rows, l.enterprise(len(rows), id, e))
		}
	}
	for _, in := range rows {
		e, err := l.s.CreateEnterprise(ctx, model.System, in)
		if err != nil {
			return fmt.Errorf("demo: enterprise %s: %w", in.Name, err)
		}
		l.ents = append(l.ents, e)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// account is a demo user: its login and where it works.
type account struct {
	Login
	area, grid int // indexes into areas and their grids; -1 where unused
}

// accounts lists the demo's users in creation order: the administrator, a
// 安监 officer, a grid head per area, a grid worker per grid, 安德's branch
// secretary and a member of the branch. Their names come from a stream of
// their own, so the list is known without a database.
func accounts() []account {
	src := gen.NewSource(Seed + 1)
	used := map[string]bool{}
	var out []account
	add := func(username string, role model.Role, area, grid int) {
		name := src.PersonName()
		for used[name] {
			name = src.PersonName()
		}
		used[name] = true
		out = append(out, account{Login{Username: username, Role: role, Password: Password, DisplayName: name}, area, grid})
	}
	add("admin", model.RoleAdmin, -1, -1)
	add("anjian", model.RoleDepartment, -1, -1)
	for i := range areas {
		add(fmt.Sprintf("head%d", i+1), model.RoleGridHead, i, -1)
	}
	n := 0
	for i, a := range areas {
		for j := range a.grids {
			n++
			add(fmt.Sprintf("worker%02d", n), model.RoleGridWorker, i, j)
		}
	}
	add("secretary", model.RoleOrgSecretary, -1, -1)
	add("member", model.RoleMember, -1, -1)
	add("zhanzhang", model.RoleStationKeeper, -1, -1) // keeps 韵达's station at 大塘王村
	add("leader", model.RoleAdmin, -1, -1)            // 主要领导: visits the 规上 enterprises
	return out
}

// Logins returns the demo's printed logins, the first account of each role
// in model.Roles order, as Load creates them; it reads no database, so a
// server started again on a demo database can print them. The password holds
// until someone changes it.
func Logins() []Login {
	var out []Login
	for _, role := range model.Roles {
		for _, a := range accounts() {
			if a.Role == role {
				out = append(out, a.Login)
				break
			}
		}
	}
	return out
}

// loadUsers creates the accounts with their scope: the 安监 department, an
// area per grid head, a grid per grid worker, 安德's branch for the secretary
// and the member.
func (l *loader) loadUsers(ctx context.Context) error {
	safety, err := l.s.DepartmentByCode(ctx, "safety")
	if err != nil {
		return fmt.Errorf("demo: department safety: %w", err)
	}
	ande := l.orgs["CX-ANDE"].ID
	for _, a := range accounts() {
		in := store.UserInput{Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, Password: a.Password,
			Leader: a.Username == "leader"}
		switch a.Role {
		case model.RoleDepartment:
			in.DepartmentID = safety.ID
		case model.RoleGridHead:
			in.GridIDs = []int64{l.areas[a.area].ID}
		case model.RoleGridWorker:
			in.GridIDs = []int64{l.grids[a.area][a.grid].ID}
		case model.RoleOrgSecretary, model.RoleMember:
			in.OrgIDs = []int64{ande}
		}
		if _, err := l.s.CreateUser(ctx, model.System, in); err != nil {
			return fmt.Errorf("demo: user %s: %w", in.Username, err)
		}
	}
	return nil
}

// result counts what the database now holds.
func (l *loader) result(ctx context.Context) (Result, error) {
	r := Result{Zone: l.zone.Name}
	for _, want := range Logins() {
		u, err := l.s.UserByUsername(ctx, want.Username)
		if err != nil {
			return r, fmt.Errorf("demo: %w", err)
		}
		r.Logins = append(r.Logins, Login{Username: u.Username, Role: u.Role, Password: Password, DisplayName: u.DisplayName})
	}
	var err error
	if r.Stations, err = l.s.StationCount(ctx); err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	months, err := l.s.StationStats(ctx, model.System, 0, StationHistoryFrom, StationHistoryFrom.AddDate(0, 13, 0))
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	for _, m := range months {
		r.StationVisits += m.VisitTotal
	}
	grids, err := l.s.Grids(ctx, model.System)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	for _, g := range grids {
		switch g.Level {
		case model.GridArea:
			r.Areas++
		case model.GridGrid:
			r.Grids++
		case model.GridZone:
			r.Enterprises, r.AboveScale = g.Enterprises, g.AboveScale
		}
	}
	industries, err := l.s.Industries(ctx)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	above := true
	for _, in := range industries {
		n, _, err := l.s.CountEnterprises(ctx, model.System, model.EnterpriseFilter{IndustryID: in.ID}, math.MaxInt32)
		if err != nil {
			return r, fmt.Errorf("demo: %w", err)
		}
		a, _, err := l.s.CountEnterprises(ctx, model.System, model.EnterpriseFilter{IndustryID: in.ID, AboveScale: &above}, math.MaxInt32)
		if err != nil {
			return r, fmt.Errorf("demo: %w", err)
		}
		if n > 0 {
			r.Industries = append(r.Industries, IndustryCount{Industry: in.Name, Enterprises: n, AboveScale: a})
		}
	}
	slices.SortStableFunc(r.Industries, func(a, b IndustryCount) int { return b.Enterprises - a.Enterprises })
	for role, dst := range map[model.Role]*int{model.RoleGridWorker: &r.GridWorkers, model.RoleGridHead: &r.GridHeads} {
		us, err := l.s.Users(ctx, role, "")
		if err != nil {
			return r, fmt.Errorf("demo: %w", err)
		}
		*dst = len(us)
	}
	orgs, err := l.s.Organizations(ctx)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	r.Organizations = len(orgs)
	r.OrgsByKind = map[string]int{}
	for _, o := range orgs {
		r.OrgsByKind[o.Kind]++
	}
	counts, err := l.s.OrgMemberCounts(ctx, orgs[0].ID)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	r.FullMembers, r.Probationary, r.Members = counts.Full, counts.Probationary, counts.Full+counts.Probationary
	alliances, err := l.s.Alliances(ctx)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	for _, a := range alliances {
		if a.Code == "CX-KDLM" {
			r.CourierAlliance = a.Members
		}
	}
	received := model.TransferFilter{State: model.TransferReceived, Limit: 200}
	ts, _, _, err := l.s.ListTransfers(ctx, model.System, received)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	r.TransfersIn = len(ts)
	own, joint, err := l.s.BranchCandidates(ctx, model.System)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	r.BranchCandidates, r.JointCandidates = len(own), len(joint)
	if err := l.supportResult(ctx, &r); err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	if err := l.fieldResult(ctx, &r); err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	if err := l.economyResult(ctx, &r); err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	if err := l.safetyResult(ctx, &r); err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	return r, nil
}
