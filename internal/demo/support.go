package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// The demo's 助企八条 and 三师助企: eight policies whose rules pick their
// enterprises from the register, deliveries at part of the matched
// enterprises (amounts computed from the enterprise's staff at the
// policy's rate, capped), and a small expert register with services
// spread over the demo year.

// demoPolicy is a policy with how its support is computed: yuan per
// employee up to a cap, or a flat sum when perHead is 0.
type demoPolicy struct {
	code, title, summary string
	rule                 map[string]any
	perHead, capYuan     int64
}

var demoPolicies = []demoPolicy{
	{"ZQ-1", "稳岗返还", "按上年度参保职工人数返还失业保险费", map[string]any{"employees_min": 10}, 300, 300_000},
	{"ZQ-2", "规上工业企业技术改造奖励", "规上制造企业技改投入按比例奖励",
		map[string]any{"above_scale": true, "industry_in": []string{"agri_machinery", "doors", "power_tools", "stainless", "hardware", "auto_parts", "appliances"}},
		500, 500_000},
	{"ZQ-3", "小微企业厂房租金减免", "国有厂房承租的小微企业减免三个月租金",
		map[string]any{"above_scale": false, "employees_max": 100}, 200, 50_000},
	{"ZQ-4", "党建示范企业奖补", "已建党组织的企业按党建工作成效给予奖补", map[string]any{"has_party_org": true}, 0, 20_000},
	{"ZQ-5", "快递物流业纾困补助", "快递物流企业按从业人员给予一次性补助", map[string]any{"industry_in": []string{"courier"}}, 400, 100_000},
	{"ZQ-6", "老字号企业转型升级补助", "2010年前成立的规上企业数字化改造补助",
		map[string]any{"above_scale": true, "founded_before": "2010-01-01"}, 300, 400_000},
	{"ZQ-7", "小微企业社保补贴", "30人以下规下企业新招用人员社保补贴",
		map[string]any{"above_scale": false, "employees_max": 30}, 600, 30_000},
	{"ZQ-8", "重点企业用工服务补助", "东部片区200人以上企业用工招聘补助",
		map[string]any{"grid_in": []string{"CX-A1"}, "employees_min": 200}, 100, 100_000},
}

// Expert services: kind code, name, firm, specialty, and the topics.
var demoExperts = []struct{ kind, name, employer, specialty string }{
	{"lawyer", "陈律师", "浙江丽泽律师事务所", "劳动用工与合同"},
	{"lawyer", "周律师", "永康金城律师事务所", "知识产权"},
	{"accountant", "吴会计师", "永康正信会计师事务所", "税务筹划"},
	{"accountant", "郑会计师", "金华华诚会计师事务所", "财务规范与融资"},
	{"engineer", "王工程师", "永康市五金技术研究院", "数控与自动化改造"},
	{"engineer", "冯工程师", "浙江五金检测中心", "安全生产与质量"},
}

var demoServiceTopics = map[string][]string{
	"lawyer":     {"劳动合同审查", "商标侵权应对", "债权催收咨询", "股权结构梳理"},
	"accountant": {"研发费用加计扣除辅导", "财务制度规范", "融资材料准备", "出口退税辅导"},
	"engineer":   {"生产线自动化诊断", "安全生产隐患排查", "质量体系认证辅导", "节能改造方案"},
}

var demoOutcomes = []string{"已出具书面意见", "企业已采纳建议", "已协助完成申报", "问题已解决"}

const (
	deliveriesPerPolicy = 30 // matched enterprises reached per policy (about)
	servicesInYear      = 72 // expert services in the demo year
)

func (l *loader) loadSupport(ctx context.Context) error {
	for i, dp := range demoPolicies {
		rule, _ := json.Marshal(dp.rule)
		p, err := l.s.SavePolicy(ctx, model.System, 0, model.PolicyInput{Code: dp.code, Title: dp.title, Summary: dp.summary,
			Source: "城西新区助企八条", Rule: rule, Position: (i + 1) * 10, Active: true})
		if err != nil {
			return fmt.Errorf("demo: policy %s: %w", dp.code, err)
		}
		ms, _, err := l.s.PolicyMatches(ctx, model.System, p.ID, 0, 200)
		if err != nil {
			return fmt.Errorf("demo: policy %s matches: %w", dp.code, err)
		}
		for _, m := range ms {
			if !l.src.Chance(float64(deliveriesPerPolicy) / float64(len(ms))) {
				continue
			}
			if err := l.deliver(ctx, p.ID, m, dp); err != nil {
				return fmt.Errorf("demo: policy %s delivery: %w", dp.code, err)
			}
		}
	}
	kinds, err := l.s.ExpertKinds(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	kindID := map[string]int64{}
	for _, k := range kinds {
		kindID[k.Code] = k.ID
	}
	var experts []model.Expert
	for _, x := range demoExperts {
		e, err := l.s.SaveExpert(ctx, model.System, 0, model.Expert{Name: x.name, KindID: kindID[x.kind], Employer: x.employer,
			Specialty: x.specialty, Active: true})
		if err != nil {
			return fmt.Errorf("demo: expert %s: %w", x.name, err)
		}
		experts = append(experts, e)
	}
	start := demoEnd.AddDate(-1, 0, 0)
	days := int(demoEnd.Sub(start).Hours() / 24)
	for range servicesInYear {
		i := l.src.R.IntN(len(experts))
		x, kind := experts[i], demoExperts[i].kind
		ent := l.ents[l.src.R.IntN(len(l.ents))]
		topics := demoServiceTopics[kind]
		on := start.AddDate(0, 0, l.src.R.IntN(days)).Format(time.DateOnly)
		if _, err := l.s.CreateExpertService(ctx, model.System, model.ExpertServiceInput{ExpertID: x.ID, EnterpriseID: ent.ID,
			ServedOn: on, Topic: topics[l.src.R.IntN(len(topics))], Outcome: demoOutcomes[l.src.R.IntN(len(demoOutcomes))]}); err != nil {
			return fmt.Errorf("demo: expert service: %w", err)
		}
	}
	return nil
}

// deliver walks one matched enterprise some way along 已告知 → 已申请 →
// 已兑现: about half are redeemed, a few turn out not eligible.
func (l *loader) deliver(ctx context.Context, policyID int64, m store.MatchedEnterprise, dp demoPolicy) error {
	step := func(state, wan string, version int) (model.Delivery, error) {
		return l.s.SetDelivery(ctx, model.System, policyID, model.DeliveryInput{EnterpriseID: m.ID, State: state, AmountWan: wan, Version: version})
	}
	d, err := step(model.DeliveryInformed, "", 0)
	if err != nil {
		return err
	}
	r := l.src.R.Float64()
	switch {
	case r < 0.25:
		return nil // informed only
	case r < 0.32:
		_, err = step(model.DeliveryIneligible, "", d.Version)
		return err
	}
	if d, err = step(model.DeliveryApplied, "", d.Version); err != nil || r < 0.5 {
		return err
	}
	amount := dp.capYuan
	if dp.perHead > 0 {
		amount = min(int64(m.Employees)*dp.perHead, dp.capYuan)
	}
	if amount <= 0 {
		return nil
	}
	_, err = step(model.DeliveryRedeemed, store.FormatWan(amount), d.Version)
	return err
}

// supportResult counts policies, deliveries and expert services.
func (l *loader) supportResult(ctx context.Context, r *Result) error {
	if err := l.s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM policies").Scan(&r.Policies); err != nil {
		return err
	}
	if err := l.s.R.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN state = 'redeemed' THEN 1 ELSE 0 END),
		COALESCE(SUM(amount_yuan), 0) FROM policy_deliveries`).Scan(&r.Deliveries, &r.Redeemed, &r.RedeemedYuan); err != nil {
		return err
	}
	if err := l.s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM experts").Scan(&r.Experts); err != nil {
		return err
	}
	return l.s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM expert_services").Scan(&r.ExpertServices)
}
