package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/storetest"
)

func TestLoginFlowAndRotation(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	if got := c.get("/enterprises", http.StatusSeeOther); got == "" && false {
		t.Fatal("unreachable")
	}
	page := c.get("/login", 200)
	if !strings.Contains(page, "红网格") || !strings.Contains(page, `lang="zh-CN"`) {
		t.Fatalf("login page not Chinese by default")
	}
	tok := csrfRe.FindStringSubmatch(page)[1]
	// Wrong password: a message, no session.
	code, body := c.postBody("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {"wrong-Pass-1"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
		t.Fatalf("bad password: %d", code)
	}
	// A forged login without the double-submit token is refused.
	code, _ = c.postBody("/login", url.Values{"csrf": {"forged"}, "username": {"admin"}, "password": {storetest.Password}})
	if code != http.StatusForbidden {
		t.Fatalf("login without token: %d", code)
	}
	a := e.login("admin")
	home := a.get("/", 200)
	if !strings.Contains(home, "企业总数") {
		t.Fatal("home page missing figures")
	}
	// Logging in again from the same browser rotates the session id: the
	// old id stops working.
	old := a.http.Jar.Cookies(mustURL(e.srv.URL))
	anon := e.anon()
	tok2 := csrfRe.FindStringSubmatch(anon.get("/login", 200))[1]
	for _, ck := range anon.http.Jar.Cookies(mustURL(e.srv.URL)) {
		if ck.Name == "rg_login_csrf" {
			a.http.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{ck})
		}
	}
	resp := a.post("/login", url.Values{"csrf": {tok2}, "username": {"admin"}, "password": {storetest.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", resp.StatusCode)
	}
	var oldVal, newVal string
	for _, ck := range old {
		if ck.Name == "rg_session" {
			oldVal = ck.Value
		}
	}
	for _, ck := range a.http.Jar.Cookies(mustURL(e.srv.URL)) {
		if ck.Name == "rg_session" {
			newVal = ck.Value
		}
	}
	if oldVal == "" || newVal == "" || oldVal == newVal {
		t.Fatalf("session id not rotated: %q → %q", oldVal, newVal)
	}
	stale := e.anon()
	stale.http.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{{Name: "rg_session", Value: oldVal}})
	stale.get("/", http.StatusSeeOther)
	a.get("/", http.StatusOK)
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	var last int
	for i := 0; i < 6; i++ {
		tok := csrfRe.FindStringSubmatch(c.get("/login", 200))[1]
		last, _ = c.postBody("/login", url.Values{"csrf": {tok}, "username": {"worker"}, "password": {"nope-Nope-1"}})
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("6th failure: %d, want 429", last)
	}
	// Even the right password is refused while locked…
	tok := csrfRe.FindStringSubmatch(c.get("/login", 200))[1]
	code, body := c.postBody("/login", url.Values{"csrf": {tok}, "username": {"worker"}, "password": {storetest.Password}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "分钟后再试") {
		t.Fatalf("locked account: %d", code)
	}
	// …and accepted once the window has passed (the clock is injected).
	e.clock.Add(16 * 60 * 1e9)
	tok = csrfRe.FindStringSubmatch(c.get("/login", 200))[1]
	resp := c.post("/login", url.Values{"csrf": {tok}, "username": {"worker"}, "password": {storetest.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after lockout: %d", resp.StatusCode)
	}
}

func TestCSRFRequired(t *testing.T) {
	e := newEnv(t)
	a := e.login("admin")
	a.csrf = ""
	code, _ := a.postBody("/enterprises", url.Values{"csrf": {"bad"}, "name": {"x"}})
	if code != http.StatusForbidden {
		t.Fatalf("post without the session token: %d", code)
	}
}

func TestEnterpriseFormErrorsAndCreate(t *testing.T) {
	e := newEnv(t)
	a := e.login("admin")
	form := url.Values{"uscc": {"91330784MA2E8XKB0A"}, "name": {"<b>永康市测试</b>'; DROP TABLE enterprises;--"},
		"industry_id": {strconv.FormatInt(e.f.Industry.ID, 10)}, "grid_id": {strconv.FormatInt(e.f.GridA1.ID, 10)}, "status": {"operating"}}
	code, body := a.postBody("/enterprises", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-uscc"`) || !strings.Contains(body, "校验位错误") {
		t.Fatalf("bad check char not reported beside the field: %d", code)
	}
	if !strings.Contains(body, "&lt;b&gt;永康市测试") {
		t.Fatal("typed value not kept (escaped) in the form")
	}
	form.Set("uscc", storetest.USCC(77))
	resp := a.post("/enterprises", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	show := a.get(loc, 200)
	if !strings.Contains(show, "&lt;b&gt;永康市测试&lt;/b&gt;&#39;; DROP TABLE enterprises;--") {
		t.Fatal("name not shown escaped exactly as typed")
	}
	list := a.get("/enterprises?q="+url.QueryEscape("测试"), 200)
	if !strings.Contains(list, loc) {
		t.Fatal("search by two characters did not find the new enterprise")
	}
	// Duplicate code names the holder.
	form.Set("name", "另一家公司")
	code, body = a.postBody("/enterprises", form)
	if code != http.StatusConflict && code != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate: %d", code)
	}
	if !strings.Contains(body, "已被“&lt;b&gt;永康市测试") {
		t.Fatal("duplicate error does not name the existing enterprise")
	}
}

func TestGridWorkerScope(t *testing.T) {
	e := newEnv(t)
	mine := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 1, "东一机械有限公司")
	other := storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 2, "西一门业有限公司")
	w := e.login("worker")
	list := w.get("/enterprises", 200)
	if !strings.Contains(list, "东一机械") || strings.Contains(list, "西一门业") {
		t.Fatal("grid worker list scope wrong")
	}
	page := w.get("/enterprises/"+strconv.FormatInt(other.ID, 10), http.StatusNotFound)
	if !strings.Contains(page, "页面不存在") && !strings.Contains(page, "不在您的管辖范围") {
		t.Fatal("404 page not friendly")
	}
	w.get("/enterprises/"+strconv.FormatInt(mine.ID, 10), 200)
	// Admin-only pages are forbidden, with the 403 page.
	if !strings.Contains(w.get("/admin/users", http.StatusForbidden), "没有权限") {
		t.Fatal("403 page")
	}
	h := e.login("head")
	list = h.get("/enterprises", 200)
	if !strings.Contains(list, "东一机械") || strings.Contains(list, "西一门业") {
		t.Fatal("grid head of area A must see A1 but not B1")
	}
}

func TestStaleEditRefused(t *testing.T) {
	e := newEnv(t)
	ent := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 3, "安德电器")
	a := e.login("admin")
	base := url.Values{"uscc": {ent.USCC}, "industry_id": {strconv.FormatInt(ent.IndustryID, 10)},
		"grid_id": {strconv.FormatInt(ent.GridID, 10)}, "status": {"operating"}, "version": {"1"}}
	first := cloneVals(base)
	first.Set("name", "安德电器一")
	if resp := a.post("/enterprises/"+strconv.FormatInt(ent.ID, 10), first); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", resp.StatusCode)
	}
	second := cloneVals(base)
	second.Set("name", "安德电器二")
	code, body := a.postBody("/enterprises/"+strconv.FormatInt(ent.ID, 10), second)
	if code != http.StatusConflict || !strings.Contains(body, "已被他人修改") {
		t.Fatalf("stale edit: %d", code)
	}
	if !strings.Contains(a.get("/enterprises/"+strconv.FormatInt(ent.ID, 10), 200), "安德电器一") {
		t.Fatal("the first edit was overwritten")
	}
}

func cloneVals(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestEnglishLocaleAndHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	req, _ := http.NewRequest("GET", e.srv.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatal("security headers missing")
	}
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if !strings.Contains(sb.String(), "Sign in") || !strings.Contains(sb.String(), `lang="en"`) {
		t.Fatal("Accept-Language en not honoured")
	}
	for _, ck := range resp.Cookies() {
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Fatalf("cookie %s flags", ck.Name)
		}
	}
}

func TestFriendlyNotFound(t *testing.T) {
	e := newEnv(t)
	a := e.login("admin")
	if !strings.Contains(a.get("/no/such/page", http.StatusNotFound), "页面不存在") {
		t.Fatal("404 page")
	}
	a.get("/enterprises/abc", http.StatusNotFound)
	a.get("/enterprises?sort=bogus", http.StatusUnprocessableEntity)
	a.get("/enterprises?cursor=%%%", 0)
}

func TestBatchDeleteAllOrNothing(t *testing.T) {
	e := newEnv(t)
	x := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 11, "甲机械有限公司")
	y := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 12, "乙门业有限公司")
	a := e.login("admin")
	confirm := a.get("/enterprises/batch-delete?ids="+strconv.FormatInt(x.ID, 10)+":1&ids="+strconv.FormatInt(y.ID, 10)+":1", 200)
	if !strings.Contains(confirm, "甲机械") || !strings.Contains(confirm, "乙门业") {
		t.Fatal("confirmation does not list the selection")
	}
	// One stale version: nothing is deleted.
	resp := a.post("/enterprises/batch-delete", url.Values{"ids": {strconv.FormatInt(x.ID, 10) + ":1", strconv.FormatInt(y.ID, 10) + ":7"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("batch with a stale item: %d", resp.StatusCode)
	}
	list := a.get("/enterprises", 200)
	if !strings.Contains(list, "甲机械") || !strings.Contains(list, "已被他人修改") {
		t.Fatal("a failed batch must delete nothing and say why")
	}
	resp = a.post("/enterprises/batch-delete", url.Values{"ids": {strconv.FormatInt(x.ID, 10) + ":1", strconv.FormatInt(y.ID, 10) + ":1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("batch: %d", resp.StatusCode)
	}
	list = a.get("/enterprises", 200)
	if strings.Contains(list, "甲机械") || strings.Contains(list, "乙门业") {
		t.Fatal("batch delete left rows")
	}
	trash := a.get("/enterprises?deleted=1", 200)
	if !strings.Contains(trash, "甲机械") {
		t.Fatal("deleted rows not in the recycle bin")
	}
}

func TestHomeByScope(t *testing.T) {
	e := newEnv(t)
	storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 21, "东一甲公司")
	storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 22, "西一乙公司")
	if !strings.Contains(e.login("admin").get("/", 200), `id="stat-enterprises">2<`) {
		t.Fatal("admin home must count both enterprises")
	}
	if !strings.Contains(e.login("worker").get("/", 200), `id="stat-enterprises">1<`) {
		t.Fatal("worker home must count only grid A1")
	}
	storetest.MustUser(t, e.s, "dangyuan", "member")
	page := e.login("dangyuan").get("/", 200)
	if strings.Contains(page, "stat-enterprises") || !strings.Contains(page, `id="welcome"`) {
		t.Fatal("a member sees no zone figures, only a welcome")
	}
}
