// Package i18n translates message keys. zh-CN is the base catalog; en
// overlays it, and a key missing from both renders as the key itself.
// Catalogs are flat JSON files of fmt formats under locales/.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// Locales supported, default first.
var Locales = []string{"zh-CN", "en"}

// Catalog holds the messages of every locale.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load parses the embedded catalogs; a malformed file is a build defect.
func Load() *Catalog {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, loc := range Locales {
		b, err := files.ReadFile("locales/" + loc + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", loc, err))
		}
		c.msgs[loc] = m
	}
	return c
}

// Keys returns the keys of a locale (for tests).
func (c *Catalog) Keys(locale string) map[string]string { return c.msgs[locale] }

// Has reports whether the base catalog defines key.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs["zh-CN"][key]; return ok }

// T translates key with args in locale.
func (c *Catalog) T(locale, key string, args ...any) string {
	f, ok := c.msgs[locale][key]
	if !ok {
		if f, ok = c.msgs["zh-CN"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Negotiate picks the locale: an explicit choice (user preference or cookie)
// when valid, else the best match of Accept-Language, else def.
func Negotiate(choice, acceptLanguage, def string) string {
	for _, l := range Locales {
		if choice == l {
			return l
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, idx, conf := matcher.Match(tags...)
			if conf != language.No {
				return Locales[idx]
			}
		}
	}
	return def
}

// Date formats a calendar date the way readers of locale expect:
// 2026年11月25日 or 2026-11-25.
func Date(locale string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if locale == "en" {
		return t.Format("2006-01-02")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// DateTime formats a moment: 2026年11月25日 14:05 or 2026-11-25 14:05.
func DateTime(locale string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(locale, t) + " " + t.Format("15:04")
}

// Number groups digits: 1,736.
func Number(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
