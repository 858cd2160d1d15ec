package imports_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/imports"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

func TestPhases(t *testing.T) {
	if os.Getenv("PHASES") == "" {
		t.Skip()
	}
	n := 20000
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	inds, _ := s.Industries(bg)
	grids := []gen.Grid{{ID: f.GridA1.ID, Lat: 28.9, Lng: 120.0}}
	indName := map[int64]string{}
	for _, in := range inds {
		indName[in.ID] = in.Name
	}
	rows := gen.Enterprises(gen.Options{Enterprises: n, Seed: 1}, grids, inds)
	var buf bytes.Buffer
	tabular.Write(&buf, tabular.FormatXLSX, tabular.Enterprises, func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield([]any{r.USCC, r.Name, r.ShortName, indName[r.IndustryID], r.AboveScale, "A1", r.Address,
				*r.Lat, *r.Lng, int64(r.Employees), r.Status, nil, r.LegalRep}, nil) {
				return
			}
		}
	}, tabular.WriteOptions{})
	data := buf.Bytes()
	t0 := time.Now()
	fl, _ := tabular.Open(data, "x.xlsx", tabular.Options{})
	res, err := tabular.ParseFunc(fl, tabular.Enterprises, func(tabular.Row) error { return nil })
	t.Logf("parse %v %d %v", time.Since(t0), res.Total, err)
	t0 = time.Now()
	rep, err := imports.Run(bg, s, model.System, data, "x.xlsx", imports.Options{Register: "enterprises", Mode: store.ImportUpsert})
	t.Logf("preview %v %+v %v", time.Since(t0), rep.Counts, err)
	t0 = time.Now()
	rs := make([]store.EnterpriseInput, len(rows))
	copy(rs, rows)
	err = s.BulkLoadEnterprises(bg, rs[:n/2], nil)
	t.Logf("bulk half %v %v", time.Since(t0), err)
	t0 = time.Now()
	rep, err = imports.Run(bg, s, model.System, data, "x.xlsx", imports.Options{Register: "enterprises", Mode: store.ImportUpsert, Commit: true})
	t.Logf("commit %v %+v %v", time.Since(t0), rep.Counts, err)
}
