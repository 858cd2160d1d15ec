package store_test

import (
	"strings"
	"testing"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	deps, _ := s.Departments(bg)
	base := store.UserInput{Username: "zhangsan", DisplayName: "张三", Role: model.RoleAdmin, Password: storetest.Password}
	tests := []struct {
		name       string
		edit       func(in *store.UserInput)
		field, key string
	}{
		{"username too short", func(in *store.UserInput) { in.Username = "z" }, "username", "user.username_format"},
		{"username too long", func(in *store.UserInput) { in.Username = strings.Repeat("z", 33) }, "username", "user.username_format"},
		{"username with space", func(in *store.UserInput) { in.Username = "zhang san" }, "username", "user.username_format"},
		{"username in Chinese", func(in *store.UserInput) { in.Username = "张三" }, "username", "user.username_format"},
		{"username with quote", func(in *store.UserInput) { in.Username = "z'--" }, "username", "user.username_format"},
		{"username empty", func(in *store.UserInput) { in.Username = "  " }, "username", "user.username_format"},
		{"password too short", func(in *store.UserInput) { in.Password = "Ab1!xyz" }, "password", "password.too_short"},
		{"password empty", func(in *store.UserInput) { in.Password = "" }, "password", "password.too_short"},
		{"password too long", func(in *store.UserInput) { in.Password = "Aa1!" + strings.Repeat("x", 125) }, "password", "password.too_long"},
		{"password one class", func(in *store.UserInput) { in.Password = "abcdefghijkl" }, "password", "password.too_simple"},
		{"password contains username", func(in *store.UserInput) { in.Password = "ZhangSan-2026" }, "password", "password.contains_username"},
		{"display name too long", func(in *store.UserInput) { in.DisplayName = strings.Repeat("张", 33) }, "display_name", "field.too_long"},
		{"unknown role", func(in *store.UserInput) { in.Role = "root" }, "role", "field.choose"},
		{"department without department", func(in *store.UserInput) { in.Role = model.RoleDepartment }, "department_id", "user.department_required"},
		{"department unknown", func(in *store.UserInput) { in.Role, in.DepartmentID = model.RoleDepartment, 987654 }, "department_id", "field.unknown"},
		{"grid worker without grids", func(in *store.UserInput) { in.Role = model.RoleGridWorker }, "grid_ids", "user.grids_required"},
		{"grid head without grids", func(in *store.UserInput) { in.Role = model.RoleGridHead }, "grid_ids", "user.grids_required"},
		{"grid worker with unknown grid", func(in *store.UserInput) { in.Role, in.GridIDs = model.RoleGridWorker, []int64{f.GridA1.ID, 987654} }, "grid_ids", "field.unknown"},
		{"secretary without organizations", func(in *store.UserInput) { in.Role = model.RoleOrgSecretary }, "org_ids", "user.orgs_required"},
		{"secretary with unknown organization", func(in *store.UserInput) { in.Role, in.OrgIDs = model.RoleOrgSecretary, []int64{987654} }, "org_ids", "field.unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.edit(&in)
			audits := auditCount(t, s)
			_, err := s.CreateUser(bg, model.System, in)
			wantField(t, err, model.EINVALID, tc.field, tc.key)
			if auditCount(t, s) != audits {
				t.Fatal("rejected user audited")
			}
			if _, err := s.UserByUsername(bg, in.Username); model.ErrorCode(err) != model.ENOTFOUND {
				t.Fatalf("rejected user stored: %v", err)
			}
		})
	}

	// Valid accounts of every role; the username is normalized and
	// assignments irrelevant to the role are dropped.
	valid := []struct {
		in     store.UserInput
		grids  []int64
		deptID int64
	}{
		{store.UserInput{Username: "  Admin.Li ", Role: model.RoleAdmin, GridIDs: []int64{f.GridA1.ID}, DepartmentID: deps[0].ID}, nil, 0},
		{store.UserInput{Username: "dept_wang", Role: model.RoleDepartment, DepartmentID: deps[1].ID}, nil, deps[1].ID},
		{store.UserInput{Username: "head-zhao", Role: model.RoleGridHead, GridIDs: []int64{f.AreaA.ID, f.AreaA.ID}}, []int64{f.AreaA.ID}, 0},
		{store.UserInput{Username: "worker1", Role: model.RoleGridWorker, GridIDs: []int64{f.GridB1.ID, f.GridA1.ID}}, []int64{f.GridA1.ID, f.GridB1.ID}, 0},
		{store.UserInput{Username: "member1", Role: model.RoleMember}, nil, 0},
	}
	for _, v := range valid {
		v.in.Password = storetest.Password
		u, err := s.CreateUser(bg, model.System, v.in)
		if err != nil {
			t.Fatalf("%s: %v", v.in.Username, err)
		}
		want := strings.ToLower(strings.TrimSpace(v.in.Username))
		if u.Username != want || u.DisplayName != want || u.Role != v.in.Role || u.DepartmentID != v.deptID || !sameIDs(u.GridIDs, v.grids) || len(u.GridIDs) != len(v.grids) {
			t.Errorf("%s stored as %+v", v.in.Username, u)
		}
		if ok, _ := auth.Verify(storetest.Password, u.PasswordHash); !ok || strings.Contains(u.PasswordHash, storetest.Password) {
			t.Errorf("%s: password hash does not verify", u.Username)
		}
		if byName, err := s.UserByUsername(bg, " "+strings.ToUpper(want)); err != nil || byName.ID != u.ID {
			t.Errorf("UserByUsername(%s): %v", want, err)
		}
	}
}

func TestCreateUserDuplicate(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	first := storetest.MustUser(t, s, "lisi", model.RoleAdmin)
	audits := auditCount(t, s)
	for _, name := range []string{"lisi", "LiSi", " lisi "} {
		_, err := s.CreateUser(bg, model.System, store.UserInput{Username: name, Role: model.RoleMember, Password: storetest.Password})
		wantField(t, err, model.ECONFLICT, "username", "user.duplicate_username")
	}
	us, err := s.Users(bg, "", "lisi")
	if err != nil || len(us) != 1 || us[0].ID != first.ID || us[0].Role != model.RoleAdmin {
		t.Fatalf("after duplicates: %+v %v", us, err)
	}
	if auditCount(t, s) != audits {
		t.Fatal("duplicate audited")
	}
}

func sessionCount(t *testing.T, s *store.Store, userID int64) int {
	t.Helper()
	var n int
	if err := s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	u := storetest.MustUser(t, s, "worker1", model.RoleGridWorker, f.GridA1.ID)
	other := storetest.MustUser(t, s, "worker2", model.RoleGridWorker, f.GridA1.ID)
	admin := storetest.MustUser(t, s, "admin", model.RoleAdmin)
	adminActor := storetest.Actor(t, s, admin)
	tok1, _, _ := s.CreateSession(bg, u.ID, "web", "", "", "", time.Hour)
	tok2, _, _ := s.CreateSession(bg, u.ID, "api", "", "", "cli", 24*time.Hour)
	otherTok, _, _ := s.CreateSession(bg, other.ID, "web", "", "", "", time.Hour)

	// A plain edit keeps sessions and replaces the scope.
	clock.Add(time.Minute)
	in := store.UserInput{DisplayName: "王五", Role: model.RoleGridWorker, GridIDs: []int64{f.GridA2.ID, f.GridB1.ID}, Version: u.Version}
	u2, err := s.UpdateUser(bg, adminActor, u.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if u2.Version != u.Version+1 || u2.DisplayName != "王五" || !sameIDs(u2.GridIDs, []int64{f.GridA2.ID, f.GridB1.ID}) || u2.Username != "worker1" {
		t.Fatalf("after update: %+v", u2)
	}
	if sessionCount(t, s, u.ID) != 2 {
		t.Fatal("a plain edit ended sessions")
	}
	sc, _ := s.ResolveScope(bg, u2)
	if !sameIDs(sc.GridIDs, []int64{f.GridA2.ID, f.GridB1.ID}) {
		t.Fatalf("scope after reassignment: %v", sc.GridIDs)
	}

	// Stale version.
	_, err = s.UpdateUser(bg, adminActor, u.ID, in)
	wantCode(t, err, model.ECONFLICT)
	// Invalid role requirement.
	_, err = s.UpdateUser(bg, adminActor, u.ID, store.UserInput{Role: model.RoleGridHead, Version: u2.Version})
	wantField(t, err, model.EINVALID, "grid_ids", "user.grids_required")
	// An administrator cannot disable or demote themselves.
	_, err = s.UpdateUser(bg, adminActor, admin.ID, store.UserInput{Role: model.RoleAdmin, Disabled: true, Version: admin.Version})
	wantCode(t, err, model.ECONFLICT)
	_, err = s.UpdateUser(bg, adminActor, admin.ID, store.UserInput{Role: model.RoleMember, Version: admin.Version})
	wantCode(t, err, model.ECONFLICT)
	_, err = s.UpdateUser(bg, adminActor, 987654, in)
	wantCode(t, err, model.ENOTFOUND)

	// Disabling ends every session of that account, and only of that account.
	in.Disabled, in.Version = true, u2.Version
	u3, err := s.UpdateUser(bg, adminActor, u.ID, in)
	if err != nil || !u3.Disabled {
		t.Fatalf("disable: %+v %v", u3, err)
	}
	if sessionCount(t, s, u.ID) != 0 {
		t.Fatal("disabling left sessions behind")
	}
	for _, tok := range []struct{ tok, kind string }{{tok1, "web"}, {tok2, "api"}} {
		_, _, err := s.SessionByToken(bg, tok.tok, tok.kind, time.Hour)
		wantCode(t, err, model.EUNAUTHORIZED)
	}
	if _, _, err := s.SessionByToken(bg, otherTok, "web", time.Hour); err != nil {
		t.Fatalf("another account's session ended: %v", err)
	}
	// A session created for a disabled account is refused.
	tok3, _, _ := s.CreateSession(bg, u.ID, "web", "", "", "", time.Hour)
	_, _, err = s.SessionByToken(bg, tok3, "web", time.Hour)
	if e := wantCode(t, err, model.EUNAUTHORIZED); e.Key != "auth.disabled" {
		t.Fatalf("disabled account: %v", err)
	}
	// Role change drops assignments that no longer apply.
	u4, err := s.UpdateUser(bg, adminActor, u.ID, store.UserInput{Role: model.RoleMember, Version: u3.Version})
	if err != nil || len(u4.GridIDs) != 0 || u4.Disabled {
		t.Fatalf("role change: %+v %v", u4, err)
	}
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	u := storetest.MustUser(t, s, "zhangsan", model.RoleAdmin)
	other := storetest.MustUser(t, s, "lisi", model.RoleAdmin)
	self := storetest.Actor(t, s, u)
	mine, mySess, _ := s.CreateSession(bg, u.ID, "web", "1.2.3.4", "UA", "", time.Hour)
	elsewhere, _, _ := s.CreateSession(bg, u.ID, "web", "5.6.7.8", "UA", "", time.Hour)
	token, _, _ := s.CreateSession(bg, u.ID, "api", "", "", "ci", time.Hour)
	otherTok, _, _ := s.CreateSession(bg, other.ID, "web", "", "", "", time.Hour)

	for _, tc := range []struct{ pw, key string }{
		{"short1!", "password.too_short"},
		{"alllowercase", "password.too_simple"},
		{"my-zhangsan-1", "password.contains_username"},
	} {
		wantField(t, s.SetPassword(bg, self, u.ID, tc.pw, false, mySess.ID), model.EINVALID, "password", tc.key)
	}
	if sessionCount(t, s, u.ID) != 3 {
		t.Fatal("a refused password ended sessions")
	}
	wantCode(t, s.SetPassword(bg, self, 987654, "New-Pass-2026", false, ""), model.ENOTFOUND)

	if err := s.SetPassword(bg, self, u.ID, "New-Pass-2026", false, mySess.ID); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.SessionByToken(bg, mine, "web", time.Hour); err != nil || got.ID != u.ID {
		t.Fatalf("own session ended by a password change: %v", err)
	}
	for _, tok := range []struct{ tok, kind string }{{elsewhere, "web"}, {token, "api"}} {
		_, _, err := s.SessionByToken(bg, tok.tok, tok.kind, time.Hour)
		wantCode(t, err, model.EUNAUTHORIZED)
	}
	if sessionCount(t, s, u.ID) != 1 || sessionCount(t, s, other.ID) != 1 {
		t.Fatal("password change ended the wrong sessions")
	}
	after, _ := s.User(bg, u.ID)
	if ok, _ := auth.Verify("New-Pass-2026", after.PasswordHash); !ok {
		t.Fatal("new password does not verify")
	}
	if ok, _ := auth.Verify(storetest.Password, after.PasswordHash); ok {
		t.Fatal("old password still verifies")
	}
	if after.Version != u.Version+1 || after.MustChangePassword {
		t.Fatalf("after change: %+v", after)
	}
	if a := lastAudit(t, s); a.Action != "user.change_password" || strings.Contains(a.After+a.Before, "New-Pass") {
		t.Fatalf("audit: %+v", a)
	}
	// An administrator's reset with no session to keep ends them all and
	// forces a change.
	if err := s.SetPassword(bg, storetest.Actor(t, s, other), u.ID, "Reset-Pass-2026", true, ""); err != nil {
		t.Fatal(err)
	}
	if sessionCount(t, s, u.ID) != 0 || sessionCount(t, s, other.ID) != 1 {
		t.Fatal("reset did not end every session of the account")
	}
	if after, _ = s.User(bg, u.ID); !after.MustChangePassword {
		t.Fatal("reset did not set must_change_password")
	}
	if a := lastAudit(t, s); a.Action != "user.reset_password" || a.ActorID != other.ID {
		t.Fatalf("audit: %+v", a)
	}
	if _, _, err := s.SessionByToken(bg, otherTok, "web", time.Hour); err != nil {
		t.Fatal(err)
	}
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	idle, maxAge := 30*time.Minute, 12*time.Hour
	type step struct {
		advance time.Duration
		ok      bool
	}
	tests := []struct {
		name  string
		kind  string
		steps []step
	}{
		{"used within the idle limit", "web", []step{{29 * time.Minute, true}, {29 * time.Minute, true}, {29 * time.Minute, true}}},
		{"idle exactly the limit", "web", []step{{30 * time.Minute, true}}},
		{"idle past the limit", "web", []step{{10 * time.Minute, true}, {30*time.Minute + time.Second, false}}},
		{"idle ends it for good", "web", []step{{31 * time.Minute, false}, {-31 * time.Minute, false}}},
		// last_seen moves at most once a minute: a request 40s after the last
		// touch does not extend the session, so idleness counts from the touch.
		{"request soon after a touch does not extend", "web", []step{{29 * time.Minute, true}, {40 * time.Second, true}, {29*time.Minute + 20*time.Second + time.Millisecond, false}}},
		{"request soon after a touch, then within the limit", "web", []step{{29 * time.Minute, true}, {40 * time.Second, true}, {29*time.Minute + 20*time.Second, true}, {30 * time.Minute, true}, {30*time.Minute + time.Millisecond, false}}},
		{"expires despite activity", "web", func() []step {
			var ss []step
			for range 12*60/20 - 1 {
				ss = append(ss, step{20 * time.Minute, true})
			}
			return append(ss, step{20 * time.Minute, true}, step{time.Millisecond, false})
		}()},
		{"API tokens have no idle limit", "api", []step{{11 * time.Hour, true}, {time.Hour, true}, {time.Millisecond, false}}},
	}
	s, clock := storetest.Open(t)
	u := storetest.MustUser(t, s, "zhangsan", model.RoleAdmin)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock.Add(1234 * time.Microsecond)
			tok, sess, err := s.CreateSession(bg, u.ID, tc.kind, "10.1.2.3", strings.Repeat("UA", 200), "label", maxAge)
			if err != nil {
				t.Fatal(err)
			}
			if tok == "" || sess.ID == tok || sess.CSRF == "" || !sess.ExpiresAt.Equal(sess.CreatedAt.Add(maxAge)) {
				t.Fatalf("session: %+v", sess)
			}
			got, gu, err := s.SessionByToken(bg, tok, tc.kind, idle)
			if err != nil || got.ID != sess.ID || gu.ID != u.ID || got.CSRF != sess.CSRF || got.IP != "10.1.2.3" {
				t.Fatalf("fresh session: %+v %v", got, err)
			}
			for i, st := range tc.steps {
				clock.Add(st.advance)
				_, _, err := s.SessionByToken(bg, tok, tc.kind, idle)
				if st.ok && err != nil {
					t.Fatalf("step %d (+%v, %v after start): %v", i, st.advance, clock.Now().Sub(sess.CreatedAt), err)
				}
				if !st.ok {
					if e := wantCode(t, err, model.EUNAUTHORIZED); e.Key != "auth.session_expired" {
						t.Fatalf("step %d: %v", i, err)
					}
				}
			}
		})
	}

	t.Run("wrong kind, unknown and deleted tokens", func(t *testing.T) {
		if _, err := s.W.ExecContext(bg, "DELETE FROM sessions"); err != nil {
			t.Fatal(err)
		}
		tok, _, _ := s.CreateSession(bg, u.ID, "web", "", "", "", maxAge)
		_, _, err := s.SessionByToken(bg, tok, "api", idle)
		wantCode(t, err, model.EUNAUTHORIZED)
		_, _, err = s.SessionByToken(bg, tok+"x", "web", idle)
		wantCode(t, err, model.EUNAUTHORIZED)
		if err := s.DeleteSession(bg, tok); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SessionByToken(bg, tok, "web", idle)
		wantCode(t, err, model.EUNAUTHORIZED)
		// Creating a session sweeps every expired one.
		short, _, _ := s.CreateSession(bg, u.ID, "api", "", "", "", time.Minute)
		_ = short
		clock.Add(2 * time.Minute)
		if _, _, err := s.CreateSession(bg, u.ID, "web", "", "", "", maxAge); err != nil {
			t.Fatal(err)
		}
		if n := sessionCount(t, s, u.ID); n != 1 {
			t.Fatalf("%d sessions after the sweep, want 1", n)
		}
	})
}

func TestLoginFailureWindow(t *testing.T) {
	t.Parallel()
	s, clock := storetest.Open(t)
	window := 15 * time.Minute
	since := func() time.Time { return clock.Now().Add(-window) }
	count := func(key string, from time.Time) int {
		t.Helper()
		n, err := s.LoginFailures(bg, key, from)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	start := clock.Now()
	for i := range 3 {
		if err := s.RecordLoginFailure(bg, window, "user:zhangsan", "ip:10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			clock.Add(5 * time.Minute)
		}
	}
	if err := s.RecordLoginFailure(bg, window, "ip:10.0.0.2"); err != nil {
		t.Fatal(err)
	}
	// Failures at 0, 5 and 10 minutes; now is 10.
	tests := []struct {
		name string
		key  string
		at   time.Duration // clock offset from start
		from func() time.Time
		want int
	}{
		{"all in the window", "user:zhangsan", 10 * time.Minute, since, 3},
		{"per key", "ip:10.0.0.2", 10 * time.Minute, since, 1},
		{"unknown key", "user:lisi", 10 * time.Minute, since, 0},
		{"window start is inclusive", "ip:10.0.0.1", 15 * time.Minute, since, 3},
		{"oldest leaves the window", "ip:10.0.0.1", 15*time.Minute + time.Millisecond, since, 2},
		{"two left", "user:zhangsan", 20*time.Minute + time.Millisecond, since, 1},
		{"window given in Asia/Shanghai", "user:zhangsan", 15*time.Minute + time.Millisecond,
			func() time.Time { return since().In(time.FixedZone("CST", 8*3600)) }, 2},
		{"window in Asia/Shanghai, all in", "user:zhangsan", 10 * time.Minute,
			func() time.Time { return since().In(time.FixedZone("CST", 8*3600)) }, 3},
		{"all gone", "user:zhangsan", 26 * time.Minute, since, 0},
	}
	for _, tc := range tests {
		clock.Set(start.Add(tc.at))
		if got := count(tc.key, tc.from()); got != tc.want {
			t.Errorf("%s: LoginFailures = %d, want %d", tc.name, got, tc.want)
		}
	}

	// Recording forgets failures older than keep, across keys.
	clock.Set(start.Add(16 * time.Minute))
	if err := s.RecordLoginFailure(bg, window, "user:zhangsan"); err != nil {
		t.Fatal(err)
	}
	if got := count("user:zhangsan", time.Time{}); got != 3 { // 5, 10 and 16 minutes
		t.Errorf("after pruning: %d failures kept, want 3", got)
	}
	if got := count("ip:10.0.0.1", time.Time{}); got != 2 {
		t.Errorf("after pruning: ip kept %d, want 2", got)
	}
	// A good login clears one key only.
	if err := s.ClearLoginFailures(bg, "user:zhangsan"); err != nil {
		t.Fatal(err)
	}
	if got := count("user:zhangsan", time.Time{}); got != 0 {
		t.Errorf("after clear: %d", got)
	}
	if got := count("ip:10.0.0.1", time.Time{}); got != 2 {
		t.Errorf("clear removed another key's failures: %d", got)
	}
}
