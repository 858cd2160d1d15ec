package web

import (
	"net/http"

	"redgrid/internal/store"
)

type homePage struct {
	Overview store.Overview
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	o, err := s.store.Overview(r.Context(), ri.sess.actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "home")
	v.Title = v.T("menu.home")
	s.render(w, r, "home", v, homePage{Overview: o})
}
