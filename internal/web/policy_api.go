package web

import (
	"net/http"
	"strconv"
	"strings"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/store"
)

// JSON API of 助企八条 (policies, their matches and deliveries) and 三师助企
// (the expert register and service records).
func (s *Server) supportAPIRoutes() {
	s.handle("GET", "/api/v1/policies", auth.PermSupportRead, s.apiPolicyList)
	s.handle("POST", "/api/v1/policies", auth.PermSupportAdmin, s.apiPolicyCreate)
	s.handle("GET", "/api/v1/policies/{id}", auth.PermSupportRead, s.apiPolicyGet)
	s.handle("PUT", "/api/v1/policies/{id}", auth.PermSupportAdmin, s.apiPolicyUpdate)
	s.handle("GET", "/api/v1/policies/{id}/enterprises", auth.PermSupportRead, s.apiPolicyMatches)
	s.handle("GET", "/api/v1/policies/{id}/deliveries", auth.PermSupportRead, s.apiPolicyDeliveries)
	s.handle("POST", "/api/v1/policies/{id}/deliveries", auth.PermSupportWrite, s.apiPolicyDeliver)
	s.handle("GET", "/api/v1/enterprises/{id}/policies", auth.PermSupportRead, s.apiEnterprisePolicies)
	s.handle("GET", "/api/v1/experts", auth.PermSupportRead, s.apiExpertList)
	s.handle("POST", "/api/v1/experts", auth.PermSupportAdmin, s.apiExpertCreate)
	s.handle("PUT", "/api/v1/experts/{id}", auth.PermSupportAdmin, s.apiExpertUpdate)
	s.handle("GET", "/api/v1/experts/kinds", auth.PermSupportRead, s.apiExpertKinds)
	s.handle("GET", "/api/v1/experts/services", auth.PermSupportRead, s.apiServiceList)
	s.handle("POST", "/api/v1/experts/services", auth.PermSupportWrite, s.apiServiceCreate)
	s.handle("GET", "/api/v1/experts/stats", auth.PermSupportRead, s.apiServiceStats)
}

func init() {
	ruleDoc := "Eligibility rule: an object over the attributes " + strings.Join(rules.PolicyAttributes, ", ") +
		"; any other attribute is a field error (rule.<name>). Matching runs in SQL"
	apiDocs["GET /api/v1/policies"] = apiOp{Summary: "Policies (助企八条) with their matched and delivery counts within the caller's grids (administrators: all)",
		Tag: "policies", Response: "PolicyList", Status: "200"}
	apiDocs["POST /api/v1/policies"] = apiOp{Summary: "Create a policy (administrators). " + ruleDoc, Tag: "policies",
		Body: "PolicyInput", Response: "Policy", Status: "201"}
	apiDocs["GET /api/v1/policies/{id}"] = apiOp{Summary: "One policy with its counts in the caller's scope", Tag: "policies",
		Response: "Policy", Status: "200"}
	apiDocs["PUT /api/v1/policies/{id}"] = apiOp{Summary: "Replace a policy (administrators); version required, stale → 409. " + ruleDoc,
		Tag: "policies", Body: "PolicyInput", Response: "Policy", Status: "200"}
	apiDocs["GET /api/v1/policies/{id}/enterprises"] = apiOp{Summary: "Enterprises in the caller's scope the policy's rule matches (operating, by id; cursor = next_cursor), with their delivery",
		Tag: "policies", Query: []string{"cursor", "limit"}, Response: "PolicyMatches", Status: "200"}
	apiDocs["GET /api/v1/policies/{id}/deliveries"] = apiOp{Summary: "Deliveries of the policy in the caller's grids", Tag: "policies",
		Query: []string{"state"}, Response: "DeliveryList", Status: "200"}
	apiDocs["POST /api/v1/policies/{id}/deliveries"] = apiOp{Summary: "Move the delivery of the policy to an enterprise of the caller's grids: none → informed (the rule must match) or ineligible; informed → applied or ineligible; applied → redeemed (amount_wan in 万元, up to 4 decimals, stored as exact yuan) or ineligible. version: the delivery's (0 when none). Illegal step or stale version → 409; enterprise outside scope → 404",
		Tag: "policies", Body: "DeliveryInput", Response: "Delivery", Status: "200"}
	apiDocs["GET /api/v1/enterprises/{id}/policies"] = apiOp{Summary: "Active policies matching the enterprise and those it has a delivery of", Tag: "policies",
		Response: "EnterprisePolicies", Status: "200"}
	apiDocs["GET /api/v1/experts"] = apiOp{Summary: "The expert register (三师助企) with each expert's services in the caller's grids", Tag: "experts",
		Response: "ExpertList", Status: "200"}
	apiDocs["POST /api/v1/experts"] = apiOp{Summary: "Register an expert (administrators)", Tag: "experts", Body: "ExpertInput", Response: "Expert", Status: "201"}
	apiDocs["PUT /api/v1/experts/{id}"] = apiOp{Summary: "Replace an expert (administrators); version required, stale → 409", Tag: "experts",
		Body: "ExpertInput", Response: "Expert", Status: "200"}
	apiDocs["GET /api/v1/experts/kinds"] = apiOp{Summary: "The expert kind dictionary (律师, 会计师, 工程师 …)", Tag: "experts", Response: "ExpertKindList", Status: "200"}
	apiDocs["GET /api/v1/experts/services"] = apiOp{Summary: "Service records in the caller's grids, newest first", Tag: "experts",
		Query: []string{"enterprise", "expert", "limit"}, Response: "ServiceList", Status: "200"}
	apiDocs["POST /api/v1/experts/services"] = apiOp{Summary: "Record a service an expert gave an enterprise of the caller's grids", Tag: "experts",
		Body: "ServiceInput", Response: "Service", Status: "201"}
	apiDocs["GET /api/v1/experts/stats"] = apiOp{Summary: "Service counts per grid and per enterprise (the 50 served most) in the caller's grids", Tag: "experts",
		Response: "ServiceStats", Status: "200"}

	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	enum := func(vals []string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	intOrNull := map[string]any{"type": []string{"integer", "null"}}
	rule := map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
		rules.PolicyIndustryIn: arr(tStr), rules.PolicyAboveScale: tBool, rules.PolicyEmployeesMin: tInt,
		rules.PolicyEmployeesMax: tInt, rules.PolicyGridIn: arr(tStr), rules.PolicyHasPartyOrg: tBool, rules.PolicyFoundedBefore: tDate}}
	moreSchemas["PolicyRule"] = rule
	moreSchemas["PolicyInput"] = obj(map[string]any{"code": tStr, "title": tStr, "summary": tStr, "source": tStr, "rule": ref("PolicyRule"),
		"position": tInt, "active": tBool, "version": tInt}, "code", "title")
	moreSchemas["Policy"] = obj(map[string]any{"id": tInt, "code": tStr, "title": tStr, "summary": tStr, "source": tStr,
		"rule": ref("PolicyRule"), "position": tInt, "active": tBool, "created_at": tTime, "updated_at": tTime, "version": tInt,
		"counts": obj(map[string]any{"matched": tInt, "informed": tInt, "applied": tInt, "redeemed": tInt, "ineligible": tInt,
			"amount_yuan": tInt})})
	moreSchemas["PolicyList"] = obj(map[string]any{"items": arr(ref("Policy"))}, "items")
	moreSchemas["Delivery"] = obj(map[string]any{"id": tInt, "policy_id": tInt, "enterprise_id": tInt, "grid_id": tInt,
		"state": enum(model.DeliveryStates), "amount_yuan": intOrNull, "amount_wan": tStr, "note": tStr, "updated_at": tTime,
		"version": tInt, "policy_title": tStr, "enterprise_name": tStr})
	moreSchemas["DeliveryList"] = obj(map[string]any{"items": arr(ref("Delivery"))}, "items")
	moreSchemas["DeliveryInput"] = obj(map[string]any{"enterprise_id": tInt, "state": enum(model.DeliveryStates),
		"amount_wan": map[string]any{"type": "string", "pattern": `^[0-9]+(\.[0-9]{1,4})?$`}, "note": tStr, "version": tInt},
		"enterprise_id", "state", "version")
	moreSchemas["PolicyMatches"] = obj(map[string]any{"items": arr(obj(map[string]any{"id": tInt, "name": tStr, "grid_name": tStr,
		"above_scale": tBool, "employees": tInt, "delivery": ref("Delivery")})), "next_cursor": tStr}, "items")
	moreSchemas["EnterprisePolicies"] = obj(map[string]any{"items": arr(obj(map[string]any{"policy_id": tInt, "code": tStr,
		"title": tStr, "matches": tBool, "delivery": ref("Delivery")}))}, "items")
	moreSchemas["ExpertInput"] = obj(map[string]any{"name": tStr, "kind_id": tInt, "employer": tStr, "specialty": tStr, "active": tBool,
		"version": tInt}, "name", "kind_id")
	moreSchemas["Expert"] = obj(map[string]any{"id": tInt, "name": tStr, "kind_id": tInt, "kind_name": tStr, "employer": tStr,
		"specialty": tStr, "active": tBool, "services": tInt, "updated_at": tTime, "version": tInt})
	moreSchemas["ExpertList"] = obj(map[string]any{"items": arr(ref("Expert"))}, "items")
	moreSchemas["ExpertKindList"] = obj(map[string]any{"items": arr(obj(map[string]any{"id": tInt, "code": tStr, "name": tStr,
		"name_en": tStr, "position": tInt, "active": tBool}))}, "items")
	moreSchemas["ServiceInput"] = obj(map[string]any{"expert_id": tInt, "enterprise_id": tInt, "served_on": tDate, "topic": tStr,
		"outcome": tStr}, "expert_id", "enterprise_id", "served_on", "topic")
	moreSchemas["Service"] = obj(map[string]any{"id": tInt, "expert_id": tInt, "enterprise_id": tInt, "grid_id": tInt,
		"served_on": tDate, "topic": tStr, "outcome": tStr, "expert_name": tStr, "kind_name": tStr, "enterprise_name": tStr})
	moreSchemas["ServiceList"] = obj(map[string]any{"items": arr(ref("Service"))}, "items")
	counter := arr(obj(map[string]any{"id": tInt, "name": tStr, "count": tInt}))
	moreSchemas["ServiceStats"] = obj(map[string]any{"by_grid": counter, "by_enterprise": counter})
}

// deliveryJSON adds the amount in 万元 as exact text.
type deliveryJSON struct {
	model.Delivery
	AmountWan string `json:"amount_wan,omitempty"`
}

func deliveryOut(d model.Delivery) deliveryJSON {
	out := deliveryJSON{Delivery: d}
	if d.AmountYuan != nil {
		out.AmountWan = store.FormatWan(*d.AmountYuan)
	}
	return out
}

type itemsJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func items[T any](xs []T) itemsJSON[T] {
	if xs == nil {
		xs = []T{}
	}
	return itemsJSON[T]{Items: xs}
}

func (s *Server) apiPolicyList(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.Policies(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items(ps))
}

func (s *Server) apiPolicyCreate(w http.ResponseWriter, r *http.Request) {
	var in model.PolicyInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.SavePolicy(r.Context(), info(r).sess.actor, 0, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/policies/", p.ID, p)
}

func (s *Server) apiPolicyGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p model.Policy
	if err == nil {
		p, err = s.store.Policy(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiPolicyUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		model.PolicyInput
		Version *int `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in.PolicyInput.Version = *in.Version
	p, err := s.store.SavePolicy(r.Context(), info(r).sess.actor, id, in.PolicyInput)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// matchesParams reads the cursor (an enterprise id) and limit.
func matchesParams(r *http.Request) (after int64, limit int, err error) {
	var v model.Validation
	q := r.URL.Query()
	after = idParam(&v, "cursor", q.Get("cursor"))
	limit = limitParam(&v, q.Get("limit"))
	return after, limit, v.Err()
}

func (s *Server) apiPolicyMatches(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var after int64
	var limit int
	if err == nil {
		after, limit, err = matchesParams(r)
	}
	var ms []store.MatchedEnterprise
	var next int64
	if err == nil {
		ms, next, err = s.store.PolicyMatches(r.Context(), info(r).sess.actor, id, after, limit)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := items(ms)
	if next != 0 {
		out.NextCursor = strconv.FormatInt(next, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPolicyDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	state := r.URL.Query().Get("state")
	if err == nil && state != "" && !contains(model.DeliveryStates, state) {
		var v model.Validation
		v.Add("state", "field.choose")
		err = v.Err()
	}
	if err == nil {
		_, err = s.store.Policy(r.Context(), info(r).sess.actor, id)
	}
	var ds []model.Delivery
	if err == nil {
		ds, err = s.store.Deliveries(r.Context(), info(r).sess.actor, store.DeliveryFilter{PolicyID: id, State: state})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]deliveryJSON, len(ds))
	for i, d := range ds {
		out[i] = deliveryOut(d)
	}
	writeJSON(w, http.StatusOK, items(out))
}

func (s *Server) apiPolicyDeliver(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		model.DeliveryInput
		Version *int `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	in.DeliveryInput.Version = *in.Version
	d, err := s.store.SetDelivery(r.Context(), info(r).sess.actor, id, in.DeliveryInput)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, deliveryOut(d))
}

func (s *Server) apiEnterprisePolicies(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var eps []store.EnterprisePolicy
	if err == nil {
		eps, err = s.store.EnterprisePolicies(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items(eps))
}

func (s *Server) apiExpertList(w http.ResponseWriter, r *http.Request) {
	xs, err := s.store.Experts(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items(xs))
}

type expertBody struct {
	Name      string `json:"name"`
	KindID    int64  `json:"kind_id"`
	Employer  string `json:"employer"`
	Specialty string `json:"specialty"`
	Active    *bool  `json:"active"`
	Version   *int   `json:"version"`
}

func (b expertBody) expert() model.Expert {
	x := model.Expert{Name: b.Name, KindID: b.KindID, Employer: b.Employer, Specialty: b.Specialty, Active: b.Active == nil || *b.Active}
	if b.Version != nil {
		x.Version = *b.Version
	}
	return x
}

func (s *Server) apiExpertCreate(w http.ResponseWriter, r *http.Request) {
	var b expertBody
	if err := decodeJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.store.SaveExpert(r.Context(), info(r).sess.actor, 0, b.expert())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeCreated(w, "/api/v1/experts/", x.ID, x)
}

func (s *Server) apiExpertUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b expertBody
	if err := decodeJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version == nil {
		s.fail(w, r, requiredVersion())
		return
	}
	x, err := s.store.SaveExpert(r.Context(), info(r).sess.actor, id, b.expert())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x)
}

func (s *Server) apiExpertKinds(w http.ResponseWriter, r *http.Request) {
	ks, err := s.store.ExpertKinds(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items(ks))
}

func serviceFilterFrom(r *http.Request) (store.ServiceFilter, error) {
	var v model.Validation
	q := r.URL.Query()
	f := store.ServiceFilter{EnterpriseID: idParam(&v, "enterprise", q.Get("enterprise")), ExpertID: idParam(&v, "expert", q.Get("expert"))}
	if q.Get("limit") != "" {
		f.Limit = limitParam(&v, q.Get("limit"))
	}
	return f, v.Err()
}

func (s *Server) apiServiceList(w http.ResponseWriter, r *http.Request) {
	f, err := serviceFilterFrom(r)
	var out []model.ExpertService
	if err == nil {
		out, err = s.store.ExpertServices(r.Context(), info(r).sess.actor, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items(out))
}

func (s *Server) apiServiceCreate(w http.ResponseWriter, r *http.Request) {
	var in model.ExpertServiceInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.store.CreateExpertService(r.Context(), info(r).sess.actor, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, x)
}

func (s *Server) apiServiceStats(w http.ResponseWriter, r *http.Request) {
	g, e, err := s.store.ServiceCounts(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if g == nil {
		g = []store.ServiceCount{}
	}
	if e == nil {
		e = []store.ServiceCount{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"by_grid": g, "by_enterprise": e})
}
