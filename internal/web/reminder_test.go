package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// The inbox: the daily job's reminders with the unread count in the top
// bar, pages of 20, marking read, an empty state; the same over the API;
// the webhook log for administrators only.
func TestInboxPagesAndAPI(t *testing.T) {
	e := newEnv(t)
	top, err := e.s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "IN-0", Name: "城西新区党工委", Kind: store.OrgCommittee})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 25; i++ {
		if _, err := e.s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: fmt.Sprintf("IN-%d", i),
			Name: fmt.Sprintf("第%d党支部", i), Kind: store.OrgBranch, ParentID: top.ID, TermStart: "2018-12-01"}); err != nil {
			t.Fatal(err)
		}
	}
	if run, err := e.s.RunReminders(bg, false); err != nil || run.ByKind[store.RemindTermEnding] != 25 {
		t.Fatalf("run %+v %v", run, err)
	}
	admin := e.login("admin")
	page := admin.get("/inbox", 200)
	if !strings.Contains(page, `id="inbox-badge"`) || !strings.Contains(page, ">25</span>") {
		t.Fatal("no unread badge of 25 in the top bar")
	}
	if n := strings.Count(page, `<tr class="unread"`); n != 20 {
		t.Fatalf("first page has %d unread rows", n)
	}
	if !strings.Contains(page, "offset=20") || !strings.Contains(page, "2021-12-01") {
		t.Fatal("no next page link or term end date")
	}
	second := admin.get("/inbox?offset=20", 200)
	if n := strings.Count(second, `data-id="`); n != 5 {
		t.Fatalf("second page has %d rows", n)
	}
	admin.get("/inbox?offset=-1", 422)
	// Mark one read through the page, then all.
	var id int64
	fmt.Sscanf(second[strings.Index(second, `data-id="`)+len(`data-id="`):], "%d", &id)
	if resp := admin.post(fmt.Sprintf("/inbox/%d/read", id), url.Values{"csrf": {admin.csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark read: %d", resp.StatusCode)
	}
	if n, _ := e.s.UnreadCount(bg, &model.Actor{UserID: userID(t, e, "admin")}); n != 24 {
		t.Fatalf("unread after mark %d", n)
	}
	// The worker has nothing: empty state, and may not read the admin's.
	worker := e.login("worker")
	if p := worker.get("/inbox", 200); !strings.Contains(p, `id="inbox-empty"`) || strings.Contains(p, `id="inbox-badge"`) {
		t.Fatal("worker's inbox is not empty")
	}
	if resp := worker.post(fmt.Sprintf("/inbox/%d/read", id+1), url.Values{"csrf": {worker.csrf}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("worker marks the admin's reminder: %d", resp.StatusCode)
	}
	worker.get("/admin/webhooks", 403)
	if p := admin.get("/admin/webhooks", 200); !strings.Contains(p, "REDGRID_WEBHOOK_URL") {
		t.Fatal("webhook page does not say the gateway is not configured")
	}
	// API.
	a := e.apiLogin("admin")
	code, body := a.call("GET", "/api/v1/inbox?unread=1&limit=10", "")
	var inbox struct {
		Items []struct {
			ID   int64  `json:"id"`
			Kind string `json:"kind"`
			Text string `json:"text"`
			Href string `json:"href"`
		} `json:"items"`
		Unread     int  `json:"unread"`
		NextOffset *int `json:"next_offset"`
	}
	if err := json.Unmarshal([]byte(body), &inbox); err != nil || code != 200 {
		t.Fatalf("api inbox %d %s", code, body)
	}
	if inbox.Unread != 24 || len(inbox.Items) != 10 || inbox.NextOffset == nil || *inbox.NextOffset != 10 ||
		inbox.Items[0].Kind != store.RemindTermEnding || !strings.HasPrefix(inbox.Items[0].Href, "/organizations/") || inbox.Items[0].Text == "" {
		t.Fatalf("api inbox %+v", inbox)
	}
	if code, _ := a.call("POST", fmt.Sprintf("/api/v1/inbox/%d/read", inbox.Items[0].ID), ""); code != 200 {
		t.Fatalf("api mark read %d", code)
	}
	if code, _ := e.apiLogin("worker").call("POST", fmt.Sprintf("/api/v1/inbox/%d/read", inbox.Items[1].ID), ""); code != 404 {
		t.Fatalf("worker marks admin's over the API: %d", code)
	}
	if code, _ := a.call("GET", "/api/v1/inbox?limit=abc", ""); code != 422 {
		t.Fatalf("bad limit: %d", code)
	}
	if resp := admin.post("/inbox/read-all", url.Values{"csrf": {admin.csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("read all: %d", resp.StatusCode)
	}
	if p := admin.get("/inbox", 200); strings.Contains(p, `id="inbox-badge"`) || strings.Contains(p, `<tr class="unread"`) {
		t.Fatal("unread left after read all")
	}
}

func userID(t *testing.T, e *env, username string) int64 {
	t.Helper()
	u, err := e.s.UserByUsername(bg, username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
