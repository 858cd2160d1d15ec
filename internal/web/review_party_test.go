package web_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// Review of the party pages and API against existing rows.

// reveals counts the reveal entries of a member in the audit log.
func (e *partyEnv) reveals(id int64) int {
	e.t.Helper()
	es, err := e.s.ListAudit(bg, model.AuditFilter{Entity: "member", EntityID: id, Action: "member.reveal", Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(es)
}

// Editing a member with the personal data left empty keeps it and records
// no reveal, in the form and in the API; deleting the phone is explicit.
func TestReviewMemberEditRecordsNoReveal(t *testing.T) {
	e := newPartyEnv(t)
	id := idNumber("19850312", 21)
	m := e.member("蒋文", id, e.br1.ID, e.entA1.ID)
	sec := e.login("sec1")
	vals := memberForm("蒋文华", "", 0)
	vals.Set("phone", "")
	vals.Set("employer_uscc", e.entA1.USCC)
	vals.Set("version", strconv.Itoa(m.Version))
	if resp := sec.post(fmt.Sprintf("/members/%d", m.ID), vals); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	if n := e.reveals(m.ID); n != 0 {
		t.Fatalf("the form edit recorded %d reveals", n)
	}

	a := e.apiLogin("sec1")
	path := fmt.Sprintf("/api/v1/members/%d", m.ID)
	code, body := a.call("PATCH", path, `{"version":2,"ethnicity":"回族"}`)
	if code != 200 || strings.Contains(body, id) || strings.Contains(body, "13812345678") || !strings.Contains(body, `"phone_masked":"138****5678"`) {
		t.Fatalf("patch: %d %s", code, body)
	}
	if n := e.reveals(m.ID); n != 0 {
		t.Fatalf("the API edit recorded %d reveals", n)
	}
	// An explicit empty ID number is an error, as on create.
	code, body = a.call("PATCH", path, `{"version":3,"id_number":" "}`)
	if code != http.StatusUnprocessableEntity || decodeErr(t, body).Error.Fields["id_number"] == "" {
		t.Fatalf("empty id_number: %d %s", code, body)
	}
	// An explicit empty phone deletes it.
	code, body = a.call("PATCH", path, `{"version":3,"phone":""}`)
	if code != 200 || !strings.Contains(body, `"phone_masked":""`) {
		t.Fatalf("clear phone: %d %s", code, body)
	}
	got, err := e.s.RevealMember(bg, model.System, m.ID, "test")
	if err != nil || got.IDNumber != id || got.Phone != "" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// Nothing in the audit log holds the full values.
	es, _ := e.s.ListAudit(bg, model.AuditFilter{Entity: "member", EntityID: m.ID, Limit: 100})
	for _, x := range es {
		if strings.Contains(x.Before+x.After+x.Reason, id) || strings.Contains(x.Before+x.After, "13812345678") {
			t.Fatalf("audit holds personal data: %+v", x)
		}
	}
}

// Scope at the edges: posts for members of another organization, coverage
// of an organization outside scope, moves out of the subtree, top-level
// organizations, departments and grid staff.
func TestReviewPartyScopeEdges(t *testing.T) {
	e := newPartyEnv(t)
	m1 := e.member("蒋文", idNumber("19850312", 21), e.br1.ID, e.entA1.ID)
	m2 := e.member("韩梅", idNumber("19850312", 22), e.br2.ID, e.entB1.ID)
	sec := e.login("sec1")
	a := e.apiLogin("sec1")

	// A post for a member of another branch: a field error, nothing stored.
	code, body := sec.postBody(orgPath(e.br1.ID, "/posts"), url.Values{"member_id": {strconv.FormatInt(m2.ID, 10)}, "post": {"secretary"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-member_id"`) {
		t.Fatalf("post for another branch's member: %d", code)
	}
	if ps, _ := e.s.Posts(bg, e.br1.ID, true); len(ps) != 0 {
		t.Fatalf("posts stored: %+v", ps)
	}
	// Coverage and posts of an organization outside scope: not found.
	for _, p := range []string{orgPath(e.br2.ID, "/coverage"), orgPath(e.br2.ID, "/posts"), orgPath(e.top.ID, "/coverage")} {
		if code, _ := sec.postBody(p, url.Values{"uscc": {e.entB1.USCC}, "member_id": {strconv.FormatInt(m2.ID, 10)}, "post": {"secretary"}}); code != http.StatusNotFound {
			t.Fatalf("POST %s: %d", p, code)
		}
	}
	if cs, _ := e.s.Coverage(bg, e.br2.ID); len(cs) != 0 {
		t.Fatalf("coverage stored outside scope: %+v", cs)
	}
	// Moving the own branch out of the subtree, or to the top: refused.
	for _, b := range []string{`{"version":1,"parent_id":0,"kind":"committee"}`, fmt.Sprintf(`{"version":1,"parent_id":%d}`, e.br2.ID)} {
		if code, body := a.call("PATCH", fmt.Sprintf("/api/v1/organizations/%d", e.br1.ID), b); code != http.StatusUnprocessableEntity {
			t.Fatalf("move %s: %d %s", b, code, body)
		}
	}
	// A top-level organization: refused on the parent field.
	code, body = a.call("POST", "/api/v1/organizations", `{"code":"NEW","name":"新党委","kind":"committee"}`)
	if code != http.StatusUnprocessableEntity || decodeErr(t, body).Error.Fields["parent_id"] == "" {
		t.Fatalf("top-level by a secretary: %d %s", code, body)
	}
	// Reading a member of another branch through every door: not found.
	for _, p := range []string{"/members/%d", "/members/%d/edit"} {
		sec.get(fmt.Sprintf(p, m2.ID), http.StatusNotFound)
	}
	if code, _ := a.call("POST", fmt.Sprintf("/api/v1/members/%d/reveal", m2.ID), `{"reason":"x"}`); code != http.StatusNotFound {
		t.Fatalf("reveal outside scope: %d", code)
	}

	// Department staff: no party page or API at all.
	d := e.login("anjian")
	for _, p := range []string{"/organizations", "/members", "/alliances", fmt.Sprintf("/members/%d", m1.ID), orgPath(e.br1.ID)} {
		d.get(p, http.StatusForbidden)
	}
	da := e.apiLogin("anjian")
	for _, p := range []string{"/api/v1/organizations", "/api/v1/members", "/api/v1/alliances", fmt.Sprintf("/api/v1/members/%d", m1.ID)} {
		if code, _ := da.call("GET", p, ""); code != http.StatusForbidden {
			t.Fatalf("department GET %s: %d", p, code)
		}
	}

	// A grid worker reads members of the covered branch masked, and may
	// not reveal them.
	w := e.login("worker")
	page := w.get(fmt.Sprintf("/members/%d", m1.ID), 200)
	if strings.Contains(page, idNumber("19850312", 21)) || strings.Contains(page, "13812345678") {
		t.Fatal("worker page shows full values")
	}
	if code, _ := w.postBody(fmt.Sprintf("/members/%d/reveal", m1.ID), url.Values{"reason": {"看看"}}); code != http.StatusForbidden {
		t.Fatalf("worker reveal: %d", code)
	}
	wa := e.apiLogin("worker")
	if code, _ := wa.call("POST", fmt.Sprintf("/api/v1/members/%d/reveal", m1.ID), `{"reason":"看看"}`); code != http.StatusForbidden {
		t.Fatalf("worker API reveal: %d", code)
	}
	if e.reveals(m1.ID) != 0 {
		t.Fatal("a refused reveal was recorded")
	}
}

// Odd input against routes with rows behind them: dates out of range,
// huge numbers, long text and crafted cursors are never a 500.
func TestReviewPartyOddInputWithRows(t *testing.T) {
	e := newPartyEnv(t)
	m := e.member("蒋文", idNumber("19850312", 21), e.br1.ID, e.entA1.ID)
	if _, err := e.s.SaveAlliance(bg, model.System, 0, store.AllianceInput{Code: "L", Name: "联盟", OrgIDs: []int64{e.br1.ID}}); err != nil {
		t.Fatal(err)
	}
	c := e.login("admin")
	a := e.apiLogin("admin")
	dates := []string{"0000-00-00", "0000-01-01", "0001-01-01", "1900-02-29", "9999-12-31", "275760-01-01", "2021-1-1", " 2020-01-01 "}
	long := strings.Repeat("长", 3000)
	huge := "99999999999999999999"
	for _, d := range dates {
		forms := map[string]url.Values{
			"/organizations": {"code": {"X" + d}, "name": {"新支部"}, "kind": {"branch"}, "parent_id": {strconv.FormatInt(e.top.ID, 10)},
				"founded_on": {d}, "term_start": {d}, "term_years": {huge}},
			orgPath(e.br1.ID): {"code": {"BR1"}, "name": {long}, "kind": {"branch"}, "parent_id": {huge}, "founded_on": {d},
				"term_start": {d}, "version": {huge}},
			orgPath(e.br1.ID, "/coverage"):     {"uscc": {e.entB1.USCC}, "since": {d}, "kind": {"joint"}},
			orgPath(e.br1.ID, "/coverage/end"): {"coverage": {"1"}, "until": {d}},
			orgPath(e.br1.ID, "/posts"):        {"member_id": {strconv.FormatInt(m.ID, 10)}, "post": {"organization"}, "started_on": {d}},
			orgPath(e.br1.ID, "/posts/end"):    {"post": {huge}, "ended_on": {d}},
			"/alliances":                       {"code": {"A" + d}, "name": {long}, "founded_on": {d}, "org_ids": {huge, "1", "-1"}},
			"/alliances/1":                     {"code": {"L"}, "name": {"联盟"}, "founded_on": {d}, "org_ids": {"1"}, "version": {huge}},
			fmt.Sprintf("/members/%d", m.ID): {"name": {"蒋文"}, "category": {"full"}, "applied_on": {d}, "admitted_on": {d},
				"full_on": {d}, "version": {huge}, "org_id": {huge}},
			"/members": {"name": {"新人"}, "id_number": {idNumber("19900101", 5)}, "category": {"probationary"}, "admitted_on": {d},
				"org_id": {strconv.FormatInt(e.br1.ID, 10)}},
		}
		for p, f := range forms {
			if code, body := c.postBody(p, f); code >= 500 {
				t.Errorf("POST %s date %q → %d\n%s", p, d, code, trim(body))
			}
		}
		bodies := map[string]string{
			"POST /api/v1/organizations": fmt.Sprintf(`{"code":"Y%s","name":"x","kind":"branch","parent_id":%d,"founded_on":%q,"term_start":%q,"term_years":2147483648}`,
				d, e.top.ID, d, d),
			fmt.Sprintf("PATCH /api/v1/organizations/%d", e.br1.ID): fmt.Sprintf(`{"version":1,"founded_on":%q,"term_start":%q,"parent_id":9223372036854775807}`, d, d),
			fmt.Sprintf("PATCH /api/v1/members/%d", m.ID):           fmt.Sprintf(`{"version":2147483648,"applied_on":%q,"admitted_on":%q,"enterprise_id":9223372036854775807}`, d, d),
			"POST /api/v1/members": fmt.Sprintf(`{"name":"y","id_number":%q,"category":"probationary","admitted_on":%q,"org_id":%d}`,
				idNumber("19900101", 7), d, e.br1.ID),
		}
		for k, b := range bodies {
			method, p, _ := strings.Cut(k, " ")
			if code, resp := a.call(method, p, b); code >= 500 {
				t.Errorf("%s %s %s → %d %s", method, p, b, code, resp)
			}
		}
	}
	// Every page of an existing organization and member still renders after all that.
	for _, tab := range []string{"info", "coverage", "posts", "members", "alliances", "history"} {
		c.get(orgPath(e.br1.ID, "?tab="+tab), 200)
	}
	c.get(fmt.Sprintf("/members/%d?tab=history", m.ID), 200)
	c.get("/alliances", 200)
	c.get("/organizations/checks", 200)

	// Crafted cursors: bytes no text column holds.
	for _, raw := range []string{`{"k":"/w==","id":1}`, `{"k":"AA==","id":1,"r":true}`, `{"k":"","n":-1,"id":-9223372036854775808}`} {
		cur := base64.RawURLEncoding.EncodeToString([]byte(raw))
		for _, p := range []string{"/organizations?cursor=", "/api/v1/organizations?cursor=", "/members?cursor=", "/api/v1/members?cursor="} {
			req, _ := http.NewRequest("GET", e.srv.URL+p+cur, nil)
			var code int
			if strings.HasPrefix(p, "/api/") {
				code, _ = a.call("GET", p+cur, "")
			} else {
				resp := c.do(req)
				resp.Body.Close()
				code = resp.StatusCode
			}
			if code >= 500 {
				t.Errorf("GET %s%s (%s) → %d", p, cur, raw, code)
			}
		}
	}
}

// Two PATCHes of the same member or organization at one version: exactly
// one wins, the other is a 409.
func TestReviewConcurrentPatches(t *testing.T) {
	e := newPartyEnv(t)
	m := e.member("蒋文", idNumber("19850312", 21), e.br1.ID, e.entA1.ID)
	a := e.apiLogin("admin")
	for _, tc := range []struct{ path, body string }{
		{fmt.Sprintf("/api/v1/members/%d", m.ID), `{"version":%d,"name":"蒋文%d"}`},
		{fmt.Sprintf("/api/v1/organizations/%d", e.br1.ID), `{"version":%d,"name":"安德电器党支部%d"}`},
	} {
		const n = 4
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], _ = a.call("PATCH", tc.path, fmt.Sprintf(tc.body, 1, i))
			}()
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, c := range codes {
			switch c {
			case 200:
				ok++
			case http.StatusConflict:
				conflict++
			}
		}
		if ok != 1 || conflict != n-1 {
			t.Fatalf("%s: statuses %v", tc.path, codes)
		}
	}
}
