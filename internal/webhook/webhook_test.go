package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/webhook"
)

var bg = context.Background()

func TestBackoffSchedule(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, 64 * time.Minute, 128 * time.Minute, 256 * time.Minute, 6 * time.Hour, 6 * time.Hour}
	for i, w := range want {
		if got := webhook.Backoff(i + 1); got != w {
			t.Errorf("after %d failures: %v, want %v", i+1, got, w)
		}
	}
}

// queued returns a store with one reminder queued for the webhook: an
// administrator and an organization whose term ends within six months.
func queued(t *testing.T) (*store.Store, *storetest.Clock) {
	t.Helper()
	s, clock := storetest.Open(t)
	storetest.MustUser(t, s, "admin", model.RoleAdmin)
	if _, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "W-1", Name: "城西新区党工委",
		Kind: store.OrgCommittee, TermStart: "2018-12-01"}); err != nil {
		t.Fatal(err)
	}
	run, err := s.RunReminders(bg, true)
	if err != nil || run.Queued != 1 {
		t.Fatalf("queue: %+v %v", run, err)
	}
	return s, clock
}

// The gateway fails once, then accepts: the failure is logged and retried
// after the backoff computed from the store's clock; the body is signed.
func TestSenderRetriesThenDelivers(t *testing.T) {
	s, clock := queued(t)
	const secret = "s3cret"
	var mu sync.Mutex
	calls := 0
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, _ := strconv.ParseInt(r.Header.Get(webhook.HeaderTimestamp), 10, 64)
		if !webhook.Verify(secret, ts, body, r.Header.Get(webhook.HeaderSignature)) || ts != clock.Now().Unix() {
			t.Errorf("bad signature or timestamp %d", ts)
		}
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_ = json.Unmarshal(body, &got)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	snd := &webhook.Sender{Store: s, URL: srv.URL, Secret: secret, Client: srv.Client()}
	if n, err := snd.SendDue(bg); err != nil || n != 0 {
		t.Fatalf("first attempt: %d %v", n, err)
	}
	items, _ := s.DueOutbox(bg, 10)
	if len(items) != 0 {
		t.Fatal("retried before the backoff")
	}
	admin := &model.Actor{Scope: model.Scope{All: true}}
	ds, _ := s.WebhookDeliveries(bg, admin, 10, 0)
	if len(ds) != 1 || ds[0].StatusCode != 503 || ds[0].Attempt != 1 || ds[0].Error == "" {
		t.Fatalf("log after failure %+v", ds)
	}
	it, _ := s.OutboxItem(bg, ds[0].OutboxID)
	if want := clock.Now().Add(webhook.BaseDelay); !it.NextAttemptAt.Equal(want) || it.State != "pending" || it.Attempts != 1 {
		t.Fatalf("retry at %v (want %v) %+v", it.NextAttemptAt, want, it)
	}
	clock.Add(30 * time.Second)
	if n, _ := snd.SendDue(bg); n != 0 {
		t.Fatal("sent before the retry time")
	}
	clock.Add(30 * time.Second)
	if n, err := snd.SendDue(bg); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	it, _ = s.OutboxItem(bg, it.ID)
	if it.State != "sent" || it.Attempts != 2 || it.SentAt == nil {
		t.Fatalf("after delivery %+v", it)
	}
	if got["kind"] != store.RemindTermEnding || got["text_key"] != "reminder.term_ending" {
		t.Fatalf("body %v", got)
	}
	if ds, _ := s.WebhookDeliveries(bg, admin, 10, 0); len(ds) != 2 || ds[0].StatusCode != 204 || ds[0].Attempt != 2 {
		t.Fatalf("log after delivery %+v", ds)
	}
	if _, err := s.WebhookDeliveries(bg, &model.Actor{}, 10, 0); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("non-admin reads the log: %v", err)
	}
}

// A gateway that never accepts: attempts are capped and the message fails.
func TestSenderGivesUp(t *testing.T) {
	s, clock := queued(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	snd := &webhook.Sender{Store: s, URL: srv.URL, Secret: "x", Client: srv.Client()}
	for i := 1; i <= webhook.MaxAttempts; i++ {
		if _, err := snd.SendDue(bg); err != nil {
			t.Fatal(err)
		}
		clock.Add(webhook.Backoff(i))
	}
	ds, _ := s.WebhookDeliveries(bg, &model.Actor{Scope: model.Scope{All: true}}, 50, 0)
	if len(ds) != webhook.MaxAttempts {
		t.Fatalf("%d attempts", len(ds))
	}
	it, _ := s.OutboxItem(bg, ds[0].OutboxID)
	if it.State != "failed" {
		t.Fatalf("state %s", it.State)
	}
	clock.Add(24 * time.Hour)
	if items, _ := s.DueOutbox(bg, 10); len(items) != 0 {
		t.Fatal("failed message still due")
	}
}
