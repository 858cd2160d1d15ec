package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/i18n"
	"redgrid/internal/model"
	"redgrid/internal/rules"
)

const (
	sessionCookie = "rg_session"
	localeCookie  = "rg_lang"
	flashCookie   = "rg_flash"
	loginCSRF     = "rg_login_csrf"
)

// sessionInfo is the signed-in account of a request.
type sessionInfo struct {
	sess      model.Session
	user      model.User
	actor     *model.Actor
	token     string
	viaCookie bool
}

// withSession resolves the bearer token or the session cookie into an actor
// with its data scope, checks the CSRF token of cookie-authenticated writes,
// and picks the request's locale.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r)
		var tok, kind string
		if isBearer(r) {
			tok, kind = strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")), "api"
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			tok, kind = c.Value, "web"
		}
		if tok != "" && !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/healthz" {
			sess, user, err := s.store.SessionByToken(r.Context(), tok, kind, s.cfg.SessionIdle)
			switch {
			case err == nil:
				scope, err := s.store.ResolveScope(r.Context(), user)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				ri.sess = &sessionInfo{sess: sess, user: user, token: tok, viaCookie: kind == "web",
					actor: &model.Actor{UserID: user.ID, Username: user.Username, Name: user.DisplayName,
						Role: user.Role, Scope: scope, IP: s.clientIP(r)}}
			case model.ErrorCode(err) == model.EUNAUTHORIZED:
				if kind == "web" {
					s.clearCookie(w, sessionCookie)
				} else {
					s.failStatus(w, r, http.StatusUnauthorized, err)
					return
				}
			default:
				s.fail(w, r, err)
				return
			}
		}
		choice := ""
		if ri.sess != nil && ri.sess.user.Locale != "" {
			choice = ri.sess.user.Locale
		} else if c, err := r.Cookie(localeCookie); err == nil {
			choice = c.Value
		}
		if q := r.URL.Query().Get("lang"); q != "" {
			choice = q
		}
		ri.locale = i18n.Negotiate(choice, r.Header.Get("Accept-Language"), s.cfg.DefaultLocale)
		// The login form carries its own double-submit token (a browser may
		// sign in again over a live session, which rotates it).
		if ri.sess != nil && ri.sess.viaCookie && !safeMethod(r.Method) && r.URL.Path != "/login" &&
			!checkCSRFToken(r, ri.sess.sess.CSRF) {
			s.failStatus(w, r, http.StatusForbidden, model.Errorf(model.EFORBIDDEN, "error.csrf"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies(), MaxAge: int(maxAge.Seconds())})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies(), MaxAge: -1})
}

// dummyHash keeps the timing of an unknown username close to a wrong password.
var dummyHash, _ = auth.Hash("redgrid-timing-equalizer", auth.DefaultParams)

// authenticate checks a username and password with throttling per account
// and per address, shared by every process through the database, and
// audits the outcome.
func (s *Server) authenticate(ctx context.Context, username, password, ip string) (model.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if !validText(username) || !validText(password) {
		return model.User{}, model.Errorf(model.EUNAUTHORIZED, "auth.bad_credentials")
	}
	now := s.now()
	since := now.Add(-rules.LoginFailureWindow)
	userKey, ipKey := "u:"+username, "ip:"+ip
	// The attempt is recorded before the (slow) password check and counted
	// with it, so parallel guesses cannot all slip under the limit.
	attemptIDs, err := s.store.RecordLoginAttempt(ctx, rules.LoginFailureWindow, userKey, ipKey)
	if err != nil {
		return model.User{}, err
	}
	nu, err := s.store.LoginFailures(ctx, userKey, since)
	if err != nil {
		return model.User{}, err
	}
	ni, err := s.store.LoginFailures(ctx, ipKey, since)
	if err != nil {
		return model.User{}, err
	}
	attempt := &model.Actor{Username: username, IP: ip}
	if nu > rules.LoginMaxFailuresPerAccount || ni > rules.LoginMaxFailuresPerAddress {
		_ = s.store.AuditLogin(ctx, attempt, "user.login_throttled", "")
		return model.User{}, model.Errorf(model.ETHROTTLED, "auth.throttled", int(rules.LoginLockout.Minutes()))
	}
	u, err := s.store.UserByUsername(ctx, username)
	ok := false
	if err == nil {
		ok, _ = auth.Verify(password, u.PasswordHash)
	} else if model.ErrorCode(err) == model.ENOTFOUND {
		_, _ = auth.Verify(password, dummyHash)
	} else {
		return model.User{}, err
	}
	if !ok {
		attempt.UserID = u.ID
		_ = s.store.AuditLogin(ctx, attempt, "user.login_failed", "")
		return model.User{}, model.Errorf(model.EUNAUTHORIZED, "auth.bad_credentials")
	}
	if u.Disabled {
		return model.User{}, model.Errorf(model.EUNAUTHORIZED, "auth.disabled")
	}
	if err := s.store.ClearLoginFailures(ctx, userKey); err != nil {
		return model.User{}, err
	}
	if err := s.store.ForgetLoginAttempts(ctx, attemptIDs); err != nil {
		return model.User{}, err
	}
	return u, nil
}
