package secret

import (
	"encoding/hex"
	"testing"
)

func TestIndex(t *testing.T) {
	r := envRing(t, 1)
	const id = "33078419900101123X"
	a := r.Index("member.id_number", id)
	if raw, err := hex.DecodeString(a); err != nil || len(raw) != 32 || hex.EncodeToString(raw) != a {
		t.Fatalf("index %q is not 64 lowercase hex digits", a)
	}
	cases := []struct {
		name         string
		field, value string
		same         bool // equal to a
	}{
		{"equal input", "member.id_number", id, true},
		{"other field", "member.phone", id, false},
		{"other value", "member.id_number", "33078419900101124X", false},
		{"not normalized", "member.id_number", "33078419900101123x", false},
		{"field and value not concatenated", "member.id_number3", "3078419900101123X", false},
	}
	for _, tc := range cases {
		if got := r.Index(tc.field, tc.value); (got == a) != tc.same {
			t.Errorf("%s: equal=%v, want %v", tc.name, got == a, tc.same)
		}
	}
	// Another process with the same key computes the same index; another key does not.
	if got := envRing(t, 1).Index("member.id_number", id); got != a {
		t.Error("same key, different index")
	}
	if got := envRing(t, 2).Index("member.id_number", id); got == a {
		t.Error("different key, same index")
	}
	// The index is not a plain hash of the value.
	if r.Index("", "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Error("index is unkeyed SHA-256")
	}
}

// Rotation of a key file keeps the index; see also checkRotated.
func TestIndexStableAcrossRotations(t *testing.T) {
	dir := t.TempDir()
	r, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := r.Index("member.phone", "13812345678")
	for range 3 {
		if err := r.Rotate(); err != nil {
			t.Fatal(err)
		}
		if got := r.Index("member.phone", "13812345678"); got != want {
			t.Fatalf("index changed after rotation to %s", r.CurrentKeyID())
		}
	}
	r2, err := LoadKeyring(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := r2.Index("member.phone", "13812345678"); got != want || len(r2.KeyIDs()) != 4 {
		t.Errorf("reloaded keyring: %v, index equal %v", r2, got == want)
	}
}
