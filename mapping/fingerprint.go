package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Flatten lists every value of a result by path — fields.NAME,
// blocks.B[i].fields.NAME, tables.T[r].COL, blocks.B[i].tables.T[r].COL — so
// that two results can be compared field by field whatever their layout.
func (r *Result) Flatten() map[string]Value {
	out := map[string]Value{}
	fields := func(prefix string, vals map[string]Value) {
		for k, v := range vals {
			out[prefix+k] = v
		}
	}
	tables := func(prefix string, ts map[string][]Row) {
		for name, rows := range ts {
			for i, row := range rows {
				p := fmt.Sprintf("%s%s[%d].", prefix, name, i)
				for k, v := range row.All() {
					out[p+k] = v
				}
			}
		}
	}
	fields("fields.", r.Fields)
	tables("tables.", r.Tables)
	for name, insts := range r.Blocks {
		for i, b := range insts {
			p := fmt.Sprintf("blocks.%s[%d].", name, i)
			fields(p+"fields.", b.Fields)
			tables(p+"tables.", b.Tables)
		}
	}
	return out
}

// canonical is a value without where it was found: what a round trip keeps.
func canonical(v Value) string {
	v.Cell = ""
	v.Raw = strings.TrimSpace(v.Raw)
	b, _ := json.Marshal(v)
	return string(b)
}

// Fingerprint is a hash of the result's normalised data, independent of
// cells, rows and layout: equal for a workbook and its regenerated copy.
//
// It hashes "TEMPLATE@VERSION\n" and then, in the order of their paths
// (see Flatten), one line "PATH=CANONICAL\n" for each value that is not
// empty or has an error, CANONICAL being the value's JSON as
// encoding/json writes it without its cell and with its raw text trimmed.
// Stored revisions are compared by it, so it must not change: the lines
// are written straight into the hash (fingerprintWriter) without the
// flattened map, and TestExampleFingerprints and TestFingerprintMatchesJSON
// pin them.
func (r *Result) Fingerprint() string {
	var w fingerprintWriter
	w.collect(r)
	h := sha256.New()
	b := make([]byte, 0, 4096)
	b = append(append(append(append(b, r.Template...), '@'), r.Version...), '\n')
	for _, e := range w.lines() {
		b = append(append(b, w.key(e)...), '=')
		b = appendCanonical(b, &w.vals[e.i])
		b = append(b, '\n')
		if len(b) >= 3072 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// Change is one field-level difference between two results.
type Change struct {
	// Path names the value (see Flatten).
	Path string `json:"path"`
	// Old and New are the raw texts; Kind is added, removed or changed.
	Old  string `json:"old"`
	New  string `json:"new"`
	Kind string `json:"kind"`
	// OldCell and NewCell are where they were found.
	OldCell string `json:"old_cell,omitempty"`
	NewCell string `json:"new_cell,omitempty"`
}

// Diff lists the values that differ between a and b (normalised values,
// not cells), sorted by path.
func Diff(a, b *Result) []Change {
	fa, fb := a.Flatten(), b.Flatten()
	var out []Change
	for k, va := range fa {
		vb, ok := fb[k]
		switch {
		case !ok && !va.Empty():
			out = append(out, Change{Path: k, Old: va.Raw, Kind: "removed", OldCell: va.Cell})
		case ok && canonical(va) != canonical(vb) && !(va.Empty() && vb.Empty()):
			out = append(out, Change{Path: k, Old: va.Raw, New: vb.Raw, Kind: "changed", OldCell: va.Cell, NewCell: vb.Cell})
		}
	}
	for k, vb := range fb {
		if _, ok := fa[k]; !ok && !vb.Empty() {
			out = append(out, Change{Path: k, New: vb.Raw, Kind: "added", NewCell: vb.Cell})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
