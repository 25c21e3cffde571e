package template

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/templates"
)

// TestGeneratedFilesUpToDate rebuilds every form's template.xlsx and example
// workbooks from code and the example YAML, and compares them byte for byte
// with the committed files: run `go generate ./templates` after a change.
func TestGeneratedFilesUpToDate(t *testing.T) {
	for _, fm := range Forms {
		dir := path.Join(fm.ID, fm.Version)
		want, err := fs.ReadFile(templates.FS, path.Join(dir, "template.xlsx"))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		got, err := fm.BuildBytes(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/template.xlsx is not what the code builds: run go generate ./templates", dir)
		}
		examples, _ := fs.Glob(templates.FS, path.Join(dir, "examples", "*.yaml"))
		if len(examples) == 0 {
			t.Errorf("%s: no example data", dir)
		}
		for _, e := range examples {
			src, _ := fs.ReadFile(templates.FS, e)
			d, err := ParseData(e, src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fm.BuildBytes(d)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fs.ReadFile(templates.FS, strings.TrimSuffix(e, ".yaml")+".xlsx")
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s.xlsx is not what the code builds (%v): run go generate ./templates", strings.TrimSuffix(e, ".yaml"), err)
			}
		}
	}
}
