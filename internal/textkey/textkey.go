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

// StopBigrams are the bigrams of the legal forms nearly every enterprise
// name ends with (有限公司, 有限责任公司, 股份有限公司: Company Law of the
// PRC, art. 7). They select nothing, yet were over a quarter of all
// postings, so they are not indexed: a query made only of them is answered
// by the ordered scan, and every query is checked with LIKE in any case.
var StopBigrams = map[string]bool{"有限": true, "限公": true, "公司": true, "责任": true, "任公": true, "股份": true, "份有": true}

// Bigrams returns the distinct two-character windows of every field (after
// Normalize, ignoring spaces and punctuation boundaries within a field),
// without the StopBigrams.
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
				if !seen[t] && !StopBigrams[t] {
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
