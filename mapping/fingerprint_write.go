package mapping

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fingerprintWriter gathers a result's values by path for Fingerprint:
// the paths Flatten names, written one after another into keys, and the
// values without their cells.
type fingerprintWriter struct {
	keys  []byte
	vals  []Value
	items []fingerprintItem
}

// fingerprintItem is one value of a writer: where its path is in keys and
// its index in vals. It holds no pointers, for sorting without write
// barriers.
type fingerprintItem struct {
	off, end, i uint32
}

// collect adds the values of r in the order Flatten stores them.
func (w *fingerprintWriter) collect(r *Result) {
	n := len(r.Fields) + tablesLen(r.Tables)
	for _, insts := range r.Blocks {
		for _, b := range insts {
			n += len(b.Fields) + tablesLen(b.Tables)
		}
	}
	w.vals = make([]Value, 0, n)
	w.items = make([]fingerprintItem, 0, n)
	w.keys = make([]byte, 0, 40*n)
	w.fields("fields.", "", -1, r.Fields)
	w.tables("tables.", "", -1, r.Tables)
	for name, insts := range r.Blocks {
		for i, b := range insts {
			w.fields(name, "].fields.", i, b.Fields)
			w.tables(name, "].tables.", i, b.Tables)
		}
	}
}

// tablesLen counts the values of tables' rows.
func tablesLen(ts map[string][]Row) int {
	n := 0
	for _, rows := range ts {
		for _, row := range rows {
			n += row.Len()
		}
	}
	return n
}

// prefix writes the start of a path: p, or for a block's values
// "blocks.NAME[I" and then rest.
func (w *fingerprintWriter) prefix(p, rest string, i int) {
	if i < 0 {
		w.keys = append(w.keys, p...)
		return
	}
	w.keys = append(append(w.keys, "blocks."...), p...)
	w.keys = append(strconv.AppendInt(append(w.keys, '['), int64(i), 10), rest...)
}

// add adds a value whose path starts at off in keys and ends with name.
func (w *fingerprintWriter) add(off int, name string, v Value) {
	w.keys = append(w.keys, name...)
	w.items = append(w.items, fingerprintItem{off: uint32(off), end: uint32(len(w.keys)), i: uint32(len(w.vals))})
	w.vals = append(w.vals, v)
}

func (w *fingerprintWriter) fields(p, rest string, i int, vals map[string]Value) {
	for k, v := range vals {
		off := len(w.keys)
		w.prefix(p, rest, i)
		w.add(off, k, v)
	}
}

func (w *fingerprintWriter) tables(p, rest string, i int, ts map[string][]Row) {
	for name, rows := range ts {
		for j, row := range rows {
			row.each(func(k string, v Value) {
				off := len(w.keys)
				w.prefix(p, rest, i)
				w.keys = append(w.keys, name...)
				w.keys = append(strconv.AppendInt(append(w.keys, '['), int64(j), 10), "]."...)
				w.add(off, k, v)
			})
		}
	}
}

// key is the path of e.
func (w *fingerprintWriter) key(e fingerprintItem) []byte {
	return w.keys[e.off:e.end]
}

// lines returns the values Fingerprint hashes in the order of their paths:
// of values with the same path the last added (as Flatten's map keeps it),
// without the empty values that have no error.
func (w *fingerprintWriter) lines() []fingerprintItem {
	slices.SortFunc(w.items, func(a, b fingerprintItem) int {
		if c := bytes.Compare(w.key(a), w.key(b)); c != 0 {
			return c
		}
		return int(a.i) - int(b.i)
	})
	out := w.items[:0]
	for i, e := range w.items {
		if i+1 < len(w.items) && bytes.Equal(w.key(e), w.key(w.items[i+1])) {
			continue
		}
		if v := &w.vals[e.i]; !v.Empty() || v.Error != "" {
			out = append(out, e)
		}
	}
	return out
}

// appendCanonical appends canonical(*v) — the value's JSON without its
// cell, its raw text trimmed — written as encoding/json writes a Value:
// its fields in order, the omitempty ones left out when empty, strings
// escaped for HTML, numbers as ES6 writes them. A NaN or infinite number,
// which encoding/json refuses, leaves the value out (canonical is "").
func appendCanonical(b []byte, v *Value) []byte {
	if !jsonNumber(v.Number) || !jsonNumber(v.Weight) {
		return b
	}
	b = appendJSONString(append(b, `{"type":`...), string(v.Type))
	b = appendJSONString(append(b, `,"raw":`...), strings.TrimSpace(v.Raw))
	b = append(b, `,"cell":""`...)
	if v.Text != "" {
		b = appendJSONString(append(b, `,"text":`...), v.Text)
	}
	if v.Number != nil {
		b = appendJSONFloat(append(b, `,"number":`...), *v.Number)
	}
	if v.Unit != "" {
		b = appendJSONString(append(b, `,"unit":`...), v.Unit)
	}
	if v.Op != "" {
		b = appendJSONString(append(b, `,"op":`...), v.Op)
	}
	if v.Approx {
		b = append(b, `,"approx":true`...)
	}
	if v.Qualitative {
		b = append(b, `,"qualitative":true`...)
	}
	if v.Tier != "" {
		b = appendJSONString(append(b, `,"tier":`...), v.Tier)
	}
	if v.Weight != nil {
		b = appendJSONFloat(append(b, `,"weight":`...), *v.Weight)
	}
	if v.Error != "" {
		b = appendJSONString(append(b, `,"error":`...), v.Error)
	}
	return append(b, '}')
}

// jsonNumber reports whether encoding/json writes *f (nil: nothing to write).
func jsonNumber(f *float64) bool {
	return f == nil || !math.IsInf(*f, 0) && !math.IsNaN(*f)
}

// appendJSONFloat appends f as encoding/json writes a float64.
func appendJSONFloat(b []byte, f float64) []byte {
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

// appendJSONString appends s quoted as encoding/json writes a string with
// HTML escaping: ", \ and control characters escaped, <, > and & as
// \u003c..., invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	valid := utf8.ValidString(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf && valid {
			// Valid UTF-8: only U+2028 and U+2029 (E2 80 A8/A9) are escaped.
			if c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9) {
				b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xf])
				i += 3
				start = i
				continue
			}
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
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
