package sync_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	jxsync "github.com/jxsync/jxsync/sync"
)

// asXLSM saves a workbook as Excel saves a macro-enabled one: with a VBA
// project (excelize checks only that it is an OLE compound file).
func asXLSM(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vba := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	if err := f.AddVBAProject(vba); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "自评表.xlsm")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withExternalLink adds an external link part naming target, as Excel
// writes one for a formula that refers to another workbook.
func withExternalLink(t *testing.T, data []byte, target string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name, s string) {
		w, _ := zw.Create(name)
		io.WriteString(w, s)
	}
	for _, zf := range zr.File {
		if err := zw.Copy(zf); err != nil {
			t.Fatal(err)
		}
	}
	put("xl/externalLinks/externalLink1.xml", `<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>`)
	put("xl/externalLinks/_rels/externalLink1.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="`+target+`" TargetMode="External"/></Relationships>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestMacroAndExternalLinkFindings: a form in a workbook with macros or
// external links gets one warning for each, naming the linked file, beside
// its other findings; the same form without them gets neither. The
// annotated copy of the macro workbook carries no VBA project.
func TestMacroAndExternalLinkFindings(t *testing.T) {
	svc := testkit.Service(t)
	plain := testkit.HubeiWorkbook(t, "甲单位", nil)
	for _, tc := range []struct {
		name          string
		data          []byte
		macro, linked bool
	}{
		{"plain.xlsx", plain, false, false},
		{"macro.xlsm", asXLSM(t, plain), true, false},
		{"linked.xlsx", withExternalLink(t, plain, `D:\2023\预算.xlsx`), false, true},
	} {
		base, err := svc.ValidateForms("plain.xlsx", plain, jxsync.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		reps, err := svc.ValidateForms(tc.name, tc.data, jxsync.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := reps[0]
		if mapping.HasRule(r.Findings, jxsync.RuleMacro) != tc.macro || mapping.HasRule(r.Findings, jxsync.RuleExternalLink) != tc.linked {
			t.Errorf("%s: findings %+v", tc.name, r.Findings)
		}
		extra := 0
		for _, f := range r.Findings {
			switch f.Rule {
			case jxsync.RuleMacro:
				extra++
				if f.Severity != mapping.SeverityWarning || f.Sheet != r.Sheet || !strings.Contains(f.Message, "宏") {
					t.Errorf("%s: macro finding %+v", tc.name, f)
				}
			case jxsync.RuleExternalLink:
				extra++
				if f.Severity != mapping.SeverityWarning || !strings.Contains(f.Message, `D:\2023\预算.xlsx`) {
					t.Errorf("%s: external link finding %+v", tc.name, f)
				}
			}
		}
		if len(r.Findings) != len(base[0].Findings)+extra || r.Warnings != base[0].Warnings+extra || r.Errors != base[0].Errors {
			t.Errorf("%s: %d findings (%d warnings), plain form %d (%d)", tc.name, len(r.Findings), r.Warnings, len(base[0].Findings), base[0].Warnings)
		}
		if !tc.macro {
			continue
		}
		path, err := svc.Annotate(t.TempDir(), tc.name, tc.data, reps...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(out, []byte("vbaProject")) {
			t.Errorf("%s: the annotated copy %s names a VBA project", tc.name, filepath.Base(path))
		}
	}
}
