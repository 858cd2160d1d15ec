package secret

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Index returns the blind index of a normalized value of field: HMAC-SHA256
// under a per-field key derived from the index key, as 64 lowercase hex
// digits. Equal inputs give equal indexes, across rotations of the
// encryption keys and across processes; the same value in two fields gives
// unrelated indexes. Normalize before indexing (the index of "11010519491231002x"
// differs from that of "11010519491231002X"), and store NULL instead of the
// index of an empty value. Field names are code constants, not user input:
// each distinct name keeps a derived key in memory.
func (r *Keyring) Index(field, normalized string) string {
	mac := hmac.New(sha256.New, r.fieldKey(field))
	mac.Write([]byte(normalized))
	return hex.EncodeToString(mac.Sum(nil))
}

func (r *Keyring) fieldKey(field string) []byte {
	if k, ok := r.fields.Load(field); ok {
		return k.([]byte)
	}
	k, err := hkdf.Key(sha256.New, r.index, nil, labelIndex+field, sha256.Size)
	if err != nil {
		panic("secret: hkdf: " + err.Error()) // only for absurd lengths
	}
	r.fields.Store(field, k)
	return k
}
