package rules

import "testing"

func TestSeverityBrackets(t *testing.T) {
	cases := []struct {
		deaths, injuries int
		lossYuan         int64
		want             string
	}{
		{0, 0, 0, SeverityGeneral},
		{2, 9, 9_999_999, SeverityGeneral},
		{3, 0, 0, SeverityLarger},
		{0, 10, 0, SeverityLarger},
		{0, 0, 10_000_000, SeverityLarger},
		{9, 49, 49_999_999, SeverityLarger},
		{10, 0, 0, SeverityMajor},
		{0, 50, 0, SeverityMajor},
		{0, 0, 50_000_000, SeverityMajor},
		{29, 99, 99_999_999, SeverityMajor},
		{30, 0, 0, SeverityEspeciallyMajor},
		{0, 100, 0, SeverityEspeciallyMajor},
		{0, 0, 100_000_000, SeverityEspeciallyMajor},
		// The highest bracket any one figure reaches wins.
		{1, 0, 60_000_000, SeverityMajor},
		{3, 100, 0, SeverityEspeciallyMajor},
	}
	for _, c := range cases {
		if got := Severity(c.deaths, c.injuries, c.lossYuan); got != c.want {
			t.Errorf("Severity(%d, %d, %d) = %s, want %s", c.deaths, c.injuries, c.lossYuan, got, c.want)
		}
	}
	if SeverityRank(SeverityGeneral) >= SeverityRank(SeverityLarger) || SeverityRank("x") != -1 {
		t.Error("rank order")
	}
	if IsMajorAccident(SeverityLarger) || !IsMajorAccident(SeverityMajor) || !IsMajorAccident(SeverityEspeciallyMajor) {
		t.Error("major accidents are 重大 and 特别重大")
	}
}
