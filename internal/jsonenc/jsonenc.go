// Package jsonenc appends numbers and strings exactly as encoding/json
// writes them, for the encoders that write JSON without reflection (the
// fingerprint of a form's data, the stored documents): their bytes must
// stay those json.Marshal writes.
package jsonenc

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendFloat appends f, a finite number, as encoding/json writes a
// float64.
func AppendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 as e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// AppendString appends s quoted as encoding/json writes a string with
// HTML escaping: ", \ and control characters escaped, <, > and & as
// \u003c..., invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
//
// It reads s once: ASCII by a table of the bytes written as they are,
// the three-byte sequences of Chinese text checked in place, other
// sequences decoded as encoding/json decodes them.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// A three-byte sequence led by E1..EC or EE..EF with two
		// continuation bytes is valid UTF-8 (E0 and ED restrict their
		// second byte: left to DecodeRuneInString).
		if i+2 < len(s) && c >= 0xe1 && c <= 0xef && c != 0xed && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			if c == 0xe2 && s[i+1] == 0x80 && s[i+2]&0xfe == 0xa8 { // U+2028, U+2029
				b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xf])
				i += 3
				start = i
				continue
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

const hexDigits = "0123456789abcdef"

// plain holds the ASCII bytes AppendString writes as they are: not a
// control character, ", \, <, > or &.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
