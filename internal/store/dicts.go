package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// SeedDictionaries inserts the seeded industries and departments when absent.
// It runs at every start and is idempotent.
func (s *Store) SeedDictionaries(ctx context.Context) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for i, in := range rules.SeedIndustries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO industries (code, name, name_en, position, active)
				VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT (code) DO NOTHING`, in.Code, in.Name, in.NameEn, (i+1)*10); err != nil {
				return fmt.Errorf("store: seed industries: %w", err)
			}
		}
		for _, d := range rules.SeedDepartments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO departments (code, name, name_en)
				VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING`, d.Code, d.Name, d.NameEn); err != nil {
				return fmt.Errorf("store: seed departments: %w", err)
			}
		}
		for i, t := range rules.SeedVisitTopics {
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_topics (code, name, name_en, position, active)
				VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT (code) DO NOTHING`, t.Code, t.Name, t.NameEn, (i+1)*10); err != nil {
				return fmt.Errorf("store: seed visit topics: %w", err)
			}
		}
		for i, c := range rules.SeedProblemCategories {
			if _, err := tx.ExecContext(ctx, `INSERT INTO problem_categories (code, name, name_en, department_id, deadline_days, position, active)
				SELECT $1, $2, $3, d.id, $4, $5, TRUE FROM departments d WHERE d.code = $6 ON CONFLICT (code) DO NOTHING`,
				c.Code, c.Name, c.NameEn, c.Days, (i+1)*10, c.Department); err != nil {
				return fmt.Errorf("store: seed problem categories: %w", err)
			}
		}
		for i, k := range rules.SeedExpertKinds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO expert_kinds (code, name, name_en, position, active)
				VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT (code) DO NOTHING`, k.Code, k.Name, k.NameEn, (i+1)*10); err != nil {
				return fmt.Errorf("store: seed expert kinds: %w", err)
			}
		}
		return nil
	})
}

// Industries lists the dictionary in display order.
func (s *Store) Industries(ctx context.Context) ([]model.Industry, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT id, code, name, name_en, position, active FROM industries ORDER BY position, id")
	if err != nil {
		return nil, fmt.Errorf("store: industries: %w", err)
	}
	defer rows.Close()
	var out []model.Industry
	for rows.Next() {
		var in model.Industry
		if err := rows.Scan(&in.ID, &in.Code, &in.Name, &in.NameEn, &in.Position, &in.Active); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// SaveIndustry creates (ID 0) or updates an industry.
func (s *Store) SaveIndustry(ctx context.Context, actor *model.Actor, in model.Industry) (int64, error) {
	var v model.Validation
	in.Code, in.Name, in.NameEn = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEn)
	if !validCode(in.Code) {
		v.Add("code", "field.code_format")
	}
	if in.Name == "" {
		v.Add("name", "field.required")
	} else if len([]rune(in.Name)) > 32 {
		v.Add("name", "field.too_long", 32)
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		var before *model.Industry
		if in.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO industries (code, name, name_en, position, active)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.Code, in.Name, in.NameEn, in.Position, in.Active).Scan(&in.ID)
			if err != nil {
				return s.dictConflict(err)
			}
		} else {
			var old model.Industry
			err := tx.QueryRowContext(ctx, "SELECT id, code, name, name_en, position, active FROM industries WHERE id = $1", in.ID).
				Scan(&old.ID, &old.Code, &old.Name, &old.NameEn, &old.Position, &old.Active)
			if err != nil {
				return notFound(err, "industry")
			}
			before = &old
			if _, err := tx.ExecContext(ctx, `UPDATE industries SET code = $1, name = $2, name_en = $3, position = $4, active = $5 WHERE id = $6`,
				in.Code, in.Name, in.NameEn, in.Position, in.Active, in.ID); err != nil {
				return s.dictConflict(err)
			}
		}
		verb := "industry.create"
		if before != nil {
			verb = "industry.update"
		}
		return tx.Audit(ctx, actor, Change{Action: verb, Entity: "industry", EntityID: in.ID, Before: before, After: in})
	})
	return in.ID, err
}

func (s *Store) dictConflict(err error) error {
	if errors.Is(s.dialect.classify(err), errUnique) {
		return model.FieldConflict("code", "field.duplicate_code")
	}
	return fmt.Errorf("store: save dictionary: %w", err)
}

// Departments lists the departments.
func (s *Store) Departments(ctx context.Context) ([]model.Department, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT id, code, name, name_en FROM departments ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: departments: %w", err)
	}
	defer rows.Close()
	var out []model.Department
	for rows.Next() {
		var d model.Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.NameEn); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DepartmentByCode finds a department.
func (s *Store) DepartmentByCode(ctx context.Context, code string) (model.Department, error) {
	var d model.Department
	err := s.R.QueryRowContext(ctx, "SELECT id, code, name, name_en FROM departments WHERE code = $1", code).
		Scan(&d.ID, &d.Code, &d.Name, &d.NameEn)
	return d, notFound(err, "department")
}

// validCode accepts register codes: 1–32 letters, digits, dash or underscore.
func validCode(c string) bool {
	if c == "" || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// checkCodeName trims and checks the code and name every register carries.
func checkCodeName(v *model.Validation, code, name *string, maxName int) {
	*code, *name = strings.TrimSpace(*code), strings.TrimSpace(*name)
	if *code == "" {
		v.Add("code", "field.required")
	} else if !validCode(*code) {
		v.Add("code", "field.code_format")
	}
	if *name == "" {
		v.Add("name", "field.required")
	} else if len([]rune(*name)) > maxName {
		v.Add("name", "field.too_long", maxName)
	}
}

// dictEntries lists a small dictionary table (code, name, name_en,
// position, active) in its order.
func (s *Store) dictEntries(ctx context.Context, table string) ([]model.DictEntry, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT id, code, name, name_en, position, active FROM "+table+" ORDER BY position, id")
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", table, err)
	}
	defer rows.Close()
	var out []model.DictEntry
	for rows.Next() {
		var e model.DictEntry
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.NameEn, &e.Position, &e.Active); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// saveDictEntry creates (ID 0) or updates an entry of a dictionary table;
// administrators only. what names the audit action (what.save) and the
// not-found message (error.not_found.what); entity is the audit entity.
func (s *Store) saveDictEntry(ctx context.Context, actor *model.Actor, table, what, entity string, in model.DictEntry) (int64, error) {
	if !actor.Scope.All {
		return 0, model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	var v model.Validation
	checkCodeName(&v, &in.Code, &in.Name, 32)
	in.NameEn = strings.TrimSpace(in.NameEn)
	if err := v.Err(); err != nil {
		return 0, err
	}
	id := in.ID
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		if id == 0 {
			err = tx.QueryRowContext(ctx, "INSERT INTO "+table+` (code, name, name_en, position, active) VALUES ($1, $2, $3, $4, $5)
				RETURNING id`, in.Code, in.Name, in.NameEn, in.Position, in.Active).Scan(&id)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, "UPDATE "+table+` SET code = $1, name = $2, name_en = $3, position = $4, active = $5
				WHERE id = $6`, in.Code, in.Name, in.NameEn, in.Position, in.Active, id)
			if err == nil {
				if k, _ := res.RowsAffected(); k == 0 {
					return model.Errorf(model.ENOTFOUND, "error.not_found."+what)
				}
			}
		}
		if err != nil {
			return s.dictConflict(err)
		}
		in.ID = id
		return tx.Audit(ctx, actor, Change{Action: what + ".save", Entity: entity, EntityID: id, After: in})
	})
	return id, err
}
