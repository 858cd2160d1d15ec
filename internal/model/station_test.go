package model

import (
	"testing"
	"time"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func week(days ...string) WeekHours {
	var in [7]string
	copy(in[:], days)
	var v Validation
	h := ParseWeek(in, &v)
	if err := v.Err(); err != nil {
		panic(err)
	}
	return h
}

func TestOpenAcrossMidnight(t *testing.T) {
	// Friday 20:00 until Saturday 02:00; Saturday closed otherwise.
	st := Station{Status: StationOpen, Hours: week("", "", "", "", "20:00-02:00+1", "", "")}
	// 2026-11-27 is a Friday.
	cases := map[string]bool{
		"2026-11-27 19:59": false,
		"2026-11-27 20:00": true,
		"2026-11-27 23:59": true,
		"2026-11-28 00:30": true, // Saturday morning, from Friday's span
		"2026-11-28 01:59": true,
		"2026-11-28 02:00": false,
		"2026-11-29 00:30": false, // Sunday: Saturday has no night span
	}
	for s, want := range cases {
		if got := st.OpenAt(at(s), shanghai); got != want {
			t.Errorf("%s: open=%v, want %v", s, got, want)
		}
	}
	// The same instant in UTC is judged in Shanghai time.
	if !st.OpenAt(at("2026-11-28 00:30").UTC(), shanghai) {
		t.Errorf("a UTC instant must be judged in Asia/Shanghai")
	}
}

func TestOpenClosureAnd24h(t *testing.T) {
	st := Station{Status: StationOpen, Hours: week("24h", "24h", "24h", "24h", "24h", "24h", "24h"),
		Closures: []Closure{{Day: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Reason: "国庆"}}}
	if !st.Hours.Always() {
		t.Fatal("24h every day must be Always")
	}
	for _, s := range []string{"2026-11-25 00:00", "2026-11-25 03:17", "2026-11-25 23:59", "2026-09-30 23:59", "2026-10-02 00:00"} {
		if !st.OpenAt(at(s), shanghai) {
			t.Errorf("24-hour station closed at %s", s)
		}
	}
	for _, s := range []string{"2026-10-01 00:00", "2026-10-01 12:00", "2026-10-01 23:59"} {
		if st.OpenAt(at(s), shanghai) {
			t.Errorf("open on the closure date at %s", s)
		}
	}
	// A temporarily closed station is never open.
	st.Status = StationClosed
	if st.OpenAt(at("2026-11-25 12:00"), shanghai) {
		t.Error("temporarily closed station reported open")
	}
	// A night span does not run into a closure date.
	night := Station{Status: StationOpen, Hours: week("", "", "20:00-次日06:00", "", "", "", ""),
		Closures: []Closure{{Day: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}}}
	if night.OpenAt(at("2026-11-26 01:00"), shanghai) {
		t.Error("night span ran into a closure date")
	}
	if !night.OpenAt(at("2026-11-25 23:00"), shanghai) {
		t.Error("Wednesday night must be open")
	}
}

func TestBreaksAndBadHours(t *testing.T) {
	spans, key := ParseDay("08:00-12:00，13:30-20:00")
	if key != "" || len(spans) != 2 {
		t.Fatalf("ParseDay: %v %q", spans, key)
	}
	st := Station{Status: StationOpen, Hours: WeekHours{spans}}
	if st.OpenAt(at("2026-11-23 12:30"), shanghai) { // Monday lunch break
		t.Error("open during the break")
	}
	if !st.OpenAt(at("2026-11-23 13:30"), shanghai) {
		t.Error("closed after the break")
	}
	if got := FormatDay(spans); got != "08:00-12:00, 13:30-20:00" {
		t.Errorf("FormatDay = %q", got)
	}
	bad := map[string]string{
		"18:00-08:00":             "station.hours_order",
		"08:00-08:00":             "station.hours_order",
		"08:00-12:00,11:00-14:00": "station.hours_overlap",
		"8点到12点":                  "station.hours_format",
		"25:00-26:00":             "station.hours_format",
		"08:00-09:61":             "station.hours_format",
		"20:00-21:00+1":           "station.hours_format", // a day longer than 24 h
	}
	for in, want := range bad {
		if _, key := ParseDay(in); key != want {
			t.Errorf("ParseDay(%q) = %q, want %q", in, key, want)
		}
	}
	// A night span overlapping the next morning's span is a field error on
	// the next day.
	var v Validation
	ParseWeek([7]string{"20:00-03:00+1", "02:00-10:00"}, &v)
	if !v.Has("hours_tue") {
		t.Error("Monday night overlapping Tuesday morning must be an error on hours_tue")
	}
	h := DecodeHours(EncodeHours(week("24h", "08:00-12:00, 13:30-20:00", "20:00-02:00+1")))
	if FormatDay(h[0]) != "24h" || FormatDay(h[2]) != "20:00-02:00+1" || len(h[3]) != 0 {
		t.Errorf("hours round trip: %v", h)
	}
}
