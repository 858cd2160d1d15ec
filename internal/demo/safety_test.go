package demo_test

import (
	"context"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// A year of safety records: a few hundred inspections, violations mostly
// rectified with about a dozen open, a handful of 一般 incidents and no
// major accident — "未发生重大安全生产事故".
func TestSafetyRegister(t *testing.T) {
	t.Parallel()
	s, r := load(t)
	if r.SafetyInspections < 200 || r.SafetyViolations < 30 || r.SafetyIncidents < 3 || r.SafetyIncidents > 10 {
		t.Errorf("safety records: %d inspections, %d violations, %d incidents", r.SafetyInspections, r.SafetyViolations, r.SafetyIncidents)
	}
	if r.OpenHazards < 8 || r.OpenHazards > 16 {
		t.Errorf("open hazards %d, want about a dozen", r.OpenHazards)
	}
	if r.MajorAccidents != 0 {
		t.Errorf("major accidents %d", r.MajorAccidents)
	}
	sum, err := s.SafetySummary(context.Background(), model.System, store.SafetyFilter{
		From: time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Inspections != r.SafetyInspections || sum.LastMajorOn != nil || sum.DaysSinceMajor != nil || sum.RecordsSince == nil ||
		sum.RecordsSince.Before(time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("summary of the demo year: %+v", sum)
	}
	if n := sum.IncidentsBySeverity["general"]; n != r.SafetyIncidents {
		t.Errorf("一般 incidents %d of %d", n, r.SafetyIncidents)
	}
}
