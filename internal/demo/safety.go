package demo

import (
	"context"
	"fmt"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// The demo's 安全生产 register: a year of records from safetyFrom to
// safetyTo — routine inspections, violations with their hazards (most
// rectified within a month, a dozen still open) and a handful of 一般
// incidents. No major accident: the article's "1700余家企业未发生重大安全生产
// 事故". Dates after the store's today (a test clock) are moved to today.

var (
	safetyFrom = time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC)
	safetyTo   = time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC)
)

const (
	safetyInspections = 320 // routine and special inspections in the year
	safetyViolations  = 60  // of which every fifth is still open
	safetyIncidents   = 5   // all 一般
)

var (
	demoInspections = []string{"季度安全生产例行检查", "消防设施专项检查", "危化品储存专项检查", "有限空间作业专项检查",
		"粉尘涉爆企业专项检查", "用电安全检查", "节前安全生产大检查", "特种设备使用检查"}
	demoInspectionFollowUp = []string{"未发现问题", "已督促完善安全台账", "已开展员工安全培训", "已提醒更换过期灭火器"}
	demoHazards            = []string{"车间消防通道堆放原料", "配电箱未上锁，线路老化", "喷涂车间通风不良", "危化品仓库标识不全",
		"冲床安全防护装置缺失", "应急照明损坏", "特种作业人员无证上岗", "灭火器过期未更换"}
	demoRectifications = []string{"已清理通道并设置标线", "已更换线路并上锁", "已加装排风设备", "已补齐标识",
		"已加装光电保护装置", "已修复应急照明", "已安排持证人员上岗", "已全部更换"}
	demoIncidents = []string{"冲床作业时手部受伤", "叉车倒车碰伤员工", "仓库电气短路起火，及时扑灭", "高处作业跌落受伤",
		"打磨粉尘引发小范围燃烧"}
)

func (l *loader) loadSafety(ctx context.Context) error {
	y, m, d := l.s.Now().In(rules.Location()).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	days := int(safetyTo.Sub(safetyFrom).Hours()/24) + 1
	date := func() time.Time {
		d := safetyFrom.AddDate(0, 0, l.src.R.IntN(days))
		if d.After(today) {
			d = today
		}
		return d
	}
	ent := func() model.Enterprise { return l.ents[l.src.R.IntN(len(l.ents))] }
	create := func(in model.SafetyInput) (model.SafetyRecord, error) {
		r, err := l.s.CreateSafety(ctx, model.System, in)
		if err != nil {
			return r, fmt.Errorf("demo: safety %s: %w", in.Kind, err)
		}
		return r, nil
	}
	for range safetyInspections {
		if _, err := create(model.SafetyInput{EnterpriseID: ent().ID, Kind: model.SafetyInspection,
			OccurredOn: date().Format(time.DateOnly), Description: demoInspections[l.src.R.IntN(len(demoInspections))],
			FollowUp: demoInspectionFollowUp[l.src.R.IntN(len(demoInspectionFollowUp))]}); err != nil {
			return err
		}
	}
	for i := range safetyViolations {
		h := l.src.R.IntN(len(demoHazards))
		level := rules.HazardOrdinary
		if l.src.Chance(0.1) {
			level = rules.HazardMajor
		}
		on := date()
		r, err := create(model.SafetyInput{EnterpriseID: ent().ID, Kind: model.SafetyViolation, OccurredOn: on.Format(time.DateOnly),
			Description: demoHazards[h], FollowUp: "已下达整改通知，限期整改", HazardLevel: level})
		if err != nil {
			return err
		}
		if i%5 == 0 {
			continue // still open
		}
		done := on.AddDate(0, 0, l.src.Between(2, 30))
		if done.After(safetyTo) {
			done = safetyTo
		}
		if done.After(today) {
			done = today
		}
		if _, err := l.s.RectifySafety(ctx, model.System, r.ID, model.SafetyRectify{RectifiedOn: done.Format(time.DateOnly),
			Note: demoRectifications[h], Version: r.Version}); err != nil {
			return fmt.Errorf("demo: rectify: %w", err)
		}
	}
	for i := range safetyIncidents {
		loss := fmt.Sprintf("%d.%d", l.src.Between(0, 30), l.src.R.IntN(10))
		if _, err := create(model.SafetyInput{EnterpriseID: ent().ID, Kind: model.SafetyIncident, OccurredOn: date().Format(time.DateOnly),
			Description: demoIncidents[i], FollowUp: "已上报并开展事故调查，落实整改措施", SeriousInjuries: l.src.Between(0, 2),
			LossWan: loss}); err != nil {
			return err
		}
	}
	return nil
}

// safetyResult counts the register through the store's summary.
func (l *loader) safetyResult(ctx context.Context, r *Result) error {
	sum, err := l.s.SafetySummary(ctx, model.System, store.SafetyFilter{})
	if err != nil {
		return err
	}
	r.SafetyInspections, r.SafetyViolations, r.SafetyIncidents = sum.Inspections, sum.Violations, sum.Incidents
	r.OpenHazards, r.MajorAccidents = sum.OpenHazards, sum.MajorAccidents
	return nil
}
