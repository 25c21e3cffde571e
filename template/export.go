package template

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// DataOf turns an extraction back into the texts a form is filled with: each
// value's raw text by name; in tables, a fill-down value only on the first
// row of the cells it was filled from, so that the layout merges the group
// again over its new extent.
func DataOf(t *mapping.Template, res *mapping.Result) *Data {
	d := &Data{Fields: map[string]string{}, Tables: map[string][]map[string]string{}, Blocks: map[string][]Data{}}
	for name, v := range res.Fields {
		d.Fields[name] = v.Raw
	}
	tables := func(ts []mapping.Table, rows map[string][]mapping.Row, into map[string][]map[string]string) {
		for _, tb := range ts {
			out := []map[string]string{}
			prevCell := map[string]string{}
			for _, r := range rows[tb.Name] {
				m := map[string]string{}
				for _, col := range tb.Columns {
					v, ok := r.Lookup(col.Name)
					if !ok {
						continue
					}
					if col.FillDown && v.Cell != "" && prevCell[col.Name] == v.Cell {
						continue
					}
					prevCell[col.Name] = v.Cell
					m[col.Name] = v.Raw
				}
				out = append(out, m)
			}
			into[tb.Name] = out
		}
	}
	tables(t.Tables, res.Tables, d.Tables)
	for _, b := range t.Blocks {
		for _, inst := range res.Blocks[b.Name] {
			bd := Data{Fields: map[string]string{}, Tables: map[string][]map[string]string{}}
			for name, v := range inst.Fields {
				bd.Fields[name] = v.Raw
			}
			tables(b.Tables, inst.Tables, bd.Tables)
			d.Blocks[b.Name] = append(d.Blocks[b.Name], bd)
		}
	}
	return d
}

// Export lays out the form of t filled with res and writes props (see the
// mapping.Prop* names) as custom document properties. Text that starts like
// a formula (=, +, -, @) is written as text, never as a formula.
func Export(t *mapping.Template, res *mapping.Result, props map[string]string) ([]byte, error) {
	fm, err := FindForm(t.ID, t.Version)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	f, err := fm.Build(DataOf(t, res))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := f.SetCustomProps(excelize.CustomProperty{Name: k, Value: props[k]}); err != nil {
			return nil, fmt.Errorf("export: property %s: %w", k, err)
		}
	}
	f.SetZipWriter(newPartZip)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return b.Bytes(), nil
}

// readProps returns the workbook's custom document properties as text.
func readProps(f *excelize.File) map[string]string {
	props, err := f.GetCustomProps()
	if err != nil || len(props) == 0 {
		return nil
	}
	out := make(map[string]string, len(props))
	for _, p := range props {
		out[p.Name] = fmt.Sprint(p.Value)
	}
	return out
}
