package gen_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/storetest"
	"redgrid/internal/textkey"
)

func TestRun(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	var log bytes.Buffer
	const n, grids = 3000, 20
	if err := gen.Run(ctx, s, gen.Options{Enterprises: n, Grids: grids, Seed: 7}, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "3000/3000 enterprises loaded") {
		t.Fatalf("log:\n%s", log.String())
	}
	var rows, sum, leaves, areas int
	if err := s.R.QueryRow("SELECT COUNT(*) FROM enterprises").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := s.R.QueryRow("SELECT COALESCE(SUM(enterprises), 0) FROM grid_counts").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if rows != n || sum != n {
		t.Fatalf("%d rows, grid counts sum to %d, want %d", rows, sum, n)
	}
	gs, err := s.Grids(ctx, model.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		switch g.Level {
		case model.GridGrid:
			leaves++
			if g.Enterprises == 0 {
				t.Errorf("grid %s is empty", g.Code)
			}
		case model.GridArea:
			areas++
		case model.GridZone:
			if g.Enterprises != n {
				t.Errorf("zone total %d", g.Enterprises)
			}
		}
	}
	if leaves != grids || areas != 1 {
		t.Fatalf("%d grids in %d areas", leaves, areas)
	}

	// Valid, distinct codes; a plausible mix.
	q, err := s.R.Query("SELECT e.uscc, e.name, e.above_scale, e.lat, e.lng, i.code FROM enterprises e JOIN industries i ON i.id = e.industry_id")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	byIndustry := map[string]int{}
	above := 0
	var names []string
	for q.Next() {
		var code, name, ind string
		var a bool
		var lat, lng float64
		if err := q.Scan(&code, &name, &a, &lat, &lng, &ind); err != nil {
			t.Fatal(err)
		}
		if p, _ := ident.ValidateUSCC(code); p != "" || codes[code] {
			t.Fatalf("code %s: %q, duplicate %v", code, p, codes[code])
		}
		codes[code] = true
		if !strings.HasSuffix(name, "有限公司") || gen.Blocked(name) {
			t.Fatalf("name %s", name)
		}
		if lat < 28.7 || lat > 29.1 || lng < 119.8 || lng > 120.2 {
			t.Fatalf("%s at %f,%f is not near 永康", name, lat, lng)
		}
		byIndustry[ind]++
		if a {
			above++
		}
		names = append(names, name)
	}
	q.Close()
	if share := float64(above) / n; share < 0.08 || share > 0.14 {
		t.Errorf("above-scale share %.3f", share)
	}
	for _, lead := range []string{"agri_machinery", "doors", "power_tools", "stainless"} {
		if byIndustry[lead] < byIndustry["chemical"] || byIndustry[lead] < byIndustry["courier"] {
			t.Errorf("leading industry %s has only %d (%v)", lead, byIndustry[lead], byIndustry)
		}
	}

	// A two-character search finds exactly the names that contain the word.
	kw := string([]rune(strings.TrimPrefix(strings.TrimPrefix(names[0], "永康市"), "浙江"))[:2])
	if len(textkey.QueryBigrams(kw)) != 1 {
		t.Fatalf("keyword %q", kw)
	}
	want := 0
	for _, name := range names {
		if strings.Contains(name, kw) {
			want++
		}
	}
	got, capped, err := s.CountEnterprises(ctx, model.System, model.EnterpriseFilter{Keyword: kw}, n)
	if err != nil || capped || got != want || want == 0 {
		t.Fatalf("count %q: %d (capped %v) %v, want %d", kw, got, capped, err, want)
	}
	page, err := s.ListEnterprises(ctx, model.System, model.EnterpriseFilter{Keyword: kw, Limit: 200})
	if err != nil || len(page.Items) != min(want, 200) {
		t.Fatalf("list %q: %d items %v, want %d", kw, len(page.Items), err, want)
	}
	for _, e := range page.Items {
		if !strings.Contains(e.Name+e.ShortName, kw) {
			t.Fatalf("%q matched %s", kw, e.Name)
		}
	}

	if err := gen.Run(ctx, s, gen.Options{Enterprises: 10, Grids: 1}, nil); !errors.Is(err, gen.ErrNotEmpty) {
		t.Fatalf("second run: %v", err)
	}
}

func TestEnterprisesDeterministic(t *testing.T) {
	grids := []gen.Grid{{ID: 1, Lat: 28.9, Lng: 120}, {ID: 2, Lat: 28.91, Lng: 120.01}}
	industries := []model.Industry{{ID: 1, Code: "doors"}, {ID: 2, Code: "courier"}, {ID: 3, Code: "unknown"}}
	a := gen.Enterprises(gen.Options{Enterprises: 500, Seed: 42}, grids, industries)
	b := gen.Enterprises(gen.Options{Enterprises: 500, Seed: 42}, grids, industries)
	c := gen.Enterprises(gen.Options{Enterprises: 500, Seed: 43}, grids, industries)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different data")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same data")
	}
}

func TestCodes(t *testing.T) {
	// The worked example of GB 11714: D2143569-X.
	if c := gen.OrgCodeCheck("D2143569"); c != 'X' {
		t.Fatalf("D2143569: %c", c)
	}
	if c := gen.OrgCodeCheck("d2143569"); c != 0 {
		t.Fatalf("lower case accepted: %c", c)
	}
	seen := map[string]bool{}
	for n := range uint64(20000) {
		code := gen.CreditCode(gen.YongkangRegion, n, 1)
		if p, _ := ident.ValidateUSCC(code); p != "" {
			t.Fatalf("%s: %s", code, p)
		}
		if !strings.HasPrefix(code, "91330784") || seen[code] {
			t.Fatalf("%s: prefix or duplicate", code)
		}
		if org := code[8:17]; gen.OrgCodeCheck(org[:8]) != org[8] {
			t.Fatalf("%s: organization code check", code)
		}
		seen[code] = true
	}
}

func TestNames(t *testing.T) {
	src := gen.NewSource(1)
	for range 2000 {
		if n := src.PersonName(); len([]rune(n)) < 2 || len([]rune(n)) > 3 {
			t.Fatalf("person %q", n)
		}
		name, short := src.CompanyName("doors", false)
		if !strings.HasSuffix(name, "有限公司") || strings.HasSuffix(name, "股份有限公司") || !strings.Contains(name, short) || gen.Blocked(name) {
			t.Fatalf("company %q (%q)", name, short)
		}
	}
	for _, n := range []string{"永康市韵达快递有限公司", "浙江安德电器有限公司"} {
		if !gen.Blocked(n) {
			t.Fatalf("%s not blocked", n)
		}
	}
}
