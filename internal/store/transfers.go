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

// 组织关系转接 (DOMAIN.md rules 23–24). A transfer moves a member's
// organizational relationship: in from outside the system, out of it, or
// within it. The member's organization changes only on receipt; until then
// the sending organization stays responsible. One open transfer per member
// is enforced by a partial unique index.

// Transfer actions.
const (
	ActApprove  = "approve"  // 转出审批: initiated → approved
	ActDispatch = "dispatch" // 开具介绍信, 在途: approved → in_transit
	ActReceive  = "receive"  // 接收 (or the 回执 of an outward transfer): in_transit → received
	ActReturn   = "return"   // 退回 with a reason: in_transit → returned
	ActCancel   = "cancel"   // 撤销: initiated/approved (or an inward one in transit) → cancelled
)

// TransferActions lists the actions in flow order.
var TransferActions = []string{ActApprove, ActDispatch, ActReceive, ActReturn, ActCancel}

const transferCols = `t.id, t.kind, t.member_id, COALESCE(t.from_org_id, 0), t.from_name, COALESCE(t.to_org_id, 0), t.to_name,
	t.letter_no, t.dues_paid_to, t.issued_on, t.valid_until, t.state, t.reason, COALESCE(t.survey_id, 0),
	t.created_at, t.updated_at, t.version, m.name, m.id_masked, COALESCE(t.created_by, 0),
	COALESCE(fo.path, ''), COALESCE(tor.path, '')`

const transferFrom = ` FROM transfers t JOIN members m ON m.id = t.member_id
	LEFT JOIN organizations fo ON fo.id = t.from_org_id LEFT JOIN organizations tor ON tor.id = t.to_org_id`

// transferRow carries the paths that decide who may act.
type transferRow struct {
	model.Transfer
	fromPath, toPath string
}

func (s *Store) scanTransfer(sc interface{ Scan(...any) error }) (transferRow, error) {
	var r transferRow
	t := &r.Transfer
	err := sc.Scan(&t.ID, &t.Kind, &t.MemberID, &t.FromOrgID, &t.FromName, &t.ToOrgID, &t.ToName, &t.LetterNo, &t.DuesPaidTo,
		&t.IssuedOn, &t.ValidUntil, &t.State, &t.Reason, &t.SurveyID, &t.CreatedAt, &t.UpdatedAt, &t.Version,
		&t.MemberName, &t.MemberID18, &t.CreatedByID, &r.fromPath, &r.toPath)
	if err != nil {
		return r, err
	}
	t.IssuedOn, t.ValidUntil = t.IssuedOn.UTC(), t.ValidUntil.UTC()
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.Expired = model.TransferOpen(t.State) && civilDate(s.now()).After(t.ValidUntil)
	return r, nil
}

// transferScopeSQL: admins see every transfer; secretaries those sent from
// or to their subtrees.
func transferScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Scope.All {
		return "TRUE"
	}
	if len(actor.Scope.OrgPaths) == 0 {
		return "FALSE"
	}
	return "(" + pathIn("fo.path", actor.Scope.OrgPaths, args) + " OR " + pathIn("tor.path", actor.Scope.OrgPaths, args) + ")"
}

// Transfer returns one transfer in scope.
func (s *Store) Transfer(ctx context.Context, actor *model.Actor, id int64) (model.Transfer, error) {
	r, err := s.transfer(ctx, s.R, actor, id)
	return r.Transfer, err
}

func (s *Store) transfer(ctx context.Context, q queryer, actor *model.Actor, id int64) (transferRow, error) {
	args := []any{id}
	r, err := s.scanTransfer(q.QueryRowContext(ctx, "SELECT "+transferCols+transferFrom+" WHERE t.id = $1 AND "+transferScopeSQL(actor, &args), args...))
	return r, notFound(err, "transfer")
}

// validateTransferLetter checks the letter fields shared by every kind.
func (s *Store) validateTransferLetter(v *model.Validation, in *model.TransferInput) (issued, until time.Time) {
	textField(v, "letter_no", &in.LetterNo, 32, false)
	in.DuesPaidTo = strings.TrimSpace(in.DuesPaidTo)
	now := s.now()
	if in.DuesPaidTo != "" {
		d, err := time.Parse("2006-01", in.DuesPaidTo)
		switch {
		case err != nil:
			v.Add("dues_paid_to", "transfer.month_format")
		case d.After(civilDate(now).AddDate(1, 0, 0)):
			v.Add("dues_paid_to", "field.date_future")
		}
	}
	issued = civilDate(now)
	if strings.TrimSpace(in.IssuedOn) != "" {
		if d := optDate(v, "issued_on", in.IssuedOn, now); d != nil {
			issued = *d
		}
	}
	days := in.ValidDays
	if days == 0 {
		days = rules.TransferValidDays
	}
	if days < 1 || days > rules.TransferMaxValidDays {
		v.Add("valid_days", "field.range", 1, rules.TransferMaxValidDays)
	}
	return issued, issued.AddDate(0, 0, days)
}

// CreateTransfer starts a transfer. Inward transfers register the member
// arriving (without an organization until receipt) and start in transit;
// outward and internal ones start at 发起 from the member's organization.
func (s *Store) CreateTransfer(ctx context.Context, actor *model.Actor, in model.TransferInput) (model.Transfer, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = s.createTransfer(ctx, tx, actor, in)
		return err
	})
	if err != nil {
		return model.Transfer{}, err
	}
	return s.Transfer(ctx, model.System, id)
}

func (s *Store) createTransfer(ctx context.Context, tx *Tx, actor *model.Actor, in model.TransferInput) (int64, error) {
	var v model.Validation
	in.Kind = oneOf(&v, "kind", in.Kind, model.TransferKinds, true)
	textField(&v, "from_name", &in.FromName, 64, false)
	textField(&v, "to_name", &in.ToName, 64, false)
	issued, until := s.validateTransferLetter(&v, &in)
	var fromOrg, toOrg int64
	state := model.TransferInitiated
	memberID := in.MemberID

	// The receiving organization, for inward and internal transfers.
	var toName string
	if in.Kind == model.TransferIn || in.Kind == model.TransferWithin {
		var path string
		err := tx.QueryRowContext(ctx, "SELECT path, name FROM organizations WHERE id = $1", in.ToOrgID).Scan(&path, &toName)
		switch {
		case in.ToOrgID == 0:
			v.Add("to_org_id", "field.required")
		case errors.Is(err, sql.ErrNoRows):
			v.Add("to_org_id", "field.unknown")
		case err != nil:
			return 0, err
		case in.Kind == model.TransferIn && !canManageOrg(actor, path):
			v.Add("to_org_id", "organization.outside_scope")
		}
		toOrg = in.ToOrgID
	}
	switch in.Kind {
	case model.TransferIn:
		state = model.TransferInTransit
		if in.FromName == "" {
			v.Add("from_name", "field.required")
		}
		in.ToName = toName
		if memberID == 0 && in.Member == nil {
			v.Add("member_id", "field.required")
		}
	case model.TransferOut:
		if in.ToName == "" {
			v.Add("to_name", "field.required")
		}
	case model.TransferWithin:
		in.ToName = toName
	}
	if err := v.Err(); err != nil && (in.Kind != model.TransferIn || memberID != 0) {
		return 0, err
	}

	if in.Kind == model.TransferIn && memberID == 0 {
		if in.Member == nil {
			return 0, v.Err() // member_id is required
		}
		// The arriving member is registered now, without an organization.
		m := *in.Member
		m.OrgID = 0
		r, err := s.validateMember(ctx, tx, actor, m, false)
		if err != nil {
			if e, ok := model.AsError(err); ok {
				for f, fe := range e.Fields {
					v.Add("member."+f, fe.Key, fe.Args...)
				}
			} else {
				return 0, err
			}
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		if memberID, err = s.insertMember(ctx, tx, actor, r); err != nil {
			if e, ok := model.AsError(err); ok && e.Fields["id_number"].Key != "" {
				return 0, model.FieldConflict("member.id_number", e.Fields["id_number"].Key, e.Fields["id_number"].Args...)
			}
			return 0, err
		}
	} else {
		// An existing member: in the register, with the right standing.
		var orgID sql.NullInt64
		var path, status string
		err := tx.QueryRowContext(ctx, `SELECT m.org_id, COALESCE(o.path, ''), m.status FROM members m
			LEFT JOIN organizations o ON o.id = m.org_id WHERE m.id = $1`, memberID).Scan(&orgID, &path, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows) || memberID == 0:
			v.Add("member_id", "field.unknown")
			return 0, v.Err()
		case err != nil:
			return 0, err
		}
		switch {
		case in.Kind == model.TransferIn && orgID.Valid:
			v.Add("member_id", "transfer.already_member", "")
		case in.Kind != model.TransferIn && !orgID.Valid:
			v.Add("member_id", "transfer.no_organization")
		case in.Kind != model.TransferIn && !canManageOrg(actor, path):
			return 0, model.Errorf(model.ENOTFOUND, "error.not_found.member")
		case in.Kind == model.TransferWithin && orgID.Int64 == toOrg:
			v.Add("to_org_id", "transfer.same_org")
		}
		if status != model.MemberNormal && status != model.MemberLost {
			v.Add("member_id", "transfer.member_status")
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		fromOrg = orgID.Int64
		if fromOrg != 0 {
			if err := tx.QueryRowContext(ctx, "SELECT name FROM organizations WHERE id = $1", fromOrg).Scan(&in.FromName); err != nil {
				return 0, err
			}
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM transfers WHERE member_id = $1
			AND state IN ('initiated', 'approved', 'in_transit')`, memberID).Scan(&open); err != nil {
			return 0, err
		}
		if open > 0 {
			return 0, model.FieldConflict("member_id", "transfer.in_transit")
		}
		if in.Kind == model.TransferIn && !actor.Scope.All {
			// A member on record without an organization (left, or returned)
			// may only be claimed again by an administrator: otherwise any
			// secretary could pull in, receive and reveal a stranger.
			v.Add("member_id", "transfer.in_existing_admin")
			return 0, v.Err()
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO transfers (kind, member_id, from_org_id, from_name, to_org_id, to_name, letter_no,
		dues_paid_to, issued_on, valid_until, state, survey_id, created_by, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1) RETURNING id`,
		in.Kind, memberID, nullID(fromOrg), in.FromName, nullID(toOrg), in.ToName, in.LetterNo, in.DuesPaidTo, issued, until,
		state, nullID(in.SurveyID), nullID(actor.UserID), tx.now).Scan(&id)
	if err != nil {
		if errors.Is(s.dialect.classify(err), errUnique) {
			return 0, model.FieldConflict("member_id", "transfer.in_transit")
		}
		return 0, fmt.Errorf("store: create transfer: %w", err)
	}
	audit := in
	audit.Member = nil
	audit.MemberID = memberID
	return id, tx.Audit(ctx, actor, Change{Action: "transfer.create", Entity: "transfer", EntityID: id, After: audit})
}

// transferNext gives the state an action leads to from a state, for a kind.
func transferNext(kind, state, action string) (string, bool) {
	switch action {
	case ActApprove:
		return model.TransferApproved, state == model.TransferInitiated && kind != model.TransferIn
	case ActDispatch:
		return model.TransferInTransit, state == model.TransferApproved
	case ActReceive:
		return model.TransferReceived, state == model.TransferInTransit
	case ActReturn:
		return model.TransferReturned, state == model.TransferInTransit
	case ActCancel:
		return model.TransferCancelled, state == model.TransferInitiated || state == model.TransferApproved ||
			(kind == model.TransferIn && state == model.TransferInTransit)
	}
	return "", false
}

// TransferCan reports whether the actor may take action on t now: the
// sending side approves, dispatches and cancels; the receiving side
// receives and returns (for an outward transfer the sender records the 回执).
func (s *Store) TransferCan(ctx context.Context, actor *model.Actor, t model.Transfer, action string) bool {
	r, err := s.transfer(ctx, s.R, actor, t.ID)
	if err != nil {
		return false
	}
	return transferAllowed(actor, r, action)
}

func transferAllowed(actor *model.Actor, r transferRow, action string) bool {
	if _, ok := transferNext(r.Kind, r.State, action); !ok {
		return false
	}
	sender := r.fromPath != "" && canManageOrg(actor, r.fromPath)
	receiver := r.toPath != "" && canManageOrg(actor, r.toPath)
	switch action {
	case ActApprove, ActDispatch:
		return sender
	case ActCancel:
		if r.Kind == model.TransferIn {
			return receiver
		}
		return sender
	case ActReceive, ActReturn:
		if r.Kind == model.TransferOut {
			return sender
		}
		return receiver
	}
	return false
}

// TransferActionInput is one step of a transfer.
type TransferActionInput struct {
	Action  string `json:"action"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// ActOnTransfer moves a transfer one step. Receipt moves the member: into
// the receiving organization, or out of the system for an outward transfer.
func (s *Store) ActOnTransfer(ctx context.Context, actor *model.Actor, id int64, in TransferActionInput) (model.Transfer, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := s.transfer(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		var v model.Validation
		in.Action = oneOf(&v, "action", in.Action, TransferActions, true)
		textField(&v, "reason", &in.Reason, 200, in.Action == ActReturn)
		if err := v.Err(); err != nil {
			return err
		}
		next, ok := transferNext(r.Kind, r.State, in.Action)
		if !ok {
			return model.Errorf(model.ECONFLICT, "transfer.bad_step")
		}
		if !transferAllowed(actor, r, in.Action) {
			return model.Errorf(model.EFORBIDDEN, "transfer.not_your_step")
		}
		res, err := tx.ExecContext(ctx, `UPDATE transfers SET state = $1, reason = $2, updated_at = $3, version = version + 1
			WHERE id = $4 AND version = $5`, next, in.Reason, tx.now, id, in.Version)
		if err != nil {
			return fmt.Errorf("store: transfer step: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", r.Version)
		}
		if next == model.TransferReceived {
			if err := setMemberOrg(ctx, tx, r.MemberID, r.ToOrgID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "transfer." + in.Action, Entity: "transfer", EntityID: id,
			Before: map[string]string{"state": r.State}, After: map[string]string{"state": next}, Reason: in.Reason})
	})
	if err != nil {
		return model.Transfer{}, err
	}
	return s.Transfer(ctx, model.System, id)
}

// ListTransfers pages through transfers in scope, newest first.
func (s *Store) ListTransfers(ctx context.Context, actor *model.Actor, f model.TransferFilter) (items []model.Transfer, next, prev string, err error) {
	var args []any
	where := []string{transferScopeSQL(actor, &args)}
	if f.State != "" {
		args = append(args, f.State)
		where = append(where, fmt.Sprintf("t.state = $%d", len(args)))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where = append(where, fmt.Sprintf("t.kind = $%d", len(args)))
	}
	if f.Open || f.Expired {
		where = append(where, "t.state IN ('initiated', 'approved', 'in_transit')")
	}
	if f.Expired {
		args = append(args, civilDate(s.now()))
		where = append(where, fmt.Sprintf("t.valid_until < $%d", len(args)))
	}
	if f.OrgID != 0 {
		var p string
		if err := s.R.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", f.OrgID).Scan(&p); err != nil {
			return nil, "", "", notFound(err, "organization")
		}
		where = append(where, "("+pathIn("fo.path", []string{p}, &args)+" OR "+pathIn("tor.path", []string{p}, &args)+")")
	}
	return keysetPage(ctx, s, keysetQuery{Select: "SELECT " + transferCols + transferFrom, Where: where, Args: args,
		KeyCol: "t.id", KeyKind: 'n', Desc: true, Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Transfer, []byte, int64, error) {
			r, err := s.scanTransfer(rows)
			return r.Transfer, nil, r.ID, err
		})
}

// MemberTransfers lists a member's transfers, newest first.
func (s *Store) MemberTransfers(ctx context.Context, memberID int64) ([]model.Transfer, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT "+transferCols+transferFrom+" WHERE t.member_id = $1 ORDER BY t.id DESC", memberID)
	if err != nil {
		return nil, fmt.Errorf("store: member transfers: %w", err)
	}
	defer rows.Close()
	var out []model.Transfer
	for rows.Next() {
		r, err := s.scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Transfer)
	}
	return out, rows.Err()
}
