package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/i18n"
	"redgrid/internal/model"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticFiles serves embedded assets under content-hashed URLs with a long
// cache lifetime.
type staticFiles struct {
	hash map[string]string // name → short hash
	gz   map[string][]byte // gzip of the text assets, for clients that accept it
}

func loadStatic() *staticFiles {
	sf := &staticFiles{hash: map[string]string{}, gz: map[string][]byte{}}
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := staticFS.ReadFile(p)
		h := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		sf.hash[name] = hex.EncodeToString(h[:5])
		switch path.Ext(name) {
		case ".js", ".css", ".svg", ".json":
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(b)
			_ = zw.Close()
			if buf.Len() < len(b) {
				sf.gz[name] = buf.Bytes()
			}
		}
		return nil
	})
	return sf
}

// URL returns the cache-busting URL of an asset.
func (sf *staticFiles) URL(name string) string {
	h, ok := sf.hash[name]
	if !ok {
		panic("web: unknown static file " + name)
	}
	return "/static/" + h + "/" + name
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	h, ok := s.static.hash[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.PathValue("hash") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if gz, ok := s.static.gz[name]; ok && acceptsGzip(r) {
		// Assets are compressed once at start-up: the finder's page budget
		// (≤ 100 KB before map tiles) counts bytes on the wire.
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(gz)
		}
		return
	}
	http.ServeFileFS(w, r, staticFS, path.Join("static", name))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// templates holds one parsed set per page: the layout plus the page.
type templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"addf": func(a, b float64) float64 { return a + b },
	"dist": func(m int) string { // metres, for the station finder
		if m < 1000 {
			return fmt.Sprintf("%d m", m)
		}
		return fmt.Sprintf("%.1f km", float64(m)/1000)
	},
	"seqSizes": func() []int { return []int{20, 50, 100} },
	"monthNum": func(m string) int { // "2021-08" → 8
		if len(m) != 7 {
			return 0
		}
		n, _ := strconv.Atoi(m[5:])
		return n
	},
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"deref": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"contains": func(list []int64, v int64) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
}

func loadTemplates(st *staticFiles) *templates {
	t := &templates{pages: map[string]*template.Template{}}
	f := template.FuncMap{"asset": st.URL}
	for k, v := range funcs {
		f[k] = v
	}
	base := template.Must(template.New("layout").Funcs(f).ParseFS(templateFS, "templates/layout/*.html"))
	pages, _ := fs.Glob(templateFS, "templates/pages/*.html")
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		t.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, p))
	}
	return t
}

// View is what every page template receives; page-specific data is in Data.
type View struct {
	s        *Server
	r        *http.Request
	Locale   string
	Title    string
	Section  string // menu item to highlight
	Crumbs   []Crumb
	User     *model.User
	Actor    *model.Actor
	CSRF     string
	Flash    string
	FlashErr bool
	Path     string
	Query    url.Values
	Data     any
	Form     *Form
}

// Crumb is one breadcrumb.
type Crumb struct{ Label, Href string }

// T translates a key in the request's locale.
func (v *View) T(key string, args ...any) string { return v.s.cat.T(v.Locale, key, args...) }

// Date formats a date for the reader (2026年11月25日).
func (v *View) Date(t any) string {
	switch x := t.(type) {
	case time.Time:
		return i18n.Date(v.Locale, x.In(v.s.cfg.Location))
	case *time.Time:
		if x == nil {
			return ""
		}
		return i18n.Date(v.Locale, x.UTC())
	}
	return ""
}

// DateTime formats a moment in the zone's time zone.
func (v *View) DateTime(t time.Time) string { return i18n.DateTime(v.Locale, t.In(v.s.cfg.Location)) }

// Num groups digits.
func (v *View) Num(n any) string {
	switch x := n.(type) {
	case int:
		return i18n.Number(int64(x))
	case int64:
		return i18n.Number(x)
	}
	return fmt.Sprint(n)
}

// Money shows an amount in yuan in 亿元 or 万元 (English: CNY).
func (v *View) Money(yuan int64) string { return moneyText(v.Locale, yuan) }

// Pct shows a percent with one decimal, or "—" when not computable.
func (v *View) Pct(p *float64) string { return pctText(p) }

// Can reports whether the signed-in user holds a permission.
func (v *View) Can(perm string) bool {
	return v.User != nil && auth.Can(v.User.Role, auth.Perm(perm))
}

// Menu is the left menu (and the phone tab bar) for the signed-in user:
// only the modules that exist, only those the role may open.
func (v *View) Menu() []MenuGroup {
	if v.User == nil {
		return nil
	}
	var out []MenuGroup
	add := func(group string, items ...MenuItem) {
		var ok []MenuItem
		for _, it := range items {
			if v.Can(it.Perm) {
				ok = append(ok, it)
			}
		}
		if len(ok) > 0 {
			out = append(out, MenuGroup{Label: group, Items: ok})
		}
	}
	add("menu.overview", MenuItem{"home", "menu.home", "/", string(auth.PermSelf)},
		MenuItem{"dashboard", "menu.dashboard", "/dashboard", string(auth.PermStatsRead)},
		MenuItem{"output", "menu.output", "/output", string(auth.PermStatsRead)},
		MenuItem{"briefing", "menu.briefing", "/briefings", string(auth.PermStatsRead)},
		MenuItem{"inbox", "menu.inbox", "/inbox", string(auth.PermSelf)})
	add("menu.registers",
		MenuItem{"enterprises", "menu.enterprises", "/enterprises", string(auth.PermEnterpriseRead)},
		MenuItem{"grids", "menu.grids", "/grids", string(auth.PermGridRead)},
		MenuItem{"imports", "menu.imports", "/imports", string(auth.PermImport)})
	add("menu.party",
		MenuItem{"organizations", "menu.organizations", "/organizations", string(auth.PermOrgRead)},
		MenuItem{"members", "menu.members", "/members", string(auth.PermMemberRead)},
		MenuItem{"transfers", "menu.transfers", "/transfers", string(auth.PermTransferWrite)},
		MenuItem{"surveys", "menu.surveys", "/surveys", string(auth.PermSurveyRead)},
		MenuItem{"candidates", "menu.candidates", "/party/candidates", string(auth.PermOrgRead)})
	add("menu.stations",
		MenuItem{"stations_desk", "menu.station_list", "/manage/stations", string(auth.PermStationRead)},
		MenuItem{"stations_stats", "menu.station_stats", "/manage/stations/stats", string(auth.PermStationRead)},
		MenuItem{"feedback", "menu.feedback", "/manage/feedback", string(auth.PermStationModerate)})
	add("menu.field",
		MenuItem{"visits", "menu.visits", "/visits", string(auth.PermVisitRead)},
		MenuItem{"problems", "menu.problems", "/problems", string(auth.PermProblemRead)},
		MenuItem{"coverage", "menu.coverage", "/coverage", string(auth.PermVisitRead)},
		MenuItem{"problem_stats", "menu.problem_stats", "/problems/stats", string(auth.PermProblemRead)},
		MenuItem{"safety", "menu.safety", "/safety", string(auth.PermSafetyRead)})
	add("menu.support",
		MenuItem{"policies", "menu.policies", "/policies", string(auth.PermSupportRead)},
		MenuItem{"experts", "menu.experts", "/experts", string(auth.PermSupportRead)})
	add("menu.system",
		MenuItem{"users", "menu.users", "/admin/users", string(auth.PermUserAdmin)},
		MenuItem{"industries", "menu.industries", "/admin/industries", string(auth.PermDictWrite)},
		MenuItem{"amenities", "menu.amenities", "/manage/amenities", string(auth.PermDictWrite)},
		MenuItem{"calendar", "menu.calendar", "/admin/calendar", string(auth.PermDictWrite)},
		MenuItem{"field_admin", "menu.field_admin", "/admin/field", string(auth.PermDictWrite)},
		MenuItem{"audit", "menu.audit", "/admin/audit", string(auth.PermAuditRead)},
		MenuItem{"webhooks", "menu.webhooks", "/admin/webhooks", string(auth.PermAuditRead)})
	return out
}

// MenuGroup is a labelled group of the left menu.
type MenuGroup struct {
	Label string
	Items []MenuItem
}

// MenuItem is one menu link.
type MenuItem struct{ Key, Label, Href, Perm string }

// QueryWith returns the current query with key set to value (for pager and
// sort links), dropping the cursor unless key is the cursor.
// ExportURL is the export of the current list: its filters (not its page)
// with a format.
func (v *View) ExportURL(path, format string) string {
	q := url.Values{}
	for k, vals := range v.Query {
		q[k] = append([]string(nil), vals...)
	}
	q.Del("cursor")
	q.Del("limit")
	q.Del("before") // the audit log's keyset
	q.Set("format", format)
	return path + "?" + q.Encode()
}

func (v *View) QueryWith(kv ...string) string {
	q := url.Values{}
	for k, vals := range v.Query {
		q[k] = append([]string(nil), vals...)
	}
	q.Del("cursor")
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return v.Path
	}
	return v.Path + "?" + q.Encode()
}

// Q returns a query parameter of the current request.
func (v *View) Q(key string) string { return v.Query.Get(key) }

// Form carries submitted values and per-field errors back to a form.
type Form struct {
	Values url.Values
	Errors map[string]string
	Error  string // form-level message (e.g. a stale version)
}

// Val returns a submitted value.
func (f *Form) Val(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err returns a field's message.
func (f *Form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// view builds the common view for a request.
func (s *Server) view(r *http.Request, section string) *View {
	ri := info(r)
	v := &View{s: s, r: r, Locale: ri.locale, Section: section, Path: r.URL.Path, Query: r.URL.Query()}
	if ri.sess != nil {
		v.User, v.Actor, v.CSRF = &ri.sess.user, ri.sess.actor, ri.sess.sess.CSRF
	}
	return v
}

// formFromError fills field messages from a validation or conflict error.
func (s *Server) formFromError(r *http.Request, err error) (*Form, bool) {
	e, ok := model.AsError(err)
	if !ok || (e.Code != model.EINVALID && e.Code != model.ECONFLICT) {
		return nil, false
	}
	loc := info(r).locale
	f := &Form{Values: r.PostForm, Errors: map[string]string{}}
	for k, fe := range e.Fields {
		f.Errors[k] = s.cat.T(loc, fe.Key, fe.Args...)
	}
	if len(e.Fields) == 0 || e.Code == model.ECONFLICT && e.Key == "error.stale" {
		f.Error = s.cat.T(loc, e.Key, e.Args...)
	}
	return f, true
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, v *View, data any) {
	s.renderStatus(w, r, http.StatusOK, page, v, data)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, page string, v *View, data any) {
	t, ok := s.tmpl.pages[page]
	if !ok {
		panic("web: no template " + page)
	}
	v.Data = data
	if c, err := r.Cookie(flashCookie); err == nil && v.Flash == "" {
		key, bad := strings.CutPrefix(c.Value, "!")
		if s.cat.Has(key) {
			v.Flash, v.FlashErr = s.cat.T(v.Locale, key), bad
		}
		s.clearCookie(w, flashCookie)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "page", page, "err", err, "request_id", info(r).id)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// flash sets a one-time message (an i18n key) shown on the next page.
func (s *Server) flash(w http.ResponseWriter, key string) {
	s.setCookie(w, flashCookie, key, time.Minute)
}

// redirect after a successful POST.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		s.flash(w, flashKey)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
