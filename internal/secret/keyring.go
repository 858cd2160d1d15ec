package secret

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Environment variables read by LoadKeyring.
const (
	EnvKey         = "REDGRID_SECRET_KEY"          // the current key
	EnvKeyPrevious = "REDGRID_SECRET_KEY_PREVIOUS" // older keys, comma-separated
	EnvIndexKey    = "REDGRID_SECRET_INDEX_KEY"    // the blind-index key; required once previous keys exist
)

// KeyFileName is the key file LoadKeyring uses in the data directory.
const KeyFileName = "secret.key"

// KeySize is the size of a master key in bytes.
const KeySize = 32

const keyIDSize = 4

// HKDF labels. Changing any of them changes every derived key.
const (
	labelKeyID   = "redgrid/secret/v1 key id"
	labelIndexID = "redgrid/secret/v1 index key id"
	labelIndex   = "redgrid/secret/v1 blind index\x00" // followed by the field name
)

const keyHint = "want 32 bytes as 64 hex digits or base64; generate one with: openssl rand -base64 32"

// ErrReadOnly is returned by Rotate on a keyring loaded from the environment.
var ErrReadOnly = errors.New("secret: keys from " + EnvKey + " cannot be rotated by the program; " +
	"set a new " + EnvKey + ", move the old one to " + EnvKeyPrevious + ", set " + EnvIndexKey +
	" and restart (see package doc)")

type keyID [keyIDSize]byte

func (id keyID) String() string { return hex.EncodeToString(id[:]) }

// key is one master key with the ciphers derived from it.
type key struct {
	id   keyID
	raw  []byte
	aead map[byte]cipher.AEAD // by ciphertext version
}

func newKey(raw []byte) (*key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("secret: key is %d bytes, %s", len(raw), keyHint)
	}
	k := &key{raw: bytes.Clone(raw), aead: make(map[byte]cipher.AEAD, len(suites))}
	k.id = fingerprint(raw, labelKeyID)
	for v, s := range suites {
		a, err := s.newAEAD(k.raw)
		if err != nil {
			return nil, fmt.Errorf("secret: %s: %w", s.name, err)
		}
		if a.NonceSize() != s.nonceSize || a.Overhead() != s.tagSize {
			return nil, fmt.Errorf("secret: %s: nonce or tag size differs from the table", s.name)
		}
		k.aead[v] = a
	}
	return k, nil
}

func fingerprint(raw []byte, label string) keyID {
	b, err := hkdf.Key(sha256.New, raw, nil, label, keyIDSize)
	if err != nil {
		panic("secret: hkdf: " + err.Error()) // only for absurd lengths
	}
	return keyID(b)
}

// Keyring holds the master keys and the blind-index key. It is safe for
// concurrent use. Printing it shows ids, never key material.
type Keyring struct {
	mu   sync.RWMutex
	keys []*key // oldest first; the last is current
	byID map[keyID]*key

	index   []byte // index root key; never changes after loading
	indexID keyID
	fields  sync.Map // field name → HMAC key, derived from index

	path string // key file; "" when the keys come from the environment
}

func newKeyring(index []byte, raws [][]byte, path string) (*Keyring, error) {
	if len(index) != KeySize {
		return nil, fmt.Errorf("secret: index key is %d bytes, %s", len(index), keyHint)
	}
	r := &Keyring{
		byID:    map[keyID]*key{},
		index:   bytes.Clone(index),
		indexID: fingerprint(index, labelIndexID),
		path:    path,
	}
	for _, raw := range raws {
		k, err := newKey(raw)
		if err != nil {
			return nil, err
		}
		if err := r.add(k); err != nil {
			return nil, err
		}
	}
	if len(r.keys) == 0 {
		return nil, errors.New("secret: no keys")
	}
	return r, nil
}

// add appends k as the newest key. A key given twice keeps its newer place.
func (r *Keyring) add(k *key) error {
	if old, ok := r.byID[k.id]; ok {
		if !hmac.Equal(old.raw, k.raw) {
			return fmt.Errorf("secret: two different keys share the id %s; generate another key", k.id)
		}
		r.keys = slices.DeleteFunc(r.keys, func(x *key) bool { return x == old })
	}
	r.keys = append(r.keys, k)
	r.byID[k.id] = k
	return nil
}

func (r *Keyring) current() *key { return r.keys[len(r.keys)-1] }

// CurrentKeyID is the id of the key that encrypts, as 8 hex digits.
func (r *Keyring) CurrentKeyID() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current().id.String()
}

// KeyIDs lists the ids of all keys, oldest first; the last is current.
func (r *Keyring) KeyIDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id.String()
	}
	return ids
}

// IndexKeyID fingerprints the blind-index key (8 hex digits). Stores record
// it beside their indexes and refuse to start when it differs.
func (r *Keyring) IndexKeyID() string { return r.indexID.String() }

// Path is the key file, or "" when the keys come from the environment.
func (r *Keyring) Path() string { return r.path }

// String describes the keyring without key material.
func (r *Keyring) String() string {
	src := "env " + EnvKey
	if r.path != "" {
		src = "file " + r.path
	}
	return fmt.Sprintf("secret.Keyring{%s, keys %v, index %s}", src, r.KeyIDs(), r.indexID)
}

// GoString keeps %#v from printing key material.
func (r *Keyring) GoString() string { return r.String() }

// GenerateKey returns a new random master key in base64, as accepted by
// REDGRID_SECRET_KEY.
func GenerateKey() string { return base64.StdEncoding.EncodeToString(randomKey()) }

func randomKey() []byte {
	b := make([]byte, KeySize)
	rand.Read(b) // never fails (crypto/rand, Go ≥ 1.24)
	return b
}

// LoadKeyring loads the keys from REDGRID_SECRET_KEY and its companions if
// set, otherwise from dataDir/secret.key, creating that file (and dataDir) on
// first use. getenv is os.Getenv when nil. See the package doc for the rules.
func LoadKeyring(getenv func(string) string, dataDir string) (*Keyring, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cur := strings.TrimSpace(getenv(EnvKey))
	prev := strings.TrimSpace(getenv(EnvKeyPrevious))
	idx := strings.TrimSpace(getenv(EnvIndexKey))
	if cur != "" {
		return fromEnv(cur, prev, idx)
	}
	if prev != "" || idx != "" {
		return nil, fmt.Errorf("secret: %s or %s is set but %s is empty", EnvKeyPrevious, EnvIndexKey, EnvKey)
	}
	if dataDir == "" {
		return nil, fmt.Errorf("secret: set %s or give a data directory for %s", EnvKey, KeyFileName)
	}
	path := filepath.Join(dataDir, KeyFileName)
	r, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(path)
	}
	return r, err
}

func fromEnv(cur, prev, idx string) (*Keyring, error) {
	current, err := decodeKey(cur)
	if err != nil {
		return nil, fmt.Errorf("secret: %s: %w", EnvKey, err)
	}
	var raws [][]byte
	for i, part := range strings.Split(prev, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, err := decodeKey(part)
		if err != nil {
			return nil, fmt.Errorf("secret: %s (item %d): %w", EnvKeyPrevious, i+1, err)
		}
		raws = append(raws, k)
	}
	var index []byte
	switch {
	case idx != "":
		if index, err = decodeKey(idx); err != nil {
			return nil, fmt.Errorf("secret: %s: %w", EnvIndexKey, err)
		}
	case len(raws) == 0:
		index = current
	default:
		return nil, fmt.Errorf("secret: %s is set, so %s must be set too: give it the index key in use "+
			"(the original %s value unless it was set before), or stored blind indexes stop matching",
			EnvKeyPrevious, EnvIndexKey, EnvKey)
	}
	return newKeyring(index, append(raws, current), "")
}

// decodeKey reads 32 bytes from hex or base64. Errors never echo the input.
func decodeKey(s string) ([]byte, error) {
	if isHex(s) {
		if len(s) != 2*KeySize {
			return nil, fmt.Errorf("%d hex digits, %s", len(s), keyHint)
		}
		return hex.DecodeString(s)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("decodes to %d bytes, %s", len(b), keyHint)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("neither hex nor base64, %s", keyHint)
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Key file format: comment lines start with #; "index <id> <base64>" is the
// blind-index key; "key <id> <base64>" lines are master keys, oldest first.
const keyFileHeader = `# redgrid secret keys (internal/secret). Keep this file private (mode 0600)
# and back it up apart from the database: values encrypted under a key cannot
# be read without it. "key <id> <base64>" lines are the master keys, oldest
# first; the last one encrypts. "index <id> <base64>" is the blind-index key,
# which must never change. Delete an old key only when no stored value uses it.
`

func (r *Keyring) marshal() []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader)
	fmt.Fprintf(&b, "index %s %s\n", r.indexID, base64.StdEncoding.EncodeToString(r.index))
	for _, k := range r.keys {
		fmt.Fprintf(&b, "key %s %s\n", k.id, base64.StdEncoding.EncodeToString(k.raw))
	}
	return b.Bytes()
}

func readKeyFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err) // names the file; callers check fs.ErrNotExist
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("secret: %s may be read by other users (mode %04o); run: chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return parseKeyFile(data, path)
}

func parseKeyFile(data []byte, path string) (*Keyring, error) {
	var index []byte
	var raws [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("secret: %s line %d: %s", path, n, fmt.Sprintf(format, args...))
		}
		f := strings.Fields(line)
		if len(f) != 3 || (f[0] != "key" && f[0] != "index") {
			return nil, bad(`want "key <id> <base64>" or "index <id> <base64>"`)
		}
		raw, err := base64.StdEncoding.DecodeString(f[2])
		if err != nil || len(raw) != KeySize {
			return nil, bad("not a base64 32-byte key")
		}
		label := labelKeyID
		if f[0] == "index" {
			label = labelIndexID
		}
		if id := fingerprint(raw, label); id.String() != f[1] {
			return nil, bad("id %s does not match its key (%s): the file was edited or damaged", f[1], id)
		}
		if f[0] == "key" {
			raws = append(raws, raw)
			continue
		}
		if index != nil {
			return nil, bad("a second index key")
		}
		index = raw
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("secret: %s: %w", path, err)
	}
	if index == nil || len(raws) == 0 {
		return nil, fmt.Errorf("secret: %s: needs an index line and at least one key line", path)
	}
	return newKeyring(index, raws, path)
}

// createKeyFile makes a new key file with a random key and index key. When
// another process creates the file first, its keys are loaded instead.
func createKeyFile(path string) (*Keyring, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	r, err := newKeyring(randomKey(), [][]byte{randomKey()}, path)
	if err != nil {
		return nil, err
	}
	err = writeFile(path, r.marshal(), false)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// writeFile writes data to path with mode 0600 through a temporary file in
// the same directory, so that no reader ever sees a partial file. When
// replace is false and path exists, it fails with an fs.ErrExist error.
func writeFile(path string, data []byte, replace bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+KeyFileName+"-*")
	if err != nil {
		return fmt.Errorf("secret: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("secret: %w", err)
	}
	if replace {
		err = os.Rename(tmp.Name(), path)
	} else if err = os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links here: fall back to an exclusive create.
		err = writeExclusive(path, data)
	}
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("secret: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // persist the directory entry where supported
		d.Close()
	}
	return nil
}

func writeExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// Rotate adds a new random key, makes it current, and rewrites the key file
// keeping every older key for decryption. It starts from the file as it is
// on disk, so keys another process added are not lost; other processes still
// need a restart to encrypt with the new key. Keyrings from the environment
// return ErrReadOnly.
func (r *Keyring) Rotate() error {
	if r.path == "" {
		return ErrReadOnly
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	disk, err := readKeyFile(r.path)
	if err != nil {
		return err
	}
	if disk.indexID != r.indexID {
		return fmt.Errorf("secret: %s now has index key %s, not %s as loaded; not rotating", r.path, disk.indexID, r.indexID)
	}
	for _, k := range r.keys { // keys this process has but the file lost
		if _, ok := disk.byID[k.id]; !ok {
			disk.keys = append([]*key{k}, disk.keys...)
			disk.byID[k.id] = k
		}
	}
	var k *key
	for k == nil {
		if k, err = newKey(randomKey()); err != nil {
			return err
		}
		if _, taken := disk.byID[k.id]; taken {
			k = nil
		}
	}
	if err := disk.add(k); err != nil {
		return err
	}
	if err := writeFile(r.path, disk.marshal(), true); err != nil {
		return err
	}
	r.keys, r.byID = disk.keys, disk.byID
	return nil
}
