// Package workcal is the working-day calendar that problem deadlines count
// on: Monday to Friday, less China's public holidays, plus the weekend days
// that the State Council moves into working days (调休).
//
// The base is the holiday table kept by github.com/6tail/lunar-go
// (HolidayUtil), which transcribes every 国务院办公厅关于 XXXX 年部分节假日
// 安排的通知 since 2002 and is updated each November when the next year's
// notice is published. For the years it does not know yet, and to correct
// it, administrators keep their own days (store: calendar_days); a kept day
// always wins over the library. A year the library does not know and the
// administrators have not filled counts weekends only, and Known reports
// false so that pages can say so.
package workcal

import (
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Kind is what a day is in the calendar.
type Kind string

// Day kinds: a holiday is a day off even on a weekday; a workday is a
// working day even on a weekend (调休 上班).
const (
	Holiday Kind = "holiday"
	Workday Kind = "workday"
)

// Day is one day that differs from the plain week, with its name.
type Day struct {
	Date time.Time // midnight UTC of the civil date
	Kind Kind
	Name string
}

// Calendar answers working-day questions. It is immutable: build a new one
// when the administrators' days change.
type Calendar struct {
	overrides map[int32]Day // by civil day number
	adminYear map[int]bool  // years with at least one administrator's day
}

// New builds a calendar from the administrators' days.
func New(admin []Day) *Calendar {
	c := &Calendar{overrides: make(map[int32]Day, len(admin)), adminYear: map[int]bool{}}
	for _, d := range admin {
		d.Date = Civil(d.Date)
		c.overrides[dayNum(d.Date)] = d
		c.adminYear[d.Date.Year()] = true
	}
	return c
}

// Civil returns the civil date of t (in t's location) at midnight UTC.
func Civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dayNum(d time.Time) int32 { return int32(d.Unix() / 86400) }

// library holds the base table by day number, built once.
var library = sync.OnceValues(func() (map[int32]Day, map[int]bool) {
	days := map[int32]Day{}
	years := map[int]bool{}
	for y := 2001; y <= 2100; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		if l.Len() == 0 {
			continue
		}
		years[y] = true
		for e := l.Front(); e != nil; e = e.Next() {
			h, ok := e.Value.(*HolidayUtil.Holiday)
			if !ok {
				continue
			}
			t, err := time.Parse("2006-01-02", h.GetDay())
			if err != nil {
				continue
			}
			k := Holiday
			if h.IsWork() {
				k = Workday
			}
			days[dayNum(t)] = Day{Date: t, Kind: k, Name: h.GetName()}
		}
	}
	return days, years
})

// LibraryYears lists the years the library's table covers.
func LibraryYears() []int {
	_, years := library()
	out := make([]int, 0, len(years))
	for y := 2001; y <= 2100; y++ {
		if years[y] {
			out = append(out, y)
		}
	}
	return out
}

// LibraryDays returns the library's special days of a year, in date order.
func LibraryDays(year int) []Day {
	days, _ := library()
	var out []Day
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if x, ok := days[dayNum(d)]; ok {
			out = append(out, x)
		}
	}
	return out
}

// Known reports whether the year's holidays are known: from the library or
// from the administrators.
func (c *Calendar) Known(year int) bool {
	_, years := library()
	return years[year] || c.adminYear[year]
}

// Lookup tells what a civil date is, and where that comes from ("admin",
// "library" or "week").
func (c *Calendar) Lookup(t time.Time) (d Day, source string) {
	t = Civil(t)
	n := dayNum(t)
	if x, ok := c.overrides[n]; ok {
		return x, "admin"
	}
	days, _ := library()
	if x, ok := days[n]; ok {
		return x, "library"
	}
	k := Workday
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		k = Holiday
	}
	return Day{Date: t, Kind: k}, "week"
}

// IsWorkday reports whether the civil date of t is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	d, _ := c.Lookup(t)
	return d.Kind == Workday
}

// AddWorkdays returns the civil date n working days after the civil date of
// start; start itself does not count (a problem registered on Friday with
// one working day is due on the next working day). n ≤ 0 returns start.
func (c *Calendar) AddWorkdays(start time.Time, n int) time.Time {
	d := Civil(start)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after the civil date of a up to
// and including that of b: the handling time of a problem registered on a
// and resolved on b. Zero when b is not after a.
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	a, b = Civil(a), Civil(b)
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}
