package web

import (
	"net/http"

	"redgrid/internal/model"
)

// The path's {id} resolved to a record inside the actor's scope: a bad id
// and an out-of-scope record are both ENOTFOUND.

func (s *Server) pathEnterprise(r *http.Request) (model.Enterprise, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Enterprise{}, err
	}
	return s.store.Enterprise(r.Context(), info(r).sess.actor, id)
}

func (s *Server) pathGrid(r *http.Request) (model.Grid, error) {
	id, err := pathID(r)
	if err != nil {
		return model.Grid{}, err
	}
	return s.store.Grid(r.Context(), info(r).sess.actor, id)
}

func (s *Server) pathUser(r *http.Request) (model.User, error) {
	id, err := pathID(r)
	if err != nil {
		return model.User{}, err
	}
	return s.store.User(r.Context(), id)
}
