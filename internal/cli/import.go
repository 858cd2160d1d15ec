package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"redgrid/internal/i18n"
	"redgrid/internal/imports"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/tabular"
)

// importMemoryLimit is the Go heap's soft limit during `redgrid import`.
const importMemoryLimit = 200 << 20

// runImport reads a spreadsheet into a register as the system: the same
// checks, row-level errors and all-or-nothing commit as the web import.
func runImport(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	registers := strings.Join(store.ImportRegisters(), ", ")
	fs := flags(env, "import", "REGISTER FILE [--mode upsert|create|update] [--dry-run] [--encoding auto|utf-8|gb18030] [--db URL]   (REGISTER: "+registers+")", &cfg)
	mode := fs.String("mode", string(store.ImportUpsert), "upsert (add and update), create (add only) or update (update only)")
	dry := fs.Bool("dry-run", false, "check every row and print the counts and errors; write nothing")
	enc := fs.String("encoding", "", "CSV encoding override: utf-8 or gb18030 (default: detected)")
	// Flags may come before, between or after the two names.
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 2 {
		fs.Usage()
		return errUsage
	}
	register, path := pos[0], pos[1]
	if _, ok := imports.Spec(register); !ok {
		return fmt.Errorf("name a register to import: %s (got %q)", registers, register)
	}
	if !slices.Contains(store.ImportModes, store.ImportMode(*mode)) {
		return fmt.Errorf("--mode %q: use upsert, create or update", *mode)
	}
	switch *enc {
	case "", "auto", tabular.EncodingUTF8, tabular.EncodingGB18030:
	default:
		return fmt.Errorf("--encoding %q: use utf-8 or gb18030", *enc)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Size() > cfg.ImportMaxBytes {
		return fmt.Errorf("%s is %d MB, above the import limit of %d MB (REDGRID_IMPORT_MAX_BYTES)", path, st.Size()>>20, cfg.ImportMaxBytes>>20)
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	// A large file is read through, not held; keep the collector close to
	// a modest footprint unless GOMEMLIMIT says otherwise.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(importMemoryLimit)
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	lang := cfg.DefaultLocale
	cat := i18n.Load()
	t := func(key string, args ...any) string { return cat.T(lang, key, args...) }
	start := time.Now()
	encoding := *enc
	if encoding == "auto" {
		encoding = ""
	}
	next := 100_000
	progress := func(done int) {
		if done >= next {
			fmt.Fprintf(env.Err, "%s: %d rows checked (%.1fs)\n", register, done, time.Since(start).Seconds())
			next += 100_000
		}
	}
	rep, err := imports.RunFile(ctx, s, model.System, file, st.Size(), path, imports.Options{Register: register, Mode: store.ImportMode(*mode),
		Commit: !*dry, Progress: progress, Limits: tabular.Options{MaxBytes: cfg.ImportMaxBytes, MaxRows: cfg.ImportMaxRows, Encoding: encoding}})
	if err != nil && !imports.IsInvalid(err) {
		if e, ok := model.AsError(err); ok {
			return errors.New(t(e.Key, e.Args...))
		}
		return err
	}
	if rep.FileError != nil {
		return fmt.Errorf("%s: %s", path, imports.ProblemMessage(lang, rep.FileError))
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(env.Err, imports.Message(lang, t, e))
	}
	if rep.Truncated {
		fmt.Fprintln(env.Err, "…")
	}
	c := rep.Counts
	elapsed := time.Since(start)
	fmt.Fprintf(env.Out, "%s: %d rows: %d new, %d changed, %d unchanged, %d invalid (%s, %.1fs)\n",
		register, c.Total, c.New, c.Changed, c.Unchanged, c.Invalid, rep.Format, elapsed.Seconds())
	switch {
	case c.Invalid > 0 || len(rep.Errors) > 0:
		return fmt.Errorf("nothing imported: %d rows have errors", max(c.Invalid, 1))
	case *dry:
		fmt.Fprintln(env.Out, "dry run: nothing written")
	default:
		fmt.Fprintf(env.Out, "imported (sha256 %s)\n", rep.Checksum)
	}
	return nil
}
