// Package cli implements the redgrid command line: serve, migrate, demo,
// gen, user, audit, config and version. Every command accepts --db and
// --help, prints one clear line on error and exits non-zero.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"redgrid/internal/secret"
	"runtime/debug"
	"sort"
	"strings"

	"redgrid/internal/config"
	"redgrid/internal/store"
	"redgrid/internal/web"
)

// IO are the streams a command uses (tests substitute buffers).
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// Env is what commands share: streams and a config built from defaults and
// the environment.
type Env struct {
	IO
	Getenv func(string) string
	// Ready, when set, receives the listening address once serve accepts
	// connections (tests use it to find the port chosen for :0).
	Ready func(addr string)
}

var commands []command

func init() {
	commands = []command{
		{"serve", "run the web server (migrates the database first)", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"demo", "load the demo zone into an empty database", runDemo},
		{"gen", "load a large deterministic data set for benchmarks", runGen},
		{"user", "manage accounts: add, passwd, list", runUser},
		{"audit", "audit log tools: verify", runAudit},
		{"key", "personal-data key: status, rotate, reencrypt", runKey},
		{"import", "import a spreadsheet (xlsx or CSV) into a register, all rows or none", runImport},
		{"export", "export a register to xlsx or CSV: grids, enterprises, organizations, members, surveys, transfers, audit", runExport},
		{"briefing", "write a month's briefing (工作简报) from the records: text, html or docx", runBriefing},
		{"stats", "statistics aggregates: rebuild", runStats},
		{"config", "print the effective configuration (secrets masked)", runConfig},
		{"version", "print the version", runVersion},
	}
}

// errUsage marks an error whose message is the usage text already printed.
var errUsage = errors.New("usage")

// Run executes the command line and returns the exit code.
func Run(ctx context.Context, args []string, streams IO) int {
	return RunEnv(ctx, args, &Env{IO: streams, Getenv: os.Getenv})
}

// RunEnv is Run with an explicit environment.
func RunEnv(ctx context.Context, args []string, env *Env) int {
	web.Version = version()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Out)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(env.Err, "redgrid %s: %s\n", c.name, oneLine(err))
			return 1
		}
	}
	fmt.Fprintf(env.Err, "redgrid: unknown command %q (see redgrid --help)\n", args[0])
	return 2
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "redgrid — 红网格: party building and enterprise services for a development zone")
	fmt.Fprintln(w, "\nUsage: redgrid COMMAND [flags]   (redgrid COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db (default sqlite:./data/redgrid.db, or REDGRID_DATABASE_URL).")
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return v + "+" + s.Value[:12]
			}
		}
		if v != "" && v != "(devel)" {
			return v
		}
	}
	return "dev"
}

// flags creates a flag set with --db bound to the config.
func flags(env *Env, name, args string, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Err)
	fs.StringVar(&cfg.DatabaseURL, "db", cfg.DatabaseURL, "database URL: sqlite:PATH or postgres://… (REDGRID_DATABASE_URL)")
	fs.Usage = func() {
		fmt.Fprintf(env.Err, "Usage: redgrid %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; a parse error has been printed with the usage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func loadConfig(env *Env) (config.Config, error) {
	cfg := config.Default()
	if err := cfg.FromEnv(env.Getenv); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	keys, err := secret.LoadKeyring(cfg.Getenv, cfg.DataDirectory())
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return nil, err
	}
	s.Keys = keys
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.RestoreDeferredIndexes(ctx); err != nil { // after an interrupted bulk load
		s.Close()
		return nil, err
	}
	if err := s.SeedDictionaries(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runVersion(ctx context.Context, env *Env, args []string) error {
	cfg := config.Default()
	fs := flags(env, "version", "", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "redgrid %s (schema %d)\n", version(), store.LatestVersion())
	return nil
}

func runConfig(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "config", "", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	pairs := cfg.Masked()
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i][0] < pairs[j][0] })
	for _, p := range pairs {
		fmt.Fprintf(env.Out, "%s=%s\n", p[0], p[1])
	}
	return nil
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "migrate", "", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if err := s.SeedDictionaries(ctx); err != nil {
		return err
	}
	v, _ := s.SchemaVersion(ctx)
	fmt.Fprintf(env.Out, "applied %d migration(s); schema version %d\n", n, v)
	return nil
}

func runAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(env.Err, "Usage: redgrid audit verify [--db URL]")
		return errUsage
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "audit verify", "", &cfg)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if res.BadSeq != 0 {
		return fmt.Errorf("audit chain broken at entry %d: %s (%d entries read)", res.BadSeq, res.Problem, res.Entries)
	}
	fmt.Fprintf(env.Out, "audit chain intact: %d entries\n", res.Entries)
	return nil
}
