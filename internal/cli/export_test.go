package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redgrid/internal/demo"
	"redgrid/internal/model"
	"redgrid/internal/secret"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// count runs a COUNT query on the test database.
func count(t *testing.T, s *store.Store, q string) int {
	t.Helper()
	var n int
	if err := s.R.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// redgrid export writes every register of the demo zone to files the
// importer's reader accepts, with every row the system sees, masks
// members' personal data, audits each export, and fails on one line.
func TestExportCommand(t *testing.T) {
	db := storetest.URL(t)
	dir := dataDir(t, db)
	ctx := context.Background()
	keys, err := secret.LoadKeyring(func(string) string { return "" }, dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Keys = keys
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "企业名录.xlsx")
	r := run(t, db, "", "export", "enterprises", "--out", out)
	if r.code != 0 || !strings.Contains(r.out, "exported 1736 enterprises") {
		t.Fatalf("export enterprises: %+v", r)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := tabular.Open(b, out, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := tabular.Parse(f, tabular.Enterprises)
	if err != nil || len(parsed.Rows) != res.Enterprises || len(parsed.Errors) != 0 {
		t.Fatalf("read back: %d rows, %d errors, %v", len(parsed.Rows), len(parsed.Errors), err)
	}
	above := 0
	for _, row := range parsed.Rows {
		if v, _ := row.Value("above_scale").(bool); v {
			above++
		}
	}
	if above != 189 {
		t.Errorf("规上 in the export: %d", above)
	}

	csvOut := filepath.Join(t.TempDir(), "members.csv")
	if r := run(t, db, "", "export", "members", "--format", "csv-gb18030", "--out", csvOut); r.code != 0 {
		t.Fatalf("export members: %+v", r)
	}
	b, _ = os.ReadFile(csvOut)
	f, err = tabular.Open(b, csvOut, tabular.Options{})
	if err != nil || f.Encoding != tabular.EncodingGB18030 {
		t.Fatalf("members csv: %v %v", f, err)
	}
	parsed, _ = tabular.Parse(f, tabular.Members)
	// Total: masked ID numbers may coincide, which an import would call
	// duplicates; every member with an organization is in the file.
	if want := count(t, s, "SELECT COUNT(*) FROM members WHERE org_path <> ''"); parsed.Total != want {
		t.Fatalf("members: %d rows, want %d", parsed.Total, want)
	}
	orgs, _ := s.OrgCodes(ctx)
	known := map[string]bool{}
	for _, c := range orgs {
		known[c] = true
	}
	for _, row := range parsed.Rows[:20] {
		if id := row.Text("id_number"); !strings.Contains(id, "********") {
			t.Fatalf("unmasked ID number %q", id)
		}
		if p := row.Text("phone"); p != "" && !strings.Contains(p, "****") {
			t.Fatalf("unmasked phone %q", p)
		}
		if !known[row.Text("org")] {
			t.Fatalf("organization column holds %q, not a code", row.Text("org"))
		}
	}

	// Every other register, to standard output; the audit log is counted
	// before its own export's entry.
	for _, c := range []struct {
		register string
		spec     *tabular.Spec
		table    string
	}{
		{"grids", tabular.Grids, "grids"},
		{"organizations", tabular.Organizations, "organizations"},
		{"surveys", tabular.Surveys, "surveys"},
		{"transfers", tabular.Transfers, "transfers"},
		{"audit", tabular.AuditLog, "audit_log"},
	} {
		want := count(t, s, "SELECT COUNT(*) FROM "+c.table)
		r := run(t, db, "", "export", c.register, "--format", "csv")
		if r.code != 0 {
			t.Fatalf("export %s: %+v", c.register, r.err)
		}
		f, err := tabular.Open([]byte(r.out), c.register+".csv", tabular.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.register, err)
		}
		parsed, err := tabular.Parse(f, c.spec)
		if err != nil || len(parsed.Rows) != want || len(parsed.Errors) != 0 || want == 0 {
			t.Fatalf("%s: %d rows (want %d), errors %+v, %v", c.register, len(parsed.Rows), want, parsed.Errors, err)
		}
		if !strings.Contains(r.err, "exported ") {
			t.Errorf("%s: no summary on stderr: %q", c.register, r.err)
		}
		if c.register == "grids" && parsed.Rows[len(parsed.Rows)-1].Text("parent") == "" {
			t.Errorf("grid parent codes missing")
		}
	}
	entries, err := s.ListAudit(ctx, model.AuditFilter{Action: "export.", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 7 || entries[len(entries)-1].Action != "export.enterprises" ||
		!strings.Contains(entries[len(entries)-1].After, `"rows":1736`) || entries[0].ActorID != model.System.UserID {
		t.Fatalf("export audit: %+v", entries)
	}

	if r := run(t, db, "", "export", "--help"); r.code != 0 || !strings.Contains(r.err, "transfers") {
		t.Fatalf("help: %+v", r)
	}
	if r := run(t, db, "", "export", "output"); r.code != 1 || !strings.Contains(r.err, "grids, enterprises") ||
		strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
		t.Fatalf("unknown register: %+v", r)
	}
	if r := run(t, db, "", "export"); r.code != 1 {
		t.Fatalf("no register: %+v", r)
	}
	if r := run(t, db, "", "export", "members", "--format", "pdf"); r.code != 1 || !strings.Contains(r.err, "csv-gb18030") {
		t.Fatalf("bad format: %+v", r)
	}
	if r := run(t, db, "", "export", "members", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.xlsx")); r.code != 1 {
		t.Fatalf("bad path: %+v", r)
	}
}
