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

// Enterprises lists the enterprises matching f in the actor's scope, in
// the columns of tabular.Enterprises.
func Enterprises(ctx context.Context, s *store.Store, actor *model.Actor, f model.EnterpriseFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	return pages(func(cursor string) ([]model.Enterprise, string, error) {
		f.Cursor = cursor
		p, err := s.ListEnterprises(ctx, actor, f)
		return p.Items, p.NextCursor, err
	}, func(e model.Enterprise) []any {
		var lat, lng any
		if e.Lat != nil && e.Lng != nil {
			lat, lng = *e.Lat, *e.Lng
		}
		return []any{e.USCC, e.Name, e.ShortName, e.IndustryName, e.AboveScale, e.GridName, e.Address, lat, lng,
			int64(e.Employees), e.Status, e.FoundedOn, e.LegalRep}
	})
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
