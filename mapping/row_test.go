package mapping

import (
	"encoding/json"
	"reflect"
	"testing"
)

// rowsForm has a value of every kind a compact row keeps in a slot or
// whole: headings with and without a weight, a qualitative actual with a
// tier, an approximate count, an unreadable score (an error), a merged
// 一级指标 filled down and an empty 二级指标.
const rowsForm = `项目名称|救助
绩效指标|一级指标|二级指标|三级指标|年度指标值|实际完成值|得分
|产出指标（60分）|数量指标|救助人次|≥100人次|约120人次|10
|||巡查次数|不低于12次|12次|十分
||质量指标| 收治率 |优|良|9.5
|效益指标||社会稳定|提升|部分达成|
总分||||||50`

// TestCompactRowsReadAsMaps: the rows Extract keeps compact read, and
// encode to JSON, exactly as rows holding the same values in a map;
// a row whose value differs does not.
func TestCompactRowsReadAsMaps(t *testing.T) {
	rows, _ := readRows(t, rowsForm, Range{Top: 2, Left: 1, Bottom: 3, Right: 1})
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	if rows[0].cols == nil {
		t.Fatal("Extract's rows are not compact")
	}
	for i, r := range rows {
		m := r.Map()
		plain := NewRow(r.Row, m)
		if r.Len() != len(m) || !reflect.DeepEqual(r.Names(), []string{"level1", "level2", "level3", "target", "actual", "score"}) {
			t.Errorf("row %d: %d values, names %v", i, r.Len(), r.Names())
		}
		for name, want := range m {
			if got, ok := r.Lookup(name); !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("row %d %s = %+v, want %+v", i, name, got, want)
			}
			if got, ok := plain.Lookup(name); !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("map row %d %s = %+v, want %+v", i, name, got, want)
			}
			if got := r.get(name); got.Cell != "" || got.Raw != want.Raw {
				t.Errorf("row %d %s without its cell = %+v", i, name, got)
			}
			bare := want
			bare.Cell = ""
			if got, ok := r.Peek(name); !ok || !reflect.DeepEqual(got, bare) {
				t.Errorf("row %d %s peeked = %+v, want %+v", i, name, got, bare)
			}
			if got, ok := plain.Peek(name); !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("map row %d %s peeked = %+v, want %+v", i, name, got, want)
			}
		}
		n := 0
		for name, p := range r.AllAt() {
			n++
			cell := p.Cell
			if p.At.Row > 0 {
				if p.Cell != "" {
					t.Errorf("row %d %s: cell %q and place %+v", i, name, p.Cell, p.At)
				}
				cell = string(p.At.AppendA1([]byte(p.At.Sheet + "!")))
			}
			p.Value.Cell = cell
			if !reflect.DeepEqual(p.Value, m[name]) {
				t.Errorf("row %d %s placed = %+v at %+v, want %+v", i, name, p.Value, p.At, m[name])
			}
		}
		for name, p := range plain.AllAt() {
			if p.At != (CellAt{}) || !reflect.DeepEqual(p.Value, m[name]) {
				t.Errorf("map row %d %s placed = %+v at %+v, want %+v", i, name, p.Value, p.At, m[name])
			}
		}
		if n != len(m) {
			t.Errorf("row %d: %d values placed, want %d", i, n, len(m))
		}
		a, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(plain)
		if string(a) != string(b) {
			t.Errorf("row %d encodes as\n%s\nwant\n%s", i, a, b)
		}
		var back Row
		if err := json.Unmarshal(a, &back); err != nil || !reflect.DeepEqual(back.Map(), m) || back.Row != r.Row {
			t.Errorf("row %d decodes as %+v (%v)", i, back, err)
		}
		other := NewRow(r.Row, r.Map())
		other.Set("score", Value{Type: TypeScore, Raw: "1"})
		if c, _ := json.Marshal(other); string(c) == string(a) {
			t.Errorf("row %d with another score encodes alike", i)
		}
	}
	r := rows[1]
	if v := r.Value("level1"); v.Cell != "表!B3" || v.Text != "产出指标" || v.Weight == nil || *v.Weight != 60 {
		t.Errorf("filled-down 一级指标 = %+v", v)
	}
	if v := r.Value("score"); v.Error == "" || v.Cell != "表!G4" {
		t.Errorf("unreadable score = %+v", v)
	}
	if v := rows[0].Value("actual"); !v.Approx || v.Unit != "人次" || v.Number == nil || *v.Number != 120 {
		t.Errorf("approximate actual = %+v", v)
	}
	if v := rows[2].Value("level3"); v.Text != "收治率" || v.Raw != " 收治率 " || v.Cell != "表!D5" {
		t.Errorf("trimmed text = %+v", v)
	}
	if v := rows[3].Value("actual"); v.Tier != "部分达成" || !v.Qualitative {
		t.Errorf("tier = %+v", v)
	}
	if _, ok := r.Peek("weight"); ok {
		t.Error("a column the table does not have is peeked")
	}
	if _, ok := r.Lookup("weight"); ok || r.Has("weight") || r.Value("weight") != (Value{}) {
		t.Error("a column the table does not have has a value")
	}
}

// TestRowSetKeepsOtherRows: setting a value of a compact row changes that
// row only, not the rows sharing its table's storage.
func TestRowSetKeepsOtherRows(t *testing.T) {
	rows, _ := readRows(t, tableForm)
	copyRow := rows[0]
	rows[0].Set("level3", Value{Type: TypeText, Raw: "新", Text: "新"})
	if got := rows[0].Value("level3").Text; got != "新" {
		t.Errorf("set level3 reads %q", got)
	}
	if got := copyRow.Value("level3").Text; got != "救助人次" {
		t.Errorf("a copy of the row reads %q after Set", got)
	}
	if got := rows[1].Value("level3").Text; got != "巡查次数" {
		t.Errorf("the next row reads %q after Set", got)
	}
	if rows[0].Len() != 6 || rows[0].Value("target").Raw != "≥100" {
		t.Errorf("the set row lost its other values: %+v", rows[0].Map())
	}
}

// TestRowWithoutValuesEncodesNull: a row without values encodes its values
// as null, as a row whose map was nil did; an empty map as {}.
func TestRowWithoutValuesEncodesNull(t *testing.T) {
	for _, c := range []struct {
		row  Row
		want string
	}{
		{Row{Row: 3}, `{"row":3,"values":null}`},
		{NewRow(3, map[string]Value{}), `{"row":3,"values":{}}`},
	} {
		if b, err := json.Marshal(c.row); err != nil || string(b) != c.want {
			t.Errorf("%+v encodes as %s (%v), want %s", c.row, b, err, c.want)
		}
	}
}

// TestCompactRowsGrowWithTable: the slots of a table's compact rows are
// taken in chunks that grow with the table, so a short table does not
// hold the slots of 256 rows and a long one never holds spare slots
// for more than twice the rows it has (or 16 rows).
func TestCompactRowsGrowWithTable(t *testing.T) {
	rows, _ := readRows(t, rowsForm, Range{Top: 2, Left: 1, Bottom: 3, Right: 1})
	rc := rows[0].cols
	if spare := len(rc.chunk) / len(rc.names); len(rows)+spare > 16 {
		t.Errorf("a table of %d rows holds slots for %d more", len(rows), spare)
	}
	rc = &rowCols{names: make([]string, 3)}
	for made := 1; made <= 1000; made++ {
		rc.newRow(made)
		if spare := len(rc.chunk) / len(rc.names); spare > max(2*made, 16) || spare >= 256 {
			t.Fatalf("after %d rows: slots for %d more", made, spare)
		}
	}
}
