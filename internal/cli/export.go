package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"redgrid/internal/export"
	"redgrid/internal/model"
)

// runExport writes a whole register to a spreadsheet file, as an
// administrator sees it (personal data masked), and audits it.
func runExport(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "export", "REGISTER [--format xlsx|csv|csv-gb18030] [--out FILE] [--db URL]   (REGISTER: enterprises or members)", &cfg)
	format := fs.String("format", "xlsx", "xlsx, csv (UTF-8 with BOM) or csv-gb18030")
	out := fs.String("out", "", "output file (default REGISTER-YYYYMMDD.xlsx|csv in the current directory)")
	var register string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		register, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if register == "" && fs.NArg() > 0 {
		register = fs.Arg(0)
	}
	if _, ok := export.Registers[register]; !ok {
		return fmt.Errorf("name a register to export: enterprises or members (got %q)", register)
	}
	_, _, ext, err := export.Format(*format)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	path := *out
	if path == "" {
		path = fmt.Sprintf("%s-%s.%s", register, s.Now().Format("20060102"), ext)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a failure; a success renamed it
	n, err := export.Write(ctx, tmp, s, model.System, register, *format, cfg.DefaultLocale)
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
