// Package textkey derives the keys redgrid stores beside Chinese names: a
// pinyin sort key (CLDR zh collation from golang.org/x/text) and the
// character bigrams that index two-character searches.
package textkey

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"redgrid/internal/ident"
)

var collators = sync.Pool{New: func() any {
	return &keyer{c: collate.New(language.Chinese, collate.Loose)}
}}

type keyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

// SortKey returns bytes whose bytewise order is the pinyin order of s
// (安德 < 韵达 < 中通). Both SQLite BLOB and PostgreSQL BYTEA compare bytewise.
func SortKey(s string) []byte {
	k := collators.Get().(*keyer)
	defer collators.Put(k)
	k.buf.Reset()
	key := k.c.KeyFromString(&k.buf, s)
	return append([]byte(nil), key...)
}

// Normalize prepares text for matching: full width folded, lower case,
// spaces collapsed.
func Normalize(s string) string {
	s = strings.ToLower(ident.FoldWidth(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// SearchText is what keyword queries match with LIKE: normalized fields
// joined by a separator no query contains.
func SearchText(fields ...string) string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		if f = Normalize(f); f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, "\x1f")
}

// Bigrams returns the distinct two-character windows of every field (after
// Normalize, ignoring spaces and punctuation boundaries within a field).
func Bigrams(fields ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		for _, run := range strings.FieldsFunc(Normalize(f), func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r)
		}) {
			rs := []rune(run)
			for i := 0; i+1 < len(rs); i++ {
				t := string(rs[i : i+2])
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// QueryBigrams returns the bigrams a query must match, or nil when the query
// is shorter than two characters (then a scan is the only way).
func QueryBigrams(q string) []string {
	return Bigrams(q)
}
