package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"redgrid/internal/model"
)

// 三师助企: the register of experts (律师, 会计师, 工程师 … a dictionary) and
// the services they gave enterprises. Administrators keep the register;
// grid staff record services for their grids' enterprises and see those.

// ExpertKinds lists the kind dictionary.
func (s *Store) ExpertKinds(ctx context.Context) ([]model.ExpertKind, error) {
	return s.dictEntries(ctx, "expert_kinds")
}

// SaveExpertKind creates (ID 0) or updates a kind; administrators only.
func (s *Store) SaveExpertKind(ctx context.Context, actor *model.Actor, in model.ExpertKind) (int64, error) {
	return s.saveDictEntry(ctx, actor, "expert_kinds", "expert_kind", "expert_kind", in)
}

const expertCols = `x.id, x.name, x.kind_id, COALESCE(k.name, ''), x.employer, x.specialty, x.active, x.updated_at, x.version`

func scanExpert(sc interface{ Scan(...any) error }) (model.Expert, error) {
	var x model.Expert
	err := sc.Scan(&x.ID, &x.Name, &x.KindID, &x.KindName, &x.Employer, &x.Specialty, &x.Active, &x.UpdatedAt, &x.Version)
	x.UpdatedAt = x.UpdatedAt.UTC()
	return x, err
}

// Experts lists the register with each expert's service count in scope.
func (s *Store) Experts(ctx context.Context, actor *model.Actor) ([]model.Expert, error) {
	var args []any
	rows, err := s.R.QueryContext(ctx, "SELECT "+expertCols+`, (SELECT COUNT(*) FROM expert_services es WHERE es.expert_id = x.id AND `+
		policyScopeSQL(actor, "es.grid_id", &args)+`) FROM experts x LEFT JOIN expert_kinds k ON k.id = x.kind_id ORDER BY k.position, x.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: experts: %w", err)
	}
	defer rows.Close()
	var out []model.Expert
	for rows.Next() {
		var x model.Expert
		if err := rows.Scan(&x.ID, &x.Name, &x.KindID, &x.KindName, &x.Employer, &x.Specialty, &x.Active, &x.UpdatedAt,
			&x.Version, &x.Services); err != nil {
			return nil, err
		}
		x.UpdatedAt = x.UpdatedAt.UTC()
		out = append(out, x)
	}
	return out, rows.Err()
}

// Expert returns one expert.
func (s *Store) Expert(ctx context.Context, id int64) (model.Expert, error) {
	x, err := scanExpert(s.R.QueryRowContext(ctx, "SELECT "+expertCols+" FROM experts x LEFT JOIN expert_kinds k ON k.id = x.kind_id WHERE x.id = $1", id))
	return x, notFound(err, "expert")
}

// SaveExpert creates (id 0) or updates an expert; administrators only.
func (s *Store) SaveExpert(ctx context.Context, actor *model.Actor, id int64, in model.Expert) (model.Expert, error) {
	if !actor.Scope.All {
		return model.Expert{}, model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		var v model.Validation
		textField(&v, "name", &in.Name, 50, true)
		textField(&v, "employer", &in.Employer, 100, false)
		textField(&v, "specialty", &in.Specialty, 200, false)
		var n int
		if in.KindID == 0 {
			v.Add("kind_id", "field.required")
		} else if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM expert_kinds WHERE id = $1 AND active = TRUE", in.KindID).Scan(&n); err != nil || n == 0 {
			v.Add("kind_id", "field.choose")
		}
		if err := v.Err(); err != nil {
			return err
		}
		after := map[string]any{"name": in.Name, "kind_id": in.KindID, "employer": in.Employer, "specialty": in.Specialty, "active": in.Active}
		if id == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO experts (name, kind_id, employer, specialty, active, created_at, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $6, 1) RETURNING id`, in.Name, in.KindID, in.Employer, in.Specialty, in.Active, tx.now).Scan(&id); err != nil {
				return fmt.Errorf("store: create expert: %w", err)
			}
			return tx.Audit(ctx, actor, Change{Action: "expert.create", Entity: "expert", EntityID: id, After: after})
		}
		old, err := scanExpert(tx.QueryRowContext(ctx, "SELECT "+expertCols+" FROM experts x LEFT JOIN expert_kinds k ON k.id = x.kind_id WHERE x.id = $1", id))
		if err != nil {
			return notFound(err, "expert")
		}
		res, err := tx.ExecContext(ctx, `UPDATE experts SET name = $1, kind_id = $2, employer = $3, specialty = $4, active = $5,
			updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8`, in.Name, in.KindID, in.Employer, in.Specialty, in.Active,
			tx.now, id, in.Version)
		if err != nil {
			return fmt.Errorf("store: update expert: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "expert.update", Entity: "expert", EntityID: id, After: after,
			Before: map[string]any{"name": old.Name, "kind_id": old.KindID, "employer": old.Employer, "specialty": old.Specialty, "active": old.Active}})
	})
	if err != nil {
		return model.Expert{}, err
	}
	return s.Expert(ctx, id)
}

const serviceCols = `es.id, es.expert_id, es.enterprise_id, es.grid_id, es.served_on, es.topic, es.outcome,
	COALESCE(x.name, ''), COALESCE(k.name, ''), COALESCE(e.name, '')`

const serviceJoins = ` LEFT JOIN experts x ON x.id = es.expert_id LEFT JOIN expert_kinds k ON k.id = x.kind_id
	LEFT JOIN enterprises e ON e.id = es.enterprise_id`

func scanService(sc interface{ Scan(...any) error }) (model.ExpertService, error) {
	var r model.ExpertService
	err := sc.Scan(&r.ID, &r.ExpertID, &r.EnterpriseID, &r.GridID, &r.ServedOn, &r.Topic, &r.Outcome, &r.ExpertName, &r.KindName, &r.EnterpriseName)
	r.ServedOn = r.ServedOn.UTC()
	return r, err
}

// CreateExpertService records a service to an enterprise of the caller's
// grids (administrators: any).
func (s *Store) CreateExpertService(ctx context.Context, actor *model.Actor, in model.ExpertServiceInput) (model.ExpertService, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var v model.Validation
		textField(&v, "topic", &in.Topic, 200, true)
		textField(&v, "outcome", &in.Outcome, 2000, false)
		day, err := time.Parse("2006-01-02", strings.TrimSpace(in.ServedOn))
		switch {
		case strings.TrimSpace(in.ServedOn) == "":
			v.Add("served_on", "field.required")
		case err != nil:
			v.Add("served_on", "field.date_format")
		case day.After(tx.now):
			v.Add("served_on", "field.date_future")
		}
		var n int
		if in.ExpertID == 0 {
			v.Add("expert_id", "field.required")
		} else if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM experts WHERE id = $1 AND active = TRUE", in.ExpertID).Scan(&n); err != nil || n == 0 {
			v.Add("expert_id", "field.unknown")
		}
		args := []any{in.EnterpriseID}
		var gridID int64
		err = tx.QueryRowContext(ctx, "SELECT e.grid_id FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
			enterpriseWriteScopeSQL(actor, &args), args...).Scan(&gridID)
		switch {
		case in.EnterpriseID == 0:
			v.Add("enterprise_id", "field.required")
		case errors.Is(err, sql.ErrNoRows):
			v.Add("enterprise_id", "field.unknown")
		case err != nil:
			return fmt.Errorf("store: service enterprise: %w", err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO expert_services (expert_id, enterprise_id, grid_id, served_on, topic, outcome,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, in.ExpertID, in.EnterpriseID, gridID, day,
			in.Topic, in.Outcome, nullID(actor.UserID), tx.now).Scan(&id); err != nil {
			return fmt.Errorf("store: create service: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "expert.service", Entity: "expert_service", EntityID: id, After: in})
	})
	if err != nil {
		return model.ExpertService{}, err
	}
	r, err := scanService(s.R.QueryRowContext(ctx, "SELECT "+serviceCols+" FROM expert_services es"+serviceJoins+" WHERE es.id = $1", id))
	return r, notFound(err, "service")
}

// ServiceFilter selects service records.
type ServiceFilter struct {
	ExpertID     int64
	EnterpriseID int64
	Limit        int
}

// ExpertServices lists services in scope, newest first.
func (s *Store) ExpertServices(ctx context.Context, actor *model.Actor, f ServiceFilter) ([]model.ExpertService, error) {
	var args []any
	where := []string{policyScopeSQL(actor, "es.grid_id", &args)}
	if f.ExpertID != 0 {
		args = append(args, f.ExpertID)
		where = append(where, fmt.Sprintf("es.expert_id = $%d", len(args)))
	}
	if f.EnterpriseID != 0 {
		args = append(args, f.EnterpriseID)
		where = append(where, fmt.Sprintf("es.enterprise_id = $%d", len(args)))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.R.QueryContext(ctx, "SELECT "+serviceCols+" FROM expert_services es"+serviceJoins+" WHERE "+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY es.served_on DESC, es.id DESC LIMIT %d", f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: services: %w", err)
	}
	defer rows.Close()
	var out []model.ExpertService
	for rows.Next() {
		r, err := scanService(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ServiceCount is a number of services for a grid or an enterprise.
type ServiceCount struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// ServiceCounts counts services in scope per grid and per enterprise (the
// 50 enterprises served most).
func (s *Store) ServiceCounts(ctx context.Context, actor *model.Actor) (byGrid, byEnterprise []ServiceCount, err error) {
	read := func(q string, args []any) ([]ServiceCount, error) {
		rows, err := s.R.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: service counts: %w", err)
		}
		defer rows.Close()
		var out []ServiceCount
		for rows.Next() {
			var c ServiceCount
			if err := rows.Scan(&c.ID, &c.Name, &c.Count); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	var args []any
	byGrid, err = read(`SELECT g.id, g.name, COUNT(*) FROM expert_services es JOIN grids g ON g.id = es.grid_id WHERE `+
		policyScopeSQL(actor, "es.grid_id", &args)+` GROUP BY g.id, g.name ORDER BY g.name, g.id`, args)
	if err != nil {
		return nil, nil, err
	}
	args = nil
	byEnterprise, err = read(`SELECT e.id, e.name, COUNT(*) FROM expert_services es JOIN enterprises e ON e.id = es.enterprise_id WHERE `+
		policyScopeSQL(actor, "es.grid_id", &args)+` GROUP BY e.id, e.name ORDER BY COUNT(*) DESC, e.id LIMIT 50`, args)
	return byGrid, byEnterprise, err
}
