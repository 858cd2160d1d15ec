package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/storetest"
)

func TestAdminManagesUsers(t *testing.T) {
	e := newEnv(t)
	a := e.login("admin")
	// Weak password and missing grid: both fields reported, nothing created.
	code, body := a.postBody("/admin/users", url.Values{"username": {"wang01"}, "role": {"grid_worker"}, "password": {"short"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "密码至少8位") || !strings.Contains(body, "至少分配一个网格") {
		t.Fatalf("user form errors: %d", code)
	}
	resp := a.post("/admin/users", url.Values{"username": {"wang01"}, "display_name": {"王网格"}, "role": {"grid_worker"},
		"password": {"Temp-Pass-2026"}, "grid_ids": {strconv.FormatInt(e.f.GridB1.ID, 10)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create user: %d", resp.StatusCode)
	}
	edit := resp.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(edit, "/admin/users/"), "/edit")
	// The new account must change its administrator-set password first.
	w := e.anon()
	tok := csrfRe.FindStringSubmatch(w.get("/login", 200))[1]
	if r := w.post("/login", url.Values{"csrf": {tok}, "username": {"wang01"}, "password": {"Temp-Pass-2026"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new user login: %d", r.StatusCode)
	}
	if r := w.get("/enterprises", http.StatusSeeOther); r == "x" {
		t.Fatal()
	}
	acct := w.get("/account", 200)
	if !strings.Contains(acct, `id="must-change"`) {
		t.Fatal("temporary password not flagged")
	}
	w.csrf = csrfRe.FindStringSubmatch(acct)[1]
	code, body = w.postBody("/account/password", url.Values{"current": {"Temp-Pass-2026"}, "password": {"New-Pass-2026"}, "password2": {"New-Pass-2027"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "不一致") {
		t.Fatalf("mismatch: %d", code)
	}
	if r := w.post("/account/password", url.Values{"current": {"Temp-Pass-2026"}, "password": {"New-Pass-2026"}, "password2": {"New-Pass-2026"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d", r.StatusCode)
	}
	w.get("/enterprises", 200) // no longer sent to the account page
	// The admin disables the account: its session ends at once.
	u, _ := e.s.UserByUsername(context.Background(), "wang01")
	resp = a.post("/admin/users/"+id, url.Values{"display_name": {"王网格"}, "role": {"grid_worker"}, "disabled": {"1"},
		"grid_ids": {strconv.FormatInt(e.f.GridB1.ID, 10)}, "version": {strconv.Itoa(u.Version)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	w.get("/enterprises", http.StatusSeeOther)
	// Reset password with a weak value is refused beside the reset field.
	code, body = a.postBody("/admin/users/"+id+"/password", url.Values{"password": {"123"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "密码至少8位") {
		t.Fatalf("weak reset: %d", code)
	}
	list := a.get("/admin/users?role=grid_worker", 200)
	if !strings.Contains(list, "wang01") || !strings.Contains(list, "停用") {
		t.Fatal("user list does not show the disabled account")
	}
	// Every step is in the audit log, which the admin can filter.
	audit := a.get("/admin/audit?action=user.", 200)
	for _, want := range []string{"user.create", "user.change_password", "user.update"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %s", want)
		}
	}
	if strings.Contains(a.get("/admin/audit?action=user.&actor=nobody", 200), "user.create") {
		t.Error("actor filter ignored")
	}
}

func TestLogoutAndLocaleChoice(t *testing.T) {
	e := newEnv(t)
	w := e.login("worker")
	if r := w.post("/account/locale", url.Values{"locale": {"en"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("locale: %d", r.StatusCode)
	}
	if page := w.get("/enterprises", 200); !strings.Contains(page, "Enterprises") || !strings.Contains(page, `lang="en"`) {
		t.Fatal("user's language choice not applied")
	}
	if r := w.post("/logout", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	w.get("/enterprises", http.StatusSeeOther)
	// The choice is the account's: a fresh login from another browser keeps it.
	w2 := e.login("worker")
	if page := w2.get("/", 200); !strings.Contains(page, `lang="en"`) {
		t.Fatal("language preference not stored on the account")
	}
	_ = storetest.Password
}

func TestIndustryDictionary(t *testing.T) {
	e := newEnv(t)
	a := e.login("admin")
	code, body := a.postBody("/admin/industries", url.Values{"name": {"模具"}, "code": {"bad code!"}, "active": {"1"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "编码只能包含") {
		t.Fatalf("bad industry code: %d", code)
	}
	if r := a.post("/admin/industries", url.Values{"name": {"模具"}, "name_en": {"Moulds"}, "code": {"moulds"}, "position": {"200"}, "active": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add industry: %d", r.StatusCode)
	}
	if !strings.Contains(a.get("/enterprises/new", 200), "模具") {
		t.Fatal("new industry not offered in the enterprise form")
	}
	e.login("worker").get("/admin/industries", http.StatusForbidden)
}
