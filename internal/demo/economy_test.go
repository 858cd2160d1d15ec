package demo_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/briefing"
	"redgrid/internal/demo"
	"redgrid/internal/model"
	"redgrid/internal/officialfmt"
	"redgrid/internal/stats"
	"redgrid/internal/store"
)

// checkEconomy: the fifth part reproduces the article for August 2021 from
// the records, through the one computation the dashboard, the API, the
// export and the briefing share.
func checkEconomy(t *testing.T, s *store.Store, r demo.Result) {
	t.Helper()
	ctx := context.Background()
	fig, err := stats.Compute(ctx, s, model.System, stats.Filter{Month: "2021-08"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := officialfmt.Money(fig.Output.YTD).Text; got != "106.5亿元" {
		t.Fatalf("规上 output Jan–Aug 2021 = %d yuan (%s), want 106.5亿元", fig.Output.YTD, got)
	}
	if p := fig.Output.Growth.Percent; p == nil || *p < 50 || *p >= 60 {
		t.Fatalf("growth %v, want 50%%以上", p)
	}
	if fig.AboveScale != 189 || fig.Enterprises < 1700 || fig.Enterprises > 1799 {
		t.Fatalf("enterprises %d, 规上 %d", fig.Enterprises, fig.AboveScale)
	}
	if r.OutputYTD != fig.Output.YTD || r.AndeOrdersGrowth == nil || *r.AndeOrdersGrowth != 25 {
		t.Fatalf("demo result: %d vs %d; 安德 orders %v", r.OutputYTD, fig.Output.YTD, r.AndeOrdersGrowth)
	}
	// The areas add up to the zone, and the kept totals equal a rebuild.
	var areas int64
	for _, g := range fig.Output.ByGrid {
		areas += g.YTD
	}
	if areas != fig.Output.YTD {
		t.Fatalf("areas sum to %d, zone %d", areas, fig.Output.YTD)
	}
	if err := s.RebuildStats(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := stats.Compute(ctx, s, model.System, stats.Filter{Month: "2021-08"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, fig) {
		t.Fatalf("figures after a rebuild differ:\n%+v\n%+v", again, fig)
	}
	// The export rows carry the exact figure.
	found := false
	for _, row := range fig.Rows() {
		if row.Key == "stats.output_ytd" && row.Value == strconv.FormatInt(fig.Output.YTD, 10) {
			found = true
		}
	}
	if !found {
		t.Fatal("export rows lack the YTD output")
	}
	// The briefing reads the article's figures out of the records.
	b := stats.Briefing(fig, "zh-CN", map[string]string{"economy": "下一步，继续做好助企服务。"})
	text := briefing.Text(b)
	for _, want := range []string{"城西新区党建工作简报（2021年8月）", "企业1700余家", "规上工业企业189家", "106.5亿元", "同比增长50%以上",
		"未发生重大安全生产事故", "安德电器订单同比增长25%", "党组织60多个", "党员600余名", "下一步，继续做好助企服务。"} {
		if !strings.Contains(text, want) {
			t.Fatalf("briefing lacks %q:\n%s", want, text)
		}
	}
	// The .docx opens: a zip whose document part parses and holds the figures.
	raw, err := briefing.Document(b).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
			}
		}
		if f.Name == "word/document.xml" {
			doc = string(data)
		}
	}
	if !strings.Contains(doc, "106.5亿元") || !strings.Contains(doc, "50%以上") {
		t.Fatal("the .docx lacks the figures")
	}
}
