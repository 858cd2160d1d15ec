package stats

import (
	"context"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// safety fills the safety figures of the year to date (open hazards as of
// the month's end) from the safety register, within the same grids.
func safety(ctx context.Context, st Source, actor *model.Actor, gridID int64, fig *Figures) error {
	f := store.SafetyFilter{From: fig.From, To: fig.To}
	if gridID != 0 {
		f.GridIDs = []int64{gridID}
	}
	sum, err := st.SafetySummary(ctx, actor, f)
	if err != nil {
		return err
	}
	fig.Safety = &SafetyFig{Inspections: sum.Inspections, Violations: sum.Violations, Incidents: sum.Incidents,
		BySeverity: sum.IncidentsBySeverity, MajorAccidents: sum.MajorAccidents, Deaths: sum.Deaths, OpenHazards: sum.OpenHazards,
		DaysSinceMajor: sum.DaysSinceMajor, RecordsSince: sum.RecordsSince}
	return nil
}
