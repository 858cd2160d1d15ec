package web

// transferRoutes registers the transfer and survey pages and API, and the
// 可建支部 lists.
func (s *Server) transferRoutes() {}
