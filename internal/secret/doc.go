// Package secret keeps personal data — 居民身份证号 and phone numbers — encrypted
// at rest, findable by exact value through a blind index, and masked for
// display (PRODUCT.md: "personal data encrypted at rest and masked in lists";
// 个人信息保护法: mask by default). It uses the standard library only.
//
// # Keys
//
// A [Keyring] holds 256-bit master keys by id. The newest key is current and
// encrypts; every key decrypts. [LoadKeyring] takes the keys from the first
// of these sources that is present:
//
//  1. REDGRID_SECRET_KEY: 32 bytes as 64 hex digits or base64 (standard or
//     URL alphabet, padded or not), e.g. the output of
//     `openssl rand -base64 32` or [GenerateKey]. Older keys, still needed to
//     read values written before a rotation, go in
//     REDGRID_SECRET_KEY_PREVIOUS, comma-separated, in any order. Such a
//     keyring cannot rotate itself ([Keyring.Rotate] returns [ErrReadOnly]);
//     see Rotation below. A key file, if any, is then ignored.
//  2. The key file <data directory>/secret.key ([KeyFileName]). It is created
//     on first use with mode 0600 (in a directory created with 0700), holds
//     keys from crypto/rand as base64 lines with their ids, and is rewritten
//     by [Keyring.Rotate]. LoadKeyring refuses a key file that group or
//     others may read.
//
// A key's id is a 4-byte fingerprint derived from the key (HKDF-SHA256), shown
// as 8 hex digits. The same key therefore has the same id wherever it is
// configured and the order of REDGRID_SECRET_KEY_PREVIOUS does not matter.
// A key file becomes environment variables by copying its base64 values: the
// last "key" line to REDGRID_SECRET_KEY, the other keys to
// REDGRID_SECRET_KEY_PREVIOUS, the "index" line to REDGRID_SECRET_INDEX_KEY.
// Ids are not secret.
//
// Losing the keys loses the data: values encrypted under a key cannot be read
// without it. Back up secret.key (or the variables) with the database, but
// not in the same place.
//
// # Ciphertexts
//
// [Keyring.Encrypt] and [Keyring.EncryptField] return unpadded base64url text
// (alphabet A–Z a–z 0–9 - _), safe for a TEXT column, of
//
//	version (1 byte) | key id (4 bytes) | nonce | sealed plaintext and tag
//
// Version 1 is AES-256-GCM with a random 12-byte nonce and a 16-byte tag,
// under a key derived from the master key by HKDF-SHA256. The associated data
// is the 5-byte header followed by the field name, so changing the version or
// key id, or moving a value to another column, makes decryption fail. An
// 11-digit phone number becomes 59 characters, an 18-character ID number 68.
// The ciphertext length reveals the plaintext length (a landline and a mobile
// number differ); nothing else about the plaintext.
//
// Decrypt errors wrap one of [ErrMalformed] (not a ciphertext of a known
// version), [ErrUnknownKey] (names a key the keyring lacks) or
// [ErrAuthentication] (altered, another field's value, or the wrong key).
// Messages never contain plaintext or key material.
//
// # Blind index
//
// A UNIQUE or lookup column cannot hold ciphertexts, which are randomized, so
// [Keyring.Index] gives each (field, normalized value) a deterministic
// HMAC-SHA256 in lowercase hex (64 characters). Each field has its own HMAC
// key, derived by HKDF-SHA256 from one index key, so equal numbers in two
// fields do not link. Callers normalize first (ident.NormalizeID, digits-only
// phone numbers) and store NULL rather than the index of an empty value, so
// that a UNIQUE constraint ignores absent values.
//
// The index key is deliberately separate from the encryption keys and never
// changes on rotation: every stored index must stay comparable with the index
// of a new input, or uniqueness checks and lookups silently miss. Deriving it
// from the current key would break all indexes at the first rotation; deriving
// it from "the oldest key" would tie it to a key an operator will one day want
// to retire, and to the order of a list. So:
//
//   - The key file holds its own random index key (the "index" line), made at
//     creation and kept by Rotate. Encryption keys can all be rotated and the
//     oldest eventually deleted without touching any index.
//   - With environment keys, the index key is REDGRID_SECRET_INDEX_KEY when
//     set. Otherwise it is REDGRID_SECRET_KEY, which is only unambiguous
//     before the first rotation: once REDGRID_SECRET_KEY_PREVIOUS is set,
//     LoadKeyring requires REDGRID_SECRET_INDEX_KEY (normally the original
//     REDGRID_SECRET_KEY value) instead of guessing.
//
// In both cases the HMAC keys are derived with their own HKDF label, so the
// same master key never serves as both an AES and an HMAC key.
// [Keyring.IndexKeyID] fingerprints the index key. A store should record it
// next to the indexes and refuse to start when it changes, because a wrong
// index key makes lookups miss without any error. Changing the index key on
// purpose means recomputing every index from the decrypted values.
//
// The index of a low-entropy value (an ID number, a phone number) can be
// brute-forced by anyone who holds the index key. It protects against leaked
// database dumps, not against leaked keys.
//
// # Rotation
//
// With a key file, call [Keyring.Rotate] from one process; it adds a new
// current key to the file and keeps the old ones. Restart the other processes
// that use the same file so they load the new key. Then re-encrypt stored
// values: for each value where [Keyring.NeedsReencrypt] is true, store
// [Keyring.Reencrypt]. An old key may be deleted from the file only when no
// stored value names it any more.
//
// With environment keys, set REDGRID_SECRET_INDEX_KEY to the current index key
// (on the first rotation, the REDGRID_SECRET_KEY value in use), add the
// outgoing REDGRID_SECRET_KEY to REDGRID_SECRET_KEY_PREVIOUS, set
// REDGRID_SECRET_KEY to a new key, restart every process, and re-encrypt as
// above.
//
// # SM4 (密评, GB/T 39786)
//
// PRODUCT.md names an option to use SM4 for personal data at rest. This
// package does not implement SM4 yet, but the format is built for it: the
// first byte of every ciphertext names its algorithm, and decryption picks the
// cipher by that byte. Version 2 is reserved for SM4-GCM (SM4 of GB/T 32907,
// a 16-byte key derived from the master key, a 12-byte nonce and a 16-byte
// tag), and the same key ids and field binding apply. Adding it means
// registering one more entry in the cipher table, backed by a kept SM4
// library, and a setting that chooses the version for new values. Existing
// AES values keep decrypting, and NeedsReencrypt and Reencrypt migrate them.
// Today a value of version 2 is rejected with [ErrMalformed]. An SM3 blind
// index (HMAC-SM3) would be a new index key with all indexes recomputed.
package secret
