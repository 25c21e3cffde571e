package mapping

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/internal/jsonenc"
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
	b = jsonenc.AppendString(append(b, `{"type":`...), string(v.Type))
	b = jsonenc.AppendString(append(b, `,"raw":`...), strings.TrimSpace(v.Raw))
	b = append(b, `,"cell":""`...)
	if v.Text != "" {
		b = jsonenc.AppendString(append(b, `,"text":`...), v.Text)
	}
	if v.Number != nil {
		b = jsonenc.AppendFloat(append(b, `,"number":`...), *v.Number)
	}
	if v.Unit != "" {
		b = jsonenc.AppendString(append(b, `,"unit":`...), v.Unit)
	}
	if v.Op != "" {
		b = jsonenc.AppendString(append(b, `,"op":`...), v.Op)
	}
	if v.Approx {
		b = append(b, `,"approx":true`...)
	}
	if v.Qualitative {
		b = append(b, `,"qualitative":true`...)
	}
	if v.Tier != "" {
		b = jsonenc.AppendString(append(b, `,"tier":`...), v.Tier)
	}
	if v.Weight != nil {
		b = jsonenc.AppendFloat(append(b, `,"weight":`...), *v.Weight)
	}
	if v.Error != "" {
		b = jsonenc.AppendString(append(b, `,"error":`...), v.Error)
	}
	return append(b, '}')
}

// jsonNumber reports whether encoding/json writes *f (nil: nothing to write).
func jsonNumber(f *float64) bool {
	return f == nil || !math.IsInf(*f, 0) && !math.IsNaN(*f)
}
