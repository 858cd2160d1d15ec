package briefing

import (
	"strconv"
	"strings"

	"redgrid/internal/officialfmt"
	"redgrid/internal/rules"
)

// writer collects the sentences of one section and the figures each uses.
type writer struct {
	in   Input
	l    *language
	lang string
	cur  []Sentence
	figs []Used
}

func (w *writer) zone() string {
	if w.lang == "en" && w.in.ZoneEn != "" {
		return w.in.ZoneEn
	}
	return w.in.Zone
}

// use records f under key and returns its text in the briefing's language.
func (w *writer) use(key, label string, f officialfmt.Figure) officialfmt.Figure {
	if label == "" {
		label = w.l.labels[key]
	}
	w.figs = append(w.figs, Used{
		Key: key, Label: label,
		Text: f.In(w.lang), Exact: f.ExactIn(w.lang), Rounded: f.Rounded,
		Reason: f.ReasonIn(w.lang),
	})
	return f
}

// n states a count: exactly when rules.BriefingExactCounts names its key,
// else rounded by the official tiers.
func (w *writer) n(key string, v int64) string { return w.use(key, "", count(key, v)).In(w.lang) }

func count(key string, v int64) officialfmt.Figure {
	base, _, _ := strings.Cut(key, ":")
	if rules.BriefingExactCounts[base] {
		return officialfmt.Exact(v)
	}
	return officialfmt.Count(v)
}

// money states an amount of yuan.
func (w *writer) money(key, label string, v int64) string {
	return w.use(key, label, officialfmt.Money(v)).In(w.lang)
}

// growth states the change from prev to cur.
func (w *writer) growth(key, label string, cur, prev int64, has bool) officialfmt.Figure {
	return w.use(key, label, officialfmt.Growth(cur, prev, has))
}

// pct states num/den as a rate; reasonKey replaces the generic reason of a
// zero base when set.
func (w *writer) pct(key string, num, den int64, reasonKey string) officialfmt.Figure {
	f := officialfmt.Percent(num, den)
	if !f.OK && reasonKey != "" {
		f = withLocalReason(reasonKey, f)
	}
	return w.use(key, "", f)
}

// say ends a sentence with the figures used since the last one.
func (w *writer) say(text string) {
	if w.lang == "en" && text != "" {
		// a sentence may open with a figure such as "over 10"
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	w.cur = append(w.cur, Sentence{Text: text, Figures: w.figs})
	w.figs = nil
}

// local reasons a rate may not be computable, more telling than "基数为零".
const (
	reasonNoPlan        = "no_visit_plan"
	reasonNoEnterprises = "no_enterprises"
	reasonNoneClosed    = "none_closed"
	reasonNoneRaised    = "none_raised"
)

var localReasons = map[string][2]string{
	reasonNoPlan:        {"本月未设定走访计划", "no visit plan for the month"},
	reasonNoEnterprises: {"尚无企业登记", "no enterprise is registered"},
	reasonNoneClosed:    {"尚无办结问题", "no problem has been closed yet"},
	reasonNoneRaised:    {"尚未收集到问题", "no problem has been raised yet"},
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pl picks the English singular for exactly one.
func pl(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
