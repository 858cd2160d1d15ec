package workcal

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The 2025 and 2026 National Day arrangements as the State Council published
// them (国务院办公厅关于2025年/2026年部分节假日安排的通知).
func TestNationalDayWithMakeUpSaturday(t *testing.T) {
	c := New(nil)
	cases := []struct {
		start string
		n     int
		due   string
	}{
		// 2025: 10月1日至8日放假, 9月28日(周日)、10月11日(周六)上班.
		// Tue 30 Sep + 5: Thu 9, Fri 10, Sat 11 (调休), Mon 13, Tue 14.
		{"2025-09-30", 5, "2025-10-14"},
		{"2025-09-26", 1, "2025-09-28"}, // Friday + 1 = the make-up Sunday
		{"2025-09-30", 3, "2025-10-11"}, // lands on the make-up Saturday
		// 2026: 10月1日至7日放假, 9月20日(周日)、10月10日(周六)上班.
		// Wed 30 Sep + 5: Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13.
		{"2026-09-30", 5, "2026-10-13"},
		{"2026-09-18", 1, "2026-09-20"},
		{"2026-02-13", 1, "2026-02-14"}, // 春节 2026: Saturday 14 Feb is a working day
		{"2026-02-14", 1, "2026-02-24"}, // then 15–23 Feb off
		{"2026-11-20", 0, "2026-11-20"},
	}
	for _, tc := range cases {
		if got := c.AddWorkdays(date(tc.start), tc.n); !got.Equal(date(tc.due)) {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.start, tc.n, got.Format("2006-01-02"), tc.due)
		}
	}
	if got := c.WorkdaysBetween(date("2025-09-30"), date("2025-10-14")); got != 5 {
		t.Errorf("WorkdaysBetween over National Day 2025 = %d, want 5", got)
	}
	if got := c.WorkdaysBetween(date("2025-10-14"), date("2025-09-30")); got != 0 {
		t.Errorf("backwards = %d, want 0", got)
	}
	for _, s := range []string{"2025-10-01", "2025-10-08", "2026-10-07", "2026-01-02"} {
		if c.IsWorkday(date(s)) {
			t.Errorf("%s should be a holiday", s)
		}
	}
	for _, s := range []string{"2025-09-28", "2025-10-11", "2026-09-20", "2026-10-10", "2026-01-04"} {
		if !c.IsWorkday(date(s)) {
			t.Errorf("%s should be a make-up working day", s)
		}
	}
	if !c.Known(2026) || !c.Known(2002) {
		t.Error("library years should be known")
	}
}

// A year the library does not know counts weekends only until the
// administrators keep its days; their days then win, and they may also
// correct a year the library knows.
func TestAdminDays(t *testing.T) {
	bare := New(nil)
	if bare.Known(2099) {
		t.Fatal("2099 should be unknown")
	}
	// Fri 2099-09-25 + 3 working days on the plain week: Mon 28, Tue 29, Wed 30.
	if got := bare.AddWorkdays(date("2099-09-25"), 3); !got.Equal(date("2099-09-30")) {
		t.Fatalf("plain week: %s", got.Format("2006-01-02"))
	}
	var admin []Day
	for d := date("2099-10-01"); d.Before(date("2099-10-08")); d = d.AddDate(0, 0, 1) {
		admin = append(admin, Day{Date: d, Kind: Holiday, Name: "国庆节"})
	}
	admin = append(admin, Day{Date: date("2099-10-10"), Kind: Workday, Name: "国庆节"}, // a Saturday
		Day{Date: date("2026-10-09"), Kind: Holiday, Name: "更正"})
	c := New(admin)
	if !c.Known(2099) {
		t.Fatal("2099 should be known once kept")
	}
	// Wed 2099-09-30 + 3: Thu 8, Fri 9, Sat 10 (kept make-up day).
	if got := c.AddWorkdays(date("2099-09-30"), 3); !got.Equal(date("2099-10-10")) {
		t.Fatalf("kept days: %s", got.Format("2006-01-02"))
	}
	if d, src := c.Lookup(date("2026-10-09")); d.Kind != Holiday || src != "admin" {
		t.Fatalf("override of a library year: %v %s", d, src)
	}
	if _, src := c.Lookup(date("2026-10-10")); src != "library" {
		t.Fatalf("library day source %s", src)
	}
	// Times in another zone count by their own civil date.
	sh := time.FixedZone("CST", 8*3600)
	if c.IsWorkday(time.Date(2025, 10, 1, 1, 0, 0, 0, sh)) {
		t.Fatal("1 Oct 01:00 in Shanghai is a holiday")
	}
}

func TestLibraryYears(t *testing.T) {
	ys := LibraryYears()
	if len(ys) == 0 || ys[len(ys)-1] < 2026 {
		t.Fatalf("library years %v", ys)
	}
	if n := len(LibraryDays(2026)); n < 30 {
		t.Fatalf("2026 special days %d", n)
	}
}
