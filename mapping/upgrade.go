package mapping

import (
	"fmt"
	"sort"
	"strings"
)

// UpgradeResult carries res, extracted with an earlier version of t's
// template, over to t by t.Upgrade: same names carry over, renamed ones are
// looked up under their old name, new fields get their default, and values
// with no place in t are reported in notes (dropped ones declared, others
// as lost). Values are re-parsed with t's types.
func (t *Template) UpgradeResult(res *Result) (*Result, []string, error) {
	if res.Template != t.ID {
		return nil, nil, fmt.Errorf("upgrade %s@%s: data is of template %s", t.ID, t.Version, res.Template)
	}
	if res.Version == t.Version {
		return res, nil, nil
	}
	if t.Upgrade.From != res.Version {
		return nil, nil, fmt.Errorf("upgrade %s@%s: no upgrade from version %s (upgrade.from is %q)", t.ID, t.Version, res.Version, t.Upgrade.From)
	}
	out := &Result{Template: t.ID, Version: t.Version, File: res.File, Sheet: t.Sheet,
		Fields: map[string]Value{}, Tables: map[string][]Row{}, Blocks: map[string][]BlockResult{}}
	used := map[string]bool{}
	old := func(name string) string {
		if o, ok := t.Upgrade.Renamed[name]; ok {
			return o
		}
		return name
	}
	fields := func(fs []Field, from map[string]Value, into map[string]Value, prefix string) {
		for _, f := range fs {
			if v, ok := from[old(f.Name)]; ok {
				used[prefix+old(f.Name)] = true
				into[f.Name] = reparse(v, f.Type, f.Unit)
			} else if d, ok := t.Upgrade.Defaults[f.Name]; ok {
				into[f.Name] = Parse(f.Type, f.Unit, Cell{Text: d, Raw: d})
			}
		}
	}
	tables := func(ts []Table, from map[string][]Row, into map[string][]Row, prefix string) {
		for _, tb := range ts {
			oldName := old(tb.Name)
			rows, ok := from[oldName]
			if !ok {
				continue
			}
			used[prefix+oldName] = true
			var out []Row
			for _, r := range rows {
				nr := NewRow(r.Row, map[string]Value{})
				for _, c := range tb.Columns {
					key := tb.Name + "." + c.Name
					oc := c.Name
					if o, ok := t.Upgrade.Renamed[key]; ok {
						_, oc, _ = strings.Cut(o, ".")
					}
					if v, ok := r.Lookup(oc); ok {
						used[prefix+oldName+"."+oc] = true
						nr.Set(c.Name, reparse(v, c.Type, c.Unit))
					} else if d, ok := t.Upgrade.Defaults[key]; ok {
						nr.Set(c.Name, Parse(c.Type, c.Unit, Cell{Text: d, Raw: d}))
					}
				}
				out = append(out, nr)
			}
			into[tb.Name] = out
		}
	}
	fields(t.Fields, res.Fields, out.Fields, "")
	tables(t.Tables, res.Tables, out.Tables, "")
	for _, b := range t.Blocks {
		for _, inst := range res.Blocks[old(b.Name)] {
			nb := BlockResult{Row: inst.Row, Fields: map[string]Value{}, Tables: map[string][]Row{}}
			fields(b.Fields, inst.Fields, nb.Fields, "")
			tables(b.Tables, inst.Tables, nb.Tables, "")
			out.Blocks[b.Name] = append(out.Blocks[b.Name], nb)
		}
	}
	dropped := map[string]bool{}
	for _, d := range t.Upgrade.Dropped {
		dropped[d] = true
	}
	var notes []string
	for name, v := range res.Flatten() {
		key := lastName(name)
		if used[key] || v.Empty() {
			continue
		}
		if dropped[key] {
			notes = append(notes, fmt.Sprintf("%s 已在 %s 版中删除 (dropped): %q", name, t.Version, v.Raw))
		} else {
			notes = append(notes, fmt.Sprintf("%s 在 %s 版中没有对应位置，未带入 (no place in the new version): %q", name, t.Version, v.Raw))
		}
	}
	sort.Strings(notes)
	return out, notes, nil
}

// lastName turns a Flatten path into the name Upgrade keys use: a field's
// name, or table.column for a table value.
func lastName(path string) string {
	parts := strings.Split(path, ".")
	name := parts[len(parts)-1]
	if len(parts) >= 3 && strings.Contains(parts[len(parts)-2], "[") {
		table := parts[len(parts)-2]
		table = table[:strings.IndexByte(table, '[')]
		if parts[len(parts)-3] == "tables" || strings.HasPrefix(parts[0], "tables") {
			return table + "." + name
		}
	}
	return name
}

// reparse reads a carried value again with the new version's type.
func reparse(v Value, ty Type, unit string) Value {
	if v.Type == ty.orText() && unit == "" {
		return v
	}
	nv := Parse(ty, unit, Cell{Text: v.Raw, Raw: v.Raw})
	nv.Cell = v.Cell
	return nv
}
