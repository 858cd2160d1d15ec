package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"redgrid/internal/ident"
	"redgrid/internal/model"
)

// Row importers: each row goes through the register's own create or update
// (every rule applies), inside the import's transaction.

// GridImportRow is one row of a grid file; Parent is the parent's code.
type GridImportRow struct {
	In     GridInput
	Parent string
}

// OrganizationImportRow is one row of an organization file; Parent is the
// parent's code.
type OrganizationImportRow struct {
	In     OrganizationInput
	Parent string
}

// MemberImportRow is one row of a member file: the organization by code,
// the employer by credit code.
type MemberImportRow struct {
	In         model.MemberInput
	Org        string
	Enterprise string
}

// SurveyImportRow is one row of a survey file: the enterprise by credit code.
type SurveyImportRow struct {
	In         model.SurveyInput
	Enterprise string
}

// lookupID returns the id of the row q finds, 0 when none.
func lookupID(ctx context.Context, tx *Tx, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, q, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// resolve sets *id from a code: unknown codes are an issue on field.
func resolve(ctx context.Context, tx *Tx, it *ImportItem, field, code, q string, id *int64) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil
	}
	found, err := lookupID(ctx, tx, q, code)
	if err != nil {
		return err
	}
	if found == 0 {
		it.fail(field, "import.unknown_ref", code)
	}
	*id = found
	return nil
}

type gridImporter struct {
	s     *Store
	actor *model.Actor
	mode  ImportMode
}

func (im *gridImporter) row(ctx context.Context, tx *Tx, it *ImportItem) error {
	r := it.Row.(*GridImportRow)
	r.In.Code, r.In.Name = strings.TrimSpace(r.In.Code), strings.TrimSpace(r.In.Name)
	if err := resolve(ctx, tx, it, "parent_id", r.Parent, "SELECT id FROM grids WHERE code = $1", &r.In.ParentID); err != nil {
		return err
	}
	old, err := scanGrid(tx.QueryRowContext(ctx, "SELECT "+gridCols+gridFrom+" WHERE g.code = $1", r.In.Code))
	stored := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	same := stored && old.Name == r.In.Name && old.Level == r.In.Level && old.ParentID == r.In.ParentID
	classify(it, im.mode, stored, same, "code")
	switch it.Status {
	case ImportNew:
		_, err = im.s.CreateGrid(ctx, im.actor, r.In)
	case ImportChanged:
		in := r.In
		in.Version = old.Version
		_, err = im.s.UpdateGrid(ctx, im.actor, old.ID, in)
	}
	if err != nil {
		return it.failWith(err)
	}
	return nil
}

type orgImporter struct {
	s     *Store
	actor *model.Actor
	mode  ImportMode
}

func (im *orgImporter) row(ctx context.Context, tx *Tx, it *ImportItem) error {
	r := it.Row.(*OrganizationImportRow)
	r.In.Code = strings.TrimSpace(r.In.Code)
	if err := resolve(ctx, tx, it, "parent_id", r.Parent, "SELECT id FROM organizations WHERE code = $1", &r.In.ParentID); err != nil {
		return err
	}
	old, err := scanOrganization(tx.QueryRowContext(ctx, "SELECT "+orgCols+orgFrom+" WHERE o.code = $1", r.In.Code))
	stored := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if stored && !canManageOrg(im.actor, old.Path) {
		it.fail("code", "import.key_outside_scope")
		return nil
	}
	same := false
	if stored {
		before := OrganizationInputOf(old)
		before.Version = 0
		after := r.In
		after.Kind = orgKindCode(strings.TrimSpace(after.Kind))
		after.Name, after.ShortName, after.Notes = strings.TrimSpace(after.Name), strings.TrimSpace(after.ShortName), strings.TrimSpace(after.Notes)
		same = before == after
	}
	classify(it, im.mode, stored, same, "code")
	switch it.Status {
	case ImportNew:
		_, err = im.s.CreateOrganization(ctx, im.actor, r.In)
	case ImportChanged:
		in := r.In
		in.Version = old.Version
		_, err = im.s.UpdateOrganization(ctx, im.actor, old.ID, in)
	}
	if err != nil {
		return it.failWith(err)
	}
	return nil
}

type memberImporter struct {
	s     *Store
	actor *model.Actor
	mode  ImportMode
}

func (im *memberImporter) row(ctx context.Context, tx *Tx, it *ImportItem) error {
	r := it.Row.(*MemberImportRow)
	in := &r.In
	if err := resolve(ctx, tx, it, "org_id", r.Org, "SELECT id FROM organizations WHERE code = $1", &in.OrgID); err != nil {
		return err
	}
	if err := resolve(ctx, tx, it, "enterprise_id", r.Enterprise,
		"SELECT id FROM enterprises WHERE uscc = $1 AND deleted_at IS NULL", &in.EnterpriseID); err != nil {
		return err
	}
	in.IDNumber = ident.NormalizeID(in.IDNumber)
	in.Name, in.Phone, in.Ethnicity = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Ethnicity)
	if in.Status == "" {
		in.Status = model.MemberNormal
	}
	id, err := lookupID(ctx, tx, "SELECT id FROM members WHERE id_index = $1", im.s.Keys.Index(indexIDNumber, in.IDNumber))
	if err != nil {
		return err
	}
	stored, same, version := id != 0, false, 0
	if stored {
		old, err := im.s.member(ctx, tx, im.actor, id)
		if err != nil {
			if model.ErrorCode(err) == model.ENOTFOUND {
				it.fail("id_number", "import.key_outside_scope")
				return nil
			}
			return err
		}
		sec, err := im.s.memberSecret(ctx, tx, id)
		if err != nil {
			return err
		}
		before := MemberInputOf(old, sec)
		in.IDOverride = before.IDOverride
		same = before == *in
		version = old.Version
	}
	classify(it, im.mode, stored, same, "id_number")
	switch it.Status {
	case ImportNew:
		_, err = im.s.CreateMember(ctx, im.actor, *in)
	case ImportChanged:
		_, err = im.s.UpdateMember(ctx, im.actor, id, *in, version, MemberEdit{ClearPhone: in.Phone == ""})
	}
	if err != nil {
		return it.failWith(err)
	}
	return nil
}

type surveyImporter struct {
	s     *Store
	actor *model.Actor
}

func (im *surveyImporter) row(ctx context.Context, tx *Tx, it *ImportItem) error {
	r := it.Row.(*SurveyImportRow)
	if err := resolve(ctx, tx, it, "enterprise_id", r.Enterprise,
		"SELECT id FROM enterprises WHERE uscc = $1 AND deleted_at IS NULL", &r.In.EnterpriseID); err != nil {
		return err
	}
	if it.Status == ImportInvalid {
		return nil
	}
	it.Status = ImportNew
	if _, err := im.s.CreateSurvey(ctx, im.actor, r.In); err != nil {
		return it.failWith(err)
	}
	return nil
}
