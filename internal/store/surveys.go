package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/secret"
	"redgrid/internal/textkey"
)

// 党员排摸: members who work in an enterprise of the zone while their
// organizational relationship sits elsewhere. Grid staff record them; the
// district persuades them to move the relationship (a transfer in), and
// counts them toward 可建支部.

const surveyCols = `v.id, v.name, v.phone_masked, v.enterprise_id, v.category, v.relation_place, v.willingness, v.notes,
	v.surveyed_on, COALESCE(v.transfer_id, 0), v.created_at, v.updated_at, v.version, e.name, g.name`

const surveyFrom = ` FROM surveys v JOIN enterprises e ON e.id = v.enterprise_id JOIN grids g ON g.id = e.grid_id`

func scanSurvey(sc interface{ Scan(...any) error }, extra ...any) (model.Survey, error) {
	var v model.Survey
	err := sc.Scan(append([]any{&v.ID, &v.Name, &v.PhoneMasked, &v.EnterpriseID, &v.Category, &v.RelationPlace, &v.Willingness,
		&v.Notes, &v.SurveyedOn, &v.TransferID, &v.CreatedAt, &v.UpdatedAt, &v.Version, &v.EnterpriseName, &v.GridName}, extra...)...)
	v.SurveyedOn = v.SurveyedOn.UTC()
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// surveyScopeSQL restricts surveys (through their enterprise, alias e) to
// the actor's enterprise scope without the department staff's read-all:
// surveys are party data, and departments hold no party permission.
func surveyScopeSQL(actor *model.Actor, args *[]any) string {
	if actor.Scope.All {
		return "TRUE"
	}
	a := *actor
	a.Scope.AllRead = false
	return enterpriseScopeSQL(&a, args)
}

type surveyRow struct {
	in                                model.SurveyInput
	phoneEnc, phoneIndex, phoneMasked string
	surveyed                          sql.NullTime
}

func (s *Store) validateSurvey(ctx context.Context, q queryer, actor *model.Actor, in model.SurveyInput) (surveyRow, error) {
	var v model.Validation
	r := surveyRow{}
	textField(&v, "name", &in.Name, 32, true)
	textField(&v, "relation_place", &in.RelationPlace, 100, false)
	textField(&v, "notes", &in.Notes, 2000, false)
	in.Category = oneOf(&v, "category", in.Category, model.MemberCategories, true)
	if strings.TrimSpace(in.Willingness) == "" {
		in.Willingness = model.WillingUnknown
	}
	in.Willingness = oneOf(&v, "willingness", in.Willingness, model.Willingnesses, true)
	in.Phone = NormalizePhone(in.Phone)
	if in.Phone != "" && !validPhone(in.Phone) {
		v.Add("phone", "field.phone")
	}
	now := s.now()
	if d := optDate(&v, "surveyed_on", in.SurveyedOn, now); d != nil {
		r.surveyed = sql.NullTime{Time: *d, Valid: true}
	} else if strings.TrimSpace(in.SurveyedOn) == "" {
		r.surveyed = sql.NullTime{Time: civilDate(now), Valid: true}
	}
	if in.EnterpriseID == 0 {
		v.Add("enterprise_id", "field.required")
	} else {
		args := []any{in.EnterpriseID}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises e WHERE e.id = $1 AND e.deleted_at IS NULL AND "+
			surveyScopeSQL(actor, &args), args...).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			v.Add("enterprise_id", "field.unknown")
		}
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	if in.Phone != "" {
		keys, err := s.keys()
		if err != nil {
			return r, err
		}
		if r.phoneEnc, err = keys.EncryptField(fieldPhone, in.Phone); err != nil {
			return r, err
		}
		r.phoneIndex = keys.Index(indexPhone, in.Phone)
		r.phoneMasked = secret.MaskPhone(in.Phone)
	}
	r.in = in
	return r, nil
}

func (r surveyRow) audit() model.SurveyInput {
	a := r.in
	a.Phone = r.phoneMasked
	return a
}

// CreateSurvey records a surveyed member.
func (s *Store) CreateSurvey(ctx context.Context, actor *model.Actor, in model.SurveyInput) (model.Survey, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := s.validateSurvey(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO surveys (name, sort_key, phone_enc, phone_index, phone_masked, enterprise_id, category,
			relation_place, willingness, notes, surveyed_on, created_by, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1) RETURNING id`,
			r.in.Name, textkey.SortKey(r.in.Name), r.phoneEnc, r.phoneIndex, r.phoneMasked, r.in.EnterpriseID, r.in.Category,
			r.in.RelationPlace, r.in.Willingness, r.in.Notes, r.surveyed.Time, nullID(actor.UserID), tx.now).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: create survey: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "survey.create", Entity: "survey", EntityID: id, After: r.audit()})
	})
	if err != nil {
		return model.Survey{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Survey{ID: id}, nil
	}
	return s.Survey(ctx, model.System, id)
}

// UpdateSurvey edits a survey record with optimistic locking. An empty
// phone keeps the stored one (the form never shows it in full).
func (s *Store) UpdateSurvey(ctx context.Context, actor *model.Actor, id int64, in model.SurveyInput, version int) (model.Survey, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.survey(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		keepPhone := strings.TrimSpace(in.Phone) == ""
		r, err := s.validateSurvey(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		q := `UPDATE surveys SET name = $1, sort_key = $2, enterprise_id = $3, category = $4, relation_place = $5, willingness = $6,
			notes = $7, surveyed_on = $8, updated_at = $9, version = version + 1`
		args := []any{r.in.Name, textkey.SortKey(r.in.Name), r.in.EnterpriseID, r.in.Category, r.in.RelationPlace, r.in.Willingness,
			r.in.Notes, r.surveyed.Time, tx.now}
		if !keepPhone {
			q += ", phone_enc = $10, phone_index = $11, phone_masked = $12"
			args = append(args, r.phoneEnc, r.phoneIndex, r.phoneMasked)
		}
		args = append(args, id, version)
		res, err := tx.ExecContext(ctx, fmt.Sprintf("%s WHERE id = $%d AND version = $%d", q, len(args)-1, len(args)), args...)
		if err != nil {
			return fmt.Errorf("store: update survey: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		return tx.Audit(ctx, actor, Change{Action: "survey.update", Entity: "survey", EntityID: id, Before: old, After: r.audit()})
	})
	if err != nil {
		return model.Survey{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Survey{ID: id}, nil
	}
	return s.Survey(ctx, model.System, id)
}

// AddSurveyNote appends a follow-up note.
func (s *Store) AddSurveyNote(ctx context.Context, actor *model.Actor, id int64, note string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := s.survey(ctx, tx, actor, id); err != nil {
			return err
		}
		var v model.Validation
		textField(&v, "note", &note, 1000, true)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO survey_notes (survey_id, note, created_by, created_at) VALUES ($1, $2, $3, $4)",
			id, note, nullID(actor.UserID), tx.now); err != nil {
			return fmt.Errorf("store: survey note: %w", err)
		}
		return tx.Audit(ctx, actor, Change{Action: "survey.note", Entity: "survey", EntityID: id, After: map[string]string{"note": note}})
	})
}

// Survey returns one survey record in scope, with its follow-up notes.
func (s *Store) Survey(ctx context.Context, actor *model.Actor, id int64) (model.Survey, error) {
	v, err := s.survey(ctx, s.R, actor, id)
	if err != nil {
		return v, err
	}
	rows, err := s.R.QueryContext(ctx, `SELECT n.id, n.note, COALESCE(u.display_name, ''), n.created_at FROM survey_notes n
		LEFT JOIN users u ON u.id = n.created_by WHERE n.survey_id = $1 ORDER BY n.id`, id)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	for rows.Next() {
		var n model.SurveyNote
		if err := rows.Scan(&n.ID, &n.Note, &n.By, &n.CreatedAt); err != nil {
			return v, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		v.FollowUps = append(v.FollowUps, n)
	}
	return v, rows.Err()
}

func (s *Store) survey(ctx context.Context, q queryer, actor *model.Actor, id int64) (model.Survey, error) {
	args := []any{id}
	v, err := scanSurvey(q.QueryRowContext(ctx, "SELECT "+surveyCols+surveyFrom+" WHERE v.id = $1 AND "+surveyScopeSQL(actor, &args), args...))
	return v, notFound(err, "survey")
}

// ListSurveys pages through survey records in the actor's enterprise scope.
func (s *Store) ListSurveys(ctx context.Context, actor *model.Actor, f model.SurveyFilter) (items []model.Survey, next, prev string, err error) {
	var args []any
	where := []string{surveyScopeSQL(actor, &args)}
	if f.EnterpriseID != 0 {
		args = append(args, f.EnterpriseID)
		where = append(where, fmt.Sprintf("v.enterprise_id = $%d", len(args)))
	}
	if f.GridID != 0 {
		ids, err := s.GridSubtree(ctx, f.GridID)
		if err != nil {
			return nil, "", "", err
		}
		where = append(where, "e.grid_id "+inList(ids, &args))
	}
	if f.Willingness != "" {
		args = append(args, f.Willingness)
		where = append(where, fmt.Sprintf("v.willingness = $%d", len(args)))
	}
	if f.Converted != nil {
		if *f.Converted {
			where = append(where, "v.transfer_id IS NOT NULL")
		} else {
			where = append(where, "v.transfer_id IS NULL")
		}
	}
	if kw := strings.TrimSpace(f.Keyword); kw != "" {
		if p := NormalizePhone(kw); validPhone(p) && s.Keys != nil {
			args = append(args, s.Keys.Index(indexPhone, p))
			where = append(where, fmt.Sprintf("v.phone_index = $%d", len(args)))
		} else {
			args = append(args, "%"+likeEscape(kw)+"%")
			where = append(where, fmt.Sprintf("(v.name LIKE $%d ESCAPE '\\' OR e.name LIKE $%d ESCAPE '\\')", len(args), len(args)))
		}
	}
	return keysetPage(ctx, s, keysetQuery{Select: "SELECT " + surveyCols + ", v.sort_key" + surveyFrom, Where: where, Args: args,
		KeyCol: "v.sort_key", KeyKind: 'b', Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Survey, []byte, int64, error) {
			var key []byte
			v, err := scanSurvey(rows, &key)
			return v, key, v.ID, err
		})
}

// ConvertSurvey turns a survey record into a transfer in: the surveyed
// person is registered as a member in transit to the receiving organization
// (their ID number is needed now), and the record links to the transfer.
func (s *Store) ConvertSurvey(ctx context.Context, actor *model.Actor, id int64, idNumber string, in model.TransferInput) (model.Transfer, error) {
	var tid int64
	err := s.InTx(ctx, func(tx *Tx) error {
		sv, err := s.survey(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if sv.TransferID != 0 {
			return model.Errorf(model.ECONFLICT, "survey.converted")
		}
		var phoneEnc string
		if err := tx.QueryRowContext(ctx, "SELECT phone_enc FROM surveys WHERE id = $1", id).Scan(&phoneEnc); err != nil {
			return err
		}
		phone := ""
		if phoneEnc != "" {
			keys, err := s.keys()
			if err != nil {
				return err
			}
			if phone, err = keys.DecryptField(fieldPhone, phoneEnc); err != nil {
				return fmt.Errorf("store: decrypt survey %d: %w", id, err)
			}
		}
		m := model.MemberInput{Name: sv.Name, IDNumber: idNumber, Phone: phone, Category: sv.Category,
			EnterpriseID: sv.EnterpriseID, Status: model.MemberNormal}
		if in.Member != nil {
			// The form may complete the record (dates, education …); the
			// survey supplies what it knows.
			c := *in.Member
			c.Name, c.IDNumber, c.EnterpriseID = m.Name, m.IDNumber, m.EnterpriseID
			if c.Phone == "" {
				c.Phone = m.Phone
			}
			if c.Category == "" {
				c.Category = m.Category
			}
			m = c
		}
		in.Kind = model.TransferIn
		in.Member = &m
		in.MemberID = 0
		in.SurveyID = id
		if strings.TrimSpace(in.FromName) == "" {
			in.FromName = sv.RelationPlace
		}
		if tid, err = s.createTransfer(ctx, tx, actor, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE surveys SET transfer_id = $1, willingness = 'willing', updated_at = $2, version = version + 1 WHERE id = $3",
			tid, tx.now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "survey.convert", Entity: "survey", EntityID: id, After: map[string]int64{"transfer_id": tid}})
	})
	if err != nil {
		return model.Transfer{}, err
	}
	return s.Transfer(ctx, model.System, tid)
}

// BranchCandidates lists enterprises in the actor's scope that have 正式党员
// (registered as working there, or surveyed and not yet transferred) but no
// organization of their own. own holds those with at least
// rules.BranchMinFullMembers (可建支部); joint those with fewer, not already
// a unit of a joint branch, grouped by grid and industry (联合党支部 candidates).
func (s *Store) BranchCandidates(ctx context.Context, actor *model.Actor) (own, joint []model.BranchCandidate, err error) {
	var args []any
	scope := surveyScopeSQL(actor, &args)
	q := `SELECT e.id, e.name, e.grid_id, g.name, e.industry_id, i.name, x.registered, x.surveyed,
		COALESCE((SELECT o.name FROM org_coverage cv JOIN organizations o ON o.id = cv.org_id
			WHERE cv.enterprise_id = e.id AND cv.until IS NULL ORDER BY cv.id LIMIT 1), ''),
		EXISTS (SELECT 1 FROM org_coverage cv WHERE cv.enterprise_id = e.id AND cv.until IS NULL AND cv.kind = 'joint'), e.sort_key
		FROM (SELECT enterprise_id, SUM(r) AS registered, SUM(sv) AS surveyed FROM (
				SELECT enterprise_id, 1 AS r, 0 AS sv FROM members
					WHERE enterprise_id IS NOT NULL AND category = 'full' AND status = 'normal' AND org_id IS NOT NULL
				UNION ALL
				SELECT enterprise_id, 0, 1 FROM surveys WHERE transfer_id IS NULL AND category = 'full'
			) u GROUP BY enterprise_id) x
		JOIN enterprises e ON e.id = x.enterprise_id
		JOIN grids g ON g.id = e.grid_id JOIN industries i ON i.id = e.industry_id
		WHERE e.deleted_at IS NULL AND ` + scope + `
		AND NOT EXISTS (SELECT 1 FROM org_coverage cv WHERE cv.enterprise_id = e.id AND cv.until IS NULL AND cv.kind = 'own')`
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: branch candidates: %w", err)
	}
	defer rows.Close()
	type keyed struct {
		c   model.BranchCandidate
		key []byte
	}
	var ownK, jointK []keyed
	for rows.Next() {
		var c model.BranchCandidate
		var inJoint bool
		var key []byte
		if err := rows.Scan(&c.EnterpriseID, &c.EnterpriseName, &c.GridID, &c.GridName, &c.IndustryID, &c.IndustryName,
			&c.Registered, &c.Surveyed, &c.Covered, &inJoint, &key); err != nil {
			return nil, nil, err
		}
		c.Full = c.Registered + c.Surveyed
		switch {
		case c.Full >= rules.BranchMinFullMembers:
			ownK = append(ownK, keyed{c, key})
		case c.Full > 0 && !inJoint:
			jointK = append(jointK, keyed{c, key})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	sort.Slice(ownK, func(i, j int) bool {
		if ownK[i].c.Full != ownK[j].c.Full {
			return ownK[i].c.Full > ownK[j].c.Full
		}
		return string(ownK[i].key) < string(ownK[j].key)
	})
	sort.Slice(jointK, func(i, j int) bool {
		a, b := jointK[i], jointK[j]
		if a.c.GridID != b.c.GridID {
			return a.c.GridID < b.c.GridID
		}
		if a.c.IndustryID != b.c.IndustryID {
			return a.c.IndustryID < b.c.IndustryID
		}
		return string(a.key) < string(b.key)
	})
	for _, k := range ownK {
		own = append(own, k.c)
	}
	for _, k := range jointK {
		joint = append(joint, k.c)
	}
	return own, joint, nil
}
