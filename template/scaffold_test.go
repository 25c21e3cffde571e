package template

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// cellValues maps every non-empty value of res to its cell: fields,
// table rows and blocks, Sheet!A1 → normalised raw texts (a cell may hold
// two values: a title and its year). only, when not nil, keeps the values
// it accepts.
func cellValues(res *mapping.Result, only func(path string, v mapping.Value) bool) map[string][]string {
	out := map[string][]string{}
	put := func(path string, v mapping.Value) {
		if v.Empty() || v.Cell == "" || only != nil && !only(path, v) {
			return
		}
		t := strings.Join(strings.Fields(v.Raw), "")
		for _, x := range out[v.Cell] {
			if x == t {
				return
			}
		}
		out[v.Cell] = append(out[v.Cell], t)
	}
	fields := func(prefix string, fs map[string]mapping.Value) {
		for name, v := range fs {
			put(prefix+"fields."+name, v)
		}
	}
	tables := func(prefix string, ts map[string][]mapping.Row) {
		for name, rows := range ts {
			for _, r := range rows {
				for col, v := range r.All() {
					put(prefix+"tables."+name+"."+col, v)
				}
			}
		}
	}
	fields("", res.Fields)
	tables("", res.Tables)
	for name, insts := range res.Blocks {
		for i, b := range insts {
			p := fmt.Sprintf("blocks.%s[%d].", name, i)
			fields(p, b.Fields)
			tables(p, b.Tables)
		}
	}
	return out
}

// keyValues keeps what the scaffold must read like the shipped mapping:
// every indicator row's cells and the amounts, rates and scores.
func keyValues(path string, v mapping.Value) bool {
	if strings.Contains(path, "tables.") {
		return true
	}
	switch v.Type {
	case mapping.TypeAmount, mapping.TypePercent, mapping.TypeScore:
		return true
	}
	return false
}

// diffValues lists the values of want that got does not read at the same
// cell.
func diffValues(want, got map[string][]string) []string {
	var out []string
	for cell, ws := range want {
		gs, ok := got[cell]
	next:
		for _, w := range ws {
			for _, g := range gs {
				if g == w {
					continue next
				}
			}
			if !ok {
				out = append(out, fmt.Sprintf("%s: shipped reads %q, the scaffold reads nothing there", cell, w))
			} else {
				out = append(out, fmt.Sprintf("%s: shipped reads %q, the scaffold %q", cell, w, gs))
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestDiffValues(t *testing.T) {
	want := map[string][]string{"S!A1": {"1"}, "S!B2": {"x"}}
	if d := diffValues(want, map[string][]string{"S!A1": {"2024", "1"}, "S!B2": {"x"}, "S!C3": {"extra"}}); len(d) != 0 {
		t.Errorf("same values differ: %v", d)
	}
	d := diffValues(want, map[string][]string{"S!A1": {"2"}})
	if len(d) != 2 || !strings.Contains(d[0], "S!A1") || !strings.Contains(d[1], "reads nothing") {
		t.Errorf("diff = %v", d)
	}
}

// knownExcept returns the shipped templates but those of id: what a bureau
// whose form jxsync does not ship would have.
func knownExcept(reg *Registry, id string) []*mapping.Template {
	var out []*mapping.Template
	for _, t := range reg.Templates {
		if t.ID != id {
			out = append(out, t)
		}
	}
	return out
}

// TestScaffoldShippedExamples scaffolds every shipped example as if jxsync
// did not know its form, and reads the example with the proposal: it must
// resolve against its own template.xlsx, be detected on the example, and
// read every indicator row's cells and every amount, rate and score the
// shipped mapping reads, at the same cells with the same values, and the
// same unit and year.
func TestScaffoldShippedExamples(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, shipped := range reg.Templates {
		for _, ex := range reg.Examples(shipped) {
			n++
			t.Run(shipped.ID+"@"+shipped.Version+"/"+path.Base(ex), func(t *testing.T) {
				data, err := fs.ReadFile(templates.FS, ex)
				if err != nil {
					t.Fatal(err)
				}
				known := knownExcept(reg, shipped.ID)
				r, err := Scaffold(path.Base(ex), data, ScaffoldOptions{ID: "scaffolded", Version: "2099", Known: known, Blank: reg.Blank})
				if err != nil {
					t.Fatal(err)
				}
				blank, err := Read("template.xlsx", r.Blank, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if err := Check(r.Template, blank); err != nil {
					t.Fatalf("the proposal does not resolve against its template.xlsx: %v\n%s", err, r.Mapping)
				}
				wb, err := Read(path.Base(ex), data, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				forms, err := mapping.DetectForms(wb, append([]*mapping.Template{r.Template}, known...))
				if err != nil || forms[0].Template != r.Template {
					t.Fatalf("the example is not detected as the proposal: %v %v", forms, err)
				}
				want, err := shipped.Extract(wb, forms[0].Sheet)
				if err != nil {
					t.Fatal(err)
				}
				got, err := forms[0].Extract(wb)
				if err != nil {
					t.Fatal(err)
				}
				wantValues := cellValues(want, keyValues)
				if len(wantValues) < 20 {
					t.Errorf("only %d values to compare", len(wantValues))
				}
				if d := diffValues(wantValues, cellValues(got, nil)); len(d) > 0 {
					t.Errorf("%d values read otherwise than by the shipped mapping:\n%s\nnotes: %s\n%s", len(d),
						strings.Join(d, "\n"), strings.Join(r.Notes, "\n"), r.Mapping)
				}
				wu, wy, ws := shipped.Who(want)
				gu, gy, gs := r.Template.Who(got)
				if wu != gu || wy != gy || ws != gs {
					t.Errorf("identity = %q %d %q, shipped %q %d %q", gu, gy, gs, wu, wy, ws)
				}
				// The golden variants (rows and a column inserted, the title
				// removed, numbers typed as text and labels broken over lines,
				// a row deleted) read alike with both mappings.
				for _, v := range variants {
					vb, err := makeVariant(data, shipped, want, v)
					if err != nil {
						t.Fatal(err)
					}
					vwb, err := Read(v.name+".xlsx", vb, Limits{})
					if err != nil {
						t.Fatal(err)
					}
					vforms, err := mapping.DetectForms(vwb, append([]*mapping.Template{r.Template}, known...))
					if err != nil || vforms[0].Template != r.Template {
						t.Errorf("variant %s is not detected as the proposal: %v", v.name, err)
						continue
					}
					vwant, err := shipped.Extract(vwb, vforms[0].Sheet)
					if err != nil {
						t.Fatal(err)
					}
					vgot, err := vforms[0].Extract(vwb)
					if err != nil {
						t.Fatal(err)
					}
					if d := diffValues(cellValues(vwant, keyValues), cellValues(vgot, nil)); len(d) > 0 {
						t.Errorf("variant %s: %d values read otherwise than by the shipped mapping:\n%s", v.name, len(d), strings.Join(d, "\n"))
					}
					// Scaffolded from the variant itself, too.
					vr, err := Scaffold(v.name+".xlsx", vb, ScaffoldOptions{ID: "scaffolded", Version: "2099", Known: known, Blank: reg.Blank})
					if err != nil {
						t.Fatalf("scaffold variant %s: %v", v.name, err)
					}
					vs, _ := vr.Template.SheetOf(vwb)
					if vs == nil {
						t.Errorf("scaffold of variant %s: its own sample is not its form", v.name)
						continue
					}
					vown, err := vr.Template.Extract(vwb, vs)
					if err != nil {
						t.Fatal(err)
					}
					if d := diffValues(cellValues(vwant, keyValues), cellValues(vown, nil)); len(d) > 0 {
						t.Errorf("scaffold of variant %s: %d values read otherwise than by the shipped mapping:\n%s\nnotes: %s", v.name, len(d),
							strings.Join(d, "\n"), strings.Join(vr.Notes, "\n"))
					}
				}
			})
		}
	}
	if n < 8 {
		t.Errorf("only %d examples", n)
	}
}
