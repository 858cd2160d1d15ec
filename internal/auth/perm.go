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
	PermImport          Perm = "import:use"       // upload spreadsheets (each register still needs its own write permission)
	PermStationRead     Perm = "station:read"     // the station register (keepers: their own stations)
	PermStationWrite    Perm = "station:write"    // register and edit stations
	PermStationOperate  Perm = "station:operate"  // counters, loans, service log of one's stations
	PermStationModerate Perm = "station:moderate" // approve or hide public feedback
	PermVisitRead       Perm = "visit:read"       // visits and coverage of one's grids
	PermVisitWrite      Perm = "visit:write"      // log and correct visits
	PermProblemRead     Perm = "problem:read"     // problems in scope; the steps of one's side
	PermProblemWrite    Perm = "problem:write"    // register problems
	PermSupportRead     Perm = "support:read"     // policies (助企八条) and experts (三师助企); deliveries and services of one's grids
	PermSupportWrite    Perm = "support:write"    // record deliveries and expert services for one's grids' enterprises
	PermSupportAdmin    Perm = "support:admin"    // keep the policies and the expert register (administrators)
	PermSafetyRead      Perm = "safety:read"      // the safety register (安全生产): department staff all, grid staff their grids
	PermSafetyWrite     Perm = "safety:write"     // record, edit, rectify; grid staff their grids, the 安监 department all (checked by the store)
	PermStatsRead       Perm = "stats:read"       // the dashboard, /api/v1/stats and the monthly briefing, within one's scope
	PermOutputWrite     Perm = "output:write"     // enter monthly output values one at a time (files: the import)
	PermBriefingWrite   Perm = "briefing:write"   // the briefing's commentary paragraphs
	PermSelf            Perm = "self"             // any signed-in account
)

// rolePerms grants permissions per role. Admins hold every permission.
var rolePerms = map[model.Role][]Perm{
	model.RoleDepartment: {PermEnterpriseRead, PermGridRead, PermStationRead, PermProblemRead, PermStatsRead, PermSafetyRead, PermSafetyWrite},
	model.RoleGridHead: {PermEnterpriseRead, PermEnterpriseWrite, PermGridRead,
		PermOrgRead, PermMemberRead, PermSurveyRead, PermSurveyWrite, PermImport, PermStationRead,
		PermVisitRead, PermVisitWrite, PermProblemRead, PermProblemWrite, PermSupportRead, PermSupportWrite, PermStatsRead, PermSafetyRead, PermSafetyWrite},
	model.RoleGridWorker: {PermEnterpriseRead, PermEnterpriseWrite, PermGridRead,
		PermOrgRead, PermMemberRead, PermSurveyRead, PermSurveyWrite, PermImport, PermStationRead,
		PermVisitRead, PermVisitWrite, PermProblemRead, PermProblemWrite, PermSupportRead, PermSupportWrite, PermStatsRead, PermSafetyRead, PermSafetyWrite},
	model.RoleOrgSecretary: {PermEnterpriseRead, PermOrgRead, PermOrgWrite, PermMemberRead, PermMemberWrite,
		PermTransferWrite, PermSurveyRead, PermSurveyWrite, PermImport},
	model.RoleMember: {},
	// A station keeper sees and runs the stations assigned to them, nothing else.
	model.RoleStationKeeper: {PermStationRead, PermStationOperate},
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
