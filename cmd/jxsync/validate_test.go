package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/sync"
)

func TestValidateExitCodes(t *testing.T) {
	// Seed 000 misses a target (100人次 → 38人次) with 无 as the reason: an error.
	code, out, errs := jx(t, "validate", hubeiExample)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d: %s", code, exitFindings, errs)
	}
	for _, want := range []string{
		"部门整体绩效自评表!B19  [错误] ",
		"部门整体绩效自评表!B4  [警告] ",
		"（应为 expected: 110.36；实为 found: 110.35）",
		"未通过 (failed): 1 个错误 (errors), 1 个警告 (warnings)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Seed 003 has warnings only: exit 0.
	code, out, _ = jx(t, "validate", "../../templates/hubei-dept/2022/examples/caidian-minzheng-2022.xlsx")
	if code != exitOK || !strings.Contains(out, "通过 (passed): 0 个错误") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	// An unreadable file: exit 2 even when another has errors.
	code, _, errs = jx(t, "validate", hubeiExample, "testdata/unknown.xlsx")
	if code != exitFailure || !strings.Contains(errs, "unknown.xlsx") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestValidateJSON(t *testing.T) {
	code, out, errs := jx(t, "validate", "--json", hubeiExample)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var reports []sync.Report
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(reports) != 1 || reports[0].Errors != 1 || reports[0].Warnings != 1 {
		t.Fatalf("reports = %+v", reports)
	}
	f := reports[0].Findings[0]
	if f.Sheet != "部门整体绩效自评表" || f.Cell == "" || f.Rule == "" || f.Message == "" {
		t.Errorf("finding = %+v", f)
	}
}
