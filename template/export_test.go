package template

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// TestExportRoundTrip extracts every example, exports it onto its template
// and extracts the export again: the data must be identical (no diff, same
// fingerprint), the identity properties present and the 一级 groups merged.
func TestExportRoundTrip(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range reg.Templates {
		for _, ex := range reg.Examples(tpl) {
			t.Run(path.Base(ex), func(t *testing.T) {
				data, _ := fs.ReadFile(templates.FS, ex)
				orig := extractDetected(t, reg, path.Base(ex), data, tpl)
				props := map[string]string{mapping.PropTemplate: tpl.ID, mapping.PropRevision: "7", mapping.PropDataHash: orig.Fingerprint()}
				out, err := Export(tpl, orig, props)
				if err != nil {
					t.Fatal(err)
				}
				again := extractDetected(t, reg, "export.xlsx", out, tpl)
				if d := mapping.Diff(orig, again); len(d) > 0 {
					t.Fatalf("round trip changed %d values, first %+v", len(d), d[0])
				}
				if orig.Fingerprint() != again.Fingerprint() {
					t.Error("fingerprint changed")
				}
				wb, err := Read("export.xlsx", out, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if wb.Props[mapping.PropRevision] != "7" || wb.Props[mapping.PropDataHash] != orig.Fingerprint() {
					t.Errorf("props = %v", wb.Props)
				}
				checkGroupsMerged(t, out, again)
			})
		}
	}
}

// checkGroupsMerged asserts that every 一级 group of more than one row is one
// merged range covering its rows.
func checkGroupsMerged(t *testing.T, xlsx []byte, res *mapping.Result) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	merges, _ := f.GetMergeCells(res.Sheet)
	merged := map[string]string{}
	for _, m := range merges {
		merged[m.GetStartAxis()] = m.GetEndAxis()
	}
	eachRow(res, func(r mapping.Row) {
		v, ok := r.Lookup("level1")
		if !ok || v.Empty() {
			return
		}
		_, ref, _ := strings.Cut(v.Cell, "!")
		if rr, _, _ := mapping.ParseCellName(ref); rr+1 != r.Row {
			if _, ok := merged[ref]; !ok {
				t.Errorf("row %d takes 一级 from %s, which is not merged", r.Row, v.Cell)
			}
		}
	})
}

// TestExportFormulaSafety writes texts that start like formulas: they must
// come back as text, with no formula in the workbook.
func TestExportFormulaSafety(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := mapping.Find(reg.Templates, "hubei-dept@2022")
	data, _ := fs.ReadFile(templates.FS, reg.Examples(tpl)[0])
	res := extractDetected(t, reg, "x.xlsx", data, tpl)
	for _, s := range []string{"=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"} {
		v := res.Fields["improvement"]
		v.Raw = s
		res.Fields["improvement"] = v
		out, err := Export(tpl, res, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(res.Sheet)
		for r, row := range rows {
			for c := range row {
				ref := mapping.CellName(r, c)
				if formula, _ := f.GetCellFormula(res.Sheet, ref); formula != "" {
					t.Errorf("%q: formula %q written at %s", s, formula, ref)
				}
			}
		}
		f.Close()
		again := extractDetected(t, reg, "x.xlsx", out, tpl)
		if got := again.Fields["improvement"].Raw; strings.TrimSpace(got) != strings.TrimSpace(s) {
			t.Errorf("%q came back as %q", s, got)
		}
	}
}

// TestExportOpensInLibreOffice converts an exported workbook to PDF.
func TestExportOpensInLibreOffice(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := mapping.Find(reg.Templates, "hubei-dept@2022")
	ex := reg.Examples(tpl)[1]
	data, _ := fs.ReadFile(templates.FS, ex)
	out, err := Export(tpl, extractDetected(t, reg, "x.xlsx", data, tpl), nil)
	if err != nil {
		t.Fatal(err)
	}
	if text := toPDF(t, out, "export"); text != "" && !strings.Contains(text, "蔡甸区民政局") {
		t.Errorf("PDF text lacks the unit name:\n%.300s", text)
	}
}
