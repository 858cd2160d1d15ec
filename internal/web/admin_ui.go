package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

type userListPage struct {
	Users []model.User
	Roles []model.Role
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	role := model.Role(q.Get("role"))
	if role != "" && !role.Valid() {
		role = ""
	}
	users, err := s.store.Users(r.Context(), role, q.Get("q"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "users")
	v.Title = v.T("menu.users")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.T("menu.users")}}
	s.render(w, r, "user_list", v, userListPage{Users: users, Roles: model.Roles})
}

type userFormPage struct {
	User        *model.User
	Roles       []model.Role
	Departments []model.Department
	Grids       []model.Grid
	Orgs        []store.OrgOption
	GridIDs     []int64
	OrgIDs      []int64
}

func (s *Server) userForm(w http.ResponseWriter, r *http.Request, status int, u *model.User, form *Form) {
	p := userFormPage{User: u, Roles: model.Roles}
	var err error
	if p.Departments, err = s.store.Departments(r.Context()); err == nil {
		if p.Grids, err = s.store.GridOptions(r.Context(), model.System); err == nil {
			p.Orgs, err = s.store.OrgOptions(r.Context())
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.GridIDs = ids(form.Values["grid_ids"])
	p.OrgIDs = ids(form.Values["org_ids"])
	v := s.view(r, "users")
	v.Title = v.T("user.new")
	if u != nil {
		v.Title = v.T("user.edit")
	}
	v.Crumbs = []Crumb{{Label: v.T("menu.users"), Href: "/admin/users"}, {Label: v.Title}}
	v.Form = form
	s.renderStatus(w, r, status, "user_form", v, p)
}

func ids(vals []string) []int64 {
	var out []int64
	for _, s := range vals {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	s.userForm(w, r, http.StatusOK, nil, &Form{Values: url.Values{"role": {string(model.RoleGridWorker)}}})
}

func userInputFromForm(r *http.Request) store.UserInput {
	f := r.PostForm
	dep, _ := strconv.ParseInt(f.Get("department_id"), 10, 64)
	ver, _ := strconv.Atoi(f.Get("version"))
	return store.UserInput{Username: f.Get("username"), DisplayName: f.Get("display_name"), Role: model.Role(f.Get("role")),
		DepartmentID: dep, Leader: f.Get("leader") == "1", Disabled: f.Get("disabled") == "1",
		GridIDs: ids(f["grid_ids"]), OrgIDs: ids(f["org_ids"]), Password: f.Get("password"),
		MustChange: f.Get("must_change") == "1", Version: ver}
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	in := userInputFromForm(r)
	in.MustChange = true // an administrator-set password is temporary
	u, err := s.store.CreateUser(r.Context(), info(r).sess.actor, in)
	if err == nil {
		s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/edit", "flash.created")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	form.Values.Del("password")
	s.userForm(w, r, http.StatusUnprocessableEntity, nil, form)
}

func userFormValues(u model.User) url.Values {
	vals := url.Values{"display_name": {u.DisplayName}, "role": {string(u.Role)}, "version": {strconv.Itoa(u.Version)}}
	if u.DepartmentID != 0 {
		vals.Set("department_id", strconv.FormatInt(u.DepartmentID, 10))
	}
	if u.Leader {
		vals.Set("leader", "1")
	}
	if u.Disabled {
		vals.Set("disabled", "1")
	}
	for _, g := range u.GridIDs {
		vals.Add("grid_ids", strconv.FormatInt(g, 10))
	}
	for _, o := range u.OrgIDs {
		vals.Add("org_ids", strconv.FormatInt(o, 10))
	}
	return vals
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) {
	u, err := s.pathUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.userForm(w, r, http.StatusOK, &u, &Form{Values: userFormValues(u)})
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	u, err := s.pathUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.store.UpdateUser(r.Context(), info(r).sess.actor, u.ID, userInputFromForm(r))
	if err == nil {
		s.redirect(w, r, "/admin/users", "flash.saved")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		if e, isDomain := model.AsError(err); isDomain && e.Code == model.ECONFLICT {
			form = &Form{Values: r.PostForm, Error: s.cat.T(info(r).locale, e.Key, e.Args...)}
		} else {
			s.fail(w, r, err)
			return
		}
	}
	s.userForm(w, r, statusOf(err), &u, form)
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	u, err := s.pathUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.store.SetPassword(r.Context(), info(r).sess.actor, u.ID, r.PostFormValue("password"), true, "")
	if err == nil {
		s.redirect(w, r, "/admin/users/"+r.PathValue("id")+"/edit", "flash.password_reset")
		return
	}
	form, ok := s.formFromError(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	vals := userFormValues(u)
	form.Values = vals
	form.Errors["reset_password"] = form.Errors["password"]
	delete(form.Errors, "password")
	s.userForm(w, r, http.StatusUnprocessableEntity, &u, form)
}

type industryPage struct {
	Industries []model.Industry
}

func (s *Server) industryList(w http.ResponseWriter, r *http.Request) {
	s.industryPage(w, r, http.StatusOK, nil)
}

func (s *Server) industryPage(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	ins, err := s.store.Industries(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "industries")
	v.Title = v.T("menu.industries")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.T("menu.industries")}}
	v.Form = form
	s.renderStatus(w, r, status, "industries", v, industryPage{Industries: ins})
}

func (s *Server) industrySave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	pos, _ := strconv.Atoi(f.Get("position"))
	in := model.Industry{ID: id, Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), Position: pos, Active: f.Get("active") == "1"}
	if _, err := s.store.SaveIndustry(r.Context(), info(r).sess.actor, in); err != nil {
		form, ok := s.formFromError(r, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.industryPage(w, r, statusOf(err), form)
		return
	}
	s.redirect(w, r, "/admin/industries", "flash.saved")
}

type auditPage struct {
	Entries []model.AuditEntry
	Next    int64
}

// auditFilterFrom reads the audit browser's filter (shared with its export).
func (s *Server) auditFilterFrom(r *http.Request) model.AuditFilter {
	q := r.URL.Query()
	loc := s.cfg.Location
	f := model.AuditFilter{Action: strings.TrimSpace(q.Get("action")), Entity: q.Get("entity"), Limit: 50}
	f.EntityID, _ = strconv.ParseInt(q.Get("entity_id"), 10, 64)
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if a := strings.TrimSpace(q.Get("actor")); a != "" {
		if u, err := s.store.UserByUsername(r.Context(), a); err == nil {
			f.ActorID = u.ID
		} else {
			f.ActorID = -1 // an unknown actor matches nothing
		}
	}
	if d, err := time.ParseInLocation("2006-01-02", q.Get("from"), loc); err == nil {
		f.From = d
	}
	if d, err := time.ParseInLocation("2006-01-02", q.Get("to"), loc); err == nil {
		f.To = d.AddDate(0, 0, 1)
	}
	return f
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	f := s.auditFilterFrom(r)
	entries, err := s.store.ListAudit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := auditPage{Entries: entries}
	if len(entries) == f.Limit {
		p.Next = entries[len(entries)-1].Seq
	}
	v := s.view(r, "audit")
	v.Title = v.T("menu.audit")
	v.Crumbs = []Crumb{{Label: v.T("menu.system")}, {Label: v.T("menu.audit")}}
	s.render(w, r, "audit", v, p)
}
