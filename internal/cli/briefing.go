package cli

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"

	"redgrid/internal/briefing"
	"redgrid/internal/i18n"
	"redgrid/internal/model"
	"redgrid/internal/stats"
)

// runBriefing writes a month's briefing from the stored records, as the
// web page and GET /api/v1/briefings/{month} do: plain text (default), a
// standalone A4 HTML page, or a .docx.
func runBriefing(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "briefing", "--month YYYY-MM [--grid CODE] [--format text|html|docx] [--lang zh-CN|en] [--out FILE] [--db URL]", &cfg)
	month := fs.String("month", "", "the month, YYYY-MM (default: the latest month with data)")
	gridCode := fs.String("grid", "", "a grid, area or zone code (default: the whole zone)")
	format := fs.String("format", "text", "text, html or docx")
	lang := fs.String("lang", cfg.DefaultLocale, "zh-CN or en")
	out := fs.String("out", "", "output file (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "html" && *format != "docx" {
		return fmt.Errorf("--format: text, html or docx (got %q)", *format)
	}
	l := "zh-CN"
	if *lang == "en" {
		l = "en"
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	f := stats.Filter{Month: *month}
	if *gridCode != "" {
		g, err := s.GridByCode(ctx, *gridCode)
		if err != nil {
			return fmt.Errorf("--grid: no grid with code %q", *gridCode)
		}
		f.GridID = g.ID
	}
	fig, err := stats.Compute(ctx, s, model.System, f, true)
	if err != nil {
		return explain(l, err)
	}
	notes, err := s.BriefingNotes(ctx, fig.Month)
	if err != nil {
		return err
	}
	comm := map[string]string{}
	for k, n := range notes {
		comm[k] = n.Body
	}
	b := stats.Briefing(fig, l, comm)
	var w io.Writer = env.Out
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return err
		}
		w = file
	}
	switch *format {
	case "text":
		_, err = io.WriteString(w, briefing.Text(b))
	case "html":
		err = briefingHTML.Execute(w, htmlBriefing(b))
	case "docx":
		doc := briefing.Document(b)
		_, err = doc.WriteTo(w)
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// explain turns a domain error into its message in lang, field by field.
func explain(lang string, err error) error {
	e, ok := model.AsError(err)
	if !ok {
		return err
	}
	cat := i18n.Load()
	var parts []string
	for field, fe := range e.Fields {
		parts = append(parts, field+": "+cat.T(lang, fe.Key, fe.Args...))
	}
	if len(parts) == 0 {
		parts = append(parts, cat.T(lang, e.Key, e.Args...))
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}

type htmlSection struct {
	Heading, Para, Notes string
	Commentary           []string
}

func htmlBriefing(b briefing.Briefing) map[string]any {
	var secs []htmlSection
	for i, sec := range b.Sections {
		secs = append(secs, htmlSection{Heading: briefing.Heading(b.Lang, i, sec.Title), Para: briefing.Paragraph(b.Lang, sec), Notes: briefing.Notes(b.Lang, sec), Commentary: sec.Commentary})
	}
	return map[string]any{"Lang": b.Lang, "Title": b.Title, "Sections": secs}
}

var briefingHTML = template.Must(template.New("briefing").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>@page{size:A4;margin:37mm 26mm 35mm 28mm}body{font-family:FangSong,STFangsong,serif;font-size:16pt;line-height:1.8;max-width:160mm;margin:auto}
h1{text-align:center;color:#c00;font-family:SimSun,serif;font-size:22pt}h2{font-family:SimHei,sans-serif;font-size:16pt;margin:.6em 0 .2em}
p{text-indent:2em;margin:0}p.note{color:#666;font-size:10.5pt;text-indent:0}</style></head>
<body><h1>{{.Title}}</h1>{{range .Sections}}<h2>{{.Heading}}</h2><p>{{.Para}}</p>{{if .Notes}}<p class="note">{{.Notes}}</p>{{end}}{{range .Commentary}}<p>{{.}}</p>{{end}}{{end}}</body></html>
`))

// runStats: `redgrid stats rebuild` recomputes the statistics aggregates
// from the records (after a restore or a bulk load that bypassed them).
func runStats(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	if len(args) == 0 || args[0] != "rebuild" {
		return fmt.Errorf("usage: redgrid stats rebuild [--db URL]")
	}
	fs := flags(env, "stats rebuild", "[--db URL]", &cfg)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RebuildStats(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.Out, "statistics aggregates rebuilt")
	return nil
}
