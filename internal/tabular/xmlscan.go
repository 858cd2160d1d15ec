package tabular

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// xscan is a pull scanner of XML written for the worksheet and the shared
// string table, the two parts that grow with the rows: encoding/xml
// allocates a token (and its names and attributes) for every element,
// which made reading cost three times what validating does. The scanner
// hands out slices of its own buffer instead: element names (the local
// part, as RawToken gives them), a start element's raw attributes, and
// text with the five entities, character references and line ends
// decoded. It checks what a well-formed part needs to be read right
// (names, quoted attributes, known entities, closed tags and comments) and
// nothing more, but for matching end tags to start tags (a mismatched
// tag would otherwise move a cell or a shared string silently, where
// encoding/xml's RawToken does not match them either); characters are
// left to the normalizers, which report them by cell.
type xscan struct {
	r   io.Reader
	buf []byte
	pos int // start of the unread bytes (and of the token being scanned)
	end int
	eof bool

	kind    xkind
	name    []byte // start, end: the local name
	attrs   []byte // start: the raw attributes
	empty   bool   // start: closed by />, its end element comes next
	text    []byte // text: the decoded characters
	pending bool   // the end of an empty element is due
	scratch []byte
	aval    []byte // attr's decoded value

	open  []byte // the qualified names of the open elements, concatenated
	opens []int  // where each starts in open
}

// push records a start tag's qualified name.
func (s *xscan) push(name []byte) {
	s.opens = append(s.opens, len(s.open))
	s.open = append(s.open, name...)
}

// pop closes the innermost open element, which name must be.
func (s *xscan) pop(name []byte) bool {
	n := len(s.opens)
	if n == 0 || !bytes.Equal(s.open[s.opens[n-1]:], name) {
		return false
	}
	s.open = s.open[:s.opens[n-1]]
	s.opens = s.opens[:n-1]
	return true
}

type xkind uint8

const (
	xEOF xkind = iota
	xStart
	xEnd
	xText
)

// maxToken bounds one tag or text run (a cell holds at most 32,767
// characters; a longer token is not a spreadsheet's).
const maxToken = 16 << 20

var errXML = errors.New("tabular: malformed XML")

func newXScan(r io.Reader) *xscan {
	return &xscan{r: r, buf: make([]byte, 64<<10)}
}

// more reads more bytes, keeping those from pos on; false at the end of
// the input or on a read error (which is returned).
func (s *xscan) more() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxToken {
			return false, errXML
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			s.eof = true
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// at returns the byte at offset i from pos, reading more when needed.
func (s *xscan) at(i int) (byte, error) {
	if s.pos+i < s.end {
		return s.buf[s.pos+i], nil
	}
	return s.atSlow(i)
}

func (s *xscan) atSlow(i int) (byte, error) {
	for s.pos+i >= s.end {
		ok, err := s.more()
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, errXML
		}
	}
	return s.buf[s.pos+i], nil
}

// index returns the offset from pos of the first c at or after offset
// from; -1 at the end of the input.
func (s *xscan) index(from int, c byte) (int, error) {
	for {
		if s.pos+from < s.end {
			if j := bytes.IndexByte(s.buf[s.pos+from:s.end], c); j >= 0 {
				return from + j, nil
			}
			from = s.end - s.pos
		}
		ok, err := s.more()
		if err != nil {
			return 0, err
		}
		if !ok {
			return -1, nil
		}
	}
}

// indexSeq returns the offset from pos just past the first seq at or after
// offset from (seq ends in '>'); an error at the end of the input.
func (s *xscan) indexSeq(from int, seq string) (int, error) {
	last := seq[len(seq)-1]
	for i := from + len(seq) - 1; ; i++ {
		j, err := s.index(i, last)
		if err != nil {
			return 0, err
		}
		if j < 0 {
			return 0, errXML
		}
		if j-from+1 >= len(seq) && string(s.buf[s.pos+j-len(seq)+1:s.pos+j+1]) == seq {
			return j + 1, nil
		}
		i = j
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// localName drops a prefix ("x:row" → "row"), as encoding/xml splits a
// name with one colon.
func localName(n []byte) []byte {
	if i := bytes.IndexByte(n, ':'); i > 0 && i < len(n)-1 && bytes.IndexByte(n[i+1:], ':') < 0 {
		return n[i+1:]
	}
	return n
}

// name scans a name from offset i; the offset past it.
func (s *xscan) scanName(i int) (int, error) {
	c, err := s.at(i)
	if err != nil {
		return 0, err
	}
	if !isNameStart(c) {
		return 0, errXML
	}
	for i++; ; i++ {
		if c, err = s.at(i); err != nil {
			return 0, err
		}
		if !isNameByte(c) {
			return i, nil
		}
	}
}

func (s *xscan) skipSpace(i int) (int, byte, error) {
	for {
		c, err := s.at(i)
		if err != nil || !isSpace(c) {
			return i, c, err
		}
		i++
	}
}

// next scans the next token: xStart, xEnd, xText or xEOF. Comments,
// processing instructions and directives are skipped; CDATA is text.
func (s *xscan) next() (xkind, error) {
	if s.pending {
		s.pending, s.empty, s.kind = false, false, xEnd
		return xEnd, nil
	}
	for {
		if s.pos >= s.end {
			ok, err := s.more()
			if err != nil {
				return xEOF, err
			}
			if !ok {
				if len(s.opens) > 0 {
					return xEOF, errXML // an element left open
				}
				s.kind = xEOF
				return xEOF, nil
			}
		}
		if s.buf[s.pos] != '<' {
			j, err := s.index(0, '<')
			if err != nil {
				return xEOF, err
			}
			if j < 0 {
				j = s.end - s.pos
			}
			if err := s.setText(s.buf[s.pos:s.pos+j], true); err != nil {
				return xEOF, err
			}
			s.pos += j
			s.kind = xText
			return xText, nil
		}
		c, err := s.at(1)
		if err != nil {
			return xEOF, err
		}
		switch c {
		case '/':
			i, err := s.scanName(2)
			if err != nil {
				return xEOF, err
			}
			j, c, err := s.skipSpace(i)
			if err != nil {
				return xEOF, err
			}
			if c != '>' || !s.pop(s.buf[s.pos+2:s.pos+i]) {
				return xEOF, errXML
			}
			s.name = localName(s.buf[s.pos+2 : s.pos+i])
			s.pos += j + 1
			s.kind = xEnd
			return xEnd, nil
		case '?':
			j, err := s.indexSeq(2, "?>")
			if err != nil {
				return xEOF, err
			}
			s.pos += j
			continue
		case '!':
			if err := s.bang(); err != nil {
				return xEOF, err
			}
			if s.kind == xText {
				return xText, nil
			}
			continue
		}
		return s.startTag()
	}
}

// bang scans <!-- comments -->, <![CDATA[text]]> (setting kind xText) and
// <!directives>.
func (s *xscan) bang() error {
	s.kind = xEOF
	c2, err := s.at(2)
	if err != nil {
		return err
	}
	switch c2 {
	case '-':
		if c, err := s.at(3); err != nil || c != '-' {
			return errXML
		}
		j, err := s.indexSeq(4, "-->")
		if err != nil {
			return err
		}
		s.pos += j
		return nil
	case '[':
		const open = "<![CDATA["
		for i := 3; i < len(open); i++ {
			if c, err := s.at(i); err != nil || c != open[i] {
				return errXML
			}
		}
		j, err := s.indexSeq(len(open), "]]>")
		if err != nil {
			return err
		}
		if err := s.setText(s.buf[s.pos+len(open):s.pos+j-3], false); err != nil {
			return err
		}
		s.pos += j
		s.kind = xText
		return nil
	}
	// A directive (<!DOCTYPE …>): nested brackets and quotes.
	depth, quote := 1, byte(0)
	for i := 2; ; i++ {
		c, err := s.at(i)
		if err != nil {
			return err
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			depth++
		case c == '>':
			if depth--; depth == 0 {
				s.pos += i + 1
				return nil
			}
		}
	}
}

// startTag scans <name attr="value"…> or <name …/>.
func (s *xscan) startTag() (xkind, error) {
	nameEnd, err := s.scanName(1)
	if err != nil {
		return xEOF, err
	}
	i := nameEnd
	for {
		c, err := s.at(i)
		if err != nil {
			return xEOF, err
		}
		switch {
		case c == '>' || c == '/':
			gt := i
			if c == '/' {
				if c, err := s.at(i + 1); err != nil || c != '>' {
					return xEOF, errXML
				}
				gt = i + 1
			}
			s.name = localName(s.buf[s.pos+1 : s.pos+nameEnd])
			s.attrs = s.buf[s.pos+nameEnd : s.pos+i]
			s.empty = c == '/'
			s.pending = s.empty
			if !s.empty {
				s.push(s.buf[s.pos+1 : s.pos+nameEnd])
			}
			s.pos += gt + 1
			s.kind = xStart
			return xStart, nil
		case isSpace(c):
			i++
			continue
		}
		if !isSpace(s.buf[s.pos+i-1]) {
			return xEOF, errXML
		}
		if i, err = s.scanName(i); err != nil {
			return xEOF, err
		}
		i, c, err = s.skipSpace(i)
		if err != nil {
			return xEOF, err
		}
		if c != '=' {
			return xEOF, errXML
		}
		i, c, err = s.skipSpace(i + 1)
		if err != nil {
			return xEOF, err
		}
		if c != '"' && c != '\'' {
			return xEOF, errXML
		}
		j, err := s.index(i+1, c)
		if err != nil {
			return xEOF, err
		}
		if j < 0 || bytes.IndexByte(s.buf[s.pos+i+1:s.pos+j], '<') >= 0 {
			return xEOF, errXML
		}
		i = j + 1
	}
}

// attr returns the decoded value of the current start element's attribute
// local (prefix ignored, like the Local of encoding/xml's names); the
// slice is valid until the next call.
func (s *xscan) attr(local string) ([]byte, bool) {
	a := s.attrs
	for {
		var n, v []byte
		if n, v, a = nextAttr(a); n == nil {
			return nil, false
		}
		if string(localName(n)) == local {
			return s.value(v)
		}
	}
}

// value decodes a raw attribute value.
func (s *xscan) value(v []byte) ([]byte, bool) {
	if bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, '\r') < 0 {
		return v, true
	}
	var err error
	if s.aval, err = appendDecoded(s.aval[:0], v, true); err != nil {
		return nil, false
	}
	return s.aval, true
}

// nextAttr splits the first name="value" pair off attributes checked by
// startTag; a nil name at the end.
func nextAttr(a []byte) (name, raw, rest []byte) {
	i := 0
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	start := i
	for i < len(a) && isNameByte(a[i]) {
		i++
	}
	if i == start {
		return nil, nil, nil
	}
	name = a[start:i]
	for i < len(a) && a[i] != '"' && a[i] != '\'' {
		i++ // spaces and =
	}
	if i == len(a) {
		return nil, nil, nil
	}
	q := a[i]
	end := bytes.IndexByte(a[i+1:], q)
	if end < 0 {
		return nil, nil, nil
	}
	return name, a[i+1 : i+1+end], a[i+2+end:]
}

// setText sets text from raw characters, decoding entities when entities.
func (s *xscan) setText(raw []byte, entities bool) error {
	if (!entities || bytes.IndexByte(raw, '&') < 0) && bytes.IndexByte(raw, '\r') < 0 {
		s.text = raw
		return nil
	}
	var err error
	s.scratch, err = appendDecoded(s.scratch[:0], raw, entities)
	s.text = s.scratch
	return err
}

// appendDecoded appends raw with the entities and character references
// decoded (when entities) and \r\n and \r turned into \n, as XML reads
// line ends.
func appendDecoded(dst, raw []byte, entities bool) ([]byte, error) {
	for len(raw) > 0 {
		i := 0
		for i < len(raw) && raw[i] != '\r' && (raw[i] != '&' || !entities) {
			i++
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if len(raw) == 0 {
			break
		}
		if raw[0] == '\r' {
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 2 || semi > 12 {
			return dst, errXML
		}
		ent := raw[1:semi]
		raw = raw[semi+1:]
		switch string(ent) {
		case "amp":
			dst = append(dst, '&')
			continue
		case "lt":
			dst = append(dst, '<')
			continue
		case "gt":
			dst = append(dst, '>')
			continue
		case "quot":
			dst = append(dst, '"')
			continue
		case "apos":
			dst = append(dst, '\'')
			continue
		}
		if ent[0] != '#' || len(ent) < 2 {
			return dst, errXML
		}
		digits, base := ent[1:], rune(10)
		if digits[0] == 'x' {
			digits, base = digits[1:], 16
		}
		if len(digits) == 0 || len(digits) > 8 {
			return dst, errXML
		}
		var r rune
		for _, c := range digits {
			var d rune
			switch {
			case c >= '0' && c <= '9':
				d = rune(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				d = rune(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				d = rune(c-'A') + 10
			default:
				return dst, errXML
			}
			r = r*base + d
		}
		if !xmlChar(r) {
			return dst, errXML
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst, nil
}

// xmlChar reports a character XML allows.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
