package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// 助企八条: policies with an eligibility rule kept as data over the fixed
// attributes of rules.PolicyAttributes, turned into SQL conditions here;
// the enterprises each policy matches; and the delivery of a policy to an
// enterprise (已告知 → 已申请 → 已兑现 or 不符合). Scope: administrators all,
// grid staff the enterprises and deliveries of their grids.

// ParsePolicyRule checks a rule's JSON against the attribute list and
// returns it normalized. Field errors name "rule.<attribute>".
func (s *Store) ParsePolicyRule(ctx context.Context, q queryer, v *model.Validation, raw json.RawMessage) model.PolicyRule {
	var r model.PolicyRule
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return r
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		v.Add("rule", "policy.rule_format")
		return r
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field := "rule." + k
		if !slices.Contains(rules.PolicyAttributes, k) {
			v.Add(field, "policy.rule_unknown_attribute", k)
			continue
		}
		val := m[k]
		var err error
		switch k {
		case rules.PolicyIndustryIn:
			err = json.Unmarshal(val, &r.IndustryIn)
		case rules.PolicyGridIn:
			err = json.Unmarshal(val, &r.GridIn)
		case rules.PolicyAboveScale:
			err = json.Unmarshal(val, &r.AboveScale)
		case rules.PolicyHasPartyOrg:
			err = json.Unmarshal(val, &r.HasPartyOrg)
		case rules.PolicyEmployeesMin:
			err = json.Unmarshal(val, &r.EmployeesMin)
		case rules.PolicyEmployeesMax:
			err = json.Unmarshal(val, &r.EmployeesMax)
		case rules.PolicyFoundedBefore:
			err = json.Unmarshal(val, &r.FoundedBefore)
		}
		if err != nil {
			v.Add(field, "policy.rule_value")
		}
	}
	r.IndustryIn = s.checkCodes(ctx, q, v, "rule."+rules.PolicyIndustryIn, "industries", r.IndustryIn)
	r.GridIn = s.checkCodes(ctx, q, v, "rule."+rules.PolicyGridIn, "grids", r.GridIn)
	for _, p := range []struct {
		f string
		n *int
	}{{rules.PolicyEmployeesMin, r.EmployeesMin}, {rules.PolicyEmployeesMax, r.EmployeesMax}} {
		if p.n != nil && (*p.n < 0 || *p.n > rules.PolicyMaxEmployees) {
			v.Add("rule."+p.f, "field.range", 0, rules.PolicyMaxEmployees)
		}
	}
	if r.EmployeesMin != nil && r.EmployeesMax != nil && *r.EmployeesMin > *r.EmployeesMax {
		v.Add("rule."+rules.PolicyEmployeesMax, "field.range", *r.EmployeesMin, rules.PolicyMaxEmployees)
	}
	r.FoundedBefore = strings.TrimSpace(r.FoundedBefore)
	if r.FoundedBefore != "" {
		if _, err := time.Parse("2006-01-02", r.FoundedBefore); err != nil {
			v.Add("rule."+rules.PolicyFoundedBefore, "field.date_format")
		}
	}
	return r
}

// checkCodes keeps the distinct codes of a rule list, each known in table.
func (s *Store) checkCodes(ctx context.Context, q queryer, v *model.Validation, field, table string, codes []string) []string {
	var out []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(out, c) {
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE code = $1", c).Scan(&n); err != nil || n == 0 {
			v.Add(field, "field.unknown")
			continue
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ruleSQL turns a rule into a condition on enterprises e (operating, not
// deleted). Every attribute maps to a fixed SQL fragment; rule values only
// ever travel as parameters.
func (s *Store) ruleSQL(ctx context.Context, r model.PolicyRule, args *[]any) (string, error) {
	conds := []string{"e.deleted_at IS NULL", "e.status = 'operating'"}
	param := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	if len(r.IndustryIn) > 0 {
		ph := make([]string, len(r.IndustryIn))
		for i, c := range r.IndustryIn {
			ph[i] = param(c)
		}
		conds = append(conds, "e.industry_id IN (SELECT id FROM industries WHERE code IN ("+strings.Join(ph, ",")+"))")
	}
	if r.AboveScale != nil {
		conds = append(conds, "e.above_scale = "+param(*r.AboveScale))
	}
	if r.EmployeesMin != nil {
		conds = append(conds, "e.employees >= "+param(*r.EmployeesMin))
	}
	if r.EmployeesMax != nil {
		conds = append(conds, "e.employees <= "+param(*r.EmployeesMax))
	}
	if len(r.GridIn) > 0 {
		var paths []string
		for _, c := range r.GridIn {
			var p string
			err := s.R.QueryRowContext(ctx, "SELECT path FROM grids WHERE code = $1", c).Scan(&p)
			if errors.Is(err, sql.ErrNoRows) {
				continue // a grid removed since: it matches nothing
			} else if err != nil {
				return "", fmt.Errorf("store: rule grid: %w", err)
			}
			paths = append(paths, p)
		}
		conds = append(conds, "e.grid_id IN (SELECT gr.id FROM grids gr WHERE "+pathIn("gr.path", paths, args)+")")
	}
	if r.HasPartyOrg != nil {
		ex := "EXISTS (SELECT 1 FROM org_coverage cv WHERE cv.enterprise_id = e.id AND cv.until IS NULL)"
		if !*r.HasPartyOrg {
			ex = "NOT " + ex
		}
		conds = append(conds, ex)
	}
	if r.FoundedBefore != "" {
		d, _ := time.Parse("2006-01-02", r.FoundedBefore)
		conds = append(conds, "e.founded_on < "+param(d))
	}
	return strings.Join(conds, " AND "), nil
}

// policyReadScopeSQL: administrators all enterprises, grid staff their grids'.
func policyScopeSQL(actor *model.Actor, col string, args *[]any) string {
	if actor.Scope.All {
		return "TRUE"
	}
	if len(actor.Scope.GridIDs) > 0 {
		return col + " " + inList(actor.Scope.GridIDs, args)
	}
	return "FALSE"
}

const policyCols = "p.id, p.code, p.title, p.summary, p.source, p.rule_json, p.position, p.active, p.created_at, p.updated_at, p.version"

func scanPolicy(sc interface{ Scan(...any) error }) (model.Policy, error) {
	var p model.Policy
	var rule string
	if err := sc.Scan(&p.ID, &p.Code, &p.Title, &p.Summary, &p.Source, &rule, &p.Position, &p.Active, &p.CreatedAt,
		&p.UpdatedAt, &p.Version); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(rule), &p.Rule); err != nil {
		return p, fmt.Errorf("store: policy %d rule: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// policyCounts fills the matched and delivery figures within scope.
func (s *Store) policyCounts(ctx context.Context, actor *model.Actor, p *model.Policy) error {
	var args []any
	cond, err := s.ruleSQL(ctx, p.Rule, &args)
	if err != nil {
		return err
	}
	if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises e WHERE "+cond+" AND "+
		policyScopeSQL(actor, "e.grid_id", &args), args...).Scan(&p.Counts.Matched); err != nil {
		return fmt.Errorf("store: policy matched: %w", err)
	}
	args = []any{p.ID}
	rows, err := s.R.QueryContext(ctx, "SELECT d.state, COUNT(*), COALESCE(SUM(d.amount_yuan), 0) FROM policy_deliveries d WHERE d.policy_id = $1 AND "+
		policyScopeSQL(actor, "d.grid_id", &args)+" GROUP BY d.state", args...)
	if err != nil {
		return fmt.Errorf("store: policy counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		var sum int64
		if err := rows.Scan(&st, &n, &sum); err != nil {
			return err
		}
		switch st {
		case model.DeliveryInformed:
			p.Counts.Informed = n
		case model.DeliveryApplied:
			p.Counts.Applied = n
		case model.DeliveryRedeemed:
			p.Counts.Redeemed, p.Counts.AmountYuan = n, sum
		case model.DeliveryIneligible:
			p.Counts.Ineligible = n
		}
	}
	return rows.Err()
}

// Policies lists the policies in display order with their figures in scope.
func (s *Store) Policies(ctx context.Context, actor *model.Actor) ([]model.Policy, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT "+policyCols+" FROM policies p ORDER BY p.position, p.id")
	if err != nil {
		return nil, fmt.Errorf("store: policies: %w", err)
	}
	var out []model.Policy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.policyCounts(ctx, actor, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Policy returns one policy with its figures in scope.
func (s *Store) Policy(ctx context.Context, actor *model.Actor, id int64) (model.Policy, error) {
	p, err := scanPolicy(s.R.QueryRowContext(ctx, "SELECT "+policyCols+" FROM policies p WHERE p.id = $1", id))
	if err != nil {
		return p, notFound(err, "policy")
	}
	return p, s.policyCounts(ctx, actor, &p)
}

// SavePolicy creates (id 0) or updates a policy; administrators only.
func (s *Store) SavePolicy(ctx context.Context, actor *model.Actor, id int64, in model.PolicyInput) (model.Policy, error) {
	if !actor.Scope.All {
		return model.Policy{}, model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		var v model.Validation
		in.Code = strings.TrimSpace(in.Code)
		if in.Code == "" {
			v.Add("code", "field.required")
		} else if !validCode(in.Code) {
			v.Add("code", "field.code_format")
		}
		textField(&v, "title", &in.Title, 100, true)
		textField(&v, "summary", &in.Summary, 2000, false)
		textField(&v, "source", &in.Source, 200, false)
		rule := s.ParsePolicyRule(ctx, tx, &v, in.Rule)
		if err := v.Err(); err != nil {
			return err
		}
		ruleJSON := toJSON(rule)
		if id == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO policies (code, title, summary, source, rule_json, position, active, created_at, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) RETURNING id`, in.Code, in.Title, in.Summary, in.Source, ruleJSON,
				in.Position, in.Active, tx.now).Scan(&id)
			if err != nil {
				return s.dictConflict(err)
			}
			return tx.Audit(ctx, actor, Change{Action: "policy.create", Entity: "policy", EntityID: id,
				After: map[string]any{"code": in.Code, "title": in.Title, "source": in.Source, "rule": rule, "active": in.Active}})
		}
		old, err := scanPolicy(tx.QueryRowContext(ctx, "SELECT "+policyCols+" FROM policies p WHERE p.id = $1", id))
		if err != nil {
			return notFound(err, "policy")
		}
		res, err := tx.ExecContext(ctx, `UPDATE policies SET code = $1, title = $2, summary = $3, source = $4, rule_json = $5,
			position = $6, active = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10`,
			in.Code, in.Title, in.Summary, in.Source, ruleJSON, in.Position, in.Active, tx.now, id, in.Version)
		if err != nil {
			return s.dictConflict(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "policy.update", Entity: "policy", EntityID: id,
			Before: map[string]any{"code": old.Code, "title": old.Title, "source": old.Source, "rule": old.Rule, "active": old.Active},
			After:  map[string]any{"code": in.Code, "title": in.Title, "source": in.Source, "rule": rule, "active": in.Active}})
	})
	if err != nil {
		return model.Policy{}, err
	}
	return s.Policy(ctx, actor, id)
}

// MatchedEnterprise is an enterprise a policy's rule matches, with its
// delivery state if any.
type MatchedEnterprise struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	GridName   string          `json:"grid_name"`
	AboveScale bool            `json:"above_scale"`
	Employees  int             `json:"employees"`
	Delivery   *model.Delivery `json:"delivery"`
}

// PolicyMatches pages through the enterprises in scope the policy
// matches, by id; cursor is the last id of the previous page.
func (s *Store) PolicyMatches(ctx context.Context, actor *model.Actor, policyID, after int64, limit int) (items []MatchedEnterprise, next int64, err error) {
	p, err := s.Policy(ctx, actor, policyID)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var args []any
	cond, err := s.ruleSQL(ctx, p.Rule, &args)
	if err != nil {
		return nil, 0, err
	}
	scope := policyScopeSQL(actor, "e.grid_id", &args)
	args = append(args, after, policyID)
	q := fmt.Sprintf(`SELECT e.id, e.name, COALESCE(g.name, ''), e.above_scale, e.employees,
		d.id, d.state, d.amount_yuan, d.note, d.updated_at, d.version
		FROM enterprises e LEFT JOIN grids g ON g.id = e.grid_id
		LEFT JOIN policy_deliveries d ON d.enterprise_id = e.id AND d.policy_id = $%d
		WHERE %s AND %s AND e.id > $%d ORDER BY e.id LIMIT %d`, len(args), cond, scope, len(args)-1, limit+1)
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: policy matches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m MatchedEnterprise
		var did sql.NullInt64
		var st, note sql.NullString
		var amt sql.NullInt64
		var at sql.NullTime
		var ver sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Name, &m.GridName, &m.AboveScale, &m.Employees, &did, &st, &amt, &note, &at, &ver); err != nil {
			return nil, 0, err
		}
		if did.Valid {
			d := model.Delivery{ID: did.Int64, PolicyID: policyID, EnterpriseID: m.ID, State: st.String, Note: note.String,
				UpdatedAt: at.Time.UTC(), Version: int(ver.Int64), PolicyTitle: p.Title, EnterpriseName: m.Name}
			if amt.Valid {
				a := amt.Int64
				d.AmountYuan = &a
			}
			m.Delivery = &d
		}
		items = append(items, m)
	}
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, rows.Err()
}

// EnterprisePolicy is a policy as seen from one enterprise.
type EnterprisePolicy struct {
	PolicyID int64           `json:"policy_id"`
	Code     string          `json:"code"`
	Title    string          `json:"title"`
	Matches  bool            `json:"matches"`
	Delivery *model.Delivery `json:"delivery"`
}

// EnterprisePolicies lists the active policies matching an enterprise in
// the caller's read scope, and those it already has a delivery of.
func (s *Store) EnterprisePolicies(ctx context.Context, actor *model.Actor, enterpriseID int64) ([]EnterprisePolicy, error) {
	args := []any{enterpriseID}
	var n int
	if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
		policyScopeSQL(actor, "e.grid_id", &args), args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: enterprise policies: %w", err)
	}
	if n == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "error.not_found.enterprise")
	}
	rows, err := s.R.QueryContext(ctx, "SELECT "+policyCols+" FROM policies p ORDER BY p.position, p.id")
	if err != nil {
		return nil, fmt.Errorf("store: policies: %w", err)
	}
	var ps []model.Policy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ps = append(ps, p)
	}
	rows.Close()
	dels, err := s.Deliveries(ctx, actor, DeliveryFilter{EnterpriseID: enterpriseID})
	if err != nil {
		return nil, err
	}
	var out []EnterprisePolicy
	for _, p := range ps {
		ep := EnterprisePolicy{PolicyID: p.ID, Code: p.Code, Title: p.Title}
		for i := range dels {
			if dels[i].PolicyID == p.ID {
				ep.Delivery = &dels[i]
			}
		}
		if p.Active {
			args := []any{enterpriseID}
			cond, err := s.ruleSQL(ctx, p.Rule, &args)
			if err != nil {
				return nil, err
			}
			var k int
			if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises e WHERE e.id = $1 AND "+cond, args...).Scan(&k); err != nil {
				return nil, fmt.Errorf("store: enterprise policy match: %w", err)
			}
			ep.Matches = k > 0
		}
		if ep.Matches || ep.Delivery != nil {
			out = append(out, ep)
		}
	}
	return out, nil
}

// DeliveryFilter selects deliveries.
type DeliveryFilter struct {
	PolicyID     int64
	EnterpriseID int64
	State        string
}

const deliveryCols = `d.id, d.policy_id, d.enterprise_id, d.grid_id, d.state, d.amount_yuan, d.note, d.updated_at, d.version,
	COALESCE(p.title, ''), COALESCE(e.name, '')`

func scanDelivery(sc interface{ Scan(...any) error }) (model.Delivery, error) {
	var d model.Delivery
	var amt sql.NullInt64
	err := sc.Scan(&d.ID, &d.PolicyID, &d.EnterpriseID, &d.GridID, &d.State, &amt, &d.Note, &d.UpdatedAt, &d.Version,
		&d.PolicyTitle, &d.EnterpriseName)
	if amt.Valid {
		a := amt.Int64
		d.AmountYuan = &a
	}
	d.UpdatedAt = d.UpdatedAt.UTC()
	return d, err
}

// Deliveries lists deliveries in scope (grid staff: their grids').
func (s *Store) Deliveries(ctx context.Context, actor *model.Actor, f DeliveryFilter) ([]model.Delivery, error) {
	var args []any
	where := []string{policyScopeSQL(actor, "d.grid_id", &args)}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.PolicyID != 0 {
		add("d.policy_id = $%d", f.PolicyID)
	}
	if f.EnterpriseID != 0 {
		add("d.enterprise_id = $%d", f.EnterpriseID)
	}
	if f.State != "" {
		add("d.state = $%d", f.State)
	}
	rows, err := s.R.QueryContext(ctx, "SELECT "+deliveryCols+` FROM policy_deliveries d LEFT JOIN policies p ON p.id = d.policy_id
		LEFT JOIN enterprises e ON e.id = d.enterprise_id WHERE `+strings.Join(where, " AND ")+" ORDER BY d.policy_id, d.enterprise_id LIMIT 1000", args...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []model.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// deliverySteps are the legal moves: from "" (none yet) a policy is made
// known or found not to apply; an application follows the notice; the
// money follows the application. Redeemed and ineligible are final.
var deliverySteps = map[string][]string{
	"":                     {model.DeliveryInformed, model.DeliveryIneligible},
	model.DeliveryInformed: {model.DeliveryApplied, model.DeliveryIneligible},
	model.DeliveryApplied:  {model.DeliveryRedeemed, model.DeliveryIneligible},
}

// DeliveryNext lists the states a delivery in state may move to.
func DeliveryNext(state string) []string { return deliverySteps[state] }

// ParseWan reads an amount in 万元 (up to four decimals) as whole yuan,
// exactly (no floating point).
func ParseWan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "eE/") {
		return 0, false
	}
	r.Mul(r, big.NewRat(10000, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// FormatWan renders yuan as 万元 with the decimals needed (exact).
func FormatWan(yuan int64) string {
	neg := yuan < 0
	if neg {
		yuan = -yuan
	}
	s := strconv.FormatInt(yuan/10000, 10)
	if frac := yuan % 10000; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// SetDelivery moves the delivery of a policy to an enterprise of the
// caller's grids to in.State. Version is the delivery's (0: none yet);
// an illegal move or a stale version is a conflict.
func (s *Store) SetDelivery(ctx context.Context, actor *model.Actor, policyID int64, in model.DeliveryInput) (model.Delivery, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var v model.Validation
		if !slices.Contains(model.DeliveryStates, in.State) {
			v.Add("state", "field.choose")
		}
		textField(&v, "note", &in.Note, 500, false)
		var amount *int64
		if in.State == model.DeliveryRedeemed {
			a, ok := ParseWan(in.AmountWan)
			switch {
			case strings.TrimSpace(in.AmountWan) == "":
				v.Add("amount_wan", "field.required")
			case !ok:
				v.Add("amount_wan", "policy.amount_format")
			case a <= 0 || a > rules.PolicyMaxAmountYuan:
				v.Add("amount_wan", "field.range", "0.0001", FormatWan(rules.PolicyMaxAmountYuan))
			default:
				amount = &a
			}
		}
		p, err := scanPolicy(tx.QueryRowContext(ctx, "SELECT "+policyCols+" FROM policies p WHERE p.id = $1", policyID))
		if err != nil {
			return notFound(err, "policy")
		}
		args := []any{in.EnterpriseID}
		var gridID int64
		err = tx.QueryRowContext(ctx, "SELECT e.grid_id FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
			enterpriseWriteScopeSQL(actor, &args), args...).Scan(&gridID)
		if errors.Is(err, sql.ErrNoRows) {
			return model.Errorf(model.ENOTFOUND, "error.not_found.enterprise")
		} else if err != nil {
			return fmt.Errorf("store: delivery enterprise: %w", err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		old, err := scanDelivery(tx.QueryRowContext(ctx, "SELECT "+deliveryCols+` FROM policy_deliveries d LEFT JOIN policies p ON p.id = d.policy_id
			LEFT JOIN enterprises e ON e.id = d.enterprise_id WHERE d.policy_id = $1 AND d.enterprise_id = $2`, policyID, in.EnterpriseID))
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: delivery: %w", err)
		}
		if !slices.Contains(deliverySteps[old.State], in.State) {
			return model.Errorf(model.ECONFLICT, "policy.illegal_transition")
		}
		if old.Version != in.Version {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if in.State == model.DeliveryInformed {
			if !p.Active {
				return model.Errorf(model.ECONFLICT, "policy.inactive")
			}
			args := []any{in.EnterpriseID}
			cond, err := s.ruleSQL(ctx, p.Rule, &args)
			if err != nil {
				return err
			}
			var k int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises e WHERE e.id = $1 AND "+cond, args...).Scan(&k); err != nil {
				return fmt.Errorf("store: delivery match: %w", err)
			}
			if k == 0 {
				v.Add("enterprise_id", "policy.not_matching")
				return v.Err()
			}
		}
		if !exists {
			err = tx.QueryRowContext(ctx, `INSERT INTO policy_deliveries (policy_id, enterprise_id, grid_id, state, amount_yuan, note,
				updated_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) RETURNING id`,
				policyID, in.EnterpriseID, gridID, in.State, amount, in.Note, nullID(actor.UserID), tx.now).Scan(&id)
			if err != nil {
				if errors.Is(s.dialect.classify(err), errUnique) {
					return model.Errorf(model.ECONFLICT, "error.stale", 0)
				}
				return fmt.Errorf("store: create delivery: %w", err)
			}
		} else {
			id = old.ID
			res, err := tx.ExecContext(ctx, `UPDATE policy_deliveries SET state = $1, amount_yuan = $2, note = $3, grid_id = $4,
				updated_by = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8`,
				in.State, amount, in.Note, gridID, nullID(actor.UserID), tx.now, id, in.Version)
			if err != nil {
				return fmt.Errorf("store: update delivery: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "policy.deliver", Entity: "policy_delivery", EntityID: id,
			Before: map[string]any{"state": old.State, "amount_yuan": old.AmountYuan},
			After: map[string]any{"policy_id": policyID, "enterprise_id": in.EnterpriseID, "state": in.State, "amount_yuan": amount,
				"note": in.Note}})
	})
	if err != nil {
		return model.Delivery{}, err
	}
	d, err := scanDelivery(s.R.QueryRowContext(ctx, "SELECT "+deliveryCols+` FROM policy_deliveries d LEFT JOIN policies p ON p.id = d.policy_id
		LEFT JOIN enterprises e ON e.id = d.enterprise_id WHERE d.id = $1`, id))
	return d, notFound(err, "delivery")
}
