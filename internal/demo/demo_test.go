package demo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/demo"
	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func load(t *testing.T) (*store.Store, demo.Result) {
	t.Helper()
	s, _ := storetest.Open(t)
	began := time.Now()
	r, err := demo.Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: demo loaded in %s", s.Engine(), time.Since(began).Round(time.Millisecond))
	return s, r
}

// snapshot lists every enterprise with its industry and grid codes, in
// credit-code order.
func snapshot(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows, err := s.R.Query(`SELECT e.uscc, e.name, e.short_name, i.code, g.code, e.above_scale, e.address, e.lat, e.lng,
		e.employees, e.status, e.founded_on, e.legal_rep FROM enterprises e
		JOIN industries i ON i.id = e.industry_id JOIN grids g ON g.id = e.grid_id ORDER BY e.uscc`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code, name, short, ind, grid, addr, status, rep string
		var above bool
		var lat, lng float64
		var emp int
		var founded time.Time
		if err := rows.Scan(&code, &name, &short, &ind, &grid, &above, &addr, &lat, &lng, &emp, &status, &founded, &rep); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%v|%s|%.6f|%.6f|%d|%s|%s|%s",
			code, name, short, ind, grid, above, addr, lat, lng, emp, status, founded.Format("2006-01-02"), rep))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLoad(t *testing.T) {
	t.Parallel()
	s, r := load(t)
	ctx := context.Background()
	checkStations(t, s, r)
	checkEconomy(t, s, r)

	// The article's figures, counted from the stored records.
	var total, above, workers int
	if err := s.R.QueryRow("SELECT COUNT(*), COALESCE(SUM(CASE WHEN above_scale THEN 1 ELSE 0 END), 0) FROM enterprises").Scan(&total, &above); err != nil {
		t.Fatal(err)
	}
	if total < 1700 || total > 1799 || above != 189 {
		t.Fatalf("%d enterprises, %d above scale; want 1,7xx and 189", total, above)
	}
	if r.Enterprises != total || r.AboveScale != above {
		t.Fatalf("result says %d/%d, database %d/%d", r.Enterprises, r.AboveScale, total, above)
	}
	if err := s.R.QueryRow("SELECT COUNT(*) FROM users WHERE role = 'grid_worker'").Scan(&workers); err != nil {
		t.Fatal(err)
	}
	if workers != 43 || r.GridWorkers != 43 || r.Grids != 43 || r.Areas != 5 || r.GridHeads != 5 || r.Zone != "城西新区" {
		t.Fatalf("staff and grids: %d workers, result %+v", workers, r)
	}
	// Every grid has its worker; every area its head.
	grids, err := s.Grids(ctx, model.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range grids {
		switch {
		case g.Level == model.GridGrid && (len(g.Workers) != 1 || g.Enterprises == 0):
			t.Errorf("grid %s: workers %v, %d enterprises", g.Code, g.Workers, g.Enterprises)
		case g.Level == model.GridArea && len(g.Heads) != 1:
			t.Errorf("area %s: heads %v", g.Code, g.Heads)
		}
	}

	// The four leading industries dominate.
	if len(r.Industries) < 4 {
		t.Fatalf("industries %+v", r.Industries)
	}
	var lead []string
	sum := 0
	for _, ic := range r.Industries[:4] {
		lead = append(lead, ic.Industry)
		sum += ic.Enterprises
	}
	slices.Sort(lead)
	if want := []string{"不锈钢制品", "农业机械", "电动工具", "门业"}; !slices.Equal(lead, want) || sum*2 < total {
		t.Fatalf("leading industries %v (%d of %d)", lead, sum, total)
	}

	// The eight couriers, named like 永康市韵达快递有限公司.
	ind := industryByCode(t, s, "courier")
	page, err := s.ListEnterprises(ctx, model.System, model.EnterpriseFilter{IndustryID: ind.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var couriers []string
	for _, e := range page.Items {
		couriers = append(couriers, e.Name)
	}
	slices.Sort(couriers)
	want := []string{"永康市中通快递有限公司", "永康市京东物流有限公司", "永康市圆通速递有限公司", "永康市德邦物流有限公司",
		"永康市极兔速递有限公司", "永康市申通快递有限公司", "永康市韵达快递有限公司", "永康市顺丰速运有限公司"}
	slices.Sort(want)
	if !slices.Equal(couriers, want) {
		t.Fatalf("couriers %v", couriers)
	}

	// The named enterprises, found by two-character search.
	for _, c := range []struct{ kw, name, industry string }{
		{"兰歌", "浙江兰歌化学工业有限公司", "化学工业"},
		{"安德", "浙江安德电器有限公司", "家用电器"},
		{"韵达", "永康市韵达快递有限公司", "快递物流"},
	} {
		page, err := s.ListEnterprises(ctx, model.System, model.EnterpriseFilter{Keyword: c.kw})
		if err != nil || len(page.Items) != 1 || page.Items[0].Name != c.name || page.Items[0].IndustryName != c.industry {
			t.Fatalf("search %s: %+v %v", c.kw, page.Items, err)
		}
		if c.kw == "安德" && (page.Items[0].FoundedOn == nil || page.Items[0].FoundedOn.Year() >= 2006) {
			t.Fatalf("安德 founded %v, want before its branch (2006)", page.Items[0].FoundedOn)
		}
	}

	// Codes valid and distinct; coordinates near 永康; people invented.
	rows, err := s.R.Query("SELECT uscc, lat, lng, legal_rep, address FROM enterprises")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var code, rep, addr string
		var lat, lng float64
		if err := rows.Scan(&code, &lat, &lng, &rep, &addr); err != nil {
			t.Fatal(err)
		}
		if p, _ := ident.ValidateUSCC(code); p != "" || seen[code] {
			t.Fatalf("code %s: %q (seen %v)", code, p, seen[code])
		}
		seen[code] = true
		if lat < 28.8 || lat > 29.0 || lng < 119.9 || lng > 120.1 {
			t.Fatalf("%s at %f,%f", code, lat, lng)
		}
		if articlePeople[rep] || !strings.HasPrefix(addr, "浙江省永康市") {
			t.Fatalf("%s: legal representative %s, address %s", code, rep, addr)
		}
	}
	rows.Close()

	// One login per role, usable with the printed password.
	if len(r.Logins) != len(model.Roles) || !reflect.DeepEqual(demo.Logins(), r.Logins) {
		t.Fatalf("logins %+v, Logins() %+v", r.Logins, demo.Logins())
	}
	for i, l := range r.Logins {
		if l.Role != model.Roles[i] || l.Password != demo.Password || auth.CheckPolicy(l.Password, l.Username) != "" {
			t.Fatalf("login %+v", l)
		}
		u, err := s.UserByUsername(ctx, l.Username)
		if err != nil || u.Role != l.Role || u.DisplayName != l.DisplayName || articlePeople[u.DisplayName] {
			t.Fatalf("user %s: %+v %v", l.Username, u, err)
		}
		if ok, err := auth.Verify(demo.Password, u.PasswordHash); !ok || err != nil {
			t.Fatalf("password of %s: %v %v", l.Username, ok, err)
		}
		switch l.Role {
		case model.RoleDepartment:
			if u.DepartmentName != "安监" {
				t.Fatalf("department user in %q", u.DepartmentName)
			}
		case model.RoleOrgSecretary, model.RoleMember:
			org, err := s.OrganizationByCode(ctx, "CX-ANDE")
			if err != nil || !slices.Equal(u.OrgIDs, []int64{org.ID}) || org.Name != "浙江安德电器有限公司党支部" {
				t.Fatalf("%s: orgs %v, branch %+v %v", l.Username, u.OrgIDs, org, err)
			}
		}
	}
	users, err := s.Users(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, u := range users {
		if articlePeople[u.DisplayName] || names[u.DisplayName] {
			t.Fatalf("display name %s", u.DisplayName)
		}
		names[u.DisplayName] = true
	}

	// The organizations hang under the 党工委.
	orgs, err := s.Organizations(ctx)
	if err != nil || len(orgs) != r.Organizations || orgs[0].Name != "城西新区党工委" || orgs[0].Kind != store.OrgCommittee {
		t.Fatalf("organizations %+v %v", orgs, err)
	}
	for _, o := range orgs[1:] {
		if !strings.HasPrefix(o.Path, orgs[0].Path) {
			t.Fatalf("organization %s outside the 党工委's tree: %s", o.Name, o.Path)
		}
	}

	// Every write was audited.
	if res, err := s.VerifyAudit(ctx); err != nil || res.BadSeq != 0 || res.Entries < int64(total) {
		t.Fatalf("audit: %+v %v", res, err)
	}

	// A second load is refused and changes nothing.
	if _, err := demo.Load(ctx, s); !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("second load: %v", err)
	}
	if n, _, _ := s.CountEnterprises(ctx, model.System, model.EnterpriseFilter{}, 5000); n != total {
		t.Fatalf("after refused load: %d", n)
	}
}

func TestLoadDeterministic(t *testing.T) {
	t.Parallel()
	a, ra := load(t)
	b, rb := load(t)
	if !reflect.DeepEqual(ra, rb) {
		t.Fatalf("results differ:\n%+v\n%+v", ra, rb)
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	if len(sa) != ra.Enterprises || !slices.Equal(sa, sb) {
		for i := range min(len(sa), len(sb)) {
			if sa[i] != sb[i] {
				t.Fatalf("first difference:\n%s\n%s", sa[i], sb[i])
			}
		}
		t.Fatalf("%d and %d enterprises", len(sa), len(sb))
	}
}

func TestLoadRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	s, _ := storetest.Open(t)
	storetest.MustUser(t, s, "someone", model.RoleAdmin)
	if _, err := demo.Load(context.Background(), s); !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("load into a used database: %v", err)
	}
}

// articlePeople are the real people the article names; the demo invents
// everyone.
var articlePeople = map[string]bool{"付胜文": true, "周旭兴": true, "应永健": true, "裘志威": true, "陈伟强": true, "吕琳萍": true, "胡东升": true}

func industryByCode(t *testing.T, s *store.Store, code string) model.Industry {
	t.Helper()
	ins, err := s.Industries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		if in.Code == code {
			return in
		}
	}
	t.Fatalf("no industry %s", code)
	return model.Industry{}
}
