package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// Pages of 助企八条 (policies: list, detail with the matched enterprises
// and their delivery steps, the form with the rule as plain fields) and
// 三师助企 (the expert register, service records and counts).
func (s *Server) supportRoutes() {
	s.handle("GET", "/policies", auth.PermSupportRead, s.policyList)
	s.handle("GET", "/policies/new", auth.PermSupportAdmin, s.policyNew)
	s.handle("POST", "/policies", auth.PermSupportAdmin, s.policyCreate)
	s.handle("GET", "/policies/{id}", auth.PermSupportRead, s.policyShow)
	s.handle("GET", "/policies/{id}/edit", auth.PermSupportAdmin, s.policyEdit)
	s.handle("POST", "/policies/{id}", auth.PermSupportAdmin, s.policyUpdate)
	s.handle("POST", "/policies/{id}/deliveries", auth.PermSupportWrite, s.policyDeliver)
	s.handle("GET", "/experts", auth.PermSupportRead, s.expertPage)
	s.handle("POST", "/experts", auth.PermSupportAdmin, s.expertSave)
	s.handle("POST", "/experts/services", auth.PermSupportWrite, s.serviceCreate)
	s.supportAPIRoutes()
}

func init() {
	funcs["wan"] = func(p *int64) string {
		if p == nil {
			return ""
		}
		return store.FormatWan(*p)
	}
	funcs["wanOf"] = store.FormatWan
	funcs["deliveryNext"] = func(d *model.Delivery) []string {
		if d == nil {
			return store.DeliveryNext("")
		}
		return store.DeliveryNext(d.State)
	}
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// triBool renders an optional condition as a select value: "" any, 1, 0.
func triBool(p *bool) string {
	switch {
	case p == nil:
		return ""
	case *p:
		return "1"
	}
	return "0"
}

// ---- policies ----

func (s *Server) policyList(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.Policies(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "policies")
	v.Title = v.T("policy.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.support")}, {Label: v.Title}}
	s.render(w, r, "policy_list", v, ps)
}

type policyFormPage struct {
	P          *model.Policy
	Industries []model.Industry
	Grids      []model.Grid
}

// policyFormValues shows a stored policy in the form's fields.
func policyFormValues(p model.Policy) url.Values {
	vals := url.Values{"code": {p.Code}, "title": {p.Title}, "summary": {p.Summary}, "source": {p.Source},
		"position": {strconv.Itoa(p.Position)}, "version": {strconv.Itoa(p.Version)}}
	if p.Active {
		vals.Set("active", "1")
	}
	rl := p.Rule
	vals["industry_in"] = rl.IndustryIn
	vals["grid_in"] = rl.GridIn
	vals.Set("above_scale", triBool(rl.AboveScale))
	vals.Set("has_party_org", triBool(rl.HasPartyOrg))
	vals.Set("employees_min", optInt(rl.EmployeesMin))
	vals.Set("employees_max", optInt(rl.EmployeesMax))
	vals.Set("founded_before", rl.FoundedBefore)
	return vals
}

// policyInputFrom builds the input from the form: the rule is assembled
// from plain fields into the same JSON the API takes.
func policyInputFrom(f url.Values) (model.PolicyInput, error) {
	var v model.Validation
	pos, _ := strconv.Atoi(strings.TrimSpace(f.Get("position")))
	ver, _ := strconv.Atoi(f.Get("version"))
	in := model.PolicyInput{Code: f.Get("code"), Title: f.Get("title"), Summary: f.Get("summary"), Source: f.Get("source"),
		Position: pos, Active: f.Get("active") == "1", Version: ver}
	rule := map[string]any{}
	if xs := f[rules.PolicyIndustryIn]; len(xs) > 0 {
		rule[rules.PolicyIndustryIn] = xs
	}
	if xs := f[rules.PolicyGridIn]; len(xs) > 0 {
		rule[rules.PolicyGridIn] = xs
	}
	for _, k := range []string{rules.PolicyAboveScale, rules.PolicyHasPartyOrg} {
		switch f.Get(k) {
		case "1":
			rule[k] = true
		case "0":
			rule[k] = false
		case "":
		default:
			v.Add("rule."+k, "field.choose")
		}
	}
	for _, k := range []string{rules.PolicyEmployeesMin, rules.PolicyEmployeesMax} {
		if t := strings.TrimSpace(f.Get(k)); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil {
				v.Add("rule."+k, "field.number")
				continue
			}
			rule[k] = n
		}
	}
	if t := strings.TrimSpace(f.Get(rules.PolicyFoundedBefore)); t != "" {
		rule[rules.PolicyFoundedBefore] = t
	}
	in.Rule, _ = json.Marshal(rule)
	return in, v.Err()
}

func (s *Server) renderPolicyForm(w http.ResponseWriter, r *http.Request, status int, p *model.Policy, form *Form) {
	data := policyFormPage{P: p}
	var err error
	if data.Industries, err = s.store.Industries(r.Context()); err == nil {
		data.Grids, err = s.store.Grids(r.Context(), model.System)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "policies")
	v.Title = v.T("policy.new")
	if p != nil {
		v.Title = v.T("policy.edit")
	}
	v.Crumbs = []Crumb{{Label: v.T("policy.list"), Href: "/policies"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "policy_form", v, data)
}

func (s *Server) policyNew(w http.ResponseWriter, r *http.Request) {
	s.renderPolicyForm(w, r, http.StatusOK, nil, &Form{Values: url.Values{"active": {"1"}}})
}

func (s *Server) policyCreate(w http.ResponseWriter, r *http.Request) {
	in, err := policyInputFrom(r.PostForm)
	var p model.Policy
	if err == nil {
		p, err = s.store.SavePolicy(r.Context(), info(r).sess.actor, 0, in)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderPolicyForm(w, r, status, nil, form) })
		return
	}
	s.redirect(w, r, "/policies/"+strconv.FormatInt(p.ID, 10), "flash.saved")
}

func (s *Server) policyEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p model.Policy
	if err == nil {
		p, err = s.store.Policy(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPolicyForm(w, r, http.StatusOK, &p, &Form{Values: policyFormValues(p)})
}

func (s *Server) policyUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p model.Policy
	if err == nil {
		p, err = s.store.Policy(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := policyInputFrom(r.PostForm)
	if err == nil {
		_, err = s.store.SavePolicy(r.Context(), info(r).sess.actor, id, in)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderPolicyForm(w, r, status, &p, form) })
		return
	}
	s.redirect(w, r, "/policies/"+strconv.FormatInt(id, 10), "flash.saved")
}

type policyShowPage struct {
	P          model.Policy
	Matches    []store.MatchedEnterprise
	Next       string
	Industries map[string]string
	Grids      map[string]string
	CanDeliver bool
}

func (s *Server) policyShow(w http.ResponseWriter, r *http.Request) {
	s.renderPolicyShow(w, r, http.StatusOK, nil)
}

func (s *Server) renderPolicyShow(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	actor := info(r).sess.actor
	id, err := pathID(r)
	var p policyShowPage
	var after int64
	var limit int
	if err == nil {
		after, limit, err = matchesParams(r)
	}
	if err == nil {
		p.P, err = s.store.Policy(r.Context(), actor, id)
	}
	var next int64
	if err == nil {
		p.Matches, next, err = s.store.PolicyMatches(r.Context(), actor, id, after, limit)
	}
	var ins []model.Industry
	if err == nil {
		ins, err = s.store.Industries(r.Context())
	}
	var gs []model.Grid
	if err == nil {
		gs, err = s.store.Grids(r.Context(), model.System)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if next != 0 {
		p.Next = strconv.FormatInt(next, 10)
	}
	p.Industries, p.Grids = map[string]string{}, map[string]string{}
	for _, in := range ins {
		p.Industries[in.Code] = in.Name
	}
	for _, g := range gs {
		p.Grids[g.Code] = g.Name
	}
	v := s.view(r, "policies")
	p.CanDeliver = v.Can(string(auth.PermSupportWrite))
	v.Title = p.P.Title
	v.Crumbs = []Crumb{{Label: v.T("policy.list"), Href: "/policies"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "policy_show", v, p)
}

func (s *Server) policyDeliver(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	ent, _ := strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	ver, _ := strconv.Atoi(f.Get("version"))
	in := model.DeliveryInput{EnterpriseID: ent, State: f.Get("state"), AmountWan: f.Get("amount_wan"), Note: f.Get("note"), Version: ver}
	_, err = s.store.SetDelivery(r.Context(), info(r).sess.actor, id, in)
	back := "/policies/" + strconv.FormatInt(id, 10)
	if f.Get("back") == "enterprise" {
		back = "/enterprises/" + strconv.FormatInt(ent, 10)
	}
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderPolicyShow(w, r, status, form) })
		return
	}
	s.redirect(w, r, back, "flash.saved")
}

// ---- experts ----

type expertPageData struct {
	Experts      []model.Expert
	Kinds        []model.ExpertKind
	Services     []model.ExpertService
	ByGrid       []store.ServiceCount
	ByEnterprise []store.ServiceCount
	Admin        bool
	Today        string
}

func (s *Server) expertPage(w http.ResponseWriter, r *http.Request) {
	s.renderExperts(w, r, http.StatusOK, nil)
}

func (s *Server) renderExperts(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	actor := info(r).sess.actor
	var p expertPageData
	var err error
	if p.Experts, err = s.store.Experts(r.Context(), actor); err == nil {
		if p.Kinds, err = s.store.ExpertKinds(r.Context()); err == nil {
			if p.Services, err = s.store.ExpertServices(r.Context(), actor, store.ServiceFilter{Limit: 50}); err == nil {
				p.ByGrid, p.ByEnterprise, err = s.store.ServiceCounts(r.Context(), actor)
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Admin = actor.Scope.All
	p.Today = s.ctxNow().In(rules.Location()).Format("2006-01-02")
	v := s.view(r, "experts")
	v.Title = v.T("expert.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.support")}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "expert_page", v, p)
}

func (s *Server) expertSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	kind, _ := strconv.ParseInt(f.Get("kind_id"), 10, 64)
	ver, _ := strconv.Atoi(f.Get("version"))
	_, err := s.store.SaveExpert(r.Context(), info(r).sess.actor, id, model.Expert{Name: f.Get("name"), KindID: kind,
		Employer: f.Get("employer"), Specialty: f.Get("specialty"), Active: f.Get("active") == "1", Version: ver})
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderExperts(w, r, status, form) })
		return
	}
	s.redirect(w, r, "/experts", "flash.saved")
}

func (s *Server) serviceCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	x, _ := strconv.ParseInt(f.Get("expert_id"), 10, 64)
	ent, _ := strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	_, err := s.store.CreateExpertService(r.Context(), info(r).sess.actor, model.ExpertServiceInput{ExpertID: x, EnterpriseID: ent,
		ServedOn: f.Get("served_on"), Topic: f.Get("topic"), Outcome: f.Get("outcome")})
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderExperts(w, r, status, form) })
		return
	}
	back := "/experts"
	if f.Get("back") == "enterprise" {
		back = "/enterprises/" + strconv.FormatInt(ent, 10)
	}
	s.redirect(w, r, back, "flash.saved")
}
