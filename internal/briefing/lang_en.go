package briefing

import (
	"strings"

	"redgrid/internal/officialfmt"
)

func nameEn(name, en string) string {
	if en != "" {
		return en
	}
	return name
}

var en = &language{
	title: func(zone, month string) string { return zone + " Party-building Briefing (" + month + ")" },
	titles: map[string]string{
		Basic: "Basic situation", Party: "Party organization coverage", Visits: "Grids and visits",
		Problems: "Enterprises' problems", Stations: "Red stations", Safety: "Work safety", Economy: "Economy",
	},
	labels: map[string]string{
		"enterprises": "Enterprises", "above_scale": "Industrial enterprises above designated size", "industries": "Leading industries", "couriers": "Courier and logistics companies",
		"organizations": "Party organizations", "members": "Party members", "full_members": "Full members", "probationary": "Probationary members",
		"covered_enterprises": "Enterprises covered by a party organization", "party_coverage": "Party organization coverage",
		"grids": "Grids", "grid_heads": "Grid heads", "grid_workers": "Grid workers",
		"visits_month": "Visits this month", "visited_enterprises_month": "Enterprises visited this month", "visit_coverage_month": "Visit coverage this month", "visits_ytd": "Visits this year",
		"problems_raised": "Problems raised", "problems_closed": "Problems closed", "problems_closed_rate": "Closure rate",
		"problems_on_time": "Closed on time", "problems_on_time_rate": "On-time rate", "problems_open": "Open problems", "problems_overdue": "Overdue problems",
		"stations": "Red stations", "station_visitors_month": "Station visits this month", "station_visitors_ytd": "Station visits this year",
		"major_accidents": "Major accidents", "days_since_major": "Days without a major accident",
		"safety_inspections": "Safety inspections", "safety_violations": "Violations dealt with", "safety_incidents": "Safety incidents", "open_hazards": "Open hazards",
		"output_ytd": "Industrial output above designated size (year to date)", "output_ytd_growth": "Year-on-year growth of output (year to date)",
		"output_month": "Industrial output above designated size (month)", "output_month_growth": "Year-on-year growth of output (month)",
	},
	sections: map[string]func(*writer){
		Basic: func(w *writer) {
			in := w.in
			s := w.zone() + " has " + w.n("enterprises", in.Enterprises) + " " + pl(in.Enterprises, "enterprise", "enterprises") +
				", " + w.n("above_scale", in.AboveScale) + " of them industrial enterprises above designated size"
			if in.Industries > 0 {
				s += "; " + w.n("industries", in.Industries) + " leading " + pl(in.Industries, "industry has", "industries have") + " formed"
			}
			if in.Couriers > 0 {
				s += ", and " + w.n("couriers", in.Couriers) + " courier and logistics " + pl(in.Couriers, "company is", "companies are") + " based in the zone"
			}
			w.say(s + ".")
		},
		Party: func(w *writer) {
			in := w.in
			if in.Organizations == 0 {
				w.n("organizations", 0)
				w.say("The zone has no party organization yet.")
			} else {
				s := "The zone has " + w.n("organizations", in.Organizations) + " party " + pl(in.Organizations, "organization", "organizations")
				var kinds []string
				for _, k := range in.OrgsByKind {
					if k.N > 0 {
						name := nameEn(k.Name, k.NameEn)
						kinds = append(kinds, name+": "+w.useNamed("orgs_kind:"+k.Name, name, k.N))
					}
				}
				if len(kinds) > 0 {
					s += " (" + strings.Join(kinds, ", ") + ")"
				}
				s += " and " + w.n("members", in.Members) + " party " + pl(in.Members, "member", "members") + ": " +
					w.n("full_members", in.FullMembers) + " full and " + w.n("probationary", in.Probationary) + " probationary."
				w.say(s)
			}
			cov := w.pct("party_coverage", in.CoveredEnterprises, in.Enterprises, reasonNoEnterprises)
			s := "Party organizations cover " + w.n("covered_enterprises", in.CoveredEnterprises) + " " + pl(in.CoveredEnterprises, "enterprise", "enterprises")
			if cov.OK {
				s += ", a coverage of " + cov.En + "."
			} else {
				s += "; " + notComputableEn("the coverage", cov) + "."
			}
			w.say(s)
		},
		Visits: func(w *writer) {
			in := w.in
			w.say("The zone is divided into " + w.n("grids", in.Grids) + " " + pl(in.Grids, "grid", "grids") + ", with " +
				w.n("grid_heads", in.GridHeads) + " grid " + pl(in.GridHeads, "head", "heads") + " and " +
				w.n("grid_workers", in.GridWorkers) + " grid " + pl(in.GridWorkers, "worker", "workers") +
				"; leaders, grid heads and grid workers visit enterprises at three levels.")
			s := "In " + officialfmt.MonthOnly(in.Month, w.lang) + ", " + w.n("visits_month", in.VisitsMonth) + " " +
				pl(in.VisitsMonth, "visit was", "visits were") + " made to " + w.n("visited_enterprises_month", in.VisitedEnterprisesMonth) + " " +
				pl(in.VisitedEnterprisesMonth, "enterprise", "enterprises")
			cov := w.coverage()
			if cov.OK {
				s += ", a visit coverage of " + cov.En
			} else {
				s += "; " + notComputableEn("the visit coverage", cov)
			}
			if in.Month.Month() > 1 {
				s += "; " + w.n("visits_ytd", in.VisitsYTD) + " " + pl(in.VisitsYTD, "visit", "visits") + " in " + officialfmt.MonthRange(in.Month, w.lang)
			}
			w.say(s + ".")
		},
		Problems: func(w *writer) {
			in := w.in
			period := officialfmt.MonthRange(in.Month, w.lang)
			if in.ProblemsRaised == 0 {
				w.n("problems_raised", 0)
				w.say("In " + period + ", no enterprise raised a problem.")
			} else {
				s := "In " + period + ", " + w.n("problems_raised", in.ProblemsRaised) + " enterprise " +
					pl(in.ProblemsRaised, "problem was", "problems were") + " collected and " + w.n("problems_closed", in.ProblemsClosed) +
					" closed, a closure rate of " + w.pct("problems_closed_rate", in.ProblemsClosed, in.ProblemsRaised, reasonNoneRaised).En
				if in.ProblemsClosed > 0 {
					s += "; " + w.n("problems_on_time", in.ProblemsOnTime) + " closed on time, an on-time rate of " +
						w.pct("problems_on_time_rate", in.ProblemsOnTime, in.ProblemsClosed, reasonNoneClosed).En
				} else {
					s += "; " + notComputableEn("the on-time rate", w.pct("problems_on_time_rate", 0, 0, reasonNoneClosed))
				}
				w.say(s + ".")
			}
			switch {
			case in.ProblemsOpen == 0 && in.ProblemsRaised > 0:
				w.n("problems_open", 0)
				w.say("All problems have been closed.")
			case in.ProblemsOpen > 0 && in.ProblemsOverdue == 0:
				w.say(w.n("problems_open", in.ProblemsOpen) + " " + pl(in.ProblemsOpen, "problem is", "problems are") + " being handled, none overdue.")
			case in.ProblemsOpen > 0:
				w.say(w.n("problems_open", in.ProblemsOpen) + " " + pl(in.ProblemsOpen, "problem is", "problems are") + " being handled, " +
					w.n("problems_overdue", in.ProblemsOverdue) + " of them overdue; the departments have been urged to act.")
			}
		},
		Stations: func(w *writer) {
			in := w.in
			if in.Stations == 0 {
				w.n("stations", 0)
				w.say("The zone has no red station yet.")
				return
			}
			s := "The zone has " + w.n("stations", in.Stations) + " red " + pl(in.Stations, "station", "stations") + ", which received " +
				w.n("station_visitors_month", in.StationVisitorsMonth) + " " + pl(in.StationVisitorsMonth, "visit", "visits") +
				" from couriers, sanitation workers and other residents in " + officialfmt.MonthOnly(in.Month, w.lang)
			if in.Month.Month() > 1 {
				s += " and " + w.n("station_visitors_ytd", in.StationVisitorsYTD) + " in " + officialfmt.MonthRange(in.Month, w.lang)
			}
			w.say(s + ".")
		},
		Safety: func(w *writer) {
			in := w.in
			period := officialfmt.MonthRange(in.Month, w.lang)
			if in.MajorAccidents == 0 {
				w.n("major_accidents", 0)
				s := "In " + period + ", none of the zone's " + w.n("enterprises", in.Enterprises) + " " +
					pl(in.Enterprises, "enterprise", "enterprises") + " had a major work-safety accident"
				if in.DaysSinceMajor != nil {
					s += " (" + w.use("days_since_major", "", officialfmt.SafeDays(*in.DaysSinceMajor)).En + ")"
				}
				w.say(s + ".")
			} else {
				w.say("In " + period + ", the zone had " + w.n("major_accidents", in.MajorAccidents) + " major work-safety " +
					pl(in.MajorAccidents, "accident", "accidents") + ".")
			}
			s := w.n("safety_inspections", in.SafetyInspections) + " safety " + pl(in.SafetyInspections, "inspection was", "inspections were") +
				" made, " + w.n("safety_violations", in.SafetyViolations) + " " + pl(in.SafetyViolations, "violation", "violations") +
				" dealt with and " + w.n("safety_incidents", in.SafetyIncidents) + " " + pl(in.SafetyIncidents, "incident", "incidents") + " recorded"
			if in.OpenHazards == 0 {
				w.n("open_hazards", 0)
				s += "; every hazard found has been corrected."
			} else {
				s += "; " + w.n("open_hazards", in.OpenHazards) + " " + pl(in.OpenHazards, "hazard remains", "hazards remain") + " to be corrected."
			}
			w.say(s)
		},
		Economy: func(w *writer) {
			in := w.in
			upTo := officialfmt.UpTo(in.Month, w.lang)
			upTo = strings.ToUpper(upTo[:1]) + upTo[1:]
			if in.OutputYTD == 0 && !in.HasPrev {
				w.say(upTo + ", there are no statistics yet of industrial output above designated size.")
			} else {
				w.say(upTo + ", industrial enterprises above designated size produced output worth " + w.money("output_ytd", "", in.OutputYTD) +
					", " + growthEn(w.growth("output_ytd_growth", "", in.OutputYTD, in.OutputYTDPrev, in.HasPrev)) + ".")
				if in.Month.Month() > 1 {
					w.say("Output in " + officialfmt.MonthOnly(in.Month, w.lang) + " alone was " + w.money("output_month", "", in.OutputMonth) +
						", " + growthEn(w.growth("output_month_growth", "", in.OutputMonth, in.OutputMonthPrev, in.HasPrev)) + ".")
				}
			}
			if len(in.IndustryOutput) > 0 {
				var parts []string
				for _, g := range in.IndustryOutput {
					name := nameEn(g.Name, g.NameEn)
					parts = append(parts, name+" "+w.money("industry_output:"+g.Name, name+" output", g.Current)+", "+
						growthEn(w.growth("industry_growth:"+g.Name, name+" output growth", g.Current, g.Previous, g.HasPrev)))
				}
				w.say("By industry: " + strings.Join(parts, "; ") + ".")
			}
			for _, o := range in.Orders {
				name := nameEn(o.Name, o.NameEn)
				f := w.growth("orders_growth:"+o.Name, name+" orders growth", o.Current, o.Previous, o.HasPrev)
				if f.OK {
					w.say("Orders of " + name + " were " + f.En + ".")
				} else {
					w.say("Orders of " + name + ": " + notComputableEn("year-on-year growth", f) + ".")
				}
			}
		},
	},
}
