// Package export turns the registers' lists into spreadsheet rows: the
// same filter and scope as the list, read page by page (keyset) so that any
// number of rows streams in constant memory, and personal data masked. The
// web pages and `redgrid export` share it.
package export

import (
	"context"
	"fmt"
	"io"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// pageSize is how many rows each keyset page reads.
const pageSize = 500

// pages turns a keyset list into export rows.
func pages[T any](list func(cursor string) ([]T, string, error), row func(T) []any) tabular.Rows {
	return func(yield func([]any, error) bool) {
		cursor := ""
		for {
			items, next, err := list(cursor)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, it := range items {
				if !yield(row(it), nil) {
					return
				}
			}
			if next == "" {
				return
			}
			cursor = next
		}
	}
}

// batchRows is how many rows the reading goroutine hands over at a time.
const batchRows = 256

// stream turns a store's streaming read into export rows. The read runs
// on its own goroutine and hands over batches of rows, so that on two
// cores the database walk and the rendering of the file overlap. each
// calls its function for every record (a reused value); row fills the
// spreadsheet values of one record.
func stream[T any](ctx context.Context, each func(ctx context.Context, fn func(*T) error) error, row func(*T, []any), width int) tabular.Rows {
	return func(yield func([]any, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		batches := make(chan []T, 4)
		free := make(chan []T, 4)
		errc := make(chan error, 1)
		go func() {
			defer close(batches)
			b := make([]T, 0, batchRows)
			err := each(ctx, func(r *T) error {
				b = append(b, *r)
				if len(b) < batchRows {
					return nil
				}
				select {
				case batches <- b:
				case <-ctx.Done():
					return ctx.Err()
				}
				select {
				case b = <-free:
					b = b[:0]
				default:
					b = make([]T, 0, batchRows)
				}
				return nil
			})
			if err == nil && len(b) > 0 {
				select {
				case batches <- b:
				case <-ctx.Done():
				}
			}
			errc <- err
		}()
		vals := make([]any, width)
		for b := range batches {
			for i := range b {
				row(&b[i], vals)
				if !yield(vals, nil) {
					cancel()
					for range batches {
					}
					<-errc
					return
				}
			}
			clear(b)
			select {
			case free <- b:
			default:
			}
		}
		if err := <-errc; err != nil {
			yield(nil, err)
		}
	}
}

// Enterprises lists the enterprises matching f in the actor's scope, in
// the columns of tabular.Enterprises, from one streaming query in the
// list's order.
func Enterprises(ctx context.Context, s *store.Store, actor *model.Actor, f model.EnterpriseFilter) tabular.Rows {
	return stream(ctx, func(ctx context.Context, fn func(*store.EnterpriseRow) error) error {
		return s.EachEnterprise(ctx, actor, f, fn)
	}, func(e *store.EnterpriseRow, row []any) {
		var lat, lng, founded any
		if e.Lat.Valid && e.Lng.Valid {
			lat, lng = e.Lat.Float64, e.Lng.Float64
		}
		if !e.FoundedOn.IsZero() {
			founded = e.FoundedOn
		}
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = e.USCC, e.Name, e.ShortName, e.IndustryName, e.AboveScale, e.GridName, e.Address
		row[7], row[8], row[9], row[10], row[11], row[12] = lat, lng, e.Employees, e.Status, founded, e.LegalRep
	}, len(tabular.Enterprises.Columns))
}

// Members lists the members matching f in the actor's scope, in the
// columns of tabular.Members, with ID numbers and phones masked.
func Members(ctx context.Context, s *store.Store, actor *model.Actor, f model.MemberFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	return pages(func(cursor string) ([]model.Member, string, error) {
		f.Cursor = cursor
		p, err := s.ListMembers(ctx, actor, f)
		return p.Items, p.NextCursor, err
	}, func(m model.Member) []any {
		return []any{m.Name, m.IDMasked, m.PhoneMasked, m.Ethnicity, m.Education, m.Category, m.AppliedOn, m.ActivistOn,
			m.CandidateOn, m.AdmittedOn, m.FullOn, m.Status, m.Mobile, m.OrgName, m.EnterpriseName, m.PositionKind}
	})
}

// Registers names what can be exported, with its spec.
var Registers = map[string]*tabular.Spec{"enterprises": tabular.Enterprises, "members": tabular.Members}

// Format reads a format name: xlsx (default), csv (UTF-8 with BOM) or
// csv-gb18030.
func Format(name string) (tabular.Format, string, string, error) {
	switch name {
	case "", "xlsx":
		return tabular.FormatXLSX, "", "xlsx", nil
	case "csv":
		return tabular.FormatCSV, tabular.EncodingUTF8BOM, "csv", nil
	case "csv-gb18030":
		return tabular.FormatCSV, tabular.EncodingGB18030, "csv", nil
	}
	return 0, "", "", fmt.Errorf("unknown format %q (xlsx, csv or csv-gb18030)", name)
}

// Write writes the whole register (everything the actor sees) and audits
// the export; it returns the number of rows.
func Write(ctx context.Context, w io.Writer, s *store.Store, actor *model.Actor, register, format, lang string) (int, error) {
	spec, ok := Registers[register]
	if !ok {
		return 0, fmt.Errorf("unknown register %q (enterprises or members)", register)
	}
	f, enc, _, err := Format(format)
	if err != nil {
		return 0, err
	}
	var rows tabular.Rows
	switch register {
	case "enterprises":
		rows = Enterprises(ctx, s, actor, model.EnterpriseFilter{})
	case "members":
		rows = Members(ctx, s, actor, model.MemberFilter{Status: ""})
	}
	n, err := tabular.Write(w, f, spec, rows, tabular.WriteOptions{Lang: lang, Encoding: enc})
	if err != nil {
		return n, err
	}
	return n, s.AuditExport(ctx, actor, register, f.String(), n, nil)
}
