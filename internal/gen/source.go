// Package gen produces deterministic synthetic data: the word lists, names
// and credit codes that the demo zone and the benchmark data set are built
// from, and Run, which loads a large benchmark data set. The same seed gives
// the same data on every machine; nothing reads the clock.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"redgrid/internal/ident"
)

// Source draws names, numbers and dates from a PCG stream.
type Source struct {
	R *rand.Rand
}

// NewSource returns a source seeded with seed.
func NewSource(seed uint64) *Source {
	return &Source{R: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *Source) pick(ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := s.R.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.v
		}
		n -= w.w
	}
	return ws[len(ws)-1].v
}

// Chance reports true with probability p.
func (s *Source) Chance(p float64) bool { return s.R.Float64() < p }

// Between returns an int in [lo, hi].
func (s *Source) Between(lo, hi int) int { return lo + s.R.IntN(hi-lo+1) }

// PersonName returns an invented Chinese name (never one the seed article
// names).
func (s *Source) PersonName() string {
	for {
		var b strings.Builder
		b.WriteRune(surnames[s.R.IntN(len(surnames))])
		b.WriteRune(givenChars[s.R.IntN(len(givenChars))])
		if s.Chance(0.7) {
			b.WriteRune(givenChars[s.R.IntN(len(givenChars))])
		}
		if n := b.String(); !articleNames[n] {
			return n
		}
	}
}

// Brand returns a trade name (字号) of two or, sometimes, three characters
// that contains none of the blocked brands.
func (s *Source) Brand() string {
	for {
		var b strings.Builder
		b.WriteRune(brandFirst[s.R.IntN(len(brandFirst))])
		b.WriteRune(brandSecond[s.R.IntN(len(brandSecond))])
		if s.Chance(0.3) {
			b.WriteRune(brandSecond[s.R.IntN(len(brandSecond))])
		}
		if br := b.String(); !Blocked(br) {
			return br
		}
	}
}

// Blocked reports whether name contains a brand reserved for the demo's
// named enterprises and the courier companies.
func Blocked(name string) bool {
	for _, w := range blockedBrands {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// CompanyName returns a registered-style name and its short name for an
// industry code (unknown codes get generic industry words): 行政区划 + 字号
// + 行业 [+ 科技/制造…] + 有限公司. large selects the forms of larger
// enterprises (股份有限公司 sometimes).
func (s *Source) CompanyName(industryCode string, large bool) (name, short string) {
	words, ok := industryWords[industryCode]
	if !ok {
		words = genericWords
	}
	for {
		brand, word := s.Brand(), s.pick(words)
		forms := formsSmall
		if large {
			forms = formsLarge
		}
		name = s.pick(placePrefixes) + brand + word + s.pick(middles) + s.pick(forms)
		if !Blocked(name) {
			return name, brand + word
		}
	}
}

// Address returns a street address in 永康 under the given locality (for
// example 城西新区 or 东城街道).
func (s *Source) Address(locality string) string {
	return fmt.Sprintf("浙江省永康市%s%s%d号", locality, roads[s.R.IntN(len(roads))], s.Between(1, 999))
}

// Date returns a day in [from, to], as YYYY-MM-DD.
func (s *Source) Date(from, to time.Time) string {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, s.R.IntN(days+1)).Format("2006-01-02")
}

// Jitter returns v moved uniformly by at most ±d, rounded to 6 decimals
// (about 0.1 m), as stored coordinates are.
func (s *Source) Jitter(v, d float64) float64 {
	x := v + (s.R.Float64()*2-1)*d
	return float64(int64(x*1e6+0.5)) / 1e6
}

// YongkangRegion is the administrative division code (GB/T 2260) of 永康市.
const YongkangRegion = "330784"

// orgCodeWeights are the weights of the 组织机构代码 check (GB 11714-1997).
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// OrgCodeCheck returns the GB 11714-1997 check character of an eight-character
// organization code body (digits and upper-case letters, A = 10 … Z = 35),
// or 0 when a character is outside that set.
func OrgCodeCheck(body string) byte {
	if len(body) != 8 {
		return 0
	}
	sum := 0
	for i := range 8 {
		c := body[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0
		}
		sum += v * orgCodeWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// OrgCode returns the n-th of a sequence of distinct nine-character
// organization codes (eight digits and a GB 11714 check character). The
// digits come from a bijection of [0, 10^8) keyed by salt, so consecutive n
// look unrelated but never repeat (for n below 10^8).
func OrgCode(n, salt uint64) string {
	const mod = 100_000_000
	x := (n%mod*61_803_399 + mix(salt)%mod) % mod // 61,803,399 is coprime to 10^8
	body := fmt.Sprintf("%08d", x)
	return body + string(OrgCodeCheck(body))
}

// mix spreads a salt over all bits (SplitMix64's finalizer), so that small
// salts do not leave the first codes looking sequential.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// CreditCode returns the n-th of a sequence of distinct, valid 统一社会信用代码
// for enterprises (登记管理部门 9, 机构类别 1) registered in region: the
// organization code part is OrgCode(n, salt) and the check character follows
// GB 32100-2015.
func CreditCode(region string, n, salt uint64) string {
	body := "91" + region + OrgCode(n, salt)
	c, ok := ident.USCCCheckChar(body)
	if !ok {
		panic("gen: credit code body outside the GB 32100 alphabet: " + body)
	}
	return body + string(c)
}

// IDNumber returns the n-th of a sequence of distinct, valid 居民身份证号
// (GB 11643) for people born on birth in region: the 3-digit sequence
// number is n's low digits (odd for men, even for women) and the address
// code is varied by n's higher digits within the region's county, so up to
// 500 people per day of birth and sex get distinct numbers per address.
func IDNumber(region string, birth time.Time, n int, male bool) string {
	seq := (n % 500) * 2
	if male {
		seq++
	}
	body := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq)
	c, ok := ident.IDCheckChar(body)
	if !ok {
		panic("gen: ID body is not 17 digits: " + body)
	}
	return body + string(c)
}

// Phone returns an invented 11-digit mobile number.
func (s *Source) Phone() string {
	prefixes := []string{"130", "133", "135", "137", "138", "139", "150", "151", "158", "159", "177", "180", "186", "189"}
	return fmt.Sprintf("%s%08d", prefixes[s.R.IntN(len(prefixes))], s.R.IntN(100000000))
}
