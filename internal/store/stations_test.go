package store_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func fp(f float64) *float64 { return &f }

func allDay(h string) [7]string { return [7]string{h, h, h, h, h, h, h} }

func stationIn(code string, lat, lng float64, amenities ...string) store.StationInput {
	return store.StationInput{Code: code, Name: "驿站" + code, Operator: "韵达", Village: "大塘王村", Address: "东城街道大塘王村",
		Lat: fp(lat), Lng: fp(lng), Hours: allDay("08:00-20:00"), Amenities: amenities, Status: model.StationOpen}
}

func mustStation(t *testing.T, s *store.Store, in store.StationInput) model.Station {
	t.Helper()
	st, err := s.CreateStation(bg, model.System, in)
	if err != nil {
		t.Fatalf("create station %s: %v", in.Code, err)
	}
	return st
}

func fieldKey(err error, field string) string {
	if e, ok := model.AsError(err); ok {
		return e.Fields[field].Key
	}
	return ""
}

func TestStationRegister(t *testing.T) {
	s, _ := storetest.Open(t)
	in := stationIn("YD-1", 28.91, 119.99, "charging", "tea", "umbrella")
	in.Hours = [7]string{"24h", "08:00-12:00，13:30-20:00", "", "20:00-02:00+1", "08:00-20:00", "08:00-20:00", "08:00-20:00"}
	in.Closures = "2021-10-01 国庆\n2021-10-02"
	in.InvestmentWan = 3.5
	in.OpenedOn = "2021-08-01"
	st := mustStation(t, s, in)
	if st.HoursText[1] != "08:00-12:00, 13:30-20:00" || st.HoursText[3] != "20:00-02:00+1" || st.HoursText[0] != "24h" || st.HoursText[2] != "" {
		t.Errorf("hours: %q", st.HoursText)
	}
	if strings.Join(st.Amenities, ",") != "tea,charging,umbrella" {
		t.Errorf("amenities in dictionary order: %v", st.Amenities)
	}
	if len(st.Closures) != 2 || st.Closures[0].Reason != "国庆" || st.InvestmentWan != 3.5 || st.OpenedOn == nil {
		t.Errorf("closures/investment/opened: %+v %v %v", st.Closures, st.InvestmentWan, st.OpenedOn)
	}
	// Bad hours are field errors on their day.
	bad := stationIn("YD-2", 28.9, 119.9)
	bad.Hours[0] = "18:00-08:00"
	bad.Hours[2] = "08:00-12:00,11:00-14:00"
	bad.Amenities = []string{"jacuzzi"}
	bad.Status = model.StationClosed
	_, err := s.CreateStation(bg, model.System, bad)
	if model.ErrorCode(err) != model.EINVALID || fieldKey(err, "hours_mon") != "station.hours_order" ||
		fieldKey(err, "hours_wed") != "station.hours_overlap" || fieldKey(err, "amenities") != "station.amenity_unknown" ||
		fieldKey(err, "closed_reason") != "station.reason_required" {
		t.Errorf("want field errors, got %v", err)
	}
	bad = stationIn("YD-3", 91, 200)
	if _, err := s.CreateStation(bg, model.System, bad); fieldKey(err, "lat") == "" || fieldKey(err, "lng") == "" {
		t.Errorf("coordinates out of range: %v", err)
	}
	// Duplicate code, stale version.
	if _, err := s.CreateStation(bg, model.System, stationIn("YD-1", 28.9, 119.9)); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("duplicate code: %v", err)
	}
	in.Name = "韵达红色驿站（大塘王村）"
	if _, err := s.UpdateStation(bg, model.System, st.ID, in, st.Version+1); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("stale update: %v", err)
	}
	up, err := s.UpdateStation(bg, model.System, st.ID, in, st.Version)
	if err != nil || up.Name != in.Name || up.Version != st.Version+1 {
		t.Fatalf("update: %v %+v", err, up)
	}
}

// The nearest stations agree with a brute-force ranking, with and without
// filters, at random points.
func TestNearestStationsMatchBruteForce(t *testing.T) {
	s, clock := storetest.Open(t)
	r := rand.New(rand.NewPCG(7, 7))
	amen := []string{"charging", "tea", "umbrella", "first_aid", "toilet"}
	var all []model.Station
	for i := range 150 {
		var a []string
		for _, c := range amen {
			if r.IntN(2) == 0 {
				a = append(a, c)
			}
		}
		in := stationIn(fmt.Sprintf("S%03d", i), 28.8+r.Float64()*0.3, 119.85+r.Float64()*0.3, a...)
		if i%5 == 0 {
			in.Hours = allDay("") // never open
		}
		all = append(all, mustStation(t, s, in))
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := clock.Now()
	for trial := range 25 {
		p := geo.Point{Lat: 28.75 + r.Float64()*0.4, Lng: 119.8 + r.Float64()*0.4}
		want := []string{}
		if trial%2 == 0 {
			want = []string{"charging"}
		}
		openOnly := trial%3 == 0
		got, err := s.NearestStations(bg, store.NearQuery{Point: p, Amenities: want, OpenNow: openOnly, Limit: 7, At: at, Loc: loc})
		if err != nil {
			t.Fatal(err)
		}
		type cand struct {
			id int64
			d  float64
		}
		var brute []cand
		for _, st := range all {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(","+strings.Join(st.Amenities, ",")+",", ","+w+",")
			}
			if openOnly && !st.OpenAt(at, loc) {
				ok = false
			}
			if d := geo.Distance(p, geo.Point{Lat: st.Lat, Lng: st.Lng}); ok && d <= 50000 {
				brute = append(brute, cand{st.ID, d})
			}
		}
		sort.Slice(brute, func(i, j int) bool { return brute[i].d < brute[j].d })
		if len(brute) > 7 {
			brute = brute[:7]
		}
		if len(got) != len(brute) {
			t.Fatalf("trial %d: %d hits, want %d", trial, len(got), len(brute))
		}
		for i := range got {
			if got[i].Station.ID != brute[i].id {
				t.Fatalf("trial %d rank %d: station %d at %.1f m, want %d at %.1f m", trial, i, got[i].Station.ID, got[i].Distance, brute[i].id, brute[i].d)
			}
		}
	}
	if _, err := s.NearestStations(bg, store.NearQuery{Point: geo.Point{Lat: 28.9, Lng: 119.9}, Amenities: []string{"sauna"}}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown amenity: %v", err)
	}
}

// Open-now in the finder follows the clock in Asia/Shanghai: across
// midnight, on a closure date, and for a 24-hour station.
func TestNearestOpenNow(t *testing.T) {
	s, clock := storetest.Open(t)
	night := stationIn("NIGHT", 28.900, 119.990, "charging")
	night.Hours = [7]string{"", "", "", "", "", "20:00-02:00+1", ""} // Saturday night
	allday := stationIn("ALLDAY", 28.910, 119.990, "charging")
	allday.Hours = allDay("24h")
	allday.Closures = "2021-08-30 检修"
	mustStation(t, s, night)
	mustStation(t, s, allday)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	openAt := func(local string) []string {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", local, loc)
		clock.Set(tm.UTC())
		hits, err := s.NearestStations(bg, store.NearQuery{Point: geo.Point{Lat: 28.9, Lng: 119.99}, OpenNow: true, At: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.Station.Code)
		}
		return out
	}
	cases := map[string]string{
		"2021-08-28 21:00": "NIGHT,ALLDAY", // Saturday evening
		"2021-08-29 01:30": "NIGHT,ALLDAY", // Sunday 01:30, Saturday's span
		"2021-08-29 02:30": "ALLDAY",
		"2021-08-30 12:00": "", // the 24-hour station's closure date
		"2021-08-31 00:00": "ALLDAY",
	}
	for when, want := range cases {
		if got := strings.Join(openAt(when), ","); got != want {
			t.Errorf("%s: open %q, want %q", when, got, want)
		}
	}
}

func TestStationKeeperScopeAndOperations(t *testing.T) {
	s, clock := storetest.Open(t)
	a := mustStation(t, s, stationIn("A", 28.9, 119.99))
	b := mustStation(t, s, stationIn("B", 28.95, 119.99))
	keeper := storetest.MustUser(t, s, "zhanzhang", model.RoleStationKeeper)
	in := store.StationInputOf(a, nil)
	in.KeeperIDs = []int64{keeper.ID}
	if _, err := s.UpdateStation(bg, model.System, a.ID, in, a.Version); err != nil {
		t.Fatal(err)
	}
	actor := storetest.Actor(t, s, keeper)
	if fmt.Sprint(actor.Scope.StationIDs) != fmt.Sprint([]int64{a.ID}) {
		t.Fatalf("keeper scope %v", actor.Scope.StationIDs)
	}
	if _, err := s.Station(bg, actor, b.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("other station visible to keeper: %v", err)
	}
	if _, err := s.RecordVisit(bg, actor, b.ID, "courier"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("counting at another station: %v", err)
	}
	items, _, _, err := s.ListStations(bg, actor, store.StationFilter{})
	if err != nil || len(items) != 1 || items[0].ID != a.ID {
		t.Errorf("keeper list: %v %v", items, err)
	}
	for _, k := range []string{"courier", "courier", "rider", "sanitation"} {
		if _, err := s.RecordVisit(bg, actor, a.ID, k); err != nil {
			t.Fatal(err)
		}
	}
	kind, counts, err := s.UndoVisit(bg, actor, a.ID)
	if err != nil || kind != "sanitation" || counts["courier"] != 2 || counts["sanitation"] != 0 {
		t.Errorf("undo: %q %v %v", kind, counts, err)
	}
	clock.Add(11 * time.Minute)
	if _, _, err := s.UndoVisit(bg, actor, a.ID); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("undo after the window: %v", err)
	}
	if _, err := s.RecordVisit(bg, actor, a.ID, "tourist"); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	// Loans: masked phone, overdue after the due date, returned.
	id, err := s.CreateLoan(bg, actor, a.ID, store.LoanInput{Item: "雨伞", Borrower: "王师傅", Phone: "13812345678", DueOn: "2021-08-26"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLoan(bg, actor, a.ID, store.LoanInput{Item: "雨伞", DueOn: "2021-08-01"}); fieldKey(err, "due_on") != "station.due_past" {
		t.Errorf("due in the past: %v", err)
	}
	clock.Add(72 * time.Hour)
	loans, err := s.Loans(bg, actor, a.ID, 10)
	if err != nil || len(loans) != 1 || !loans[0].Overdue || loans[0].PhoneMasked != "138****5678" {
		t.Fatalf("loans: %+v %v", loans, err)
	}
	if err := s.ReturnLoan(bg, actor, a.ID, id); err != nil {
		t.Fatal(err)
	}
	if err := s.ReturnLoan(bg, actor, a.ID, id); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("second return: %v", err)
	}
	if _, err := s.AddService(bg, actor, a.ID, store.ServiceInput{Kind: "first_aid", Summary: "为快递员处理擦伤"}); err != nil {
		t.Fatal(err)
	}
	// Statistics: the month of August 2021 for the station and the zone.
	from := time.Date(2021, 8, 1, 0, 0, 0, 0, time.UTC)
	months, err := s.StationStats(bg, actor, a.ID, from, from)
	if err != nil || len(months) != 1 {
		t.Fatalf("stats: %v %v", months, err)
	}
	m := months[0]
	if m.Visits["courier"] != 2 || m.Visits["rider"] != 1 || m.VisitTotal != 3 || m.Loans != 1 || m.Returned != 1 || m.Services != 1 {
		t.Errorf("station month: %+v", m)
	}
	zone, err := s.StationStats(bg, model.System, 0, from, from.AddDate(0, 1, 0))
	if err != nil || len(zone) != 2 || zone[0].VisitTotal != 3 {
		t.Errorf("zone stats: %+v %v", zone, err)
	}
}

func TestFeedbackRateLimitAndModeration(t *testing.T) {
	s, clock := storetest.Open(t)
	st := mustStation(t, s, stationIn("F", 28.9, 119.99))
	fb, err := s.SubmitFeedback(bg, st.ID, store.FeedbackInput{Rating: 4,
		Comment: "很好<script>alert(1)</script> 见 https://spam.example/x www.bad.cn 加我\x07微信"}, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if fb.Comment != "很好<script>alert(1)</script> 见 加我微信" || fb.Status != model.FeedbackPending {
		t.Errorf("cleaned comment %q, status %s", fb.Comment, fb.Status)
	}
	if _, err := s.SubmitFeedback(bg, st.ID, store.FeedbackInput{Rating: 5}, "10.0.0.1"); model.ErrorCode(err) != model.ETHROTTLED {
		t.Errorf("second rating from one address: %v", err)
	}
	if _, err := s.SubmitFeedback(bg, st.ID, store.FeedbackInput{Rating: 6}, "10.0.0.2"); fieldKey(err, "rating") == "" {
		t.Errorf("rating 6: %v", err)
	}
	if _, err := s.SubmitFeedback(bg, st.ID, store.FeedbackInput{Rating: 3, Comment: strings.Repeat("好", 201)}, "10.0.0.2"); fieldKey(err, "comment") != "field.too_long" {
		t.Errorf("long comment: %v", err)
	}
	// A flood from one address over many stations stops at the hourly cap.
	var last error
	for i := range 12 {
		o := mustStation(t, s, stationIn(fmt.Sprintf("G%d", i), 28.9, 119.99))
		_, last = s.SubmitFeedback(bg, o.ID, store.FeedbackInput{Rating: 5}, "10.0.0.9")
	}
	if model.ErrorCode(last) != model.ETHROTTLED {
		t.Errorf("flood: %v", last)
	}
	clock.Add(25 * time.Hour)
	if _, err := s.SubmitFeedback(bg, st.ID, store.FeedbackInput{Rating: 2}, "10.0.0.1"); err != nil {
		t.Errorf("a day later: %v", err)
	}
	if c, _ := s.PublicComments(bg, st.ID, 10); len(c) != 0 {
		t.Errorf("pending comment public: %v", c)
	}
	got, _ := s.PublicStation(bg, st.ID)
	if got.RatingCount != 2 || got.Rating() != 3 {
		t.Errorf("rating %v over %d", got.Rating(), got.RatingCount)
	}
	if err := s.ModerateFeedback(bg, model.System, fb.ID, model.FeedbackApproved); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.PublicComments(bg, st.ID, 10); len(c) != 1 || c[0].ID != fb.ID {
		t.Errorf("approved comment not public: %v", c)
	}
	if err := s.ModerateFeedback(bg, model.System, fb.ID, model.FeedbackHidden); err != nil {
		t.Fatal(err)
	}
	got, _ = s.PublicStation(bg, st.ID)
	if c, _ := s.PublicComments(bg, st.ID, 10); len(c) != 0 || got.RatingCount != 1 || got.Rating() != 2 {
		t.Errorf("hidden: comments %v, rating %v/%d", c, got.Rating(), got.RatingCount)
	}
}

// Far north and far south, where degrees of longitude narrow fast, the
// finder still ranks like the great-circle distance.
func TestNearestStationsHighLatitudes(t *testing.T) {
	s, clock := storetest.Open(t)
	r := rand.New(rand.NewPCG(9, 9))
	var all []model.Station
	for i := range 60 {
		lat := 69.5 + r.Float64()*0.6
		if i%2 == 1 {
			lat = -lat
		}
		all = append(all, mustStation(t, s, stationIn(fmt.Sprintf("H%02d", i), lat, 20+r.Float64()*1.5)))
	}
	for trial := range 20 {
		p := geo.Point{Lat: 69.6 + r.Float64()*0.4, Lng: 20.2 + r.Float64()}
		if trial%2 == 1 {
			p.Lat = -p.Lat
		}
		got, err := s.NearestStations(bg, store.NearQuery{Point: p, Limit: 5, At: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		var ds []float64
		for _, st := range all {
			if d := geo.Distance(p, geo.Point{Lat: st.Lat, Lng: st.Lng}); d <= 50000 {
				ds = append(ds, d)
			}
		}
		sort.Float64s(ds)
		if len(ds) > 5 {
			ds = ds[:5]
		}
		if len(got) != len(ds) {
			t.Fatalf("trial %d: %d hits, want %d", trial, len(got), len(ds))
		}
		for i := range got {
			if got[i].Distance != ds[i] {
				t.Fatalf("trial %d rank %d: %.2f m, want %.2f m", trial, i, got[i].Distance, ds[i])
			}
		}
	}
}
