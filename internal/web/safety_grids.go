package web

import (
	"net/http"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/stats"
	"redgrid/internal/store"
)

// Safety by grid: each grid's incidents and open hazards of the year to
// date and the days since its last major accident, beside the zone's.
func (s *Server) safetyGridRoutes() {
	s.handle("GET", "/safety/grids", auth.PermSafetyRead, s.safetyGrids)
	s.handle("GET", "/api/v1/safety/grids", auth.PermSafetyRead, s.apiSafetyGrids)
}

func init() {
	apiDocs["GET /api/v1/safety/grids"] = apiOp{Summary: "Per grid in the caller's scope: incidents, major accidents and open hazards of the year to date (month: YYYY-MM, default the latest month with data) and the days since the last major accident (null when there was none)",
		Tag: "safety", Query: []string{"month"}, Response: "SafetyGrids", Status: "200"}
	moreSchemas["SafetyGrids"] = obj(map[string]any{"month": tStr, "items": map[string]any{"type": "array", "items": obj(map[string]any{
		"grid_id": tInt, "grid_name": tStr, "incidents": tInt, "major": tInt, "open_hazards": tInt,
		"days_since_major": map[string]any{"type": []string{"integer", "null"}}})}}, "month", "items")
}

type safetyGridsPage struct {
	Month   string
	Grids   []store.GridSafety
	Summary store.SafetySummary
	Err     string
}

// safetyGridFigures resolves the month like the dashboard and reads the
// zone summary and the per-grid rows for January to its end.
func (s *Server) safetyGridFigures(r *http.Request) (safetyGridsPage, error) {
	m, _, _, err := stats.ResolveMonth(r.Context(), s.store, r.URL.Query().Get("month"))
	if err != nil {
		return safetyGridsPage{}, err
	}
	f := store.SafetyFilter{From: time.Date(m.Year(), 1, 1, 0, 0, 0, 0, time.UTC), To: m.AddDate(0, 1, -1)}
	actor := info(r).sess.actor
	p := safetyGridsPage{Month: m.Format("2006-01")}
	if p.Summary, err = s.store.SafetySummary(r.Context(), actor, f); err != nil {
		return p, err
	}
	p.Grids, err = s.store.SafetyByGrid(r.Context(), actor, f)
	return p, err
}

func (s *Server) safetyGrids(w http.ResponseWriter, r *http.Request) {
	p, err := s.safetyGridFigures(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "safety")
	v.Title = v.T("safety.by_grid")
	s.render(w, r, "safety_grids", v, p)
}

func (s *Server) apiSafetyGrids(w http.ResponseWriter, r *http.Request) {
	p, err := s.safetyGridFigures(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Grids == nil {
		p.Grids = []store.GridSafety{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"month": p.Month, "items": p.Grids})
}
