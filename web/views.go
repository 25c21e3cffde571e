package web

import (
	"fmt"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// valueRow is one field of a form as shown.
type valueRow struct {
	// Label is the field's title, Cell where it was read.
	Label, Cell string
	// Text is the value for people; Bad marks one that could not be read.
	Text string
	Bad  bool
	// Anchor is the element id of its cell (cell-F9); Mark is the severity
	// of a finding on it, or related for a cell a finding names besides.
	Anchor, Mark string
}

// tableView is one table of a form as shown.
type tableView struct {
	Title   string
	Columns []string
	Rows    []tableRow
}

type tableRow struct {
	Row   int
	Cells []valueRow
}

// blockView is one instance of a repeated block.
type blockView struct {
	Title  string
	Fields []valueRow
	Tables []tableView
}

// valuesView is a form's extracted values in the order of its mapping.
type valuesView struct {
	Fields []valueRow
	Tables []tableView
	Blocks []blockView
}

// valuesOf lays res out by t's fields, tables and blocks.
func valuesOf(t *mapping.Template, res *mapping.Result) *valuesView {
	v := &valuesView{Fields: fieldRows(t.Fields, res.Fields), Tables: tableViews(t.Tables, res.Tables)}
	for _, b := range t.Blocks {
		for i, inst := range res.Blocks[b.Name] {
			v.Blocks = append(v.Blocks, blockView{Title: fmt.Sprintf("%s（第 %d 项）", b.Title, i+1),
				Fields: fieldRows(b.Fields, inst.Fields), Tables: tableViews(b.Tables, inst.Tables)})
		}
	}
	return v
}

func fieldRows(fs []mapping.Field, vals map[string]mapping.Value) []valueRow {
	var out []valueRow
	for _, f := range fs {
		v, ok := vals[f.Name]
		if !ok {
			out = append(out, valueRow{Label: f.Title, Text: "未找到", Bad: true})
			continue
		}
		out = append(out, valueRow{Label: f.Title, Cell: cellOnly(v.Cell), Text: showValue(v), Bad: v.Error != ""})
	}
	return out
}

func tableViews(ts []mapping.Table, tables map[string][]mapping.Row) []tableView {
	var out []tableView
	for _, tb := range ts {
		tv := tableView{Title: tb.Title}
		for _, c := range tb.Columns {
			tv.Columns = append(tv.Columns, c.Title)
		}
		for _, row := range tables[tb.Name] {
			tr := tableRow{Row: row.Row}
			for _, c := range tb.Columns {
				v, ok := row.Lookup(c.Name)
				if !ok {
					tr.Cells = append(tr.Cells, valueRow{})
					continue
				}
				tr.Cells = append(tr.Cells, valueRow{Cell: cellOnly(v.Cell), Text: showValue(v), Bad: v.Error != ""})
			}
			tv.Rows = append(tv.Rows, tr)
		}
		out = append(out, tv)
	}
	return out
}

// cellOnly drops the sheet of a Sheet!A1 reference.
func cellOnly(ref string) string {
	if i := strings.LastIndexByte(ref, '!'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

// showValue renders a value for people: its normalised form, or its raw
// text with why it could not be read.
func showValue(v mapping.Value) string {
	if v.Error != "" {
		return fmt.Sprintf("%s（无法读取：%s）", v.Raw, v.Error)
	}
	if v.Empty() {
		return strings.TrimSpace(v.Raw)
	}
	num := ""
	if v.Number != nil {
		num = mapping.FormatNumber(*v.Number)
	}
	switch v.Type {
	case mapping.TypeAmount:
		return num + " " + v.Unit
	case mapping.TypePercent:
		return num + "%"
	case mapping.TypeHeading:
		if v.Weight != nil {
			return fmt.Sprintf("%s（%s分）", v.Text, mapping.FormatNumber(*v.Weight))
		}
		return v.Text
	case mapping.TypeScore, mapping.TypeNumber:
		return num
	}
	return strings.TrimSpace(v.Raw)
}

// Class is the value's HTML class: bad when it could not be read, flag-
// and its mark when a finding concerns it.
func (r valueRow) Class() string {
	var cs []string
	if r.Bad {
		cs = append(cs, "bad")
	}
	if r.Mark != "" {
		cs = append(cs, "flag-"+r.Mark)
	}
	return strings.Join(cs, " ")
}

// cells returns every shown value of the view by its cell (A1), for
// marking and linking.
func (v *valuesView) cells() map[string][]*valueRow {
	out := map[string][]*valueRow{}
	add := func(r *valueRow) {
		if r.Cell != "" {
			out[r.Cell] = append(out[r.Cell], r)
		}
	}
	fields := func(rs []valueRow) {
		for i := range rs {
			add(&rs[i])
		}
	}
	tables := func(ts []tableView) {
		for _, t := range ts {
			for _, row := range t.Rows {
				fields(row.Cells)
			}
		}
	}
	fields(v.Fields)
	tables(v.Tables)
	for _, b := range v.Blocks {
		fields(b.Fields)
		tables(b.Tables)
	}
	return out
}

// mark gives every shown value an anchor (cell-F9) and marks the values
// findings on sheet point at (error before warning) and the cells they name
// besides (related). It returns the link of a cell of a sheet: its anchor
// when the view shows it, else "".
func (v *valuesView) mark(sheet string, fs []mapping.Finding) func(sheet, cell string) string {
	cells := v.cells()
	for c, rs := range cells {
		rs[0].Anchor = "cell-" + c // a merged or shared cell shows more than once
	}
	rank := map[string]int{"related": 1, mapping.SeverityWarning: 2, mapping.SeverityError: 3}
	set := func(c, m string) {
		for _, r := range cells[c] {
			if rank[m] > rank[r.Mark] {
				r.Mark = m
			}
		}
	}
	for _, f := range fs {
		if f.Sheet != sheet && f.Sheet != "" {
			continue
		}
		set(f.Cell, f.Severity)
		for _, rel := range relatedOf(f) {
			if s, c := splitRef(rel, f.Sheet); s == sheet || s == "" {
				set(c, "related")
			}
		}
	}
	return func(s, c string) string {
		if (s == sheet || s == "") && len(cells[c]) > 0 {
			return "#cell-" + c
		}
		return ""
	}
}
