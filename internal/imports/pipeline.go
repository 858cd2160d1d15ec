package imports

import (
	"context"
	"errors"
	"io"
	"slices"

	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// readerField marks the issues standing for the reader's own errors on a
// row (Key holds the column): they are reported from the reader's result,
// and the store's issues on the same column are dropped as repeats.
const readerField = "\x00reader"

// errStopped ends the reader when the consumer gave up.
var errStopped = errors.New("imports: stopped")

// pipeline reads f on its own goroutine, turning valid rows into store
// items in batches, while handle runs on the caller's: on two cores the
// parse and the database work overlap.
func pipeline(ctx context.Context, f *tabular.File, spec *tabular.Spec, handle func([]*store.ImportItem) error) (*tabular.Result, error) {
	conv := converters[spec.Name]
	batches := make(chan []*store.ImportItem, 2)
	stop := make(chan struct{})
	type parsed struct {
		res *tabular.Result
		err error
	}
	out := make(chan parsed, 1)
	go func() {
		defer close(batches)
		var batch []*store.ImportItem
		send := func() error {
			select {
			case batches <- batch:
				batch = nil
				return nil
			case <-stop:
				return errStopped
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		res, err := tabular.ParseEach(f, spec, func(r tabular.Row) error {
			batch = append(batch, &store.ImportItem{Line: r.Line, Row: conv(r)})
			if len(batch) == batchSize {
				return send()
			}
			return nil
		}, func(r tabular.Row, errs []tabular.CellError) error {
			// A row the reader refused still goes to the store, marked
			// invalid, so that what its readable cells refer to is
			// checked too and the file's problems are reported at once.
			it := &store.ImportItem{Line: r.Line, Row: conv(r), Status: store.ImportInvalid}
			for _, e := range errs {
				it.Issues = append(it.Issues, store.ImportIssue{Field: readerField, Key: e.Field})
			}
			batch = append(batch, it)
			if len(batch) == batchSize {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		out <- parsed{res, err}
	}()
	var herr error
	for b := range batches {
		if herr == nil {
			if herr = handle(b); herr != nil {
				close(stop)
			}
		}
	}
	p := <-out
	if herr != nil {
		return p.res, herr
	}
	return p.res, p.err
}

// rawRows reads the raw cells of the given lines again (rows the store
// refused), for the error report.
func rawRows(data io.ReaderAt, size int64, name string, limits tabular.Options, lines []int) []tabular.RawRow {
	f, err := tabular.OpenReaderAt(data, size, name, limits)
	if err != nil {
		return nil
	}
	want := map[int]bool{}
	for _, l := range lines {
		want[l] = true
	}
	var out []tabular.RawRow
	for f.Next() && len(out) < len(lines) {
		r := f.Row()
		if want[r.Line] {
			out = append(out, tabular.RawRow{Line: r.Line, Cells: slices.Clone(r.Cells)})
		}
	}
	return out
}

func sortRaw(rows []tabular.RawRow) []tabular.RawRow {
	slices.SortStableFunc(rows, func(a, b tabular.RawRow) int { return a.Line - b.Line })
	return slices.CompactFunc(rows, func(a, b tabular.RawRow) bool { return a.Line == b.Line })
}

func sortErrors(errs []tabular.CellError) {
	slices.SortStableFunc(errs, func(a, b tabular.CellError) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		if len(a.Col) != len(b.Col) {
			return len(a.Col) - len(b.Col)
		}
		switch {
		case a.Col < b.Col:
			return -1
		case a.Col > b.Col:
			return 1
		}
		return 0
	})
}
