package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// 安全生产: the safety register of an enterprise — inspections, violations
// with their hazards (open until rectified) and incidents graded by
// rules.Severity. Each row copies its enterprise's grid, so scope and the
// per-grid figures read safety_records alone.
//
// Scope: administrators everything; department staff read every record
// (as they read every enterprise) and the 安监 department (code "safety")
// also writes them; grid heads and workers read and write their grids'.
// A record outside the reader's scope is not found.

// SafetyDepartment is the code of the department whose staff keep the
// register zone-wide (安监).
const SafetyDepartment = "safety"

const safetyCols = `r.id, r.enterprise_id, r.grid_id, r.kind, r.occurred_on, r.description, r.follow_up, r.severity, r.deaths,
	r.serious_injuries, r.loss_yuan, r.hazard_level, r.is_open, r.rectified_on, r.rectify_note, COALESCE(r.problem_id, 0),
	COALESCE(r.created_by, 0), r.created_at, r.updated_at, r.version, COALESCE(e.name, ''), COALESCE(g.name, ''),
	COALESCE(u.display_name, '')`

const safetyJoins = ` LEFT JOIN enterprises e ON e.id = r.enterprise_id LEFT JOIN grids g ON g.id = r.grid_id
	LEFT JOIN users u ON u.id = r.created_by`

func scanSafety(sc interface{ Scan(...any) error }) (model.SafetyRecord, error) {
	var r model.SafetyRecord
	var rect sql.NullTime
	err := sc.Scan(&r.ID, &r.EnterpriseID, &r.GridID, &r.Kind, &r.OccurredOn, &r.Description, &r.FollowUp, &r.Severity,
		&r.Deaths, &r.SeriousInjuries, &r.LossYuan, &r.HazardLevel, &r.Open, &rect, &r.RectifyNote, &r.ProblemID,
		&r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &r.Version, &r.EnterpriseName, &r.GridName, &r.CreatedByName)
	if err != nil {
		return r, err
	}
	r.OccurredOn = r.OccurredOn.UTC()
	r.RectifiedOn = dateOut(rect)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// safetyScopeSQL limits reads: administrators and department staff all
// records, grid staff their grids'.
func safetyScopeSQL(actor *model.Actor, col string, args *[]any) string {
	if actor.Scope.All || actor.Scope.AllRead {
		return "TRUE"
	}
	if len(actor.Scope.GridIDs) > 0 {
		return col + " " + inList(actor.Scope.GridIDs, args)
	}
	return "FALSE"
}

// safetyWriteSQL limits writes on a grid column: administrators and the 安监
// department everywhere, grid staff their grids, anyone else nowhere.
func (s *Store) safetyWriteSQL(ctx context.Context, q queryer, actor *model.Actor, col string, args *[]any) (string, error) {
	if actor.Scope.All {
		return "TRUE", nil
	}
	if actor.Role == model.RoleDepartment {
		ok, err := s.isSafetyDepartment(ctx, q, actor.Scope.DepartmentID)
		if err != nil || !ok {
			return "FALSE", err
		}
		return "TRUE", nil
	}
	if (actor.Role == model.RoleGridHead || actor.Role == model.RoleGridWorker) && len(actor.Scope.GridIDs) > 0 {
		return col + " " + inList(actor.Scope.GridIDs, args), nil
	}
	return "FALSE", nil
}

func (s *Store) isSafetyDepartment(ctx context.Context, q queryer, deptID int64) (bool, error) {
	if deptID == 0 {
		return false, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM departments WHERE id = $1 AND code = $2", deptID, SafetyDepartment).Scan(&n); err != nil {
		return false, fmt.Errorf("store: safety department: %w", err)
	}
	return n > 0, nil
}

// SafetyCanWrite reports whether the actor may record safety entries on a
// grid (gridID 0: on any grid at all), for pages to offer the forms.
func (s *Store) SafetyCanWrite(ctx context.Context, actor *model.Actor, gridID int64) bool {
	var args []any
	cond, err := s.safetyWriteSQL(ctx, s.R, actor, "gid", &args)
	if err != nil || cond == "FALSE" {
		return false
	}
	if gridID == 0 || cond == "TRUE" {
		return true
	}
	for _, g := range actor.Scope.GridIDs {
		if g == gridID {
			return true
		}
	}
	return false
}

// safetySortKey is the keyset key of the date order: the bytes YYYYMMDD.
func safetySortKey(d time.Time) []byte { return []byte(d.Format("20060102")) }

// SafetyRecord returns one record in the actor's read scope.
func (s *Store) SafetyRecord(ctx context.Context, actor *model.Actor, id int64) (model.SafetyRecord, error) {
	return s.safetyRecord(ctx, s.R, actor, id)
}

func (s *Store) safetyRecord(ctx context.Context, q queryer, actor *model.Actor, id int64) (model.SafetyRecord, error) {
	args := []any{id}
	r, err := scanSafety(q.QueryRowContext(ctx, "SELECT "+safetyCols+" FROM safety_records r"+safetyJoins+
		" WHERE r.id = $1 AND "+safetyScopeSQL(actor, "r.grid_id", &args), args...))
	return r, notFound(err, "safety")
}

// safetyForWrite reads a record the actor may change (ENOTFOUND otherwise:
// a record one may read but not write is not found for writing either).
func (s *Store) safetyForWrite(ctx context.Context, tx *Tx, actor *model.Actor, id int64) (model.SafetyRecord, error) {
	args := []any{id}
	cond, err := s.safetyWriteSQL(ctx, tx, actor, "r.grid_id", &args)
	if err != nil {
		return model.SafetyRecord{}, err
	}
	if cond == "FALSE" {
		return model.SafetyRecord{}, model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	r, err := scanSafety(tx.QueryRowContext(ctx, "SELECT "+safetyCols+" FROM safety_records r"+safetyJoins+
		" WHERE r.id = $1 AND "+cond, args...))
	return r, notFound(err, "safety")
}

// safetyRow is a checked input ready to write.
type safetyRow struct {
	in        model.SafetyInput
	gridID    int64
	occurred  time.Time
	lossYuan  int64
	severity  string
	hazard    string
	problemID int64
}

// checkSafety validates an input. old is the stored record on update (its
// kind and enterprise stay), nil on create.
func (s *Store) checkSafety(ctx context.Context, tx *Tx, actor *model.Actor, in model.SafetyInput, old *model.SafetyRecord) (safetyRow, error) {
	var v model.Validation
	row := safetyRow{in: in}
	today := civilDate(tx.now)
	if old != nil {
		if strings.TrimSpace(in.Kind) != "" && strings.TrimSpace(in.Kind) != old.Kind {
			v.Add("kind", "safety.kind_fixed")
		}
		if in.EnterpriseID != 0 && in.EnterpriseID != old.EnterpriseID {
			v.Add("enterprise_id", "safety.enterprise_fixed")
		}
		row.in.Kind, row.in.EnterpriseID, row.gridID = old.Kind, old.EnterpriseID, old.GridID
	} else {
		row.in.Kind = oneOf(&v, "kind", in.Kind, model.SafetyKinds, true)
	}
	if strings.TrimSpace(in.OccurredOn) == "" {
		v.Add("occurred_on", "field.required")
	} else if d := optDate(&v, "occurred_on", in.OccurredOn, today); d != nil {
		row.occurred = *d
		if old != nil && old.RectifiedOn != nil && old.RectifiedOn.Before(*d) {
			v.Add("occurred_on", "safety.after_rectified", old.RectifiedOn.Format("2006-01-02"))
		}
	}
	textField(&v, "description", &row.in.Description, rules.SafetyDescriptionMax, true)
	textField(&v, "follow_up", &row.in.FollowUp, rules.SafetyFollowUpMax, false)
	switch row.in.Kind {
	case model.SafetyIncident:
		for _, f := range []struct {
			name string
			n    int
		}{{"deaths", in.Deaths}, {"serious_injuries", in.SeriousInjuries}} {
			if f.n < 0 || f.n > rules.SafetyMaxPeople {
				v.Add(f.name, "field.range", 0, rules.SafetyMaxPeople)
			}
		}
		if t := strings.TrimSpace(in.LossWan); t != "" {
			y, ok := ParseWan(t)
			switch {
			case !ok:
				v.Add("loss_wan", "safety.loss_format")
			case y > rules.SafetyMaxLossYuan:
				v.Add("loss_wan", "field.range", "0", FormatWan(rules.SafetyMaxLossYuan))
			default:
				row.lossYuan = y
			}
		}
		derived := rules.Severity(max(in.Deaths, 0), max(in.SeriousInjuries, 0), row.lossYuan)
		row.severity = derived
		if pick := oneOf(&v, "severity", in.Severity, rules.Severities, false); pick != "" && !v.Has("severity") {
			if rules.SeverityRank(pick) < rules.SeverityRank(derived) {
				v.Add("severity", "safety.severity_below")
			} else {
				row.severity = pick
			}
		}
	case model.SafetyViolation:
		row.hazard = oneOf(&v, "hazard_level", in.HazardLevel, rules.HazardLevels, true)
	}
	if row.in.Kind != model.SafetyIncident {
		row.in.Deaths, row.in.SeriousInjuries = 0, 0
	}
	if old == nil {
		args := []any{in.EnterpriseID}
		cond, err := s.safetyWriteSQL(ctx, tx, actor, "e.grid_id", &args)
		if err != nil {
			return row, err
		}
		if cond == "FALSE" {
			return row, model.Errorf(model.EFORBIDDEN, "error.forbidden")
		}
		err = tx.QueryRowContext(ctx, "SELECT e.grid_id FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+cond,
			args...).Scan(&row.gridID)
		switch {
		case in.EnterpriseID == 0:
			v.Add("enterprise_id", "field.required")
		case errors.Is(err, sql.ErrNoRows):
			v.Add("enterprise_id", "field.unknown")
		case err != nil:
			return row, fmt.Errorf("store: safety enterprise: %w", err)
		}
	}
	if in.ProblemID != 0 && in.RaiseProblem {
		v.Add("problem_id", "safety.problem_both")
	} else if in.ProblemID != 0 && row.in.EnterpriseID != 0 {
		if err := s.checkSafetyProblem(ctx, tx, actor, &v, in.ProblemID, row.in.EnterpriseID); err != nil {
			return row, err
		}
		row.problemID = in.ProblemID
	}
	return row, v.Err()
}

// checkSafetyProblem accepts an existing problem of the same enterprise
// that the actor can see.
func (s *Store) checkSafetyProblem(ctx context.Context, tx *Tx, actor *model.Actor, v *model.Validation, problemID, enterpriseID int64) error {
	p, err := s.problem(ctx, tx, actor, problemID)
	switch {
	case model.ErrorCode(err) == model.ENOTFOUND:
		v.Add("problem_id", "field.unknown")
	case err != nil:
		return err
	case p.EnterpriseID != enterpriseID:
		v.Add("problem_id", "safety.problem_other_enterprise")
	}
	return nil
}

// raiseSafetyProblem registers an enterprise problem for a record through
// the problems' own create path (same transaction; its errors name
// "problem.<field>"). The category defaults to 安全隐患.
func (s *Store) raiseSafetyProblem(ctx context.Context, tx *Tx, actor *model.Actor, enterpriseID, categoryID int64, desc string) (int64, error) {
	if categoryID == 0 {
		if err := tx.QueryRowContext(ctx, "SELECT id FROM problem_categories WHERE code = $1", SafetyDepartment).Scan(&categoryID); err != nil &&
			!errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: safety category: %w", err)
		}
	}
	return s.createProblem(ctx, tx, actor, model.ProblemInput{EnterpriseID: enterpriseID, CategoryID: categoryID,
		Description: desc, Source: "self_report"}, 0, "problem.")
}

func safetyAudit(r safetyRow) map[string]any {
	return map[string]any{"enterprise_id": r.in.EnterpriseID, "kind": r.in.Kind, "occurred_on": r.occurred.Format("2006-01-02"),
		"description": r.in.Description, "follow_up": r.in.FollowUp, "severity": r.severity, "deaths": r.in.Deaths,
		"serious_injuries": r.in.SeriousInjuries, "loss_yuan": r.lossYuan, "hazard_level": r.hazard, "problem_id": r.problemID}
}

func safetyAuditOf(r model.SafetyRecord) map[string]any {
	return map[string]any{"enterprise_id": r.EnterpriseID, "kind": r.Kind, "occurred_on": r.OccurredOn.Format("2006-01-02"),
		"description": r.Description, "follow_up": r.FollowUp, "severity": r.Severity, "deaths": r.Deaths,
		"serious_injuries": r.SeriousInjuries, "loss_yuan": r.LossYuan, "hazard_level": r.HazardLevel, "problem_id": r.ProblemID,
		"open": r.Open, "rectified_on": fmtDate(r.RectifiedOn), "rectify_note": r.RectifyNote}
}

// CreateSafety records an entry on an enterprise the actor may write. A
// violation starts open. With RaiseProblem a problem is registered on the
// enterprise in the same transaction and linked.
func (s *Store) CreateSafety(ctx context.Context, actor *model.Actor, in model.SafetyInput) (model.SafetyRecord, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		row, err := s.checkSafety(ctx, tx, actor, in, nil)
		if err != nil {
			return err
		}
		if in.RaiseProblem {
			if row.problemID, err = s.raiseSafetyProblem(ctx, tx, actor, row.in.EnterpriseID, in.ProblemCategoryID, row.in.Description); err != nil {
				return err
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO safety_records (enterprise_id, grid_id, kind, occurred_on, sort_key, description,
			follow_up, severity, deaths, serious_injuries, loss_yuan, hazard_level, is_open, problem_id, created_by, created_at,
			updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1) RETURNING id`,
			row.in.EnterpriseID, row.gridID, row.in.Kind, row.occurred, safetySortKey(row.occurred), row.in.Description,
			row.in.FollowUp, row.severity, row.in.Deaths, row.in.SeriousInjuries, row.lossYuan, row.hazard,
			row.in.Kind == model.SafetyViolation, nullID(row.problemID), nullID(actor.UserID), tx.now).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: create safety record: %w", s.dialect.classify(err))
		}
		return tx.Audit(ctx, actor, Change{Action: "safety.create", Entity: "safety_record", EntityID: id, After: safetyAudit(row)})
	})
	if err != nil {
		return model.SafetyRecord{}, err
	}
	return s.SafetyRecord(ctx, model.System, id)
}

// UpdateSafety changes a record (its kind and enterprise stay); a stale
// version is a conflict.
func (s *Store) UpdateSafety(ctx context.Context, actor *model.Actor, id int64, in model.SafetyInput) (model.SafetyRecord, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.safetyForWrite(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if in.ProblemID == 0 && !in.RaiseProblem {
			in.ProblemID = old.ProblemID // the link stays unless changed
		}
		row, err := s.checkSafety(ctx, tx, actor, in, &old)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if in.RaiseProblem {
			if row.problemID, err = s.raiseSafetyProblem(ctx, tx, actor, old.EnterpriseID, in.ProblemCategoryID, row.in.Description); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE safety_records SET occurred_on = $1, sort_key = $2, description = $3, follow_up = $4,
			severity = $5, deaths = $6, serious_injuries = $7, loss_yuan = $8, hazard_level = $9, problem_id = $10, updated_at = $11,
			version = version + 1 WHERE id = $12 AND version = $13`,
			row.occurred, safetySortKey(row.occurred), row.in.Description, row.in.FollowUp, row.severity, row.in.Deaths,
			row.in.SeriousInjuries, row.lossYuan, row.hazard, nullID(row.problemID), tx.now, id, in.Version)
		if err != nil {
			return fmt.Errorf("store: update safety record: %w", s.dialect.classify(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "safety.update", Entity: "safety_record", EntityID: id,
			Before: safetyAuditOf(old), After: safetyAudit(row)})
	})
	if err != nil {
		return model.SafetyRecord{}, err
	}
	return s.SafetyRecord(ctx, model.System, id)
}

// RectifySafety closes an open hazard with the date and what was done.
func (s *Store) RectifySafety(ctx context.Context, actor *model.Actor, id int64, in model.SafetyRectify) (model.SafetyRecord, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.safetyForWrite(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if old.Kind != model.SafetyViolation || !old.Open {
			return model.Errorf(model.ECONFLICT, "safety.not_open")
		}
		var v model.Validation
		var day time.Time
		if strings.TrimSpace(in.RectifiedOn) == "" {
			v.Add("rectified_on", "field.required")
		} else if d := optDate(&v, "rectified_on", in.RectifiedOn, civilDate(tx.now)); d != nil {
			if d.Before(old.OccurredOn) {
				v.Add("rectified_on", "field.before_start", old.OccurredOn.Format("2006-01-02"))
			}
			day = *d
		}
		textField(&v, "note", &in.Note, rules.SafetyFollowUpMax, true)
		if err := v.Err(); err != nil {
			return err
		}
		if old.Version != in.Version {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		res, err := tx.ExecContext(ctx, `UPDATE safety_records SET is_open = FALSE, rectified_on = $1, rectify_note = $2, updated_at = $3,
			version = version + 1 WHERE id = $4 AND version = $5`, day, in.Note, tx.now, id, in.Version)
		if err != nil {
			return fmt.Errorf("store: rectify: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "safety.rectify", Entity: "safety_record", EntityID: id,
			Before: map[string]any{"open": true}, After: map[string]any{"open": false, "rectified_on": day.Format("2006-01-02"), "note": in.Note}})
	})
	if err != nil {
		return model.SafetyRecord{}, err
	}
	return s.SafetyRecord(ctx, model.System, id)
}

// RaiseSafetyProblem registers a problem for a record that has none yet
// and links it, in one transaction.
func (s *Store) RaiseSafetyProblem(ctx context.Context, actor *model.Actor, id, categoryID int64, version int) (model.SafetyRecord, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.safetyForWrite(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if old.ProblemID != 0 {
			return model.Errorf(model.ECONFLICT, "safety.problem_linked")
		}
		if old.Version != version {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		pid, err := s.raiseSafetyProblem(ctx, tx, actor, old.EnterpriseID, categoryID, old.Description)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE safety_records SET problem_id = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
			pid, tx.now, id, version)
		if err != nil {
			return fmt.Errorf("store: safety problem: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "safety.raise_problem", Entity: "safety_record", EntityID: id,
			After: map[string]any{"problem_id": pid}})
	})
	if err != nil {
		return model.SafetyRecord{}, err
	}
	return s.SafetyRecord(ctx, model.System, id)
}

// DeleteSafety removes a record (the audit entry keeps it); version-checked.
func (s *Store) DeleteSafety(ctx context.Context, actor *model.Actor, id int64, version int, reason string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		old, err := s.safetyForWrite(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		var v model.Validation
		textField(&v, "reason", &reason, 200, false)
		if err := v.Err(); err != nil {
			return err
		}
		if old.Version != version {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM safety_records WHERE id = $1 AND version = $2", id, version)
		if err != nil {
			return fmt.Errorf("store: delete safety record: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "safety.delete", Entity: "safety_record", EntityID: id,
			Before: safetyAuditOf(old), Reason: reason})
	})
}

// majorSQL selects the incidents that count as major accidents
// (rules.MajorSeverities: constants, never user input).
var majorSQL = func() string {
	q := make([]string, len(rules.MajorSeverities))
	for i, m := range rules.MajorSeverities {
		q[i] = "'" + m + "'"
	}
	return "r.severity IN (" + strings.Join(q, ", ") + ")"
}()

// SafetyListFilter selects records for the list.
type SafetyListFilter struct {
	GridID       int64 // with its subtree
	EnterpriseID int64
	Kind         string
	Severity     string
	OpenOnly     bool // open hazards: violations not rectified
	From, To     time.Time
	Keyword      string // in the description
	Asc          bool   // oldest first (default newest first)
	Cursor       string
	Limit        int
}

// ListSafety pages through records in scope by date (keyset on sort_key,
// id). The whole scope reads safety_sort, one grid safety_grid_sort, one
// enterprise safety_enterprise, open hazards the partial safety_open.
func (s *Store) ListSafety(ctx context.Context, actor *model.Actor, f SafetyListFilter) (items []model.SafetyRecord, next, prev string, err error) {
	var args []any
	where := []string{safetyScopeSQL(actor, "r.grid_id", &args)}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.GridID != 0 {
		ids, err := s.GridSubtree(ctx, f.GridID)
		if err != nil {
			return nil, "", "", err
		}
		where = append(where, "r.grid_id "+inList(ids, &args))
	}
	if f.EnterpriseID != 0 {
		add("r.enterprise_id = $%d", f.EnterpriseID)
	}
	if f.Kind != "" {
		add("r.kind = $%d", f.Kind)
	}
	if f.Severity != "" {
		add("r.severity = $%d", f.Severity)
	}
	if f.OpenOnly {
		where = append(where, "r.is_open = TRUE")
	}
	if !f.From.IsZero() {
		add("r.sort_key >= $%d", safetySortKey(f.From))
	}
	if !f.To.IsZero() {
		add("r.sort_key <= $%d", safetySortKey(f.To))
	}
	if kw := strings.TrimSpace(f.Keyword); kw != "" {
		args = append(args, "%"+strings.ToLower(escapeLike(kw))+"%")
		where = append(where, fmt.Sprintf("lower(r.description) LIKE $%d ESCAPE '\\'", len(args)))
	}
	return keysetPage(ctx, s, keysetQuery{
		Select:    "SELECT " + safetyCols + ", r.sort_key FROM (%s) pg JOIN safety_records r ON r.id = pg.id" + safetyJoins,
		InnerFrom: "safety_records r", Where: where, Args: args,
		KeyCol: "r.sort_key", KeyKind: 'b', Desc: !f.Asc, Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.SafetyRecord, []byte, int64, error) {
			var key []byte
			r, err := scanSafety(scanPlus{rows, &key})
			return r, key, r.ID, err
		})
}

// scanPlus scans a row's columns followed by extra destinations.
type scanPlus struct {
	rows  *sql.Rows
	extra *[]byte
}

func (p scanPlus) Scan(dest ...any) error { return p.rows.Scan(append(dest, p.extra)...) }

// SafetyFilter selects the records the figures count.
type SafetyFilter struct {
	GridIDs  []int64   // nil = the actor's whole scope; else these grids (each with its subtree), within the scope
	From, To time.Time // inclusive civil dates; zero = unbounded
}

// SafetySummary are the safety figures of a scope and period.
type SafetySummary struct {
	Inspections, Violations, Incidents int            // in [From,To]
	IncidentsBySeverity                map[string]int // code → count in [From,To]
	MajorAccidents                     int            // incidents of a "major" severity in [From,To]
	Deaths                             int
	OpenHazards, OpenMajorHazards      int        // open now (as of To, or the store clock when To is zero)
	LastMajorOn                        *time.Time // last major accident ever (up to To) in scope, nil if none
	RecordsSince                       *time.Time // date of the first safety record in scope, nil if none
	DaysSinceMajor                     *int       // days from LastMajorOn to To (or today); nil when there was none
}

// GridSafety are one grid's figures.
type GridSafety struct {
	GridID         int64  `json:"grid_id"`
	GridName       string `json:"grid_name"`
	Incidents      int    `json:"incidents"`
	Major          int    `json:"major"`
	OpenHazards    int    `json:"open_hazards"`
	DaysSinceMajor *int   `json:"days_since_major"`
}

// safetyFigureScope is the WHERE shared by the figures: the actor's scope
// and the filter's grids.
func (s *Store) safetyFigureScope(ctx context.Context, actor *model.Actor, f SafetyFilter, args *[]any) (string, error) {
	cond := safetyScopeSQL(actor, "r.grid_id", args)
	if f.GridIDs != nil {
		ids, err := s.GridSubtree(ctx, f.GridIDs...)
		if err != nil {
			return "", err
		}
		cond += " AND r.grid_id " + inList(ids, args)
	}
	return cond, nil
}

// safetyAsOf is the day "now" means for the figures: To, or today.
func (s *Store) safetyAsOf(f SafetyFilter) time.Time {
	if !f.To.IsZero() {
		return civilDate(f.To)
	}
	return civilDate(s.now())
}

// periodSQL adds the [From, To] bounds on occurred_on.
func periodSQL(f SafetyFilter, args *[]any) string {
	cond := ""
	if !f.From.IsZero() {
		*args = append(*args, civilDate(f.From))
		cond += fmt.Sprintf(" AND r.occurred_on >= $%d", len(*args))
	}
	if !f.To.IsZero() {
		*args = append(*args, civilDate(f.To))
		cond += fmt.Sprintf(" AND r.occurred_on <= $%d", len(*args))
	}
	return cond
}

// openConds gives the conditions whose matches, added up, are the hazards
// open on day asOf (%[1]d is its parameter): with no To, the is_open flag
// (the partial index safety_open); else those still open and found by
// then (safety_open) plus those rectified after it (safety_rectified) —
// two small sets instead of every violation up to To.
func openConds(f SafetyFilter) []string {
	if f.To.IsZero() {
		return []string{"r.is_open = TRUE"}
	}
	return []string{"r.is_open = TRUE AND r.occurred_on <= $%[1]d", "r.rectified_on > $%[1]d AND r.occurred_on <= $%[1]d"}
}

// openQuery binds one of openConds to the figures' scope.
func (s *Store) openQuery(ctx context.Context, actor *model.Actor, f SafetyFilter, asOf time.Time, cond string) (string, []any, error) {
	var args []any
	scope, err := s.safetyFigureScope(ctx, actor, f, &args)
	if err != nil {
		return "", nil, err
	}
	if strings.Contains(cond, "%") {
		args = append(args, asOf)
		cond = fmt.Sprintf(cond, len(args))
	}
	return scope + " AND " + cond, args, nil
}

func daysBetween(from, to time.Time) int { return int(civilDate(to).Sub(civilDate(from)).Hours() / 24) }

// SafetySummary counts the records of the period per kind (index ranges
// on safety_day zone-wide, safety_grid_day for grids; covering), the
// hazards open as of To (safety_open, plus safety_rectified when To is
// set), the last major accident up to To (safety_major) and the first
// record (safety_sort / safety_grid_sort). Measured over 500,000 records
// (BenchmarkSafety*, SQLite): a grid's summary in about a millisecond.
func (s *Store) SafetySummary(ctx context.Context, actor *model.Actor, f SafetyFilter) (SafetySummary, error) {
	sum := SafetySummary{IncidentsBySeverity: map[string]int{}}
	asOf := s.safetyAsOf(f)
	// One query per kind: each an index range on (kind, date) or, for a
	// grid, (grid, kind, date), counted without a sort; the incidents (few)
	// grouped by severity.
	for _, kind := range model.SafetyKinds {
		args := []any{kind}
		scope, err := s.safetyFigureScope(ctx, actor, f, &args)
		if err != nil {
			return sum, err
		}
		where := " FROM safety_records r WHERE r.kind = $1 AND " + scope + periodSQL(f, &args)
		if kind != model.SafetyIncident {
			var n int
			if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*)"+where, args...).Scan(&n); err != nil {
				return sum, fmt.Errorf("store: safety summary: %w", err)
			}
			if kind == model.SafetyInspection {
				sum.Inspections = n
			} else {
				sum.Violations = n
			}
			continue
		}
		rows, err := s.R.QueryContext(ctx, "SELECT r.severity, COUNT(*), COALESCE(SUM(r.deaths), 0)"+where+" GROUP BY r.severity", args...)
		if err != nil {
			return sum, fmt.Errorf("store: safety summary: %w", err)
		}
		for rows.Next() {
			var sev string
			var n, deaths int
			if err := rows.Scan(&sev, &n, &deaths); err != nil {
				rows.Close()
				return sum, err
			}
			sum.Incidents += n
			sum.IncidentsBySeverity[sev] += n
			if rules.IsMajorAccident(sev) {
				sum.MajorAccidents += n
			}
			sum.Deaths += deaths
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return sum, err
		}
	}

	for _, c := range openConds(f) {
		cond, args, err := s.openQuery(ctx, actor, f, asOf, c)
		if err != nil {
			return sum, err
		}
		var n, major int
		if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.hazard_level = 'major' THEN 1 ELSE 0 END), 0) "+
			"FROM safety_records r WHERE "+cond, args...).Scan(&n, &major); err != nil {
			return sum, fmt.Errorf("store: safety open hazards: %w", err)
		}
		sum.OpenHazards += n
		sum.OpenMajorHazards += major
	}

	// ORDER BY … LIMIT 1 rather than MAX(): SQLite reports an aggregate of
	// a date column as text.
	first := func(cond, order string, a []any) (*time.Time, error) {
		var d time.Time
		err := s.R.QueryRowContext(ctx, "SELECT r.occurred_on FROM safety_records r WHERE "+cond+
			" ORDER BY "+order+" LIMIT 1", a...).Scan(&d)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, fmt.Errorf("store: safety dates: %w", err)
		}
		d = d.UTC()
		return &d, nil
	}
	var args []any
	scope, err := s.safetyFigureScope(ctx, actor, f, &args)
	if err != nil {
		return sum, err
	}
	args = append(args, asOf)
	// safety_major: a range per major severity.
	if sum.LastMajorOn, err = first(scope+fmt.Sprintf(" AND "+majorSQL+" AND r.occurred_on <= $%d", len(args)),
		"r.occurred_on DESC", args); err != nil {
		return sum, err
	}
	args = nil
	scope, _ = s.safetyFigureScope(ctx, actor, f, &args)
	// The date order's key: safety_sort, or safety_grid_sort for grids.
	if sum.RecordsSince, err = first(scope, "r.sort_key, r.id", args); err != nil {
		return sum, err
	}
	if sum.LastMajorOn != nil {
		d := daysBetween(*sum.LastMajorOn, asOf)
		sum.DaysSinceMajor = &d
	}
	return sum, nil
}

// SafetyByGrid gives each grid in scope (or of f.GridIDs, with subtrees)
// that holds enterprises' records its incidents and major accidents in
// [From,To], its open hazards and the days since its last major accident.
// Three GROUP BY grid_id queries: the incidents of the period on
// safety_day (kind = incident, covering), the open hazards on safety_open
// (and safety_rectified as of a past To), the major accidents on
// safety_major.
func (s *Store) SafetyByGrid(ctx context.Context, actor *model.Actor, f SafetyFilter) ([]GridSafety, error) {
	grids, err := s.GridOptions(ctx, actor)
	if err != nil {
		return nil, err
	}
	keep := map[int64]bool{}
	if f.GridIDs != nil {
		ids, err := s.GridSubtree(ctx, f.GridIDs...)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			keep[id] = true
		}
	}
	asOf := s.safetyAsOf(f)
	byID := map[int64]*GridSafety{}
	var out []GridSafety
	for _, g := range grids {
		if f.GridIDs == nil || keep[g.ID] {
			out = append(out, GridSafety{GridID: g.ID, GridName: g.Name})
		}
	}
	for i := range out {
		byID[out[i].GridID] = &out[i]
	}
	group := func(q string, args []any, fn func(g *GridSafety, rows *sql.Rows) error) error {
		rows, err := s.R.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: safety by grid: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var g GridSafety
			if err := fn(&g, rows); err != nil {
				return err
			}
			if t := byID[g.GridID]; t != nil {
				t.Incidents += g.Incidents
				t.Major += g.Major
				t.OpenHazards += g.OpenHazards
				if g.DaysSinceMajor != nil {
					t.DaysSinceMajor = g.DaysSinceMajor
				}
			}
		}
		return rows.Err()
	}
	var args []any
	scope, err := s.safetyFigureScope(ctx, actor, f, &args)
	if err != nil {
		return nil, err
	}
	period := periodSQL(f, &args)
	if err := group(`SELECT r.grid_id, COUNT(*), COALESCE(SUM(CASE WHEN `+majorSQL+` THEN 1 ELSE 0 END), 0)
		FROM safety_records r WHERE r.kind = 'incident' AND `+scope+period+" GROUP BY r.grid_id", args,
		func(g *GridSafety, rows *sql.Rows) error { return rows.Scan(&g.GridID, &g.Incidents, &g.Major) }); err != nil {
		return nil, err
	}
	for _, c := range openConds(f) {
		cond, args, err := s.openQuery(ctx, actor, f, asOf, c)
		if err != nil {
			return nil, err
		}
		if err := group("SELECT r.grid_id, COUNT(*) FROM safety_records r WHERE "+cond+" GROUP BY r.grid_id", args,
			func(g *GridSafety, rows *sql.Rows) error { return rows.Scan(&g.GridID, &g.OpenHazards) }); err != nil {
			return nil, err
		}
	}
	// The last major accident per grid: one row per major accident up to
	// To (rare by nature), the latest kept in Go (no MAX over a date).
	args = nil
	scope, _ = s.safetyFigureScope(ctx, actor, f, &args)
	args = append(args, asOf)
	last := map[int64]time.Time{}
	rows, err := s.R.QueryContext(ctx, "SELECT r.grid_id, r.occurred_on FROM safety_records r WHERE "+scope+
		fmt.Sprintf(" AND "+majorSQL+" AND r.occurred_on <= $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: safety by grid: %w", err)
	}
	for rows.Next() {
		var id int64
		var d time.Time
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return nil, err
		}
		if d.After(last[id]) {
			last[id] = d
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, d := range last {
		if t := byID[id]; t != nil {
			n := daysBetween(d, asOf)
			t.DaysSinceMajor = &n
		}
	}
	return out, nil
}
