package briefing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"redgrid/internal/rules"
)

func sentences(b Briefing, key string) []string {
	for _, s := range b.Sections {
		if s.Key == key {
			var out []string
			for _, st := range s.Sentences {
				out = append(out, st.Text)
			}
			return out
		}
	}
	return nil
}

func TestBuildArticleZh(t *testing.T) {
	b := Build(article(), "zh-CN")
	if b.Title != "城西新区党建工作简报（2021年8月）" || b.Lang != "zh-CN" {
		t.Errorf("title %q lang %q", b.Title, b.Lang)
	}
	var keys, titles []string
	for _, s := range b.Sections {
		keys, titles = append(keys, s.Key), append(titles, s.Title)
	}
	if !slices.Equal(keys, Keys) {
		t.Errorf("keys %v", keys)
	}
	if want := []string{"基本情况", "党建覆盖", "网格走访", "涉企问题", "红色驿站", "安全生产", "经济运行"}; !slices.Equal(titles, want) {
		t.Errorf("titles %v", titles)
	}
	want := map[string][]string{
		Basic: {"城西新区现有企业1700余家，其中规上工业企业189家，已形成4个主导产业集群，8家快递物流企业落户城西新区。"},
		Party: {
			"全区共有党组织60多个（其中党委2个、党总支3个、党支部58个），党员600余名，其中正式党员590名、预备党员22名。",
			"党组织覆盖企业1500余家，覆盖率87.5%。",
		},
		Visits: {
			"全区划分网格12个，配备网格长12名、网格员43名，实行主要领导、网格长、网格员三级走访。",
			"8月，开展三级走访800余次，走访企业700余家，走访覆盖率87.5%；1—8月累计走访6200余次。",
		},
		Problems: {
			"1—8月，通过走访收集涉企问题215个，已办结198个，办结率92.1%；其中按期办结187个，按期办结率94.4%。",
			"目前尚有17个问题正在办理，其中超期3个，已督促相关部门加快办理。",
		},
		Stations: {"全区已建成红色驿站3个，8月接待快递员、环卫工人等群众1200余人次，1—8月累计接待1200余人次。"},
		Safety: {
			"1—8月，全区1700余家企业未发生重大安全生产事故，连续安全生产365天。",
			"开展安全检查1320次，查处违章行为96起，发生安全生产事故（事件）4起；现有未整改安全隐患11处，正在督促整改。",
		},
		Economy: {
			"截至8月份，规上工业企业完成总产值106.5亿元，同比增长50%以上。",
			"8月当月完成产值14.2亿元，同比增长42%。",
			"其中，农机行业完成产值31.2亿元，同比增长41%以上。",
			"安德电器订单同比增长25%。",
		},
	}
	for _, k := range Keys {
		if got := sentences(b, k); !slices.Equal(got, want[k]) {
			t.Errorf("%s:\n got %q\nwant %q", k, got, want[k])
		}
	}
}

func TestBuildArticleEn(t *testing.T) {
	b := Build(article(), "en")
	if b.Title != "Chengxi New Area Party-building Briefing (August 2021)" || b.Lang != "en" {
		t.Errorf("title %q lang %q", b.Title, b.Lang)
	}
	want := map[string]string{
		Basic:    "Chengxi New Area has over 1,700 enterprises, 189 of them industrial enterprises above designated size; 4 leading industries have formed, and 8 courier and logistics companies are based in the zone.",
		Problems: "17 problems are being handled, 3 of them overdue; the departments have been urged to act.",
		Safety:   "In January–August, none of the zone's over 1,700 enterprises had a major work-safety accident (365 days in a row without a major accident).",
		Economy:  "As of the end of August, industrial enterprises above designated size produced output worth 10.65 billion yuan, up over 50% year on year.",
	}
	for k, w := range want {
		if got := sentences(b, k); !slices.Contains(got, w) {
			t.Errorf("%s: %q lacks %q", k, got, w)
		}
	}
	for _, s := range b.Sections {
		for _, st := range s.Sentences {
			if st.Text[0] >= 'a' && st.Text[0] <= 'z' {
				t.Errorf("sentence not capitalised: %q", st.Text)
			}
		}
	}
	if got := sentences(b, Economy); got[len(got)-1] != "Orders of Ande Electric were up 25% year on year." {
		t.Errorf("orders: %q", got)
	}
}

// Every figure a sentence lists is in the sentence as stated (or, when it
// cannot be computed, its reason is; a zero may be said in words), has a label and an exact value, so
// the UI can show each exact figure beside its rounded one.
func TestSentenceFiguresMatchText(t *testing.T) {
	inputs := map[string]Input{"article": article(), "empty": {Zone: "城西新区", Month: time.Date(2021, 1, 1, 0, 0, 0, 0, rules.Location())}, "noprev": noPrev()}
	for name, in := range inputs {
		for _, lang := range []string{"zh-CN", "en"} {
			b := Build(in, lang)
			for _, s := range b.Sections {
				if len(s.Sentences) == 0 {
					t.Errorf("%s/%s/%s: no sentence", name, lang, s.Key)
				}
				for _, st := range s.Sentences {
					for _, f := range st.Figures {
						if f.Label == "" || f.Exact == "" || f.Key == "" {
							t.Errorf("%s/%s: figure without key, label or exact: %+v", name, lang, f)
						}
						if f.Text == "—" {
							if f.Reason == "" || !strings.Contains(st.Text, f.Reason) {
								t.Errorf("%s/%s: %q does not say why %s is not computable (%q)", name, lang, st.Text, f.Key, f.Reason)
							}
						} else if f.Text != "0" && !strings.Contains(st.Text, f.Text) { // a zero may be said in words: 尚未, 未发生
							t.Errorf("%s/%s: %q does not contain %s = %q", name, lang, st.Text, f.Key, f.Text)
						}
					}
					for _, bad := range []string{"NaN", "Inf", "%!", "<nil>"} {
						if strings.Contains(st.Text, bad) {
							t.Errorf("%s/%s: %q contains %q", name, lang, st.Text, bad)
						}
					}
				}
			}
		}
	}
}

func figure(b Briefing, key string) (Used, bool) {
	for _, s := range b.Sections {
		for _, st := range s.Sentences {
			for _, f := range st.Figures {
				if f.Key == key {
					return f, true
				}
			}
		}
	}
	return Used{}, false
}

func TestExactBesideRounded(t *testing.T) {
	b := Build(article(), "zh-CN")
	cases := []struct{ key, text, exact string }{
		{"enterprises", "1700余", "1736"},
		{"above_scale", "189", "189"},
		{"members", "600余", "612"},
		{"organizations", "60多", "63"},
		{"output_ytd", "106.5亿元", "10650000000元（1065000.0000万元）"},
		{"output_ytd_growth", "同比增长50%以上", "+50.8%"},
		{"visit_coverage_month", "87.5%", "742/848"},
		{"days_since_major", "连续安全生产365天", "365天"},
		{"orders_growth:安德电器", "同比增长25%", "+25.0%"},
		{"orgs_kind:党支部", "58", "58"},
	}
	for _, c := range cases {
		f, ok := figure(b, c.key)
		if !ok || f.Text != c.text || f.Exact != c.exact {
			t.Errorf("%s = %+v, want %q / %q", c.key, f, c.text, c.exact)
		}
	}
	if f, _ := figure(b, "enterprises"); !f.Rounded || f.Label != "企业数" {
		t.Errorf("enterprises: %+v", f)
	}
	if f, _ := figure(Build(article(), "en"), "enterprises"); f.Text != "over 1,700" || f.Exact != "1,736" || f.Label != "Enterprises" {
		t.Errorf("en enterprises: %+v", f)
	}
}

func noPrev() Input {
	in := article()
	in.HasPrev = false
	in.OutputYTDPrev, in.OutputMonthPrev = 0, 0
	in.VisitCoverageMonth = nil
	in.Orders = []NamedGrowth{{Name: "安德电器", NameEn: "Ande Electric", Current: 125}}
	in.IndustryOutput = []NamedGrowth{{Name: "门业", NameEn: "Doors", Current: 900_000_000, Previous: 0, HasPrev: true}}
	return in
}

func TestNotComputable(t *testing.T) {
	zh := Build(noPrev(), "zh-CN")
	want := []string{
		"截至8月份，规上工业企业完成总产值106.5亿元，同比增速暂无法计算（上年同期无数据）。",
		"8月当月完成产值14.2亿元，同比增速暂无法计算（上年同期无数据）。",
		"其中，门业完成产值9亿元，同比增速暂无法计算（上年同期为零）。",
		"安德电器订单同比增速暂无法计算（上年同期无数据）。",
	}
	if got := sentences(zh, Economy); !slices.Equal(got, want) {
		t.Errorf("economy:\n got %q\nwant %q", got, want)
	}
	if got := sentences(zh, Visits)[1]; got != "8月，开展三级走访800余次，走访企业700余家，走访覆盖率暂无法计算（本月未设定走访计划）；1—8月累计走访6200余次。" {
		t.Errorf("visits: %q", got)
	}
	if f, _ := figure(zh, "output_ytd_growth"); f.Text != "—" || f.Exact != "—" || f.Reason != "上年同期无数据" {
		t.Errorf("growth figure: %+v", f)
	}
	en := Build(noPrev(), "en")
	if got := sentences(en, Economy)[0]; got != "As of the end of August, industrial enterprises above designated size produced output worth 10.65 billion yuan, year-on-year growth cannot be computed yet (no figure for the same period last year)." {
		t.Errorf("en economy: %q", got)
	}
	for _, b := range []Briefing{zh, en} {
		if txt := Text(b); strings.Contains(txt, "增长0%") || strings.Contains(txt, "up 0%") || strings.Contains(txt, "NaN") {
			t.Errorf("a missing figure is stated as a number:\n%s", txt)
		}
	}

	// a visit plan with no enterprise due
	in := article()
	in.VisitCoverageMonth = &Ratio{0, 0}
	if got := sentences(Build(in, "zh-CN"), Visits)[1]; !strings.Contains(got, "走访覆盖率暂无法计算（本月未设定走访计划）") {
		t.Errorf("zero plan: %q", got)
	}
}

func TestEmptyZone(t *testing.T) {
	in := Input{Zone: "城西新区", Month: time.Date(2022, 1, 1, 0, 0, 0, 0, rules.Location())}
	b := Build(in, "zh-CN")
	want := map[string][]string{
		Basic:    {"城西新区现有企业0家，其中规上工业企业0家。"},
		Party:    {"全区尚未建立党组织。", "党组织覆盖企业0家，覆盖率暂无法计算（尚无企业登记）。"},
		Problems: {"1月，未收集到涉企问题。"},
		Stations: {"全区尚未建成红色驿站。"},
		Safety:   {"1月，全区0家企业未发生重大安全生产事故。", "开展安全检查0次，查处违章行为0起，发生安全生产事故（事件）0起，排查出的安全隐患已全部整改到位。"},
		Economy:  {"截至1月份，规上工业总产值暂无统计数据。"},
	}
	for k, w := range want {
		if got := sentences(b, k); !slices.Equal(got, w) {
			t.Errorf("%s:\n got %q\nwant %q", k, got, w)
		}
	}
	if txt := Text(b); strings.Contains(txt, "1—1月") {
		t.Errorf("January range: %s", txt)
	}
}

func TestJanuaryHasNoYearToDateRepeat(t *testing.T) {
	in := article()
	in.Month = time.Date(2022, 1, 1, 0, 0, 0, 0, rules.Location())
	b := Build(in, "zh-CN")
	if got := sentences(b, Visits)[1]; got != "1月，开展三级走访800余次，走访企业700余家，走访覆盖率87.5%。" {
		t.Errorf("visits: %q", got)
	}
	if got := sentences(b, Economy); len(got) != 3 || got[0] != "截至1月份，规上工业企业完成总产值106.5亿元，同比增长50%以上。" {
		t.Errorf("economy: %q", got)
	}
	if b.Title != "城西新区党建工作简报（2022年1月）" {
		t.Errorf("title %q", b.Title)
	}
}

func TestAccidentsAndDecline(t *testing.T) {
	in := article()
	in.MajorAccidents, in.DaysSinceMajor = 1, nil
	in.OpenHazards = 0
	in.OutputYTD, in.OutputYTDPrev = 877, 1000
	in.ProblemsOpen, in.ProblemsOverdue = 5, 0
	b := Build(in, "zh-CN")
	if got := sentences(b, Safety); got[0] != "1—8月，全区发生重大安全生产事故1起。" || !strings.HasSuffix(got[1], "，排查出的安全隐患已全部整改到位。") {
		t.Errorf("safety: %q", got)
	}
	if got := sentences(b, Economy)[0]; got != "截至8月份，规上工业企业完成总产值877元，同比下降12%以上。" {
		t.Errorf("economy: %q", got)
	}
	if got := sentences(b, Problems)[1]; got != "目前尚有5个问题正在办理，均在办理期限内。" {
		t.Errorf("problems: %q", got)
	}
	if got := sentences(Build(in, "en"), Safety)[0]; got != "In January–August, the zone had 1 major work-safety accident." {
		t.Errorf("en safety: %q", got)
	}
	in.OutputYTD = 1000
	if got := sentences(Build(in, "zh-CN"), Economy)[0]; got != "截至8月份，规上工业企业完成总产值1000元，与上年同期持平。" {
		t.Errorf("flat: %q", got)
	}
}

func TestText(t *testing.T) {
	txt := Text(Build(article(), "zh-CN"))
	if !strings.HasPrefix(txt, "城西新区党建工作简报（2021年8月）\n\n一、基本情况\n城西新区现有企业1700余家") {
		t.Errorf("start:\n%s", txt)
	}
	last := -1
	for _, h := range []string{"一、基本情况", "二、党建覆盖", "三、网格走访", "四、涉企问题", "五、红色驿站", "六、安全生产", "七、经济运行"} {
		i := strings.Index(txt, "\n"+h+"\n")
		if i <= last {
			t.Errorf("heading %s at %d, after %d", h, i, last)
		}
		last = i
	}
	if strings.ContainsAny(txt, "#*`") {
		t.Errorf("markdown in plain text")
	}
	en := Text(Build(article(), "en"))
	if !strings.Contains(en, "\n1. Basic situation\nChengxi New Area has") || !strings.Contains(en, "\n7. Economy\n") {
		t.Errorf("en:\n%s", en)
	}
	if !strings.Contains(en, "of 87.5%. ") && !strings.Contains(en, "87.5%.\n") {
		t.Errorf("en sentences not separated by a space:\n%s", en)
	}
	for i, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 21: "二十一"} {
		if got := chineseOrdinal(i); got != want {
			t.Errorf("chineseOrdinal(%d) = %q", i, got)
		}
	}
}

// Every key of the exact-counts table names a figure the briefing states,
// so a typo in the table cannot silently round a figure meant to be exact.
func TestExactCountKeysAreUsed(t *testing.T) {
	used := map[string]bool{}
	for _, in := range []Input{article(), {Month: article().Month}} {
		in.MajorAccidents = 1
		for _, b := range []Briefing{Build(in, "zh-CN"), Build(article(), "zh-CN")} {
			for _, s := range b.Sections {
				for _, st := range s.Sentences {
					for _, f := range st.Figures {
						base, _, _ := strings.Cut(f.Key, ":")
						used[base] = true
					}
				}
			}
		}
	}
	for k := range rules.BriefingExactCounts {
		if !used[k] {
			t.Errorf("rules.BriefingExactCounts names %q, which no sentence states", k)
		}
	}
}

// Both languages label the same figure keys.
func TestLabelsMatch(t *testing.T) {
	for k := range zh.labels {
		if en.labels[k] == "" {
			t.Errorf("en lacks label %q", k)
		}
	}
	for k := range en.labels {
		if zh.labels[k] == "" {
			t.Errorf("zh lacks label %q", k)
		}
	}
	for _, k := range Keys {
		if zh.titles[k] == "" || en.titles[k] == "" || zh.sections[k] == nil || en.sections[k] == nil {
			t.Errorf("section %q incomplete", k)
		}
	}
}
