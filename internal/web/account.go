package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"redgrid/internal/i18n"
	"redgrid/internal/model"
)

type loginPage struct {
	Username string
	Next     string
	Error    string
	Token    string
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) >= 0 {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if info(r).sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginPage{Next: r.URL.Query().Get("next")})
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	// Double-submit token for the login form, which has no session yet.
	p.Token = newRequestID() + newRequestID()
	s.setCookie(w, loginCSRF, p.Token, time.Hour)
	v := s.view(r, "login")
	v.Title = v.T("login.title")
	s.renderStatus(w, r, status, "login", v, p)
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	p := loginPage{Username: r.PostFormValue("username"), Next: r.PostFormValue("next")}
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		p.Error = s.cat.T(info(r).locale, "error.csrf")
		s.renderLogin(w, r, http.StatusForbidden, p)
		return
	}
	u, err := s.authenticate(r.Context(), p.Username, r.PostFormValue("password"), s.clientIP(r))
	if err != nil {
		e, ok := model.AsError(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		p.Error = s.cat.T(info(r).locale, e.Key, e.Args...)
		s.renderLogin(w, r, statusOf(err), p)
		return
	}
	// Rotate: whatever session the browser had ends; a new id is issued.
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		_ = s.store.DeleteSession(r.Context(), old.Value)
	}
	tok, _, err := s.store.CreateSession(r.Context(), u.ID, "web", s.clientIP(r), r.UserAgent(), "", s.cfg.SessionMaxAge)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_ = s.store.AuditLogin(r.Context(), &model.Actor{UserID: u.ID, Username: u.Username, IP: s.clientIP(r)}, "user.login", "web")
	s.setCookie(w, sessionCookie, tok, s.cfg.SessionMaxAge)
	s.clearCookie(w, loginCSRF)
	if u.Locale != "" {
		s.setCookie(w, localeCookie, u.Locale, 365*24*time.Hour)
	}
	http.Redirect(w, r, safeNext(p.Next), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	if err := s.store.DeleteSession(r.Context(), ri.sess.token); err != nil {
		s.fail(w, r, err)
		return
	}
	_ = s.store.AuditLogin(r.Context(), ri.sess.actor, "user.logout", "")
	s.clearCookie(w, sessionCookie)
	s.redirect(w, r, "/login", "flash.logged_out")
}

type accountPage struct {
	Must    bool
	Locales []string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, "account")
	v.Title = v.T("account.title")
	v.Crumbs = []Crumb{{Label: v.T("account.title")}}
	s.render(w, r, "account", v, accountPage{Must: info(r).sess.user.MustChangePassword, Locales: i18n.Locales})
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	v := s.view(r, "account")
	v.Title = v.T("account.title")
	form := &Form{Values: r.PostForm, Errors: map[string]string{}}
	cur, nw, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password2")
	u, err := s.store.User(r.Context(), ri.sess.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.authenticate(r.Context(), u.Username, cur, s.clientIP(r)); err != nil {
		if model.ErrorCode(err) == model.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		form.Errors["current"] = v.T("account.current_wrong")
	}
	if nw != again {
		form.Errors["password2"] = v.T("account.mismatch")
	}
	if nw == cur && nw != "" {
		form.Errors["password"] = v.T("account.same_password")
	}
	if len(form.Errors) == 0 {
		err := s.store.SetPassword(r.Context(), ri.sess.actor, u.ID, nw, false, ri.sess.sess.ID)
		if err == nil {
			s.redirect(w, r, "/account", "flash.password_changed")
			return
		}
		f, ok := s.formFromError(r, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		for k, m := range f.Errors {
			form.Errors[k] = m
		}
	}
	v.Form = form
	s.renderStatus(w, r, http.StatusUnprocessableEntity, "account", v, accountPage{Must: u.MustChangePassword, Locales: i18n.Locales})
}

func (s *Server) accountLocale(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	loc := i18n.Negotiate(r.PostFormValue("locale"), "", "")
	if loc == "" {
		s.fail(w, r, model.Errorf(model.EINVALID, "field.choose"))
		return
	}
	if err := s.store.SetUserLocale(r.Context(), ri.sess.actor, ri.sess.user.ID, loc); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setCookie(w, localeCookie, loc, 365*24*time.Hour)
	s.redirect(w, r, "/account", "flash.saved")
}

// switchLocale sets the language cookie for visitors (the login page).
func (s *Server) switchLocale(w http.ResponseWriter, r *http.Request) {
	loc := i18n.Negotiate(r.PathValue("locale"), "", "")
	if loc == "" {
		s.failStatus(w, r, http.StatusNotFound, model.Errorf(model.ENOTFOUND, "error.no_route"))
		return
	}
	s.setCookie(w, localeCookie, loc, 365*24*time.Hour)
	back := safeNext(r.URL.Query().Get("next"))
	if u, err := url.Parse(back); err == nil {
		q := u.Query()
		q.Del("lang")
		u.RawQuery = q.Encode()
		back = u.String()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
