package briefing

import (
	"strings"
	"time"

	"redgrid/internal/docx"
)

// Document lays b out as a Word document: the title, one level-1 heading
// per section (一、基本情况), the section's sentences as one paragraph, and
// under it a grey note giving the exact value of every figure the paragraph
// rounds or cannot compute ("注：企业数为1736；……"). The document has no
// creation time; the caller may set one with SetProperties.
func Document(b Briefing) *docx.Document {
	d := docx.New()
	lang := "zh-CN"
	if b.Lang == "en" {
		lang = "en-US"
	}
	d.SetProperties(b.Title, "", lang, time.Time{})
	d.Title(b.Title)
	for i, sec := range b.Sections {
		d.Heading(Heading(b.Lang, i, sec.Title), 1)
		d.Paragraph(Paragraph(b.Lang, sec))
		if n := Notes(b.Lang, sec); n != "" {
			d.Note(n)
		}
		for _, c := range sec.Commentary {
			d.Paragraph(c)
		}
	}
	return d
}

// Notes lists the exact value of each figure of sec that its text rounds or
// cannot compute, once per figure key: "注：企业数为1736；党员数为612。" /
// "Note: Enterprises: 1,736; Party members: 612." It is "" when every figure
// is stated exactly.
func Notes(lang string, sec Section) string {
	var parts []string
	seen := map[string]bool{}
	for _, st := range sec.Sentences {
		for _, f := range st.Figures {
			if seen[f.Key] || !f.Rounded && f.Text != "—" {
				continue
			}
			seen[f.Key] = true
			switch {
			case lang == "en" && f.Text == "—":
				parts = append(parts, f.Label+": not computable ("+f.Reason+")")
			case lang == "en":
				parts = append(parts, f.Label+": "+f.Exact)
			case f.Text == "—":
				parts = append(parts, f.Label+"暂无法计算（"+f.Reason+"）")
			default:
				parts = append(parts, f.Label+"为"+f.Exact)
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if lang == "en" {
		return "Note: " + strings.Join(parts, "; ") + "."
	}
	return "注：" + strings.Join(parts, "；") + "。"
}
