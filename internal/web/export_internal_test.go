package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Content-Disposition per RFC 6266: a quoted ASCII fallback for old
// clients and filename* with the UTF-8 name percent-encoded (RFC 5987),
// which decodes back to the Chinese name.
func TestContentDisposition(t *testing.T) {
	got := contentDisposition("members-20261125.csv", "党员名册-20261125.csv")
	want := `attachment; filename="members-20261125.csv"; filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C-20261125.csv`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	_, enc, _ := strings.Cut(got, "filename*=UTF-8''")
	if name, err := url.PathUnescape(enc); err != nil || name != "党员名册-20261125.csv" {
		t.Fatalf("decoded %q %v", name, err)
	}
	// Quotes, backslashes and non-ASCII never reach the fallback; spaces,
	// quotes and semicolons are encoded in filename*.
	got = contentDisposition(`a"b\c 企业.xlsx`, `企业 "名录"; x.xlsx`)
	if !strings.Contains(got, `filename="a_b_c __.xlsx"`) ||
		!strings.Contains(got, `filename*=UTF-8''%E4%BC%81%E4%B8%9A%20%22%E5%90%8D%E5%BD%95%22%3B%20x.xlsx`) {
		t.Fatalf("escaping: %s", got)
	}
}

// A download is held until it is surely under way, so that an early
// failure can still answer with an error page.
func TestHoldWriter(t *testing.T) {
	rec := httptest.NewRecorder()
	h := &holdWriter{w: rec, rc: http.NewResponseController(rec)} // a recorder has no deadlines: ignored
	h.Write([]byte("small"))
	if h.committed || rec.Body.Len() != 0 {
		t.Fatal("committed too early")
	}
	h.Write(make([]byte, holdBytes))
	if !h.committed || rec.Body.Len() != holdBytes+5 {
		t.Fatalf("not committed: %d", rec.Body.Len())
	}
	h.Write([]byte("tail"))
	if rec.Body.Len() != holdBytes+9 {
		t.Fatal("write after commit")
	}
}
