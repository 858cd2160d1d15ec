// Package stats computes the zone's figures once, for the dashboard, the
// 大屏, GET /api/v1/stats, the statistics export and the monthly briefing:
// every figure they show comes from Compute, over the aggregates the store
// keeps (internal/store/stats_agg.go) and the register counters, within the
// actor's scope and an optional grid.
package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// Filter chooses the grid (0 = the actor's whole scope) and the month
// ("2021-08"; "" = the latest month with data).
type Filter struct {
	GridID int64  `json:"grid_id,omitempty"`
	Month  string `json:"month,omitempty"`
}

// Ratio is a share: Percent is nil, with the reason, when the whole is 0.
type Ratio struct {
	Num     int64    `json:"num"`
	Den     int64    `json:"den"`
	Percent *float64 `json:"percent"`
	Reason  string   `json:"reason,omitempty"` // i18n key when not computable
}

// NewRatio computes a share in percent, exactly where the whole is known.
func NewRatio(num, den int64) Ratio {
	r := Ratio{Num: num, Den: den}
	if den == 0 {
		r.Reason = "stats.reason.no_base"
		return r
	}
	p := float64(num) * 100 / float64(den)
	r.Percent = &p
	return r
}

// Growth is a year-on-year change: Percent is nil, with the reason, when the
// year before has no figure (never 0 % or NaN).
type Growth struct {
	Cur     int64    `json:"cur"`
	Prev    int64    `json:"prev"`
	Percent *float64 `json:"percent"`
	Reason  string   `json:"reason,omitempty"`
}

// NewGrowth computes cur against prev.
func NewGrowth(cur, prev int64) Growth {
	g := Growth{Cur: cur, Prev: prev}
	if prev <= 0 {
		g.Reason = "stats.reason.no_prev"
		return g
	}
	p := float64(cur-prev) * 100 / float64(prev)
	g.Percent = &p
	return g
}

// Figures is everything the dashboard and the briefing say.
type Figures struct {
	Month      string    `json:"month"` // the chosen month, "2021-08"
	Year       int       `json:"year"`
	From       time.Time `json:"from"` // first day of the year (the YTD start)
	To         time.Time `json:"to"`   // last day of the month
	FirstMonth string    `json:"first_month"`
	LastMonth  string    `json:"last_month"`
	GridID     int64     `json:"grid_id,omitempty"`
	GridName   string    `json:"grid_name"`
	ScopeName  string    `json:"scope_name"` // the chosen grid, or the one top grid of the scope ("城西新区")
	Whole      bool      `json:"whole_zone"` // the figures cover every grid

	Enterprises int           `json:"enterprises"`
	AboveScale  int           `json:"above_scale"`
	Industries  int           `json:"industries"` // industries with enterprises
	Couriers    int           `json:"couriers"`   // enterprises of the courier industry
	ByIndustry  []IndustryFig `json:"by_industry"`

	Party *PartyFig `json:"party,omitempty"` // nil when the actor may not read party registers

	Grids       int `json:"grids"`
	GridWorkers int `json:"grid_workers"`
	GridHeads   int `json:"grid_heads"`

	Visits   VisitFig    `json:"visits"`
	Problems ProblemFig  `json:"problems"`
	Stations *StationFig `json:"stations,omitempty"` // whole zone only: stations are not kept by grid
	Safety   *SafetyFig  `json:"safety,omitempty"`
	Output   OutputFig   `json:"output"`
}

// IndustryFig is one industry's enterprises and 规上 output.
type IndustryFig struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Enterprises int    `json:"enterprises"`
	AboveScale  int    `json:"above_scale"`
	OutputYTD   int64  `json:"output_ytd_yuan"`
	Growth      Growth `json:"growth"`
}

// PartyFig is the party-building coverage.
type PartyFig struct {
	Organizations int            `json:"organizations"`
	ByKind        map[string]int `json:"by_kind"`
	Members       int            `json:"members"` // 正式 + 预备, 党籍 normal
	Full          int            `json:"full"`
	Probationary  int            `json:"probationary"`
	Covered       int            `json:"covered_enterprises"`
	Coverage      Ratio          `json:"coverage"` // covered / enterprises
}

// VisitFig is the 三级走访 of the month and the year to date.
type VisitFig struct {
	Month         store.VisitCell `json:"month"`
	Year          store.VisitCell `json:"year"`
	CoverageMonth Ratio           `json:"coverage_month"`
	CoverageYear  Ratio           `json:"coverage_year"`
	ByMonth       []MonthCount    `json:"by_month"` // visits per month of the year
}

// MonthCount is one month's count.
type MonthCount struct {
	Month string `json:"month"`
	N     int    `json:"n"`
	M     int    `json:"m,omitempty"` // a second series (resolved problems)
}

// ProblemFig is the enterprise problems of the year to date.
type ProblemFig struct {
	Raised     int          `json:"raised"`
	Resolved   int          `json:"resolved"`
	OnTime     int          `json:"on_time"`
	Open       int          `json:"open"`
	Overdue    int          `json:"overdue"`
	OnTimeRate Ratio        `json:"on_time_rate"`
	ByMonth    []MonthCount `json:"by_month"`
}

// StationFig is the red stations and their visitors.
type StationFig struct {
	Stations      int            `json:"stations"`
	Open          int            `json:"open"`
	VisitorsMonth int            `json:"visitors_month"`
	VisitorsYTD   int            `json:"visitors_ytd"`
	ByKind        map[string]int `json:"by_kind_ytd"`
}

// SafetyFig is the year to date's safety records.
type SafetyFig struct {
	Inspections    int            `json:"inspections"`
	Violations     int            `json:"violations"`
	Incidents      int            `json:"incidents"`
	BySeverity     map[string]int `json:"by_severity"`
	MajorAccidents int            `json:"major_accidents"`
	Deaths         int            `json:"deaths"`
	OpenHazards    int            `json:"open_hazards"`
	DaysSinceMajor *int           `json:"days_since_major"`
	RecordsSince   *time.Time     `json:"records_since"`
}

// OutputFig is the 规上 output value: year to date against the same months of
// the year before, the month, by industry, grid and month, and orders.
type OutputFig struct {
	YTD         int64         `json:"ytd_yuan"`
	PrevYTD     int64         `json:"prev_ytd_yuan"`
	Growth      Growth        `json:"growth"`
	Month       int64         `json:"month_yuan"`
	PrevMonth   int64         `json:"prev_month_yuan"`
	MonthGrowth Growth        `json:"month_growth"`
	Reporting   int           `json:"reporting"`    // 规上 enterprises with a figure for the month
	AllYTD      int64         `json:"all_ytd_yuan"` // every enterprise, not only 规上
	ByMonth     []MonthOutput `json:"by_month"`
	ByGrid      []GridOutput  `json:"by_grid"`
	Orders      Growth        `json:"orders"` // every enterprise reporting orders, YTD
	TopOrders   []NamedOrders `json:"top_orders"`
}

// MonthOutput is one month's 规上 output this year and the year before.
type MonthOutput struct {
	Month string `json:"month"`
	Value int64  `json:"value_yuan"`
	Prev  int64  `json:"prev_yuan"`
}

// GridOutput is one grid's (or area's) 规上 output year to date.
type GridOutput struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	YTD    int64  `json:"ytd_yuan"`
	Growth Growth `json:"growth"`
}

// NamedOrders is one enterprise's orders year to date.
type NamedOrders struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Growth    Growth `json:"growth"`
}

// Source is what Compute reads: the store (an interface so the briefing
// tests can count calls if they need to).
type Source = *store.Store

// monthError is a field error on "month" (malformed, in the future or
// before the data begins).
func monthError(key string, args ...any) error {
	var v model.Validation
	v.Add("month", key, args...)
	return v.Err()
}

// ResolveMonth checks a requested month against the data and the clock:
// "" is the latest month with data (or the current month when there is
// none).
func ResolveMonth(ctx context.Context, st Source, month string) (m time.Time, first, last string, err error) {
	first, last, err = st.StatsBounds(ctx)
	if err != nil {
		return time.Time{}, "", "", err
	}
	now := st.Today()
	cur := now.Format("2006-01")
	if last > cur {
		last = cur
	}
	if month == "" {
		month = last
		if month == "" {
			month = cur
		}
	}
	t, perr := time.Parse("2006-01", month)
	if perr != nil || len(month) != 7 {
		return time.Time{}, first, last, monthError("field.month_format")
	}
	if month > cur {
		return time.Time{}, first, last, monthError("stats.month_future", cur)
	}
	if first != "" && month < first {
		return time.Time{}, first, last, monthError("stats.month_before_data", first)
	}
	return t, first, last, nil
}

// Compute gathers the figures for the actor's scope.
func Compute(ctx context.Context, st Source, actor *model.Actor, f Filter, mayReadParty bool) (Figures, error) {
	month, first, last, err := ResolveMonth(ctx, st, f.Month)
	if err != nil {
		return Figures{}, err
	}
	nodes, err := st.StatNodes(ctx, actor, f.GridID)
	if err != nil {
		return Figures{}, err
	}
	_, all := actor.ScopeGrids()
	fig := Figures{Month: month.Format("2006-01"), Year: month.Year(), FirstMonth: first, LastMonth: last,
		GridID: f.GridID, Whole: all && f.GridID == 0}
	fig.From = time.Date(month.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	fig.To = month.AddDate(0, 1, -1)
	if f.GridID != 0 {
		name, err := st.GridName(ctx, f.GridID) // in scope: StatNodes checked it
		if err != nil {
			return Figures{}, err
		}
		fig.GridName = name
	}
	fig.ScopeName = fig.GridName
	if fig.ScopeName == "" && len(nodes) == 1 {
		if name, err := st.GridName(ctx, nodes[0]); err == nil {
			fig.ScopeName = name
		}
	}
	ym := strconv.Itoa(month.Year())
	py := strconv.Itoa(month.Year() - 1)
	mm := month.Format("-01")
	ytdFrom, ytdTo := ym+"-01", ym+mm
	prevFrom, prevTo := py+"-01", py+mm

	// Register.
	nc, err := st.StatNodeCounts(ctx, nodes, fig.Whole)
	if err != nil {
		return fig, err
	}
	fig.Grids, fig.GridWorkers, fig.GridHeads = nc.Grids, nc.GridWorkers, nc.GridHeads
	for _, in := range nc.Industries {
		fig.Enterprises += in.Enterprises
		fig.AboveScale += in.AboveScale
		if in.Enterprises > 0 {
			fig.Industries++
		}
		if in.Code == rules.CourierIndustry {
			fig.Couriers += in.Enterprises
		}
		fig.ByIndustry = append(fig.ByIndustry, IndustryFig{ID: in.ID, Code: in.Code, Name: in.Name, Enterprises: in.Enterprises, AboveScale: in.AboveScale})
	}
	byIndustry := make(map[int64]*IndustryFig, len(fig.ByIndustry))
	for i := range fig.ByIndustry {
		byIndustry[fig.ByIndustry[i].ID] = &fig.ByIndustry[i]
	}

	// Party.
	if mayReadParty {
		p, err := st.StatParty(ctx, nodes, fig.Whole)
		if err != nil {
			return fig, err
		}
		fig.Party = &PartyFig{Organizations: p.Organizations, ByKind: p.OrgsByKind, Full: p.Full, Probationary: p.Probationary,
			Members: p.Full + p.Probationary, Covered: p.Covered, Coverage: NewRatio(int64(p.Covered), int64(fig.Enterprises))}
	}

	// Visits: the month, the year, and each month of the year.
	periods := []string{fig.Month, ym}
	for m := 1; m <= int(month.Month()); m++ {
		periods = append(periods, fmt.Sprintf("%s-%02d", ym, m))
	}
	vc, err := st.VisitCells(ctx, nodes, periods)
	if err != nil {
		return fig, err
	}
	fig.Visits.Month, fig.Visits.Year = vc[fig.Month], vc[ym]
	fig.Visits.Month.Period, fig.Visits.Year.Period = fig.Month, ym
	fig.Visits.CoverageMonth = NewRatio(int64(fig.Visits.Month.Enterprises), int64(fig.Enterprises))
	fig.Visits.CoverageYear = NewRatio(int64(fig.Visits.Year.Enterprises), int64(fig.Enterprises))
	for _, p := range periods[2:] {
		c := vc[p]
		fig.Visits.ByMonth = append(fig.Visits.ByMonth, MonthCount{Month: p, N: c.Leader + c.GridHead + c.GridWorker})
	}

	// Problems of the year to date; open and overdue at the month's end (or
	// today, for the current month).
	day := fig.To
	if today := st.Today(); today.Before(day) {
		day = today
	}
	pcs, open, overdue, err := st.ProblemCells(ctx, nodes, ytdFrom, ytdTo, day)
	if err != nil {
		return fig, err
	}
	pm := map[string]store.ProblemCell{}
	for _, c := range pcs {
		pm[c.Month] = c
		fig.Problems.Raised += c.Raised
		fig.Problems.Resolved += c.Resolved
		fig.Problems.OnTime += c.OnTime
	}
	for _, p := range periods[2:] {
		fig.Problems.ByMonth = append(fig.Problems.ByMonth, MonthCount{Month: p, N: pm[p].Raised, M: pm[p].Resolved})
	}
	fig.Problems.Open, fig.Problems.Overdue = open, overdue
	fig.Problems.OnTimeRate = NewRatio(int64(fig.Problems.OnTime), int64(fig.Problems.Resolved))

	// Stations: kept by village, not grid, so only for the whole zone.
	if fig.Whole {
		ss, err := st.StatStations(ctx, fig.From, month, fig.To)
		if err != nil {
			return fig, err
		}
		fig.Stations = &StationFig{Stations: ss.Stations, Open: ss.Open, VisitorsYTD: ss.Visitors, VisitorsMonth: ss.VisitorsMonth, ByKind: ss.ByKind}
	}

	// Safety.
	if err := safety(ctx, st, actor, f.GridID, &fig); err != nil {
		return fig, err
	}

	// Output value.
	cells, err := st.OutputCells(ctx, nodes, prevFrom, ytdTo)
	if err != nil {
		return fig, err
	}
	byMonth := map[string]*MonthOutput{}
	prevInd := map[int64]int64{}
	var ordersCur, ordersPrev int64
	for m := 1; m <= int(month.Month()); m++ {
		k := fmt.Sprintf("%02d", m)
		fig.Output.ByMonth = append(fig.Output.ByMonth, MonthOutput{Month: ym + "-" + k})
	}
	for i := range fig.Output.ByMonth {
		byMonth[fig.Output.ByMonth[i].Month[5:]] = &fig.Output.ByMonth[i]
	}
	for _, c := range cells {
		cur := c.Month >= ytdFrom && c.Month <= ytdTo
		prev := c.Month >= prevFrom && c.Month <= prevTo
		if !cur && !prev {
			continue
		}
		if cur {
			fig.Output.AllYTD += c.ValueYuan
			ordersCur += c.OrdersYuan
		} else {
			ordersPrev += c.OrdersYuan
		}
		if !c.AboveScale {
			continue
		}
		bm := byMonth[c.Month[5:]]
		if cur {
			fig.Output.YTD += c.ValueYuan
			bm.Value += c.ValueYuan
			if in := byIndustry[c.IndustryID]; in != nil {
				in.OutputYTD += c.ValueYuan
			}
			if c.Month == fig.Month {
				fig.Output.Month += c.ValueYuan
				fig.Output.Reporting += c.Enterprises
			}
		} else {
			fig.Output.PrevYTD += c.ValueYuan
			bm.Prev += c.ValueYuan
			prevInd[c.IndustryID] += c.ValueYuan
			if c.Month == prevTo {
				fig.Output.PrevMonth += c.ValueYuan
			}
		}
	}
	fig.Output.Growth = NewGrowth(fig.Output.YTD, fig.Output.PrevYTD)
	fig.Output.MonthGrowth = NewGrowth(fig.Output.Month, fig.Output.PrevMonth)
	fig.Output.Orders = NewGrowth(ordersCur, ordersPrev)
	for id, in := range byIndustry {
		in.Growth = NewGrowth(in.OutputYTD, prevInd[id])
	}
	children, err := st.OutputChildren(ctx, nodes, prevFrom, ytdTo)
	if err != nil {
		return fig, err
	}
	grids := map[int64]*GridOutput{}
	prevGrid := map[int64]int64{}
	for _, c := range children {
		g := grids[c.GridID]
		if g == nil {
			g = &GridOutput{ID: c.GridID, Name: c.Name}
			grids[c.GridID] = g
		}
		switch {
		case c.Month >= ytdFrom && c.Month <= ytdTo:
			g.YTD += c.ValueYuan
		case c.Month >= prevFrom && c.Month <= prevTo:
			prevGrid[c.GridID] += c.ValueYuan
		}
	}
	for id, g := range grids {
		g.Growth = NewGrowth(g.YTD, prevGrid[id])
		fig.Output.ByGrid = append(fig.Output.ByGrid, *g)
	}
	slices.SortFunc(fig.Output.ByGrid, func(a, b GridOutput) int {
		if a.YTD != b.YTD {
			if a.YTD > b.YTD {
				return -1
			}
			return 1
		}
		return int(a.ID - b.ID)
	})
	top, err := st.TopOrders(ctx, nodes, fig.Whole, ytdFrom, ytdTo, prevFrom, prevTo, 5)
	if err != nil {
		return fig, err
	}
	for _, e := range top {
		if e.OrdersYuan == 0 {
			continue
		}
		fig.Output.TopOrders = append(fig.Output.TopOrders, NamedOrders{ID: e.ID, Name: e.Name, ShortName: e.ShortName,
			Growth: NewGrowth(e.OrdersYuan, e.PrevYuan)})
	}
	return fig, nil
}

// Row is one figure as the statistics export writes it: section and
// indicator are i18n keys; Value is exact (yuan for money, percent with its
// decimals for shares, "" when not computable, with the reason key).
type Row struct {
	Section string
	Key     string
	Value   string
	Unit    string // i18n key
	Reason  string // i18n key, when Value is ""
}

// Rows flattens the figures for the export, in the dashboard's order.
func (f Figures) Rows() []Row {
	var out []Row
	n := func(sec, key string, v int64, unit string) {
		out = append(out, Row{Section: sec, Key: key, Value: strconv.FormatInt(v, 10), Unit: unit})
	}
	pct := func(sec, key string, p *float64, reason string) {
		r := Row{Section: sec, Key: key, Unit: "stats.unit.percent", Reason: reason}
		if p != nil {
			r.Value, r.Reason = strconv.FormatFloat(*p, 'f', 2, 64), ""
		}
		out = append(out, r)
	}
	n("basic", "stats.enterprises", int64(f.Enterprises), "stats.unit.enterprises")
	n("basic", "stats.above_scale", int64(f.AboveScale), "stats.unit.enterprises")
	n("basic", "stats.industries", int64(f.Industries), "stats.unit.items")
	n("basic", "stats.couriers", int64(f.Couriers), "stats.unit.enterprises")
	if f.Party != nil {
		n("party", "stats.organizations", int64(f.Party.Organizations), "stats.unit.orgs")
		for _, k := range model.OrgKinds {
			n("party", "organization.kind."+k, int64(f.Party.ByKind[k]), "stats.unit.orgs")
		}
		n("party", "stats.members", int64(f.Party.Members), "stats.unit.people")
		n("party", "stats.full_members", int64(f.Party.Full), "stats.unit.people")
		n("party", "stats.probationary", int64(f.Party.Probationary), "stats.unit.people")
		n("party", "stats.covered", int64(f.Party.Covered), "stats.unit.enterprises")
		pct("party", "stats.coverage", f.Party.Coverage.Percent, f.Party.Coverage.Reason)
	}
	n("visits", "stats.grids", int64(f.Grids), "stats.unit.items")
	n("visits", "stats.grid_workers", int64(f.GridWorkers), "stats.unit.people")
	n("visits", "stats.visits_month", int64(f.Visits.Month.Leader+f.Visits.Month.GridHead+f.Visits.Month.GridWorker), "stats.unit.times")
	n("visits", "stats.visits_ytd", int64(f.Visits.Year.Leader+f.Visits.Year.GridHead+f.Visits.Year.GridWorker), "stats.unit.times")
	pct("visits", "stats.visit_coverage_month", f.Visits.CoverageMonth.Percent, f.Visits.CoverageMonth.Reason)
	pct("visits", "stats.visit_coverage_year", f.Visits.CoverageYear.Percent, f.Visits.CoverageYear.Reason)
	n("problems", "stats.problems_raised", int64(f.Problems.Raised), "stats.unit.items")
	n("problems", "stats.problems_resolved", int64(f.Problems.Resolved), "stats.unit.items")
	pct("problems", "stats.problems_on_time", f.Problems.OnTimeRate.Percent, f.Problems.OnTimeRate.Reason)
	n("problems", "stats.problems_open", int64(f.Problems.Open), "stats.unit.items")
	n("problems", "stats.problems_overdue", int64(f.Problems.Overdue), "stats.unit.items")
	if f.Stations != nil {
		n("stations", "stats.stations", int64(f.Stations.Stations), "stats.unit.items")
		n("stations", "stats.station_visitors_month", int64(f.Stations.VisitorsMonth), "stats.unit.people_times")
		n("stations", "stats.station_visitors_ytd", int64(f.Stations.VisitorsYTD), "stats.unit.people_times")
	}
	if f.Safety != nil {
		n("safety", "stats.safety_inspections", int64(f.Safety.Inspections), "stats.unit.times")
		n("safety", "stats.safety_violations", int64(f.Safety.Violations), "stats.unit.items")
		n("safety", "stats.safety_incidents", int64(f.Safety.Incidents), "stats.unit.items")
		n("safety", "stats.major_accidents", int64(f.Safety.MajorAccidents), "stats.unit.items")
		n("safety", "stats.open_hazards", int64(f.Safety.OpenHazards), "stats.unit.items")
	}
	n("economy", "stats.output_ytd", f.Output.YTD, "stats.unit.yuan")
	n("economy", "stats.output_prev_ytd", f.Output.PrevYTD, "stats.unit.yuan")
	pct("economy", "stats.output_growth", f.Output.Growth.Percent, f.Output.Growth.Reason)
	n("economy", "stats.output_month", f.Output.Month, "stats.unit.yuan")
	pct("economy", "stats.output_month_growth", f.Output.MonthGrowth.Percent, f.Output.MonthGrowth.Reason)
	pct("economy", "stats.orders_growth", f.Output.Orders.Percent, f.Output.Orders.Reason)
	return out
}
