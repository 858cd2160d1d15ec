package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

type gridListPage struct {
	Grids []model.Grid
}

func (s *Server) gridList(w http.ResponseWriter, r *http.Request) {
	grids, err := s.store.Grids(r.Context(), info(r).sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "grids")
	v.Title = v.T("grid.list")
	v.Crumbs = []Crumb{{Label: v.T("menu.registers")}, {Label: v.T("grid.list")}}
	s.render(w, r, "grid_list", v, gridListPage{Grids: grids})
}

type gridFormPage struct {
	Grid    *model.Grid
	Parents []model.Grid
	Levels  []string
}

func (s *Server) gridForm(w http.ResponseWriter, r *http.Request, status int, g *model.Grid, form *Form) {
	all, err := s.store.GridOptions(r.Context(), model.System)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var parents []model.Grid
	for _, p := range all {
		if p.Level != model.GridGrid && (g == nil || !strings.HasPrefix(p.Path, g.Path)) {
			parents = append(parents, p)
		}
	}
	v := s.view(r, "grids")
	v.Title = v.T("grid.new")
	if g != nil {
		v.Title = v.T("grid.edit")
	}
	v.Crumbs = []Crumb{{Label: v.T("grid.list"), Href: "/grids"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "grid_form", v, gridFormPage{Grid: g, Parents: parents, Levels: model.GridLevels})
}

func (s *Server) gridNew(w http.ResponseWriter, r *http.Request) {
	s.gridForm(w, r, http.StatusOK, nil, &Form{Values: url.Values{"level": {model.GridGrid}, "parent_id": {r.URL.Query().Get("parent")}}})
}

func gridInputFromForm(r *http.Request) (store.GridInput, error) {
	var v model.Validation
	in := store.GridInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Level: r.PostFormValue("level")}
	if p := r.PostFormValue("parent_id"); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			v.Add("parent_id", "field.number")
		}
		in.ParentID = n
	}
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	return in, v.Err()
}

func (s *Server) gridCreate(w http.ResponseWriter, r *http.Request) {
	in, err := gridInputFromForm(r)
	if err == nil {
		_, err = s.store.CreateGrid(r.Context(), info(r).sess.actor, in)
	}
	if err == nil {
		s.redirect(w, r, "/grids", "flash.created")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.gridForm(w, r, http.StatusUnprocessableEntity, nil, form)
}

func (s *Server) gridEdit(w http.ResponseWriter, r *http.Request) {
	g, err := s.pathGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := url.Values{"code": {g.Code}, "name": {g.Name}, "level": {g.Level}, "version": {strconv.Itoa(g.Version)}}
	if g.ParentID != 0 {
		vals.Set("parent_id", strconv.FormatInt(g.ParentID, 10))
	}
	s.gridForm(w, r, http.StatusOK, &g, &Form{Values: vals})
}

func (s *Server) gridUpdate(w http.ResponseWriter, r *http.Request) {
	g, err := s.pathGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := gridInputFromForm(r)
	if err == nil {
		_, err = s.store.UpdateGrid(r.Context(), info(r).sess.actor, g.ID, in)
	}
	if err == nil {
		s.redirect(w, r, "/grids", "flash.saved")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if model.ErrorCode(err) == model.ECONFLICT && len(form.Errors) == 0 {
		status = http.StatusConflict
	}
	s.gridForm(w, r, status, &g, form)
}
