// Package webhook delivers queued reminders to an outbound endpoint (an SMS
// gateway): JSON bodies signed with HMAC-SHA256 over the timestamp and the
// body, retried with capped exponential backoff, every attempt logged.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"redgrid/internal/store"
)

// Headers of a delivery. The receiver recomputes
// hex(HMAC-SHA256(secret, timestamp + "." + body)) and compares.
const (
	HeaderTimestamp = "X-Redgrid-Timestamp"
	HeaderSignature = "X-Redgrid-Signature"
)

// Retry schedule: the n-th failure waits BaseDelay·2^(n−1), at most
// MaxDelay; after MaxAttempts attempts the message is given up (failed).
const (
	BaseDelay   = time.Minute
	MaxDelay    = 6 * time.Hour
	MaxAttempts = 8
)

// Sign returns the signature of body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature in constant time.
func Verify(secret string, ts int64, body []byte, sig string) bool {
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(sig))
}

// Backoff is the wait after the attempts-th failed attempt.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := BaseDelay
	for i := 1; i < attempts; i++ {
		d *= 2
		if d >= MaxDelay {
			return MaxDelay
		}
	}
	return d
}

// Sender posts the due outbox items.
type Sender struct {
	Store  *store.Store
	URL    string
	Secret string
	Client *http.Client
}

// SendDue tries every due item once and returns how many were delivered.
// The store's clock decides what is due and when to retry.
func (s *Sender) SendDue(ctx context.Context) (sent int, err error) {
	items, err := s.Store.DueOutbox(ctx, 100)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		r := s.deliver(ctx, it)
		if !r.OK {
			if it.Attempts+1 < MaxAttempts {
				r.Next = s.Store.Now().Add(Backoff(it.Attempts + 1))
			}
		} else {
			sent++
		}
		if err := s.Store.RecordDelivery(ctx, it.ID, r); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (s *Sender) deliver(ctx context.Context, it store.OutboxItem) store.DeliveryResult {
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	body := []byte(it.Body)
	ts := s.Store.Now().Unix()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return store.DeliveryResult{Err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(s.Secret, ts, body))
	req.Header.Set("X-Redgrid-Delivery", strconv.FormatInt(it.ID, 10))
	resp, err := client.Do(req)
	d := time.Since(start)
	if err != nil {
		return store.DeliveryResult{Err: err.Error(), Duration: d}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	r := store.DeliveryResult{StatusCode: resp.StatusCode, Duration: d, OK: resp.StatusCode >= 200 && resp.StatusCode < 300}
	if !r.OK {
		r.Err = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return r
}
