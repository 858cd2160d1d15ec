// Package imports joins the spreadsheet reader (internal/tabular) to the
// registers (internal/store): a file is read, every row typed and checked
// against its column spec, handed to the store in batches to be classified
// (new, changed, unchanged, invalid) and, on commit, written all or nothing.
// The web pages, the background jobs and `redgrid import` share Run.
package imports

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// batchSize is how many rows go to the store at a time.
const batchSize = 1000

// Options tune one run.
type Options struct {
	Register string
	Mode     store.ImportMode
	Commit   bool             // false: preview
	Limits   tabular.Options  // size, rows, encoding override …
	Progress func(done int)   // rows handed over so far (called per batch)
	Now      func() time.Time // for the rate; time.Now when nil
}

// Report is what a run found: the counts and every error with its place.
type Report struct {
	Register   string              `json:"register"`
	File       string              `json:"file"`
	Checksum   string              `json:"sha256"`
	Size       int64               `json:"size"`
	Format     string              `json:"format"`
	Encoding   string              `json:"encoding,omitempty"`
	Sheet      string              `json:"sheet,omitempty"`
	HeaderLine int                 `json:"header_line"`
	Ignored    []string            `json:"ignored_columns,omitempty"`
	Counts     store.ImportCounts  `json:"counts"`
	Errors     []tabular.CellError `json:"errors"`
	Truncated  bool                `json:"truncated"`
	Committed  bool                `json:"committed"`
	// FileError is set when the file could not be read at all (one
	// problem for the whole file).
	FileError *tabular.Problem `json:"file_error,omitempty"`
	// Bad holds the raw rows with errors, for the error report.
	Bad []tabular.RawRow `json:"-"`
	// Header is the file's header row as read.
	Header []string `json:"header,omitempty"`

	badLines []int // rows the store refused
}

// OK reports whether the run found no problem at all.
func (r *Report) OK() bool { return r.FileError == nil && r.Counts.Invalid == 0 && len(r.Errors) == 0 }

// Checksum returns the SHA-256 of data in hex.
func Checksum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// Spec returns the column spec of a register that can be imported.
func Spec(register string) (*tabular.Spec, bool) {
	for _, r := range store.ImportRegisters() {
		if r == register {
			s, ok := tabular.Specs()[register]
			return s, ok
		}
	}
	return nil, false
}

// Run reads data (an xlsx or CSV file called name) into the register. A
// file that cannot be read is reported in Report.FileError with a nil
// error; a commit refused because of invalid rows returns the report and
// store.ErrImportInvalid; other errors are failures of the system.
func Run(ctx context.Context, st *store.Store, actor *model.Actor, data []byte, name string, o Options) (*Report, error) {
	return RunFile(ctx, st, actor, bytes.NewReader(data), int64(len(data)), name, o)
}

// RunFile is Run over a file read through data (an *os.File: the file
// need not be held in memory).
func RunFile(ctx context.Context, st *store.Store, actor *model.Actor, data io.ReaderAt, size int64, name string, o Options) (*Report, error) {
	spec, ok := Spec(o.Register)
	if !ok {
		return nil, model.Errorf(model.ENOTFOUND, "import.unknown_register", o.Register)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(data, 0, size)); err != nil {
		return nil, err
	}
	rep := &Report{Register: o.Register, File: name, Checksum: hex.EncodeToString(h.Sum(nil)), Size: size}
	if _, err := tabular.OpenReaderAt(data, size, name, o.Limits); err != nil {
		if p := tabular.ProblemOf(err); p != nil {
			rep.FileError = p
			return rep, nil
		}
		return rep, err
	}
	type issueAt struct {
		line  int
		issue store.ImportIssue
	}
	var issues []issueAt
	var res *tabular.Result
	maxErrors := o.Limits.MaxErrors
	if maxErrors <= 0 {
		maxErrors = tabular.DefaultMaxErrors
	}
	feed := func(emit func([]*store.ImportItem) error) error {
		issues, res = issues[:0], nil
		f, err := tabular.OpenReaderAt(data, size, name, o.Limits)
		if err != nil {
			return err
		}
		rep.Format, rep.Encoding, rep.Sheet = f.Format.String(), f.Encoding, f.Sheet
		done := 0
		var badLines []int
		handle := func(batch []*store.ImportItem) error {
			if err := emit(batch); err != nil {
				return err
			}
			for _, it := range batch {
				if it.Status != store.ImportInvalid {
					continue
				}
				badLines = append(badLines, it.Line)
				readerCols := map[string]bool{}
				for _, is := range it.Issues {
					if is.Field == readerField {
						readerCols[is.Key] = true
					}
				}
				for _, is := range it.Issues {
					if is.Field == readerField || readerCols[columnOf(spec, is.Field)] {
						continue // the reader's errors, and repeats of them
					}
					if len(issues) < maxErrors {
						issues = append(issues, issueAt{it.Line, is})
					}
				}
			}
			done += len(batch)
			if o.Progress != nil {
				o.Progress(done)
			}
			return nil
		}
		res, err = pipeline(ctx, f, spec, handle)
		if err != nil {
			return err
		}
		rep.badLines = badLines
		return nil
	}
	counts, err := st.Import(ctx, actor, store.ImportRequest{Register: o.Register, Mode: o.Mode, Commit: o.Commit,
		File: name, Checksum: rep.Checksum, Size: rep.Size, Rejected: 0}, withRejected(feed, &res, o.Commit))
	if p := tabular.ProblemOf(err); p != nil {
		rep.FileError = p
		return rep, nil
	}
	rep.Counts = counts
	if res != nil {
		rep.HeaderLine, rep.Ignored, rep.Header, rep.Truncated = res.HeaderLine, res.Ignored, res.Header, res.Truncated
		rep.Errors = append(rep.Errors, res.Errors...)
		rep.Bad = append(rep.Bad, res.Bad...)
		// The store's issues, placed in the file's columns.
		letters := map[string]int{}
		for fi, ci := range res.Columns {
			if ci >= 0 {
				letters[spec.Columns[ci].Key] = fi
			}
		}
		for _, is := range issues {
			ce := tabular.CellError{Row: is.line, Key: is.issue.Key, Args: is.issue.Args}
			if key := columnOf(spec, is.issue.Field); key != "" {
				ce.Field = key
				if fi, ok := letters[key]; ok {
					ce.Col = tabular.ColumnLetter(fi)
					ce.Header = strings.TrimSpace(res.Header[fi])
				} else {
					ce.Header = spec.Column(key).Header.Zh
				}
			}
			rep.Errors = append(rep.Errors, ce)
		}
		sortErrors(rep.Errors)
		if len(rep.Errors) > maxErrors {
			rep.Errors, rep.Truncated = rep.Errors[:maxErrors], true
		}
		if len(rep.badLines) > 0 {
			rep.Bad = sortRaw(append(rep.Bad, rawRows(data, size, name, o.Limits, rep.badLines)...))
		}
	}
	if err == nil && o.Commit {
		rep.Committed = true
	}
	return rep, err
}

// withRejected makes a commit fail when the reader refused rows or the
// header: nothing may be written from a file with errors.
func withRejected(feed store.ImportFeed, res **tabular.Result, commit bool) store.ImportFeed {
	return func(emit func([]*store.ImportItem) error) error {
		if err := feed(emit); err != nil {
			return err
		}
		if commit && *res != nil && (len((*res).Errors) > 0 || (*res).Invalid > 0) {
			return store.ErrImportInvalid
		}
		return nil
	}
}

// columnOf maps a store input field to the spec column holding it
// ("industry_id" → "industry"); "" for a row-level issue.
func columnOf(spec *tabular.Spec, field string) string {
	if field == "" {
		return ""
	}
	if spec.Column(field) != nil {
		return field
	}
	if k, ok := strings.CutSuffix(field, "_id"); ok && spec.Column(k) != nil {
		return k
	}
	if field == "lat" || field == "lng" {
		return field
	}
	return ""
}

// Yuan turns a 万元 decimal ("1234.56", up to 4 decimals) into yuan exactly.
func Yuan(d tabular.Decimal) (int64, error) {
	s := string(d)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 4 {
		return 0, fmt.Errorf("imports: %q has more than 4 decimals", d)
	}
	frac += strings.Repeat("0", 4-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("imports: %q: %w", d, err)
	}
	if neg {
		n = -n
	}
	return n, nil
}

// IsInvalid reports a commit refused because the file had invalid rows.
func IsInvalid(err error) bool { return errors.Is(err, store.ErrImportInvalid) }

// Translator renders an i18n key (the catalog's T for a locale).
type Translator func(key string, args ...any) string

// Message renders an error with its place ("第4行A列（统一社会信用代码）：…")
// in lang: the reader's own keys through tabular's texts, the registers'
// keys through t.
func Message(lang string, t Translator, e tabular.CellError) string {
	reason := tabular.Message(lang, e.Key, e.Args...)
	if reason == e.Key && t != nil {
		reason = t(e.Key, e.Args...)
	}
	switch {
	case e.Row > 0 && e.Col != "":
		return tabular.Message(lang, tabular.MsgCellError, e.Row, e.Col, e.Header, reason)
	case e.Row > 0:
		return tabular.Message(lang, tabular.MsgRowError, e.Row, reason)
	}
	return reason
}

// ProblemMessage renders a file-level problem in lang.
func ProblemMessage(lang string, p *tabular.Problem) string {
	return tabular.Message(lang, p.Key, p.Args...)
}
