package doc

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/internal/jsonenc"
	"github.com/jxsync/jxsync/mapping"
)

// errUnusual stops appendResult at what it does not write itself (a string
// to escape, a number JSON has not): Encode then leaves the whole document
// to encoding/json.
var errUnusual = errors.New("unusual value")

// appendResult appends the JSON of res, byte for byte what json.Marshal
// writes (fields in their order, map keys sorted, HTML characters
// escaped), without reflection: the document of every revision an import
// stores is written here.
func appendResult(b []byte, res *mapping.Result) ([]byte, error) {
	var err error
	b = append(b, `{"template":`...)
	b = appendString(b, res.Template, &err)
	b = append(b, `,"version":`...)
	b = appendString(b, res.Version, &err)
	if res.File != "" {
		b = append(b, `,"file":`...)
		b = appendString(b, res.File, &err)
	}
	b = append(b, `,"sheet":`...)
	b = appendString(b, res.Sheet, &err)
	b = append(b, `,"fields":`...)
	b = appendValues(b, res.Fields, &err)
	b = append(b, `,"tables":`...)
	sc := new(rowScratch) // shared by the document's tables
	b = appendTables(b, res.Tables, sc, &err)
	if len(res.Blocks) > 0 {
		b = append(b, `,"blocks":{`...)
		for i, k := range slices.Sorted(maps.Keys(res.Blocks)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k, &err)
			b = append(b, ':')
			insts := res.Blocks[k]
			if insts == nil {
				b = append(b, "null"...)
				continue
			}
			b = append(b, '[')
			for j, inst := range insts {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"row":`...)
				b = strconv.AppendInt(b, int64(inst.Row), 10)
				b = append(b, `,"fields":`...)
				b = appendValues(b, inst.Fields, &err)
				b = append(b, `,"tables":`...)
				b = appendTables(b, inst.Tables, sc, &err)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	if len(res.Problems) > 0 {
		b = append(b, `,"problems":[`...)
		for i, p := range res.Problems {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"code":`...)
			b = appendString(b, p.Code, &err)
			b = append(b, `,"path":`...)
			b = appendString(b, p.Path, &err)
			if p.Cell != "" {
				b = append(b, `,"cell":`...)
				b = appendString(b, p.Cell, &err)
			}
			b = append(b, `,"message":`...)
			b = appendString(b, p.Message, &err)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(res.Uncached) > 0 {
		b = append(b, `,"uncached":[`...)
		for i, s := range res.Uncached {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s, &err)
		}
		b = append(b, ']')
	}
	if len(res.Props) > 0 {
		b = append(b, `,"props":{`...)
		for i, k := range slices.Sorted(maps.Keys(res.Props)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k, &err)
			b = append(b, ':')
			b = appendString(b, res.Props[k], &err)
		}
		b = append(b, '}')
	}
	return append(b, '}'), err
}

// appendValues appends a map of values (null when nil).
func appendValues(b []byte, m map[string]mapping.Value, err *error) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k, err)
		b = append(b, ':')
		v := m[k]
		b = appendValue(b, &v, err)
	}
	return append(b, '}')
}

// appendTables appends a map of tables (null when nil).
func appendTables(b []byte, m map[string][]mapping.Row, sc *rowScratch, err *error) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k, err)
		b = append(b, ':')
		rows := m[k]
		if rows == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for j, r := range rows {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendRow(b, r, sc, err)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

type namedValue struct {
	name string
	v    mapping.Placed
}

// rowScratch is what appendRow reuses from row to row: the values of the
// row, the order of their names sorted with the names it was computed for
// (a table's rows mostly yield the same columns in turn), and the JSON of
// the last sheet named in a cell without its closing quote.
type rowScratch struct {
	vals        []namedValue
	names       []string
	order       []int
	sheet       string
	quotedSheet []byte
}

// sorted returns the indexes of sc.vals in the order of their names.
func (sc *rowScratch) sorted() []int {
	if len(sc.names) == len(sc.vals) {
		same := true
		for i := range sc.vals {
			if sc.vals[i].name != sc.names[i] {
				same = false
				break
			}
		}
		if same {
			return sc.order
		}
	}
	sc.names, sc.order = sc.names[:0], sc.order[:0]
	for i := range sc.vals {
		sc.names = append(sc.names, sc.vals[i].name)
		sc.order = append(sc.order, i)
	}
	slices.SortFunc(sc.order, func(x, y int) int { return strings.Compare(sc.names[x], sc.names[y]) })
	return sc.order
}

// appendRow appends a row as Row.MarshalJSON writes it.
func appendRow(b []byte, r mapping.Row, sc *rowScratch, err *error) []byte {
	b = append(b, `{"row":`...)
	b = strconv.AppendInt(b, int64(r.Row), 10)
	b = append(b, `,"values":`...)
	if r.Len() == 0 && r.Map() == nil {
		return append(b, "null}"...)
	}
	sc.vals = sc.vals[:0]
	for k, v := range r.AllAt() {
		sc.vals = append(sc.vals, namedValue{k, v})
	}
	b = append(b, '{')
	for i, j := range sc.sorted() {
		if i > 0 {
			b = append(b, ',')
		}
		nv := &sc.vals[j]
		b = appendString(b, nv.name, err)
		b = append(b, ':')
		b = appendValueAt(b, &nv.v.Value, &nv.v.At, sc, err)
	}
	return append(b, "}}"...)
}

// appendValue appends a value as encoding/json writes mapping.Value.
func appendValue(b []byte, v *mapping.Value, err *error) []byte {
	return appendValueAt(b, v, &mapping.CellAt{}, nil, err)
}

// appendValueAt appends a value whose cell is at (at.Row 0: v.Cell) as
// encoding/json writes mapping.Value with the cell named. sc keeps the JSON
// of the sheet from cell to cell.
func appendValueAt(b []byte, v *mapping.Value, at *mapping.CellAt, sc *rowScratch, err *error) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, string(v.Type), err)
	b = append(b, `,"raw":`...)
	b = appendString(b, v.Raw, err)
	b = append(b, `,"cell":`...)
	if at.Row > 0 {
		// "Sheet!A1": the sheet quoted as a string of its own, then
		// what needs no escaping.
		if sc.quotedSheet == nil || sc.sheet != at.Sheet {
			sc.sheet = at.Sheet
			sc.quotedSheet = appendString(sc.quotedSheet[:0], at.Sheet, err)
			sc.quotedSheet = sc.quotedSheet[:len(sc.quotedSheet)-1]
		}
		b = append(b, sc.quotedSheet...)
		b = append(b, '!')
		b = append(at.AppendA1(b), '"')
	} else {
		b = appendString(b, v.Cell, err)
	}
	if v.Text != "" {
		b = append(b, `,"text":`...)
		b = appendString(b, v.Text, err)
	}
	if v.Number != nil {
		b = append(b, `,"number":`...)
		b = appendFloat(b, *v.Number, err)
	}
	if v.Unit != "" {
		b = append(b, `,"unit":`...)
		b = appendString(b, v.Unit, err)
	}
	if v.Op != "" {
		b = append(b, `,"op":`...)
		b = appendString(b, v.Op, err)
	}
	if v.Approx {
		b = append(b, `,"approx":true`...)
	}
	if v.Qualitative {
		b = append(b, `,"qualitative":true`...)
	}
	if v.Tier != "" {
		b = append(b, `,"tier":`...)
		b = appendString(b, v.Tier, err)
	}
	if v.Weight != nil {
		b = append(b, `,"weight":`...)
		b = appendFloat(b, *v.Weight, err)
	}
	if v.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, v.Error, err)
	}
	return append(b, '}')
}

// appendString appends s as encoding/json writes a string (see
// jsonenc.AppendString).
func appendString(b []byte, s string, _ *error) []byte {
	return jsonenc.AppendString(b, s)
}

// appendFloat appends f as encoding/json writes a float64.
func appendFloat(b []byte, f float64, err *error) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		*err = errUnusual
		return b
	}
	return jsonenc.AppendFloat(b, f)
}
