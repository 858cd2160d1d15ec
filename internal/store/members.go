package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/secret"
	"redgrid/internal/textkey"
)

// Blind-index and encryption field names: a value encrypted for one field
// cannot be replayed into another.
const (
	fieldIDNumber = "member.id_number"
	fieldPhone    = "member.phone"
	indexIDNumber = "id_number"
	indexPhone    = "phone"
)

// memberRow is a validated member ready to store.
type memberRow struct {
	in                                           model.MemberInput
	idEnc, idIndex, idMasked                     string
	phoneEnc, phoneIndex, phoneMasked            string
	sex                                          string
	birth                                        time.Time
	applied, activist, candidate, admitted, full *time.Time
	orgPath                                      string
}

// NormalizePhone strips spaces and dashes from a phone number and folds
// full-width digits; "" when s is empty.
func NormalizePhone(s string) string {
	s = ident.FoldWidth(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

func validPhone(p string) bool {
	if len(p) < 7 || len(p) > 15 {
		return false
	}
	for i, r := range p {
		if !unicode.IsDigit(r) && !(i == 0 && r == '+') {
			return false
		}
	}
	if len(p) == 11 && p[0] == '1' {
		return true
	}
	return p[0] == '0' || p[0] == '+' || len(p) <= 8
}

func (s *Store) keys() (*secret.Keyring, error) {
	if s.Keys == nil {
		return nil, errors.New("store: no keyring: personal data cannot be stored")
	}
	return s.Keys, nil
}

// validateMember checks and normalizes in. keepOrg is true on updates,
// where the organization changes only through a transfer.
func (s *Store) validateMember(ctx context.Context, q queryer, actor *model.Actor, in model.MemberInput, needOrg bool) (memberRow, error) {
	var v model.Validation
	r := memberRow{}
	now := s.now()
	textField(&v, "name", &in.Name, 32, true)
	textField(&v, "ethnicity", &in.Ethnicity, 16, false)
	textField(&v, "id_override", &in.IDOverride, 200, false)
	in.Education = oneOf(&v, "education", in.Education, model.Educations, false)
	in.Category = oneOf(&v, "category", in.Category, model.MemberCategories, true)
	if strings.TrimSpace(in.Status) == "" {
		in.Status = model.MemberNormal
	}
	in.Status = oneOf(&v, "status", in.Status, model.MemberStatuses, true)
	in.PositionKind = oneOf(&v, "position_kind", in.PositionKind, model.PositionKinds, false)

	// 居民身份证号: GB 11643 check character and birth date; an override
	// (with its reason) accepts a check-character mismatch only.
	in.IDNumber = ident.NormalizeID(in.IDNumber)
	if in.IDNumber == "" {
		v.Add("id_number", "field.required")
	} else {
		info, key, args := ident.ValidateID(in.IDNumber)
		if key == ident.IDErrCheck && in.IDOverride != "" {
			if b, err := time.Parse("20060102", in.IDNumber[6:14]); err == nil {
				info = ident.IDInfo{Birth: b, Male: (in.IDNumber[16]-'0')%2 == 1}
				key = ""
			}
		} else if key == "" {
			in.IDOverride = "" // nothing to override
		}
		switch {
		case key != "":
			v.Add("id_number", key, args...)
		case info.Birth.After(now):
			v.Add("id_number", ident.IDErrDate, in.IDNumber[6:14])
		default:
			r.birth = info.Birth
			r.sex = "female"
			if info.Male {
				r.sex = "male"
			}
		}
	}
	in.Phone = NormalizePhone(in.Phone)
	if in.Phone != "" && !validPhone(in.Phone) {
		v.Add("phone", "field.phone")
	}

	// The road to membership, in order: 申请 ≤ 积极分子 ≤ 发展对象 ≤ 接收预备 ≤ 转正.
	r.applied = optDate(&v, "applied_on", in.AppliedOn, now)
	r.activist = optDate(&v, "activist_on", in.ActivistOn, now)
	r.candidate = optDate(&v, "candidate_on", in.CandidateOn, now)
	r.admitted = optDate(&v, "admitted_on", in.AdmittedOn, now)
	r.full = optDate(&v, "full_on", in.FullOn, now)
	steps := []struct {
		field string
		d     *time.Time
	}{{"applied_on", r.applied}, {"activist_on", r.activist}, {"candidate_on", r.candidate}, {"admitted_on", r.admitted}, {"full_on", r.full}}
	var last *time.Time
	var lastField string
	for _, st := range steps {
		if st.d == nil {
			continue
		}
		if last != nil && st.d.Before(*last) {
			v.Add(st.field, "member.date_order", lastField)
		}
		last, lastField = st.d, st.field
	}
	if !r.birth.IsZero() {
		if r.admitted != nil && r.birth.AddDate(rules.MinAdmissionAge, 0, 0).After(*r.admitted) {
			v.Add("admitted_on", "member.under_age", rules.MinAdmissionAge)
		}
		if r.applied != nil && r.birth.AddDate(rules.MinAdmissionAge, 0, 0).After(*r.applied) {
			v.Add("applied_on", "member.under_age", rules.MinAdmissionAge)
		}
	}
	switch in.Category {
	case model.CategoryProbationary:
		if r.full != nil {
			v.Add("full_on", "member.probationary_full")
		}
		if r.admitted == nil {
			v.Add("admitted_on", "field.required")
		}
	case model.CategoryFull:
		if r.admitted != nil && r.full != nil && r.full.Before(r.admitted.AddDate(rules.ProbationYears, 0, 0)) {
			v.Add("full_on", "member.probation_short", rules.ProbationYears)
		}
	}

	if in.OrgID == 0 {
		if needOrg {
			v.Add("org_id", "field.required")
		}
	} else {
		if err := s.lockTree(ctx, q, false); err != nil {
			return r, err
		}
		err := q.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1"+s.forShare(), in.OrgID).Scan(&r.orgPath)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("org_id", "field.unknown")
		case err != nil:
			return r, err
		case !canManageOrg(actor, r.orgPath):
			v.Add("org_id", "organization.outside_scope")
		}
	}
	if in.EnterpriseID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises WHERE id = $1 AND deleted_at IS NULL", in.EnterpriseID).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			v.Add("enterprise_id", "field.unknown")
		}
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	keys, err := s.keys()
	if err != nil {
		return r, err
	}
	if r.idEnc, err = keys.EncryptField(fieldIDNumber, in.IDNumber); err != nil {
		return r, err
	}
	r.idIndex = keys.Index(indexIDNumber, in.IDNumber)
	r.idMasked = secret.MaskID(in.IDNumber)
	if in.Phone != "" {
		if r.phoneEnc, err = keys.EncryptField(fieldPhone, in.Phone); err != nil {
			return r, err
		}
		r.phoneIndex = keys.Index(indexPhone, in.Phone)
		r.phoneMasked = secret.MaskPhone(in.Phone)
	}
	r.in = in
	return r, nil
}

// duplicateID turns a unique violation on the ID index into a conflict
// that names the existing member when the actor may see them.
func (s *Store) duplicateID(ctx context.Context, q queryer, actor *model.Actor, idIndex string) error {
	args := []any{idIndex}
	find := "SELECT m.id, m.name FROM members m WHERE m.id_index = $1 AND " + memberScopeSQL(actor, &args)
	var name string
	var id int64
	err := q.QueryRowContext(ctx, find, args...).Scan(&id, &name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		// On PostgreSQL the failed INSERT/UPDATE has aborted the transaction,
		// so ask outside it: the holder is a committed row.
		err = s.R.QueryRowContext(ctx, find, args...).Scan(&id, &name)
	}
	if err == nil {
		return model.FieldConflict("id_number", "member.duplicate_id_named", name, id)
	}
	return model.FieldConflict("id_number", "member.duplicate_id")
}

// bumpOrgCount moves one member in or out of an organization's counters
// and the subtree counters of the organization and all its ancestors.
func bumpOrgCount(ctx context.Context, tx *Tx, orgID int64, category, status string, delta int) error {
	if orgID == 0 {
		return nil
	}
	if err := tx.s.lockTree(ctx, tx, false); err != nil {
		return err
	}
	var path string
	if err := tx.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", orgID).Scan(&path); err != nil {
		return fmt.Errorf("store: member counters: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO org_member_counts (org_id, org_path, category, status, n) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id, category, status) DO UPDATE SET n = org_member_counts.n + excluded.n`, orgID, path, category, status, delta); err != nil {
		return fmt.Errorf("store: member counters: %w", err)
	}
	return bumpSubtree(ctx, tx, pathIDs(path), map[[2]string]int{{category, status}: delta})
}

// bumpSubtree adds deltas (by category and status) to the subtree counters
// of the given organizations.
func bumpSubtree(ctx context.Context, tx *Tx, orgs []int64, deltas map[[2]string]int) error {
	for _, id := range orgs {
		for k, d := range deltas {
			if d == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO org_subtree_counts (org_id, category, status, n) VALUES ($1, $2, $3, $4)
				ON CONFLICT (org_id, category, status) DO UPDATE SET n = org_subtree_counts.n + excluded.n`, id, k[0], k[1], d); err != nil {
				return fmt.Errorf("store: subtree counters: %w", err)
			}
		}
	}
	return nil
}

// pathIDs returns the organization ids of a materialized path, root first.
func pathIDs(path string) []int64 {
	var ids []int64
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// insertMember stores a validated member; org may be 0 for a member
// arriving from outside, who joins on receipt of the transfer.
func (s *Store) insertMember(ctx context.Context, tx *Tx, actor *model.Actor, r memberRow) (int64, error) {
	in := r.in
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO members (name, sort_key, id_enc, id_index, id_masked, id_override, sex, birth_date,
		phone_enc, phone_index, phone_masked, ethnicity, education, category, applied_on, activist_on, candidate_on, admitted_on,
		full_on, status, mobile, org_id, org_path, enterprise_id, position_kind, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $26, 1)
		RETURNING id`,
		in.Name, textkey.SortKey(in.Name), r.idEnc, r.idIndex, r.idMasked, in.IDOverride, r.sex, r.birth,
		r.phoneEnc, r.phoneIndex, r.phoneMasked, in.Ethnicity, in.Education, in.Category, nullDate(r.applied), nullDate(r.activist),
		nullDate(r.candidate), nullDate(r.admitted), nullDate(r.full), in.Status, in.Mobile, nullID(in.OrgID), r.orgPath,
		nullID(in.EnterpriseID), in.PositionKind, tx.now).Scan(&id)
	if err != nil {
		if errors.Is(s.dialect.classify(err), errUnique) {
			return 0, s.duplicateID(ctx, tx, actor, r.idIndex)
		}
		return 0, fmt.Errorf("store: create member: %w", err)
	}
	if err := bumpOrgCount(ctx, tx, in.OrgID, in.Category, in.Status, 1); err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, actor, Change{Action: "member.create", Entity: "member", EntityID: id, After: auditMember(r)})
}

// auditMember is what the audit log keeps of a member: masked personal
// data, never the full values.
func auditMember(r memberRow) model.MemberInput {
	a := r.in
	a.IDNumber, a.Phone = r.idMasked, r.phoneMasked
	return a
}

// CreateMember adds a member to an organization.
func (s *Store) CreateMember(ctx context.Context, actor *model.Actor, in model.MemberInput) (model.Member, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := s.validateMember(ctx, tx, actor, in, true)
		if err != nil {
			return err
		}
		id, err = s.insertMember(ctx, tx, actor, r)
		return err
	})
	if err != nil {
		return model.Member{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Member{ID: id}, nil
	}
	return s.Member(ctx, model.System, id)
}

// MemberEdit tunes UpdateMember.
type MemberEdit struct {
	// ClearPhone deletes the stored phone; without it an empty Phone keeps
	// the stored one.
	ClearPhone bool
}

// UpdateMember edits a member with optimistic locking. The organization
// changes only through a transfer, so in.OrgID must be the current one (or 0).
// An empty IDNumber or Phone keeps the stored value: it is decrypted inside
// the transaction to check the record again, which is not a reveal and is
// not recorded as one. Deleting the phone takes MemberEdit.ClearPhone.
func (s *Store) UpdateMember(ctx context.Context, actor *model.Actor, id int64, in model.MemberInput, version int, opts ...MemberEdit) (model.Member, error) {
	var opt MemberEdit
	for _, o := range opts {
		opt.ClearPhone = opt.ClearPhone || o.ClearPhone
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.member(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if old.OrgID != 0 {
			var p string
			if err := tx.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", old.OrgID).Scan(&p); err != nil {
				return err
			}
			if !canManageOrg(actor, p) {
				return model.Errorf(model.EFORBIDDEN, "member.read_only")
			}
		} else if !actor.Scope.All {
			return model.Errorf(model.EFORBIDDEN, "member.read_only")
		}
		if in.OrgID != 0 && in.OrgID != old.OrgID {
			var v model.Validation
			v.Add("org_id", "member.org_by_transfer")
			return v.Err()
		}
		in.OrgID = old.OrgID
		keepID := strings.TrimSpace(in.IDNumber) == ""
		keepPhone := strings.TrimSpace(in.Phone) == "" && !opt.ClearPhone
		if keepID || keepPhone {
			sec, err := s.memberSecret(ctx, tx, id)
			if err != nil {
				return err
			}
			if keepID {
				in.IDNumber = sec.IDNumber
			}
			if keepPhone {
				in.Phone = sec.Phone
			}
		}
		r, err := s.validateMember(ctx, tx, model.System, in, false)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE members SET name = $1, sort_key = $2, id_enc = $3, id_index = $4, id_masked = $5,
			id_override = $6, sex = $7, birth_date = $8, phone_enc = $9, phone_index = $10, phone_masked = $11, ethnicity = $12,
			education = $13, category = $14, applied_on = $15, activist_on = $16, candidate_on = $17, admitted_on = $18, full_on = $19,
			status = $20, mobile = $21, enterprise_id = $22, position_kind = $23, updated_at = $24, version = version + 1
			WHERE id = $25 AND version = $26`,
			r.in.Name, textkey.SortKey(r.in.Name), r.idEnc, r.idIndex, r.idMasked, r.in.IDOverride, r.sex, r.birth,
			r.phoneEnc, r.phoneIndex, r.phoneMasked, r.in.Ethnicity, r.in.Education, r.in.Category, nullDate(r.applied),
			nullDate(r.activist), nullDate(r.candidate), nullDate(r.admitted), nullDate(r.full), r.in.Status, r.in.Mobile,
			nullID(r.in.EnterpriseID), r.in.PositionKind, tx.now, id, version)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return s.duplicateID(ctx, tx, actor, r.idIndex)
			}
			return fmt.Errorf("store: update member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if old.Category != r.in.Category || old.Status != r.in.Status {
			if err := bumpOrgCount(ctx, tx, old.OrgID, old.Category, old.Status, -1); err != nil {
				return err
			}
			if err := bumpOrgCount(ctx, tx, old.OrgID, r.in.Category, r.in.Status, 1); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, Change{Action: "member.update", Entity: "member", EntityID: id,
			Before: MemberInputOf(old, model.MemberSecret{IDNumber: old.IDMasked, Phone: old.PhoneMasked}), After: auditMember(r)})
	})
	if err != nil {
		return model.Member{}, err
	}
	if outerTx(ctx) != nil { // inside an import: no read-back before commit
		return model.Member{ID: id}, nil
	}
	return s.Member(ctx, model.System, id)
}

// MemberInputOf returns the input reproducing m with the given personal data
// (edit forms pass the revealed values; the audit log the masked ones).
func MemberInputOf(m model.Member, sec model.MemberSecret) model.MemberInput {
	return model.MemberInput{Name: m.Name, IDNumber: sec.IDNumber, IDOverride: m.IDOverride, Phone: sec.Phone,
		Ethnicity: m.Ethnicity, Education: m.Education, Category: m.Category, AppliedOn: fmtDate(m.AppliedOn),
		ActivistOn: fmtDate(m.ActivistOn), CandidateOn: fmtDate(m.CandidateOn), AdmittedOn: fmtDate(m.AdmittedOn),
		FullOn: fmtDate(m.FullOn), Status: m.Status, Mobile: m.Mobile, OrgID: m.OrgID, EnterpriseID: m.EnterpriseID,
		PositionKind: m.PositionKind}
}

const memberCols = `m.id, m.name, m.id_masked, m.id_override, m.sex, m.birth_date, m.phone_masked, m.ethnicity, m.education,
	m.category, m.applied_on, m.activist_on, m.candidate_on, m.admitted_on, m.full_on, m.status, m.mobile,
	COALESCE(m.org_id, 0), COALESCE(m.enterprise_id, 0), m.position_kind, m.created_at, m.updated_at, m.version,
	COALESCE(o.name, ''), COALESCE(e.name, ''),
	EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.state IN ('initiated', 'approved', 'in_transit'))`

const memberFrom = ` FROM members m LEFT JOIN organizations o ON o.id = m.org_id LEFT JOIN enterprises e ON e.id = m.enterprise_id`

func scanMember(sc interface{ Scan(...any) error }, extra ...any) (model.Member, error) {
	var m model.Member
	var applied, activist, candidate, admitted, full sql.NullTime
	dest := []any{&m.ID, &m.Name, &m.IDMasked, &m.IDOverride, &m.Sex, &m.BirthDate, &m.PhoneMasked, &m.Ethnicity, &m.Education,
		&m.Category, &applied, &activist, &candidate, &admitted, &full, &m.Status, &m.Mobile,
		&m.OrgID, &m.EnterpriseID, &m.PositionKind, &m.CreatedAt, &m.UpdatedAt, &m.Version, &m.OrgName, &m.EnterpriseName, &m.InTransit}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return m, err
	}
	m.BirthDate = m.BirthDate.UTC()
	m.AppliedOn, m.ActivistOn, m.CandidateOn, m.AdmittedOn, m.FullOn = dateOut(applied), dateOut(activist), dateOut(candidate), dateOut(admitted), dateOut(full)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, nil
}

// Member returns one member in the actor's scope, with posts.
func (s *Store) Member(ctx context.Context, actor *model.Actor, id int64) (model.Member, error) {
	m, err := s.member(ctx, s.R, actor, id)
	if err != nil {
		return m, err
	}
	m.Posts, err = s.MemberPosts(ctx, id)
	return m, err
}

func (s *Store) member(ctx context.Context, q queryer, actor *model.Actor, id int64) (model.Member, error) {
	args := []any{id}
	m, err := scanMember(q.QueryRowContext(ctx, "SELECT "+memberCols+memberFrom+" WHERE m.id = $1 AND "+memberScopeSQL(actor, &args), args...))
	return m, notFound(err, "member")
}

// CanManageMember reports whether the actor may edit the member and reveal
// their personal data: admins, and secretaries of the member's organization
// or an ancestor.
func (s *Store) CanManageMember(ctx context.Context, actor *model.Actor, m model.Member) bool {
	if actor.Scope.All {
		return true
	}
	if m.OrgID == 0 {
		return false
	}
	var p string
	if err := s.R.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1", m.OrgID).Scan(&p); err != nil {
		return false
	}
	return canManageOrg(actor, p)
}

// RevealMember decrypts a member's ID number and phone for an actor allowed
// to see them, and records that they did, with the reason given.
func (s *Store) RevealMember(ctx context.Context, actor *model.Actor, id int64, reason string) (model.MemberSecret, error) {
	var sec model.MemberSecret
	err := s.InTx(ctx, func(tx *Tx) error {
		m, err := s.member(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !s.CanManageMember(ctx, actor, m) {
			return model.Errorf(model.EFORBIDDEN, "member.reveal_forbidden")
		}
		if sec, err = s.memberSecret(ctx, tx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "member.reveal", Entity: "member", EntityID: id, Reason: strings.TrimSpace(reason)})
	})
	return sec, err
}

// memberSecret decrypts a member's stored ID number and phone. Callers
// decide who may see them; RevealMember records that someone did.
func (s *Store) memberSecret(ctx context.Context, q queryer, id int64) (model.MemberSecret, error) {
	var sec model.MemberSecret
	var idEnc, phoneEnc string
	if err := q.QueryRowContext(ctx, "SELECT id_enc, phone_enc FROM members WHERE id = $1", id).Scan(&idEnc, &phoneEnc); err != nil {
		return sec, notFound(err, "member")
	}
	keys, err := s.keys()
	if err != nil {
		return sec, err
	}
	if sec.IDNumber, err = keys.DecryptField(fieldIDNumber, idEnc); err != nil {
		return sec, fmt.Errorf("store: decrypt member %d: %w", id, err)
	}
	if phoneEnc != "" {
		if sec.Phone, err = keys.DecryptField(fieldPhone, phoneEnc); err != nil {
			return sec, fmt.Errorf("store: decrypt member %d: %w", id, err)
		}
	}
	return sec, nil
}

// exactKeyword tells a keyword that is a whole ID number or phone (found
// through its blind index) from a name prefix: it returns the index and
// the normalized value, or "" for a name.
func (s *Store) exactKeyword(kw string) (index, value string) {
	if s.Keys == nil || kw == "" {
		return "", ""
	}
	if id := ident.NormalizeID(kw); looksLikeID(id) {
		return indexIDNumber, id
	}
	if phone := NormalizePhone(kw); validPhone(phone) {
		return indexPhone, phone
	}
	return "", ""
}

// looksLikeID reports whether a keyword is a whole ID number.
func looksLikeID(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return (s[17] >= '0' && s[17] <= '9') || s[17] == 'X'
}

// memberWhere renders the filter and scope of a member list.
// memberWhere also returns the organization subtree's path ("" without an
// organization filter).
func (s *Store) memberWhere(ctx context.Context, actor *model.Actor, f model.MemberFilter, args *[]any) ([]string, string, error) {
	where := []string{memberScopeSQL(actor, args)}
	var path string
	if f.OrgID != 0 {
		if err := s.readRow(ctx, "SELECT path FROM organizations WHERE id = $1", f.OrgID).Scan(&path); err != nil {
			return nil, "", notFound(err, "organization")
		}
		where = append(where, pathIn("m.org_path", []string{path}, args))
	} else {
		where = append(where, "m.org_path <> ''") // members in transit or gone have no organization
	}
	if f.EnterpriseID != 0 {
		*args = append(*args, f.EnterpriseID)
		where = append(where, fmt.Sprintf("m.enterprise_id = $%d", len(*args)))
	}
	if f.Category != "" {
		*args = append(*args, f.Category)
		where = append(where, fmt.Sprintf("m.category = $%d", len(*args)))
	}
	if f.Status != "" {
		*args = append(*args, f.Status)
		where = append(where, fmt.Sprintf("m.status = $%d", len(*args)))
	}
	if f.Mobile != nil {
		*args = append(*args, *f.Mobile)
		where = append(where, fmt.Sprintf("m.mobile = $%d", len(*args)))
	}
	if kw := strings.TrimSpace(f.Keyword); kw != "" {
		switch index, value := s.exactKeyword(kw); index {
		case indexIDNumber:
			*args = append(*args, s.Keys.Index(indexIDNumber, value))
			where = append(where, fmt.Sprintf("m.id_index = $%d", len(*args)))
		case indexPhone:
			*args = append(*args, s.Keys.Index(indexPhone, value))
			where = append(where, fmt.Sprintf("m.phone_index = $%d", len(*args)))
		default:
			// A name prefix, as the range of pinyin sort keys that begin
			// with the prefix's key (keys are the characters' primary
			// weights in turn): ignoring case and width, and answered by
			// the name-order index itself, with the organization filter
			// inside the same index.
			lo := textkey.SortKey(kw)
			*args = append(*args, lo, keyAfterPrefix(lo))
			where = append(where, fmt.Sprintf("m.sort_key >= $%d AND m.sort_key < $%d", len(*args)-1, len(*args)))
		}
	}
	return where, path, nil
}

// keyAfterPrefix returns the smallest key greater than every key that
// begins with k: k with its last byte incremented (carrying over 0xff).
func keyAfterPrefix(k []byte) []byte {
	out := append([]byte(nil), k...)
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] < 0xff {
			out[i]++
			return out[:i+1]
		}
	}
	return append(k, 0xff) // all 0xff: nothing sorts after; keep the range non-empty
}

// actorAllMembers reports whether the actor's member scope is everything or
// organization subtrees (which the path and name indexes serve), rather
// than grids.
func actorAllMembers(actor *model.Actor) bool {
	return actor.Scope.All || len(actor.Scope.GridIDs) == 0
}

// bigSubtree is the member count above which a list of an organization's
// subtree walks the name index and filters by path, rather than collecting
// the subtree by path and sorting it: sorting costs the subtree's size, the
// walk about 20 × (all members ÷ subtree members) index entries.
const bigSubtree = 20_000

// memberListFrom picks the access path of a member list on SQLite, whose
// planner cannot weigh a range on org_path against the pinyin order without
// knowing the subtree's size; the counters tell it. PostgreSQL decides alone.
func (s *Store) memberListFrom(ctx context.Context, actor *model.Actor, f model.MemberFilter, path string) string {
	exact, _ := s.exactKeyword(strings.TrimSpace(f.Keyword))
	if s.dialect.name != "sqlite" || f.EnterpriseID != 0 || exact != "" {
		return "members m"
	}
	if !actorAllMembers(actor) {
		// Grid staff: their scope is a few enterprises' members, which
		// SQLite gathers through the employer and organization indexes (a
		// multi-index OR) and sorts; walking the name order would pass over
		// everyone else first.
		return "members m"
	}
	if path == "" {
		return "members m INDEXED BY members_name"
	}
	var n int
	if err := s.readRow(ctx, "SELECT COALESCE(SUM(n), 0) FROM org_subtree_counts WHERE org_id = $1", f.OrgID).Scan(&n); err != nil {
		return "members m"
	}
	if n > bigSubtree {
		return "members m INDEXED BY members_name"
	}
	return "members m INDEXED BY members_org"
}

// ListMembers pages through members in pinyin order of name.
func (s *Store) ListMembers(ctx context.Context, actor *model.Actor, f model.MemberFilter) (model.MemberPage, error) {
	var page model.MemberPage
	var args []any
	where, path, err := s.memberWhere(ctx, actor, f, &args)
	if err != nil {
		return page, err
	}
	page.Items, page.NextCursor, page.PrevCursor, err = keysetPage(ctx, s, keysetQuery{
		Select: "SELECT " + memberCols + ", m.sort_key FROM (%s) k JOIN members m ON m.id = k.id" +
			" LEFT JOIN organizations o ON o.id = m.org_id LEFT JOIN enterprises e ON e.id = m.enterprise_id",
		InnerFrom: s.memberListFrom(ctx, actor, f, path), Where: where, Args: args,
		KeyCol: "m.sort_key", KeyKind: 'b', Cursor: f.Cursor, Limit: f.Limit},
		func(rows *sql.Rows) (model.Member, []byte, int64, error) {
			var key []byte
			m, err := scanMember(rows, &key)
			return m, key, m.ID, err
		})
	return page, err
}

// CountMembers counts the members matching f: exactly from the counters
// when they can answer, otherwise by counting rows up to limit.
func (s *Store) CountMembers(ctx context.Context, actor *model.Actor, f model.MemberFilter, limit int) (n int, capped bool, err error) {
	var args []any
	where, path, err := s.memberWhere(ctx, actor, f, &args)
	if err != nil {
		return 0, false, err
	}
	// Filters the counters know (organization subtree, category, status)
	// are answered exactly from them, when the scope adds nothing.
	if strings.TrimSpace(f.Keyword) == "" && f.EnterpriseID == 0 && f.Mobile == nil &&
		(actor.Scope.All || (path != "" && canManageOrg(actor, path))) {
		q := "SELECT COALESCE(SUM(n), 0) FROM org_subtree_counts WHERE org_id IN (SELECT id FROM organizations WHERE parent_id IS NULL)"
		cargs := []any{}
		if f.OrgID != 0 {
			q, cargs = "SELECT COALESCE(SUM(n), 0) FROM org_subtree_counts WHERE org_id = $1", []any{f.OrgID}
		}
		if f.Category != "" {
			cargs = append(cargs, f.Category)
			q += fmt.Sprintf(" AND category = $%d", len(cargs))
		}
		if f.Status != "" {
			cargs = append(cargs, f.Status)
			q += fmt.Sprintf(" AND status = $%d", len(cargs))
		}
		if err := s.readRow(ctx, q, cargs...).Scan(&n); err != nil {
			return 0, false, fmt.Errorf("store: count members: %w", err)
		}
		if n > limit {
			return limit, true, nil
		}
		return n, false, nil
	}
	args = append(args, limit+1)
	err = s.readRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM members m WHERE %s LIMIT $%d) x",
		strings.Join(where, " AND "), len(args)), args...).Scan(&n)
	if err != nil {
		return 0, false, fmt.Errorf("store: count members: %w", err)
	}
	if n > limit {
		return limit, true, nil
	}
	return n, false, nil
}

// MemberIDByNumber finds a member by ID number through the blind index.
func (s *Store) MemberIDByNumber(ctx context.Context, idNumber string) (int64, error) {
	keys, err := s.keys()
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.R.QueryRowContext(ctx, "SELECT id FROM members WHERE id_index = $1", keys.Index(indexIDNumber, ident.NormalizeID(idNumber))).Scan(&id)
	return id, notFound(err, "member")
}

// setMemberOrg moves a member to an organization (0: out of the system),
// keeping the counters; used by transfers on receipt.
func setMemberOrg(ctx context.Context, tx *Tx, memberID, orgID int64) error {
	var oldOrg sql.NullInt64
	var category, status string
	if err := tx.QueryRowContext(ctx, "SELECT org_id, category, status FROM members WHERE id = $1", memberID).Scan(&oldOrg, &category, &status); err != nil {
		return notFound(err, "member")
	}
	path := ""
	if orgID != 0 {
		if err := tx.s.lockTree(ctx, tx, false); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT path FROM organizations WHERE id = $1"+tx.s.forShare(), orgID).Scan(&path); err != nil {
			return notFound(err, "organization")
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE members SET org_id = $1, org_path = $2, updated_at = $3, version = version + 1 WHERE id = $4",
		nullID(orgID), path, tx.now, memberID); err != nil {
		return fmt.Errorf("store: move member: %w", err)
	}
	// Posts belong to the organization: they end when the member leaves it.
	if oldOrg.Valid && oldOrg.Int64 != orgID {
		if _, err := tx.ExecContext(ctx, "UPDATE org_posts SET ended_on = $1 WHERE member_id = $2 AND org_id = $3 AND ended_on IS NULL",
			civilDate(tx.now), memberID, oldOrg.Int64); err != nil {
			return err
		}
	}
	if err := bumpOrgCount(ctx, tx, oldOrg.Int64, category, status, -1); err != nil {
		return err
	}
	return bumpOrgCount(ctx, tx, orgID, category, status, 1)
}
