package briefing

import (
	"time"

	"redgrid/internal/rules"
)

func ptr[T any](v T) *T { return &v }

// article is 城西新区 as the seed article describes it (August 2021), with
// the figures it does not give filled in plausibly.
func article() Input {
	return Input{
		Zone: "城西新区", ZoneEn: "Chengxi New Area",
		Month:       time.Date(2021, 8, 1, 0, 0, 0, 0, rules.Location()),
		Enterprises: 1736, AboveScale: 189, Industries: 4, Couriers: 8,
		Organizations: 63,
		OrgsByKind:    []NamedCount{{"党委", "Party committees", 2}, {"党总支", "General branches", 3}, {"党支部", "Branches", 58}},
		Members:       612, FullMembers: 590, Probationary: 22,
		CoveredEnterprises: 1519,
		Grids:              12, GridWorkers: 43, GridHeads: 12,
		VisitsMonth: 860, VisitsYTD: 6240, VisitedEnterprisesMonth: 742, VisitCoverageMonth: &Ratio{742, 848},
		ProblemsRaised: 215, ProblemsClosed: 198, ProblemsOnTime: 187, ProblemsOpen: 17, ProblemsOverdue: 3,
		Stations: 3, StationVisitorsMonth: 1260, StationVisitorsYTD: 1260,
		SafetyInspections: 1320, SafetyViolations: 96, SafetyIncidents: 4, MajorAccidents: 0, OpenHazards: 11,
		DaysSinceMajor: ptr[int64](365),
		OutputYTD:      10_650_000_000, OutputYTDPrev: 7_062_000_000, HasPrev: true,
		OutputMonth: 1_420_000_000, OutputMonthPrev: 1_000_000_000,
		IndustryOutput: []NamedGrowth{{"农机行业", "Agricultural machinery", 3_120_000_000, 2_200_000_000, true}},
		Orders:         []NamedGrowth{{"安德电器", "Ande Electric", 125, 100, true}},
	}
}
