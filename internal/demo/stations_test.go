package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"redgrid/internal/demo"
	"redgrid/internal/geo"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// checkStations checks the demo's fourth part: 韵达's three stations, the
// first at 大塘王村 opened in August 2021 with a few 万元 and the article's
// amenities; other stations in the zone; a year of counters, loans,
// services and feedback; and the keeper login scoped to its station.
func checkStations(t *testing.T, s *store.Store, r demo.Result) {
	t.Helper()
	ctx := context.Background()
	items, _, _, err := s.ListStations(ctx, model.System, store.StationFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stations != len(items) || len(items) < 8 {
		t.Fatalf("%d stations, result says %d", len(items), r.Stations)
	}
	yunda := 0
	var dtw model.Station
	for _, st := range items {
		if st.EnterpriseName == "永康市韵达快递有限公司" {
			yunda++
			if strings.Contains(st.Name, "大塘王村") {
				dtw = st
			}
		}
	}
	if yunda != 3 || dtw.ID == 0 {
		t.Fatalf("韵达 runs %d stations, 大塘王村 %q", yunda, dtw.Name)
	}
	if dtw.OpenedOn == nil || dtw.OpenedOn.Format("2006-01") != "2021-08" || dtw.InvestmentWan < 1 || dtw.InvestmentWan >= 10 ||
		dtw.Village != "东城街道大塘王村" || dtw.OrgName != "永康市韵达快递有限公司党支部" {
		t.Errorf("大塘王村 station: %+v", dtw)
	}
	for _, a := range []string{"rest_room", "reading", "wash_basin", "tea", "charging", "umbrella", "first_aid", "toolbox"} {
		if !strings.Contains(","+strings.Join(dtw.Amenities, ",")+",", ","+a+",") {
			t.Errorf("大塘王村 lacks %s", a)
		}
	}
	months, err := s.StationStats(ctx, model.System, dtw.ID, demo.StationHistoryFrom, demo.StationHistoryFrom.AddDate(0, 11, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range months {
		if m.VisitTotal == 0 || m.Visits["courier"] == 0 {
			t.Errorf("month %s without visitors at 大塘王村", m.Month)
		}
	}
	if r.StationVisits < 50000 {
		t.Errorf("%d visits in the demo year", r.StationVisits)
	}
	pending, _ := s.FeedbackList(ctx, model.FeedbackPending, 0, 500)
	approved, _ := s.FeedbackList(ctx, model.FeedbackApproved, 0, 500)
	if len(pending) == 0 || len(approved) < 100 {
		t.Errorf("feedback: %d pending, %d approved", len(pending), len(approved))
	}
	// The keeper login runs 大塘王村 only.
	u, err := s.UserByUsername(ctx, "zhanzhang")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.ResolveScope(ctx, u)
	if err != nil || len(sc.StationIDs) != 1 || sc.StationIDs[0] != dtw.ID {
		t.Errorf("keeper scope %v %v", sc.StationIDs, err)
	}
	loans, err := s.Loans(ctx, &model.Actor{Role: model.RoleStationKeeper, Scope: sc}, dtw.ID, 500)
	if err != nil || len(loans) < 20 {
		t.Errorf("loans at 大塘王村: %d %v", len(loans), err)
	}
	// From the village centre, the nearest open station with charging at
	// noon on a weekday exists and is in the zone.
	hits, err := s.NearestStations(ctx, store.NearQuery{Point: geo.Point{Lat: dtw.Lat, Lng: dtw.Lng}, Amenities: []string{"charging"},
		OpenNow: true, At: time.Date(2022, 3, 2, 4, 0, 0, 0, time.UTC)})
	if err != nil || len(hits) == 0 || hits[0].Station.ID != dtw.ID {
		t.Errorf("nearest open with charging from 大塘王村: %v %v", hits, err)
	}
}
