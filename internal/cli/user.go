package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func readPassword(env *Env) (string, error) {
	line, err := bufio.NewReader(env.In).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input (pipe it in: echo 'S3cret-pass' | redgrid user add …)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// describe turns a domain error into one readable line for the terminal.
func describe(err error) error {
	e, ok := model.AsError(err)
	if !ok {
		return err
	}
	var parts []string
	for f, fe := range e.Fields {
		parts = append(parts, fmt.Sprintf("%s: %s %v", f, fe.Key, fe.Args))
	}
	if len(parts) == 0 {
		return fmt.Errorf("%s %v", e.Key, e.Args)
	}
	return errors.New(strings.Join(parts, "; "))
}

func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Err, "Usage: redgrid user add|passwd|list [flags]")
		return errUsage
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		fs := flags(env, "user add", "--username U --role R [--name N] [--grid CODE]… [--department CODE] [--org CODE]… < password", &cfg)
		username := fs.String("username", "", "login name (required)")
		role := fs.String("role", "", "admin, department, grid_head, grid_worker, org_secretary or member (required)")
		name := fs.String("name", "", "display name")
		dept := fs.String("department", "", "department code (department staff)")
		var grids, orgs multi
		fs.Var(&grids, "grid", "grid code (repeatable; grid heads and workers)")
		fs.Var(&orgs, "org", "organization code (repeatable; secretaries and members)")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *username == "" || *role == "" {
			fs.Usage()
			return errUsage
		}
		s, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		in := store.UserInput{Username: *username, DisplayName: *name, Role: model.Role(*role)}
		if *dept != "" {
			d, err := s.DepartmentByCode(ctx, *dept)
			if err != nil {
				return fmt.Errorf("unknown department %q", *dept)
			}
			in.DepartmentID = d.ID
		}
		for _, c := range grids {
			g, err := s.GridByCode(ctx, c)
			if err != nil {
				return fmt.Errorf("unknown grid %q", c)
			}
			in.GridIDs = append(in.GridIDs, g.ID)
		}
		for _, c := range orgs {
			id, err := s.OrganizationIDByCode(ctx, c)
			if err != nil {
				return fmt.Errorf("unknown organization %q", c)
			}
			in.OrgIDs = append(in.OrgIDs, id)
		}
		if in.Password, err = readPassword(env); err != nil {
			return err
		}
		u, err := s.CreateUser(ctx, model.System, in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.Out, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
		return nil
	case "passwd":
		fs := flags(env, "user passwd", "--username U < password", &cfg)
		username := fs.String("username", "", "login name (required)")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *username == "" {
			fs.Usage()
			return errUsage
		}
		s, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		u, err := s.UserByUsername(ctx, *username)
		if err != nil {
			return fmt.Errorf("no user %q", *username)
		}
		pw, err := readPassword(env)
		if err != nil {
			return err
		}
		if err := s.SetPassword(ctx, model.System, u.ID, pw, false, ""); err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.Out, "password of %s changed; their sessions have ended\n", u.Username)
		return nil
	case "list":
		fs := flags(env, "user list", "[--role R]", &cfg)
		role := fs.String("role", "", "only this role")
		if err := parse(fs, args); err != nil {
			return err
		}
		s, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		users, err := s.Users(ctx, model.Role(*role), "")
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(env.Out, "%-16s %-14s %-8s %s %s\n", u.Username, u.Role, state, u.DisplayName, strings.Join(u.GridNames, ","))
		}
		return nil
	}
	fmt.Fprintf(env.Err, "redgrid user: unknown subcommand %q (add, passwd, list)\n", sub)
	return errUsage
}
