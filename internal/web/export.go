package web

import (
	"fmt"
	"net/http"
	"net/url"
	"redgrid/internal/export"
	"strings"

	"redgrid/internal/auth"
	"redgrid/internal/model"
	"redgrid/internal/tabular"
)

// Exports of the registers' lists: the list's own filter and the user's
// scope, streamed page by page (keyset) into xlsx or CSV through
// internal/tabular, personal data masked, and audited with the row count.

func (s *Server) exportRoutes() {
	s.handle("GET", "/enterprises/export", auth.PermEnterpriseRead, s.enterpriseExport)
	s.handle("GET", "/members/export", auth.PermMemberRead, s.memberExport)
	s.handle("GET", "/templates/{file}", auth.PermSelf, s.importTemplate)
}

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

// contentDisposition names a download for every browser (RFC 6266): an
// ASCII fallback and the UTF-8 name.
func contentDisposition(asciiName, name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiName, url.PathEscape(name))
}

// sendExport streams rows as a download and audits the export.
func (s *Server) sendExport(w http.ResponseWriter, r *http.Request, spec *tabular.Spec, filter any, rows tabular.Rows) {
	ri := info(r)
	format, enc, ext, err := exportFormat(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := "zh-CN"
	if ri.locale == "en" {
		lang = "en"
	}
	day := s.store.Now().In(s.cfg.Location).Format("20060102")
	title := spec.Title.In(lang)
	w.Header().Set("Content-Disposition", contentDisposition(spec.Name+"-"+day+"."+ext, title+"-"+day+"."+ext))
	if format == tabular.FormatCSV {
		w.Header().Set("Content-Type", "text/csv; charset="+strings.TrimSuffix(strings.ToLower(enc), "-bom"))
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	n, err := tabular.Write(w, format, spec, rows, tabular.WriteOptions{Lang: lang, Encoding: enc})
	if err != nil {
		// Headers are gone; the log has it and the download is cut short.
		s.log.Error("export", "register", spec.Name, "err", err, "rows", n)
		return
	}
	if err := s.store.AuditExport(r.Context(), ri.sess.actor, spec.Name, format.String(), n, filter); err != nil {
		s.log.Error("export audit", "register", spec.Name, "err", err)
	}
}

func (s *Server) enterpriseExport(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	f, err := enterpriseFilterFrom(r.URL.Query())
	if err == nil && f.Deleted && !auth.Can(ri.sess.user.Role, auth.PermEnterpriseAdmin) {
		err = model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := export.Enterprises(r.Context(), s.store, ri.sess.actor, f)
	s.sendExport(w, r, tabular.Enterprises, f, rows)
}

func (s *Server) memberExport(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	f, err := memberFilterFrom(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := export.Members(r.Context(), s.store, ri.sess.actor, f)
	s.sendExport(w, r, tabular.Members, f, rows)
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
