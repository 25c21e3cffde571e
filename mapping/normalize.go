package mapping

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s with full-width forms folded to half-width (NFKC) and line
// breaks turned into spaces, runs of white space collapsed and the ends
// trimmed. It is the text that Pattern expressions see.
func Fold(s string) string {
	if out, ok := foldFast(s, false); ok {
		return out
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// NormLabel returns the form of s used to compare labels: folded like Fold,
// with all white space removed and trailing colons dropped, so that
// "改进措施及\n结果应用方案" equals "改进措施及结果应用方案" and "预算数（A）"
// equals "预算数(A)".
func NormLabel(s string) string {
	if out, ok := foldFast(s, true); ok {
		return strings.TrimRight(out, ":")
	}
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimRight(s, ":")
}

// foldFast is Fold (label false) or NormLabel before its colons are
// trimmed (label true) for text whose NFKC form is known without the
// tables: printable ASCII, CJK ideographs and punctuation that NFKC leaves
// as they are (foldedRune), full-width forms of ASCII and the ideographic
// space (which NFKC turns into ASCII), and ASCII white space. Most cells
// are numbers or such labels. ok is false for other text. Text that needs
// no change is returned as it is.
func foldFast(s string, label bool) (string, bool) {
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case asciiSpace(c):
				changed = true
			case c < 0x20 || c == 0x7F:
				return "", false
			}
			i++
			continue
		}
		r, n := decodeRune(s, i)
		switch {
		case foldedRune(r):
		case r >= 0xFF01 && r <= 0xFF5E, r == 0x3000:
			changed = true
		default:
			return "", false
		}
		i += n
	}
	if !changed {
		return s, true
	}
	// Copy the text in runs between the characters that change.
	b := make([]byte, 0, len(s))
	space := false
	run := 0 // start of the run not yet copied
	for i := 0; i < len(s); {
		c := s[i]
		n, repl, white := 1, byte(0), false
		if c < 0x80 {
			white = asciiSpace(c)
		} else {
			var r rune
			r, n = decodeRune(s, i)
			switch {
			case r == 0x3000:
				white = true
			case r >= 0xFF01 && r <= 0xFF5E:
				repl = byte(r - (0xFF01 - '!'))
			}
		}
		if white {
			b = append(b, s[run:i]...)
			space = true
			i += n
			run = i
			continue
		}
		if space {
			if !label && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
		}
		if repl != 0 {
			b = append(b, s[run:i]...)
			b = append(b, repl)
			i += n
			run = i
			continue
		}
		i += n
	}
	if !space {
		b = append(b, s[run:]...)
	}
	return string(b), true
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the three-byte
// sequences of CJK text decoded inline.
func decodeRune(s string, i int) (rune, int) {
	if i+2 < len(s) {
		c := s[i]
		if c >= 0xE1 && c <= 0xEF && c != 0xED && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// asciiSpace reports whether c is ASCII white space as unicode.IsSpace has it.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// foldedRune reports whether r is a non-ASCII character foldFast keeps as
// it is: none of them decomposes, composes or is white space (checked by
// TestFoldedShortcut).
func foldedRune(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF: // CJK ideographs
		return true
	case r >= 0x3001 && r <= 0x3003, r >= 0x3008 && r <= 0x3011, r >= 0x3014 && r <= 0x301B: // 、。〃 〈〉《》「」『』【】 〔〕〖〗〘〙〚〛
		return true
	case r == 0x2018, r == 0x2019, r == 0x201C, r == 0x201D, r == 0x2014, r == 0x2015, r == 0x2016: // ‘’“”—―‖
		return true
	case r == 0x00B7, r == 0x00D7, r == 0x00F7, r == 0x2264, r == 0x2265, r == 0x2260, r == 0x2030, r == 0x00B1: // ·×÷≤≥≠‰±
		return true
	}
	return false
}

// matchLabel reports whether normalised cell text t matches normalised label l.
func matchLabel(t, l string, mode MatchMode) bool {
	if t == "" || l == "" {
		return false
	}
	switch mode {
	case MatchPrefix:
		return strings.HasPrefix(t, l)
	case MatchContains:
		return strings.Contains(t, l)
	default:
		return t == l
	}
}

// foldWidth folds full-width ASCII forms (：（）＝ and the like) and the
// ideographic space to their half-width forms one rune for one rune, so that
// a match in the folded text has the same rune offsets as in the original.
func foldWidth(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			out[i] = r - 0xFF01 + '!'
		case r == 0x3000:
			out[i] = ' '
		default:
			out[i] = r
		}
	}
	return out
}

// matchPattern applies re to text with full-width forms folded and returns
// the first group taken from the original text (so 全角 punctuation in the
// value is kept), trimmed. ok is false when re does not match.
func matchPattern(re *regexp.Regexp, text string) (string, bool) {
	orig := []rune(text)
	folded := string(foldWidth(orig))
	m := re.FindStringSubmatchIndex(folded)
	if m == nil {
		return "", false
	}
	if len(m) < 4 || m[2] < 0 {
		return "", true
	}
	start := utf8.RuneCountInString(folded[:m[2]])
	end := start + utf8.RuneCountInString(folded[m[2]:m[3]])
	return strings.TrimFunc(string(orig[start:end]), unicode.IsSpace), true
}
