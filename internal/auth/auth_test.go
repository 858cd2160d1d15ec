package auth

import (
	"testing"

	"redgrid/internal/model"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("Redgrid@2026", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify("Redgrid@2026", h); !ok || err != nil {
		t.Fatalf("verify own hash: %v %v", ok, err)
	}
	if ok, _ := Verify("redgrid@2026", h); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := Verify("x", "$argon2id$v=19$m=1"); err == nil {
		t.Fatal("malformed hash accepted")
	}
	h2, _ := Hash("Redgrid@2026", TestParams)
	if h == h2 {
		t.Fatal("salt not random")
	}
}

func TestPolicy(t *testing.T) {
	for pw, want := range map[string]string{
		"short1":         "password.too_short",
		"onlyletters":    "password.too_simple",
		"12345678":       "password.too_simple",
		"zhangsan2026":   "password.contains_username",
		"Grid-Work-2026": "",
	} {
		if got := CheckPolicy(pw, "zhangsan"); got != want {
			t.Errorf("%q: got %q want %q", pw, got, want)
		}
	}
}

func TestRoleMatrix(t *testing.T) {
	cases := []struct {
		role model.Role
		perm Perm
		want bool
	}{
		{model.RoleAdmin, PermUserAdmin, true},
		{model.RoleGridWorker, PermEnterpriseWrite, true},
		{model.RoleGridWorker, PermUserAdmin, false},
		{model.RoleGridWorker, PermAuditRead, false},
		{model.RoleDepartment, PermEnterpriseWrite, false},
		{model.RoleDepartment, PermEnterpriseRead, true},
		{model.RoleMember, PermEnterpriseRead, false},
		{model.RoleMember, PermSelf, true},
		{model.Role("root"), PermSelf, false},
		{model.RoleGridHead, PermSafetyWrite, true},
		{model.RoleGridWorker, PermSafetyRead, true},
		{model.RoleDepartment, PermSafetyRead, true},
		{model.RoleDepartment, PermSafetyWrite, true}, // the store limits writes to the 安监 department
		{model.RoleOrgSecretary, PermSafetyRead, false},
		{model.RoleStationKeeper, PermSafetyRead, false},
		{model.RoleMember, PermSafetyWrite, false},
	}
	for _, c := range cases {
		if got := Can(c.role, c.perm); got != c.want {
			t.Errorf("%s %s: got %v", c.role, c.perm, got)
		}
	}
}
