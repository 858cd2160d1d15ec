// Package briefing writes the monthly work briefing (工作简报) of a zone's
// Party Working Committee from exact figures: sections of sentences in the
// style of official reports ("城西新区现有企业1700余家……"), each sentence
// listing the figures it states with their exact values, so a reader can
// check every rounded figure. It is pure: the caller fills Input from the
// store; nothing here reads a database or a clock.
package briefing

import (
	"strings"
	"time"

	"redgrid/internal/officialfmt"
)

// Ratio is a fraction of exact counts (e.g. enterprises visited / enterprises
// due for a visit).
type Ratio struct{ Num, Den int64 }

// NamedCount is a count under a label, e.g. a kind of party organization.
type NamedCount struct {
	Name, NameEn string
	N            int64
}

// NamedGrowth is a named figure this year and in the same period last year:
// a leading industry's output (yuan) or an enterprise's orders.
type NamedGrowth struct {
	Name, NameEn      string
	Current, Previous int64
	HasPrev           bool
}

// Input holds the exact figures of one month. Counts are as of the end of
// the month unless named Month (that month) or YTD (January to the month).
type Input struct {
	Zone, ZoneEn string
	Month        time.Time // any day of the month reported on

	Enterprises, AboveScale, Industries, Couriers int64

	Organizations                int64
	OrgsByKind                   []NamedCount // in the order to state them, e.g. 党委, 党总支, 党支部
	Members, FullMembers         int64
	Probationary                 int64
	CoveredEnterprises           int64 // enterprises covered by a party organization
	Grids, GridWorkers           int64
	GridHeads                    int64
	VisitsMonth, VisitsYTD       int64
	VisitedEnterprisesMonth      int64
	VisitCoverageMonth           *Ratio // nil: no visit plan, not computable
	ProblemsRaised               int64  // YTD
	ProblemsClosed               int64  // YTD, of those raised
	ProblemsOnTime               int64  // YTD, of those closed
	ProblemsOpen                 int64
	ProblemsOverdue              int64 // open and past their deadline
	Stations                     int64
	StationVisitorsMonth         int64
	StationVisitorsYTD           int64
	SafetyInspections            int64 // YTD
	SafetyViolations             int64 // YTD
	SafetyIncidents              int64 // YTD, all recorded incidents including major accidents
	MajorAccidents               int64 // YTD
	OpenHazards                  int64
	DaysSinceMajor               *int64 // nil: no start date known (no major accident on record and no start set)
	OutputYTD, OutputYTDPrev     int64  // yuan, 规上 enterprises, January to the month
	HasPrev                      bool   // the previous year's figures are known
	OutputMonth, OutputMonthPrev int64
	IndustryOutput               []NamedGrowth // per leading industry, YTD yuan
	Orders                       []NamedGrowth // named enterprises' orders YTD
}

// Section keys, in the order of the briefing.
const (
	Basic    = "basic"
	Party    = "party"
	Visits   = "visits"
	Problems = "problems"
	Stations = "stations"
	Safety   = "safety"
	Economy  = "economy"
)

// Keys lists the section keys in order.
var Keys = []string{Basic, Party, Visits, Problems, Stations, Safety, Economy}

// Briefing is the text of one month's briefing in one language.
type Briefing struct {
	Lang     string
	Title    string
	Month    time.Time
	Sections []Section
}

// Section is one heading of the briefing with its sentences, and the
// commentary paragraphs people wrote for it that month (set by the caller).
type Section struct {
	Key, Title string
	Sentences  []Sentence
	Commentary []string
}

// Sentence is one sentence and the figures it states, in order of use.
type Sentence struct {
	Text    string
	Figures []Used
}

// Used is one figure as a sentence states it.
type Used struct {
	Key     string // stable name of the input figure, e.g. "enterprises", "output_ytd_growth"
	Label   string // localized label
	Text    string // as stated: "1700余", "同比增长50%以上", "—"
	Exact   string // exact value: "1736", "+50.8%"
	Rounded bool
	Reason  string // why it is not computable, when Text is "—"
}

// Build writes the briefing of in, in lang ("en" for English, Chinese
// otherwise).
func Build(in Input, lang string) Briefing {
	l := zh
	if lang == "en" || strings.HasPrefix(lang, "en-") {
		l = en
		lang = "en"
	} else {
		lang = "zh-CN"
	}
	w := &writer{in: in, l: l, lang: lang}
	b := Briefing{Lang: lang, Month: in.Month, Title: l.title(w.zone(), officialfmt.Month(in.Month, lang))}
	for _, k := range Keys {
		w.cur = nil
		l.sections[k](w)
		b.Sections = append(b.Sections, Section{Key: k, Title: l.titles[k], Sentences: w.cur})
	}
	return b
}

// Heading numbers the i-th section (from 0): "一、基本情况" / "1. Overview".
func Heading(lang string, i int, title string) string {
	if lang == "en" {
		return itoa(int64(i+1)) + ". " + title
	}
	return chineseOrdinal(i+1) + "、" + title
}

// Text renders b as plain text: the title, then each section under a
// numbered heading (一、基本情况 / 1. Basic situation) as one paragraph.
func Text(b Briefing) string {
	var s strings.Builder
	s.WriteString(b.Title)
	s.WriteString("\n")
	for i, sec := range b.Sections {
		s.WriteString("\n")
		s.WriteString(Heading(b.Lang, i, sec.Title))
		s.WriteString("\n")
		s.WriteString(Paragraph(b.Lang, sec))
		s.WriteString("\n")
		for _, c := range sec.Commentary {
			s.WriteString(c)
			s.WriteString("\n")
		}
	}
	return s.String()
}

// Paragraph joins a section's sentences as one paragraph (Chinese sentences
// end in their own punctuation; English ones are separated by a space).
func Paragraph(lang string, sec Section) string {
	sep := ""
	if lang == "en" {
		sep = " "
	}
	parts := make([]string, len(sec.Sentences))
	for i, st := range sec.Sentences {
		parts[i] = st.Text
	}
	return strings.Join(parts, sep)
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// chineseOrdinal writes 1–99 in Chinese numerals (一, 十, 十一, 二十一).
func chineseOrdinal(n int) string {
	switch {
	case n <= 10:
		return cnDigits[n]
	case n < 20:
		return "十" + cnDigits[n-10]
	case n%10 == 0:
		return cnDigits[n/10] + "十"
	default:
		return cnDigits[n/10] + "十" + cnDigits[n%10]
	}
}
