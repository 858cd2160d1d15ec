package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redgrid/internal/demo"
	"redgrid/internal/secret"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// redgrid export writes the demo zone's registers to files the importer's
// reader accepts, with every row, and masks members' personal data.
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
	s.Keys = keys
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

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
	if len(parsed.Rows) < 600 || !strings.Contains(parsed.Rows[0].Text("id_number"), "********") {
		t.Fatalf("members: %d rows, first ID %q", len(parsed.Rows), parsed.Rows[0].Text("id_number"))
	}
	if r := run(t, db, "", "export", "grids"); r.code != 1 || !strings.Contains(r.err, "enterprises or members") {
		t.Fatalf("unknown register: %+v", r)
	}
	if r := run(t, db, "", "export", "members", "--format", "pdf"); r.code != 1 {
		t.Fatalf("bad format: %+v", r)
	}
}
