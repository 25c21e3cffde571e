package mapping

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
)

// Row is one row of a repeating table: its sheet row and its values by
// column name. Read its values with Value, Lookup, All and Map; build one
// with NewRow and Set. Its JSON is {"row": N, "values": {NAME: Value}}.
//
// A table read by Extract keeps its rows compact (issue 12, a sheet of
// 100,000 indicator rows): each value is a slot of a slice shared by the
// table's rows, its column taken from the table's column order, its cell
// kept as row and column and named "Sheet!A1" when it is read. A row built
// with NewRow, changed with Set or decoded from JSON holds a map.
type Row struct {
	// Row is the 1-based sheet row number.
	Row int

	cols  *rowCols         // compact rows: the table's columns and what slots refer to
	slots []slot           // compact rows: one per column of cols
	m     map[string]Value // the other rows; nil with cols nil: no values (JSON null)
}

// NewRow returns a row of sheet row row (1-based) holding values; the map
// is the row's own from then on.
func NewRow(row int, values map[string]Value) Row {
	return Row{Row: row, m: values}
}

// Value returns the value of column name, or the zero Value when the row
// has none.
func (r Row) Value(name string) Value {
	v, _ := r.Lookup(name)
	return v
}

// Lookup returns the value of column name and whether the row has one.
func (r Row) Lookup(name string) (Value, bool) {
	if r.cols == nil {
		v, ok := r.m[name]
		return v, ok
	}
	i := r.cols.index(name)
	if i < 0 || r.slots[i].typ == 0 {
		return Value{}, false
	}
	return r.cols.value(&r.slots[i], true), true
}

// Peek is Lookup without the value's cell: Value.Cell is empty for a row
// read by Extract, whose cells are named only when asked for. It is for
// reading many values where their place does not matter (the records
// stores' columns of every row).
func (r Row) Peek(name string) (Value, bool) {
	if r.cols == nil {
		v, ok := r.m[name]
		return v, ok
	}
	i := r.cols.index(name)
	if i < 0 || r.slots[i].typ == 0 {
		return Value{}, false
	}
	return r.cols.value(&r.slots[i], false), true
}

// get is Value without the value's cell (Value.Cell is empty for a compact
// row): for reading values where their place does not matter.
func (r Row) get(name string) Value {
	v, _ := r.Peek(name)
	return v
}

// each calls f with the row's columns and values, without the values'
// cells for a compact row (as get).
func (r Row) each(f func(name string, v Value)) {
	if r.cols == nil {
		for k, v := range r.m {
			f(k, v)
		}
		return
	}
	for i, name := range r.cols.names {
		if r.slots[i].typ != 0 {
			f(name, r.cols.value(&r.slots[i], false))
		}
	}
}

// Has reports whether the row has a value in column name.
func (r Row) Has(name string) bool {
	if r.cols == nil {
		_, ok := r.m[name]
		return ok
	}
	i := r.cols.index(name)
	return i >= 0 && r.slots[i].typ != 0
}

// Len returns how many values the row holds.
func (r Row) Len() int {
	if r.cols == nil {
		return len(r.m)
	}
	n := 0
	for i := range r.slots {
		if r.slots[i].typ != 0 {
			n++
		}
	}
	return n
}

// All yields the row's columns and values: a row read by Extract in its
// table's column order, another in the order of the column names.
func (r Row) All() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		if r.cols == nil {
			for _, k := range r.Names() {
				if !yield(k, r.m[k]) {
					return
				}
			}
			return
		}
		for i, name := range r.cols.names {
			if r.slots[i].typ == 0 {
				continue
			}
			if !yield(name, r.cols.value(&r.slots[i], true)) {
				return
			}
		}
	}
}

// Names returns the names of the columns the row has values in, in the
// order All yields them.
func (r Row) Names() []string {
	if r.cols == nil {
		names := make([]string, 0, len(r.m))
		for k := range r.m {
			names = append(names, k)
		}
		slices.Sort(names)
		return names
	}
	names := make([]string, 0, len(r.slots))
	for i, name := range r.cols.names {
		if r.slots[i].typ != 0 {
			names = append(names, name)
		}
	}
	return names
}

// Map returns the row's values in a new map (nil for a row without
// values): changing it does not change the row.
func (r Row) Map() map[string]Value {
	if r.cols == nil {
		if r.m == nil {
			return nil
		}
		m := make(map[string]Value, len(r.m))
		for k, v := range r.m {
			m[k] = v
		}
		return m
	}
	m := make(map[string]Value, len(r.slots))
	for k, v := range r.All() {
		m[k] = v
	}
	return m
}

// Set sets the value of column name. A compact row becomes a row of its
// own holding a map: the rows it shared its slots with do not change.
func (r *Row) Set(name string, v Value) {
	if r.cols != nil {
		r.m, r.cols, r.slots = r.Map(), nil, nil
	}
	if r.m == nil {
		r.m = map[string]Value{}
	}
	r.m[name] = v
}

// rowJSON is a row's JSON.
type rowJSON struct {
	Row    int              `json:"row"`
	Values map[string]Value `json:"values"`
}

// MarshalJSON writes the row as {"row": N, "values": {...}}, the values by
// column name in the order of the names, as encoding/json writes a map.
func (r Row) MarshalJSON() ([]byte, error) {
	if r.cols == nil {
		return json.Marshal(rowJSON{Row: r.Row, Values: r.m})
	}
	b := append(make([]byte, 0, 64+200*len(r.slots)), `{"row":`...)
	b = strconv.AppendInt(b, int64(r.Row), 10)
	b = append(b, `,"values":{`...)
	names := r.Names()
	slices.Sort(names)
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(name)
		if err != nil {
			return nil, fmt.Errorf("encode row %d: %w", r.Row, err)
		}
		v, err := json.Marshal(r.Value(name))
		if err != nil {
			return nil, fmt.Errorf("encode row %d: %s: %w", r.Row, name, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, "}}"...), nil
}

// UnmarshalJSON reads a row written by MarshalJSON (or by the versions
// before compact rows, which wrote the same JSON).
func (r *Row) UnmarshalJSON(b []byte) error {
	var j rowJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Row{Row: j.Row, m: j.Values}
	return nil
}

// slot is one value of a compact row: a Value without its cell name, its
// strings and pointers folded into 40 bytes. A value that does not fit (an
// error, a unit or comparison beyond the usual ones, both a number and a
// weight) is kept whole in rowCols.full.
type slot struct {
	raw  string  // Value.Raw
	num  float64 // Value.Number, or Value.Weight with slotWeight
	row  uint32  // the cell's 1-based row (0: no cell); the index in rowCols.full with typFull
	col  uint16  // the cell's 0-based column
	toff uint16  // Value.Text is raw[toff : toff+tlen]
	tlen uint16
	typ  uint8 // 0: no value; an index in slotTypes + 1; typFull
	bits uint8 // slotNumber, slotWeight, slotApprox, slotQualitative
	unit uint8 // 0: none; an index in rowCols.units + 1
	op   uint8 // an index in slotOps
	tier uint8 // an index in slotTiers
}

// The bits of slot.bits.
const (
	slotNumber = 1 << iota
	slotWeight
	slotApprox
	slotQualitative
)

// typFull marks a slot whose value is kept whole.
const typFull = 0xff

var (
	slotTypes = []Type{TypeText, TypeAmount, TypePercent, TypeCount, TypeDate, TypeIndicator, TypeScore, TypeNumber, TypeHeading}
	slotOps   = []string{"", ">=", ">", "=", "<", "<="}
	slotTiers = []string{"", "达成", "部分达成", "未达成"}
)

// rowCols is what the compact rows of one table share: its column names,
// the sheet of their cells, the units and the values kept whole. It is
// only added to while the table is read.
type rowCols struct {
	names []string
	sheet string
	units []string
	full  []Value
	// chunk is where the next rows' slots are taken from; chunkRows is
	// how many rows the last chunk held (16, doubling to 256: a form's
	// table has a few rows, a consolidated sheet's thousands).
	chunk     []slot
	chunkRows int
}

// index returns the slot of column name, or -1.
func (rc *rowCols) index(name string) int {
	for i, n := range rc.names {
		if n == name {
			return i
		}
	}
	return -1
}

// value returns the Value of s, with its cell named when cell is set.
func (rc *rowCols) value(s *slot, cell bool) Value {
	if s.typ == typFull {
		v := rc.full[s.row]
		if !cell {
			v.Cell = ""
		}
		return v
	}
	v := Value{Type: slotTypes[s.typ-1], Raw: s.raw, Op: slotOps[s.op], Tier: slotTiers[s.tier],
		Approx: s.bits&slotApprox != 0, Qualitative: s.bits&slotQualitative != 0}
	if s.tlen > 0 {
		v.Text = s.raw[s.toff : int(s.toff)+int(s.tlen)]
	}
	if s.unit > 0 {
		v.Unit = rc.units[s.unit-1]
	}
	switch {
	case s.bits&slotNumber != 0:
		v.Number = &s.num
	case s.bits&slotWeight != 0:
		v.Weight = &s.num
	}
	if cell && s.row > 0 {
		v.Cell = rc.ref(int(s.row)-1, int(s.col))
	}
	return v
}

// ref names a cell of the table's sheet as Sheet!A1.
func (rc *rowCols) ref(r, c int) string {
	b := make([]byte, 0, len(rc.sheet)+12)
	b = append(b, rc.sheet...)
	b = append(b, '!')
	return string(CellAt{Row: r + 1, Col: c}.AppendA1(b))
}

// CellAt is where a value of a row read by Extract is: its sheet, 1-based
// row and 0-based column (see Row.AllAt).
type CellAt struct {
	Sheet string
	Row   int // 0: not given (Value.Cell names the cell, if any)
	Col   int
}

// AppendA1 appends the cell's column letters and row number, the name of
// the cell on its sheet (Value.Cell is Sheet!A1).
func (c CellAt) AppendA1(b []byte) []byte {
	var col [8]byte
	i := len(col)
	for n := c.Col + 1; n > 0; n = (n - 1) / 26 {
		i--
		col[i] = byte('A' + (n-1)%26)
	}
	b = append(b, col[i:]...)
	return strconv.AppendInt(b, int64(c.Row), 10)
}

// Placed is a value of a row and where it is (see Row.AllAt).
type Placed struct {
	Value
	At CellAt
}

// AllAt yields the row's columns and values as All does, the values of a
// row read by Extract without their Cell but with where they are in At,
// the others with their Cell and At.Row 0: for writers of many values
// (the stored documents), which spares naming every cell in a string of
// its own.
func (r Row) AllAt() iter.Seq2[string, Placed] {
	return func(yield func(string, Placed) bool) {
		if r.cols == nil {
			for k, v := range r.All() {
				if !yield(k, Placed{Value: v}) {
					return
				}
			}
			return
		}
		for i, name := range r.cols.names {
			s := &r.slots[i]
			if s.typ == 0 {
				continue
			}
			p := Placed{Value: r.cols.value(s, s.typ == typFull)}
			if s.typ != typFull && s.row > 0 {
				p.At = CellAt{Sheet: r.cols.sheet, Row: int(s.row), Col: int(s.col)}
			}
			if !yield(name, p) {
				return
			}
		}
	}
}

// newRow returns a compact row of sheet row row (1-based) without values.
func (rc *rowCols) newRow(row int) Row {
	n := len(rc.names)
	if len(rc.chunk) < n {
		rc.chunkRows = min(max(2*rc.chunkRows, 16), 256)
		rc.chunk = make([]slot, rc.chunkRows*n)
	}
	s := rc.chunk[:n:n]
	rc.chunk = rc.chunk[n:]
	return Row{Row: row, cols: rc, slots: s}
}

// set stores v, found at (r, c) (0-based; r < 0: nowhere), as the value of
// column i of row. v.Cell is not read: the slot names the cell.
func (rc *rowCols) set(row Row, i int, v Value, r, c int) {
	s := slot{raw: v.Raw}
	if rc.encode(&s, v, r, c) {
		row.slots[i] = s
		return
	}
	if r >= 0 {
		v.Cell = rc.ref(r, c)
	}
	rc.full = append(rc.full, v)
	row.slots[i] = slot{typ: typFull, row: uint32(len(rc.full) - 1)}
}

// encode folds v into s, reporting whether it fits.
func (rc *rowCols) encode(s *slot, v Value, r, c int) bool {
	t := slices.Index(slotTypes, v.Type)
	op := slices.Index(slotOps, v.Op)
	tier := slices.Index(slotTiers, v.Tier)
	if t < 0 || op < 0 || tier < 0 || v.Error != "" || v.Number != nil && v.Weight != nil ||
		r >= 1<<32-1 || c >= 1<<16 || len(v.Raw) >= 1<<16 {
		return false
	}
	s.typ, s.op, s.tier = uint8(t+1), uint8(op), uint8(tier)
	if r >= 0 {
		s.row, s.col = uint32(r+1), uint16(c)
	}
	if v.Text != "" {
		off := strings.Index(v.Raw, v.Text)
		if off < 0 {
			return false
		}
		s.toff, s.tlen = uint16(off), uint16(len(v.Text))
	}
	if v.Unit != "" {
		u := slices.Index(rc.units, v.Unit)
		if u < 0 {
			if len(rc.units) == 0xff {
				return false
			}
			rc.units = append(rc.units, v.Unit)
			u = len(rc.units) - 1
		}
		s.unit = uint8(u + 1)
	}
	switch {
	case v.Number != nil:
		s.num, s.bits = *v.Number, s.bits|slotNumber
	case v.Weight != nil:
		s.num, s.bits = *v.Weight, s.bits|slotWeight
	}
	if v.Approx {
		s.bits |= slotApprox
	}
	if v.Qualitative {
		s.bits |= slotQualitative
	}
	return true
}
