package briefing

import (
	"strings"

	"redgrid/internal/officialfmt"
)

// language is the prose of the briefing in one language: the title, the
// section titles, the labels of the figures and one writer per section.
type language struct {
	title    func(zone, month string) string
	titles   map[string]string
	labels   map[string]string
	sections map[string]func(*writer)
}

// withLocalReason gives f, a figure that is not computable, the local
// reason under key.
func withLocalReason(key string, f officialfmt.Figure) officialfmt.Figure {
	if t, ok := localReasons[key]; ok {
		f.ReasonKey, f.Reason, f.ReasonEn = key, t[0], t[1]
	}
	return f
}

// notComputableZh is "…暂无法计算（reason）".
func notComputableZh(what string, f officialfmt.Figure) string {
	return what + "暂无法计算（" + f.Reason + "）"
}

func notComputableEn(what string, f officialfmt.Figure) string {
	return what + " cannot be computed yet (" + f.ReasonEn + ")"
}

var zh = &language{
	title: func(zone, month string) string { return zone + "党建工作简报（" + month + "）" },
	titles: map[string]string{
		Basic: "基本情况", Party: "党建覆盖", Visits: "网格走访", Problems: "涉企问题",
		Stations: "红色驿站", Safety: "安全生产", Economy: "经济运行",
	},
	labels: map[string]string{
		"enterprises": "企业数", "above_scale": "规上工业企业数", "industries": "主导产业数", "couriers": "快递物流企业数",
		"organizations": "党组织数", "members": "党员数", "full_members": "正式党员数", "probationary": "预备党员数",
		"covered_enterprises": "党组织覆盖企业数", "party_coverage": "党组织覆盖率",
		"grids": "网格数", "grid_heads": "网格长数", "grid_workers": "网格员数",
		"visits_month": "本月走访次数", "visited_enterprises_month": "本月走访企业数", "visit_coverage_month": "本月走访覆盖率", "visits_ytd": "累计走访次数",
		"problems_raised": "收集涉企问题数", "problems_closed": "办结问题数", "problems_closed_rate": "办结率",
		"problems_on_time": "按期办结数", "problems_on_time_rate": "按期办结率", "problems_open": "未办结问题数", "problems_overdue": "超期问题数",
		"stations": "红色驿站数", "station_visitors_month": "本月接待人次", "station_visitors_ytd": "累计接待人次",
		"major_accidents": "重大安全生产事故数", "days_since_major": "连续安全生产天数",
		"safety_inspections": "安全检查次数", "safety_violations": "查处违章数", "safety_incidents": "安全生产事故（事件）数", "open_hazards": "未整改隐患数",
		"output_ytd": "规上工业总产值（累计）", "output_ytd_growth": "规上工业总产值同比增速（累计）",
		"output_month": "规上工业总产值（当月）", "output_month_growth": "规上工业总产值同比增速（当月）",
	},
	sections: map[string]func(*writer){
		Basic: func(w *writer) {
			in := w.in
			s := w.zone() + "现有企业" + w.n("enterprises", in.Enterprises) + "家，其中规上工业企业" + w.n("above_scale", in.AboveScale) + "家"
			if in.Industries > 0 {
				s += "，已形成" + w.n("industries", in.Industries) + "个主导产业集群"
			}
			if in.Couriers > 0 {
				s += "，" + w.n("couriers", in.Couriers) + "家快递物流企业落户" + w.zone()
			}
			w.say(s + "。")
		},
		Party: func(w *writer) {
			in := w.in
			if in.Organizations == 0 {
				w.n("organizations", 0)
				w.say("全区尚未建立党组织。")
			} else {
				s := "全区共有党组织" + w.n("organizations", in.Organizations) + "个"
				var kinds []string
				for _, k := range in.OrgsByKind {
					if k.N > 0 {
						kinds = append(kinds, k.Name+w.useNamed("orgs_kind:"+k.Name, k.Name, k.N)+"个")
					}
				}
				if len(kinds) > 0 {
					s += "（其中" + strings.Join(kinds, "、") + "）"
				}
				s += "，党员" + w.n("members", in.Members) + "名，其中正式党员" + w.n("full_members", in.FullMembers) +
					"名、预备党员" + w.n("probationary", in.Probationary) + "名。"
				w.say(s)
			}
			cov := w.pct("party_coverage", in.CoveredEnterprises, in.Enterprises, reasonNoEnterprises)
			s := "党组织覆盖企业" + w.n("covered_enterprises", in.CoveredEnterprises) + "家，"
			if cov.OK {
				s += "覆盖率" + cov.Text + "。"
			} else {
				s += notComputableZh("覆盖率", cov) + "。"
			}
			w.say(s)
		},
		Visits: func(w *writer) {
			in := w.in
			w.say("全区划分网格" + w.n("grids", in.Grids) + "个，配备网格长" + w.n("grid_heads", in.GridHeads) +
				"名、网格员" + w.n("grid_workers", in.GridWorkers) + "名，实行主要领导、网格长、网格员三级走访。")
			month := officialfmt.MonthOnly(in.Month, w.lang)
			s := month + "，开展三级走访" + w.n("visits_month", in.VisitsMonth) + "次，走访企业" +
				w.n("visited_enterprises_month", in.VisitedEnterprisesMonth) + "家，"
			cov := w.coverage()
			if cov.OK {
				s += "走访覆盖率" + cov.Text
			} else {
				s += notComputableZh("走访覆盖率", cov)
			}
			if in.Month.Month() > 1 {
				s += "；" + officialfmt.MonthRange(in.Month, w.lang) + "累计走访" + w.n("visits_ytd", in.VisitsYTD) + "次"
			}
			w.say(s + "。")
		},
		Problems: func(w *writer) {
			in := w.in
			period := officialfmt.MonthRange(in.Month, w.lang)
			if in.ProblemsRaised == 0 {
				w.n("problems_raised", 0)
				w.say(period + "，未收集到涉企问题。")
			} else {
				s := period + "，通过走访收集涉企问题" + w.n("problems_raised", in.ProblemsRaised) + "个，已办结" +
					w.n("problems_closed", in.ProblemsClosed) + "个，办结率" +
					w.pct("problems_closed_rate", in.ProblemsClosed, in.ProblemsRaised, reasonNoneRaised).Text
				if in.ProblemsClosed > 0 {
					s += "；其中按期办结" + w.n("problems_on_time", in.ProblemsOnTime) + "个，按期办结率" +
						w.pct("problems_on_time_rate", in.ProblemsOnTime, in.ProblemsClosed, reasonNoneClosed).Text
				} else {
					s += "；" + notComputableZh("按期办结率", w.pct("problems_on_time_rate", 0, 0, reasonNoneClosed))
				}
				w.say(s + "。")
			}
			switch {
			case in.ProblemsOpen == 0 && in.ProblemsRaised > 0:
				w.n("problems_open", 0)
				w.say("涉企问题已全部办结。")
			case in.ProblemsOpen > 0 && in.ProblemsOverdue == 0:
				w.say("目前尚有" + w.n("problems_open", in.ProblemsOpen) + "个问题正在办理，均在办理期限内。")
			case in.ProblemsOpen > 0:
				w.say("目前尚有" + w.n("problems_open", in.ProblemsOpen) + "个问题正在办理，其中超期" +
					w.n("problems_overdue", in.ProblemsOverdue) + "个，已督促相关部门加快办理。")
			}
		},
		Stations: func(w *writer) {
			in := w.in
			if in.Stations == 0 {
				w.n("stations", 0)
				w.say("全区尚未建成红色驿站。")
				return
			}
			s := "全区已建成红色驿站" + w.n("stations", in.Stations) + "个，" + officialfmt.MonthOnly(in.Month, w.lang) +
				"接待快递员、环卫工人等群众" + w.n("station_visitors_month", in.StationVisitorsMonth) + "人次"
			if in.Month.Month() > 1 {
				s += "，" + officialfmt.MonthRange(in.Month, w.lang) + "累计接待" + w.n("station_visitors_ytd", in.StationVisitorsYTD) + "人次"
			}
			w.say(s + "。")
		},
		Safety: func(w *writer) {
			in := w.in
			period := officialfmt.MonthRange(in.Month, w.lang)
			if in.MajorAccidents == 0 {
				w.n("major_accidents", 0)
				s := period + "，全区" + w.n("enterprises", in.Enterprises) + "家企业未发生重大安全生产事故"
				if in.DaysSinceMajor != nil {
					s += "，" + w.use("days_since_major", "", officialfmt.SafeDays(*in.DaysSinceMajor)).Text
				}
				w.say(s + "。")
			} else {
				w.say(period + "，全区发生重大安全生产事故" + w.n("major_accidents", in.MajorAccidents) + "起。")
			}
			s := "开展安全检查" + w.n("safety_inspections", in.SafetyInspections) + "次，查处违章行为" +
				w.n("safety_violations", in.SafetyViolations) + "起，发生安全生产事故（事件）" +
				w.n("safety_incidents", in.SafetyIncidents) + "起"
			if in.OpenHazards == 0 {
				w.n("open_hazards", 0)
				s += "，排查出的安全隐患已全部整改到位。"
			} else {
				s += "；现有未整改安全隐患" + w.n("open_hazards", in.OpenHazards) + "处，正在督促整改。"
			}
			w.say(s)
		},
		Economy: func(w *writer) {
			in := w.in
			upTo := officialfmt.UpTo(in.Month, w.lang)
			if in.OutputYTD == 0 && !in.HasPrev {
				w.say(upTo + "，规上工业总产值暂无统计数据。")
			} else {
				s := upTo + "，规上工业企业完成总产值" + w.money("output_ytd", "", in.OutputYTD) + "，"
				w.say(s + growthZh(w.growth("output_ytd_growth", "", in.OutputYTD, in.OutputYTDPrev, in.HasPrev)) + "。")
				if in.Month.Month() > 1 {
					s = officialfmt.MonthOnly(in.Month, w.lang) + "当月完成产值" + w.money("output_month", "", in.OutputMonth) + "，"
					w.say(s + growthZh(w.growth("output_month_growth", "", in.OutputMonth, in.OutputMonthPrev, in.HasPrev)) + "。")
				}
			}
			if len(in.IndustryOutput) > 0 {
				var parts []string
				for _, g := range in.IndustryOutput {
					parts = append(parts, g.Name+"完成产值"+w.money("industry_output:"+g.Name, g.Name+"产值", g.Current)+"，"+
						growthZh(w.growth("industry_growth:"+g.Name, g.Name+"产值同比增速", g.Current, g.Previous, g.HasPrev)))
				}
				w.say("其中，" + strings.Join(parts, "；") + "。")
			}
			for _, o := range in.Orders {
				f := w.growth("orders_growth:"+o.Name, o.Name+"订单同比增速", o.Current, o.Previous, o.HasPrev)
				if f.OK {
					w.say(o.Name + "订单" + f.Text + "。")
				} else {
					w.say(o.Name + "订单" + notComputableZh("同比增速", f) + "。")
				}
			}
		},
	},
}

// growthZh is the growth phrase, or why it cannot be stated.
func growthZh(f officialfmt.Figure) string {
	if f.OK {
		return f.Text
	}
	return notComputableZh("同比增速", f)
}

func growthEn(f officialfmt.Figure) string {
	if f.OK {
		return f.En
	}
	return notComputableEn("year-on-year growth", f)
}

// useNamed states a count under a label given by the caller (kinds of
// organization, whose names are data).
func (w *writer) useNamed(key, label string, n int64) string {
	return w.use(key, label, count(key, n)).In(w.lang)
}

// coverage is the month's visit coverage: not computable when there is no
// plan (nil) or no enterprise due.
func (w *writer) coverage() officialfmt.Figure {
	r := w.in.VisitCoverageMonth
	if r == nil {
		return w.pct("visit_coverage_month", 0, 0, reasonNoPlan)
	}
	return w.pct("visit_coverage_month", r.Num, r.Den, reasonNoPlan)
}
