package web

// memberRoutes registers the member pages and API.
func (s *Server) memberRoutes() {}
