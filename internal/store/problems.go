package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// 涉企问题: enterprise problems, routed by their category to a department
// and followed until solved. Every step is an event on the problem's
// timeline and an audit entry, in the step's transaction. Deadlines count
// working days on the calendar (calendar.go).

// Problem actions, each a POST on the problem.
const (
	PActAccept       = "accept"       // 受理: registered → accepted (grid side)
	PActDispatch     = "dispatch"     // 派单: accepted/reopened/not_ours → assigned (grid side)
	PActStart        = "start"        // 开始处理: assigned → in_progress (department)
	PActResolve      = "resolve"      // 办结: assigned/in_progress → resolved, with the answer (department)
	PActUnresolvable = "unresolvable" // 无法解决, with a reason (department)
	PActNotOurs      = "not_ours"     // 非本部门职责, with a reason; back to the grid side to re-route (department)
	PActDuplicate    = "duplicate"    // 重复 of another problem (grid side)
	PActClose        = "close"        // 关闭 (grid side)
	PActReopen       = "reopen"       // 重开, with a reason (grid side)
	PActSatisfaction = "satisfaction" // 满意度回访 after 办结: 不满意 reopens, else closes (grid side)
	PActRecategorize = "recategorize" // 改类: a new category; a routed problem goes to its department (grid side)
)

// ProblemActions lists the actions in flow order.
var ProblemActions = []string{PActAccept, PActDispatch, PActStart, PActResolve, PActUnresolvable, PActNotOurs,
	PActDuplicate, PActClose, PActReopen, PActSatisfaction, PActRecategorize}

// deptActions are taken by the department the problem is routed to.
var deptActions = []string{PActStart, PActResolve, PActUnresolvable, PActNotOurs}

// problemNext gives the state an action leads to from st ("" = illegal).
// Satisfaction and recategorize depend on their input and are decided in
// ActOnProblem.
func problemNext(st, action string) string {
	in := func(states ...string) bool { return slices.Contains(states, st) }
	switch action {
	case PActAccept:
		if in(model.PRegistered) {
			return model.PAccepted
		}
	case PActDispatch:
		if in(model.PAccepted, model.PReopened, model.PNotOurs) {
			return model.PAssigned
		}
	case PActStart:
		if in(model.PAssigned) {
			return model.PInProgress
		}
	case PActResolve:
		if in(model.PAssigned, model.PInProgress) {
			return model.PResolved
		}
	case PActUnresolvable:
		if in(model.PAssigned, model.PInProgress) {
			return model.PUnresolvable
		}
	case PActNotOurs:
		if in(model.PAssigned, model.PInProgress) {
			return model.PNotOurs
		}
	case PActDuplicate:
		if model.ProblemOpen(st) {
			return model.PDuplicate
		}
	case PActClose:
		if in(model.PResolved, model.PUnresolvable, model.PDuplicate) {
			return model.PClosed
		}
	case PActReopen:
		if in(model.PClosed, model.PUnresolvable) {
			return model.PReopened
		}
	case PActSatisfaction:
		if in(model.PResolved) {
			return model.PClosed // or reopened, by the answer
		}
	case PActRecategorize:
		if model.ProblemOpen(st) {
			return st // or assigned, when routed
		}
	}
	return ""
}

const problemCols = `p.id, p.enterprise_id, p.grid_id, p.category_id, COALESCE(p.department_id, 0), p.description, p.urgency,
	p.source, COALESCE(p.visit_id, 0), p.state, p.due_on, p.escalated_at, p.resolved_at, p.handling_days, p.on_time,
	COALESCE(p.duplicate_of, 0), p.reason, p.resolution, p.satisfaction, p.reopen_count, p.created_at, p.updated_at,
	p.version, COALESCE(e.name, ''), COALESCE(c.name, ''), COALESCE(d.name, ''), COALESCE(g.name, '')`

const problemJoins = ` LEFT JOIN enterprises e ON e.id = p.enterprise_id LEFT JOIN problem_categories c ON c.id = p.category_id
	LEFT JOIN departments d ON d.id = p.department_id LEFT JOIN grids g ON g.id = p.grid_id`

func (s *Store) scanProblem(sc interface{ Scan(...any) error }) (model.Problem, error) {
	var p model.Problem
	var due, esc, res sql.NullTime
	var days sql.NullInt64
	var onTime sql.NullBool
	err := sc.Scan(&p.ID, &p.EnterpriseID, &p.GridID, &p.CategoryID, &p.DepartmentID, &p.Description, &p.Urgency,
		&p.Source, &p.VisitID, &p.State, &due, &esc, &res, &days, &onTime, &p.DuplicateOf, &p.Reason, &p.Resolution,
		&p.Satisfaction, &p.ReopenCount, &p.CreatedAt, &p.UpdatedAt, &p.Version, &p.EnterpriseName, &p.CategoryName,
		&p.DepartmentName, &p.GridName)
	if err != nil {
		return p, err
	}
	p.DueOn, p.EscalatedAt, p.ResolvedAt = dateOut(due), dateOut(esc), dateOut(res)
	if days.Valid {
		n := int(days.Int64)
		p.HandlingDays = &n
	}
	if onTime.Valid {
		b := onTime.Bool
		p.OnTime = &b
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.Overdue = model.ProblemOpen(p.State) && p.DueOn != nil && civilDate(s.now()).After(*p.DueOn)
	return p, nil
}

// problemScopeSQL: admins see every problem; department staff those routed
// to their department; grid staff those of their grids.
func problemScopeSQL(actor *model.Actor, args *[]any) string {
	switch {
	case actor.Scope.All:
		return "TRUE"
	case actor.Scope.DepartmentID != 0:
		*args = append(*args, actor.Scope.DepartmentID)
		return fmt.Sprintf("p.department_id = $%d", len(*args))
	case len(actor.Scope.GridIDs) > 0:
		return "p.grid_id " + inList(actor.Scope.GridIDs, args)
	}
	return "FALSE"
}

// Problem returns one problem in scope.
func (s *Store) Problem(ctx context.Context, actor *model.Actor, id int64) (model.Problem, error) {
	return s.problem(ctx, s.R, actor, id)
}

func (s *Store) problem(ctx context.Context, q queryer, actor *model.Actor, id int64) (model.Problem, error) {
	args := []any{id}
	p, err := s.scanProblem(q.QueryRowContext(ctx, "SELECT "+problemCols+" FROM problems p"+problemJoins+
		" WHERE p.id = $1 AND "+problemScopeSQL(actor, &args), args...))
	return p, notFound(err, "problem")
}

// gridSide reports whether the actor acts for the grid of a problem (grid
// staff of that grid, or an administrator).
func gridSide(actor *model.Actor, gridID int64) bool {
	return actor.Scope.All || ((actor.Role == model.RoleGridHead || actor.Role == model.RoleGridWorker) &&
		slices.Contains(actor.Scope.GridIDs, gridID))
}

// deptSide reports whether the actor answers for the problem's department.
func deptSide(actor *model.Actor, p model.Problem) bool {
	return actor.Scope.All || (actor.Scope.DepartmentID != 0 && actor.Scope.DepartmentID == p.DepartmentID)
}

// ProblemCan reports whether the actor may take action on p now.
func ProblemCan(actor *model.Actor, p model.Problem, action string) bool {
	if problemNext(p.State, action) == "" {
		return false
	}
	if slices.Contains(deptActions, action) {
		return deptSide(actor, p)
	}
	return gridSide(actor, p.GridID)
}

// ProblemAllowed lists the actions the actor may take on p now.
func ProblemAllowed(actor *model.Actor, p model.Problem) []string {
	out := []string{}
	for _, a := range ProblemActions {
		if ProblemCan(actor, p, a) {
			out = append(out, a)
		}
	}
	return out
}

// category reads a category for routing.
func category(ctx context.Context, q queryer, id int64) (model.Category, error) {
	var c model.Category
	err := q.QueryRowContext(ctx, `SELECT c.id, c.code, c.name, c.name_en, c.department_id, c.deadline_days, c.position, c.active, d.name
		FROM problem_categories c JOIN departments d ON d.id = c.department_id WHERE c.id = $1`, id).
		Scan(&c.ID, &c.Code, &c.Name, &c.NameEn, &c.DepartmentID, &c.DeadlineDays, &c.Position, &c.Active, &c.DepartmentName)
	return c, err
}

// event appends a timeline entry.
func event(ctx context.Context, tx *Tx, actor *model.Actor, problemID int64, kind, from, to string, dept int64, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO problem_events (problem_id, at, actor_id, actor_name, kind, from_state, to_state, department_id, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, problemID, tx.now, nullID(actor.UserID), actorName(actor), kind, from, to, nullID(dept), note)
	if err != nil {
		return fmt.Errorf("store: problem event: %w", err)
	}
	return nil
}

func actorName(a *model.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Username
}

// CreateProblem registers a problem on an enterprise the actor may write.
// A repeated idempotency key returns the problem it created first.
func (s *Store) CreateProblem(ctx context.Context, actor *model.Actor, in model.ProblemInput, attachments ...Photo) (model.Problem, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = s.createProblem(ctx, tx, actor, in, 0, "", attachments...)
		return err
	})
	if err != nil {
		return model.Problem{}, err
	}
	return s.Problem(ctx, model.System, id)
}

// createProblem validates and inserts; fieldPrefix names fields of a
// problem raised inside a visit form ("problems.0.").
func (s *Store) createProblem(ctx context.Context, tx *Tx, actor *model.Actor, in model.ProblemInput, visitID int64, fieldPrefix string,
	attachments ...Photo) (int64, error) {
	var v model.Validation
	f := func(name string) string { return fieldPrefix + name }
	in.IdemKey = strings.TrimSpace(in.IdemKey)
	if len(in.IdemKey) > 64 {
		v.Add(f("idempotency_key"), "field.too_long", 64)
	}
	if in.IdemKey != "" && actor.UserID != 0 {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM problems WHERE created_by = $1 AND idem_key = $2", actor.UserID, in.IdemKey).Scan(&id)
		if err == nil {
			return id, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: problem idempotency: %w", err)
		}
	}
	textField(&v, f("description"), &in.Description, 2000, true)
	if len(attachments) > rules.PhotosPerVisit {
		v.Add(f("attachments"), "visit.too_many_photos", rules.PhotosPerVisit)
	}
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	in.Urgency = oneOf(&v, f("urgency"), in.Urgency, model.Urgencies, true)
	if visitID != 0 {
		in.Source = "visit"
	}
	in.Source = oneOf(&v, f("source"), in.Source, model.Sources, true)
	if in.Source == "visit" && visitID == 0 {
		v.Add(f("source"), "problem.visit_source")
	}
	var gridID int64
	args := []any{in.EnterpriseID}
	err := tx.QueryRowContext(ctx, "SELECT e.grid_id FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
		enterpriseWriteScopeSQL(actor, &args), args...).Scan(&gridID)
	switch {
	case in.EnterpriseID == 0:
		v.Add(f("enterprise_id"), "field.required")
	case errors.Is(err, sql.ErrNoRows):
		v.Add(f("enterprise_id"), "field.unknown")
	case err != nil:
		return 0, fmt.Errorf("store: problem enterprise: %w", err)
	}
	cat, err := category(ctx, tx, in.CategoryID)
	switch {
	case in.CategoryID == 0:
		v.Add(f("category_id"), "field.required")
	case errors.Is(err, sql.ErrNoRows) || (err == nil && !cat.Active):
		v.Add(f("category_id"), "field.unknown")
	case err != nil:
		return 0, fmt.Errorf("store: problem category: %w", err)
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	due := cal.AddWorkdays(civilDate(tx.now), cat.DeadlineDays)
	var idem any
	if in.IdemKey != "" {
		idem = in.IdemKey
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO problems (enterprise_id, grid_id, category_id, description, urgency, source, visit_id,
		state, is_open, due_on, created_by, idem_key, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'registered', TRUE, $8, $9, $10, $11, $11, 1) RETURNING id`,
		in.EnterpriseID, gridID, in.CategoryID, in.Description, in.Urgency, in.Source, nullID(visitID), due,
		nullID(actor.UserID), idem, tx.now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create problem: %w", s.dialect.classify(err))
	}
	if err := event(ctx, tx, actor, id, "create", "", model.PRegistered, 0, ""); err != nil {
		return 0, err
	}
	if err := problemChanged(ctx, tx, id, nil); err != nil {
		return 0, err
	}
	for _, a := range attachments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO problem_attachments (problem_id, mime, data, width, height, taken_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, a.MIME, a.Data, a.Width, a.Height, nullDate(a.TakenAt), tx.now); err != nil {
			return 0, fmt.Errorf("store: problem attachment: %w", err)
		}
	}
	audit := in
	audit.IdemKey = ""
	return id, tx.Audit(ctx, actor, Change{Action: "problem.create", Entity: "problem", EntityID: id,
		After: map[string]any{"input": audit, "attachments": len(attachments)}})
}

// ProblemAttachments lists the attachment ids of a problem in scope.
func (s *Store) ProblemAttachments(ctx context.Context, actor *model.Actor, id int64) ([]int64, error) {
	if _, err := s.Problem(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.ids(ctx, "SELECT id FROM problem_attachments WHERE problem_id = $1 ORDER BY id", id)
}

// ProblemAttachment returns one attachment of a problem in scope.
func (s *Store) ProblemAttachment(ctx context.Context, actor *model.Actor, problemID, id int64) (Photo, error) {
	if _, err := s.Problem(ctx, actor, problemID); err != nil {
		return Photo{}, err
	}
	var p Photo
	var taken sql.NullTime
	err := s.R.QueryRowContext(ctx, "SELECT mime, data, width, height, taken_at FROM problem_attachments WHERE id = $1 AND problem_id = $2",
		id, problemID).Scan(&p.MIME, &p.Data, &p.Width, &p.Height, &taken)
	p.TakenAt = dateOut(taken)
	return p, notFound(err, "photo")
}

// ProblemActionInput is one step of a problem.
type ProblemActionInput struct {
	Action       string `json:"action"`
	Note         string `json:"note"`          // resolution, reason
	DepartmentID int64  `json:"department_id"` // dispatch: an administrator may pick another department
	CategoryID   int64  `json:"category_id"`   // recategorize
	DuplicateOf  int64  `json:"duplicate_of"`  // duplicate
	Satisfaction string `json:"satisfaction"`  // satisfaction
	Version      int    `json:"version"`
}

// ActOnProblem moves a problem one step. Outside scope → ENOTFOUND; a step
// the state does not allow → ECONFLICT (problem.bad_step); a step for the
// other side (the department, or the grid) → EFORBIDDEN.
func (s *Store) ActOnProblem(ctx context.Context, actor *model.Actor, id int64, in ProblemActionInput) (model.Problem, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		p, err := s.problem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		var v model.Validation
		in.Action = oneOf(&v, "action", in.Action, ProblemActions, true)
		needNote := in.Action == PActResolve || in.Action == PActUnresolvable || in.Action == PActNotOurs || in.Action == PActReopen
		textField(&v, "note", &in.Note, 2000, needNote)
		if in.Action == PActSatisfaction {
			in.Satisfaction = oneOf(&v, "satisfaction", in.Satisfaction, model.Satisfactions, true)
		}
		if err := v.Err(); err != nil {
			return err
		}
		next := problemNext(p.State, in.Action)
		if next == "" {
			return model.Errorf(model.ECONFLICT, "problem.bad_step", p.State, in.Action)
		}
		if !ProblemCan(actor, p, in.Action) {
			return model.Errorf(model.EFORBIDDEN, "problem.not_your_step")
		}
		if p.Version != in.Version {
			return model.Errorf(model.ECONFLICT, "error.stale", p.Version)
		}
		cal, err := s.Calendar(ctx)
		if err != nil {
			return err
		}
		today := civilDate(tx.now)
		set := map[string]any{"state": next}
		dept := p.DepartmentID
		kind := in.Action
		switch in.Action {
		case PActDispatch:
			cat, err := category(ctx, tx, p.CategoryID)
			if err != nil {
				return fmt.Errorf("store: problem category: %w", err)
			}
			dept = cat.DepartmentID
			if in.DepartmentID != 0 && in.DepartmentID != dept {
				if !actor.Scope.All {
					v.Add("department_id", "problem.department_admin")
					return v.Err()
				}
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM departments WHERE id = $1", in.DepartmentID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					v.Add("department_id", "field.unknown")
					return v.Err()
				}
				dept = in.DepartmentID
			}
			set["department_id"] = dept
			if p.State != model.PAccepted {
				// A re-routed or reopened problem gets a new deadline.
				set["due_on"] = cal.AddWorkdays(today, cat.DeadlineDays)
				set["escalated_at"] = nil
			}
		case PActResolve:
			set["resolution"] = in.Note
			set["resolved_at"] = tx.now
			set["handling_days"] = cal.WorkdaysBetween(civilDate(p.CreatedAt), today)
			set["on_time"] = p.DueOn == nil || !today.After(*p.DueOn)
		case PActUnresolvable:
			set["reason"] = in.Note
		case PActNotOurs:
			set["reason"] = in.Note
			set["department_id"] = nil
		case PActReopen:
			set["reason"] = in.Note
			set["reopen_count"] = p.ReopenCount + 1
			set["resolution"] = ""
			set["satisfaction"] = ""
			clearResolution(set)
		case PActDuplicate:
			if in.DuplicateOf == 0 || in.DuplicateOf == p.ID {
				v.Add("duplicate_of", "field.unknown")
				return v.Err()
			}
			args := []any{in.DuplicateOf}
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM problems p WHERE p.id = $1 AND "+problemScopeSQL(actor, &args), args...).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add("duplicate_of", "field.unknown")
				return v.Err()
			}
			set["duplicate_of"] = in.DuplicateOf
		case PActSatisfaction:
			set["satisfaction"] = in.Satisfaction
			if in.Satisfaction == "unsatisfied" {
				next = model.PReopened
				set["state"] = next
				set["reopen_count"] = p.ReopenCount + 1
				set["reason"] = in.Note
				clearResolution(set)
			}
		case PActRecategorize:
			cat, err := category(ctx, tx, in.CategoryID)
			switch {
			case in.CategoryID == 0:
				v.Add("category_id", "field.required")
			case errors.Is(err, sql.ErrNoRows) || (err == nil && !cat.Active):
				v.Add("category_id", "field.unknown")
			case err != nil:
				return err
			case in.CategoryID == p.CategoryID:
				v.Add("category_id", "problem.same_category")
			}
			if err := v.Err(); err != nil {
				return err
			}
			set["category_id"] = cat.ID
			set["due_on"] = cal.AddWorkdays(today, cat.DeadlineDays)
			set["escalated_at"] = nil
			if slices.Contains([]string{model.PAssigned, model.PInProgress, model.PNotOurs}, p.State) {
				// Re-categorizing a routed problem re-routes it.
				next = model.PAssigned
				set["state"] = next
				dept = cat.DepartmentID
				set["department_id"] = dept
			}
		}
		set["is_open"] = model.ProblemOpen(next)
		if in.Action == PActNotOurs {
			dept = p.DepartmentID // the event names who refused
		}
		cols := make([]string, 0, len(set))
		for k := range set {
			cols = append(cols, k)
		}
		sort.Strings(cols)
		args := make([]any, 0, len(cols)+3)
		parts := make([]string, 0, len(cols))
		for _, k := range cols {
			args = append(args, set[k])
			parts = append(parts, fmt.Sprintf("%s = $%d", k, len(args)))
		}
		args = append(args, tx.now, id, p.Version)
		q := fmt.Sprintf("UPDATE problems SET %s, updated_at = $%d, version = version + 1 WHERE id = $%d AND version = $%d",
			strings.Join(parts, ", "), len(args)-2, len(args)-1, len(args))
		before, err := problemFacts(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: problem step: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", p.Version)
		}
		if err := problemChanged(ctx, tx, id, &before); err != nil {
			return err
		}
		note := in.Note
		if in.Action == PActSatisfaction {
			note = strings.TrimSpace(in.Satisfaction + " " + in.Note)
		}
		if err := event(ctx, tx, actor, id, kind, p.State, next, dept, note); err != nil {
			return err
		}
		after := map[string]any{"state": next}
		for k, v := range set {
			if k != "resolved_at" {
				after[k] = v
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "problem." + in.Action, Entity: "problem", EntityID: id,
			Before: map[string]any{"state": p.State, "department_id": p.DepartmentID, "category_id": p.CategoryID},
			After:  after, Reason: in.Note})
	})
	if err != nil {
		return model.Problem{}, err
	}
	return s.Problem(ctx, model.System, id)
}

// clearResolution forgets the handling figures of a reopened problem: it
// counts as resolved again only when it is resolved again (the timeline
// keeps the earlier resolution).
func clearResolution(set map[string]any) {
	set["resolved_at"], set["handling_days"], set["on_time"] = nil, nil, nil
}

// ProblemEvents returns the timeline of a problem the actor sees.
func (s *Store) ProblemEvents(ctx context.Context, actor *model.Actor, id int64) ([]model.ProblemEvent, error) {
	if _, err := s.Problem(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.R.QueryContext(ctx, `SELECT ev.id, ev.at, ev.actor_name, ev.kind, ev.from_state, ev.to_state,
		COALESCE(ev.department_id, 0), COALESCE(d.name, ''), ev.note
		FROM problem_events ev LEFT JOIN departments d ON d.id = ev.department_id WHERE ev.problem_id = $1 ORDER BY ev.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: problem events: %w", err)
	}
	defer rows.Close()
	var out []model.ProblemEvent
	for rows.Next() {
		var e model.ProblemEvent
		if err := rows.Scan(&e.ID, &e.At, &e.ActorName, &e.Kind, &e.FromState, &e.ToState, &e.DepartmentID, &e.DepartmentName, &e.Note); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// ListProblems pages through problems in scope, newest first. A
// department's inbox is the list of its open problems.
func (s *Store) ListProblems(ctx context.Context, actor *model.Actor, f model.ProblemFilter) (items []model.Problem, next, prev string, err error) {
	var args []any
	where := []string{problemScopeSQL(actor, &args)}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.State != "" {
		add("p.state = $%d", f.State)
	}
	if f.Open || f.Overdue {
		where = append(where, "p.is_open = TRUE")
	}
	if f.Overdue {
		add("p.due_on < $%d", civilDate(s.now()))
	}
	if f.GridID != 0 {
		add("p.grid_id = $%d", f.GridID)
	}
	if f.EnterpriseID != 0 {
		add("p.enterprise_id = $%d", f.EnterpriseID)
	}
	if f.DepartmentID != 0 {
		add("p.department_id = $%d", f.DepartmentID)
	}
	if f.CategoryID != 0 {
		add("p.category_id = $%d", f.CategoryID)
	}
	return keysetPage(ctx, s, keysetQuery{
		Select:    "SELECT " + problemCols + " FROM (%s) pg JOIN problems p ON p.id = pg.id" + problemJoins,
		InnerFrom: "problems p", Where: where, Args: args,
		KeyCol: "p.id", KeyKind: 'n', Desc: true, Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Problem, []byte, int64, error) {
			p, err := s.scanProblem(rows)
			return p, nil, p.ID, err
		})
}

// EscalateOverdue marks the open problems past their deadline that are not
// escalated yet, puts an event on each timeline and returns how many: the
// administrators' overdue list shows them. Run daily by the server.
func (s *Store) EscalateOverdue(ctx context.Context) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, state, COALESCE(department_id, 0) FROM problems
			WHERE is_open = TRUE AND due_on < $1 AND escalated_at IS NULL ORDER BY id`, civilDate(tx.now))
		if err != nil {
			return fmt.Errorf("store: overdue: %w", err)
		}
		type row struct {
			id   int64
			st   string
			dept int64
		}
		var list []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.st, &r.dept); err != nil {
				rows.Close()
				return err
			}
			list = append(list, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range list {
			if _, err := tx.ExecContext(ctx, "UPDATE problems SET escalated_at = $1 WHERE id = $2", tx.now, r.id); err != nil {
				return err
			}
			if err := event(ctx, tx, model.System, r.id, "escalate", r.st, r.st, r.dept, ""); err != nil {
				return err
			}
		}
		n = len(list)
		if n == 0 {
			return nil
		}
		return tx.Audit(ctx, model.System, Change{Action: "problem.escalate", Entity: "problem", After: map[string]int{"count": n}})
	})
	return n, err
}

// ProblemStats are the handling figures of the problems in scope.
type ProblemStats struct {
	Resolved       int              `json:"resolved"`
	OnTime         int              `json:"on_time"`
	OnTimeRate     float64          `json:"on_time_rate"` // 0..1; 0 when nothing was resolved
	MedianDays     float64          `json:"median_handling_days"`
	Open           int              `json:"open"`
	Overdue        int              `json:"overdue"`
	ByDepartment   []ProblemCounter `json:"by_department"`
	ByCategory     []ProblemCounter `json:"by_category"`
	CalendarKnown  bool             `json:"calendar_known"` // this year's holidays are known
	CalendarSource string           `json:"-"`
}

// ProblemCounter is open and overdue problems of one department or category.
type ProblemCounter struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
}

// ProblemStatistics computes on-time rate and median handling time of the
// problems resolved since `since` (zero: all), and the open and overdue
// problems by department and category, within the actor's scope.
func (s *Store) ProblemStatistics(ctx context.Context, actor *model.Actor, since time.Time) (ProblemStats, error) {
	var st ProblemStats
	var args []any
	scope := problemScopeSQL(actor, &args)
	args = append(args, since)
	rows, err := s.R.QueryContext(ctx, fmt.Sprintf(`SELECT p.handling_days, p.on_time FROM problems p
		WHERE %s AND p.resolved_at IS NOT NULL AND p.resolved_at >= $%d AND p.handling_days IS NOT NULL`, scope, len(args)), args...)
	if err != nil {
		return st, fmt.Errorf("store: problem stats: %w", err)
	}
	var days []int
	for rows.Next() {
		var d int
		var ok bool
		if err := rows.Scan(&d, &ok); err != nil {
			rows.Close()
			return st, err
		}
		days = append(days, d)
		if ok {
			st.OnTime++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	st.Resolved = len(days)
	if st.Resolved > 0 {
		st.OnTimeRate = float64(st.OnTime) / float64(st.Resolved)
		sort.Ints(days)
		m := len(days) / 2
		if len(days)%2 == 1 {
			st.MedianDays = float64(days[m])
		} else {
			st.MedianDays = float64(days[m-1]+days[m]) / 2
		}
	}
	group := func(col, table string) ([]ProblemCounter, error) {
		var a []any
		sc := problemScopeSQL(actor, &a)
		a = append(a, civilDate(s.now()))
		rows, err := s.R.QueryContext(ctx, fmt.Sprintf(`SELECT COALESCE(p.%[1]s, 0), COALESCE(t.name, ''), COUNT(*),
			SUM(CASE WHEN p.due_on < $%[4]d THEN 1 ELSE 0 END)
			FROM problems p LEFT JOIN %[2]s t ON t.id = p.%[1]s WHERE p.is_open = TRUE AND %[3]s
			GROUP BY p.%[1]s, t.name ORDER BY COUNT(*) DESC, p.%[1]s`, col, table, sc, len(a)), a...)
		if err != nil {
			return nil, fmt.Errorf("store: problem counts: %w", err)
		}
		defer rows.Close()
		var out []ProblemCounter
		for rows.Next() {
			var c ProblemCounter
			if err := rows.Scan(&c.ID, &c.Name, &c.Open, &c.Overdue); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	if st.ByDepartment, err = group("department_id", "departments"); err != nil {
		return st, err
	}
	if st.ByCategory, err = group("category_id", "problem_categories"); err != nil {
		return st, err
	}
	for _, c := range st.ByCategory {
		st.Open += c.Open
		st.Overdue += c.Overdue
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return st, err
	}
	st.CalendarKnown = cal.Known(civilDate(s.now()).Year())
	return st, nil
}

// Categories lists the problem categories in display order.
func (s *Store) Categories(ctx context.Context) ([]model.Category, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT c.id, c.code, c.name, c.name_en, c.department_id, c.deadline_days, c.position, c.active, d.name
		FROM problem_categories c JOIN departments d ON d.id = c.department_id ORDER BY c.position, c.id`)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	defer rows.Close()
	var out []model.Category
	for rows.Next() {
		var c model.Category
		if err := rows.Scan(&c.ID, &c.Code, &c.Name, &c.NameEn, &c.DepartmentID, &c.DeadlineDays, &c.Position, &c.Active, &c.DepartmentName); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCategory creates (ID 0) or updates a problem category. Changing its
// department routes future dispatches; problems already sent stay.
func (s *Store) SaveCategory(ctx context.Context, actor *model.Actor, in model.Category) (int64, error) {
	if !actor.Scope.All {
		return 0, model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	var v model.Validation
	checkCodeName(&v, &in.Code, &in.Name, 32)
	in.NameEn = strings.TrimSpace(in.NameEn)
	if in.DeadlineDays < 1 || in.DeadlineDays > 60 {
		v.Add("deadline_days", "field.range", 1, 60)
	}
	var n int
	if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM departments WHERE id = $1", in.DepartmentID).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		v.Add("department_id", "field.choose")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	id := in.ID
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO problem_categories (code, name, name_en, department_id, deadline_days, position, active)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.Code, in.Name, in.NameEn, in.DepartmentID, in.DeadlineDays,
				in.Position, in.Active).Scan(&id)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE problem_categories SET code = $1, name = $2, name_en = $3, department_id = $4,
				deadline_days = $5, position = $6, active = $7 WHERE id = $8`, in.Code, in.Name, in.NameEn, in.DepartmentID,
				in.DeadlineDays, in.Position, in.Active, id)
			if err == nil {
				if k, _ := res.RowsAffected(); k == 0 {
					return model.Errorf(model.ENOTFOUND, "error.not_found.category")
				}
			}
		}
		if err != nil {
			return s.dictConflict(err)
		}
		in.ID = id
		return tx.Audit(ctx, actor, Change{Action: "category.save", Entity: "problem_category", EntityID: id, After: in})
	})
	return id, err
}
