package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/secret"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// The first start creates a 0600 key file in the data directory; rotation
// adds a key and re-encrypts stored personal data, which still decrypts
// and is still found by its blind index.
func TestKeyRotate(t *testing.T) {
	db := storetest.URL(t)
	if r := run(t, db, "", "key", "status"); r.code != 0 || !strings.Contains(r.out, secret.KeyFileName) {
		t.Fatalf("status: %+v", r)
	}
	dir := dataDir(t, db)
	fi, err := os.Stat(filepath.Join(dir, secret.KeyFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	ctx := context.Background()
	open := func() *store.Store {
		keys, err := secret.LoadKeyring(func(string) string { return "" }, dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.Keys = keys
		return s
	}
	s := open()
	org, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "T1", Name: "测试党委", Kind: "党委"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.CreateMember(ctx, model.System, model.MemberInput{Name: "测试", IDNumber: "11010519491231002x", Phone: "13800138000",
		Category: model.CategoryFull, OrgID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	oldKey := s.Keys.CurrentKeyID()
	s.Close()

	r := run(t, db, "", "key", "rotate")
	if r.code != 0 || !strings.Contains(r.out, "re-encrypted 2 of 2") {
		t.Fatalf("rotate: %+v", r)
	}
	s = open()
	defer s.Close()
	if s.Keys.CurrentKeyID() == oldKey || len(s.Keys.KeyIDs()) != 2 {
		t.Fatalf("keys after rotation: %s %v", s.Keys.CurrentKeyID(), s.Keys.KeyIDs())
	}
	sec, err := s.RevealMember(ctx, model.System, m.ID, "test")
	if err != nil || sec.IDNumber != "11010519491231002X" || sec.Phone != "13800138000" {
		t.Fatalf("after rotation: %+v %v", sec, err)
	}
	if id, err := s.MemberIDByNumber(ctx, "11010519491231002X"); err != nil || id != m.ID {
		t.Fatalf("blind index after rotation: %d %v", id, err)
	}
	// A second pass finds nothing to rewrite.
	if r := run(t, db, "", "key", "reencrypt"); r.code != 0 || !strings.Contains(r.out, "re-encrypted 0 of 2") {
		t.Fatalf("reencrypt: %+v", r)
	}
	if r := run(t, db, "", "key", "status"); r.code != 0 || !strings.Contains(r.out, s.Keys.CurrentKeyID()) {
		t.Fatalf("status: %+v", r)
	}
	if r := run(t, db, "", "key"); r.code != 2 {
		t.Fatalf("bare key: %+v", r)
	}
}
