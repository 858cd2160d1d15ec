package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const special = `<tag attr="x"> & 'quoted' — 城西新区`

func sample() *Document {
	d := New()
	d.Title("城西新区党建工作简报（2021年8月）")
	d.Heading("一、基本情况", 1)
	d.Paragraph("城西新区现有企业1700余家，其中规上工业企业189家。")
	d.Note("企业数：1736")
	d.Heading("（一）经济运行", 2)
	d.Heading("1. 产值", 3)
	d.Paragraph(special)
	d.Paragraph("第一行\n第二行\t制表")
	return d
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for i, f := range z.File {
		if i == 0 && f.Name != "[Content_Types].xml" {
			t.Errorf("first part is %q, want [Content_Types].xml", f.Name)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := parts[f.Name]; dup {
			t.Errorf("part %q twice", f.Name)
		}
		parts[f.Name] = body
	}
	return parts
}

// wellFormed parses body to the end with encoding/xml.
func wellFormed(t *testing.T, name string, body []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
	}
}

func TestPackageIsWellFormed(t *testing.T) {
	var buf bytes.Buffer
	n, err := sample().WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d", n, err, buf.Len())
	}
	parts := unzip(t, buf.Bytes())
	for _, need := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/_rels/document.xml.rels", "docProps/core.xml"} {
		if parts[need] == nil {
			t.Errorf("missing part %s", need)
		}
	}
	for name, body := range parts {
		wellFormed(t, name, body)
	}
}

type contentTypesXML struct {
	Defaults []struct {
		Extension string `xml:"Extension,attr"`
		Type      string `xml:"ContentType,attr"`
	} `xml:"Default"`
	Overrides []struct {
		PartName string `xml:"PartName,attr"`
		Type     string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

type relsXML struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// Every part has a content type, every override names a part that exists,
// and every relationship points at a part that exists.
func TestContentTypesAndRelationships(t *testing.T) {
	b, err := sample().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, b)
	var ct contentTypesXML
	if err := xml.Unmarshal(parts["[Content_Types].xml"], &ct); err != nil {
		t.Fatal(err)
	}
	overrides := map[string]string{}
	for _, o := range ct.Overrides {
		overrides[o.PartName] = o.Type
		if parts[strings.TrimPrefix(o.PartName, "/")] == nil {
			t.Errorf("override for missing part %s", o.PartName)
		}
	}
	defaults := map[string]string{}
	for _, d := range ct.Defaults {
		defaults[d.Extension] = d.Type
	}
	for name := range parts {
		if name == "[Content_Types].xml" {
			continue
		}
		if overrides["/"+name] == "" && defaults[strings.TrimPrefix(path.Ext(name), ".")] == "" {
			t.Errorf("part %s has no content type", name)
		}
		if strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") && overrides["/"+name] == "" {
			t.Errorf("part %s is only application/xml; it needs its own content type", name)
		}
	}
	if got := overrides["/word/document.xml"]; got != "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" {
		t.Errorf("document content type %q", got)
	}

	for relsName, base := range map[string]string{"_rels/.rels": "", "word/_rels/document.xml.rels": "word"} {
		var rels relsXML
		if err := xml.Unmarshal(parts[relsName], &rels); err != nil {
			t.Fatal(relsName, err)
		}
		ids := map[string]bool{}
		for _, r := range rels.Rels {
			if ids[r.ID] {
				t.Errorf("%s: duplicate id %s", relsName, r.ID)
			}
			ids[r.ID] = true
			if target := path.Join(base, r.Target); parts[target] == nil {
				t.Errorf("%s: %s points at missing %s", relsName, r.ID, target)
			}
		}
		if len(rels.Rels) == 0 {
			t.Errorf("%s: no relationships", relsName)
		}
	}
}

// paragraph is a w:p as the document holds it.
type paragraph struct {
	Style string
	Text  string // w:t joined; w:br as "\n", w:tab as "\t"
}

func readParagraphs(t *testing.T, doc []byte) []paragraph {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []paragraph
	var cur *paragraph
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space != nsW {
				t.Errorf("element %s outside the w: namespace", e.Name.Local)
			}
			switch e.Name.Local {
			case "p":
				out = append(out, paragraph{})
				cur = &out[len(out)-1]
			case "pStyle":
				cur.Style = attr(e, "val")
			case "t":
				inText = true
			case "br":
				cur.Text += "\n"
			case "tab":
				cur.Text += "\t"
			}
		case xml.EndElement:
			if e.Name.Local == "t" {
				inText = false
			}
		case xml.CharData:
			if inText {
				cur.Text += string(e)
			}
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func TestTextComesBackInOrder(t *testing.T) {
	d := sample()
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	got := readParagraphs(t, unzip(t, b)["word/document.xml"])
	want := []paragraph{
		{StyleTitle, "城西新区党建工作简报（2021年8月）"},
		{StyleHeading1, "一、基本情况"},
		{StyleBody, "城西新区现有企业1700余家，其中规上工业企业189家。"},
		{StyleNote, "企业数：1736"},
		{StyleHeading2, "（一）经济运行"},
		{StyleHeading3, "1. 产值"},
		{StyleBody, special},
		{StyleBody, "第一行\n第二行\t制表"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", got, want)
	}
	if len(d.Paragraphs()) != len(want) {
		t.Errorf("Paragraphs() = %d", len(d.Paragraphs()))
	}
}

func TestEscapingAndInvalidCharacters(t *testing.T) {
	d := New()
	d.Paragraph("a\x00b\x1bc" + special)
	d.SetProperties(special, "党工委 & <办公室>", "", time.Time{})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, b)
	for name, body := range parts {
		wellFormed(t, name, body)
	}
	got := readParagraphs(t, parts["word/document.xml"])
	if len(got) != 1 || got[0].Text != "a\uFFFDb\uFFFDc"+special {
		t.Errorf("text %q", got)
	}
	var core struct {
		Title   string `xml:"title"`
		Creator string `xml:"creator"`
	}
	if err := xml.Unmarshal(parts["docProps/core.xml"], &core); err != nil {
		t.Fatal(err)
	}
	if core.Title != special || core.Creator != "党工委 & <办公室>" {
		t.Errorf("core %+v", core)
	}
}

func TestCoreProperties(t *testing.T) {
	d := sample()
	d.Title("second title is a paragraph only")
	b, _ := d.Bytes()
	var core struct {
		Title    string `xml:"title"`
		Language string `xml:"language"`
		Created  string `xml:"created"`
	}
	if err := xml.Unmarshal(unzip(t, b)["docProps/core.xml"], &core); err != nil {
		t.Fatal(err)
	}
	if core.Title != "城西新区党建工作简报（2021年8月）" || core.Language != "zh-CN" || core.Created != "" {
		t.Errorf("core %+v", core)
	}
	d.SetProperties("", "", "en-US", time.Date(2021, 9, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	b, _ = d.Bytes()
	if err := xml.Unmarshal(unzip(t, b)["docProps/core.xml"], &core); err != nil {
		t.Fatal(err)
	}
	if core.Created != "2021-09-01T00:00:00Z" || core.Language != "en-US" {
		t.Errorf("core %+v", core)
	}
}

func TestPageIsA4WithOfficialMargins(t *testing.T) {
	b, _ := sample().Bytes()
	var doc struct {
		Body struct {
			Sect struct {
				Size struct {
					W string `xml:"w,attr"`
					H string `xml:"h,attr"`
				} `xml:"pgSz"`
				Margin struct {
					Top    string `xml:"top,attr"`
					Bottom string `xml:"bottom,attr"`
					Left   string `xml:"left,attr"`
					Right  string `xml:"right,attr"`
				} `xml:"pgMar"`
			} `xml:"sectPr"`
		} `xml:"body"`
	}
	if err := xml.Unmarshal(unzip(t, b)["word/document.xml"], &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Body.Sect
	if s.Size.W != "11906" || s.Size.H != "16838" {
		t.Errorf("page %s × %s, want A4 11906 × 16838", s.Size.W, s.Size.H)
	}
	// text area 156 × 225 mm (GB/T 9704 5.2.1), within a millimetre
	mm := func(twips int) float64 { return float64(twips) / 1440 * 25.4 }
	if w := mm(A4Width - MarginLeft - MarginRight); w < 155 || w > 157 {
		t.Errorf("text width %.1f mm", w)
	}
	if h := mm(A4Height - MarginTop - MarginBottom); h < 224 || h > 226 {
		t.Errorf("text height %.1f mm", h)
	}
	if s.Margin.Top != "2098" || s.Margin.Left != "1588" || s.Margin.Right != "1474" || s.Margin.Bottom != "1984" {
		t.Errorf("margins %+v", s.Margin)
	}
}

func TestStylesUseChineseOfficialFonts(t *testing.T) {
	b, _ := sample().Bytes()
	parts := unzip(t, b)
	var styles struct {
		Styles []struct {
			ID  string `xml:"styleId,attr"`
			RPr struct {
				Fonts struct {
					EastAsia string `xml:"eastAsia,attr"`
				} `xml:"rFonts"`
				Color struct {
					Val string `xml:"val,attr"`
				} `xml:"color"`
			} `xml:"rPr"`
		} `xml:"style"`
		Default struct {
			Fonts struct {
				EastAsia string `xml:"eastAsia,attr"`
			} `xml:"rPrDefault>rPr>rFonts"`
		} `xml:"docDefaults"`
	}
	if err := xml.Unmarshal(parts["word/styles.xml"], &styles); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"default": styles.Default.Fonts.EastAsia}
	ids := map[string]bool{}
	for _, s := range styles.Styles {
		ids[s.ID] = true
		if s.RPr.Fonts.EastAsia != "" {
			got[s.ID] = s.RPr.Fonts.EastAsia
		}
		if s.ID == StyleNote && s.RPr.Color.Val != "808080" {
			t.Errorf("note colour %q", s.RPr.Color.Val)
		}
	}
	want := map[string]string{"default": "仿宋_GB2312", StyleTitle: "方正小标宋简体", StyleHeading1: "黑体", StyleHeading2: "楷体_GB2312"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s eastAsia font %q, want %q", k, got[k], v)
		}
	}
	for _, id := range []string{StyleTitle, StyleHeading1, StyleHeading2, StyleHeading3, StyleBody, StyleNote} {
		if !ids[id] {
			t.Errorf("style %s not defined", id)
		}
	}
	// every font the styles name has a fallback in the font table
	var fonts struct {
		Fonts []struct {
			Name string `xml:"name,attr"`
			Alt  struct {
				Val string `xml:"val,attr"`
			} `xml:"altName"`
		} `xml:"font"`
	}
	if err := xml.Unmarshal(parts["word/fontTable.xml"], &fonts); err != nil {
		t.Fatal(err)
	}
	alt := map[string]string{}
	for _, f := range fonts.Fonts {
		alt[f.Name] = f.Alt.Val
	}
	for _, name := range want {
		if alt[name] == "" {
			t.Errorf("font %s has no fallback", name)
		}
	}
	if alt["方正小标宋简体"] != "宋体" {
		t.Errorf("title font fallback %q", alt["方正小标宋简体"])
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := sample().Bytes()
	b, _ := sample().Bytes()
	if !bytes.Equal(a, b) {
		t.Error("the same document gave different bytes")
	}
}

func TestHeadingLevelsClamp(t *testing.T) {
	d := New()
	d.Heading("a", 0)
	d.Heading("b", 9)
	p := d.Paragraphs()
	if p[0].Style != StyleHeading1 || p[1].Style != StyleHeading3 {
		t.Errorf("styles %q", p)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteError(t *testing.T) {
	if _, err := sample().WriteTo(failWriter{}); err == nil {
		t.Error("a failing writer gave no error")
	}
}

// With LibreOffice present, the document converts to PDF. Skipped where it
// is not installed (CI).
func TestConvertsWithLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed")
	}
	dir := t.TempDir()
	b, _ := sample().Bytes()
	in := filepath.Join(dir, "brief.docx")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	if st, err := os.Stat(filepath.Join(dir, "brief.pdf")); err != nil || st.Size() == 0 {
		t.Fatalf("no PDF: %v", err)
	}
}
