package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"redgrid/internal/auth"
	"redgrid/internal/model"
)

// route is one registered endpoint; the list feeds the OpenAPI check.
type route struct {
	Method, Pattern string
	Perm            auth.Perm
}

const public auth.Perm = ""

// handle registers a route: it records the pattern for logs and metrics,
// requires a session and the permission unless public, and sends accounts
// that must change their password to do so first.
func (s *Server) handle(method, pattern string, perm auth.Perm, h http.HandlerFunc) {
	full := method + " " + pattern
	s.routes = append(s.routes, route{Method: method, Pattern: pattern, Perm: perm})
	s.mux.HandleFunc(full, func(w http.ResponseWriter, r *http.Request) {
		ri := info(r)
		ri.pattern = full
		// Parse forms here, once, for every handler; and refuse text that no
		// database column may hold (NUL, invalid UTF-8) before it reaches one.
		if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodDelete {
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, formError(err))
				return
			}
		}
		for _, vals := range r.Form {
			for _, v := range vals {
				if !validText(v) {
					s.fail(w, r, model.Errorf(model.EMALFORMED, "error.bad_text"))
					return
				}
			}
		}
		if !validText(r.URL.RawQuery) || !validQuery(r) {
			s.fail(w, r, model.Errorf(model.EMALFORMED, "error.bad_text"))
			return
		}
		if perm != public {
			if ri.sess == nil {
				s.failStatus(w, r, http.StatusUnauthorized, model.Errorf(model.EUNAUTHORIZED, "auth.required"))
				return
			}
			if !auth.Can(ri.sess.user.Role, perm) {
				s.failStatus(w, r, http.StatusForbidden, model.Errorf(model.EFORBIDDEN, "error.forbidden"))
				return
			}
			if ri.sess.user.MustChangePassword && pattern != "/account" && pattern != "/account/password" &&
				pattern != "/logout" && pattern != "/api/v1/me" && pattern != "/api/v1/session" {
				if isAPI(r) {
					s.fail(w, r, model.Errorf(model.EFORBIDDEN, "auth.must_change"))
				} else {
					http.Redirect(w, r, "/account?must=1", http.StatusSeeOther)
				}
				return
			}
		}
		h(w, r)
	})
}

func (s *Server) registerRoutes() {
	// Operations and assets.
	s.handle("GET", "/healthz", public, s.healthz)
	s.handle("GET", "/metrics", public, s.serveMetrics)
	s.handle("GET", "/static/{hash}/{name...}", public, s.serveStatic)
	s.handle("GET", "/favicon.ico", public, s.favicon)

	// Sign-in and the account.
	s.handle("GET", "/login", public, s.loginPage)
	s.handle("POST", "/login", public, s.loginSubmit)
	s.handle("POST", "/logout", auth.PermSelf, s.logout)
	s.handle("GET", "/account", auth.PermSelf, s.accountPage)
	s.handle("POST", "/account/password", auth.PermSelf, s.accountPassword)
	s.handle("POST", "/account/locale", auth.PermSelf, s.accountLocale)
	s.handle("GET", "/lang/{locale}", public, s.switchLocale)

	s.handle("GET", "/{$}", auth.PermSelf, s.home)

	// Enterprise register.
	s.handle("GET", "/enterprises", auth.PermEnterpriseRead, s.enterpriseList)
	s.handle("GET", "/enterprises/new", auth.PermEnterpriseWrite, s.enterpriseNew)
	s.handle("POST", "/enterprises", auth.PermEnterpriseWrite, s.enterpriseCreate)
	s.handle("GET", "/enterprises/batch-delete", auth.PermEnterpriseWrite, s.enterpriseBatchConfirm)
	s.handle("POST", "/enterprises/batch-delete", auth.PermEnterpriseWrite, s.enterpriseBatchDelete)
	s.handle("GET", "/enterprises/{id}", auth.PermEnterpriseRead, s.enterpriseShow)
	s.handle("GET", "/enterprises/{id}/edit", auth.PermEnterpriseWrite, s.enterpriseEdit)
	s.handle("POST", "/enterprises/{id}", auth.PermEnterpriseWrite, s.enterpriseUpdate)
	s.handle("GET", "/enterprises/{id}/delete", auth.PermEnterpriseWrite, s.enterpriseDeleteConfirm)
	s.handle("POST", "/enterprises/{id}/delete", auth.PermEnterpriseWrite, s.enterpriseDelete)
	s.handle("POST", "/enterprises/{id}/restore", auth.PermEnterpriseAdmin, s.enterpriseRestore)

	// Grids.
	s.handle("GET", "/grids", auth.PermGridRead, s.gridList)
	s.handle("GET", "/grids/new", auth.PermGridWrite, s.gridNew)
	s.handle("POST", "/grids", auth.PermGridWrite, s.gridCreate)
	s.handle("GET", "/grids/{id}/edit", auth.PermGridWrite, s.gridEdit)
	s.handle("POST", "/grids/{id}", auth.PermGridWrite, s.gridUpdate)

	// Administration.
	s.handle("GET", "/admin/users", auth.PermUserAdmin, s.userList)
	s.handle("GET", "/admin/users/new", auth.PermUserAdmin, s.userNew)
	s.handle("POST", "/admin/users", auth.PermUserAdmin, s.userCreate)
	s.handle("GET", "/admin/users/{id}/edit", auth.PermUserAdmin, s.userEdit)
	s.handle("POST", "/admin/users/{id}", auth.PermUserAdmin, s.userUpdate)
	s.handle("POST", "/admin/users/{id}/password", auth.PermUserAdmin, s.userResetPassword)
	s.handle("GET", "/admin/industries", auth.PermDictWrite, s.industryList)
	s.handle("POST", "/admin/industries", auth.PermDictWrite, s.industrySave)
	s.handle("GET", "/admin/audit", auth.PermAuditRead, s.auditList)

	// JSON API.
	s.handle("GET", "/api/v1/openapi.json", public, s.openAPI)
	s.handle("POST", "/api/v1/session", public, s.apiLogin)
	s.handle("DELETE", "/api/v1/session", auth.PermSelf, s.apiLogout)
	s.handle("GET", "/api/v1/me", auth.PermSelf, s.apiMe)
	s.handle("GET", "/api/v1/industries", auth.PermEnterpriseRead, s.apiIndustries)
	s.handle("GET", "/api/v1/grids", auth.PermGridRead, s.apiGridList)
	s.handle("POST", "/api/v1/grids", auth.PermGridWrite, s.apiGridCreate)
	s.handle("GET", "/api/v1/grids/{id}", auth.PermGridRead, s.apiGridGet)
	s.handle("PATCH", "/api/v1/grids/{id}", auth.PermGridWrite, s.apiGridUpdate)
	s.handle("GET", "/api/v1/enterprises", auth.PermEnterpriseRead, s.apiEnterpriseList)
	s.handle("POST", "/api/v1/enterprises", auth.PermEnterpriseWrite, s.apiEnterpriseCreate)
	s.handle("GET", "/api/v1/enterprises/{id}", auth.PermEnterpriseRead, s.apiEnterpriseGet)
	s.handle("PATCH", "/api/v1/enterprises/{id}", auth.PermEnterpriseWrite, s.apiEnterpriseUpdate)
	s.handle("DELETE", "/api/v1/enterprises/{id}", auth.PermEnterpriseWrite, s.apiEnterpriseDelete)

	// Party building: organizations, members, transfers and surveys. Each
	// module registers its own pages and API in its file.
	s.orgRoutes()
	s.memberRoutes()
	s.transferRoutes()
	s.exportRoutes()
	s.importRoutes()

	// 红色驿站: the public finder and API, and the desk.
	s.stationPublicRoutes()
	s.stationRoutes()

	s.fieldRoutes()
	s.supportRoutes()
	s.safetyRoutes()
	s.reminderRoutes()
	s.dashboardRoutes()
	s.briefingRoutes()

	// Anything else is a friendly 404 (JSON under /api/).
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		info(r).pattern = "notfound"
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.apiError(w, r, http.StatusNotFound, model.Errorf(model.ENOTFOUND, "error.no_route"))
			return
		}
		s.failStatus(w, r, http.StatusNotFound, model.Errorf(model.ENOTFOUND, "error.no_route"))
	})
}

// validText reports whether s may be stored: valid UTF-8 without NUL.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// validQuery checks the decoded query values as well as the raw string.
func validQuery(r *http.Request) bool {
	for _, vals := range r.URL.Query() {
		for _, v := range vals {
			if !validText(v) {
				return false
			}
		}
	}
	return true
}
