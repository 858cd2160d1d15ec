package web

import (
	"net/http"
	"strconv"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// Reminders: each user's inbox (filled by the daily job), its JSON API,
// and the webhook delivery log for administrators.
func (s *Server) reminderRoutes() {
	s.handle("GET", "/inbox", auth.PermSelf, s.inboxPage)
	s.handle("POST", "/inbox/read-all", auth.PermSelf, s.inboxReadAll)
	s.handle("POST", "/inbox/{id}/read", auth.PermSelf, s.inboxRead)
	s.handle("GET", "/admin/webhooks", auth.PermAuditRead, s.webhookLog)
	s.handle("GET", "/api/v1/inbox", auth.PermSelf, s.apiInbox)
	s.handle("POST", "/api/v1/inbox/{id}/read", auth.PermSelf, s.apiInboxRead)
}

func init() {
	apiDocs["GET /api/v1/inbox"] = apiOp{Summary: "The caller's reminders, newest first (offset pages); unread=1 for unread ones only; with the unread count",
		Tag: "inbox", Query: []string{"unread", "offset", "limit"}, Response: "Inbox", Status: "200"}
	apiDocs["POST /api/v1/inbox/{id}/read"] = apiOp{Summary: "Mark one of the caller's reminders read (another user's → 404)", Tag: "inbox",
		Response: "Inbox", Status: "200"}
	moreSchemas["Reminder"] = obj(map[string]any{"id": tInt, "kind": map[string]any{"type": "string", "enum": []string{store.RemindVisitDue,
		store.RemindProblemAssigned, store.RemindProblemOverdue, store.RemindTransferExpiring, store.RemindTermEnding}},
		"entity": tStr, "entity_id": tInt, "text_key": tStr, "args": map[string]any{"type": "array", "items": tStr},
		"text": tStr, "href": tStr, "due_on": tDate, "day": tDate, "created_at": tTime, "read_at": tTime},
		"id", "kind", "entity", "entity_id", "text_key", "args", "day", "created_at")
	moreSchemas["Inbox"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Reminder")},
		"unread": tInt, "next_offset": tInt}, "items", "unread")
}

const inboxPageSize = 20

// reminderItem is a reminder with its text in the reader's language and
// a link to its subject.
type reminderItem struct {
	store.Reminder
	Text string `json:"text"`
	Href string `json:"href"`
}

func (s *Server) reminderItems(locale string, rs []store.Reminder) []reminderItem {
	out := make([]reminderItem, len(rs))
	for i, r := range rs {
		args := make([]any, len(r.Args))
		for j, a := range r.Args {
			args[j] = a
		}
		if r.Kind == store.RemindVisitDue && len(args) > 1 {
			args[1] = s.cat.T(locale, "visit.level."+r.Args[1])
		}
		out[i] = reminderItem{Reminder: r, Text: s.cat.T(locale, r.TextKey, args...), Href: reminderHref(r)}
	}
	return out
}

func reminderHref(r store.Reminder) string {
	id := strconv.FormatInt(r.EntityID, 10)
	switch r.Entity {
	case "enterprise":
		return "/enterprises/" + id
	case "problem":
		return "/problems/" + id
	case "transfer":
		return "/transfers/" + id
	case "organization":
		return "/organizations/" + id
	}
	return ""
}

// pageParams reads offset paging: offset ≥ 0, 1 ≤ limit ≤ 100.
func pageParams(r *http.Request, def int) (offset, limit int, err error) {
	q := r.URL.Query()
	limit = def
	if v := q.Get("limit"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 || n > 100 {
			var vv model.Validation
			vv.Add("limit", "field.range", 1, 100)
			return 0, 0, vv.Err()
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 || n > 1_000_000 {
			var vv model.Validation
			vv.Add("offset", "field.range", 0, 1_000_000)
			return 0, 0, vv.Err()
		}
		offset = n
	}
	return offset, limit, nil
}

type inboxPage struct {
	Items      []reminderItem
	Unread     int
	UnreadOnly bool
	Prev, Next int // offsets; -1: none
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "inbox")
	v.Title = v.T("inbox.title")
	v.Crumbs = []Crumb{{Label: v.Title}}
	offset, limit, err := pageParams(r, inboxPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actor := info(r).sess.actor
	p := inboxPage{UnreadOnly: r.URL.Query().Get("unread") == "1", Prev: -1, Next: -1}
	rs, err := s.store.Inbox(r.Context(), actor, p.UnreadOnly, limit+1, offset)
	if err == nil {
		p.Unread, err = s.store.UnreadCount(r.Context(), actor)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(rs) > limit {
		rs, p.Next = rs[:limit], offset+limit
	}
	if offset > 0 {
		p.Prev = max(offset-limit, 0)
	}
	p.Items = s.reminderItems(v.Locale, rs)
	s.render(w, r, "inbox", v, p)
}

func (s *Server) inboxRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.store.MarkRead(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/inbox", "")
}

func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	if err := s.store.MarkRead(r.Context(), info(r).sess.actor, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/inbox", "inbox.all_read")
}

func (s *Server) apiInbox(w http.ResponseWriter, r *http.Request) {
	offset, limit, err := pageParams(r, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeInbox(w, r, r.URL.Query().Get("unread") == "1", offset, limit)
}

func (s *Server) writeInbox(w http.ResponseWriter, r *http.Request, unreadOnly bool, offset, limit int) {
	actor := info(r).sess.actor
	rs, err := s.store.Inbox(r.Context(), actor, unreadOnly, limit+1, offset)
	var unread int
	if err == nil {
		unread, err = s.store.UnreadCount(r.Context(), actor)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"unread": unread}
	if len(rs) > limit {
		rs = rs[:limit]
		out["next_offset"] = offset + limit
	}
	out["items"] = s.reminderItems(info(r).locale, rs)
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiInboxRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.store.MarkRead(r.Context(), info(r).sess.actor, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeInbox(w, r, false, 0, 50)
}

// Unread is the signed-in user's unread reminder count for the top bar.
func (v *View) Unread() int {
	if v.Actor == nil {
		return 0
	}
	n, err := v.s.store.UnreadCount(v.r.Context(), v.Actor)
	if err != nil {
		return 0
	}
	return n
}

type webhookLogPage struct {
	Items      []store.Delivery
	Configured bool
	Prev, Next int
}

func (s *Server) webhookLog(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "webhooks")
	v.Title = v.T("webhook.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.Title}}
	offset, limit, err := pageParams(r, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := webhookLogPage{Configured: s.cfg.WebhookURL != "", Prev: -1, Next: -1}
	ds, err := s.store.WebhookDeliveries(r.Context(), info(r).sess.actor, limit+1, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(ds) > limit {
		ds, p.Next = ds[:limit], offset+limit
	}
	if offset > 0 {
		p.Prev = max(offset-limit, 0)
	}
	p.Items = ds
	s.render(w, r, "webhooks", v, p)
}
