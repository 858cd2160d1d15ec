package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/briefing"
	"redgrid/internal/model"
	"redgrid/internal/stats"
	"redgrid/internal/store"
)

// The monthly briefing (工作简报): sentences in the official style carrying
// stats.Compute's figures, the exact figure beside each rounded one,
// commentary paragraphs kept per month and section, a print-ready A4 page,
// a .docx download and its JSON.
func (s *Server) briefingRoutes() {
	s.handle("GET", "/briefings", auth.PermStatsRead, s.briefingIndex)
	s.handle("GET", "/briefings/{month}", auth.PermStatsRead, s.briefingPage)
	s.handle("GET", "/briefings/{month}/docx", auth.PermStatsRead, s.briefingDocx)
	s.handle("POST", "/briefings/{month}/notes", auth.PermBriefingWrite, s.briefingSaveNote)
	s.handle("GET", "/api/v1/briefings/{month}", auth.PermStatsRead, s.apiBriefing)
	s.handle("PUT", "/api/v1/briefings/{month}/notes/{section}", auth.PermBriefingWrite, s.apiBriefingNote)
}

func init() {
	apiDocs["GET /api/v1/briefings/{month}"] = apiOp{Summary: "The monthly briefing (工作简报) for YYYY-MM within the caller's scope (grid optional): title, sections with sentences in the official style (1700余家, 106.5亿元, 同比增长50%以上), each sentence's figures with their exact values, the commentary, and the exact figures (the same as GET /api/v1/stats). lang=en for English. A month in the future or before the data → 422 naming month",
		Tag: "stats", Query: []string{"grid", "lang"}, Response: "Briefing", Status: "200"}
	apiDocs["PUT /api/v1/briefings/{month}/notes/{section}"] = apiOp{Summary: "Write a section's commentary for the month (body; empty removes it). version: the note's (0 when none); changed since → 409",
		Tag: "stats", Body: "BriefingNoteInput", Response: "BriefingNote", Status: "200"}
	used := obj(map[string]any{"key": tStr, "label": tStr, "text": tStr, "exact": tStr, "rounded": tBool, "reason": tStr}, "key", "text", "exact")
	sentence := obj(map[string]any{"text": tStr, "figures": map[string]any{"type": "array", "items": used}}, "text", "figures")
	section := obj(map[string]any{"key": tStr, "title": tStr, "sentences": map[string]any{"type": "array", "items": sentence},
		"commentary": map[string]any{"type": "array", "items": tStr}}, "key", "title", "sentences")
	moreSchemas["Briefing"] = obj(map[string]any{"month": tStr, "lang": tStr, "title": tStr,
		"sections": map[string]any{"type": "array", "items": section}, "figures": ref("Stats")}, "month", "title", "sections", "figures")
	moreSchemas["BriefingNoteInput"] = obj(map[string]any{"body": tStr, "version": tInt}, "body", "version")
	moreSchemas["BriefingNote"] = obj(map[string]any{"month": tStr, "section": tStr, "body": tStr, "updated_at": tTime, "version": tInt}, "month", "section", "version")
}

// briefingFor computes a month's figures and writes its briefing.
func (s *Server) briefingFor(r *http.Request, lang string) (stats.Figures, briefing.Briefing, map[string]store.BriefingNote, error) {
	f, err := statsFilter(r)
	if err != nil {
		return stats.Figures{}, briefing.Briefing{}, nil, err
	}
	f.Month = r.PathValue("month")
	if f.Month == "" {
		var v model.Validation
		v.Add("month", "field.required")
		return stats.Figures{}, briefing.Briefing{}, nil, v.Err()
	}
	fig, err := s.computeStats(r, f)
	if err != nil {
		return fig, briefing.Briefing{}, nil, err
	}
	notes, err := s.store.BriefingNotes(r.Context(), fig.Month)
	if err != nil {
		return fig, briefing.Briefing{}, nil, err
	}
	comm := map[string]string{}
	for k, n := range notes {
		comm[k] = n.Body
	}
	return fig, stats.Briefing(fig, lang, comm), notes, nil
}

func briefingLang(locale string) string {
	if locale == "en" {
		return "en"
	}
	return "zh-CN"
}

type briefingIndexPage struct {
	Months []string
	Err    string
}

// briefingIndex lists the months with data, newest first.
func (s *Server) briefingIndex(w http.ResponseWriter, r *http.Request) {
	p := briefingIndexPage{}
	m, first, _, err := stats.ResolveMonth(r.Context(), s.store, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if first != "" {
		for t := m; t.Format("2006-01") >= first && len(p.Months) < 36; t = t.AddDate(0, -1, 0) {
			p.Months = append(p.Months, t.Format("2006-01"))
		}
	}
	v := s.view(r, "briefing")
	v.Title = v.T("menu.briefing")
	s.render(w, r, "briefing_index", v, p)
}

type briefingSection struct {
	briefing.Section
	Heading string
	Para    string
	Notes   string
	Note    store.BriefingNote
}

type briefingPage struct {
	B        briefing.Briefing
	Fig      stats.Figures
	Sections []briefingSection
	Q        string
	Err      string
}

func (s *Server) briefingPage(w http.ResponseWriter, r *http.Request) {
	s.renderBriefing(w, r, http.StatusOK, nil)
}

func (s *Server) renderBriefing(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	ri := info(r)
	lang := briefingLang(ri.locale)
	fig, b, notes, err := s.briefingFor(r, lang)
	v := s.view(r, "briefing")
	v.Title = v.T("menu.briefing")
	v.Form = form
	p := briefingPage{B: b, Fig: fig, Q: r.URL.RawQuery}
	if err != nil {
		e, ok := model.AsError(err)
		if !ok || e.Code != model.EINVALID {
			s.fail(w, r, err)
			return
		}
		p.Err = s.errText(ri.locale, e)
		s.renderStatus(w, r, http.StatusUnprocessableEntity, "briefing", v, p)
		return
	}
	for i, sec := range b.Sections {
		p.Sections = append(p.Sections, briefingSection{Section: sec, Heading: briefing.Heading(lang, i, sec.Title), Para: briefing.Paragraph(lang, sec),
			Notes: briefing.Notes(lang, sec), Note: notes[sec.Key]})
	}
	v.Title = b.Title
	s.renderStatus(w, r, status, "briefing", v, p)
}

func (s *Server) briefingDocx(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	fig, b, _, err := s.briefingFor(r, briefingLang(ri.locale))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc := briefing.Document(b)
	docLang := "zh-CN"
	if b.Lang == "en" {
		docLang = "en-US"
	}
	doc.SetProperties(b.Title, ri.sess.user.DisplayName, docLang, s.store.Now())
	data, err := doc.Bytes()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := "briefing-" + fig.Month + ".docx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", contentDisposition(name, b.Title+".docx"))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	if err := s.store.AuditExport(r.Context(), ri.sess.actor, "briefing", "docx", 1, map[string]any{"month": fig.Month, "grid": fig.GridID}); err != nil {
		s.log.Error("export audit", "request_id", ri.id, "err", err)
	}
}

func (s *Server) briefingSaveNote(w http.ResponseWriter, r *http.Request) {
	ri := info(r)
	month := r.PathValue("month")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	section := r.PostForm.Get("section")
	if _, err := s.store.SaveBriefingNote(r.Context(), ri.sess.actor, month, section, r.PostForm.Get("body"), version); err != nil {
		if form, ok := s.formFromError(r, err); ok {
			if form.Error == "" {
				for _, msg := range form.Errors {
					form.Error = msg
				}
			}
			s.renderBriefing(w, r, http.StatusUnprocessableEntity, form)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, "briefing.note_saved")
	q := url.Values{}
	if g := r.URL.Query().Get("grid"); g != "" {
		q.Set("grid", g)
	}
	target := "/briefings/" + url.PathEscape(month)
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target+"#sec-"+section, http.StatusSeeOther)
}

func (s *Server) apiBriefing(w http.ResponseWriter, r *http.Request) {
	lang := briefingLang(info(r).locale)
	if l := r.URL.Query().Get("lang"); l != "" {
		lang = briefingLang(strings.TrimSpace(l))
	}
	fig, b, _, err := s.briefingFor(r, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type used struct {
		Key     string `json:"key"`
		Label   string `json:"label"`
		Text    string `json:"text"`
		Exact   string `json:"exact"`
		Rounded bool   `json:"rounded"`
		Reason  string `json:"reason,omitempty"`
	}
	type sentence struct {
		Text    string `json:"text"`
		Figures []used `json:"figures"`
	}
	type section struct {
		Key        string     `json:"key"`
		Title      string     `json:"title"`
		Sentences  []sentence `json:"sentences"`
		Commentary []string   `json:"commentary"`
	}
	out := struct {
		Month    string        `json:"month"`
		Lang     string        `json:"lang"`
		Title    string        `json:"title"`
		Sections []section     `json:"sections"`
		Figures  stats.Figures `json:"figures"`
	}{Month: fig.Month, Lang: b.Lang, Title: b.Title, Figures: fig}
	for _, sec := range b.Sections {
		so := section{Key: sec.Key, Title: sec.Title, Commentary: append([]string{}, sec.Commentary...)}
		for _, st := range sec.Sentences {
			sn := sentence{Text: st.Text, Figures: []used{}}
			for _, f := range st.Figures {
				sn.Figures = append(sn.Figures, used{f.Key, f.Label, f.Text, f.Exact, f.Rounded, f.Reason})
			}
			so.Sentences = append(so.Sentences, sn)
		}
		out.Sections = append(out.Sections, so)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiBriefingNote(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body    string `json:"body"`
		Version int    `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	month := r.PathValue("month")
	if _, err := time.Parse("2006-01", month); err != nil {
		var v model.Validation
		v.Add("month", "field.month_format")
		s.fail(w, r, v.Err())
		return
	}
	n, err := s.store.SaveBriefingNote(r.Context(), info(r).sess.actor, month, r.PathValue("section"), in.Body, in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n.Month == "" {
		n = store.BriefingNote{Month: month, Section: r.PathValue("section")}
	}
	writeJSON(w, http.StatusOK, n)
}
