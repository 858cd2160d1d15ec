package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"redgrid/internal/auth"
	"redgrid/internal/imports"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// Spreadsheet imports: upload → the check runs in the background (progress
// shown live, surviving a reload) → the preview with counts and every error
// by row and column → confirm → the commit runs in the background, all or
// nothing. The uploaded file and the job's state are in the database, so a
// job started on one redgrid process can be watched from another.

func init() {
	apiDocs["POST /api/v1/imports"] = apiOp{Summary: "Upload a spreadsheet (xlsx or CSV) for import; the check runs in the background (202, poll the job)",
		Tag: "imports", Body: "ImportUpload", BodyType: "multipart/form-data", Response: "ImportJob", Status: "202"}
	apiDocs["GET /api/v1/imports/{id}"] = apiOp{Summary: "An import job: state, progress, counts and row-level errors", Tag: "imports",
		Response: "ImportJob", Status: "200"}
	apiDocs["POST /api/v1/imports/{id}/commit"] = apiOp{Summary: "Commit a checked import without invalid rows, all rows or none (version required; 409 otherwise)",
		Tag: "imports", Query: []string{"version"}, Response: "ImportJob", Status: "202"}
	moreSchemas["ImportUpload"] = obj(map[string]any{
		"register": map[string]any{"type": "string", "enum": store.ImportRegisters()},
		"mode":     map[string]any{"type": "string", "enum": store.ImportModes, "description": "upsert (default), create or update, by the natural key"},
		"encoding": map[string]any{"type": "string", "enum": importEncodings, "description": "CSV encoding override; empty: detected"},
		"file":     map[string]any{"type": "string", "format": "binary"}}, "register", "file")
	counts := obj(map[string]any{"total": tInt, "new": tInt, "changed": tInt, "unchanged": tInt, "invalid": tInt})
	rowErr := obj(map[string]any{"row": tInt, "column": tStr, "header": tStr, "field": tStr, "code": tStr, "message": tStr}, "row", "code", "message")
	moreSchemas["ImportJob"] = obj(map[string]any{"id": tInt, "register": tStr, "mode": tStr, "file_name": tStr, "sha256": tStr, "size": tInt,
		"state":    map[string]any{"type": "string", "enum": []string{store.JobChecking, store.JobChecked, store.JobCommitting, store.JobDone, store.JobFailed}},
		"progress": obj(map[string]any{"done": tInt, "total": tInt, "percent": tInt, "rate": tInt, "eta_seconds": tInt}),
		"counts":   counts, "errors": map[string]any{"type": "array", "items": rowErr}, "more_errors": tInt,
		"file_error": obj(map[string]any{"code": tStr, "message": tStr}), "message": tStr, "interrupted": tBool, "version": tInt},
		"id", "register", "state", "counts", "errors", "version")
}

func (s *Server) importRoutes() {
	s.handle("GET", "/imports", auth.PermImport, s.importIndex)
	s.handle("POST", "/imports", auth.PermImport, s.importUpload)
	s.handle("GET", "/imports/{id}", auth.PermImport, s.importShow)
	s.handle("GET", "/imports/{id}/progress", auth.PermImport, s.importProgress)
	s.handle("POST", "/imports/{id}/commit", auth.PermImport, s.importCommit)
	s.handle("GET", "/imports/{id}/errors", auth.PermImport, s.importErrorReport)
	s.handle("POST", "/api/v1/imports", auth.PermImport, s.apiImportUpload)
	s.handle("GET", "/api/v1/imports/{id}", auth.PermImport, s.apiImportShow)
	s.handle("POST", "/api/v1/imports/{id}/commit", auth.PermImport, s.apiImportCommit)
}

// importPerms: who may import into a register (those who may write it).
var importPerms = templatePerms

// jobLease is how long a running step may go without renewing its lease
// before another process counts the job as interrupted. SQLite has one
// process and cannot renew while the import holds the writer, so the lease
// there is long.
func (s *Server) jobLease() time.Duration {
	if s.store.Engine() == "sqlite" {
		return 6 * time.Hour
	}
	return 2 * time.Minute
}

// importRunner runs import steps in the background and keeps their live
// progress in memory (a reload reads it; other processes read the row).
type importRunner struct {
	mu   sync.Mutex
	live map[int64]*liveJob
	wg   sync.WaitGroup
}

type liveJob struct {
	state   string
	done    int
	total   int
	started time.Time
	rate    float64
	saved   time.Time
}

func (s *Server) runner() *importRunner {
	s.importsOnce.Do(func() { s.imports = &importRunner{live: map[int64]*liveJob{}} })
	return s.imports
}

// WaitImports waits for the background import steps (tests, shutdown).
func (s *Server) WaitImports() { s.runner().wg.Wait() }

func (ir *importRunner) get(id int64) (liveJob, bool) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if l, ok := ir.live[id]; ok {
		return *l, true
	}
	return liveJob{}, false
}

// estimateRows guesses a file's rows for the progress bar: lines of a CSV,
// the largest worksheet's <dimension> in an xlsx.
var dimensionRef = regexp.MustCompile(`<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"`)

func estimateRows(data []byte) int {
	if !bytes.HasPrefix(data, []byte("PK")) {
		return bytes.Count(data, []byte{'\n'})
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0
	}
	best := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		head := make([]byte, 1024)
		n, _ := io.ReadFull(rc, head)
		rc.Close()
		if m := dimensionRef.FindSubmatch(head[:n]); m != nil {
			if v, err := strconv.Atoi(string(m[1])); err == nil {
				best = max(best, v)
			}
		}
	}
	return best
}

// startStep runs a check or a commit of job in the background.
func (s *Server) startStep(actor *model.Actor, j store.ImportJob, data []byte, commit bool) {
	ir := s.runner()
	now := time.Now()
	state := store.JobChecking
	total := j.Total
	if commit {
		state, total = store.JobCommitting, j.Counts.Total
	}
	ir.mu.Lock()
	ir.live[j.ID] = &liveJob{state: state, total: total, started: now, saved: now}
	ir.mu.Unlock()
	ir.wg.Add(1)
	go func() {
		defer ir.wg.Done()
		defer func() {
			ir.mu.Lock()
			delete(ir.live, j.ID)
			ir.mu.Unlock()
		}()
		ctx := context.Background()
		progress := func(done int) {
			ir.mu.Lock()
			l := ir.live[j.ID]
			l.done = done
			if done > l.total {
				l.total = done
			}
			if el := time.Since(l.started).Seconds(); el > 0 {
				l.rate = float64(done) / el
			}
			persist := s.store.Engine() != "sqlite" && time.Since(l.saved) > time.Second
			if persist {
				l.saved = time.Now()
			}
			snap := *l
			ir.mu.Unlock()
			if persist {
				_ = s.store.ImportJobProgress(ctx, j.ID, snap.done, snap.total, snap.rate, s.jobLease())
			}
		}
		rep, err := imports.Run(ctx, s.store, actor, data, j.FileName, imports.Options{Register: j.Register, Mode: j.Mode,
			Commit: commit, Progress: progress, Limits: s.importLimits(j.Encoding)})
		next, message := store.JobChecked, ""
		if commit {
			next = store.JobDone
		}
		var counts store.ImportCounts
		var report []byte
		switch {
		case err != nil && !imports.IsInvalid(err):
			s.log.Error("import", "job", j.ID, "register", j.Register, "err", err)
			next, message = store.JobFailed, "import.failed"
			if e, ok := model.AsError(err); ok {
				message = e.Key
			}
		case rep.FileError != nil:
			next = store.JobFailed
			report, _ = json.Marshal(importReport{File: rep.FileError})
		default:
			counts = rep.Counts
			errs := rep.Errors
			if len(errs) > importShownErrors {
				errs = errs[:importShownErrors]
			}
			report, _ = json.Marshal(importReport{Errors: errs, More: len(rep.Errors) - len(errs), Truncated: rep.Truncated,
				Ignored: rep.Ignored, Format: rep.Format, Encoding: rep.Encoding, Sheet: rep.Sheet})
			if commit && err != nil {
				next, message = store.JobFailed, "import.has_invalid"
			}
		}
		if err := s.store.FinishImportStep(ctx, j.ID, next, counts, string(report), message); err != nil {
			s.log.Error("import finish", "job", j.ID, "err", err)
		}
	}()
}

// importShownErrors caps the errors kept with a job for its page; the
// error report has them all.
const importShownErrors = 500

// importReport is what a job keeps of its last step.
type importReport struct {
	File      *tabular.Problem    `json:"file,omitempty"`
	Errors    []tabular.CellError `json:"errors,omitempty"`
	More      int                 `json:"more,omitempty"`
	Truncated bool                `json:"truncated,omitempty"`
	Ignored   []string            `json:"ignored,omitempty"`
	Format    string              `json:"format,omitempty"`
	Encoding  string              `json:"encoding,omitempty"`
	Sheet     string              `json:"sheet,omitempty"`
}

func (s *Server) importLimits(encoding string) tabular.Options {
	return tabular.Options{MaxBytes: s.cfg.ImportMaxBytes, MaxRows: s.cfg.ImportMaxRows, Encoding: encoding}
}

// importableRegisters are the registers the user may import into.
func importableRegisters(role model.Role) []string {
	var out []string
	for _, r := range store.ImportRegisters() {
		if auth.Can(role, importPerms[r]) {
			out = append(out, r)
		}
	}
	return out
}

var importEncodings = []string{"", tabular.EncodingUTF8, tabular.EncodingGB18030}

// importUploadForm reads and checks the upload; the file's bytes come back.
func (s *Server) importUploadForm(r *http.Request) (store.ImportJob, []byte, error) {
	ri := info(r)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return store.ImportJob{}, nil, model.Errorf(model.EINVALID, "import.too_large_upload", s.cfg.ImportMaxBytes>>20)
		}
		return store.ImportJob{}, nil, model.Errorf(model.EMALFORMED, "import.bad_upload")
	}
	var v model.Validation
	j := store.ImportJob{Register: r.FormValue("register"), Mode: store.ImportMode(r.FormValue("mode")), Encoding: r.FormValue("encoding")}
	if j.Mode == "" {
		j.Mode = store.ImportUpsert
	}
	if !slices.Contains(importableRegisters(ri.sess.user.Role), j.Register) {
		v.Add("register", "field.choose")
	}
	if !slices.Contains(store.ImportModes, j.Mode) {
		v.Add("mode", "field.choose")
	}
	if j.Register == "surveys" && j.Mode == store.ImportUpdate {
		v.Add("mode", "import.no_natural_key")
	}
	if !slices.Contains(importEncodings, j.Encoding) {
		v.Add("encoding", "field.choose")
	}
	file, hdr, err := r.FormFile("file")
	var data []byte
	switch {
	case errors.Is(err, http.ErrMissingFile) || (err == nil && hdr.Size == 0):
		v.Add("file", "import.no_file")
	case err != nil:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return j, nil, model.Errorf(model.EINVALID, "import.too_large_upload", s.cfg.ImportMaxBytes>>20)
		}
		v.Add("file", "import.no_file")
	case hdr.Size > s.cfg.ImportMaxBytes:
		v.Add("file", tabular.ErrTooLarge, s.cfg.ImportMaxBytes>>20)
	default:
		defer file.Close()
		data, err = io.ReadAll(io.LimitReader(file, s.cfg.ImportMaxBytes+1))
		if err != nil {
			return j, nil, err
		}
		j.FileName = hdr.Filename
		if len([]rune(j.FileName)) > 200 {
			j.FileName = string([]rune(j.FileName)[:200])
		}
	}
	if err := v.Err(); err != nil {
		return j, nil, err
	}
	j.Checksum = imports.Checksum(data)
	j.Total = estimateRows(data)
	return j, data, nil
}

func (s *Server) createImport(r *http.Request) (store.ImportJob, error) {
	j, data, err := s.importUploadForm(r)
	if err != nil {
		return j, err
	}
	actor := info(r).sess.actor
	j, err = s.store.CreateImportJob(r.Context(), actor, j, data, s.jobLease())
	if err != nil {
		return j, err
	}
	s.startStep(actor, j, data, false)
	return j, nil
}

type importIndexPage struct {
	Registers []string
	Modes     []store.ImportMode
	Encodings []string
	Jobs      []jobView
	MaxMB     int64
}

func (s *Server) importIndex(w http.ResponseWriter, r *http.Request) {
	s.renderImportIndex(w, r, http.StatusOK, nil)
}

func (s *Server) renderImportIndex(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	v := s.view(r, "imports")
	v.Title = v.T("import.title")
	v.Crumbs = []Crumb{{Label: v.T("menu.registers")}, {Label: v.Title}}
	v.Form = form
	ri := info(r)
	p := importIndexPage{Registers: importableRegisters(ri.sess.user.Role), Modes: store.ImportModes, Encodings: importEncodings,
		MaxMB: s.cfg.ImportMaxBytes >> 20}
	// Jobs whose process went away are marked failed when next listed.
	if _, err := s.store.FailStaleImportJobs(r.Context(), "import.interrupted_hint"); err != nil {
		s.log.Warn("import: fail stale jobs", "err", err)
	}
	jobs, err := s.store.ImportJobs(r.Context(), ri.sess.actor, 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, j := range jobs {
		p.Jobs = append(p.Jobs, s.jobView(j))
	}
	s.renderStatus(w, r, status, "import_index", v, p)
}

func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	j, err := s.createImport(r)
	if err != nil {
		s.failForm(w, r, err, func(status int, form *Form) { s.renderImportIndex(w, r, status, form) })
		return
	}
	s.redirect(w, r, "/imports/"+strconv.FormatInt(j.ID, 10), "")
}

// jobView is a job with its live progress.
type jobView struct {
	store.ImportJob
	Percent     int
	ETASeconds  int
	Interrupted bool
	Report      importReport
}

func (s *Server) jobView(j store.ImportJob) jobView {
	jv := jobView{ImportJob: j}
	if l, ok := s.runner().get(j.ID); ok {
		jv.State, jv.Done, jv.Rate = l.state, l.done, l.rate
		jv.Total = max(l.total, j.Total)
	} else if j.Running() && j.LeaseUntil != nil && j.LeaseUntil.Before(s.store.Now()) {
		jv.Interrupted = true
	}
	if jv.Total > 0 {
		jv.Percent = min(100, jv.Done*100/jv.Total)
	}
	if jv.Rate > 0 && jv.Total > jv.Done {
		jv.ETASeconds = int(float64(jv.Total-jv.Done)/jv.Rate) + 1
	}
	if j.Report != "" {
		_ = json.Unmarshal([]byte(j.Report), &jv.Report)
	}
	return jv
}

func (s *Server) importJob(r *http.Request) (store.ImportJob, error) {
	var v model.Validation
	id := idParam(&v, "id", r.PathValue("id"))
	if v.Err() != nil || id == 0 {
		return store.ImportJob{}, model.Errorf(model.ENOTFOUND, "error.not_found.import_job")
	}
	return s.store.ImportJob(r.Context(), info(r).sess.actor, id)
}

type importShowPage struct {
	Job      jobView
	Messages []string
	FileMsg  string
	Title    string
	ListURL  string
}

// importLists: where a register's list is.
var importLists = map[string]string{"grids": "/grids", "enterprises": "/enterprises", "output_values": "/enterprises",
	"organizations": "/organizations", "members": "/members", "surveys": "/surveys"}

func (s *Server) importShow(w http.ResponseWriter, r *http.Request) {
	j, err := s.importJob(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(r, "imports")
	jv := s.jobView(j)
	lang := reportLang(v.Locale)
	p := importShowPage{Job: jv, Title: tabular.Specs()[j.Register].Title.In(lang), ListURL: importLists[j.Register]}
	v.Title = v.T("import.job_title", p.Title)
	v.Crumbs = []Crumb{{Label: v.T("import.title"), Href: "/imports"}, {Label: j.FileName}}
	t := func(key string, args ...any) string { return v.T(key, args...) }
	for _, e := range jv.Report.Errors {
		p.Messages = append(p.Messages, imports.Message(lang, t, e))
	}
	if jv.Report.File != nil {
		p.FileMsg = imports.ProblemMessage(lang, jv.Report.File)
	}
	s.render(w, r, "import_show", v, p)
}

func reportLang(locale string) string {
	if locale == "en" {
		return "en"
	}
	return "zh-CN"
}

// importProgress answers the page's poll: state, rows done, percent, rows
// per second and seconds left.
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request) {
	j, err := s.importJob(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	jv := s.jobView(j)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"state": jv.State, "done": jv.Done, "total": jv.Total, "percent": jv.Percent,
		"rate": int(jv.Rate), "eta_seconds": jv.ETASeconds, "interrupted": jv.Interrupted})
}

func (s *Server) commitImport(r *http.Request) (store.ImportJob, error) {
	j, err := s.importJob(r)
	if err != nil {
		return j, err
	}
	var v model.Validation
	version, err := strconv.Atoi(r.FormValue("version"))
	if err != nil {
		v.Add("version", "field.version_required")
		return j, v.Err()
	}
	actor := info(r).sess.actor
	if !auth.Can(info(r).sess.user.Role, importPerms[j.Register]) {
		return j, model.Errorf(model.EFORBIDDEN, "error.forbidden")
	}
	j, err = s.store.StartImportCommit(r.Context(), actor, j.ID, version, s.jobLease())
	if err != nil {
		return j, err
	}
	data, err := s.store.ImportJobData(r.Context(), j.ID)
	if err != nil {
		return j, err
	}
	s.startStep(actor, j, data, true)
	return j, nil
}

func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) {
	j, err := s.commitImport(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/imports/"+strconv.FormatInt(j.ID, 10), "")
}

// importErrorReport downloads the rows with errors, as the user wrote them,
// with an error column beside them (the file is checked again for it).
func (s *Server) importErrorReport(w http.ResponseWriter, r *http.Request) {
	j, err := s.importJob(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := s.store.ImportJobData(r.Context(), j.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ri := info(r)
	rep, err := imports.Run(r.Context(), s.store, ri.sess.actor, data, j.FileName, imports.Options{Register: j.Register, Mode: j.Mode,
		Limits: s.importLimits(j.Encoding)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	spec := tabular.Specs()[j.Register]
	lang := reportLang(ri.locale)
	res := &tabular.Result{Spec: spec, HeaderLine: rep.HeaderLine, Header: rep.Header, Bad: rep.Bad}
	if rep.FileError != nil {
		res.Errors = []tabular.CellError{{Key: rep.FileError.Key, Args: rep.FileError.Args}}
	}
	for _, e := range rep.Errors {
		if tabular.Message(lang, e.Key) == e.Key {
			e.Key, e.Args = tabular.MsgText, []any{s.cat.T(ri.locale, e.Key, e.Args...)}
		}
		res.Errors = append(res.Errors, e)
	}
	format, ctype, ext := tabular.FormatXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	if r.URL.Query().Get("format") == "csv" {
		format, ctype, ext = tabular.FormatCSV, "text/csv; charset=utf-8", "csv"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", contentDisposition("import-errors-"+strconv.FormatInt(j.ID, 10)+"."+ext,
		spec.Title.In(lang)+"-"+s.cat.T(ri.locale, "import.error_report")+"."+ext))
	if err := tabular.WriteErrorReport(w, format, res, tabular.WriteOptions{Lang: lang, Encoding: tabular.EncodingUTF8BOM}); err != nil {
		s.log.Error("import error report", "job", j.ID, "err", err)
	}
}

// API: the same steps as JSON.

func (s *Server) apiImportUpload(w http.ResponseWriter, r *http.Request) {
	j, err := s.createImport(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/imports/"+strconv.FormatInt(j.ID, 10))
	writeJSON(w, http.StatusAccepted, s.apiJob(r, j))
}

func (s *Server) apiJob(r *http.Request, j store.ImportJob) map[string]any {
	jv := s.jobView(j)
	lang := reportLang(info(r).locale)
	t := func(key string, args ...any) string { return s.cat.T(info(r).locale, key, args...) }
	type apiErr struct {
		Row     int    `json:"row"`
		Column  string `json:"column,omitempty"`
		Header  string `json:"header,omitempty"`
		Field   string `json:"field,omitempty"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	errs := []apiErr{}
	for _, e := range jv.Report.Errors {
		errs = append(errs, apiErr{Row: e.Row, Column: e.Col, Header: e.Header, Field: e.Field, Code: e.Key, Message: imports.Message(lang, t, e)})
	}
	out := map[string]any{"id": j.ID, "register": j.Register, "mode": j.Mode, "file_name": j.FileName, "sha256": j.Checksum,
		"size": j.Size, "state": jv.State, "progress": map[string]any{"done": jv.Done, "total": jv.Total, "percent": jv.Percent,
			"rate": int(jv.Rate), "eta_seconds": jv.ETASeconds}, "counts": j.Counts, "errors": errs, "more_errors": jv.Report.More,
		"interrupted": jv.Interrupted, "version": j.Version}
	if jv.Report.File != nil {
		out["file_error"] = map[string]any{"code": jv.Report.File.Key, "message": imports.ProblemMessage(lang, jv.Report.File)}
	}
	if j.Message != "" {
		out["message"] = s.cat.T(info(r).locale, j.Message)
	}
	return out
}

func (s *Server) apiImportShow(w http.ResponseWriter, r *http.Request) {
	j, err := s.importJob(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.apiJob(r, j))
}

func (s *Server) apiImportCommit(w http.ResponseWriter, r *http.Request) {
	j, err := s.commitImport(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.apiJob(r, j))
}
