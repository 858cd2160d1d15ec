// Package orgcheck computes the composition warnings of a party
// organization from its counts and term, using the thresholds in
// internal/rules. It is pure: the store gathers the facts, this package
// judges them, and pages, the API and reminders show the same result.
package orgcheck

import (
	"time"

	"redgrid/internal/rules"
)

// Organization kinds, as the register stores them.
const (
	KindCommittee     = "committee"         // 党委
	KindGeneralBranch = "general_branch"    // 党总支
	KindBranch        = "branch"            // 党支部
	KindJointBranch   = "joint_branch"      // 联合党支部
	KindFunctional    = "functional_branch" // 功能性党支部
)

// Facts are what the checks need to know about one organization.
type Facts struct {
	Kind         string
	FullMembers  int       // 正式党员
	Members      int       // 正式 + 预备
	HasCommittee bool      // a 支部委员会 (beyond a lone secretary) is in office
	Units        int       // enterprises or units covered
	TermEnd      time.Time // zero when no term is recorded
}

// Severity orders warnings.
type Severity int

// Severities.
const (
	Info Severity = iota
	Warn
	Alert
)

// Check is one finding: Code is stable for filters and tests, Key and Args
// are the i18n message.
type Check struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Key      string   `json:"key"`
	Args     []any    `json:"args,omitempty"`
}

func isBranch(kind string) bool {
	return kind == KindBranch || kind == KindJointBranch || kind == KindFunctional
}

// Evaluate returns the findings for f at time now, most severe first.
func Evaluate(f Facts, now time.Time) []Check {
	var out []Check
	if isBranch(f.Kind) && f.Kind != KindFunctional && f.FullMembers < rules.BranchMinFullMembers {
		out = append(out, Check{"too_few_full_members", Alert, "orgcheck.too_few_full_members",
			[]any{f.FullMembers, rules.BranchMinFullMembers}})
	}
	if isBranch(f.Kind) && f.FullMembers >= rules.CommitteeFullMembers && !f.HasCommittee {
		out = append(out, Check{"committee_required", Warn, "orgcheck.committee_required",
			[]any{f.FullMembers, rules.CommitteeFullMembers}})
	}
	if isBranch(f.Kind) && f.Members > rules.BranchMaxMembers {
		out = append(out, Check{"branch_too_large", Warn, "orgcheck.branch_too_large",
			[]any{f.Members, rules.BranchMaxMembers}})
	}
	if f.Kind == KindJointBranch && f.Units > rules.JointBranchMaxUnits {
		out = append(out, Check{"joint_too_many_units", Warn, "orgcheck.joint_too_many_units",
			[]any{f.Units, rules.JointBranchMaxUnits}})
	}
	if !f.TermEnd.IsZero() {
		switch {
		case !now.Before(f.TermEnd):
			out = append(out, Check{"term_overdue", Alert, "orgcheck.term_overdue", []any{f.TermEnd.Format("2006-01-02")}})
		case now.AddDate(0, rules.TermWarnMonths, 0).After(f.TermEnd):
			out = append(out, Check{"term_ending", Warn, "orgcheck.term_ending", []any{f.TermEnd.Format("2006-01-02")}})
		}
	}
	// Most severe first, stable otherwise.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Severity > out[j-1].Severity; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TermEnd is the end of a term that started on start and lasts years.
func TermEnd(start time.Time, years int) time.Time {
	if years <= 0 {
		years = rules.TermYears
	}
	return start.AddDate(years, 0, 0)
}
