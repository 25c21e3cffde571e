package template

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// TestHunanYitihuaRequiresExplanation: the hunan-yitihua example is its form; the
// same workbook with its 指标解释 column deleted (a province's form without
// it) is not taken for hunan-yitihua: at most read as the nearest form with
// 指标解释 reported missing.
func TestHunanYitihuaRequiresExplanation(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	const ex = "hunan-yitihua/2025/examples/chaling-nongye-2025.xlsx"
	detect := func(name string, data []byte) mapping.Form {
		t.Helper()
		wb, err := Read(name, data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		forms, err := mapping.DetectForms(wb, reg.Templates)
		if err != nil || len(forms) != 1 {
			t.Fatalf("%s: %v %v", name, formNames(forms), err)
		}
		return forms[0]
	}
	data := readFS(t, ex)
	if f := detect("with.xlsx", data); f.Template.ID != "hunan-yitihua" || len(f.Missing) > 0 {
		t.Fatalf("example: %s@%s, missing %v", f.Template.ID, f.Template.Version, f.Missing)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.RemoveCol(hunanDept2025.Sheet, "E"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	f := detect("without.xlsx", b.Bytes())
	t.Logf("without 指标解释: read as %s@%s, missing %v", f.Template.ID, f.Template.Version, f.Missing)
	if f.Template.ID == "hunan-yitihua" {
		t.Errorf("without 指标解释: taken as hunan-yitihua, missing %v", f.Missing)
	}
}
