package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// env returns a getenv that reads only m, so tests never see the real
// environment.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// testKey returns a fixed key whose bytes are all b.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func b64Key(b byte) string { return base64.StdEncoding.EncodeToString(testKey(b)) }

// envRing loads a keyring from REDGRID_SECRET_KEY set to testKey(b).
func envRing(t testing.TB, b byte) *Keyring {
	t.Helper()
	r, err := LoadKeyring(env(map[string]string{EnvKey: b64Key(b)}), "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEnvKeyEncodings(t *testing.T) {
	raw := testKey(0xA5)
	want, err := newKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{
		"hex lower":       hex.EncodeToString(raw),
		"hex upper":       strings.ToUpper(hex.EncodeToString(raw)),
		"base64":          base64.StdEncoding.EncodeToString(raw),
		"base64 raw":      base64.RawStdEncoding.EncodeToString(raw),
		"base64url":       base64.URLEncoding.EncodeToString(raw),
		"base64url raw":   base64.RawURLEncoding.EncodeToString(raw),
		"trailing spaces": " " + base64.StdEncoding.EncodeToString(raw) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := LoadKeyring(env(map[string]string{EnvKey: v}), dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.CurrentKeyID(); got != want.id.String() {
				t.Errorf("key id %s, want %s", got, want.id)
			}
			if r.Path() != "" {
				t.Errorf("env keyring has path %q", r.Path())
			}
			if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("env keyring touched the key file: %v", err)
			}
		})
	}
}

func TestEnvKeyErrors(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(testKey(1)[:16])
	long := hex.EncodeToString(append(testKey(1), 0))
	cases := []struct {
		name     string
		vars     map[string]string
		dataDir  string
		wantName string // the variable the error must name
		wantText string
	}{
		{"16 bytes base64", map[string]string{EnvKey: short}, "", EnvKey, "16 bytes"},
		{"33 bytes hex", map[string]string{EnvKey: long}, "", EnvKey, "66 hex digits"},
		{"31 hex digits", map[string]string{EnvKey: strings.Repeat("a", 31)}, "", EnvKey, "31 hex digits"},
		{"not an encoding", map[string]string{EnvKey: "correct horse battery staple!"}, "", EnvKey, "neither hex nor base64"},
		{"bad previous", map[string]string{EnvKey: b64Key(1), EnvKeyPrevious: b64Key(2) + "," + short, EnvIndexKey: b64Key(2)},
			"", EnvKeyPrevious, "item 2"},
		{"bad index key", map[string]string{EnvKey: b64Key(1), EnvIndexKey: short}, "", EnvIndexKey, "16 bytes"},
		{"previous without index key", map[string]string{EnvKey: b64Key(1), EnvKeyPrevious: b64Key(2)}, "", EnvIndexKey, EnvKeyPrevious},
		{"previous without key", map[string]string{EnvKeyPrevious: b64Key(2)}, t.TempDir(), EnvKey, "empty"},
		{"nothing at all", nil, "", EnvKey, KeyFileName},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := LoadKeyring(env(tc.vars), tc.dataDir)
			if err == nil {
				t.Fatalf("loaded %v", r)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.wantName) || !strings.Contains(msg, tc.wantText) {
				t.Errorf("error %q should name %s and say %q", msg, tc.wantName, tc.wantText)
			}
			for _, v := range tc.vars {
				for part := range strings.SplitSeq(v, ",") {
					if len(part) > 8 && strings.Contains(msg, part) {
						t.Errorf("error %q echoes a key value", msg)
					}
				}
			}
		})
	}
}

func TestKeyFileCreatedAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested") // does not exist yet
	r1, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFileName)
	if r1.Path() != path {
		t.Errorf("path %q, want %q", r1.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("key file mode %04o, want 0600", perm)
		}
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{"\nindex " + r1.IndexKeyID() + " ", "\nkey " + r1.CurrentKeyID() + " "} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("key file lacks %q:\n%s", want, data)
		}
	}
	if r1.IndexKeyID() == r1.CurrentKeyID() {
		t.Error("index key should be independent of the first key")
	}
	c, err := r1.EncryptField("member.phone", "13812345678")
	if err != nil {
		t.Fatal(err)
	}

	r2, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if r2.CurrentKeyID() != r1.CurrentKeyID() || r2.IndexKeyID() != r1.IndexKeyID() {
		t.Errorf("second load got %v, first %v", r2, r1)
	}
	if p, err := r2.DecryptField("member.phone", c); err != nil || p != "13812345678" {
		t.Errorf("second load decrypts to %q, %v", p, err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, data) {
		t.Error("second load rewrote the key file")
	}
	if s := fmt.Sprintf("%v %+v %#v %s", r1, r1, r1, r1); bytes.Contains([]byte(s), []byte(base64.StdEncoding.EncodeToString(r1.current().raw))) {
		t.Errorf("printing the keyring shows key material: %s", s)
	}
}

func TestKeyFileRejected(t *testing.T) {
	good, err := LoadKeyring(env(nil), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good.Path())
	keyLine := "key " + good.CurrentKeyID() + " "
	cases := []struct {
		name, content string
		mode          os.FileMode
		want          string
	}{
		{"readable by others", string(data), 0o644, "chmod 600"},
		{"id edited", strings.Replace(string(data), keyLine, "key 00000000 ", 1), 0o600, "does not match"},
		{"no index", dropLines(string(data), "index "), 0o600, "index line"},
		{"no key", dropLines(string(data), "key "), 0o600, "key line"},
		{"bad base64", strings.Replace(string(data), keyLine, keyLine+"!", 1), 0o600, "not a base64 32-byte key"},
		{"unknown line", string(data) + "oops 1 2\n", 0o600, "want"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.mode != 0o600 && runtime.GOOS == "windows" {
				t.Skip("no Unix permissions")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			r, err := LoadKeyring(env(nil), dir)
			if err == nil {
				t.Fatalf("loaded %v", r)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q should name the file and say %q", err, tc.want)
			}
		})
	}
}

func dropLines(s, prefix string) string {
	var out []string
	for line := range strings.Lines(s) {
		if !strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

func TestRotateKeyFile(t *testing.T) {
	const field, phone = "member.phone", "13812345678"
	dir := t.TempDir()
	r, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	oldID := r.CurrentKeyID()
	oldIndex := r.Index(field, phone)
	oldCT, _ := r.EncryptField(field, phone)

	if err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	newID := r.CurrentKeyID()
	if newID == oldID || !slices.Equal(r.KeyIDs(), []string{oldID, newID}) {
		t.Fatalf("after rotation ids %v, current %s (old %s)", r.KeyIDs(), newID, oldID)
	}
	newCT, _ := r.EncryptField(field, phone)
	checkRotated(t, r, field, phone, oldCT, newCT, oldIndex)

	// The file was rewritten with both keys, still private; a fresh load agrees.
	if fi, err := os.Stat(r.Path()); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("rotated key file: %v %v", fi.Mode(), err)
	}
	r2, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r2.KeyIDs(), r.KeyIDs()) || r2.IndexKeyID() != r.IndexKeyID() {
		t.Errorf("reloaded %v, rotated %v", r2, r)
	}
	checkRotated(t, r2, field, phone, oldCT, newCT, oldIndex)
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// Two processes that loaded the same file rotate one after the other: the
// second must keep the key the first one added.
func TestRotateKeepsKeysAddedByOthers(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Rotate(); err != nil {
		t.Fatal(err)
	}
	ct, _ := a.Encrypt("written after a rotated")
	if err := b.Rotate(); err != nil {
		t.Fatal(err)
	}
	if n := len(b.KeyIDs()); n != 3 {
		t.Fatalf("b has %d keys after both rotations: %v", n, b.KeyIDs())
	}
	c, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Decrypt(ct); err != nil || p != "written after a rotated" {
		t.Errorf("a's new key was lost: %q %v", p, err)
	}
}

func TestRotateEnv(t *testing.T) {
	const field, id = "member.id_number", "33078419900101123X"
	r1 := envRing(t, 1)
	oldCT, _ := r1.EncryptField(field, id)
	oldIndex := r1.Index(field, id)
	if err := r1.Rotate(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Rotate on env keys: %v", err)
	}

	// The operator moves key 1 to PREVIOUS, keeps it as the index key, and
	// sets key 2. PREVIOUS may list stale keys in any order.
	r2, err := LoadKeyring(env(map[string]string{
		EnvKey:         b64Key(2),
		EnvKeyPrevious: hex.EncodeToString(testKey(9)) + ", " + b64Key(1) + ",",
		EnvIndexKey:    b64Key(1),
	}), "")
	if err != nil {
		t.Fatal(err)
	}
	if r2.CurrentKeyID() == r1.CurrentKeyID() || len(r2.KeyIDs()) != 3 {
		t.Fatalf("rotated env keyring %v", r2)
	}
	if r2.IndexKeyID() != r1.IndexKeyID() {
		t.Errorf("index key changed: %s → %s", r1.IndexKeyID(), r2.IndexKeyID())
	}
	newCT, _ := r2.EncryptField(field, id)
	checkRotated(t, r2, field, id, oldCT, newCT, oldIndex)

	// Listing the current key among the previous ones is harmless.
	r3, err := LoadKeyring(env(map[string]string{EnvKey: b64Key(2), EnvKeyPrevious: b64Key(2) + "," + b64Key(1), EnvIndexKey: b64Key(1)}), "")
	if err != nil {
		t.Fatal(err)
	}
	if r3.CurrentKeyID() != r2.CurrentKeyID() || len(r3.KeyIDs()) != 2 {
		t.Errorf("duplicate key: %v", r3)
	}
}

// checkRotated checks a keyring after rotation: oldCT was written under the
// previous key, newCT under the current one, oldIndex before rotation.
func checkRotated(t *testing.T, r *Keyring, field, plain, oldCT, newCT, oldIndex string) {
	t.Helper()
	for _, ct := range []string{oldCT, newCT} {
		if p, err := r.DecryptField(field, ct); err != nil || p != plain {
			t.Errorf("decrypt %s: %q %v", ct, p, err)
		}
	}
	if got := keyIDOf(t, newCT); got != r.CurrentKeyID() {
		t.Errorf("new ciphertext names key %s, current is %s", got, r.CurrentKeyID())
	}
	if keyIDOf(t, oldCT) == r.CurrentKeyID() {
		t.Error("old ciphertext names the current key")
	}
	if !r.NeedsReencrypt(oldCT) || r.NeedsReencrypt(newCT) {
		t.Errorf("NeedsReencrypt old %v new %v, want true false", r.NeedsReencrypt(oldCT), r.NeedsReencrypt(newCT))
	}
	re, err := r.Reencrypt(field, oldCT)
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsReencrypt(re) || keyIDOf(t, re) != r.CurrentKeyID() {
		t.Errorf("re-encrypted value names key %s", keyIDOf(t, re))
	}
	if p, err := r.DecryptField(field, re); err != nil || p != plain {
		t.Errorf("re-encrypted value decrypts to %q %v", p, err)
	}
	if again, err := r.Reencrypt(field, newCT); err != nil || again != newCT {
		t.Errorf("Reencrypt of a current value: changed=%v %v", again != newCT, err)
	}
	if _, err := r.Reencrypt("other.field", oldCT); !errors.Is(err, ErrAuthentication) {
		t.Errorf("Reencrypt with the wrong field: %v", err)
	}
	if got := r.Index(field, plain); got != oldIndex {
		t.Errorf("blind index changed across rotation: %s → %s", oldIndex, got)
	}
}

func keyIDOf(t *testing.T, s string) string {
	t.Helper()
	c, err := parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return c.id.String()
}

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if a == b {
		t.Fatal("GenerateKey repeats")
	}
	if _, err := LoadKeyring(env(map[string]string{EnvKey: a}), ""); err != nil {
		t.Errorf("generated key rejected: %v", err)
	}
}

// Encryption, decryption and indexing may run while another goroutine
// rotates; run with -race.
func TestConcurrentUse(t *testing.T) {
	r, err := LoadKeyring(env(nil), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := r.Index("f", "v")
	done := make(chan error)
	for g := range 4 {
		go func() {
			for i := range 50 {
				p := fmt.Sprint(g, i)
				ct, err := r.EncryptField("f", p)
				if err == nil {
					var got string
					if got, err = r.DecryptField("f", ct); err == nil && got != p {
						err = fmt.Errorf("decrypted %q, want %q", got, p)
					}
				}
				if err == nil && r.Index("f", "v") != want {
					err = errors.New("index changed")
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 3 {
		if err := r.Rotate(); err != nil {
			t.Error(err)
		}
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
