package template_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/templates"
)

func TestRegistryAdd(t *testing.T) {
	reg, err := template.LoadRegistry(templates.FS) // a registry of its own: Add changes it
	if err != nil {
		t.Fatal(err)
	}
	n := len(reg.Templates)
	r, err := template.Scaffold("province.xlsx", testkit.ProvinceForm(t, true, ""),
		template.ScaffoldOptions{ID: "hunan-dept", Version: "2025", Known: reg.Templates, Blank: reg.Blank})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Add(r.Template, r.Blank); err != nil {
		t.Fatal(err)
	}
	if len(reg.Templates) != n+1 {
		t.Fatalf("%d templates, want %d", len(reg.Templates), n+1)
	}
	for i := 1; i < len(reg.Templates); i++ {
		a, b := reg.Templates[i-1], reg.Templates[i]
		if a.ID > b.ID || a.ID == b.ID && a.Version > b.Version {
			t.Errorf("not sorted: %s@%s before %s@%s", a.ID, a.Version, b.ID, b.Version)
		}
	}
	got, err := mapping.Find(reg.Templates, "hunan-dept")
	if err != nil || got != r.Template || !reg.Added(got) {
		t.Fatalf("find: %v %v", got, err)
	}
	if b, err := reg.Blank(got); err != nil || !bytes.Equal(b, r.Blank) {
		t.Errorf("blank of the added template: %v", err)
	}
	embedded, _ := mapping.Find(reg.Templates, "hubei-dept@2022")
	if reg.Added(embedded) {
		t.Error("an embedded template reads as added")
	}
	if b, err := reg.Blank(embedded); err != nil || len(b) == 0 {
		t.Errorf("blank of an embedded template after Add: %v", err)
	}
	if len(reg.Examples(got)) != 0 || len(reg.Examples(embedded)) == 0 {
		t.Errorf("examples: %v / %v", reg.Examples(got), reg.Examples(embedded))
	}
	// The same id and version again, and a template that does not resolve
	// in its blank, are refused.
	if err := reg.Add(r.Template, r.Blank); err == nil || !strings.Contains(err.Error(), "already known") {
		t.Errorf("again: %v", err)
	}
	other, err := mapping.Load("m.yaml", bytes.Replace(bytes.Replace(r.Mapping, []byte(`version: "2025"`), []byte(`version: "2026"`), 1),
		[]byte("label: 联系人"), []byte("label: 联络人"), 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Add(other, r.Blank); err == nil || !strings.Contains(err.Error(), "联络人") {
		t.Errorf("unresolved: %v", err)
	}
	if _, err := mapping.Find(reg.Templates, "hunan-dept@2026"); err == nil {
		t.Error("a refused template was added")
	}
}
