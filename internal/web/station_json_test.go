package web

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"redgrid/internal/geo"
)

// The hand-written body decodes to the same value as encoding/json's.
func TestPublicListJSON(t *testing.T) {
	l := publicStationList{Origin: geo.Point{Lat: 28.9, Lng: 119.99}, AsOf: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
		Items: []publicStation{{ID: 7, Name: "韵达\"红色\"驿站\\<b>&\u2028\x01", Operator: "韵达", Address: "大塘王村", Village: "东城",
			Location: geo.Point{Lat: 28.1234567, Lng: 119.7654321}, GCJ02: geo.Point{Lat: 28.12, Lng: 119.77}, DistanceM: 350,
			WalkMinutes: 7, OpenNow: true, Status: "closed", ClosedReason: "装修", HoursToday: "08:00-20:00", Amenities: []string{"tea", "charging"},
			Rating: 4.5, RatingCount: 12, URL: "/stations/7"}, {ID: 8, Amenities: []string{}, Rating: 0}}}
	want, _ := json.Marshal(l)
	got := appendPublicList(nil, &l)
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("invalid JSON %s: %v", got, err)
	}
	_ = json.Unmarshal(want, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("hand-written\n%s\nencoding/json\n%s", got, want)
	}
}
