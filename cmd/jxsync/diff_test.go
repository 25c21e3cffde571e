package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const minzhengExample = "../../templates/hubei-dept/2022/examples/caidian-minzheng-2022.xlsx"

// copyExample copies a shipped example workbook into dir under name.
func copyExample(t *testing.T, src, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, mustReadFile(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiffSpeaksOfRows compares the 蔡甸区民政局 workbook with a copy in
// which one 实际完成值 was changed and amounts were retyped with thousands
// separators and units: the one change is named by its 年度目标, row and
// 三级指标, the retyped amounts are no difference; the same holds between
// the two stored revisions.
func TestDiffSpeaksOfRows(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	a := copyExample(t, minzhengExample, dir, "原表.xlsx")
	retyped := copyExample(t, minzhengExample, dir, "改格式.xlsx")
	setCells(t, retyped, map[string]string{"E4": "22,577.06", "B4": "789.94万元", "D6": "23,367.00"})
	b := copyExample(t, retyped, dir, "改数.xlsx")
	setCells(t, b, map[string]string{"F25": "10个"})
	const want = "第2个年度目标 第4行 三级指标“未成年人保护工作站建设” 实际完成值: 11个 → 10个"

	if code, out, errs := jx(t, "diff", a, retyped); code != 0 || !strings.Contains(out, "无差异") {
		t.Errorf("diff of a retyped copy: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := jx(t, "diff", a, b)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitFindings || len(lines) != 2 || !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], "F25") ||
		!strings.Contains(lines[1], "共 1 处差异") {
		t.Errorf("diff: exit %d, want %d and\n%s\ngot\n%s%s", code, exitFindings, want, out, errs)
	}
	if strings.Contains(out, "blocks.") || strings.Contains(out, "indicators[") {
		t.Errorf("diff shows paths:\n%s", out)
	}

	// Between the three stored revisions (import keeps the retyped copy as
	// a revision of its own: its raw texts differ).
	var revs []string
	for _, p := range []string{a, retyped, b} {
		rep := filepath.Join(t.TempDir(), "r.json")
		if code, out, errs := cliIn(t, data, "import", "--report", rep, p); code != 0 {
			t.Fatalf("import %s: exit %d\n%s%s", p, code, out, errs)
		}
		revs = append(revs, strconv.FormatInt(readJSONReport(t, rep)[0].Revision, 10))
	}
	if code, out, errs := cliIn(t, data, "diff", revs[0], revs[1]); code != 0 || !strings.Contains(out, "无差异") {
		t.Errorf("diff of the retyped revision: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cliIn(t, data, "diff", revs[0], revs[2])
	if code != exitFindings || !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 2 {
		t.Errorf("diff %s %s: exit %d\n%s%s", revs[0], revs[2], code, out, errs)
	}
}

// TestDiffRefusesOtherTemplates compares a 部门整体绩效自评表 with a 民生工程
// 绩效评价得分表: exit 2 and a message naming both forms.
func TestDiffRefusesOtherTemplates(t *testing.T) {
	code, out, errs := jx(t, "diff", minzhengExample, "../../templates/minsheng-score/2020/examples/yuan-jiuzhu-2020.xlsx")
	if code != exitFailure || out != "" || !strings.Contains(errs, "不能比较不同模板的表") ||
		!strings.Contains(errs, "部门整体绩效自评表（hubei-dept@2022）") || !strings.Contains(errs, "民生工程绩效评价得分表（minsheng-score@2020）") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

// TestImportConflictNamesPlaces imports a workbook generated from an older
// revision than the latest: the conflict lists its differences by the
// places on the form, not by paths.
func TestImportConflictNamesPlaces(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	a := copyExample(t, minzhengExample, dir, "a.xlsx")
	b := copyExample(t, minzhengExample, dir, "b.xlsx")
	setCells(t, b, map[string]string{"F25": "10个"})
	rep := filepath.Join(t.TempDir(), "r.json")
	if code, out, errs := cliIn(t, data, "import", "--report", rep, a); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := cliIn(t, data, "import", b); code != 0 || !strings.Contains(out, "更新 updated 1") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	gen := filepath.Join(dir, "gen.xlsx")
	if code, out, errs := cliIn(t, data, "export", strconv.FormatInt(readJSONReport(t, rep)[0].Revision, 10), "-o", gen); code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := cliIn(t, data, "import", gen)
	if code != exitFindings || !strings.Contains(out, "冲突 conflict 1") || !strings.Contains(out, "    第2个年度目标 第4行 实际完成值: 10个 → 11个") ||
		strings.Contains(out, "blocks.") {
		t.Errorf("import of a workbook of an older revision: exit %d\n%s%s", code, out, errs)
	}
}
