package web

import (
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"redgrid/internal/auth"
	"redgrid/internal/i18n"
	"redgrid/internal/model"
	"redgrid/internal/rules"
	"redgrid/internal/stats"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// The zone at a glance: the dashboard, its full-screen 大屏, GET
// /api/v1/stats and the statistics export all show stats.Compute's figures.
func (s *Server) dashboardRoutes() {
	s.handle("GET", "/dashboard", auth.PermStatsRead, s.dashboardPage)
	s.handle("GET", "/dashboard/screen", auth.PermStatsRead, s.dashboardScreen)
	s.handle("GET", "/dashboard/export", auth.PermStatsRead, s.dashboardExport)
	s.handle("GET", "/dashboard/screen.json", auth.PermStatsRead, s.dashboardScreenJSON)
	s.handle("GET", "/api/v1/stats", auth.PermStatsRead, s.apiStats)
	s.handle("GET", "/output", auth.PermStatsRead, s.outputPage)
	s.handle("POST", "/output", auth.PermOutputWrite, s.outputSet)
	s.handle("POST", "/api/v1/output-values", auth.PermOutputWrite, s.apiOutputSet)
	s.handle("GET", "/api/v1/enterprises/{id}/output-values", auth.PermEnterpriseRead, s.apiEnterpriseOutput)
}

func init() {
	apiDocs["GET /api/v1/stats"] = apiOp{Summary: "The zone's figures within the caller's scope (grid: a grid, area or zone id in scope; month: YYYY-MM, default the latest month with data). The same figures as the dashboard, the statistics export and the monthly briefing. Amounts in yuan; a share or growth that cannot be computed has percent null and a reason. A month in the future or before the data → 400 naming month",
		Tag: "stats", Query: []string{"grid", "month"}, Response: "Stats", Status: "200"}
	apiDocs["POST /api/v1/output-values"] = apiOp{Summary: "Set an enterprise's output value for a month (value_yuan, orders_yuan optional; yuan = 万元 × 10,000). updated_at: the stored value's time when correcting one; changed since → 409. Negative, future month → 400 naming the field",
		Tag: "stats", Body: "OutputValueInput", Response: "OutputValueList", Status: "200"}
	apiDocs["GET /api/v1/enterprises/{id}/output-values"] = apiOp{Summary: "An enterprise's monthly output values, newest first", Tag: "stats",
		Response: "OutputValueList", Status: "200"}
	pct := map[string]any{"type": []string{"number", "null"}}
	share := obj(map[string]any{"num": tInt, "den": tInt, "percent": pct, "reason": tStr}, "num", "den", "percent")
	growth := obj(map[string]any{"cur": tInt, "prev": tInt, "percent": pct, "reason": tStr}, "cur", "prev", "percent")
	moreSchemas["Share"] = share
	moreSchemas["Growth"] = growth
	moreSchemas["Stats"] = map[string]any{"type": "object", "required": []string{"month", "enterprises", "above_scale", "visits", "problems", "output"},
		"properties": map[string]any{"month": tStr, "year": tInt, "from": tDate, "to": tDate, "grid_id": tInt, "grid_name": tStr,
			"whole_zone": tBool, "enterprises": tInt, "above_scale": tInt, "industries": tInt, "couriers": tInt,
			"by_industry": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
			"party":       map[string]any{"type": "object"}, "grids": tInt, "grid_workers": tInt, "grid_heads": tInt,
			"visits": map[string]any{"type": "object"}, "problems": map[string]any{"type": "object"},
			"stations": map[string]any{"type": "object"}, "safety": map[string]any{"type": "object"},
			"output": map[string]any{"type": "object", "properties": map[string]any{"ytd_yuan": tInt, "prev_ytd_yuan": tInt,
				"growth": ref("Growth"), "month_yuan": tInt, "orders": ref("Growth")}}}}
	moreSchemas["OutputValueInput"] = obj(map[string]any{"enterprise_id": tInt, "month": tStr, "value_yuan": tInt,
		"orders_yuan": map[string]any{"type": []string{"integer", "null"}}, "updated_at": tTime}, "enterprise_id", "month", "value_yuan")
	moreSchemas["OutputValueList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": obj(map[string]any{
		"enterprise_id": tInt, "uscc": tStr, "enterprise_name": tStr, "month": tStr, "value_yuan": tInt,
		"orders_yuan": map[string]any{"type": []string{"integer", "null"}}, "updated_at": tTime})}}, "items")
}

// statsFilter reads ?grid= and ?month=.
func statsFilter(r *http.Request) (stats.Filter, error) {
	var v model.Validation
	q := r.URL.Query()
	f := stats.Filter{GridID: idParam(&v, "grid", q.Get("grid")), Month: strings.TrimSpace(q.Get("month"))}
	return f, v.Err()
}

// computeStats is the one call every view of the figures makes.
func (s *Server) computeStats(r *http.Request, f stats.Filter) (stats.Figures, error) {
	ri := info(r)
	return stats.Compute(r.Context(), s.store, ri.sess.actor, f, auth.Can(ri.sess.user.Role, auth.PermOrgRead))
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) {
	f, err := statsFilter(r)
	if err == nil {
		var fig stats.Figures
		if fig, err = s.computeStats(r, f); err == nil {
			writeJSON(w, http.StatusOK, fig)
			return
		}
	}
	s.fail(w, r, err)
}

// dashboardPage is the dashboard: cards that link to their lists, and
// charts drawn by ECharts from the figures inlined as JSON.
type dashboardPage struct {
	Fig       stats.Figures
	Grids     []model.Grid
	Filter    stats.Filter
	Err       string
	ChartJSON template.JS
	Q         string // the filter as a query string for links
	Courier   int64  // the courier industry's id, for its link
	OrgKinds  []string
}

func (s *Server) dashboardData(r *http.Request) (dashboardPage, int, error) {
	ri := info(r)
	p := dashboardPage{OrgKinds: model.OrgKinds}
	f, err := statsFilter(r)
	p.Filter = f
	grids, gerr := s.store.GridOptions(r.Context(), ri.sess.actor)
	if gerr == nil {
		p.Grids = grids
	}
	if err == nil {
		p.Fig, err = s.computeStats(r, f)
	}
	status := http.StatusOK
	if err != nil {
		if e, ok := model.AsError(err); ok && (e.Code == model.EINVALID || e.Code == model.ENOTFOUND) {
			status = http.StatusUnprocessableEntity
			if e.Code == model.ENOTFOUND {
				status = http.StatusNotFound
			}
			p.Err = s.errText(ri.locale, e)
		} else {
			return p, http.StatusInternalServerError, err
		}
	}
	q := url.Values{}
	if f.GridID != 0 {
		q.Set("grid", strconv.FormatInt(f.GridID, 10))
	}
	p.Q = q.Encode()
	if p.Err == "" {
		p.ChartJSON = s.chartJSON(ri.locale, p.Fig)
	}
	for _, in := range p.Fig.ByIndustry {
		if in.Code == rules.CourierIndustry {
			p.Courier = in.ID
		}
	}
	return p, status, nil
}

// errText is the message a page shows for a filter error: the field's
// message when it names one, else the error's own.
func (s *Server) errText(locale string, e *model.Error) string {
	for _, fe := range e.Fields {
		return s.cat.T(locale, fe.Key, fe.Args...)
	}
	return s.cat.T(locale, e.Key, e.Args...)
}

// chartJSON is what dashboard.js draws: series with localized labels.
func (s *Server) chartJSON(locale string, f stats.Figures) template.JS {
	T := func(k string, a ...any) string { return s.cat.T(locale, k, a...) }
	type series struct {
		Name string    `json:"name"`
		Data []float64 `json:"data"`
	}
	type chart struct {
		Title  string   `json:"title"`
		Kind   string   `json:"kind"` // bar, line, pie
		Labels []string `json:"labels"`
		Series []series `json:"series"`
		Unit   string   `json:"unit,omitempty"`
	}
	months := make([]string, len(f.Output.ByMonth))
	cur := make([]float64, len(f.Output.ByMonth))
	prev := make([]float64, len(f.Output.ByMonth))
	for i, m := range f.Output.ByMonth {
		months[i] = T("stats.month_n", strings.TrimPrefix(m.Month[5:], "0"))
		cur[i] = math.Round(float64(m.Value)/1e6) / 100 // 亿元, two decimals
		prev[i] = math.Round(float64(m.Prev)/1e6) / 100
	}
	charts := map[string]chart{}
	charts["output"] = chart{Title: T("stats.chart.output"), Kind: "bar", Labels: months, Unit: T("stats.unit.yi"),
		Series: []series{{T("stats.series.this_year", f.Year), cur}, {T("stats.series.last_year", f.Year-1), prev}}}
	var inLabels []string
	var inData []float64
	for _, in := range f.ByIndustry {
		if in.Enterprises > 0 {
			inLabels = append(inLabels, in.Name)
			inData = append(inData, float64(in.Enterprises))
		}
	}
	charts["industries"] = chart{Title: T("stats.chart.industries"), Kind: "pie", Labels: inLabels, Series: []series{{T("stats.enterprises"), inData}}}
	vm := make([]string, len(f.Visits.ByMonth))
	vd := make([]float64, len(f.Visits.ByMonth))
	pr := make([]float64, len(f.Problems.ByMonth))
	pd := make([]float64, len(f.Problems.ByMonth))
	for i, m := range f.Visits.ByMonth {
		vm[i] = T("stats.month_n", strings.TrimPrefix(m.Month[5:], "0"))
		vd[i] = float64(m.N)
	}
	for i, m := range f.Problems.ByMonth {
		pr[i], pd[i] = float64(m.N), float64(m.M)
	}
	charts["field"] = chart{Title: T("stats.chart.field"), Kind: "line", Labels: vm,
		Series: []series{{T("stats.visits"), vd}, {T("stats.problems_raised"), pr}, {T("stats.problems_resolved"), pd}}}
	var gl []string
	var gd []float64
	for i, g := range f.Output.ByGrid {
		if i == 12 {
			break
		}
		gl = append(gl, g.Name)
		gd = append(gd, math.Round(float64(g.YTD)/1e6)/100)
	}
	charts["grids"] = chart{Title: T("stats.chart.grids"), Kind: "hbar", Labels: gl, Unit: T("stats.unit.yi"), Series: []series{{T("stats.output_ytd"), gd}}}
	b, _ := json.Marshal(charts)
	return template.JS(b)
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	p, status, err := s.dashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "dashboard")
	v.Title = v.T("menu.dashboard")
	s.renderStatus(w, r, status, "dashboard", v, p)
}

func (s *Server) dashboardScreen(w http.ResponseWriter, r *http.Request) {
	p, status, err := s.dashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "dashboard")
	v.Title = v.T("stats.screen")
	s.renderStatus(w, r, status, "dashboard_screen", v, p)
}

// dashboardScreenJSON is what the 大屏 fetches every minute: its figures as
// display text and its charts.
func (s *Server) dashboardScreenJSON(w http.ResponseWriter, r *http.Request) {
	f, err := statsFilter(r)
	var fig stats.Figures
	if err == nil {
		fig, err = s.computeStats(r, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := info(r).locale
	num := func(n int) string { return i18n.Number(int64(n)) }
	figs := map[string]string{"enterprises": num(fig.Enterprises), "above": num(fig.AboveScale), "workers": num(fig.GridWorkers),
		"visit_coverage": pctText(fig.Visits.CoverageMonth.Percent), "on_time": pctText(fig.Problems.OnTimeRate.Percent),
		"output": moneyText(loc, fig.Output.YTD), "growth": pctText(fig.Output.Growth.Percent)}
	if fig.Party != nil {
		figs["orgs"], figs["members"] = num(fig.Party.Organizations), num(fig.Party.Members)
	}
	if fig.Safety != nil {
		figs["major"] = num(fig.Safety.MajorAccidents)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`{"figs":`))
	b, _ := json.Marshal(figs)
	_, _ = w.Write(b)
	_, _ = w.Write([]byte(`,"charts":`))
	_, _ = w.Write([]byte(s.chartJSON(loc, fig)))
	_, _ = w.Write([]byte(`}`))
}

// statsSpec is the statistics export's layout.
var statsSpec = &tabular.Spec{Name: "stats", Title: tabular.Label{Zh: "统计指标", En: "Statistics"}, Columns: []tabular.Column{
	{Key: "section", Header: tabular.Label{Zh: "板块", En: "Section"}, Kind: tabular.KindText},
	{Key: "indicator", Header: tabular.Label{Zh: "指标", En: "Indicator"}, Kind: tabular.KindText},
	{Key: "value", Header: tabular.Label{Zh: "数值", En: "Value"}, Kind: tabular.KindText},
	{Key: "unit", Header: tabular.Label{Zh: "单位", En: "Unit"}, Kind: tabular.KindText},
	{Key: "note", Header: tabular.Label{Zh: "说明", En: "Note"}, Kind: tabular.KindText},
}}

func (s *Server) dashboardExport(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	f, err := statsFilter(r)
	var fig stats.Figures
	if err == nil {
		fig, err = s.computeStats(r, f)
	}
	var format tabular.Format
	var enc, ext string
	if err == nil {
		format, enc, ext, err = exportFormat(r.URL.Query())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.cat.T(ri.locale, k) }
	var rows [][]any
	for _, row := range fig.Rows() {
		note := ""
		if row.Reason != "" {
			note = T(row.Reason)
		}
		value := row.Value
		if value == "" {
			value = "—"
		}
		rows = append(rows, []any{T("briefing.section." + row.Section), T(row.Key), value, T(row.Unit), note})
	}
	seq := func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	lang := "zh-CN"
	if ri.locale == "en" {
		lang = "en"
	}
	h := w.Header()
	name := "stats-" + fig.Month
	if fig.GridID != 0 {
		name += "-" + strconv.FormatInt(fig.GridID, 10)
	}
	h.Set("Content-Disposition", contentDisposition(name+"."+ext, statsSpec.Title.In(lang)+"-"+fig.Month+"."+ext))
	if format == tabular.FormatCSV {
		h.Set("Content-Type", "text/csv; charset="+strings.TrimSuffix(strings.ToLower(enc), "-bom"))
	} else {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	h.Set("Cache-Control", "no-store")
	n, err := tabular.Write(w, format, statsSpec, seq, tabular.WriteOptions{Lang: lang, Encoding: enc})
	if err != nil {
		s.log.Error("stats export", "request_id", ri.id, "err", err)
		return
	}
	if err := s.store.AuditExport(r.Context(), ri.sess.actor, "stats", r.URL.Query().Get("format"), n, f); err != nil {
		s.log.Error("export audit", "request_id", ri.id, "err", err)
	}
}

// ---- output values ----

// outputPage is the 经济运行 page: the 规上 output by month, industry and
// grid, from the same figures, and (for those who may) the entry form.
type outputPage struct {
	dashboardPage
	Form *Form
}

func (s *Server) outputPage(w http.ResponseWriter, r *http.Request) {
	s.renderOutput(w, r, http.StatusOK, nil)
}

func (s *Server) renderOutput(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	p, st, err := s.dashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusOK {
		status = st
	}
	v := s.view(r, "output")
	v.Title = v.T("menu.output")
	v.Form = form
	s.renderStatus(w, r, status, "output", v, outputPage{dashboardPage: p, Form: form})
}

// wanToYuan parses an amount in 万元 (up to four decimals) into exact yuan.
func wanToYuan(v *model.Validation, field, s string, required bool) *int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "field.required")
		}
		return nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 4 || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		if strings.HasPrefix(whole, "-") {
			v.Add(field, "field.range", 0, "∞")
		} else {
			v.Add(field, "field.amount_wan")
		}
		return nil
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			v.Add(field, "field.amount_wan")
			return nil
		}
	}
	frac += strings.Repeat("0", 4-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > math.MaxInt64/10000-1 {
		v.Add(field, "field.amount_wan")
		return nil
	}
	y := w*10000 + f
	return &y
}

func (s *Server) outputSet(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	var v model.Validation
	in := store.OutputValueInput{Month: strings.TrimSpace(r.PostForm.Get("month"))}
	code := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("uscc")))
	if code == "" {
		v.Add("uscc", "field.required")
	}
	value := wanToYuan(&v, "value", r.PostForm.Get("value"), true)
	in.OrdersYuan = wanToYuan(&v, "orders", r.PostForm.Get("orders"), false)
	if err := v.Err(); err != nil {
		s.outputFormError(w, r, err)
		return
	}
	in.ValueYuan = *value
	e, err := s.store.EnterpriseByUSCC(r.Context(), ri.sess.actor, code)
	if err != nil {
		var fv model.Validation
		fv.Add("uscc", "import.unknown_ref", code)
		s.outputFormError(w, r, fv.Err())
		return
	}
	in.EnterpriseID = e.ID
	if err := s.store.SetOutputValue(r.Context(), ri.sess.actor, in); err != nil {
		s.outputFormError(w, r, err)
		return
	}
	s.flash(w, "output.saved")
	http.Redirect(w, r, "/output?"+r.URL.RawQuery, http.StatusSeeOther)
}

func (s *Server) outputFormError(w http.ResponseWriter, r *http.Request, err error) {
	if form, ok := s.formFromError(r, err); ok {
		s.renderOutput(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) apiOutputSet(w http.ResponseWriter, r *http.Request) {
	var in store.OutputValueInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ri := info(r)
	if err := s.store.SetOutputValue(r.Context(), ri.sess.actor, in); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeEnterpriseOutput(w, r, in.EnterpriseID)
}

func (s *Server) apiEnterpriseOutput(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "error.not_found.enterprise"))
		return
	}
	if _, err := s.store.Enterprise(r.Context(), info(r).sess.actor, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeEnterpriseOutput(w, r, id)
}

func (s *Server) writeEnterpriseOutput(w http.ResponseWriter, r *http.Request, id int64) {
	vals, ats, err := s.store.EnterpriseOutput(r.Context(), info(r).sess.actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type item struct {
		store.OutputValue
		UpdatedAt string `json:"updated_at"`
	}
	items := make([]item, len(vals))
	for i := range vals {
		items[i] = item{vals[i], ats[i].Format("2006-01-02T15:04:05.000Z07:00")}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// moneyText shows an amount in yuan the way readers expect: 亿元 above
// 100 million, 万元 otherwise, one decimal (English: CNY with bn or k).
func moneyText(locale string, yuan int64) string {
	f := float64(yuan)
	if locale == "en" {
		switch {
		case math.Abs(f) >= 1e9:
			return "CNY " + strconv.FormatFloat(f/1e9, 'f', 2, 64) + " bn"
		case math.Abs(f) >= 1e6:
			return "CNY " + strconv.FormatFloat(f/1e6, 'f', 1, 64) + " m"
		}
		return "CNY " + i18n.Number(yuan)
	}
	if math.Abs(f) >= 1e8 {
		return strconv.FormatFloat(f/1e8, 'f', 1, 64) + " 亿元"
	}
	return strconv.FormatFloat(f/1e4, 'f', 1, 64) + " 万元"
}

// pctText shows a percent with one decimal, or "—".
func pctText(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
}
