package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"redgrid/internal/export"
	"redgrid/internal/model"
)

// runExport writes a whole register to a spreadsheet, as the system actor
// sees it (personal data masked as in every list), and audits it. Without
// --out the file goes to standard output.
func runExport(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	names := strings.Join(export.Names(), ", ")
	fs := flags(env, "export", "REGISTER [--format xlsx|csv|csv-gb18030] [--out FILE] [--db URL]\n\nREGISTER: "+names, &cfg)
	format := fs.String("format", "xlsx", "xlsx, csv (UTF-8 with BOM) or csv-gb18030")
	out := fs.String("out", "", "output file (default: standard output)")
	var register string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		register, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if register == "" && fs.NArg() > 0 {
		register, args = fs.Arg(0), fs.Args()[1:]
		if err := parse(fs, args); err != nil {
			return err
		}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export takes one register; unexpected %q", fs.Arg(0))
	}
	if _, ok := export.Registers[register]; !ok {
		return fmt.Errorf("name a register to export: %s (got %q)", names, register)
	}
	if _, _, _, err := export.Format(*format); err != nil {
		return err
	}
	loc := cfg.Location
	if loc == nil {
		if loc, err = time.LoadLocation(cfg.TimeZone); err != nil {
			return err
		}
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if *out == "" {
		bw := bufio.NewWriterSize(env.Out, 256<<10)
		n, err := export.Write(ctx, bw, s, model.System, register, *format, cfg.DefaultLocale, loc)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Err, "exported %d %s\n", n, register)
		return nil
	}
	path := *out
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a failure; a success renamed it
	bw := bufio.NewWriterSize(tmp, 256<<10)
	n, err := export.Write(ctx, bw, s, model.System, register, *format, cfg.DefaultLocale, loc)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(errors.New("could not move the export into place"), err)
	}
	fmt.Fprintf(env.Out, "exported %d %s to %s\n", n, register, path)
	return nil
}
