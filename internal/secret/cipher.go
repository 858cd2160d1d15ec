package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Ciphertext versions: the first byte of every ciphertext names its cipher.
const (
	versionAESGCM byte = 1 // AES-256-GCM, HKDF-SHA256 subkey, 12-byte nonce, 16-byte tag
	versionSM4GCM byte = 2 // reserved for SM4-GCM (密评, GB/T 39786); not implemented
)

// currentVersion is the cipher for new ciphertexts.
const currentVersion = versionAESGCM

const headerSize = 1 + keyIDSize

// suite is one ciphertext version: how to get its AEAD from a master key.
type suite struct {
	name      string
	nonceSize int
	tagSize   int
	newAEAD   func(master []byte) (cipher.AEAD, error)
}

// suites is the cipher table. SM4-GCM goes here as versionSM4GCM.
var suites = map[byte]suite{
	versionAESGCM: {name: "AES-256-GCM", nonceSize: 12, tagSize: 16, newAEAD: newAESGCM},
}

func newAESGCM(master []byte) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, master, nil, "redgrid/secret/v1 aes-256-gcm", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Decryption errors; the returned errors wrap one of these.
var (
	ErrMalformed      = errors.New("secret: malformed ciphertext")
	ErrUnknownKey     = errors.New("secret: unknown key")
	ErrAuthentication = errors.New("secret: ciphertext failed authentication")
)

var b64 = base64.RawURLEncoding.Strict()

// Encrypt is EncryptField with no field name. Prefer EncryptField, so that a
// value cannot be moved to another column.
func (r *Keyring) Encrypt(plaintext string) (string, error) { return r.EncryptField("", plaintext) }

// Decrypt is DecryptField with no field name.
func (r *Keyring) Decrypt(s string) (string, error) { return r.DecryptField("", s) }

// EncryptField encrypts plaintext under the current key, bound to field
// (e.g. "member.id_number"): DecryptField with another field fails. The
// result is base64url text; see the package doc for its layout.
func (r *Keyring) EncryptField(field, plaintext string) (string, error) {
	r.mu.RLock()
	k := r.current()
	r.mu.RUnlock()
	aead := k.aead[currentVersion]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: %w", err)
	}
	out := make([]byte, headerSize, headerSize+len(nonce)+len(plaintext)+aead.Overhead())
	out[0] = currentVersion
	copy(out[1:], k.id[:])
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, []byte(plaintext), additionalData(out[:headerSize], field))
	return b64.EncodeToString(out), nil
}

// DecryptField decrypts a value made by EncryptField with the same field.
// Errors wrap ErrMalformed, ErrUnknownKey or ErrAuthentication.
func (r *Keyring) DecryptField(field, s string) (string, error) {
	c, err := parse(s)
	if err != nil {
		return "", err
	}
	r.mu.RLock()
	k := r.byID[c.id]
	r.mu.RUnlock()
	if k == nil {
		return "", fmt.Errorf("%w: the value was encrypted under key %s, which is not in the keyring "+
			"(restore it to %s or %s)", ErrUnknownKey, c.id, KeyFileName, EnvKeyPrevious)
	}
	pt, err := k.aead[c.version].Open(nil, c.nonce, c.sealed, additionalData(c.header, field))
	if err != nil {
		return "", fmt.Errorf("%w: altered, not a value of field %q, or encrypted under another key", ErrAuthentication, field)
	}
	return string(pt), nil
}

// NeedsReencrypt reports whether s is not yet a ciphertext under the current
// key and cipher. It reports true for anything that is not a well-formed
// ciphertext too, so that Reencrypt surfaces the problem instead of a
// rotation job silently skipping the value. It does not authenticate s.
func (r *Keyring) NeedsReencrypt(s string) bool {
	c, err := parse(s)
	if err != nil {
		return true
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return c.version != currentVersion || c.id != r.current().id
}

// Reencrypt decrypts s as a value of field and encrypts it again under the
// current key. A value already under the current key is authenticated and
// returned unchanged, so a rotation job may run more than once.
func (r *Keyring) Reencrypt(field, s string) (string, error) {
	pt, err := r.DecryptField(field, s)
	if err != nil {
		return "", err
	}
	if !r.NeedsReencrypt(s) {
		return s, nil
	}
	return r.EncryptField(field, pt)
}

// ciphertext is a parsed, not yet authenticated ciphertext.
type ciphertext struct {
	version byte
	id      keyID
	header  []byte // version and key id, authenticated as associated data
	nonce   []byte
	sealed  []byte // encrypted plaintext followed by the tag
}

func parse(s string) (ciphertext, error) {
	var c ciphertext
	if s == "" {
		return c, fmt.Errorf("%w: empty", ErrMalformed)
	}
	// The decoder skips CR and LF; a stored value never contains them.
	if strings.ContainsAny(s, "\r\n") {
		return c, fmt.Errorf("%w: contains a line break", ErrMalformed)
	}
	b, err := b64.DecodeString(s)
	if err != nil || len(b) == 0 {
		return c, fmt.Errorf("%w: not unpadded base64url", ErrMalformed)
	}
	st, ok := suites[b[0]]
	switch {
	case !ok && b[0] == versionSM4GCM:
		return c, fmt.Errorf("%w: version 2 (SM4-GCM) is not supported by this build", ErrMalformed)
	case !ok:
		return c, fmt.Errorf("%w: unknown version %d", ErrMalformed, b[0])
	case len(b) < headerSize+st.nonceSize+st.tagSize:
		return c, fmt.Errorf("%w: %d bytes is too short for %s", ErrMalformed, len(b), st.name)
	}
	c.version = b[0]
	copy(c.id[:], b[1:headerSize])
	c.header = b[:headerSize]
	c.nonce = b[headerSize : headerSize+st.nonceSize]
	c.sealed = b[headerSize+st.nonceSize:]
	return c, nil
}

// additionalData binds a ciphertext to its header and field. The header has
// a fixed size, so header and field cannot be confused.
func additionalData(header []byte, field string) []byte {
	ad := make([]byte, 0, len(header)+len(field))
	return append(append(ad, header...), field...)
}
