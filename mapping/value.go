package mapping

import (
	"strconv"
	"strings"
	"unicode"
)

// Value is a typed, normalised value read from one cell (or from part of a
// cell's text, for a Pattern field).
type Value struct {
	// Type is the type the binding asked for.
	Type Type `json:"type"`
	// Raw is the text as found in the workbook.
	Raw string `json:"raw"`
	// Cell is where it was found, as Sheet!A1.
	Cell string `json:"cell"`
	// Text is the normalised text: a text value trimmed, a heading's name
	// without its weight, a date as YYYY-MM-DD (a month written alone, as
	// "2023年1月" or "2023.01", as its first day, 2023-01-01, with Approx
	// set), an indicator's qualitative text (or the words after a
	// quantitative one's unit, as in "100%保障").
	Text string `json:"text,omitempty"`
	// Number is the numeric value: an amount in Unit, a percentage in
	// percentage points (99.96 for 99.96%), a count, a score, an indicator's
	// quantity, a heading's weight is in Weight instead.
	Number *float64 `json:"number,omitempty"`
	// Unit is the unit of Number: 万元 or 元 for amounts, % for percentages,
	// the unit written after a count or an indicator.
	Unit string `json:"unit,omitempty"`
	// Op is an indicator's (or a count's) comparison: >=, >, =, <, <=, from
	// a sign or word before the number (≥, 不低于) or 以上 / 以下 / 以内
	// after it; empty when none was written (a bare target, read as "reach
	// at least").
	Op string `json:"op,omitempty"`
	// Approx marks a number written as approximate — 约100人, 500余份,
	// 300多人次, 500份左右 (Number is the number written: 100, 500, 300) —
	// and a date written only to the month (Text is then its first day).
	Approx bool `json:"approx,omitempty"`
	// Qualitative marks an indicator given as words rather than a number.
	Qualitative bool `json:"qualitative,omitempty"`
	// Tier is a qualitative actual's grade: 达成, 部分达成 or 未达成.
	Tier string `json:"tier,omitempty"`
	// Weight is the score weight written in a heading, 40 for 产出指标(40分).
	Weight *float64 `json:"weight,omitempty"`
	// Error says why Raw could not be read as Type; Number etc. are then unset.
	Error string `json:"error,omitempty"`
}

// Empty reports whether the value is blank: no text, or for a numeric type a
// placeholder such as "—" or "/".
func (v Value) Empty() bool {
	if hasDigit(v.Raw) {
		// A digit is neither blank nor part of a placeholder.
		return false
	}
	t := strings.TrimFunc(v.Raw, isBlank)
	if t == "" {
		return true
	}
	switch v.Type {
	case TypeAmount:
		// An accounting format shows a zero as "¥ -".
		return IsPlaceholder(strings.TrimPrefix(Fold(t), "¥"))
	case TypePercent, TypeCount, TypeScore, TypeNumber, TypeDate:
		return IsPlaceholder(t)
	}
	return false
}

// hasDigit reports whether s holds an ASCII digit (no byte of a longer
// UTF-8 sequence is one).
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// IsPlaceholder reports whether s is one of the marks forms use for "nothing
// here": 无, /, —, -, ——, 空, 略, or any run of dashes and slashes (―― as
// some input methods type ——, -/-).
func IsPlaceholder(s string) bool {
	t := strings.TrimFunc(Fold(s), func(r rune) bool { return isBlank(r) || r == '。' || r == '.' })
	switch t {
	case "", "无", "空", "略", "暂无", "N/A", "n/a", "NA", "/无":
		return true
	}
	return strings.Trim(t, dashes) == ""
}

// dashes are the dash and slash characters a placeholder is made of.
const dashes = "-/\\‐‑‒–—―−─━﹣"

// isBlank reports whether r is white space or a character that shows
// nothing (a zero-width space or joiner, a byte order mark), as text pasted
// from web pages carries.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
}

// invisible are the characters isBlank adds to white space.
const invisible = "\u200b\u200c\u200d\u2060\ufeff"

// dropInvisible removes the invisible characters from s.
func dropInvisible(s string) string {
	if !strings.ContainsAny(s, invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(invisible, r) {
			return -1
		}
		return r
	}, s)
}

func f64(x float64) *float64 { return &x }

// FormatNumber prints a number without trailing zeros: 110.36, 100, 0.5.
func FormatNumber(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}
