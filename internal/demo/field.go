package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
	"redgrid/internal/workcal"
)

// The demo's field work: a year of visits up to demoEnd on the three levels
// at the rates the zone keeps (网格员 most enterprises of the grid each
// month, 网格长 most of the area each quarter, the 主要领导 most 规上
// enterprises in the year), and the problems found in them, routed to their
// departments with deadlines on the working-day calendar; about nine in
// ten are closed by demoEnd.

// Visit rates: the share of the enterprises due that a level visits in one
// period (local practice; coverage pages show the rest as overdue).
const (
	workerMonthlyRate = 0.85
	headQuarterlyRate = 0.70
	leaderYearlyRate  = 0.90
	problemPerVisit   = 0.012 // problems found per visit
	farShare          = 0.03  // visits logged away from the plant
)

var problemTexts = map[string][]string{
	"safety":      {"车间消防通道堆放原料", "配电箱未上锁，线路老化", "喷涂车间通风不良", "危化品仓库标识不全"},
	"environment": {"新增生产线需办理环评", "废水排放许可即将到期", "粉尘收集设施需整改"},
	"labour":      {"缺熟练焊工和数控操作工", "外地员工子女入学咨询", "春节后返岗招工难"},
	"tax":         {"研发费用加计扣除办理咨询", "出口退税进度查询", "留抵退税申请材料"},
	"market":      {"商标注册与质量认证咨询", "食品经营许可证延续", "计量器具检定"},
	"land":        {"厂房扩建用地指标", "厂区道路规划调整", "闲置厂房租赁登记"},
}

var resolutions = []string{"已现场指导并整改到位", "已协调相关科室办结", "已电话答复企业并送达材料", "已组织专题对接会解决"}

// loadField generates and bulk-loads the year of field work.
func (l *loader) loadField(ctx context.Context) error {
	cal, err := l.s.Calendar(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	cats, err := l.s.Categories(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	topics, err := l.s.Topics(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	userID := func(name string) (int64, error) {
		u, err := l.s.UserByUsername(ctx, name)
		if err != nil {
			return 0, fmt.Errorf("demo: user %s: %w", name, err)
		}
		return u.ID, nil
	}
	// The visitors: each grid's worker, each area's head, the leader.
	workerOf := map[int64]int64{}
	headOf := map[int64]int64{} // grid → its area's head
	n := 0
	for i, a := range areas {
		hid, err := userID(fmt.Sprintf("head%d", i+1))
		if err != nil {
			return err
		}
		for j := range a.grids {
			n++
			wid, err := userID(fmt.Sprintf("worker%02d", n))
			if err != nil {
				return err
			}
			workerOf[l.grids[i][j].ID], headOf[l.grids[i][j].ID] = wid, hid
		}
	}
	leader, err := userID("leader")
	if err != nil {
		return err
	}
	var ents []model.Enterprise
	for _, e := range l.ents {
		if e.Status == model.StatusOperating {
			ents = append(ents, e)
		}
	}
	// The year: from the first of the month after demoEnd a year earlier
	// (local time), so that every month and quarter in it is whole but the
	// last.
	y, m, _ := demoEnd.AddDate(-1, 1, 0).Date()
	start := time.Date(y, m, 1, 0, 0, 0, 0, rules.Location()).UTC()
	var visits []store.BulkVisit
	visit := func(e model.Enterprise, level string, by int64, from, to time.Time) {
		if !to.After(from) {
			return
		}
		// A working day in [from, to), between 08:30 and 17:00 local time.
		days := max(1, int(to.Sub(from).Hours()/24))
		lf := from.In(rules.Location())
		var day time.Time
		for range 20 {
			day = time.Date(lf.Year(), lf.Month(), lf.Day()+l.src.R.IntN(days), 0, 0, 0, 0, time.UTC)
			if cal.IsWorkday(day) {
				break
			}
		}
		at := time.Date(day.Year(), day.Month(), day.Day(), 8, 30, 0, 0, rules.Location()).
			Add(time.Duration(l.src.R.IntN(510)) * time.Minute).UTC()
		v := store.BulkVisit{EnterpriseID: e.ID, GridID: e.GridID, VisitorID: by, Level: level, VisitedAt: at}
		k := 1 + l.src.R.IntN(3)
		var codes []string
		for _, i := range l.src.R.Perm(len(topics))[:k] {
			codes = append(codes, topics[i].Code)
		}
		slices.Sort(codes)
		v.Topics = join(codes)
		if e.Lat != nil && e.Lng != nil {
			d := 10 + l.src.R.Float64()*120
			if l.src.Chance(farShare) {
				d = 800 + l.src.R.Float64()*2500
			}
			ang := l.src.R.Float64() * 2 * math.Pi
			lat := *e.Lat + d*math.Cos(ang)/111_320
			lng := *e.Lng + d*math.Sin(ang)/(111_320*math.Cos(*e.Lat*math.Pi/180))
			lat, lng = math.Round(lat*1e6)/1e6, math.Round(lng*1e6)/1e6
			acc := float64(8 + l.src.R.IntN(50))
			dist := math.Round(store.DistanceMeters(lat, lng, *e.Lat, *e.Lng))
			v.Lat, v.Lng, v.AccuracyM, v.DistanceM, v.Far = &lat, &lng, &acc, &dist, dist > rules.VisitFarMeters
		}
		visits = append(visits, v)
	}
	// 网格员 monthly, 网格长 quarterly, in calendar periods (the last one
	// runs to demoEnd, with the chance scaled to the part elapsed).
	for _, lv := range []struct {
		level, period string
		rate          float64
		by            map[int64]int64
	}{{model.LevelGridWorker, "month", workerMonthlyRate, workerOf}, {model.LevelGridHead, "quarter", headQuarterlyRate, headOf}} {
		for t := start; t.Before(demoEnd); {
			ps, pe, _ := store.PeriodOf(lv.period, t)
			from, to := maxTime(ps, start), minTime(pe, demoEnd)
			chance := lv.rate * float64(to.Sub(from)) / float64(pe.Sub(ps))
			for _, e := range ents {
				if l.src.Chance(chance) {
					visit(e, lv.level, lv.by[e.GridID], from, to)
				}
			}
			t = pe
		}
	}
	// 主要领导: the 规上 enterprises, once in the year.
	for _, e := range ents {
		if e.AboveScale && l.src.Chance(leaderYearlyRate) {
			visit(e, model.LevelLeader, leader, start, demoEnd)
		}
	}
	sort.SliceStable(visits, func(i, j int) bool { return visits[i].VisitedAt.Before(visits[j].VisitedAt) })

	// Problems found in visits, plus a few by phone and self-report.
	var problems []store.BulkProblem
	for _, v := range visits {
		if !l.src.Chance(problemPerVisit) {
			continue
		}
		problems = append(problems, l.problem(cal, cats, v.EnterpriseID, v.GridID, v.VisitorID, v.VisitedAt, "visit"))
	}
	for range len(problems) / 8 {
		e := ents[l.src.R.IntN(len(ents))]
		at := start.Add(time.Duration(l.src.R.Int64N(int64(demoEnd.Sub(start)))))
		src := "phone"
		if l.src.Chance(0.4) {
			src = "self_report"
		}
		problems = append(problems, l.problem(cal, cats, e.ID, e.GridID, workerOf[e.GridID], at, src))
	}
	if err := l.s.BulkLoadField(ctx, len(visits), func(i int) store.BulkVisit { return visits[i] },
		len(problems), func(i int) store.BulkProblem { return problems[i] }, nil); err != nil {
		return fmt.Errorf("demo: field work: %w", err)
	}
	return nil
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

// problem makes one problem registered at `at`, in the state a problem of
// that age would be in by demoEnd.
func (l *loader) problem(cal *workcal.Calendar, cats []model.Category, ent, grid, by int64, at time.Time, source string) store.BulkProblem {
	c := cats[l.src.R.IntN(len(cats))]
	texts := problemTexts[c.Code]
	p := store.BulkProblem{EnterpriseID: ent, GridID: grid, CategoryID: c.ID, DepartmentID: c.DepartmentID, CreatedBy: by,
		Description: texts[l.src.R.IntN(len(texts))], Urgency: "normal", Source: source, CreatedAt: at,
		FromVisit: source == "visit"}
	if l.src.Chance(0.15) {
		p.Urgency = "urgent"
	}
	created := workcal.Civil(at.In(rules.Location()))
	p.DueOn = cal.AddWorkdays(created, c.DeadlineDays)
	// Handling time in working days: mostly within the deadline.
	days := 1 + l.src.R.IntN(c.DeadlineDays)
	if l.src.Chance(0.18) {
		days = c.DeadlineDays + 1 + l.src.R.IntN(6)
	}
	resolvedDay := cal.AddWorkdays(created, days)
	end := workcal.Civil(demoEnd)
	r := l.src.R.Float64()
	switch {
	case resolvedDay.AddDate(0, 0, 2).After(end): // too recent to be done
		p.State = []string{model.PRegistered, model.PAccepted, model.PAssigned, model.PInProgress}[l.src.R.IntN(4)]
		return p
	case r < 0.03:
		p.State = model.PUnresolvable
		p.Reason = "涉及上级审批权限，已向企业说明"
	case r < 0.08:
		p.State = model.PResolved // waiting for the satisfaction visit
	default:
		p.State = model.PClosed
	}
	ra := time.Date(resolvedDay.Year(), resolvedDay.Month(), resolvedDay.Day(), 15, 0, 0, 0, rules.Location()).UTC()
	p.ResolvedAt = &ra
	if p.State != model.PUnresolvable {
		p.Resolution = resolutions[l.src.R.IntN(len(resolutions))]
		h := cal.WorkdaysBetween(created, resolvedDay)
		ok := !resolvedDay.After(p.DueOn)
		p.HandlingDays, p.OnTime = &h, &ok
	} else {
		p.ResolvedAt = nil
	}
	if p.State == model.PClosed {
		p.Satisfaction = "satisfied"
		if l.src.Chance(0.2) {
			p.Satisfaction = "basic"
		}
	}
	return p
}

// fieldResult counts the stored visits and problems.
func (l *loader) fieldResult(ctx context.Context, r *Result) error {
	r.Visits = map[string]int{}
	rows, err := l.s.R.QueryContext(ctx, "SELECT level, COUNT(*) FROM visits GROUP BY level")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var lv string
		var n int
		if err := rows.Scan(&lv, &n); err != nil {
			return err
		}
		r.Visits[lv] = n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return l.s.R.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN is_open THEN 1 ELSE 0 END) FROM problems`).Scan(&r.Problems, &r.ProblemsClosed, &r.ProblemsOpen)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
