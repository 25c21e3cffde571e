package template

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// variant rewrites a filled example the way an agency would type it into its
// own copy of the form. orig is the extraction of the unmodified example.
type variant struct {
	name string
	edit func(f *excelize.File, sheet string, t *mapping.Template, orig *mapping.Result) error
	// expect turns the original extraction into what the variant must give.
	expect func(orig *mapping.Result) *mapping.Result
}

var variants = []variant{
	{name: "moved", edit: moveForm, expect: same},
	{name: "notitle", edit: removeTitle, expect: withoutRow1Fields},
	{name: "typed", edit: typeAsText, expect: same},
	{name: "deleted", edit: deleteLastRow, expect: withoutLastRow},
}

func same(r *mapping.Result) *mapping.Result { return r }

// moveForm inserts two rows on top and a column on the left, renames the
// sheet and puts an instructions sheet before it.
func moveForm(f *excelize.File, sheet string, _ *mapping.Template, _ *mapping.Result) error {
	if err := f.InsertRows(sheet, 1, 2); err != nil {
		return err
	}
	if err := f.SetCellStr(sheet, "B1", "填表说明：请勿修改表格结构"); err != nil {
		return err
	}
	if err := f.InsertCols(sheet, "A", 1); err != nil {
		return err
	}
	if err := f.SetSheetName(sheet, "Sheet1"); err != nil {
		return err
	}
	if _, err := f.NewSheet("填表说明"); err != nil {
		return err
	}
	if err := f.SetCellStr("填表说明", "A1", "单位名称、年度请如实填写"); err != nil {
		return err
	}
	return f.MoveSheet("填表说明", "Sheet1")
}

// removeTitle deletes the title row.
func removeTitle(f *excelize.File, sheet string, _ *mapping.Template, _ *mapping.Result) error {
	return f.RemoveRow(sheet, 1)
}

// typeAsText rewrites numbers as text the way people type them (amounts
// with 万元 and thousands separators, scores with 分) and breaks every label
// and header of the mapping over two lines.
func typeAsText(f *excelize.File, sheet string, t *mapping.Template, orig *mapping.Result) error {
	retype := func(v mapping.Value) error {
		if v.Number == nil || v.Error != "" || v.Cell == "" {
			return nil
		}
		_, ref, _ := strings.Cut(v.Cell, "!")
		if ty, err := f.GetCellType(sheet, ref); err != nil || ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
			return err
		}
		raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil || raw != v.Raw {
			return err // the number is part of a longer text; leave it
		}
		var s string
		switch v.Type {
		case mapping.TypeAmount:
			s = thousands(*v.Number) + v.Unit
		case mapping.TypeScore:
			s = mapping.FormatNumber(*v.Number) + "分"
		default:
			return nil
		}
		return f.SetCellStr(sheet, ref, s)
	}
	for _, v := range orig.Fields {
		if err := retype(v); err != nil {
			return err
		}
	}
	eachRow(orig, func(r mapping.Row) {
		for _, v := range r.All() {
			_ = retype(v)
		}
	})
	labels := map[string]bool{}
	for _, fd := range t.Fields {
		if fd.Dir == "" || fd.Dir == mapping.DirRight || fd.Dir == mapping.DirBelow {
			for _, l := range fd.Label {
				labels[mapping.NormLabel(l)] = true
			}
		}
	}
	eachTable(t, func(tb *mapping.Table) {
		for _, c := range tb.Columns {
			for _, h := range c.Header {
				labels[mapping.NormLabel(h)] = true
			}
		}
	})
	rows, err := f.GetRows(sheet)
	if err != nil {
		return err
	}
	for r, row := range rows {
		for c, text := range row {
			if !labels[mapping.NormLabel(text)] || utf8.RuneCountInString(text) < 4 || strings.Contains(text, "\n") {
				continue
			}
			rs := []rune(text)
			if err := f.SetCellStr(sheet, mapping.CellName(r, c), string(rs[:len(rs)/2])+"\n"+string(rs[len(rs)/2:])); err != nil {
				return err
			}
		}
	}
	return nil
}

// thousands formats 22577.06 as "22,577.06".
func thousands(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	intPart, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// deleteLastRow removes the last row of the first table read.
func deleteLastRow(f *excelize.File, sheet string, _ *mapping.Template, orig *mapping.Result) error {
	last := lastRow(orig)
	if last == 0 {
		return fmt.Errorf("no table row to delete")
	}
	return f.RemoveRow(sheet, last)
}

// lastRow is the sheet row of the last row of the first non-empty table, in
// the order tables appear on the sheet.
func lastRow(r *mapping.Result) int {
	first := 0
	eachTableRows(r, func(rows []mapping.Row) {
		if first == 0 && len(rows) > 0 {
			first = rows[len(rows)-1].Row
		}
	})
	return first
}

func withoutRow1Fields(orig *mapping.Result) *mapping.Result {
	out := *orig
	out.Fields = map[string]mapping.Value{}
	for k, v := range orig.Fields {
		if _, ref, _ := strings.Cut(v.Cell, "!"); ref != "" {
			if r, _, err := mapping.ParseCellName(ref); err == nil && r == 0 {
				continue
			}
		}
		out.Fields[k] = v
	}
	return &out
}

func withoutLastRow(orig *mapping.Result) *mapping.Result {
	drop := lastRow(orig)
	cp := *orig
	cp.Tables = dropRow(orig.Tables, drop)
	cp.Blocks = map[string][]mapping.BlockResult{}
	for name, insts := range orig.Blocks {
		for _, b := range insts {
			b.Tables = dropRow(b.Tables, drop)
			cp.Blocks[name] = append(cp.Blocks[name], b)
		}
	}
	return &cp
}

func dropRow(tables map[string][]mapping.Row, row int) map[string][]mapping.Row {
	out := map[string][]mapping.Row{}
	for name, rows := range tables {
		out[name] = []mapping.Row{}
		for _, r := range rows {
			if r.Row != row {
				out[name] = append(out[name], r)
			}
		}
	}
	return out
}

func eachTable(t *mapping.Template, fn func(*mapping.Table)) {
	for i := range t.Tables {
		fn(&t.Tables[i])
	}
	for i := range t.Blocks {
		for j := range t.Blocks[i].Tables {
			fn(&t.Blocks[i].Tables[j])
		}
	}
}

func eachTableRows(r *mapping.Result, fn func([]mapping.Row)) {
	var all [][]mapping.Row
	for _, rows := range r.Tables {
		all = append(all, rows)
	}
	for _, insts := range r.Blocks {
		for _, b := range insts {
			for _, rows := range b.Tables {
				all = append(all, rows)
			}
		}
	}
	// In sheet order, so "first" means the same table every run.
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if firstRowOf(all[j]) < firstRowOf(all[i]) {
				all[i], all[j] = all[j], all[i]
			}
		}
	}
	for _, rows := range all {
		fn(rows)
	}
}

func firstRowOf(rows []mapping.Row) int {
	if len(rows) == 0 {
		return 1 << 30
	}
	return rows[0].Row
}

func eachRow(r *mapping.Result, fn func(mapping.Row)) {
	eachTableRows(r, func(rows []mapping.Row) {
		for _, row := range rows {
			fn(row)
		}
	})
}

// makeVariant applies v to the example's bytes.
func makeVariant(data []byte, t *mapping.Template, orig *mapping.Result, v variant) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := v.edit(f, orig.Sheet, t, orig); err != nil {
		return nil, fmt.Errorf("variant %s: %w", v.name, err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// comparable strips what a variant may change (cells, row numbers, raw
// text, file and sheet names) and leaves the normalised data.
func comparable(r *mapping.Result) any {
	strip := func(vals map[string]mapping.Value) map[string]mapping.Value {
		out := map[string]mapping.Value{}
		for k, v := range vals {
			v.Cell, v.Raw = "", ""
			out[k] = v
		}
		return out
	}
	rows := func(tables map[string][]mapping.Row) map[string][]map[string]mapping.Value {
		out := map[string][]map[string]mapping.Value{}
		for name, rs := range tables {
			out[name] = []map[string]mapping.Value{}
			for _, row := range rs {
				out[name] = append(out[name], strip(row.Map()))
			}
		}
		return out
	}
	type block struct {
		Fields map[string]mapping.Value
		Tables map[string][]map[string]mapping.Value
	}
	blocks := map[string][]block{}
	for name, insts := range r.Blocks {
		for _, b := range insts {
			blocks[name] = append(blocks[name], block{strip(b.Fields), rows(b.Tables)})
		}
	}
	return struct {
		Template, Version string
		Fields            map[string]mapping.Value
		Tables            map[string][]map[string]mapping.Value
		Blocks            map[string][]block
	}{r.Template, r.Version, strip(r.Fields), rows(r.Tables), blocks}
}
