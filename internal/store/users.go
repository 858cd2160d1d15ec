package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
)

const userCols = `u.id, u.username, u.display_name, u.password_hash, u.role, COALESCE(u.department_id, 0), u.leader, u.disabled,
	u.locale, u.must_change_password, u.password_changed_at, u.created_at, u.updated_at, u.version, COALESCE(d.name, '')`

const userFrom = ` FROM users u LEFT JOIN departments d ON d.id = u.department_id`

func scanUser(sc interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var role string
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &role, &u.DepartmentID, &u.Leader, &u.Disabled,
		&u.Locale, &u.MustChangePassword, &u.PasswordChangedAt, &u.CreatedAt, &u.UpdatedAt, &u.Version, &u.DepartmentName)
	u.Role = model.Role(role)
	return u, err
}

// UserInput is what user management supplies.
type UserInput struct {
	Username     string     `json:"username"`
	DisplayName  string     `json:"display_name"`
	Role         model.Role `json:"role"`
	DepartmentID int64      `json:"department_id"`
	Leader       bool       `json:"leader"`
	Disabled     bool       `json:"disabled"`
	GridIDs      []int64    `json:"grid_ids"`
	OrgIDs       []int64    `json:"org_ids"`
	Password     string     `json:"-"` // create only
	MustChange   bool       `json:"must_change_password"`
	Version      int        `json:"version"`
}

// HashParams are the argon2id costs the store uses for new hashes; tests
// lower them.
var HashParams = auth.DefaultParams

func validUsername(u string) bool {
	if len(u) < 2 || len(u) > 32 {
		return false
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

func (s *Store) validateUser(ctx context.Context, q queryer, in *UserInput, create bool) error {
	var v model.Validation
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if create && !validUsername(in.Username) {
		v.Add("username", "user.username_format")
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if len([]rune(in.DisplayName)) > 32 {
		v.Add("display_name", "field.too_long", 32)
	}
	if !in.Role.Valid() {
		v.Add("role", "field.choose")
	}
	if create {
		if p := auth.CheckPolicy(in.Password, in.Username); p != "" {
			v.Add("password", p)
		}
	}
	switch in.Role {
	case model.RoleDepartment:
		if in.DepartmentID == 0 {
			v.Add("department_id", "user.department_required")
		}
	case model.RoleGridHead, model.RoleGridWorker:
		if len(in.GridIDs) == 0 {
			v.Add("grid_ids", "user.grids_required")
		}
	case model.RoleOrgSecretary:
		if len(in.OrgIDs) == 0 {
			v.Add("org_ids", "user.orgs_required")
		}
	}
	if in.Role != model.RoleDepartment {
		in.DepartmentID = 0
	}
	if in.Role != model.RoleGridHead && in.Role != model.RoleGridWorker {
		in.GridIDs = nil
	}
	if in.Role != model.RoleOrgSecretary && in.Role != model.RoleMember {
		in.OrgIDs = nil
	}
	slices.Sort(in.GridIDs)
	in.GridIDs = slices.Compact(in.GridIDs)
	slices.Sort(in.OrgIDs)
	in.OrgIDs = slices.Compact(in.OrgIDs)
	for _, id := range in.GridIDs {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM grids WHERE id = $1", id).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			v.Add("grid_ids", "field.unknown")
		}
	}
	for _, id := range in.OrgIDs {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations WHERE id = $1", id).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			v.Add("org_ids", "field.unknown")
		}
	}
	if in.DepartmentID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM departments WHERE id = $1", in.DepartmentID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			v.Add("department_id", "field.unknown")
		}
	}
	return v.Err()
}

func writeUserScope(ctx context.Context, tx *Tx, id int64, in UserInput) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_grids WHERE user_id = $1", id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_orgs WHERE user_id = $1", id); err != nil {
		return err
	}
	for _, g := range in.GridIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_grids (user_id, grid_id) VALUES ($1, $2)", id, g); err != nil {
			return err
		}
	}
	for _, o := range in.OrgIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_orgs (user_id, org_id) VALUES ($1, $2)", id, o); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser adds an account with its scope assignments.
func (s *Store) CreateUser(ctx context.Context, actor *model.Actor, in UserInput) (model.User, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.validateUser(ctx, tx, &in, true); err != nil {
			return err
		}
		hash, err := auth.Hash(in.Password, HashParams)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, department_id, leader,
			disabled, locale, must_change_password, password_changed_at, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $9, $9, 1) RETURNING id`,
			in.Username, in.DisplayName, hash, string(in.Role), nullID(in.DepartmentID), in.Leader, in.Disabled, in.MustChange, tx.now).Scan(&id)
		if err != nil {
			if errors.Is(s.dialect.classify(err), errUnique) {
				return model.FieldConflict("username", "user.duplicate_username")
			}
			return fmt.Errorf("store: create user: %w", err)
		}
		if err := writeUserScope(ctx, tx, id, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "user.create", Entity: "user", EntityID: id, After: in})
	})
	if err != nil {
		return model.User{}, err
	}
	return s.User(ctx, id)
}

// UpdateUser changes role, scope, display name or the disabled flag.
// Disabling an account ends its sessions.
func (s *Store) UpdateUser(ctx context.Context, actor *model.Actor, id int64, in UserInput) (model.User, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := s.userTx(ctx, tx, id)
		if err != nil {
			return err
		}
		in.Username = old.Username
		if err := s.validateUser(ctx, tx, &in, false); err != nil {
			return err
		}
		if old.ID == actor.UserID && (in.Disabled || in.Role != old.Role) {
			return model.Errorf(model.ECONFLICT, "user.not_self")
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1, role = $2, department_id = $3, leader = $4, disabled = $5,
			updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8`,
			in.DisplayName, string(in.Role), nullID(in.DepartmentID), in.Leader, in.Disabled, tx.now, id, in.Version)
		if err != nil {
			return fmt.Errorf("store: update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Errorf(model.ECONFLICT, "error.stale", old.Version)
		}
		if err := writeUserScope(ctx, tx, id, in); err != nil {
			return err
		}
		if in.Disabled {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id); err != nil {
				return err
			}
		}
		before := UserInput{Username: old.Username, DisplayName: old.DisplayName, Role: old.Role, DepartmentID: old.DepartmentID,
			Leader: old.Leader, Disabled: old.Disabled, GridIDs: old.GridIDs, OrgIDs: old.OrgIDs, Version: old.Version}
		in.Version = old.Version + 1
		return tx.Audit(ctx, actor, Change{Action: "user.update", Entity: "user", EntityID: id, Before: before, After: in})
	})
	if err != nil {
		return model.User{}, err
	}
	return s.User(ctx, id)
}

// SetPassword replaces a password (policy-checked), ends the account's other
// sessions and records who did it. keepSession is the caller's own session id
// to keep, or "".
func (s *Store) SetPassword(ctx context.Context, actor *model.Actor, id int64, password string, mustChange bool, keepSession string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		u, err := s.userTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if p := auth.CheckPolicy(password, u.Username); p != "" {
			var v model.Validation
			v.Add("password", p)
			return v.Err()
		}
		hash, err := auth.Hash(password, HashParams)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3,
			updated_at = $3, version = version + 1 WHERE id = $4`, hash, mustChange, tx.now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", id, keepSession); err != nil {
			return err
		}
		verb := "user.reset_password"
		if actor.UserID == id {
			verb = "user.change_password"
		}
		return tx.Audit(ctx, actor, Change{Action: verb, Entity: "user", EntityID: id})
	})
}

func (s *Store) userTx(ctx context.Context, q queryer, id int64) (model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+userFrom+" WHERE u.id = $1", id))
	if err != nil {
		return u, notFound(err, "user")
	}
	return u, s.loadUserScope(ctx, q, &u)
}

// loadUserScope reads an account's grids and organizations in one query.
func (s *Store) loadUserScope(ctx context.Context, q queryer, u *model.User) error {
	rows, err := q.QueryContext(ctx, `SELECT 1, ug.grid_id, g.name, g.path FROM user_grids ug JOIN grids g ON g.id = ug.grid_id WHERE ug.user_id = $1
		UNION ALL SELECT 2, org_id, '', '' FROM user_orgs WHERE user_id = $1 ORDER BY 1, 4, 2`, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind int
		var id int64
		var name, path string
		if err := rows.Scan(&kind, &id, &name, &path); err != nil {
			return err
		}
		if kind == 1 {
			u.GridIDs = append(u.GridIDs, id)
			u.GridNames = append(u.GridNames, name)
		} else {
			u.OrgIDs = append(u.OrgIDs, id)
		}
	}
	return rows.Err()
}

// User returns an account with its scope assignments.
func (s *Store) User(ctx context.Context, id int64) (model.User, error) {
	return s.userTx(ctx, s.R, id)
}

// UserByUsername finds an account by its (case-insensitive) username.
func (s *Store) UserByUsername(ctx context.Context, username string) (model.User, error) {
	u, err := scanUser(s.R.QueryRowContext(ctx, "SELECT "+userCols+userFrom+" WHERE u.username = $1",
		strings.ToLower(strings.TrimSpace(username))))
	if err != nil {
		return u, notFound(err, "user")
	}
	return u, s.loadUserScope(ctx, s.R, &u)
}

// Users lists accounts, optionally filtered by role and a keyword.
func (s *Store) Users(ctx context.Context, role model.Role, keyword string) ([]model.User, error) {
	q := "SELECT " + userCols + userFrom + " WHERE TRUE"
	var args []any
	if role != "" {
		args = append(args, string(role))
		q += fmt.Sprintf(" AND u.role = $%d", len(args))
	}
	if kw := strings.TrimSpace(keyword); kw != "" {
		args = append(args, "%"+strings.ToLower(escapeLike(kw))+"%")
		q += fmt.Sprintf(" AND (lower(u.username) LIKE $%d ESCAPE '\\' OR lower(u.display_name) LIKE $%d ESCAPE '\\')", len(args), len(args))
	}
	rows, err := s.R.QueryContext(ctx, q+" ORDER BY u.username", args...)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	for i := range out {
		if err := s.loadUserScope(ctx, s.R, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// ResolveScope turns an account's assignments into the Scope that queries
// use: grid heads cover the subtrees of their grids, grid workers their own
// grids, department staff read every enterprise.
func (s *Store) ResolveScope(ctx context.Context, u model.User) (model.Scope, error) {
	var sc model.Scope
	switch u.Role {
	case model.RoleAdmin:
		sc.All = true
	case model.RoleDepartment:
		sc.AllRead = true
		sc.DepartmentID = u.DepartmentID
	case model.RoleGridHead:
		ids, err := s.GridSubtree(ctx, u.GridIDs...)
		if err != nil {
			return sc, err
		}
		sc.GridIDs = ids
	case model.RoleGridWorker:
		sc.GridIDs = slices.Clone(u.GridIDs)
	case model.RoleStationKeeper:
		ids, err := s.stationKeeperIDs(ctx, u.ID)
		if err != nil {
			return sc, err
		}
		sc.StationIDs = ids
	case model.RoleOrgSecretary, model.RoleMember:
		sc.OrgIDs = slices.Clone(u.OrgIDs)
		paths, err := s.orgPaths(ctx, u.OrgIDs)
		if err != nil {
			return sc, err
		}
		sc.OrgPaths = paths
	}
	return sc, nil
}

// HasUsers reports whether any account exists (the demo loader and first
// run use it).
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) x").Scan(&n)
	return n > 0, err
}

// IsEmpty reports whether the database holds no registers yet.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := s.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) a)
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM grids LIMIT 1) b) + (SELECT COUNT(*) FROM (SELECT 1 FROM enterprises LIMIT 1) c)`).Scan(&n)
	return n == 0, err
}

// ---- sessions ----

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a web session or issues an API token and returns the
// secret (shown once) and the stored session.
func (s *Store) CreateSession(ctx context.Context, userID int64, kind, ip, ua, label string, maxAge time.Duration) (string, model.Session, error) {
	tok := auth.Token(32)
	now := s.now()
	sess := model.Session{ID: hashToken(tok), UserID: userID, Kind: kind, CSRF: auth.Token(24), Label: label,
		IP: ip, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(maxAge)}
	if len(ua) > 200 {
		ua = ua[:200]
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, kind, csrf, label, ip, user_agent, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)`, sess.ID, userID, kind, sess.CSRF, label, ip, ua, now, sess.ExpiresAt)
		if err != nil {
			return err
		}
		// Expired sessions of anyone are swept here, cheaply and without a job.
		_, err = tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", now)
		return err
	})
	return tok, sess, err
}

// SessionByToken returns a live session and its account for a secret. idle
// is the inactivity limit; a session idle longer is ended.
func (s *Store) SessionByToken(ctx context.Context, tok, kind string, idle time.Duration) (model.Session, model.User, error) {
	var sess model.Session
	var u model.User
	var role string
	id := hashToken(tok)
	// The session and its account in one round trip.
	err := s.readRow(ctx, `SELECT s.id, s.user_id, s.kind, s.csrf, s.label, s.ip, s.created_at, s.last_seen_at, s.expires_at,
		`+userCols+` FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN departments d ON d.id = u.department_id
		WHERE s.id = $1 AND s.kind = $2`, id, kind).
		Scan(&sess.ID, &sess.UserID, &sess.Kind, &sess.CSRF, &sess.Label, &sess.IP, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt,
			&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &role, &u.DepartmentID, &u.Leader, &u.Disabled,
			&u.Locale, &u.MustChangePassword, &u.PasswordChangedAt, &u.CreatedAt, &u.UpdatedAt, &u.Version, &u.DepartmentName)
	u.Role = model.Role(role)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, model.User{}, model.Errorf(model.EUNAUTHORIZED, "auth.session_expired")
	}
	if err != nil {
		return sess, model.User{}, fmt.Errorf("store: session: %w", err)
	}
	now := s.now()
	if now.After(sess.ExpiresAt) || (idle > 0 && kind == "web" && now.Sub(sess.LastSeenAt) > idle) {
		_, _ = s.W.ExecContext(ctx, "DELETE FROM sessions WHERE id = $1", id)
		return sess, model.User{}, model.Errorf(model.EUNAUTHORIZED, "auth.session_expired")
	}
	// Administrators and department staff are scoped by role alone: their
	// grid and organization rows are empty, so skip the query.
	if u.Role != model.RoleAdmin && u.Role != model.RoleDepartment {
		if err := s.loadUserScope(ctx, cachedReader{s}, &u); err != nil {
			return sess, u, err
		}
	}
	if u.Disabled {
		return sess, u, model.Errorf(model.EUNAUTHORIZED, "auth.disabled")
	}
	// Touch at most once a minute: a write per request would cap throughput.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if _, err := s.W.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", now, id); err != nil {
			return sess, u, fmt.Errorf("store: touch session: %w", err)
		}
	}
	return sess, u, nil
}

// DeleteSession ends a session or revokes a token by its secret.
func (s *Store) DeleteSession(ctx context.Context, tok string) error {
	_, err := s.W.ExecContext(ctx, "DELETE FROM sessions WHERE id = $1", hashToken(tok))
	return err
}

// ---- login throttling, shared by every process through the database ----

// LoginFailures counts failures for key since t.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2", key, since.UTC()).Scan(&n)
	return n, err
}

// RecordLoginAttempt notes an attempt under each key before the password is
// checked, so that parallel attempts see each other; it returns the rows'
// ids so a successful attempt can be forgotten (ForgetLoginAttempts).
func (s *Store) RecordLoginAttempt(ctx context.Context, keep time.Duration, keys ...string) ([]int64, error) {
	var ids []int64
	err := s.InTx(ctx, func(tx *Tx) error {
		for _, k := range keys {
			var id int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO login_failures (key, at) VALUES ($1, $2) RETURNING id", k, tx.now).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", tx.now.Add(-keep))
		return err
	})
	return ids, err
}

// ForgetLoginAttempts removes attempts recorded by RecordLoginAttempt.
func (s *Store) ForgetLoginAttempts(ctx context.Context, ids []int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE id = $1", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordLoginFailure notes a failed attempt under each key and forgets
// failures older than keep.
func (s *Store) RecordLoginFailure(ctx context.Context, keep time.Duration, keys ...string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", k, tx.now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", tx.now.Add(-keep))
		return err
	})
}

// ClearLoginFailures forgets an account's failures after a good login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.W.ExecContext(ctx, "DELETE FROM login_failures WHERE key = $1", key)
	return err
}

// AuditLogin records a sign-in event (success or failure) in the audit chain.
func (s *Store) AuditLogin(ctx context.Context, actor *model.Actor, action, reason string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(ctx, actor, Change{Action: action, Entity: "user", EntityID: actor.UserID, Reason: reason})
	})
}

// SetUserLocale stores an account's language preference.
func (s *Store) SetUserLocale(ctx context.Context, actor *model.Actor, id int64, locale string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3", locale, tx.now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, Change{Action: "user.set_locale", Entity: "user", EntityID: id, After: map[string]string{"locale": locale}})
	})
}

// OrgOption is an organization offered in the account scope picker.
type OrgOption struct {
	ID   int64
	Code string
	Name string
}

// OrgOptions lists organizations for scope assignment.
func (s *Store) OrgOptions(ctx context.Context) ([]OrgOption, error) {
	rows, err := s.R.QueryContext(ctx, "SELECT id, code, name FROM organizations ORDER BY path")
	if err != nil {
		return nil, fmt.Errorf("store: organizations: %w", err)
	}
	defer rows.Close()
	var out []OrgOption
	for rows.Next() {
		var o OrgOption
		if err := rows.Scan(&o.ID, &o.Code, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrganizationIDByCode resolves an organization code (CLI scope flags).
func (s *Store) OrganizationIDByCode(ctx context.Context, code string) (int64, error) {
	var id int64
	err := s.R.QueryRowContext(ctx, "SELECT id FROM organizations WHERE code = $1", code).Scan(&id)
	return id, notFound(err, "organization")
}
