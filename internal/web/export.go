package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/export"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// Exports of the registers' lists: the list's own filter and the user's
// scope, streamed into xlsx or CSV through internal/tabular, personal data
// masked as in the lists, and audited with the row count and the filter.
// Every list page links to /{list}/export with its query string, and every
// API list answers ?format=xlsx|csv|csv-gb18030 with the file instead of
// JSON.

func (s *Server) exportRoutes() {
	s.handle("GET", "/grids/export", auth.PermGridRead, s.exportHandler("grids"))
	s.handle("GET", "/enterprises/export", auth.PermEnterpriseRead, s.exportHandler("enterprises"))
	s.handle("GET", "/organizations/export", auth.PermOrgRead, s.exportHandler("organizations"))
	s.handle("GET", "/members/export", auth.PermMemberRead, s.exportHandler("members"))
	s.handle("GET", "/surveys/export", auth.PermSurveyRead, s.exportHandler("surveys"))
	s.handle("GET", "/transfers/export", auth.PermTransferWrite, s.exportHandler("transfers"))
	s.handle("GET", "/admin/audit/export", auth.PermAuditRead, s.exportHandler("audit"))
	s.handle("GET", "/templates/{file}", auth.PermSelf, s.importTemplate)
}

// exportLists are the API lists that answer ?format= with a file, by
// their apiDocs key, with the register they export.
var exportLists = map[string]string{
	"GET /api/v1/grids":         "grids",
	"GET /api/v1/enterprises":   "enterprises",
	"GET /api/v1/organizations": "organizations",
	"GET /api/v1/members":       "members",
	"GET /api/v1/surveys":       "surveys",
	"GET /api/v1/transfers":     "transfers",
}

// exportHandler serves a register's export.
func (s *Server) exportHandler(register string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.exportList(w, r, register) }
}

// wantsFile reports whether an API list is asked for a file (?format=).
func wantsFile(r *http.Request) bool { return r.URL.Query().Has("format") }

// exportFormat reads ?format= (xlsx by default, csv, or csv-gb18030).
func exportFormat(q url.Values) (tabular.Format, string, string, error) {
	f, enc, ext, err := export.Format(q.Get("format"))
	if err != nil {
		var v model.Validation
		v.Add("format", "field.choose")
		return 0, "", "", v.Err()
	}
	return f, enc, ext, nil
}

// exportRows reads a register's list filter from the query, exactly as its
// list page and API do, and returns the export's rows and the filter to
// audit (without cursor and page size: an export has every page).
func (s *Server) exportRows(r *http.Request, register string) (tabular.Rows, any, error) {
	ri := info(r)
	ctx, actor, q := r.Context(), ri.sess.actor, r.URL.Query()
	switch register {
	case "grids":
		return export.Grids(ctx, s.store, actor), nil, nil
	case "enterprises":
		f, err := enterpriseFilterFrom(q)
		if err == nil && f.Deleted && !auth.Can(ri.sess.user.Role, auth.PermEnterpriseAdmin) {
			err = model.Errorf(model.EFORBIDDEN, "error.forbidden")
		}
		if err == nil && f.Sort != "" && !contains(store.EnterpriseSortKeys(), f.Sort) {
			var v model.Validation
			v.Add("sort", "field.choose")
			err = v.Err()
		}
		f.Cursor, f.Limit = "", 0
		return export.Enterprises(ctx, s.store, actor, f), f, err
	case "organizations":
		f, err := orgFilterFrom(q)
		f.Cursor, f.Limit = "", 0
		return export.Organizations(ctx, s.store, actor, f), f, err
	case "members":
		f, err := memberFilterFrom(q)
		if err == nil {
			err = s.knownOrg(ctx, f.OrgID)
		}
		f.Cursor, f.Limit = "", 0
		return export.Members(ctx, s.store, actor, f), f, err
	case "surveys":
		f, err := surveyFilterFrom(q)
		f.Cursor, f.Limit = "", 0
		return export.Surveys(ctx, s.store, actor, f), f, err
	case "transfers":
		f, err := transferFilterFrom(q)
		if err == nil {
			err = s.knownOrg(ctx, f.OrgID)
		}
		f.Cursor, f.Limit = "", 0
		return export.Transfers(ctx, s.store, actor, f), f, err
	case "safety":
		f, err := safetyFilterFrom(q)
		f.Cursor, f.Limit = "", 0
		return export.Safety(ctx, s.store, actor, f), f, err
	case "audit":
		f := s.auditFilterFrom(r)
		f.Before, f.Limit = 0, 0
		return export.Audit(ctx, s.store, f, s.cfg.Location), f, nil
	}
	return nil, nil, model.Errorf(model.ENOTFOUND, "error.no_route")
}

// knownOrg answers an organization filter naming no organization as the
// member and transfer lists do: a field error (one outside the scope
// simply matches nothing, as in the lists).
func (s *Server) knownOrg(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	_, err := s.store.Organization(ctx, model.System, id)
	if model.ErrorCode(err) == model.ENOTFOUND {
		var v model.Validation
		v.Add("org", "field.unknown")
		return v.Err()
	}
	return err
}

// contentDisposition names a download for every browser (RFC 6266): an
// ASCII fallback and the UTF-8 name (RFC 5987 encoding).
func contentDisposition(asciiName, name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiFallback(asciiName), rfc5987(name))
}

// asciiFallback keeps printable ASCII other than the quote and backslash.
func asciiFallback(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}

// rfc5987 percent-encodes everything but the attr-chars of RFC 5987.
func rfc5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// holdWriter holds the start of a download back until it is large enough
// to be surely under way: an export that fails on its first page can still
// answer with a proper error instead of a cut file.
//
// Once under way, each write pushes the server's write deadline a minute
// ahead: a large file to a slow client may take longer than the server's
// WriteTimeout as a whole, but never stalls for a minute.
type holdWriter struct {
	w         http.ResponseWriter
	rc        *http.ResponseController
	buf       []byte
	committed bool
	err       error
	extended  time.Time // when the deadline was last pushed
}

// exportStall is how long a download may stall before it is cut.
const exportStall = time.Minute

const holdBytes = 64 << 10

func (h *holdWriter) Write(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	if h.committed {
		h.extend()
		n, err := h.w.Write(p)
		h.err = err
		return n, err
	}
	h.buf = append(h.buf, p...)
	if len(h.buf) >= holdBytes {
		h.commit()
	}
	return len(p), h.err
}

func (h *holdWriter) commit() {
	h.committed = true
	if len(h.buf) > 0 {
		h.extend()
		_, h.err = h.w.Write(h.buf)
	}
	h.buf = nil
}

// extend pushes the write deadline ahead, at most once a second.
func (h *holdWriter) extend() {
	if h.rc == nil {
		return
	}
	if now := time.Now(); now.Sub(h.extended) >= time.Second {
		h.extended = now
		_ = h.rc.SetWriteDeadline(now.Add(exportStall)) // not every writer supports deadlines
	}
}

// exportList streams a register's list as a download and audits it.
func (s *Server) exportList(w http.ResponseWriter, r *http.Request, register string) {
	ri := info(r)
	spec := export.Registers[register]
	format, enc, ext, err := exportFormat(r.URL.Query())
	var rows tabular.Rows
	var filter any
	if err == nil {
		rows, filter, err = s.exportRows(r, register)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := "zh-CN"
	if ri.locale == "en" {
		lang = "en"
	}
	day := s.store.Now().In(s.cfg.Location).Format("20060102")
	h := w.Header()
	h.Set("Content-Disposition", contentDisposition(spec.Name+"-"+day+"."+ext, spec.Title.In(lang)+"-"+day+"."+ext))
	if format == tabular.FormatCSV {
		h.Set("Content-Type", "text/csv; charset="+strings.TrimSuffix(strings.ToLower(enc), "-bom"))
	} else {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	h.Set("Cache-Control", "no-store")
	hw := &holdWriter{w: w, rc: http.NewResponseController(w)}
	n, err := tabular.Write(hw, format, spec, rows, tabular.WriteOptions{Lang: lang, Encoding: enc})
	if err != nil {
		if !hw.committed {
			h.Del("Content-Disposition")
			h.Del("Content-Type")
			h.Del("Cache-Control")
			s.fail(w, r, err)
			return
		}
		// Headers are gone; the log has it and the download is cut short.
		s.log.Error("export", "request_id", ri.id, "register", register, "err", err, "rows", n)
		return
	}
	if hw.commit(); hw.err != nil {
		s.log.Error("export", "request_id", ri.id, "register", register, "err", hw.err, "rows", n)
		return
	}
	name := r.URL.Query().Get("format")
	if name == "" {
		name = "xlsx"
	}
	if err := s.store.AuditExport(r.Context(), ri.sess.actor, register, name, n, filter); err != nil {
		s.log.Error("export audit", "request_id", ri.id, "register", register, "err", err)
	}
}

// templatePerms: who may download a register's import template (those who
// may write the register).
var templatePerms = map[string]auth.Perm{
	"grids": auth.PermGridWrite, "enterprises": auth.PermEnterpriseWrite, "output_values": auth.PermEnterpriseWrite,
	"organizations": auth.PermOrgWrite, "members": auth.PermMemberWrite, "surveys": auth.PermSurveyWrite,
}

// importTemplate serves a register's template: localized headers, one
// example row, a notes sheet and drop-downs (closed lists, the industry
// dictionary and the grids in scope).
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	name := r.PathValue("file")
	register, ext, _ := strings.Cut(name, ".")
	spec, ok := tabular.Specs()[register]
	if !ok || (ext != "xlsx" && ext != "csv") {
		s.failStatus(w, r, http.StatusNotFound, model.Errorf(model.ENOTFOUND, "error.no_route"))
		return
	}
	if !auth.Can(ri.sess.user.Role, templatePerms[register]) {
		s.failStatus(w, r, http.StatusForbidden, model.Errorf(model.EFORBIDDEN, "error.forbidden"))
		return
	}
	lang := "zh-CN"
	if ri.locale == "en" {
		lang = "en"
	}
	opts := tabular.TemplateOptions{Lang: lang, Choices: map[string][]string{}}
	if spec.Column("industry") != nil {
		inds, err := s.store.Industries(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, in := range inds {
			if in.Active {
				opts.Choices["industry"] = append(opts.Choices["industry"], in.Name)
			}
		}
	}
	if register == "enterprises" {
		grids, err := s.store.GridOptions(r.Context(), ri.sess.actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, g := range grids {
			if g.Level == model.GridGrid {
				opts.Choices["grid"] = append(opts.Choices["grid"], g.Code)
			}
		}
	}
	format := tabular.FormatXLSX
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if ext == "csv" {
		format, ctype = tabular.FormatCSV, "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", contentDisposition(register+"-template."+ext, spec.Title.In(lang)+"-"+s.cat.T(ri.locale, "export.template")+"."+ext))
	if err := tabular.WriteTemplate(w, format, spec, opts); err != nil {
		s.log.Error("template", "register", register, "err", err)
	}
}
