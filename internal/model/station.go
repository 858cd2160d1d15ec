package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// 红色驿站: a rest stop run by an enterprise and its party organization for
// couriers, delivery riders, sanitation workers and villagers.

// Station statuses.
const (
	StationOpen   = "open"
	StationClosed = "closed" // temporarily closed, with a reason
)

// StationStatuses lists the statuses in display order.
var StationStatuses = []string{StationOpen, StationClosed}

// Span is one opening interval in minutes after midnight. End may pass
// midnight (up to 48:00): the station stays open into the next morning.
type Span struct {
	Start, End int
}

// WeekHours holds the opening spans per weekday, Monday first.
type WeekHours [7][]Span

// Weekdays are the field suffixes of the seven days, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// dayIndex maps time.Weekday to a WeekHours index (Monday 0).
func dayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// Closure is a date on which a station is closed all day.
type Closure struct {
	Day    time.Time `json:"day"`
	Reason string    `json:"reason,omitempty"`
}

// Station is one 红色驿站.
type Station struct {
	ID             int64      `json:"id"`
	Code           string     `json:"code"`
	Name           string     `json:"name"`
	EnterpriseID   int64      `json:"enterprise_id,omitempty"`
	EnterpriseName string     `json:"enterprise_name,omitempty"`
	OrgID          int64      `json:"org_id,omitempty"`
	OrgName        string     `json:"org_name,omitempty"`
	Operator       string     `json:"operator"`
	Address        string     `json:"address"`
	Village        string     `json:"village"`
	Lat            float64    `json:"lat"`
	Lng            float64    `json:"lng"`
	Hours          WeekHours  `json:"-"`
	HoursText      [7]string  `json:"hours"`
	Closures       []Closure  `json:"closures"`
	Amenities      []string   `json:"amenities"`
	InvestmentWan  float64    `json:"investment_wan"`
	OpenedOn       *time.Time `json:"opened_on,omitempty"`
	Status         string     `json:"status"`
	ClosedReason   string     `json:"closed_reason,omitempty"`
	RatingSum      int        `json:"-"`
	RatingCount    int        `json:"rating_count"`
	PhotoIDs       []int64    `json:"photo_ids"`
	KeeperIDs      []int64    `json:"keeper_ids,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Version        int        `json:"version"`
}

// Rating is the average rating, 0 when nobody rated.
func (s Station) Rating() float64 {
	if s.RatingCount == 0 {
		return 0
	}
	return float64(s.RatingSum) / float64(s.RatingCount)
}

// OpenAt reports whether the station is open at t (any zone: t is taken in
// loc, the zone's time zone).
func (s Station) OpenAt(t time.Time, loc *time.Location) bool {
	return s.OpenIn(MomentOf(t, loc))
}

// Moment is an instant as opening hours see it: the local weekday, minute
// of the day, date and the previous date. Computing it once lets a search
// judge many stations cheaply.
type Moment struct {
	Day, Min     int
	Y, D, PY, PD int
	M, PM        time.Month
}

// MomentOf takes t in loc.
func MomentOf(t time.Time, loc *time.Location) Moment {
	t = t.In(loc)
	m := Moment{Day: dayIndex(t.Weekday()), Min: t.Hour()*60 + t.Minute()}
	m.Y, m.M, m.D = t.Date()
	m.PY, m.PM, m.PD = t.AddDate(0, 0, -1).Date()
	return m
}

// OpenIn reports whether the station is open at the moment.
func (s *Station) OpenIn(m Moment) bool {
	if s.Status != StationOpen {
		return false
	}
	if len(s.Closures) > 0 && s.closedOn(m.Y, m.M, m.D) {
		return false
	}
	for _, sp := range s.Hours[m.Day] {
		if sp.Start <= m.Min && m.Min < sp.End {
			return true
		}
	}
	if len(s.Closures) > 0 && s.closedOn(m.PY, m.PM, m.PD) {
		return false
	}
	for _, sp := range s.Hours[(m.Day+6)%7] {
		if sp.End > 24*60 && m.Min < sp.End-24*60 {
			return true
		}
	}
	return false
}

func (s *Station) closedOn(y int, m time.Month, d int) bool {
	for _, c := range s.Closures {
		cy, cm, cd := c.Day.Date()
		if cy == y && cm == m && cd == d {
			return true
		}
	}
	return false
}

// OpenAt reports whether the hours are open at local time t. closed tells
// whether a calendar date is a closure date; a closure closes the whole day,
// including the part of the previous night's span that runs past midnight.
func (h WeekHours) OpenAt(t time.Time, closed func(y int, m time.Month, d int) bool) bool {
	y, mo, d := t.Date()
	if closed != nil && closed(y, mo, d) {
		return false
	}
	min := t.Hour()*60 + t.Minute()
	day := dayIndex(t.Weekday())
	for _, sp := range h[day] {
		if sp.Start <= min && min < sp.End {
			return true
		}
	}
	prev := (day + 6) % 7
	py, pm, pd := t.AddDate(0, 0, -1).Date()
	if closed != nil && closed(py, pm, pd) {
		return false
	}
	for _, sp := range h[prev] {
		if sp.End > 24*60 && min < sp.End-24*60 {
			return true
		}
	}
	return false
}

// Always reports whether the hours are 24 h on every day.
func (h WeekHours) Always() bool {
	for _, d := range h {
		if len(d) != 1 || d[0].Start != 0 || d[0].End < 24*60 {
			return false
		}
	}
	return true
}

// FormatDay writes one day's spans in the form ParseDay reads: "24h",
// "08:00-12:00, 13:30-20:00" or "20:00-02:00+1"; empty for closed.
func FormatDay(spans []Span) string {
	if len(spans) == 1 && spans[0].Start == 0 && spans[0].End == 24*60 {
		return "24h"
	}
	parts := make([]string, len(spans))
	for i, sp := range spans {
		end := hhmm(sp.End)
		if sp.End > 24*60 {
			end = hhmm(sp.End-24*60) + "+1"
		}
		parts[i] = hhmm(sp.Start) + "-" + end
	}
	return strings.Join(parts, ", ")
}

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseDay reads one weekday's hours. Empty, "休息" or "closed" mean closed;
// "24h" / "24小时" / "全天" mean all day; otherwise spans "HH:MM-HH:MM"
// separated by commas, a break being the gap between two spans. An end that
// passes midnight is written with "+1" or "次日" ("20:00-02:00+1",
// "20:00-次日02:00"). The error key names the problem: format, an end before
// its start, or overlapping spans.
func ParseDay(s string) ([]Span, string) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "休息", "closed", "-":
		return nil, ""
	case "24h", "24小时", "全天", "24 h", "00:00-24:00":
		return []Span{{0, 24 * 60}}, ""
	}
	s = hoursPunct.Replace(s)
	var out []Span
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return nil, "station.hours_format"
		}
		start, ok1 := parseClock(strings.TrimSpace(a), false)
		b = strings.TrimSpace(b)
		next := false
		if rest, cut := strings.CutSuffix(b, "+1"); cut {
			b, next = strings.TrimSpace(rest), true
		} else if rest, cut := strings.CutPrefix(b, "次日"); cut {
			b, next = strings.TrimSpace(rest), true
		}
		end, ok2 := parseClock(b, true)
		if !ok1 || !ok2 || start >= 24*60 {
			return nil, "station.hours_format"
		}
		if next {
			if end >= start || end > 24*60 {
				return nil, "station.hours_format"
			}
			end += 24 * 60
		} else if end <= start {
			return nil, "station.hours_order"
		}
		out = append(out, Span{start, end})
	}
	slices.SortFunc(out, func(x, y Span) int { return x.Start - y.Start })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			return nil, "station.hours_overlap"
		}
	}
	return out, ""
}

// hoursPunct normalizes the punctuation people type in opening hours.
var hoursPunct = strings.NewReplacer("，", ",", "、", ",", ";", ",", "；", ",", "–", "-", "—", "-", "～", "-", "~", "-", "：", ":")

func parseClock(s string, allow24 bool) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !allow24)) {
		return 0, false
	}
	return hh*60 + mm, true
}

// ParseWeek reads seven days' hours and checks that a span running past
// midnight does not overlap the next day's first span. Errors are keyed by
// field "hours_mon" … "hours_sun".
func ParseWeek(days [7]string, v *Validation) WeekHours {
	var h WeekHours
	for i, d := range days {
		spans, key := ParseDay(d)
		if key != "" {
			v.Add("hours_"+Weekdays[i], key)
			continue
		}
		h[i] = spans
	}
	for i := range h {
		next := h[(i+1)%7]
		for _, sp := range h[i] {
			if sp.End > 24*60 && len(next) > 0 && next[0].Start < sp.End-24*60 {
				v.Add("hours_"+Weekdays[(i+1)%7], "station.hours_overlap")
			}
		}
	}
	return h
}

// EncodeHours stores the week as seven "|"-separated days.
func EncodeHours(h WeekHours) string {
	parts := make([]string, 7)
	for i, d := range h {
		parts[i] = FormatDay(d)
	}
	return strings.Join(parts, "|")
}

// DecodeHours reads what EncodeHours wrote.
func DecodeHours(s string) WeekHours {
	var h WeekHours
	for i, d := range strings.SplitN(s, "|", 7) {
		if i < 7 {
			h[i], _ = ParseDay(d)
		}
	}
	return h
}

// Amenity is an entry of the amenity dictionary (手机充电, 医药箱 …).
type Amenity struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
}

// Visitor kinds counted at a station.
var VisitorKinds = []string{"courier", "rider", "sanitation", "villager", "other"}

// Service log kinds.
var ServiceKinds = []string{"first_aid", "repair", "event", "other"}

// Feedback statuses.
const (
	FeedbackPending  = "pending"
	FeedbackApproved = "approved"
	FeedbackHidden   = "hidden"
)

// Feedback is a public rating with an optional comment.
type Feedback struct {
	ID          int64     `json:"id"`
	StationID   int64     `json:"station_id"`
	StationName string    `json:"station_name,omitempty"`
	Rating      int       `json:"rating"`
	Comment     string    `json:"comment"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
}

// Loan is an item lent at a station (umbrella, charger, tool).
type Loan struct {
	ID          int64      `json:"id"`
	StationID   int64      `json:"station_id"`
	Item        string     `json:"item"`
	Borrower    string     `json:"borrower"`
	PhoneMasked string     `json:"phone_masked"`
	LentOn      time.Time  `json:"lent_on"`
	DueOn       time.Time  `json:"due_on"`
	ReturnedOn  *time.Time `json:"returned_on,omitempty"`
	Overdue     bool       `json:"overdue"`
	CreatedAt   time.Time  `json:"created_at"`
}

// ServiceEntry is one line of a station's service log.
type ServiceEntry struct {
	ID        int64     `json:"id"`
	StationID int64     `json:"station_id"`
	Kind      string    `json:"kind"`
	Day       time.Time `json:"day"`
	Summary   string    `json:"summary"`
	By        string    `json:"by"`
	CreatedAt time.Time `json:"created_at"`
}

// StationMonth is one month's statistics of a station or of the zone.
type StationMonth struct {
	Month      string         `json:"month"` // 2026-11
	Visits     map[string]int `json:"visits"`
	VisitTotal int            `json:"visit_total"`
	Loans      int            `json:"loans"`
	Returned   int            `json:"returned"`
	Services   int            `json:"services"`
	Ratings    int            `json:"ratings"`
	RatingAvg  float64        `json:"rating_avg"`
}

// Village is a village or street with stations, and their centre.
type Village struct {
	Name     string  `json:"name"`
	Lat      float64 `json:"lat"`
	Lng      float64 `json:"lng"`
	Stations int     `json:"stations"`
}
