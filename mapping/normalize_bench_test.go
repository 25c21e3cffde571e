package mapping

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// slowNormLabel and slowFold are NormLabel and Fold without the foldFast
// shortcut.
func slowNormLabel(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimRight(s, ":")
}

func slowFold(s string) string {
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

// foldedSample lists every non-ASCII rune foldedRune accepts outside the
// ideograph blocks, a sample of ideographs, and printable ASCII.
func foldedSample() []rune {
	var out []rune
	for r := rune(0x21); r < 0x7F; r++ {
		out = append(out, r)
	}
	for r := rune(0x80); r < 0x3400; r++ {
		if foldedRune(r) {
			out = append(out, r)
		}
	}
	for r := rune(0x3400); r <= 0x9FFF; r += 97 {
		if foldedRune(r) {
			out = append(out, r)
		}
	}
	return append(out, 0x4E00, 0x9FFF, 0x3400, 0x4DBF)
}

// TestFoldedShortcut checks the runes foldedRune accepts: NFKC leaves each,
// and each pair, as it is, and none is white space; and that NormLabel and
// Fold agree with their slow forms on mixed text.
func TestFoldedShortcut(t *testing.T) {
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if foldedRune(r) && (norm.NFKC.String(string(r)) != string(r) || unicode.IsSpace(r)) {
			t.Errorf("U+%04X is not NFKC-stable", r)
		}
	}
	sample := foldedSample()
	for _, a := range sample {
		for _, b := range sample {
			if s := string([]rune{a, b}); norm.NFKC.String(s) != s {
				t.Fatalf("%q changes under NFKC", s)
			}
		}
	}
	rng := rand.New(rand.NewSource(1))
	extra := []rune{' ', '\n', '　', '（', '）', '：', '％', '…', '℃', 'ａ', 'é', '\u0301', 'ｶ', '\u3099'}
	for i := 0; i < 20000; i++ {
		rs := make([]rune, rng.Intn(8))
		for j := range rs {
			if rng.Intn(4) == 0 {
				rs[j] = extra[rng.Intn(len(extra))]
			} else {
				rs[j] = sample[rng.Intn(len(sample))]
			}
		}
		s := string(rs)
		if got, want := NormLabel(s), slowNormLabel(s); got != want {
			t.Fatalf("NormLabel(%q) = %q, want %q", s, got, want)
		}
		if got, want := Fold(s), slowFold(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

var normSamples = []string{
	"2155.89", "年度资金总额", "其中：当年财政拨款", "改进措施及\n结果应用方案", "预算数（A）",
	"符合条件的困难残疾人生活补贴发放覆盖率", "≥95%", "产出指标(40分)",
}

func BenchmarkNormLabel(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range normSamples {
			NormLabel(s)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range normSamples {
			Fold(s)
		}
	}
}

func TestDecodeRune(t *testing.T) {
	for _, s := range []string{"年", "（", "\xe1\x80\x80", "\xed\x9f\xbf", "\xed\xa0\x80", "\xef\xbf\xbf", "\xe0\xa0\x80", "\xe0\x80\x80", "\xe4\xb8", "\xe4\xb8\x41", "a", "\xf0\x9f\x98\x80"} {
		r1, n1 := decodeRune(s, 0)
		r2, n2 := utf8.DecodeRuneInString(s)
		if r1 != r2 || n1 != n2 {
			t.Errorf("decodeRune(%q) = %U %d, want %U %d", s, r1, n1, r2, n2)
		}
	}
	for r := rune(0x800); r <= 0xFFFF; r++ {
		s := string(r)
		if r1, n1 := decodeRune(s, 0); r1 != []rune(s)[0] || n1 != len(s) {
			t.Fatalf("decodeRune(%q) = %U %d", s, r1, n1)
		}
	}
}
