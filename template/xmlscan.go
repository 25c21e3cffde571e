package template

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Tokens of xmlScan.
const (
	tokStart = iota + 1
	tokEnd
)

// xmlScan reads the elements of an XML document the way encoding/xml's
// Token does for the constructs workbooks use: elements and attributes,
// the five predefined entities and character references, \r\n folded to
// \n. It sets bad, and stops, at anything else (comments, CDATA, a DOCTYPE,
// processing instructions after the declaration, non-ASCII names, an
// encoding other than UTF-8) and at anything encoding/xml rejects
// (mismatched tags, illegal characters, unknown entities), so that a
// document it reads whole is one encoding/xml reads the same.
type xmlScan struct {
	s         string
	i         int
	bad       bool
	kind      int    // of the last token
	name      string // of the last start or end tag
	selfClose bool   // the last start tag was <x/>
	attrs     []xmlAttr
	stack     []string
	buf       []byte
	// The first attributes and open elements, without allocating.
	attrsBuf [8]xmlAttr
	stackBuf [8]string
}

type xmlAttr struct{ name, value string }

func (x *xmlScan) fail() bool {
	x.bad = true
	return false
}

// prolog reads the XML declaration, if any, and checks it.
func (x *xmlScan) prolog() {
	if !strings.HasPrefix(x.s, "<?xml") {
		return
	}
	end := strings.Index(x.s, "?>")
	if end < 0 || (len(x.s) > 5 && !isSpace(x.s[5])) {
		x.fail()
		return
	}
	decl := x.s[5:end]
	if v := declAttr(decl, "version"); v != "" && v != "1.0" {
		x.fail()
	}
	if e := declAttr(decl, "encoding"); e != "" && !strings.EqualFold(e, "utf-8") {
		x.fail()
	}
	x.i = end + 2
}

// declAttr is encoding/xml's procInst: the value of param in a declaration.
func declAttr(decl, param string) string {
	i := strings.Index(decl, param+"=")
	if i < 0 {
		return ""
	}
	v := decl[i+len(param)+1:]
	if v == "" || (v[0] != '"' && v[0] != '\'') {
		return ""
	}
	j := strings.IndexByte(v[1:], v[0])
	if j < 0 {
		return ""
	}
	return v[1 : j+1]
}

// start reads the root element's start tag.
func (x *xmlScan) start() bool {
	for x.i < len(x.s) && isSpace(x.s[x.i]) {
		x.i++
	}
	return !x.bad && x.next() && x.kind == tokStart && len(x.stack) <= 1
}

// mainNamespace reports whether the current start tag, the root element,
// is in the SpreadsheetML main namespace.
func (x *xmlScan) mainNamespace() bool { return x.rootNamespace() == nsMain }

// local is a name without its prefix.
func (x *xmlScan) local(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// attr returns the value of the current start tag's attribute with local
// name local, and how many such attributes it has.
func (x *xmlScan) attr(local string) (string, int) {
	v, n := "", 0
	for _, a := range x.attrs {
		if x.local(a.name) == local {
			v, n = a.value, n+1
		}
	}
	return v, n
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// next reads up to and including the next start or end tag, checking the
// text before it; false at the end of the document or at a construct it
// does not read (bad).
func (x *xmlScan) next() bool {
	if x.bad {
		return false
	}
	if x.stack == nil {
		x.stack, x.attrs = x.stackBuf[:0], x.attrsBuf[:0]
	}
	if !x.skipText() || x.i >= len(x.s) {
		return false
	}
	x.i++ // '<'
	if x.i >= len(x.s) {
		return x.fail()
	}
	switch x.s[x.i] {
	case '/':
		x.i++
		name, ok := x.readName()
		if !ok {
			return x.fail()
		}
		for x.i < len(x.s) && isSpace(x.s[x.i]) {
			x.i++
		}
		if x.i >= len(x.s) || x.s[x.i] != '>' || len(x.stack) == 0 || x.stack[len(x.stack)-1] != name {
			return x.fail()
		}
		x.i++
		x.stack = x.stack[:len(x.stack)-1]
		x.kind, x.name, x.selfClose = tokEnd, name, false
		return true
	case '!', '?':
		return x.fail()
	}
	name, ok := x.readName()
	if !ok {
		return x.fail()
	}
	x.attrs = x.attrs[:0]
	for {
		sp := x.i
		for x.i < len(x.s) && isSpace(x.s[x.i]) {
			x.i++
		}
		if x.i >= len(x.s) {
			return x.fail()
		}
		switch x.s[x.i] {
		case '>':
			x.i++
			x.stack = append(x.stack, name)
			x.kind, x.name, x.selfClose = tokStart, name, false
			return true
		case '/':
			if x.i+1 >= len(x.s) || x.s[x.i+1] != '>' {
				return x.fail()
			}
			x.i += 2
			x.kind, x.name, x.selfClose = tokStart, name, true
			return true
		}
		if sp == x.i && len(x.attrs) == 0 {
			return x.fail() // <name"...
		}
		an, ok := x.readName()
		if !ok {
			return x.fail()
		}
		for x.i < len(x.s) && isSpace(x.s[x.i]) {
			x.i++
		}
		if x.i >= len(x.s) || x.s[x.i] != '=' {
			return x.fail()
		}
		x.i++
		for x.i < len(x.s) && isSpace(x.s[x.i]) {
			x.i++
		}
		if x.i >= len(x.s) || (x.s[x.i] != '"' && x.s[x.i] != '\'') {
			return x.fail()
		}
		q := x.s[x.i]
		x.i++
		v, ok := x.readText(q)
		if !ok {
			return x.fail()
		}
		x.i++ // the closing quote
		x.attrs = append(x.attrs, xmlAttr{an, v})
	}
}

// readName reads an ASCII name with at most one colon, not at either end.
func (x *xmlScan) readName() (string, bool) {
	st := x.i
	colons := 0
	for x.i < len(x.s) {
		c := x.s[x.i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '-' || c == '.':
			if x.i == st {
				return "", false
			}
		case c == ':':
			colons++
		default:
			goto done
		}
		x.i++
	}
done:
	name := x.s[st:x.i]
	if name == "" || colons > 1 || name[0] == ':' || name[len(name)-1] == ':' {
		return "", false
	}
	return name, true
}

// skipText checks the text up to the next '<' (or the end).
func (x *xmlScan) skipText() bool {
	for x.i < len(x.s) {
		c := x.s[x.i]
		switch {
		case c == '<':
			return true
		case c == '&':
			if _, n := x.entity(x.i); n == 0 {
				return x.fail()
			} else {
				x.i += n
			}
		case c >= 0x20 && c < 0x80, c == '\n', c == '\t', c == '\r':
			x.i++
		case c < 0x20:
			return x.fail()
		case legal3(x.s, x.i):
			x.i += 3
		default:
			r, n := utf8.DecodeRuneInString(x.s[x.i:])
			if !legalRune(r, n) {
				return x.fail()
			}
			x.i += n
		}
	}
	return true
}

// legalRune is encoding/xml's isInCharacterRange for a decoded rune.
func legalRune(r rune, size int) bool {
	if r == utf8.RuneError && size <= 1 {
		return false
	}
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// legal3 reports whether s[i:] starts with a character of three bytes in
// UTF-8 that legalRune accepts (U+0800 to U+FFFD but the surrogates), as
// most of the text of Chinese workbooks is, without decoding it; false
// sends the caller to utf8.DecodeRuneInString and legalRune.
func legal3(s string, i int) bool {
	if i+2 >= len(s) || s[i+2]&0xC0 != 0x80 {
		return false
	}
	c, c1 := s[i], s[i+1]
	switch {
	case c >= 0xE1 && c <= 0xEC, c == 0xEE:
		return c1&0xC0 == 0x80
	case c == 0xE0:
		return c1 >= 0xA0 && c1 <= 0xBF
	case c == 0xED:
		return c1 >= 0x80 && c1 <= 0x9F // below the surrogates
	case c == 0xEF:
		return c1&0xC0 == 0x80 && (c1 != 0xBF || s[i+2] < 0xBE) // not U+FFFE, U+FFFF
	}
	return false
}

// entity decodes the entity or character reference at s[i] ('&'): the
// character it stands for and its length, 0 when encoding/xml would not
// accept it.
func (x *xmlScan) entity(i int) (rune, int) {
	end := strings.IndexByte(x.s[i:min(len(x.s), i+12)], ';')
	if end < 2 {
		return 0, 0
	}
	name := x.s[i+1 : i+end]
	switch name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "apos":
		return '\'', end + 1
	case "quot":
		return '"', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, 0
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || n == 0 || !legalRune(rune(n), 2) {
		return 0, 0
	}
	return rune(n), end + 1
}

// readText reads text up to the byte until ('<' for content, a quote for
// an attribute value), decoding entities and folding \r\n and \r to \n.
// It leaves x.i at until.
func (x *xmlScan) readText(until byte) (string, bool) {
	st := x.i
	plain := true
	for x.i < len(x.s) {
		c := x.s[x.i]
		switch {
		case c == until:
			if plain {
				return x.s[st:x.i], true
			}
			return x.decodeText(st, x.i)
		case c == '<':
			return "", false
		case c == '&' || c == '\r':
			plain = false
			if c == '&' {
				_, n := x.entity(x.i)
				if n == 0 {
					return "", false
				}
				x.i += n
				continue
			}
			x.i++
		case c >= 0x20 && c < 0x80, c == '\n', c == '\t':
			x.i++
		case c < 0x20:
			return "", false
		case legal3(x.s, x.i):
			x.i += 3
		default:
			r, n := utf8.DecodeRuneInString(x.s[x.i:])
			if !legalRune(r, n) {
				return "", false
			}
			x.i += n
		}
	}
	return "", false
}

// decodeText decodes the checked text s[st:end].
func (x *xmlScan) decodeText(st, end int) (string, bool) {
	b := x.buf[:0]
	for i := st; i < end; {
		j := i
		for j < end && x.s[j] != '&' && x.s[j] != '\r' {
			j++
		}
		b = append(b, x.s[i:j]...)
		if i = j; i == end {
			break
		}
		if x.s[i] == '&' {
			r, n := x.entity(i)
			b = utf8.AppendRune(b, r)
			i += n
			continue
		}
		b = append(b, '\n') // \r, \r\n
		i++
		if i < end && x.s[i] == '\n' {
			i++
		}
	}
	x.buf = b
	return string(b), true
}

// text reads the character data of the current element up to its end tag;
// bad if it holds an element.
func (x *xmlScan) text() (string, error) {
	if x.selfClose {
		return "", nil
	}
	v, ok := x.readText('<')
	if !ok || !x.next() || x.kind != tokEnd {
		x.bad = true
		return "", errSlow
	}
	return v, nil
}

// skip reads past the end of the current element.
func (x *xmlScan) skip() {
	if x.kind != tokStart || x.selfClose {
		return
	}
	depth := len(x.stack) - 1
	for x.next() {
		if x.kind == tokEnd && len(x.stack) == depth {
			return
		}
	}
	x.bad = true
}

// tagWalk walks the tags of an XML document without decoding it, for
// counting elements before a parser allocates for them: it calls visit
// with the depth (the root element 1) and the local name of each start
// tag, skipping comments, CDATA sections and processing instructions. It
// stops where visit returns false or the document ends; dtd tells whether
// it met a document type declaration (<!DOCTYPE, where entities are
// declared), at which it stops. Malformed XML ends the walk where it can
// no longer follow it: the parser that reads the document reports it.
func tagWalk(b []byte, visit func(depth int, local []byte) bool) (dtd bool) {
	depth := 0
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return false
		}
		i += j + 1
		rest := b[i:]
		if len(rest) == 0 {
			return false
		}
		var end int
		switch rest[0] {
		case '!':
			switch {
			case bytes.HasPrefix(rest, []byte("!--")):
				end = after(rest, 3, "-->")
			case bytes.HasPrefix(rest, []byte("![CDATA[")):
				end = after(rest, 8, "]]>")
			default:
				return true // <!DOCTYPE, <!ENTITY, or another declaration
			}
		case '?':
			end = after(rest, 1, "?>")
		case '/':
			depth--
			end = bytes.IndexByte(rest, '>')
		default:
			n := 0
			for n < len(rest) && !isSpace(rest[n]) && rest[n] != '>' && rest[n] != '/' {
				n++
			}
			name := rest[:n]
			if k := bytes.IndexByte(name, ':'); k >= 0 {
				name = name[k+1:]
			}
			end = tagEnd(rest, n)
			if end < 0 || !visit(depth+1, name) {
				return false
			}
			if end == 0 || rest[end-1] != '/' {
				depth++
			}
		}
		if end < 0 {
			return false
		}
		i += end + 1
	}
}

// after is the index of the last byte of the first sep in b from i, -1
// where there is none.
func after(b []byte, i int, sep string) int {
	k := bytes.Index(b[i:], []byte(sep))
	if k < 0 {
		return -1
	}
	return i + k + len(sep) - 1
}

// rawAttr returns the value, undecoded, of the attribute with local name
// local in attrs (a start tag's bytes after its name).
func rawAttr(attrs []byte, local string) ([]byte, bool) {
	i := 0
	for i < len(attrs) {
		for i < len(attrs) && (isSpace(attrs[i]) || attrs[i] == '/') {
			i++
		}
		st := i
		for i < len(attrs) && attrs[i] != '=' && !isSpace(attrs[i]) {
			i++
		}
		name := attrs[st:i]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		for i < len(attrs) && (isSpace(attrs[i]) || attrs[i] == '=') {
			i++
		}
		if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
			return nil, false
		}
		q := attrs[i]
		j := bytes.IndexByte(attrs[i+1:], q)
		if j < 0 {
			return nil, false
		}
		if string(name) == local {
			return attrs[i+1 : i+1+j], true
		}
		i += j + 2
	}
	return nil, false
}

// tagEnd is the index in b of the '>' that ends the tag whose attributes
// start at from: the first outside quotes, -1 where there is none.
func tagEnd(b []byte, from int) int {
	end := bytes.IndexByte(b[from:], '>')
	if end < 0 {
		return -1
	}
	end += from
	// Usually no quote holds a '>': the quotes before the first are
	// paired ones of one kind.
	if seg := b[from:end]; bytes.IndexByte(seg, '\'') < 0 && bytes.Count(seg, []byte{'"'})%2 == 0 {
		return end
	}
	var q byte
	for k := from; k < len(b); k++ {
		switch c := b[k]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return k
		}
	}
	return -1
}
