package imports_test

import (
	"bytes"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/imports"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// BenchmarkImportEnterprisesXLSX imports an enterprise workbook end to end
// (read, check, write, commit) into an empty register. IMPORT_BENCH_ROWS
// sets the size (default 20,000; the figure is 1,000,000).
//
//	IMPORT_BENCH_ROWS=1000000 go test ./internal/imports -run '^$' -bench ImportEnterprisesXLSX -benchtime 1x
func BenchmarkImportEnterprisesXLSX(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("IMPORT_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	for range b.N {
		b.StopTimer()
		s, _ := storetest.Open(b)
		f := storetest.MustZone(b, s)
		inds, err := s.Industries(bg)
		if err != nil {
			b.Fatal(err)
		}
		grids := []gen.Grid{{ID: f.GridA1.ID, Lat: 28.9, Lng: 120.0}, {ID: f.GridA2.ID, Lat: 28.91, Lng: 120.01}, {ID: f.GridB1.ID, Lat: 28.92, Lng: 120.02}}
		gridName := map[int64]string{f.GridA1.ID: f.GridA1.Code, f.GridA2.ID: f.GridA2.Code, f.GridB1.ID: f.GridB1.Code}
		indName := map[int64]string{}
		for _, in := range inds {
			indName[in.ID] = in.Name
		}
		rows := gen.Enterprises(gen.Options{Enterprises: n, Seed: 1}, grids, inds)
		var buf bytes.Buffer
		_, err = tabular.Write(&buf, tabular.FormatXLSX, tabular.Enterprises, func(yield func([]any, error) bool) {
			for _, r := range rows {
				var founded any
				if r.FoundedOn != "" {
					founded = r.FoundedOn
				}
				if !yield([]any{r.USCC, r.Name, r.ShortName, indName[r.IndustryID], r.AboveScale, gridName[r.GridID], r.Address,
					*r.Lat, *r.Lng, int64(r.Employees), r.Status, founded, r.LegalRep}, nil) {
					return
				}
			}
		}, tabular.WriteOptions{})
		if err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		rows = nil
		runtime.GC()
		b.StartTimer()
		rep, err := imports.Run(bg, s, model.System, data, "bench.xlsx", imports.Options{Register: "enterprises", Mode: store.ImportUpsert, Commit: true,
			Limits: tabular.Options{MaxBytes: 1 << 30, MaxRows: n}})
		if err != nil || rep.FileError != nil || rep.Counts.New != n {
			b.Fatalf("import: %v %v %+v %v", err, rep.FileError, rep.Counts, rep.Errors)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "rows/s")
		b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
	}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
}
