package web

import (
	"net/http"

	"redgrid/internal/store"
)

type homePage struct {
	Overview store.Overview
	Figures  bool // the account's scope covers enterprises
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	sc := ri.sess.actor.Scope
	p := homePage{Figures: sc.All || sc.AllRead || len(sc.GridIDs) > 0}
	if p.Figures {
		o, err := s.store.Overview(r.Context(), ri.sess.actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Overview = o
	}
	v := s.view(r, "home")
	v.Title = v.T("menu.home")
	s.render(w, r, "home", v, p)
}
