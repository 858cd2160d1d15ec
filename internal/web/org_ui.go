package web

// orgRoutes registers the organization pages and API (party organizations,
// coverage, posts, alliances, composition checks).
func (s *Server) orgRoutes() {}
