// Package export turns the registers' lists into spreadsheet rows: the
// same filter and scope as the list, streamed in constant memory (the
// enterprise register, the one that runs to a million rows, from one
// streaming query; the others page by page through their keyset lists),
// and personal data masked. The web pages, the API lists and
// `redgrid export` share it.
package export

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// pageSize is how many rows each keyset page reads (the lists cap it).
const pageSize = 200

// pages turns a keyset list into export rows; prepare runs once per page
// before its rows (lookups of the page's codes).
func pages[T any](list func(cursor string) ([]T, string, error), prepare func([]T) error, row func(T) []any) tabular.Rows {
	return func(yield func([]any, error) bool) {
		cursor := ""
		for {
			items, next, err := list(cursor)
			if err == nil && prepare != nil {
				err = prepare(items)
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for _, it := range items {
				if !yield(row(it), nil) {
					return
				}
			}
			if next == "" || len(items) == 0 {
				return
			}
			cursor = next
		}
	}
}

// failed is rows that fail at once.
func failed(err error) tabular.Rows {
	return func(yield func([]any, error) bool) { yield(nil, err) }
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
// columns of tabular.Members: ID numbers and phones masked (lists only ever
// hold the masked copies), organizations and employers by their codes.
func Members(ctx context.Context, s *store.Store, actor *model.Actor, f model.MemberFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	orgs, err := s.OrgCodes(ctx)
	if err != nil {
		return failed(err)
	}
	var ents map[int64]string
	return pages(func(cursor string) ([]model.Member, string, error) {
		f.Cursor = cursor
		p, err := s.ListMembers(ctx, actor, f)
		return p.Items, p.NextCursor, err
	}, func(ms []model.Member) (err error) {
		ids := make([]int64, 0, len(ms))
		for _, m := range ms {
			if m.EnterpriseID != 0 {
				ids = append(ids, m.EnterpriseID)
			}
		}
		ents, err = s.EnterpriseCodes(ctx, ids)
		return err
	}, func(m model.Member) []any {
		return []any{m.Name, m.IDMasked, m.PhoneMasked, m.Ethnicity, m.Education, m.Category, m.AppliedOn, m.ActivistOn,
			m.CandidateOn, m.AdmittedOn, m.FullOn, m.Status, m.Mobile, orgs[m.OrgID], ents[m.EnterpriseID], m.PositionKind}
	})
}

// Grids lists the grids in the actor's scope in tree order, in the columns
// of tabular.Grids.
func Grids(ctx context.Context, s *store.Store, actor *model.Actor) tabular.Rows {
	grids, err := s.Grids(ctx, actor)
	if err != nil {
		return failed(err)
	}
	codes, err := s.GridCodes(ctx)
	if err != nil {
		return failed(err)
	}
	return func(yield func([]any, error) bool) {
		for _, g := range grids {
			if !yield([]any{g.Code, g.Name, g.Level, codes[g.ParentID]}, nil) {
				return
			}
		}
	}
}

// OutputValues lists the monthly output values of the enterprises in the
// actor's scope, in the columns of tabular.OutputValues (万元).
func OutputValues(ctx context.Context, s *store.Store, actor *model.Actor) tabular.Rows {
	return pages(func(cursor string) ([]store.OutputValue, string, error) {
		return s.OutputValues(ctx, actor, cursor, pageSize)
	}, nil, func(v store.OutputValue) []any {
		var orders any
		if v.OrdersYuan != nil {
			orders = Wan(*v.OrdersYuan)
		}
		return []any{v.USCC, v.Month, Wan(v.ValueYuan), orders}
	})
}

// Wan writes yuan as 万元 with up to four decimals (exact).
func Wan(yuan int64) tabular.Decimal {
	sign := ""
	if yuan < 0 {
		sign, yuan = "-", -yuan
	}
	s := fmt.Sprintf("%s%d.%04d", sign, yuan/10000, yuan%10000)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return tabular.Decimal(s)
}

// Organizations lists the organizations matching f in the actor's scope,
// in tree order, in the columns of tabular.Organizations.
func Organizations(ctx context.Context, s *store.Store, actor *model.Actor, f store.OrgFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	codes, err := s.OrgCodes(ctx)
	if err != nil {
		return failed(err)
	}
	return pages(func(cursor string) ([]model.Organization, string, error) {
		f.Cursor = cursor
		items, next, _, err := s.ListOrganizations(ctx, actor, f)
		return items, next, err
	}, nil, func(o model.Organization) []any {
		return []any{o.Code, o.Name, o.ShortName, o.Kind, codes[o.ParentID], o.FoundedOn, o.TermStart, int64(o.TermYears), o.Village, o.Notes}
	})
}

// Surveys lists the survey records matching f in the actor's scope, in the
// columns of tabular.Surveys (phones masked).
func Surveys(ctx context.Context, s *store.Store, actor *model.Actor, f model.SurveyFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	var ents map[int64]string
	return pages(func(cursor string) ([]model.Survey, string, error) {
		f.Cursor = cursor
		items, next, _, err := s.ListSurveys(ctx, actor, f)
		return items, next, err
	}, func(vs []model.Survey) (err error) {
		ids := make([]int64, 0, len(vs))
		for _, v := range vs {
			ids = append(ids, v.EnterpriseID)
		}
		ents, err = s.EnterpriseCodes(ctx, ids)
		return err
	}, func(v model.Survey) []any {
		return []any{v.Name, v.PhoneMasked, ents[v.EnterpriseID], v.Category, v.RelationPlace, v.Willingness, v.Notes, v.SurveyedOn}
	})
}

// Transfers lists the transfers matching f in the actor's scope, newest
// first, in the columns of tabular.Transfers (ID numbers masked).
func Transfers(ctx context.Context, s *store.Store, actor *model.Actor, f model.TransferFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	return pages(func(cursor string) ([]model.Transfer, string, error) {
		f.Cursor = cursor
		items, next, _, err := s.ListTransfers(ctx, actor, f)
		return items, next, err
	}, nil, func(t model.Transfer) []any {
		var dues any
		if d, err := time.Parse("2006-01", t.DuesPaidTo); err == nil {
			dues = d
		}
		return []any{t.Kind, t.MemberName, t.MemberID18, t.FromName, t.ToName, t.LetterNo, dues, t.IssuedOn, t.ValidUntil,
			t.State, t.Expired, t.Reason}
	})
}

// Safety lists the safety records matching f in the actor's scope, in the
// list's order, in the columns of tabular.Safety.
func Safety(ctx context.Context, s *store.Store, actor *model.Actor, f store.SafetyListFilter) tabular.Rows {
	f.Cursor, f.Limit = "", pageSize
	return pages(func(cursor string) ([]model.SafetyRecord, string, error) {
		f.Cursor = cursor
		items, next, _, err := s.ListSafety(ctx, actor, f)
		return items, next, err
	}, nil, func(r model.SafetyRecord) []any {
		var loss, deaths, injuries, problem, severity, hazard, open any
		if r.Kind == model.SafetyIncident {
			loss, deaths, injuries, severity = Wan(r.LossYuan), r.Deaths, r.SeriousInjuries, r.Severity
		}
		if r.Kind == model.SafetyViolation {
			hazard, open = r.HazardLevel, r.Open
		}
		if r.ProblemID != 0 {
			problem = r.ProblemID
		}
		return []any{r.ID, r.OccurredOn, r.Kind, r.EnterpriseName, r.GridName, r.Description, r.FollowUp, severity, deaths,
			injuries, loss, hazard, open, r.RectifiedOn, r.RectifyNote, problem}
	})
}

// Audit lists the audit entries matching f, newest first, in the columns of
// tabular.AuditLog, times in loc.
func Audit(ctx context.Context, s *store.Store, f model.AuditFilter, loc *time.Location) tabular.Rows {
	f.Before, f.Limit = 0, 500
	return func(yield func([]any, error) bool) {
		for {
			entries, err := s.ListAudit(ctx, f)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, e := range entries {
				if !yield([]any{e.Seq, e.At.In(loc).Format("2006-01-02 15:04:05"), e.ActorName, e.Action, e.Entity,
					e.EntityID, e.Reason, e.IP, e.Before, e.After}, nil) {
					return
				}
			}
			if len(entries) < f.Limit {
				return
			}
			f.Before = entries[len(entries)-1].Seq
		}
	}
}

// Registers names what can be exported, with its spec.
var Registers = func() map[string]*tabular.Spec {
	all := tabular.ExportSpecs()
	m := map[string]*tabular.Spec{}
	for _, n := range Names() {
		m[n] = all[n]
	}
	return m
}()

// Names lists the exportable registers in a stable order.
func Names() []string {
	return []string{"grids", "enterprises", "output_values", "organizations", "members", "surveys", "transfers", "safety", "audit"}
}

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

// All returns a whole register as the actor sees it (no filter), for
// `redgrid export`.
func All(ctx context.Context, s *store.Store, actor *model.Actor, register string, loc *time.Location) (tabular.Rows, error) {
	switch register {
	case "grids":
		return Grids(ctx, s, actor), nil
	case "enterprises":
		return Enterprises(ctx, s, actor, model.EnterpriseFilter{}), nil
	case "organizations":
		return Organizations(ctx, s, actor, store.OrgFilter{}), nil
	case "members":
		return Members(ctx, s, actor, model.MemberFilter{}), nil
	case "surveys":
		return Surveys(ctx, s, actor, model.SurveyFilter{}), nil
	case "transfers":
		return Transfers(ctx, s, actor, model.TransferFilter{}), nil
	case "safety":
		return Safety(ctx, s, actor, store.SafetyListFilter{}), nil
	case "audit":
		return Audit(ctx, s, model.AuditFilter{}, loc), nil
	case "output_values":
		return OutputValues(ctx, s, actor), nil
	}
	return nil, fmt.Errorf("unknown register %q (%s)", register, strings.Join(Names(), ", "))
}

// Write writes the whole register (everything the actor sees) and audits
// the export; it returns the number of rows.
func Write(ctx context.Context, w io.Writer, s *store.Store, actor *model.Actor, register, format, lang string, loc *time.Location) (int, error) {
	rows, err := All(ctx, s, actor, register, loc)
	if err != nil {
		return 0, err
	}
	f, enc, _, err := Format(format)
	if err != nil {
		return 0, err
	}
	n, err := tabular.Write(w, f, Registers[register], rows, tabular.WriteOptions{Lang: lang, Encoding: enc})
	if err != nil {
		return n, err
	}
	if format == "" {
		format = "xlsx"
	}
	return n, s.AuditExport(ctx, actor, register, format, n, nil)
}
