package imports_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"redgrid/internal/export"
	"redgrid/internal/imports"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

var bg = context.Background()

func setup(t *testing.T) (*store.Store, storetest.Fixture) {
	t.Helper()
	s, clock := storetest.Open(t)
	clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	return s, storetest.MustZone(t, s)
}

func run(t *testing.T, s *store.Store, actor *model.Actor, register, file string, mode store.ImportMode, commit bool) (*imports.Report, error) {
	t.Helper()
	rep, err := imports.Run(bg, s, actor, []byte(file), register+".csv", imports.Options{Register: register, Mode: mode, Commit: commit})
	if err != nil && !imports.IsInvalid(err) {
		t.Fatalf("run %s: %v", register, err)
	}
	if rep.FileError != nil {
		t.Fatalf("file error: %v", rep.FileError)
	}
	return rep, err
}

func enterpriseCount(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM enterprises").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func errorsText(rep *imports.Report) string {
	var b strings.Builder
	for _, e := range rep.Errors {
		fmt.Fprintf(&b, "%d%s:%s:%s\n", e.Row, e.Col, e.Field, e.Key)
	}
	return b.String()
}

func auditActions(t *testing.T, s *store.Store, prefix string) []model.AuditEntry {
	t.Helper()
	es, err := s.ListAudit(bg, model.AuditFilter{Action: prefix, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestEnterpriseImportPreviewFixCommit(t *testing.T) {
	s, f := setup(t)
	ind := f.Industry.Name
	bad := strings.Join([]string{
		"企业名录导入", // a title row above the header
		"统一社会信用代码,企业名称,行业,所属网格,规上企业,从业人数,成立日期",
		storetest.USCC(1) + ",甲公司," + ind + ",A1,是,120,2021/8/31",
		storetest.USCC(2)[:17] + "0,乙公司," + ind + ",A1,否,10,2021-08-31", // wrong check character
		storetest.USCC(3) + ",丙公司," + ind + ",无此网格,否,10,",               // unknown grid
		storetest.USCC(4) + ",丁公司," + ind + ",A,否,10,",                  // an area, not a grid
		storetest.USCC(5) + ",戊公司," + ind + ",东二网格,否,5,2021年8月31日",      // a grid by name
	}, "\n")
	before := len(auditActions(t, s, "enterprise."))
	indexes := indexNames(t, s)
	rep, err := run(t, s, model.System, "enterprises", bad, store.ImportUpsert, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Counts != (store.ImportCounts{Total: 5, New: 2, Invalid: 3}) {
		t.Fatalf("preview counts %+v", rep.Counts)
	}
	want := "4A:uscc:ident.uscc_check\n5D:grid:import.unknown_ref\n6D:grid:enterprise.grid_leaf\n"
	if got := errorsText(rep); !strings.HasPrefix(got, "4A:uscc:") || !strings.Contains(got, "5D:grid:import.unknown_ref") ||
		!strings.Contains(got, "6D:grid:enterprise.grid_leaf") || len(rep.Errors) != 3 {
		t.Fatalf("errors:\n%s\nwant like:\n%s", got, want)
	}
	if rep.Errors[1].Header != "所属网格" {
		t.Fatalf("header %q", rep.Errors[1].Header)
	}
	if len(rep.Bad) != 3 || rep.Bad[0].Line != 4 {
		t.Fatalf("bad rows %+v", rep.Bad)
	}
	// A commit of the bad file writes nothing.
	if _, err := run(t, s, model.System, "enterprises", bad, store.ImportUpsert, true); !imports.IsInvalid(err) {
		t.Fatalf("commit with bad rows: %v", err)
	}
	if n := enterpriseCount(t, s); n != 0 {
		t.Fatalf("%d enterprises after a refused commit", n)
	}

	fixed := strings.Join([]string{
		"统一社会信用代码,企业名称,行业,所属网格,规上企业,从业人数,成立日期",
		storetest.USCC(1) + ",甲公司," + ind + ",A1,是,120,2021/8/31",
		storetest.USCC(2) + ",乙公司," + ind + ",A1,否,10,2021-08-31",
		storetest.USCC(3) + ",丙公司," + ind + ",A2,否,10,",
		storetest.USCC(5) + ",戊公司," + ind + ",东二网格,否,5,2021年8月31日",
	}, "\n")
	rep, err = run(t, s, model.System, "enterprises", fixed, store.ImportUpsert, true)
	if err != nil || !rep.Committed || rep.Counts != (store.ImportCounts{Total: 4, New: 4}) {
		t.Fatalf("commit: %v %+v", err, rep.Counts)
	}
	e, err := s.EnterpriseByUSCC(bg, model.System, storetest.USCC(5))
	if err != nil || e.GridID != f.GridA2.ID || e.FoundedOn == nil || e.FoundedOn.Format("2006-01-02") != "2021-08-31" {
		t.Fatalf("stored %+v %v", e, err)
	}
	a1, err := s.EnterpriseByUSCC(bg, model.System, storetest.USCC(1))
	if err != nil || !a1.AboveScale || a1.Employees != 120 {
		t.Fatalf("stored %+v %v", a1, err)
	}
	// The batch import turned foreign-key enforcement off on the SQLite
	// writer for its transaction only.
	if s.Engine() == "sqlite" {
		var fk int
		if err := s.W.QueryRowContext(bg, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("foreign keys after an import: %d %v", fk, err)
		}
	}
	// A first load drops and rebuilds the indexes inside its transaction:
	// they are all back.
	if got := indexNames(t, s); got != indexes {
		t.Fatalf("indexes after the import:\n%s\nbefore:\n%s", got, indexes)
	}
	// Keyword search finds an imported name (bigrams written).
	p, err := s.ListEnterprises(bg, model.System, model.EnterpriseFilter{Keyword: "丙公", Limit: 10})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("search: %v %+v", err, p.Items)
	}
	// One audit entry for the file, with its checksum and counts.
	es := auditActions(t, s, "enterprise.")
	if len(es)-before != 1 || es[0].Action != "enterprise.import" || !strings.Contains(es[0].After, rep.Checksum) ||
		!strings.Contains(es[0].After, `"new":4`) {
		t.Fatalf("audit: %d new entries, first %+v", len(es)-before, es[0])
	}

	// The same file again: unchanged; one edit: changed.
	rep, _ = run(t, s, model.System, "enterprises", fixed, store.ImportUpsert, false)
	if rep.Counts != (store.ImportCounts{Total: 4, Unchanged: 4}) {
		t.Fatalf("re-run counts %+v", rep.Counts)
	}
	edited := strings.Replace(fixed, "丙公司,"+ind+",A2,否,10", "丙公司,"+ind+",A2,是,30", 1)
	rep, err = run(t, s, model.System, "enterprises", edited, store.ImportUpsert, true)
	if err != nil || rep.Counts != (store.ImportCounts{Total: 4, Changed: 1, Unchanged: 3}) {
		t.Fatalf("edit counts %v %+v", err, rep.Counts)
	}
	c3, _ := s.EnterpriseByUSCC(bg, model.System, storetest.USCC(3))
	if !c3.AboveScale || c3.Employees != 30 || c3.Version != 2 {
		t.Fatalf("edited %+v", c3)
	}
	// Grid counters follow the edit.
	g, err := s.Grid(bg, model.System, f.GridA2.ID)
	if err != nil || g.Enterprises != 2 || g.AboveScale != 1 {
		t.Fatalf("grid counts %+v %v", g, err)
	}

	// Modes: create refuses stored keys, update refuses unknown ones.
	rep, _ = run(t, s, model.System, "enterprises", fixed, store.ImportCreate, false)
	if rep.Counts.Invalid != 4 || rep.Errors[0].Key != "import.exists" {
		t.Fatalf("create mode %+v %s", rep.Counts, errorsText(rep))
	}
	newOne := "统一社会信用代码,企业名称,行业,所属网格\n" + storetest.USCC(9) + ",己公司," + ind + ",B1\n"
	rep, _ = run(t, s, model.System, "enterprises", newOne, store.ImportUpdate, false)
	if rep.Counts.Invalid != 1 || rep.Errors[0].Key != "import.not_found" || rep.Errors[0].Col != "A" {
		t.Fatalf("update mode %+v %s", rep.Counts, errorsText(rep))
	}
}

func TestEnterpriseImportScope(t *testing.T) {
	s, f := setup(t)
	storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 7, "西边公司")
	u := storetest.MustUser(t, s, "worker", model.RoleGridWorker, f.GridA1.ID)
	actor := storetest.Actor(t, s, u)
	file := "统一社会信用代码,企业名称,行业,所属网格\n" +
		storetest.USCC(8) + ",外网格公司," + f.Industry.Name + ",B1\n" +
		storetest.USCC(7) + ",西边公司改名," + f.Industry.Name + ",A1\n"
	rep, _ := run(t, s, actor, "enterprises", file, store.ImportUpsert, false)
	got := errorsText(rep)
	if rep.Counts.Invalid != 2 || !strings.Contains(got, "2D:grid:enterprise.grid_scope") ||
		!strings.Contains(got, "3A:uscc:import.key_outside_scope") {
		t.Fatalf("scope errors %+v\n%s", rep.Counts, got)
	}
}

func TestGridImportRefersToRowsAbove(t *testing.T) {
	s, _ := setup(t)
	file := "网格编码,网格名称,层级,上级编码\nC,南片区,片区,Z\nC1,南一网格,网格,C\nC2,南二网格,网格,C1\nC3,南三网格,网格,C\n"
	rep, err := run(t, s, model.System, "grids", file, store.ImportUpsert, false)
	if err != nil {
		t.Fatal(err)
	}
	// C2's parent is a grid, not an area: that row alone is refused, on
	// both engines (a savepoint keeps the transaction going).
	if rep.Counts != (store.ImportCounts{Total: 4, New: 3, Invalid: 1}) || rep.Errors[0].Row != 4 || rep.Errors[0].Col != "D" {
		t.Fatalf("preview %+v %s", rep.Counts, errorsText(rep))
	}
	var n int
	s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM grids WHERE code LIKE 'C%'").Scan(&n)
	if n != 0 {
		t.Fatalf("a preview wrote %d grids", n)
	}
	file = strings.Replace(file, "C2,南二网格,网格,C1", "C2,南二网格,网格,C", 1)
	rep, err = run(t, s, model.System, "grids", file, store.ImportUpsert, true)
	if err != nil || rep.Counts.New != 4 {
		t.Fatalf("commit %v %+v %s", err, rep.Counts, errorsText(rep))
	}
	s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM grids WHERE code LIKE 'C%' AND path LIKE '%/'").Scan(&n)
	if n != 4 {
		t.Fatalf("%d grids stored", n)
	}
	if es := auditActions(t, s, "grid."); es[0].Action != "grid.import" || len(es) != 7 { // 6 fixture grids + the import
		t.Fatalf("audit %d entries, first %s", len(es), es[0].Action)
	}
}

func TestPartyImports(t *testing.T) {
	s, f := setup(t)
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "安德公司")
	orgs := "组织编码,组织名称,组织类型,上级党组织编码,成立日期\nDGW,城西新区党工委,党委,,2006-01-01\nDZB-1,安德党支部,党支部,DGW,2006/5/1\n"
	rep, err := run(t, s, model.System, "organizations", orgs, store.ImportUpsert, true)
	if err != nil || rep.Counts.New != 2 {
		t.Fatalf("orgs %v %+v %s", err, rep.Counts, errorsText(rep))
	}
	rep, _ = run(t, s, model.System, "organizations", orgs, store.ImportUpsert, false)
	if rep.Counts.Unchanged != 2 {
		t.Fatalf("orgs again %+v", rep.Counts)
	}
	members := "姓名,身份证号,党员类别,所在党组织编码,工作单位统一社会信用代码,接收为预备党员日期,转为正式党员日期\n" +
		"张一,11010519491231002x,正式党员,DZB-1," + storetest.USCC(1) + ",1974-07-01,1975-07-01\n" +
		"张二,330106199003071236,预备党员,DZB-9,,2026-06-01,\n"
	rep, _ = run(t, s, model.System, "members", members, store.ImportUpsert, false)
	if rep.Counts.Invalid != 1 || !strings.Contains(errorsText(rep), "3D:org:import.unknown_ref") {
		t.Fatalf("members preview %+v %s", rep.Counts, errorsText(rep))
	}
	members = strings.Replace(members, "DZB-9", "DZB-1", 1)
	rep, err = run(t, s, model.System, "members", members, store.ImportUpsert, true)
	if err != nil || rep.Counts.New != 2 {
		t.Fatalf("members %v %+v %s", err, rep.Counts, errorsText(rep))
	}
	p, err := s.ListMembers(bg, model.System, model.MemberFilter{Keyword: "11010519491231002X", Limit: 5})
	if err != nil || len(p.Items) != 1 || p.Items[0].Name != "张一" || p.Items[0].EnterpriseName != "安德公司" {
		t.Fatalf("member by ID: %v %+v", err, p.Items)
	}
	rep, _ = run(t, s, model.System, "members", members, store.ImportUpsert, false)
	if rep.Counts.Unchanged != 2 {
		t.Fatalf("members again %+v %s", rep.Counts, errorsText(rep))
	}
	surveys := "姓名,所在企业信用代码,党员类别,转入意愿\n王五," + storetest.USCC(1) + ",正式党员,愿意\n"
	rep, err = run(t, s, model.System, "surveys", surveys, store.ImportUpsert, true)
	if err != nil || rep.Counts.New != 1 {
		t.Fatalf("surveys %v %+v %s", err, rep.Counts, errorsText(rep))
	}
	if _, err := imports.Run(bg, s, model.System, []byte(surveys), "s.csv", imports.Options{Register: "surveys", Mode: store.ImportUpdate}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("surveys in update mode: %v", err)
	}
}

func TestOutputValueImport(t *testing.T) {
	s, f := setup(t)
	storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "安德公司")
	file := "统一社会信用代码,月份,产值（万元）,订单额（万元）\n" +
		storetest.USCC(1) + ",2021-08,1234.5678,\n" +
		storetest.USCC(1) + ",2021/7/1,1000,120.5\n" +
		storetest.USCC(1) + ",2021-08,1,\n" + // the same key again
		storetest.USCC(2) + ",2021-08,1,\n" + // no such enterprise
		storetest.USCC(1) + ",2027-01,1,\n" + // the future
		storetest.USCC(1) + ",2021-06,-5,\n" // negative
	rep, _ := run(t, s, model.System, "output_values", file, store.ImportUpsert, false)
	got := errorsText(rep)
	for _, w := range []string{"4A:enterprise:" + tabular.ErrDuplicateKey, "5A:enterprise:import.unknown_ref", "6B:month:output.month_future", "7C:value:" + tabular.ErrRange} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %s in\n%s", w, got)
		}
	}
	if rep.Counts.New != 2 || rep.Counts.Invalid != 4 {
		t.Fatalf("counts %+v", rep.Counts)
	}
	ok := strings.Join(strings.Split(file, "\n")[:3], "\n")
	rep, err := run(t, s, model.System, "output_values", ok, store.ImportUpsert, true)
	if err != nil || rep.Counts.New != 2 {
		t.Fatalf("commit %v %+v", err, rep.Counts)
	}
	var v int64
	var orders *int64
	if err := s.R.QueryRowContext(bg, "SELECT value_yuan, orders_yuan FROM output_values WHERE month = '2021-07'").Scan(&v, &orders); err != nil ||
		v != 10_000_000 || orders == nil || *orders != 1_205_000 {
		t.Fatalf("stored %d %v %v", v, orders, err)
	}
	if err := s.R.QueryRowContext(bg, "SELECT value_yuan FROM output_values WHERE month = '2021-08'").Scan(&v); err != nil || v != 12_345_678 {
		t.Fatalf("stored %d %v", v, err)
	}
	// The export writes the same figures in 万元, and reads back unchanged.
	var buf bytes.Buffer
	if n, err := export.Write(bg, &buf, s, model.System, "output_values", "csv", "zh-CN", time.UTC); err != nil || n != 2 {
		t.Fatalf("export: %d %v", n, err)
	}
	if !strings.Contains(buf.String(), "2021-08,1234.5678,") || !strings.Contains(buf.String(), "2021-07,1000,120.5") {
		t.Fatalf("export:\n%s", buf.String())
	}
	rep, err = imports.Run(bg, s, model.System, buf.Bytes(), "back.csv", imports.Options{Register: "output_values", Mode: store.ImportUpsert})
	if err != nil || rep.Counts != (store.ImportCounts{Total: 2, Unchanged: 2}) {
		t.Fatalf("read back: %v %+v %s", err, rep.Counts, errorsText(rep))
	}
}

func TestFileProblemsAreOneError(t *testing.T) {
	s, _ := setup(t)
	rep, err := imports.Run(bg, s, model.System, []byte("\x89PNG\r\n\x1a\nxxxx"), "a.xlsx", imports.Options{Register: "enterprises", Mode: store.ImportUpsert})
	if err != nil || rep.FileError == nil || rep.FileError.Key != tabular.ErrNotSpreadsheet {
		t.Fatalf("png: %v %+v", err, rep)
	}
	rep, err = imports.Run(bg, s, model.System, []byte("名称,地址\n甲,乙\n"), "a.csv", imports.Options{Register: "enterprises", Mode: store.ImportUpsert})
	if err != nil || rep.FileError == nil || rep.FileError.Key != tabular.ErrNoHeader {
		t.Fatalf("no header: %v %+v", err, rep)
	}
	if _, err := imports.Yuan("1.23456"); err == nil {
		t.Fatal("5 decimals accepted")
	}
}

// indexNames lists the enterprise tables' indexes.
func indexNames(t *testing.T, s *store.Store) string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('enterprises', 'enterprise_terms') ORDER BY name"
	if s.Engine() == "postgres" {
		q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('enterprises', 'enterprise_terms') ORDER BY indexname"
	}
	rows, err := s.R.QueryContext(bg, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return strings.Join(out, "\n")
}

// A row the reader refuses is still checked for what its readable cells
// refer to: every problem of the file shows at once, none twice.
func TestEveryErrorOfARowAtOnce(t *testing.T) {
	s, f := setup(t)
	file := "统一社会信用代码,企业名称,行业,所属网格,从业人数\n" +
		storetest.USCC(1) + ",甲公司," + f.Industry.Name + ",无此网格,很多\n" + // a reader error and a store error
		storetest.USCC(2) + ",乙公司,,A1,5\n" // required industry: the reader's, not repeated by the store
	rep, _ := run(t, s, model.System, "enterprises", file, store.ImportUpsert, false)
	got := errorsText(rep)
	want := "2D:grid:import.unknown_ref\n2E:employees:" + tabular.ErrInteger + "\n3C:industry:" + tabular.ErrRequired + "\n"
	if got != want || rep.Counts != (store.ImportCounts{Total: 2, Invalid: 2}) {
		t.Fatalf("errors:\n%s\nwant:\n%s\ncounts %+v", got, want, rep.Counts)
	}
}
