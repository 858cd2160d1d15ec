package textkey

import (
	"bytes"
	"slices"
	"sort"
	"testing"
)

func TestSortKeyPinyin(t *testing.T) {
	names := []string{"中通", "韵达", "安德", "兰歌", "顺丰"}
	sort.Slice(names, func(i, j int) bool { return bytes.Compare(SortKey(names[i]), SortKey(names[j])) < 0 })
	want := []string{"安德", "兰歌", "顺丰", "韵达", "中通"}
	if !slices.Equal(names, want) {
		t.Fatalf("got %v want %v", names, want)
	}
}

func TestBigrams(t *testing.T) {
	got := Bigrams("浙江安德电器", "安德 ABC")
	for _, w := range []string{"浙江", "安德", "电器", "ab", "bc"} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in %v", w, got)
		}
	}
	if slices.Contains(got, "德 ") || slices.Contains(got, "德a") {
		t.Errorf("bigram crosses a space: %v", got)
	}
	if QueryBigrams("安") != nil {
		t.Error("one character has no bigram")
	}
	if Normalize(" ＡＢＣ　公司 ") != "abc 公司" {
		t.Errorf("normalize: %q", Normalize(" ＡＢＣ　公司 "))
	}
}
