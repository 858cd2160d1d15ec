package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// fieldEnterprise puts an enterprise with coordinates in grid A1.
func fieldEnterprise(t *testing.T, e *env) model.Enterprise {
	t.Helper()
	ent := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 501, "城西机械有限公司")
	in := store.EnterpriseInputOf(ent)
	lat, lng := 29.08, 119.65
	in.Lat, in.Lng = &lat, &lng
	ent, err := e.s.UpdateEnterprise(bg, model.System, ent.ID, in, "")
	if err != nil {
		t.Fatal(err)
	}
	return ent
}

func category(t *testing.T, e *env, code string) model.Category {
	t.Helper()
	cs, err := e.s.Categories(bg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("no category %s", code)
	return model.Category{}
}

type problemOut struct {
	model.Problem
	AllowedActions []string             `json:"allowed_actions"`
	Timeline       []model.ProblemEvent `json:"timeline"`
}

func TestFieldAPIFlow(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	ent := fieldEnterprise(t, e)
	cat := category(t, e, "safety")
	worker, dept, admin := e.apiLogin("worker"), e.apiLogin("anjian"), e.apiLogin("admin")

	body := fmt.Sprintf(`{"enterprise_id":%d,"topics":["party","problems"],"notes":"走访","lat":29.0801,"lng":119.6501,"accuracy_m":12,
		"idempotency_key":"tap-42","problems":[{"category_id":%d,"description":"消防通道堵塞","urgency":"urgent"}]}`, ent.ID, cat.ID)
	status, out := worker.call("POST", "/api/v1/visits", body)
	if status != http.StatusCreated {
		t.Fatalf("create visit: %d %s", status, out)
	}
	var v model.Visit
	json.Unmarshal([]byte(out), &v)
	if v.Level != model.LevelGridWorker || v.Far || v.DistanceM == nil || len(v.Problems) != 1 {
		t.Fatalf("visit %s", out)
	}
	// Resend: the same visit.
	status, out = worker.call("POST", "/api/v1/visits", body)
	var again model.Visit
	json.Unmarshal([]byte(out), &again)
	if status != http.StatusCreated || again.ID != v.ID {
		t.Fatalf("resend: %d %s", status, out)
	}
	if _, l := worker.call("GET", "/api/v1/visits?enterprise="+strconv.FormatInt(ent.ID, 10), ""); strings.Count(l, `"level"`) != 1 {
		t.Fatalf("one visit expected: %s", l)
	}
	// Coordinates out of range → field error.
	status, out = worker.call("POST", "/api/v1/visits", fmt.Sprintf(`{"enterprise_id":%d,"topics":["party"],"lat":95,"lng":119}`, ent.ID))
	if status != http.StatusUnprocessableEntity || decodeErr(t, out).Error.Fields["lat"] == "" {
		t.Fatalf("bad lat: %d %s", status, out)
	}
	// Department staff see no visits.
	if status, _ := dept.call("GET", "/api/v1/visits/"+strconv.FormatInt(v.ID, 10), ""); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Fatalf("department reads visit: %d", status)
	}

	pid := strconv.FormatInt(v.Problems[0], 10)
	step := func(c *api, action, extra string, want int) problemOut {
		t.Helper()
		_, cur := admin.call("GET", "/api/v1/problems/"+pid, "")
		var p problemOut
		json.Unmarshal([]byte(cur), &p)
		status, out := c.call("POST", "/api/v1/problems/"+pid+"/"+action, fmt.Sprintf(`{"version":%d%s}`, p.Version, extra))
		if status != want {
			t.Fatalf("%s: %d, want %d: %s", action, status, want, out)
		}
		var res problemOut
		json.Unmarshal([]byte(out), &res)
		return res
	}
	// The department cannot see it before dispatch: 404.
	step(dept, "start", "", http.StatusNotFound)
	step(worker, "resolve", `,"note":"x"`, http.StatusConflict) // illegal in 已登记
	step(worker, "accept", "", http.StatusOK)
	p := step(worker, "dispatch", "", http.StatusOK)
	if p.State != model.PAssigned || p.DepartmentID != cat.DepartmentID {
		t.Fatalf("dispatched %+v", p.Problem)
	}
	if _, inbox := dept.call("GET", "/api/v1/problems?open=1", ""); !strings.Contains(inbox, `"id":`+pid) {
		t.Fatalf("inbox: %s", inbox)
	}
	step(worker, "start", "", http.StatusForbidden) // the department's step
	step(dept, "resolve", "", http.StatusUnprocessableEntity)
	p = step(dept, "resolve", `,"note":"已清理"`, http.StatusOK)
	if !contains(p.AllowedActions, "satisfaction") && len(p.AllowedActions) != 0 {
		t.Fatalf("department's allowed actions after resolve: %v", p.AllowedActions)
	}
	p = step(worker, "satisfaction", `,"satisfaction":"unsatisfied","note":"仍有堆放"`, http.StatusOK)
	if p.State != model.PReopened || p.ReopenCount != 1 {
		t.Fatalf("unsatisfied: %+v", p.Problem)
	}
	kinds := []string{}
	for _, ev := range p.Timeline {
		kinds = append(kinds, ev.Kind)
	}
	if strings.Join(kinds, ",") != "create,accept,dispatch,resolve,satisfaction" {
		t.Fatalf("timeline %v", kinds)
	}
	step(dept, "resolve", `,"note":"x"`, http.StatusConflict) // reopened: to be dispatched again first
	step(worker, "dispatch", "", http.StatusOK)
	// Another department acting on this problem: not found.
	env2, err := e.s.DepartmentByCode(bg, "environment")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateUser(bg, model.System, store.UserInput{Username: "huanbao", Role: model.RoleDepartment,
		DepartmentID: env2.ID, Password: storetest.Password}); err != nil {
		t.Fatal(err)
	}
	step(e.apiLogin("huanbao"), "resolve", `,"note":"x"`, http.StatusNotFound)
	step(dept, "resolve", `,"note":"已清理并复查"`, http.StatusOK)
	p = step(worker, "satisfaction", `,"satisfaction":"satisfied"`, http.StatusOK)
	if p.State != model.PClosed {
		t.Fatalf("closed: %s", p.State)
	}
	step(dept, "resolve", `,"note":"x"`, http.StatusConflict) // resolving a closed problem

	// Coverage and stats answer.
	status, out = worker.call("GET", "/api/v1/coverage?grid="+strconv.FormatInt(e.f.GridA1.ID, 10)+"&period=2026-11", "")
	if status != 200 || !strings.Contains(out, `"visited":1`) {
		t.Fatalf("coverage %d %s", status, out)
	}
	if status, out = worker.call("GET", "/api/v1/coverage?period=2026-13", ""); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad period: %d %s", status, out)
	}
	if status, out = admin.call("GET", "/api/v1/problems/stats", ""); status != 200 || !strings.Contains(out, `"resolved":1`) {
		t.Fatalf("stats %d %s", status, out)
	}
	// The calendar: 2026's National Day from the library; an admin keeps a day.
	status, out = worker.call("GET", "/api/v1/calendar?year=2026", "")
	if status != 200 || !strings.Contains(out, `{"day":"2026-10-10","kind":"workday","name":"国庆节","source":"library"}`) {
		t.Fatalf("calendar %d %s", status, trim(out))
	}
	if status, _ := worker.call("POST", "/api/v1/calendar", `{"day":"2027-10-01","kind":"holiday","name":"国庆节"}`); status != http.StatusForbidden {
		t.Fatalf("worker keeps a day: %d", status)
	}
	status, out = admin.call("POST", "/api/v1/calendar", `{"day":"2027-10-01","kind":"holiday","name":"国庆节"}`)
	if status != 200 || !strings.Contains(out, `"source":"admin"`) || !strings.Contains(out, `"known":true`) {
		t.Fatalf("keep day %d %s", status, out)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// multipartPost sends a multipart form with files as a browser would.
func (c *client) multipartPost(path string, vals url.Values, files map[string][]byte) (int, string, http.Header) {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if vals.Get("csrf") == "" {
		vals.Set("csrf", c.csrf)
	}
	for k, vs := range vals {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("photos", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestVisitFormWithPhotoAndProblem(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	ent := fieldEnterprise(t, e)
	cat := category(t, e, "labour")
	c := e.login("worker")
	page := c.get("/visits/new?enterprise="+strconv.FormatInt(ent.ID, 10), 200)
	if !strings.Contains(page, `name="idempotency_key"`) || !strings.Contains(page, "网格员") {
		t.Fatalf("visit form: %s", trim(page))
	}
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 8, 8)))
	vals := url.Values{"enterprise_id": {strconv.FormatInt(ent.ID, 10)}, "topics": {"party", "problems"}, "visited_at": {"2026-11-20T09:30"},
		"lat": {"29.2"}, "lng": {"119.65"}, "accuracy_m": {"20"}, "idempotency_key": {"form-key-1"},
		"problem.category_id": {strconv.FormatInt(cat.ID, 10)}, "problem.description": {"招工难"}}
	// A file that is not an image: a clear field error, nothing written.
	status, body, _ := c.multipartPost("/visits", vals, map[string][]byte{"a.jpg": []byte("not really a jpeg")})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "只能上传 JPEG、PNG 或 WebP") {
		t.Fatalf("not an image: %d %s", status, trim(body))
	}
	status, _, hdr := c.multipartPost("/visits", vals, map[string][]byte{"a.png": pngBuf.Bytes()})
	if status != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/visits/") {
		t.Fatalf("create: %d", status)
	}
	loc := hdr.Get("Location")
	// Double tap: the same key gives the same visit.
	_, _, hdr2 := c.multipartPost("/visits", vals, map[string][]byte{"a.png": pngBuf.Bytes()})
	if hdr2.Get("Location") != loc {
		t.Fatalf("double tap made a second visit: %s vs %s", hdr2.Get("Location"), loc)
	}
	show := c.get(loc, 200)
	if !strings.Contains(show, `id="far-flag"`) || !strings.Contains(show, "/photos/") || !strings.Contains(show, "招工难") {
		t.Fatalf("visit page: %s", trim(show))
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/visits/"), 10, 64)
	v, err := e.s.Visit(bg, model.System, id)
	if err != nil || len(v.Photos) != 1 || !v.Far {
		t.Fatalf("stored visit %+v %v", v, err)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+loc+"/photos/"+strconv.FormatInt(v.Photos[0], 10), nil)
	resp := c.do(req)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp.Body.Close()
	// Coordinates out of range: a field error on the form.
	vals.Set("lat", "123")
	vals.Set("idempotency_key", "form-key-2")
	status, body, _ = c.multipartPost("/visits", vals, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-lat"`) {
		t.Fatalf("bad lat: %d %s", status, trim(body))
	}
	// Correction with history.
	st, body := c.postBody(loc, url.Values{"version": {"1"}, "topics": {"policy"}, "visited_at": {"2026-11-20T08:00"}, "notes": {"更正"}, "reason": {"事项选错"}})
	if st != http.StatusSeeOther {
		t.Fatalf("correct: %d %s", st, trim(body))
	}
	if show = c.get(loc, 200); !strings.Contains(show, "事项选错") {
		t.Fatal("correction not in history")
	}
	// The department's inbox page and the coverage page render.
	c.get("/coverage", 200)
	c.get("/problems", 200)
	e.login("anjian").get("/problems", 200)
	e.login("admin").get("/admin/calendar?year=2026", 200)
}

func TestFieldDictionaries(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	page := admin.get("/admin/field", 200)
	if !strings.Contains(page, "安全隐患") || !strings.Contains(page, "党建指导") || !strings.Contains(page, `id="save-rule-grid_worker"`) {
		t.Fatalf("dictionary page: %s", trim(page))
	}
	env2, _ := e.s.DepartmentByCode(bg, "environment")
	if st, body := admin.postBody("/admin/field/categories", url.Values{"code": {"noise"}, "name": {"噪声扰民"}, "department_id": {strconv.FormatInt(env2.ID, 10)},
		"deadline_days": {"7"}, "position": {"70"}, "active": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("new category: %d %s", st, trim(body))
	}
	if st, _ := admin.postBody("/admin/field/categories", url.Values{"code": {"bad"}, "name": {"x"}, "department_id": {"1"}, "deadline_days": {"0"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("deadline 0 accepted: %d", st)
	}
	if st, _ := admin.postBody("/admin/field/topics", url.Values{"code": {"finance"}, "name": {"融资服务"}, "active": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("new topic: %d", st)
	}
	if st, _ := admin.postBody("/admin/field/rules", url.Values{"level": {"grid_worker"}, "period": {"quarter"}, "scope": {"all"}}); st != http.StatusSeeOther {
		t.Fatalf("rule: %d", st)
	}
	rs, _ := e.s.VisitRules(bg)
	if rs[2].Level != model.LevelGridWorker || rs[2].Period != "quarter" {
		t.Fatalf("rules %+v", rs)
	}
	if c := category(t, e, "noise"); c.DeadlineDays != 7 || c.DepartmentID != env2.ID {
		t.Fatalf("category %+v", c)
	}
	// Not for grid staff.
	if st, _ := e.login("worker").postBody("/admin/field/rules", url.Values{"level": {"grid_worker"}, "period": {"year"}, "scope": {"all"}}); st != http.StatusForbidden {
		t.Fatalf("worker edits rules: %d", st)
	}
}

func TestProblemWithAttachment(t *testing.T) {
	e := newEnv(t)
	ent := fieldEnterprise(t, e)
	cat := category(t, e, "tax")
	c := e.login("worker")
	c.get("/problems/new?enterprise="+strconv.FormatInt(ent.ID, 10), 200)
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	vals := url.Values{"enterprise_id": {strconv.FormatInt(ent.ID, 10)}, "category_id": {strconv.FormatInt(cat.ID, 10)},
		"description": {"出口退税进度查询"}, "source": {"phone"}, "urgency": {"normal"}, "idempotency_key": {"p-1"}}
	// Not an image: a field error on the attachments.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	vals.Set("csrf", c.csrf)
	for k, vs := range vals {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("attachments", "x.png")
	fw.Write([]byte("<svg/>"))
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/problems", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := c.do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `id="err-attachments"`) {
		t.Fatalf("svg attachment: %d %s", resp.StatusCode, trim(string(body)))
	}
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	for k, vs := range vals {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ = mw.CreateFormFile("attachments", "a.png")
	fw.Write(pngBuf.Bytes())
	mw.Close()
	req, _ = http.NewRequest("POST", e.srv.URL+"/problems", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp = c.do(req)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/problems/") {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	page := c.get(loc, 200)
	m := regexp.MustCompile(`/problems/\d+/attachments/\d+`).FindString(page)
	if m == "" {
		t.Fatalf("no attachment on the page: %s", trim(page))
	}
	req, _ = http.NewRequest("GET", e.srv.URL+m, nil)
	resp = c.do(req)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("attachment: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Another grid's worker: not found.
	storetest.MustUser(t, e.s, "workerb", model.RoleGridWorker, e.f.GridB1.ID)
	e.login("workerb").get(m, 404)
}
