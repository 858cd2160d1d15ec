// Package docx writes a minimal WordprocessingML (.docx) document: a title,
// headings, body paragraphs and small grey notes, on A4 with the fonts and
// margins of Chinese official documents (GB/T 9704-2012 党政机关公文格式:
// title in 小标宋, body in 仿宋 三号, level-1 headings in 黑体, level-2 in
// 楷体). It writes only what the monthly briefing needs; it does not read
// documents.
//
// Fonts a machine lacks are substituted through word/fontTable.xml, whose
// altName gives the common fallback (方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋,
// 楷体_GB2312 → 楷体).
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

// Page geometry in twentieths of a point (twips). A4 is 210 × 297 mm; the
// margins are GB/T 9704-2012 5.2.1 (天头 37 mm, 订口 28 mm, text area
// 156 × 225 mm).
const (
	A4Width      = 11906
	A4Height     = 16838
	MarginTop    = 2098 // 37 mm
	MarginBottom = 1984 // 35 mm
	MarginLeft   = 1588 // 28 mm
	MarginRight  = 1474 // 26 mm
)

// Style IDs of the paragraphs this package writes (word/styles.xml).
const (
	StyleTitle    = "Title"
	StyleHeading1 = "Heading1"
	StyleHeading2 = "Heading2"
	StyleHeading3 = "Heading3"
	StyleBody     = "Normal"
	StyleNote     = "Note"
)

// Paragraph is one paragraph of the document: its style and text. A newline
// in the text is a line break inside the paragraph.
type Paragraph struct {
	Style, Text string
}

// Document is a document being written. The zero value is not usable; call
// New.
type Document struct {
	title, creator, lang string
	created              time.Time
	paras                []Paragraph
}

// New starts an empty document in Chinese (zh-CN).
func New() *Document { return &Document{lang: "zh-CN"} }

// Title adds the document's title paragraph (centred, 小标宋 二号) and, if no
// title was set yet, makes it the title of the document's properties.
func (d *Document) Title(s string) {
	if d.title == "" {
		d.title = s
	}
	d.add(StyleTitle, s)
}

// Heading adds a heading of level 1 (黑体), 2 (楷体) or 3 (仿宋 bold); other
// levels are clamped into 1–3.
func (d *Document) Heading(s string, level int) {
	d.add([]string{StyleHeading1, StyleHeading2, StyleHeading3}[min(max(level, 1), 3)-1], s)
}

// Paragraph adds a body paragraph (仿宋 三号, first line indented two
// characters).
func (d *Document) Paragraph(s string) { d.add(StyleBody, s) }

// Note adds small grey text, e.g. the exact figures under a paragraph.
func (d *Document) Note(s string) { d.add(StyleNote, s) }

// SetProperties sets the document properties: title (replacing the one
// taken from Title), creator, language ("zh-CN", "en-US") and creation
// time; empty or zero values are left out.
func (d *Document) SetProperties(title, creator, lang string, created time.Time) {
	if title != "" {
		d.title = title
	}
	if lang != "" {
		d.lang = lang
	}
	d.creator, d.created = creator, created
}

// Paragraphs returns the paragraphs added so far.
func (d *Document) Paragraphs() []Paragraph { return append([]Paragraph(nil), d.paras...) }

func (d *Document) add(style, s string) { d.paras = append(d.paras, Paragraph{style, s}) }

// Parts of the package, in the order they are written.
const (
	partContentTypes = "[Content_Types].xml"
	partRels         = "_rels/.rels"
	partDocument     = "word/document.xml"
	partDocumentRels = "word/_rels/document.xml.rels"
	partStyles       = "word/styles.xml"
	partFontTable    = "word/fontTable.xml"
	partSettings     = "word/settings.xml"
	partCore         = "docProps/core.xml"
	partApp          = "docProps/app.xml"
)

// zipTime is the modification time of every part, so that the same document
// always gives the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteTo writes the .docx package to w.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	z := zip.NewWriter(cw)
	parts := []struct {
		name string
		body []byte
	}{
		{partContentTypes, []byte(contentTypes)},
		{partRels, []byte(packageRels)},
		{partDocument, d.documentXML()},
		{partDocumentRels, []byte(documentRels)},
		{partStyles, []byte(strings.ReplaceAll(stylesXML, "{{lang}}", esc(d.lang)))},
		{partFontTable, []byte(fontTableXML)},
		{partSettings, []byte(settingsXML)},
		{partCore, d.coreXML()},
		{partApp, []byte(appXML)},
	}
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return cw.n, err
		}
		if _, err := f.Write(p.body); err != nil {
			return cw.n, err
		}
	}
	err := z.Close()
	return cw.n, err
}

// Bytes returns the .docx package.
func (d *Document) Bytes() ([]byte, error) {
	var b bytes.Buffer
	_, err := d.WriteTo(&b)
	return b.Bytes(), err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// esc escapes s for XML text or attribute values; characters XML 1.0 does
// not allow (most control characters) become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (d *Document) documentXML() []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	for _, p := range d.paras {
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + p.Style + `"/></w:pPr><w:r>`)
		text := strings.ReplaceAll(p.Text, "\r\n", "\n")
		for i, line := range strings.Split(text, "\n") {
			if i > 0 {
				b.WriteString(`<w:br/>`)
			}
			for j, seg := range strings.Split(line, "\t") {
				if j > 0 {
					b.WriteString(`<w:tab/>`)
				}
				if seg != "" {
					b.WriteString(`<w:t xml:space="preserve">` + esc(seg) + `</w:t>`)
				}
			}
		}
		b.WriteString(`</w:r></w:p>`)
	}
	b.WriteString(`<w:sectPr>`)
	b.WriteString(`<w:pgSz w:w="` + strconv.Itoa(A4Width) + `" w:h="` + strconv.Itoa(A4Height) + `"/>`)
	b.WriteString(`<w:pgMar w:top="` + strconv.Itoa(MarginTop) + `" w:right="` + strconv.Itoa(MarginRight) +
		`" w:bottom="` + strconv.Itoa(MarginBottom) + `" w:left="` + strconv.Itoa(MarginLeft) +
		`" w:header="851" w:footer="992" w:gutter="0"/>`)
	// 每页22行: the line pitch of GB/T 9704 (28.95 pt); docGrid lines snap to it.
	b.WriteString(`<w:docGrid w:type="lines" w:linePitch="579"/>`)
	b.WriteString(`</w:sectPr></w:body></w:document>`)
	return []byte(b.String())
}

func (d *Document) coreXML() []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	if d.title != "" {
		b.WriteString(`<dc:title>` + esc(d.title) + `</dc:title>`)
	}
	if d.creator != "" {
		b.WriteString(`<dc:creator>` + esc(d.creator) + `</dc:creator>`)
	}
	if d.lang != "" {
		b.WriteString(`<dc:language>` + esc(d.lang) + `</dc:language>`)
	}
	if !d.created.IsZero() {
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + d.created.UTC().Format(time.RFC3339) + `</dcterms:created>`)
	}
	b.WriteString(`</cp:coreProperties>`)
	return []byte(b.String())
}

const (
	nsW      = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel = "http://schemas.openxmlformats.org/package/2006/relationships"
	relBase  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	ctBase   = "application/vnd.openxmlformats-officedocument."
)

var contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/` + partDocument + `" ContentType="` + ctBase + `wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/` + partStyles + `" ContentType="` + ctBase + `wordprocessingml.styles+xml"/>` +
	`<Override PartName="/` + partFontTable + `" ContentType="` + ctBase + `wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/` + partSettings + `" ContentType="` + ctBase + `wordprocessingml.settings+xml"/>` +
	`<Override PartName="/` + partCore + `" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/` + partApp + `" ContentType="` + ctBase + `extended-properties+xml"/>` +
	`</Types>`

var packageRels = xml.Header + `<Relationships xmlns="` + nsPkgRel + `">` +
	`<Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="` + partDocument + `"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="` + partCore + `"/>` +
	`<Relationship Id="rId3" Type="` + relBase + `extended-properties" Target="` + partApp + `"/>` +
	`</Relationships>`

var documentRels = xml.Header + `<Relationships xmlns="` + nsPkgRel + `">` +
	`<Relationship Id="rId1" Type="` + relBase + `styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="` + relBase + `fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId3" Type="` + relBase + `settings" Target="settings.xml"/>` +
	`</Relationships>`

var appXML = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
	`<Application>redgrid</Application></Properties>`

var settingsXML = xml.Header + `<w:settings xmlns:w="` + nsW + `">` +
	`<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>` +
	`</w:settings>`

// Fonts: the names official documents use, with the fallback a machine
// without them should take.
var fontTableXML = xml.Header + `<w:fonts xmlns:w="` + nsW + `">` +
	font("方正小标宋简体", "宋体") + font("仿宋_GB2312", "仿宋") + font("楷体_GB2312", "楷体") +
	font("黑体", "SimHei") + font("宋体", "SimSun") + font("仿宋", "FangSong") + font("楷体", "KaiTi") +
	font("Times New Roman", "") +
	`</w:fonts>`

func font(name, alt string) string {
	s := `<w:font w:name="` + name + `">`
	if alt != "" {
		s += `<w:altName w:val="` + alt + `"/>`
	}
	if name != "Times New Roman" {
		s += `<w:charset w:val="86"/>` // GB2312
	}
	return s + `</w:font>`
}

// rFonts gives Latin text Times New Roman and Chinese text eastAsia.
func rFonts(eastAsia string) string {
	return `<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="` + eastAsia + `" w:cs="Times New Roman"/>`
}

// Sizes in half-points: 二号 22 pt, 三号 16 pt, 五号 10.5 pt.
var stylesXML = xml.Header + `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` + rFonts("仿宋_GB2312") +
	`<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="{{lang}}" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="579" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:before="0" w:after="579" w:line="700" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr>` +
	`<w:rPr>` + rFonts("方正小标宋简体") + `<w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>` + rFonts("黑体") + `</w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr>` + rFonts("楷体_GB2312") + `</w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:line="320" w:lineRule="atLeast"/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr>` +
	`<w:rPr><w:color w:val="808080"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>` +
	`</w:styles>`
