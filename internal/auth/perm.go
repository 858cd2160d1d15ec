package auth

import "redgrid/internal/model"

// Perm is an action a role may take. Routes declare the permission they need.
type Perm string

// The permission catalogue.
const (
	PermEnterpriseRead  Perm = "enterprise:read"
	PermEnterpriseWrite Perm = "enterprise:write"
	PermEnterpriseAdmin Perm = "enterprise:admin" // restore, recycle bin
	PermGridRead        Perm = "grid:read"
	PermGridWrite       Perm = "grid:write"
	PermDictWrite       Perm = "dict:write"
	PermUserAdmin       Perm = "user:admin"
	PermAuditRead       Perm = "audit:read"
	PermOrgRead         Perm = "org:read"
	PermOrgWrite        Perm = "org:write"    // organizations in one's subtree: edit, coverage, posts
	PermOrgAdmin        Perm = "org:admin"    // alliances, top-level organizations
	PermMemberRead      Perm = "member:read"  // masked personal data
	PermMemberWrite     Perm = "member:write" // edit and reveal, in one's subtree
	PermTransferWrite   Perm = "transfer:write"
	PermSurveyRead      Perm = "survey:read"
	PermSurveyWrite     Perm = "survey:write"
	PermImport          Perm = "import:use" // upload spreadsheets (each register still needs its own write permission)
	PermSelf            Perm = "self"       // any signed-in account
)

// rolePerms grants permissions per role. Admins hold every permission.
var rolePerms = map[model.Role][]Perm{
	model.RoleDepartment: {PermEnterpriseRead, PermGridRead},
	model.RoleGridHead: {PermEnterpriseRead, PermEnterpriseWrite, PermGridRead,
		PermOrgRead, PermMemberRead, PermSurveyRead, PermSurveyWrite, PermImport},
	model.RoleGridWorker: {PermEnterpriseRead, PermEnterpriseWrite, PermGridRead,
		PermOrgRead, PermMemberRead, PermSurveyRead, PermSurveyWrite, PermImport},
	model.RoleOrgSecretary: {PermEnterpriseRead, PermOrgRead, PermOrgWrite, PermMemberRead, PermMemberWrite,
		PermTransferWrite, PermSurveyRead, PermSurveyWrite, PermImport},
	model.RoleMember: {},
}

// Can reports whether role holds perm.
func Can(role model.Role, perm Perm) bool {
	if role == model.RoleAdmin || perm == PermSelf {
		return role.Valid()
	}
	for _, p := range rolePerms[role] {
		if p == perm {
			return true
		}
	}
	return false
}
