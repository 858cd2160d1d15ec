package cli

import (
	"context"
	"errors"
	"fmt"

	"redgrid/internal/model"
	"redgrid/internal/secret"
	"redgrid/internal/store"
)

// runKey manages the key that encrypts personal data at rest.
func runKey(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Err, "Usage: redgrid key status|rotate|reencrypt [--db URL]")
		return errUsage
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	sub, args := args[0], args[1:]
	fs := flags(env, "key "+sub, "[--db URL]", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "status":
		fmt.Fprintf(env.Out, "key source: %s\ncurrent key: %s\nall keys: %v\nindex key: %s\n",
			keySource(s.Keys), s.Keys.CurrentKeyID(), s.Keys.KeyIDs(), s.Keys.IndexKeyID())
		return nil
	case "rotate":
		if err := s.Keys.Rotate(); err != nil {
			if errors.Is(err, secret.ErrReadOnly) {
				return fmt.Errorf("keys come from %s: add the current key to %s, set a new %s, restart every process, then run `redgrid key reencrypt`",
					secret.EnvKey, secret.EnvKeyPrevious, secret.EnvKey)
			}
			return err
		}
		fmt.Fprintf(env.Out, "new current key %s written to %s; restart the other processes that share it\n", s.Keys.CurrentKeyID(), s.Keys.Path())
		return reencrypt(ctx, env, s)
	case "reencrypt":
		return reencrypt(ctx, env, s)
	}
	fmt.Fprintf(env.Err, "redgrid key: unknown subcommand %q (status, rotate, reencrypt)\n", sub)
	return errUsage
}

func keySource(k *secret.Keyring) string {
	if k.Path() != "" {
		return k.Path()
	}
	return "environment (" + secret.EnvKey + ")"
}

func reencrypt(ctx context.Context, env *Env, s *store.Store) error {
	res, err := s.ReencryptPersonalData(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "re-encrypted %d of %d stored values under key %s\n", res.Rewritten, res.Checked, s.Keys.CurrentKeyID())
	err = s.InTx(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, model.System, store.Change{Action: "key.reencrypt", Entity: "key",
			After: map[string]any{"key": s.Keys.CurrentKeyID(), "checked": res.Checked, "rewritten": res.Rewritten}})
	})
	return err
}
