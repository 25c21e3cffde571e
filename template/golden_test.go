package template

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestShippedTemplatesResolve loads every shipped template: LoadRegistry
// fails when any binding of a mapping does not resolve in its template.xlsx.
func TestShippedTemplatesResolve(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, tpl := range reg.Templates {
		ids[tpl.ID] = true
	}
	for _, want := range []string{"hubei-dept", "national-dept", "national-project", "minsheng-score"} {
		if !ids[want] {
			t.Errorf("template %s not shipped", want)
		}
	}
}

// TestGoldenExtract extracts every shipped example and its variants (rows
// moved, title removed, numbers typed as text with units and labels broken
// over lines, a table row deleted), detecting the template each time, and
// compares with testdata/golden. Each variant must also give the same
// normalised data as the example (less what the variant removed).
func TestGoldenExtract(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tpl := range reg.Templates {
		for _, ex := range reg.Examples(tpl) {
			n++
			data, err := fs.ReadFile(templates.FS, ex)
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(path.Base(ex), ".xlsx")
			dir := filepath.Join("testdata", "golden", tpl.ID+"@"+tpl.Version)
			orig := extractDetected(t, reg, path.Base(ex), data, tpl)
			t.Run(base, func(t *testing.T) {
				if len(orig.Problems) > 0 {
					t.Errorf("problems: %+v", orig.Problems)
				}
				golden(t, filepath.Join(dir, base+".json"), orig)
			})
			for _, v := range variants {
				t.Run(base+"/"+v.name, func(t *testing.T) {
					vb, err := makeVariant(data, tpl, orig, v)
					if err != nil {
						t.Fatal(err)
					}
					got := extractDetected(t, reg, base+"-"+v.name+".xlsx", vb, tpl)
					golden(t, filepath.Join(dir, base+"-"+v.name+".json"), got)
					want := v.expect(orig)
					if !reflect.DeepEqual(comparable(got), comparable(want)) {
						a, _ := json.MarshalIndent(comparable(want), "", " ")
						b, _ := json.MarshalIndent(comparable(got), "", " ")
						t.Errorf("variant data differs from the example's:\n%s", firstDiff(string(a), string(b)))
					}
				})
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d example workbooks shipped, want at least 8", n)
	}
}

func extractDetected(t *testing.T, reg *Registry, name string, data []byte, want *mapping.Template) *mapping.Result {
	t.Helper()
	wb, err := Read(name, data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, sheet, err := mapping.Detect(wb, reg.Templates)
	if err != nil {
		t.Fatal(err)
	}
	if tpl != want {
		t.Fatalf("%s detected as %s@%s, want %s@%s", name, tpl.ID, tpl.Version, want.ID, want.Version)
	}
	res, err := tpl.Extract(wb, sheet)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// golden compares got's JSON with the file, or writes it with -update.
func golden(t *testing.T, file string, got *mapping.Result) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./template -run Golden -update to create it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs:\n%s", file, firstDiff(string(want), string(b)))
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y)
		}
	}
	return ""
}
