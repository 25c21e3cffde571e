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
	if isPlainASCIIish(s) {
		return strings.TrimRight(s, ":")
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

// isPlainASCIIish reports whether s has no space and no character that NFKC
// could change, so that NormLabel can skip the work (most cells are numbers).
func isPlainASCIIish(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c <= ' ' {
			return false
		}
	}
	return true
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
