package briefing

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"redgrid/internal/docx"
)

func TestNotes(t *testing.T) {
	b := Build(article(), "zh-CN")
	want := map[string]string{
		Basic:    "注：企业数为1736。",
		Party:    "注：党组织数为63；党员数为612；党组织覆盖企业数为1519。",
		Problems: "注：办结率为198/215；按期办结率为187/198。",
		Economy:  "注：规上工业总产值同比增速（累计）为+50.8%；农机行业产值同比增速为+41.8%。",
	}
	for _, sec := range b.Sections {
		if w, ok := want[sec.Key]; ok {
			if got := Notes(b.Lang, sec); got != w {
				t.Errorf("%s:\n got %q\nwant %q", sec.Key, got, w)
			}
		}
	}
	nb := Build(noPrev(), "en")
	for _, sec := range nb.Sections {
		if sec.Key == Economy {
			if got := Notes("en", sec); !strings.HasPrefix(got, "Note: Year-on-year growth of output (year to date): not computable (no figure for the same period last year); ") {
				t.Errorf("en economy notes %q", got)
			}
		}
	}
}

func TestDocument(t *testing.T) {
	b := Build(article(), "zh-CN")
	d := Document(b)
	p := d.Paragraphs()
	if p[0] != (docx.Paragraph{Style: docx.StyleTitle, Text: "城西新区党建工作简报（2021年8月）"}) {
		t.Errorf("title %+v", p[0])
	}
	if p[1] != (docx.Paragraph{Style: docx.StyleHeading1, Text: "一、基本情况"}) || p[2].Style != docx.StyleBody ||
		p[2].Text != "城西新区现有企业1700余家，其中规上工业企业189家，已形成4个主导产业集群，8家快递物流企业落户城西新区。" ||
		p[3] != (docx.Paragraph{Style: docx.StyleNote, Text: "注：企业数为1736。"}) {
		t.Errorf("first section %+v", p[1:4])
	}
	var headings int
	for _, x := range p {
		if x.Style == docx.StyleHeading1 {
			headings++
		}
	}
	if headings != len(Keys) {
		t.Errorf("%d headings", headings)
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name != "word/document.xml" {
			continue
		}
		r, _ := f.Open()
		body, _ := io.ReadAll(r)
		r.Close()
		if !strings.Contains(string(body), "同比增长50%以上") {
			t.Error("document.xml lacks the economy sentence")
		}
	}
	if en := Document(Build(article(), "en")).Paragraphs(); en[1].Text != "1. Basic situation" {
		t.Errorf("en heading %q", en[1].Text)
	}
}
