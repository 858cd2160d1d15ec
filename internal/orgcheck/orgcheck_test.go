package orgcheck

import (
	"slices"
	"testing"
	"time"
)

func codes(cs []Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	now := time.Date(2021, 8, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		f    Facts
		want []string
	}{
		{"healthy branch", Facts{Kind: KindBranch, FullMembers: 5, Members: 6, TermEnd: now.AddDate(2, 0, 0)}, nil},
		{"branch of two", Facts{Kind: KindBranch, FullMembers: 2, Members: 3}, []string{"too_few_full_members"}},
		{"boundary three is enough", Facts{Kind: KindBranch, FullMembers: 3, Members: 3}, nil},
		{"seven without committee", Facts{Kind: KindBranch, FullMembers: 7, Members: 7}, []string{"committee_required"}},
		{"six needs no committee", Facts{Kind: KindBranch, FullMembers: 6, Members: 6}, nil},
		{"seven with committee", Facts{Kind: KindBranch, FullMembers: 7, Members: 8, HasCommittee: true}, nil},
		{"fifty-one members", Facts{Kind: KindBranch, FullMembers: 45, Members: 51, HasCommittee: true}, []string{"branch_too_large"}},
		{"joint of six units", Facts{Kind: KindJointBranch, FullMembers: 4, Members: 4, Units: 6}, []string{"joint_too_many_units"}},
		{"joint of five units", Facts{Kind: KindJointBranch, FullMembers: 4, Members: 4, Units: 5}, nil},
		{"functional branch may be small", Facts{Kind: KindFunctional, FullMembers: 1, Members: 1}, nil},
		{"committee not a branch", Facts{Kind: KindCommittee, FullMembers: 1, Members: 200}, nil},
		{"term ends in five months", Facts{Kind: KindBranch, FullMembers: 3, Members: 3, TermEnd: now.AddDate(0, 5, 0)}, []string{"term_ending"}},
		{"term ends in seven months", Facts{Kind: KindBranch, FullMembers: 3, Members: 3, TermEnd: now.AddDate(0, 7, 0)}, nil},
		{"term ended today", Facts{Kind: KindBranch, FullMembers: 3, Members: 3, TermEnd: now}, []string{"term_overdue"}},
		{"overdue sorts before a warning", Facts{Kind: KindBranch, FullMembers: 8, Members: 8, TermEnd: now.AddDate(0, -1, 0)},
			[]string{"term_overdue", "committee_required"}},
	}
	for _, c := range cases {
		if got := codes(Evaluate(c.f, now)); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v want %v", c.name, got, c.want)
		}
	}
}

func TestTermEnd(t *testing.T) {
	start := time.Date(2021, 6, 18, 0, 0, 0, 0, time.UTC)
	if got := TermEnd(start, 0); !got.Equal(time.Date(2024, 6, 18, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("default term: %v", got)
	}
	if got := TermEnd(start, 5); got.Year() != 2026 {
		t.Errorf("village term: %v", got)
	}
}
