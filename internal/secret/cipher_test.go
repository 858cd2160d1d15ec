package secret

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	r := envRing(t, 1)
	for _, tc := range []struct{ field, plain string }{
		{"member.id_number", "33078419900101123X"},
		{"member.phone", "13812345678"},
		{"member.phone", "0579-87654321"},
		{"member.name", "张三丰"},
		{"", "no field"},
		{"member.note", ""},
		{"member.note", strings.Repeat("长", 10000)},
		{"bytes", "\x00\xff not UTF-8"},
	} {
		ct, err := r.EncryptField(tc.field, tc.plain)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Trim(ct, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Errorf("%q: ciphertext %q is not plain base64url", tc.plain, ct)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(ct)
		if want := headerSize + 12 + len(tc.plain) + 16; len(raw) != want {
			t.Errorf("%q: %d bytes, want %d", tc.plain, len(raw), want)
		}
		if raw[0] != versionAESGCM || keyIDOf(t, ct) != r.CurrentKeyID() {
			t.Errorf("%q: header %x", tc.plain, raw[:headerSize])
		}
		if len(tc.plain) >= 4 && strings.Contains(ct, tc.plain) {
			t.Errorf("%q shows in its ciphertext", tc.plain)
		}
		got, err := r.DecryptField(tc.field, ct)
		if err != nil || got != tc.plain {
			t.Errorf("%q: decrypted %q, %v", tc.plain, got, err)
		}
		again, _ := r.EncryptField(tc.field, tc.plain)
		if again == ct {
			t.Errorf("%q: two encryptions are equal (nonce reused)", tc.plain)
		}
	}
	// Encrypt and Decrypt are the empty field.
	ct, _ := r.Encrypt("x")
	if p, err := r.DecryptField("", ct); err != nil || p != "x" {
		t.Errorf("Encrypt is not EncryptField(\"\"): %q %v", p, err)
	}
}

// The lengths quoted in the package doc.
func TestCiphertextLength(t *testing.T) {
	r := envRing(t, 1)
	for plain, want := range map[string]int{"13812345678": 59, "33078419900101123X": 68} {
		if ct, _ := r.Encrypt(plain); len(ct) != want {
			t.Errorf("%s → %d characters, doc says %d", plain, len(ct), want)
		}
	}
}

// Flipping any bit of a stored value must be detected, and reported by kind.
func TestTampering(t *testing.T) {
	r := envRing(t, 1)
	const field = "member.id_number"
	ct, _ := r.EncryptField(field, "33078419900101123X")
	raw, _ := b64.DecodeString(ct)
	kind := func(i int) error {
		switch {
		case i == 0:
			return ErrMalformed // version
		case i < headerSize:
			return ErrUnknownKey // key id
		default:
			return ErrAuthentication // nonce, body, tag
		}
	}
	for i := range raw {
		for _, bit := range []byte{0x01, 0x80} {
			b := []byte(string(raw))
			b[i] ^= bit
			p, err := r.DecryptField(field, b64.EncodeToString(b))
			if !errors.Is(err, kind(i)) {
				t.Errorf("byte %d ^%#x: got %q, %v; want %v", i, bit, p, err, kind(i))
			}
		}
	}
	// Changing one character of the text, truncating or extending it.
	text := []byte(ct)
	if mid := len(text) / 2; text[mid] == 'A' {
		text[mid] = 'B'
	} else {
		text[mid] = 'A'
	}
	for name, s := range map[string]string{
		"one character":  string(text),
		"truncated":      ct[:len(ct)-4],
		"extended":       ct + "AAAA",
		"tag removed":    b64.EncodeToString(raw[:len(raw)-16]),
		"line break":     ct[:10] + "\n" + ct[10:],
		"padded":         ct + "=",
		"std alphabet":   strings.NewReplacer("-", "+", "_", "/").Replace(ct) + "+/",
		"trailing space": ct + " ",
	} {
		if p, err := r.DecryptField(field, s); err == nil {
			t.Errorf("%s: accepted, decrypted to %q", name, p)
		}
	}
}

func TestWrongField(t *testing.T) {
	r := envRing(t, 1)
	ct, _ := r.EncryptField("member.id_number", "33078419900101123X")
	for _, field := range []string{"member.phone", "", "member.id_number ", "Member.id_number"} {
		p, err := r.DecryptField(field, ct)
		if !errors.Is(err, ErrAuthentication) {
			t.Errorf("field %q: got %q, %v", field, p, err)
		}
		if err != nil && !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name the field", err)
		}
	}
	plain, _ := r.Encrypt("x")
	if _, err := r.DecryptField("member.phone", plain); !errors.Is(err, ErrAuthentication) {
		t.Errorf("a value without field decrypted as a field: %v", err)
	}
}

func TestDecryptErrors(t *testing.T) {
	r1, r2 := envRing(t, 1), envRing(t, 2)
	foreign, _ := r2.Encrypt("13812345678")
	sm4 := b64.EncodeToString(append([]byte{versionSM4GCM, 1, 2, 3, 4}, make([]byte, 28)...))
	cases := []struct {
		name, in string
		want     error
		text     string
	}{
		{"unknown key id", foreign, ErrUnknownKey, r2.CurrentKeyID()},
		{"empty", "", ErrMalformed, "empty"},
		{"not base64", "手机号码", ErrMalformed, "base64url"},
		{"plaintext phone", "13812345678", ErrMalformed, ""},
		{"padding", "AQID==", ErrMalformed, "base64url"},
		{"version 0", b64.EncodeToString(make([]byte, 40)), ErrMalformed, "version 0"},
		{"SM4 reserved", sm4, ErrMalformed, "SM4"},
		{"too short", b64.EncodeToString([]byte{versionAESGCM, 1, 2, 3, 4, 5}), ErrMalformed, "too short"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := r1.Decrypt(tc.in)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("got %q, %v; want %v mentioning %q", p, err, tc.want, tc.text)
			}
			if !r1.NeedsReencrypt(tc.in) {
				t.Error("NeedsReencrypt false for a value the keyring cannot use")
			}
			if _, err := r1.Reencrypt("", tc.in); !errors.Is(err, tc.want) {
				t.Errorf("Reencrypt: %v", err)
			}
		})
	}
}

// FuzzDecrypt: no input panics, every failure is one of the three kinds, and
// success means the input is exactly what EncryptField would have produced.
func FuzzDecrypt(f *testing.F) {
	r := envRing(f, 1)
	for _, p := range []string{"33078419900101123X", "13812345678", ""} {
		ct, _ := r.EncryptField("f", p)
		f.Add("f", ct)
		f.Add("g", ct)
		f.Add("f", ct[:len(ct)-1])
	}
	f.Add("", "")
	f.Add("", "AQ")
	f.Add("", "AgAAAAAA")
	f.Add("f", "\n\r=")
	f.Fuzz(func(t *testing.T, field, s string) {
		p, err := r.DecryptField(field, s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrAuthentication) {
				t.Fatalf("error of no known kind: %v", err)
			}
			if !r.NeedsReencrypt(s) && !errors.Is(err, ErrAuthentication) {
				t.Fatalf("NeedsReencrypt false for %q (%v)", s, err)
			}
			return
		}
		raw, derr := b64.DecodeString(s)
		if derr != nil || b64.EncodeToString(raw) != s || len(raw) != headerSize+12+len(p)+16 {
			t.Fatalf("accepted non-canonical %q", s)
		}
		if re, err := r.Reencrypt(field, s); err != nil || re != s {
			t.Fatalf("Reencrypt of a current value: %q %v", re, err)
		}
	})
}
