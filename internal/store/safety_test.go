package store_test

import (
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustSafety(t *testing.T, z *fwZone, actor *model.Actor, in model.SafetyInput) model.SafetyRecord {
	t.Helper()
	r, err := z.s.CreateSafety(bg, actor, in)
	if err != nil {
		t.Fatalf("create safety %+v: %v", in, err)
	}
	return r
}

func TestSafetyCreateValidation(t *testing.T) {
	z := fwSetup(t) // clock: 2021-08-25 10:00 Shanghai
	ok := model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyIncident, OccurredOn: "2021-08-01", Description: "叉车碰撞致一人轻伤"}
	cases := []struct {
		name  string
		edit  func(in *model.SafetyInput)
		field string
		key   string
	}{
		{"future date", func(in *model.SafetyInput) { in.OccurredOn = "2021-08-26" }, "occurred_on", "field.date_future"},
		{"bad date", func(in *model.SafetyInput) { in.OccurredOn = "2021-13-01" }, "occurred_on", "field.date_format"},
		{"no date", func(in *model.SafetyInput) { in.OccurredOn = "" }, "occurred_on", "field.required"},
		{"missing description", func(in *model.SafetyInput) { in.Description = "  " }, "description", "field.required"},
		{"long description", func(in *model.SafetyInput) { in.Description = string(make([]rune, rules.SafetyDescriptionMax+1)) }, "description", "field.too_long"},
		{"unknown kind", func(in *model.SafetyInput) { in.Kind = "fire" }, "kind", "field.choose"},
		{"unknown enterprise", func(in *model.SafetyInput) { in.EnterpriseID = 99999 }, "enterprise_id", "field.unknown"},
		{"severity below derived", func(in *model.SafetyInput) { in.Deaths = 3; in.Severity = rules.SeverityGeneral }, "severity", "safety.severity_below"},
		{"unknown severity", func(in *model.SafetyInput) { in.Severity = "huge" }, "severity", "field.choose"},
		{"negative deaths", func(in *model.SafetyInput) { in.Deaths = -1 }, "deaths", "field.range"},
		{"bad loss", func(in *model.SafetyInput) { in.LossWan = "1.23456" }, "loss_wan", "safety.loss_format"},
		{"violation without level", func(in *model.SafetyInput) { in.Kind = model.SafetyViolation }, "hazard_level", "field.required"},
		{"problem of another enterprise", func(in *model.SafetyInput) { in.ProblemID = -1 }, "problem_id", "safety.problem_other_enterprise"},
		{"unknown problem", func(in *model.SafetyInput) { in.ProblemID = 424242 }, "problem_id", "field.unknown"},
	}
	otherP, err := z.s.CreateProblem(bg, z.admin, model.ProblemInput{EnterpriseID: z.entB.ID, CategoryID: z.cats["safety"].ID,
		Description: "乙的问题", Source: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	before := auditCount(t, z.s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			if in.ProblemID == -1 {
				in.ProblemID = otherP.ID
			}
			_, err := z.s.CreateSafety(bg, z.admin, in)
			wantField(t, err, model.EINVALID, c.field, c.key)
		})
	}
	if n := auditCount(t, z.s); n != before {
		t.Fatalf("failed creates wrote %d audit entries", n-before)
	}
	// A higher severity than derived is kept; the derived one otherwise.
	r := mustSafety(t, z, z.admin, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyIncident, OccurredOn: "2021-08-25",
		Description: "仓库火灾", Deaths: 0, SeriousInjuries: 10, LossWan: "12.5"})
	if r.Severity != rules.SeverityLarger || r.LossYuan != 125000 || r.GridID != z.f.GridA1.ID {
		t.Fatalf("derived: %+v", r)
	}
	r = mustSafety(t, z, z.admin, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyIncident, OccurredOn: "2021-08-25",
		Description: "爆炸", Severity: rules.SeverityMajor})
	if r.Severity != rules.SeverityMajor {
		t.Fatalf("picked higher: %s", r.Severity)
	}
	if e := lastAudit(t, z.s); e.Action != "safety.create" || e.EntityID != r.ID {
		t.Fatalf("audit: %+v", e)
	}
}

func TestSafetyScopeAndVersions(t *testing.T) {
	z := fwSetup(t)
	workerB := storeActor(t, z, "workerb", model.RoleGridWorker, z.f.GridB1.ID)
	rec := mustSafety(t, z, z.worker, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyInspection, OccurredOn: "2021-08-20",
		Description: "季度检查"})
	if rec.CreatedBy != z.worker.UserID || rec.Version != 1 {
		t.Fatalf("created: %+v", rec)
	}
	// A worker of another grid neither sees nor edits it, nor records on A's enterprise.
	if _, err := z.s.SafetyRecord(bg, workerB, rec.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("other grid reads: %v", err)
	}
	in := model.SafetyInput{OccurredOn: "2021-08-21", Description: "季度检查（复查）", Version: rec.Version}
	if _, err := z.s.UpdateSafety(bg, workerB, rec.ID, in); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("other grid edits: %v", err)
	}
	if err := z.s.DeleteSafety(bg, workerB, rec.ID, rec.Version, ""); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("other grid deletes: %v", err)
	}
	_, err := z.s.CreateSafety(bg, workerB, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyInspection,
		OccurredOn: "2021-08-20", Description: "x"})
	wantField(t, err, model.EINVALID, "enterprise_id", "field.unknown")
	if items, _, _, err := z.s.ListSafety(bg, workerB, store.SafetyListFilter{}); err != nil || len(items) != 0 {
		t.Fatalf("other grid lists %d, %v", len(items), err)
	}
	// 安监 reads and writes everywhere; 环保 reads but may not write.
	if _, err := z.s.SafetyRecord(bg, z.env, rec.ID); err != nil {
		t.Fatalf("department reads: %v", err)
	}
	if _, err := z.s.UpdateSafety(bg, z.env, rec.ID, in); model.ErrorCode(err) != model.EFORBIDDEN {
		t.Fatalf("环保 edits: %v", err)
	}
	if !z.s.SafetyCanWrite(bg, z.safety, z.f.GridB1.ID) || z.s.SafetyCanWrite(bg, z.env, 0) || z.s.SafetyCanWrite(bg, z.worker, z.f.GridB1.ID) {
		t.Fatal("SafetyCanWrite")
	}
	up, err := z.s.UpdateSafety(bg, z.safety, rec.ID, in)
	if err != nil || up.Version != 2 || up.Description != "季度检查（复查）" || up.OccurredOn.Format("2006-01-02") != "2021-08-21" {
		t.Fatalf("update: %+v %v", up, err)
	}
	// The same version again is stale; so is a stale delete.
	if _, err := z.s.UpdateSafety(bg, z.worker, rec.ID, in); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	if err := z.s.DeleteSafety(bg, z.worker, rec.ID, 1, ""); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("stale delete: %v", err)
	}
	in.Kind = model.SafetyIncident
	in.Version = up.Version
	_, err = z.s.UpdateSafety(bg, z.worker, rec.ID, in)
	wantField(t, err, model.EINVALID, "kind", "safety.kind_fixed")
	if err := z.s.DeleteSafety(bg, z.worker, rec.ID, up.Version, "录入错误"); err != nil {
		t.Fatal(err)
	}
	if e := lastAudit(t, z.s); e.Action != "safety.delete" || e.Reason != "录入错误" {
		t.Fatalf("delete audit: %+v", e)
	}
	if _, err := z.s.SafetyRecord(bg, z.admin, rec.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("deleted record: %v", err)
	}
}

func storeActor(t *testing.T, z *fwZone, name string, role model.Role, grids ...int64) *model.Actor {
	t.Helper()
	u, err := z.s.CreateUser(bg, model.System, store.UserInput{Username: name, DisplayName: name, Role: role, GridIDs: grids,
		Password: "Test-Pass-2026"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := z.s.ResolveScope(bg, u)
	if err != nil {
		t.Fatal(err)
	}
	return &model.Actor{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Role: u.Role, Scope: sc}
}

func TestSafetyRectifyAndProblems(t *testing.T) {
	z := fwSetup(t)
	v := mustSafety(t, z, z.worker, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyViolation, OccurredOn: "2021-08-10",
		Description: "消防通道堆放原料", HazardLevel: rules.HazardMajor, RaiseProblem: true})
	if !v.Open || v.ProblemID == 0 {
		t.Fatalf("violation: %+v", v)
	}
	p, err := z.s.Problem(bg, z.worker, v.ProblemID)
	if err != nil || p.EnterpriseID != z.entA.ID || p.CategoryID != z.cats["safety"].ID || p.Description != v.Description {
		t.Fatalf("raised problem: %+v %v", p, err)
	}
	sum, err := z.s.SafetySummary(bg, z.worker, store.SafetyFilter{})
	if err != nil || sum.OpenHazards != 1 || sum.OpenMajorHazards != 1 {
		t.Fatalf("open before rectify: %+v %v", sum, err)
	}
	// A failing raise leaves nothing: an unknown category is the problem's field error.
	before := auditCount(t, z.s)
	_, err = z.s.CreateSafety(bg, z.worker, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyViolation,
		OccurredOn: "2021-08-10", Description: "配电箱未上锁", HazardLevel: rules.HazardOrdinary, RaiseProblem: true, ProblemCategoryID: 9999})
	wantField(t, err, model.EINVALID, "problem.category_id", "field.unknown")
	if items, _, _, _ := z.s.ListSafety(bg, z.admin, store.SafetyListFilter{}); len(items) != 1 {
		t.Fatalf("a failed raise left %d records", len(items))
	}
	if ps, _, _, _ := z.s.ListProblems(bg, z.admin, model.ProblemFilter{}); len(ps) != 1 {
		t.Fatalf("a failed raise left %d problems", len(ps))
	}
	if n := auditCount(t, z.s); n != before {
		t.Fatalf("a failed raise audited %d", n-before)
	}
	// Raising again on a linked record is a conflict; on an unlinked one it links.
	if _, err := z.s.RaiseSafetyProblem(bg, z.worker, v.ID, 0, v.Version); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("raise twice: %v", err)
	}
	insp := mustSafety(t, z, z.worker, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyInspection, OccurredOn: "2021-08-11",
		Description: "检查发现标识不全"})
	insp, err = z.s.RaiseSafetyProblem(bg, z.worker, insp.ID, 0, insp.Version)
	if err != nil || insp.ProblemID == 0 || insp.Version != 2 {
		t.Fatalf("raise: %+v %v", insp, err)
	}
	// Link an existing problem of the same enterprise.
	linked := mustSafety(t, z, z.worker, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: model.SafetyInspection, OccurredOn: "2021-08-12",
		Description: "复查", ProblemID: p.ID})
	if linked.ProblemID != p.ID {
		t.Fatalf("link: %d", linked.ProblemID)
	}

	// Rectify: not before it was found, a note required, version-checked.
	_, err = z.s.RectifySafety(bg, z.worker, v.ID, model.SafetyRectify{RectifiedOn: "2021-08-09", Note: "已清理", Version: v.Version})
	wantField(t, err, model.EINVALID, "rectified_on", "field.before_start")
	_, err = z.s.RectifySafety(bg, z.worker, v.ID, model.SafetyRectify{RectifiedOn: "2021-08-26", Note: "已清理", Version: v.Version})
	wantField(t, err, model.EINVALID, "rectified_on", "field.date_future")
	_, err = z.s.RectifySafety(bg, z.worker, v.ID, model.SafetyRectify{RectifiedOn: "2021-08-12", Version: v.Version})
	wantField(t, err, model.EINVALID, "note", "field.required")
	if _, err := z.s.RectifySafety(bg, z.worker, v.ID, model.SafetyRectify{RectifiedOn: "2021-08-12", Note: "已清理", Version: v.Version + 1}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("stale rectify: %v", err)
	}
	r, err := z.s.RectifySafety(bg, z.worker, v.ID, model.SafetyRectify{RectifiedOn: "2021-08-12", Note: "已清理", Version: v.Version})
	if err != nil || r.Open || r.RectifiedOn == nil || r.RectifiedOn.Format("2006-01-02") != "2021-08-12" {
		t.Fatalf("rectified: %+v %v", r, err)
	}
	if _, err := z.s.RectifySafety(bg, z.worker, v.ID, model.SafetyRectify{RectifiedOn: "2021-08-12", Note: "x", Version: r.Version}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("rectify twice: %v", err)
	}
	// An edit may not move the date after the rectification.
	_, err = z.s.UpdateSafety(bg, z.worker, v.ID, model.SafetyInput{OccurredOn: "2021-08-13", Description: r.Description,
		HazardLevel: r.HazardLevel, Version: r.Version})
	wantField(t, err, model.EINVALID, "occurred_on", "safety.after_rectified")
	sum, err = z.s.SafetySummary(bg, z.worker, store.SafetyFilter{})
	if err != nil || sum.OpenHazards != 0 || sum.OpenMajorHazards != 0 {
		t.Fatalf("open after rectify: %+v %v", sum, err)
	}
	// As of a day before the rectification it was still open.
	sum, err = z.s.SafetySummary(bg, z.worker, store.SafetyFilter{To: day("2021-08-11")})
	if err != nil || sum.OpenHazards != 1 {
		t.Fatalf("open as of 08-11: %+v %v", sum, err)
	}
	open, _, _, err := z.s.ListSafety(bg, z.worker, store.SafetyListFilter{OpenOnly: true})
	if err != nil || len(open) != 0 {
		t.Fatalf("open list: %d %v", len(open), err)
	}
}

func TestSafetySummary(t *testing.T) {
	z := fwSetup(t)
	// Nothing yet: no dates, no days since.
	sum, err := z.s.SafetySummary(bg, z.admin, store.SafetyFilter{})
	if err != nil || sum.RecordsSince != nil || sum.LastMajorOn != nil || sum.DaysSinceMajor != nil || sum.Incidents != 0 {
		t.Fatalf("empty: %+v %v", sum, err)
	}
	add := func(ent model.Enterprise, kind, on string, deaths int, level string) {
		mustSafety(t, z, z.admin, model.SafetyInput{EnterpriseID: ent.ID, Kind: kind, OccurredOn: on, Description: kind + on,
			Deaths: deaths, HazardLevel: level})
	}
	add(z.entA, model.SafetyInspection, "2020-09-01", 0, "")
	add(z.entA, model.SafetyInspection, "2021-03-01", 0, "")
	add(z.entB, model.SafetyInspection, "2021-03-02", 0, "")
	add(z.entA, model.SafetyViolation, "2021-03-05", 0, rules.HazardOrdinary)
	add(z.entB, model.SafetyViolation, "2021-04-05", 0, rules.HazardMajor)
	add(z.entA, model.SafetyIncident, "2021-02-01", 1, "")  // 一般
	add(z.entB, model.SafetyIncident, "2020-10-10", 12, "") // 重大, before the period
	add(z.entB, model.SafetyIncident, "2021-05-01", 4, "")  // 较大

	f := store.SafetyFilter{From: day("2021-01-01"), To: day("2021-06-30")}
	sum, err = z.s.SafetySummary(bg, z.admin, f)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Inspections != 2 || sum.Violations != 2 || sum.Incidents != 2 || sum.MajorAccidents != 0 || sum.Deaths != 5 {
		t.Fatalf("period counts: %+v", sum)
	}
	if sum.IncidentsBySeverity[rules.SeverityGeneral] != 1 || sum.IncidentsBySeverity[rules.SeverityLarger] != 1 {
		t.Fatalf("by severity: %v", sum.IncidentsBySeverity)
	}
	if sum.OpenHazards != 2 || sum.OpenMajorHazards != 1 {
		t.Fatalf("open: %+v", sum)
	}
	if sum.LastMajorOn == nil || sum.LastMajorOn.Format("2006-01-02") != "2020-10-10" || sum.DaysSinceMajor == nil || *sum.DaysSinceMajor != 263 {
		t.Fatalf("last major: %v %v", sum.LastMajorOn, sum.DaysSinceMajor)
	}
	if sum.RecordsSince == nil || sum.RecordsSince.Format("2006-01-02") != "2020-09-01" {
		t.Fatalf("records since: %v", sum.RecordsSince)
	}
	// No To: days counted to today by the store clock (2021-08-25).
	sum, err = z.s.SafetySummary(bg, z.admin, store.SafetyFilter{})
	if err != nil || sum.DaysSinceMajor == nil || *sum.DaysSinceMajor != 319 || sum.MajorAccidents != 1 || sum.Incidents != 3 {
		t.Fatalf("unbounded: %+v %v", sum, err)
	}
	z.clock.Add(24 * time.Hour)
	if sum, _ = z.s.SafetySummary(bg, z.admin, store.SafetyFilter{}); *sum.DaysSinceMajor != 320 {
		t.Fatalf("a day later: %d", *sum.DaysSinceMajor)
	}
	// The worker of A1 sees A's figures only: no major accident there.
	sum, err = z.s.SafetySummary(bg, z.worker, store.SafetyFilter{})
	if err != nil || sum.Incidents != 1 || sum.LastMajorOn != nil || sum.DaysSinceMajor != nil || sum.OpenHazards != 1 {
		t.Fatalf("worker: %+v %v", sum, err)
	}
	// A grid filter (with its subtree) inside the scope; outside it nothing.
	sum, _ = z.s.SafetySummary(bg, z.admin, store.SafetyFilter{GridIDs: []int64{z.f.AreaB.ID}})
	if sum.Incidents != 2 || sum.MajorAccidents != 1 {
		t.Fatalf("area B: %+v", sum)
	}
	sum, _ = z.s.SafetySummary(bg, z.worker, store.SafetyFilter{GridIDs: []int64{z.f.GridB1.ID}})
	if sum.Incidents != 0 || sum.RecordsSince != nil {
		t.Fatalf("worker filtering B: %+v", sum)
	}
	// Before the major accident there was none.
	sum, _ = z.s.SafetySummary(bg, z.admin, store.SafetyFilter{To: day("2020-10-09")})
	if sum.LastMajorOn != nil || sum.DaysSinceMajor != nil {
		t.Fatalf("before the accident: %+v", sum)
	}

	byGrid, err := z.s.SafetyByGrid(bg, z.admin, f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]store.GridSafety{}
	for _, g := range byGrid {
		got[g.GridID] = g
	}
	a1, b1 := got[z.f.GridA1.ID], got[z.f.GridB1.ID]
	if a1.Incidents != 1 || a1.Major != 0 || a1.OpenHazards != 1 || a1.DaysSinceMajor != nil || a1.GridName != z.f.GridA1.Name {
		t.Fatalf("A1: %+v", a1)
	}
	if b1.Incidents != 1 || b1.OpenHazards != 1 || b1.DaysSinceMajor == nil || *b1.DaysSinceMajor != 263 {
		t.Fatalf("B1: %+v", b1)
	}
	if _, ok := got[z.f.GridA2.ID]; !ok {
		t.Fatal("a grid without records is listed too")
	}
	byGrid, _ = z.s.SafetyByGrid(bg, z.worker, store.SafetyFilter{})
	if len(byGrid) != 1 || byGrid[0].GridID != z.f.GridA1.ID {
		t.Fatalf("worker by grid: %+v", byGrid)
	}
}

func TestSafetyList(t *testing.T) {
	z := fwSetup(t)
	for i, on := range []string{"2021-01-05", "2021-03-01", "2021-02-10", "2021-03-01", "2021-07-30"} {
		kind := model.SafetyInspection
		if i%2 == 1 {
			kind = model.SafetyViolation
		}
		mustSafety(t, z, z.admin, model.SafetyInput{EnterpriseID: z.entA.ID, Kind: kind, OccurredOn: on, Description: "记录" + on,
			HazardLevel: rules.HazardOrdinary})
	}
	mustSafety(t, z, z.admin, model.SafetyInput{EnterpriseID: z.entB.ID, Kind: model.SafetyInspection, OccurredOn: "2021-04-01",
		Description: "乙 消防检查"})
	var all []string
	f := store.SafetyListFilter{Limit: 2}
	for {
		items, next, _, err := z.s.ListSafety(bg, z.admin, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range items {
			all = append(all, r.OccurredOn.Format("0102"))
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if got := joinStr(all); got != "0730 0401 0301 0301 0210 0105" {
		t.Fatalf("newest first over pages: %s", got)
	}
	count := func(f store.SafetyListFilter) int {
		items, _, _, err := z.s.ListSafety(bg, z.admin, f)
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	if n := count(store.SafetyListFilter{Kind: model.SafetyViolation}); n != 2 {
		t.Fatalf("violations: %d", n)
	}
	if n := count(store.SafetyListFilter{OpenOnly: true}); n != 2 {
		t.Fatalf("open: %d", n)
	}
	if n := count(store.SafetyListFilter{From: day("2021-02-10"), To: day("2021-03-01")}); n != 3 {
		t.Fatalf("period: %d", n)
	}
	if n := count(store.SafetyListFilter{GridID: z.f.AreaB.ID}); n != 1 {
		t.Fatalf("area B: %d", n)
	}
	if n := count(store.SafetyListFilter{EnterpriseID: z.entA.ID}); n != 5 {
		t.Fatalf("enterprise A: %d", n)
	}
	if n := count(store.SafetyListFilter{Keyword: "消防"}); n != 1 {
		t.Fatalf("keyword: %d", n)
	}
	if n := count(store.SafetyListFilter{Keyword: "100%"}); n != 0 {
		t.Fatalf("keyword with a wildcard: %d", n)
	}
	items, _, _, _ := z.s.ListSafety(bg, z.admin, store.SafetyListFilter{Asc: true, Limit: 1})
	if items[0].OccurredOn.Format("0102") != "0105" {
		t.Fatalf("oldest first: %v", items[0].OccurredOn)
	}
}

func joinStr(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
