package stats

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"redgrid/internal/briefing"
	"redgrid/internal/model"
)

// orgKindNames are the organization kinds as the briefing names them.
var orgKindNames = map[string][2]string{
	model.OrgCommittee:        {"党委", "party committees"},
	model.OrgGeneralBranch:    {"党总支", "general branches"},
	model.OrgBranch:           {"党支部", "branches"},
	model.OrgJointBranch:      {"联合党支部", "joint branches"},
	model.OrgFunctionalBranch: {"功能性党支部", "functional branches"},
}

// BriefingInput turns the figures into the briefing's exact inputs: the
// briefing states exactly what the dashboard shows.
func BriefingInput(f Figures) briefing.Input {
	month, _ := time.Parse("2006-01", f.Month)
	in := briefing.Input{Zone: f.ScopeName, ZoneEn: f.ScopeName, Month: month,
		Enterprises: int64(f.Enterprises), AboveScale: int64(f.AboveScale), Industries: int64(f.Industries), Couriers: int64(f.Couriers),
		Grids: int64(f.Grids), GridWorkers: int64(f.GridWorkers), GridHeads: int64(f.GridHeads),
		VisitsMonth:             int64(f.Visits.Month.Leader + f.Visits.Month.GridHead + f.Visits.Month.GridWorker),
		VisitsYTD:               int64(f.Visits.Year.Leader + f.Visits.Year.GridHead + f.Visits.Year.GridWorker),
		VisitedEnterprisesMonth: int64(f.Visits.Month.Enterprises),
		ProblemsRaised:          int64(f.Problems.Raised), ProblemsClosed: int64(f.Problems.Resolved), ProblemsOnTime: int64(f.Problems.OnTime),
		ProblemsOpen: int64(f.Problems.Open), ProblemsOverdue: int64(f.Problems.Overdue),
		OutputYTD: f.Output.YTD, OutputYTDPrev: f.Output.PrevYTD, HasPrev: f.Output.Growth.Percent != nil,
		OutputMonth: f.Output.Month, OutputMonthPrev: f.Output.PrevMonth}
	if f.Enterprises > 0 {
		in.VisitCoverageMonth = &briefing.Ratio{Num: int64(f.Visits.Month.Enterprises), Den: int64(f.Enterprises)}
	}
	if p := f.Party; p != nil {
		in.Organizations, in.Members, in.FullMembers, in.Probationary = int64(p.Organizations), int64(p.Members), int64(p.Full), int64(p.Probationary)
		in.CoveredEnterprises = int64(p.Covered)
		for _, k := range model.OrgKinds {
			if n := p.ByKind[k]; n > 0 {
				names := orgKindNames[k]
				in.OrgsByKind = append(in.OrgsByKind, briefing.NamedCount{Name: names[0], NameEn: names[1], N: int64(n)})
			}
		}
	}
	if st := f.Stations; st != nil {
		in.Stations, in.StationVisitorsMonth, in.StationVisitorsYTD = int64(st.Stations), int64(st.VisitorsMonth), int64(st.VisitorsYTD)
	}
	if sf := f.Safety; sf != nil {
		in.SafetyInspections, in.SafetyViolations, in.SafetyIncidents = int64(sf.Inspections), int64(sf.Violations), int64(sf.Incidents)
		in.MajorAccidents, in.OpenHazards = int64(sf.MajorAccidents), int64(sf.OpenHazards)
		if sf.DaysSinceMajor != nil {
			d := int64(*sf.DaysSinceMajor)
			in.DaysSinceMajor = &d
		}
	}
	// The leading industries: the four largest by 规上 output.
	for _, ind := range f.ByIndustry {
		if ind.OutputYTD > 0 {
			in.IndustryOutput = append(in.IndustryOutput, briefing.NamedGrowth{Name: ind.Name, NameEn: ind.Code, Current: ind.OutputYTD,
				Previous: ind.Growth.Prev, HasPrev: ind.Growth.Percent != nil})
		}
	}
	sortNamed(in.IndustryOutput)
	if len(in.IndustryOutput) > 4 {
		in.IndustryOutput = in.IndustryOutput[:4]
	}
	for i, o := range f.Output.TopOrders {
		if i == 3 {
			break
		}
		name := o.ShortName
		if name == "" {
			name = o.Name
		}
		in.Orders = append(in.Orders, briefing.NamedGrowth{Name: name, NameEn: name, Current: o.Growth.Cur, Previous: o.Growth.Prev,
			HasPrev: o.Growth.Percent != nil})
	}
	return in
}

func sortNamed(xs []briefing.NamedGrowth) {
	slices.SortStableFunc(xs, func(a, b briefing.NamedGrowth) int { return cmp.Compare(b.Current, a.Current) })
}

// Briefing builds a month's briefing in lang, with the commentary kept for
// each section (by section key).
func Briefing(f Figures, lang string, commentary map[string]string) briefing.Briefing {
	b := briefing.Build(BriefingInput(f), lang)
	for i := range b.Sections {
		if c := commentary[b.Sections[i].Key]; c != "" {
			b.Sections[i].Commentary = append(b.Sections[i].Commentary, splitParagraphs(c)...)
		}
	}
	return b
}

func splitParagraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
