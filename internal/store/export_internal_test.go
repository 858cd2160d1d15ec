package store

import (
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	for in, want := range map[string]string{
		"2021-08-31":                "2021-08-31",
		"2021-08-31T00:00:00Z":      "2021-08-31",
		"2021-08-31 00:00:00+00:00": "2021-08-31",
		"2021-13-01":                "",
		"garbage":                   "",
		"":                          "",
	} {
		got := parseDay(in)
		s := ""
		if !got.IsZero() {
			s = got.Format(time.DateOnly)
		}
		if s != want {
			t.Errorf("parseDay(%q) = %q, want %q", in, s, want)
		}
	}
}
