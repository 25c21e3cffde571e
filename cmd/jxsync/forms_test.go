package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

const deptUnit = "乐昌市民政局"

// writeBundle writes a department's workbook (填表说明, 部门整体, two 项目
// forms) into dir and returns its path.
func writeBundle(t *testing.T, dir, name string, edit func(sheet string, d *template.Data)) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, testkit.DepartmentBundle(t, deptUnit, edit), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExtractSeveralForms: a workbook with one form prints one JSON object,
// one with several a list of them, one per form; --sheet reads one.
func TestExtractSeveralForms(t *testing.T) {
	p := writeBundle(t, t.TempDir(), "dept.xlsx", nil)
	code, out, errs := jx(t, "extract", "--json", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var forms []mapping.Result
	if err := json.Unmarshal([]byte(out), &forms); err != nil {
		t.Fatalf("not a list: %v\n%.300s", err, out)
	}
	var got []string
	for _, f := range forms {
		got = append(got, f.Sheet+"="+f.Template)
	}
	if strings.Join(got, ",") != "部门整体=hubei-dept,项目1 低保=national-project,项目2 残疾人=national-project" {
		t.Errorf("forms: %v", got)
	}
	code, out, errs = jx(t, "extract", "--json", "--sheet", "项目2 残疾人", p)
	var one mapping.Result
	if code != 0 || json.Unmarshal([]byte(out), &one) != nil || one.Sheet != "项目2 残疾人" || one.Fields["project_name"].Text != "残疾人补贴" {
		t.Errorf("--sheet: exit %d %s %.200s", code, errs, out)
	}
	// The console groups by sheet.
	code, out, _ = jx(t, "extract", p)
	if code != 0 || strings.Count(out, "(sheet ") != 3 || strings.Contains(out, "(sheet 填表说明)") {
		t.Errorf("console:\n%.600s", out)
	}
}

// TestValidateSeveralForms: findings by sheet on the console, every form in
// JSON, and an annotated copy marking every form's sheet.
func TestValidateSeveralForms(t *testing.T) {
	dir := t.TempDir()
	p := writeBundle(t, dir, "dept.xlsx", func(sheet string, d *template.Data) {
		switch sheet {
		case "部门整体":
			d.Fields["budget"] = "约100" // not an amount
		case "项目2 残疾人":
			d.Fields["spent"] = "二千" // not an amount
		}
	})
	code, out, errs := jx(t, "validate", "--annotate", filepath.Join(dir, "out"), p)
	if code != exitFindings {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	for _, want := range []string{"工作表 (sheet) “部门整体”", "工作表 (sheet) “项目1 低保”", "工作表 (sheet) “项目2 残疾人”", "部门整体!", "项目2 残疾人!"} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	annotated := filepath.Join(dir, "out", "dept.校验.xlsx")
	data, err := os.ReadFile(annotated)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := template.Read("a.xlsx", data, template.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	summary := wb.Sheet("校验结果")
	if summary == nil {
		t.Fatal("no 校验结果 sheet")
	}
	sheets := map[string]bool{}
	for _, row := range summary.Rows {
		for _, c := range row {
			for _, s := range []string{"部门整体", "项目2 残疾人"} {
				if strings.Contains(c.Text, s+"!") || c.Text == s {
					sheets[s] = true
				}
			}
		}
	}
	if len(sheets) != 2 {
		t.Errorf("校验结果 names the sheets %v, want both forms with errors", sheets)
	}

	code, out, _ = jx(t, "validate", "--json", p)
	var reps []struct {
		Sheet    string `json:"sheet"`
		Template string `json:"template"`
		Errors   int    `json:"errors"`
	}
	if code != exitFindings || json.Unmarshal([]byte(out), &reps) != nil || len(reps) != 3 || reps[2].Sheet != "项目2 残疾人" || reps[2].Errors == 0 {
		t.Errorf("--json: exit %d %+v", code, reps)
	}
}

// TestUnknownFormNamesWhatItLacks: a workbook whose only sheet quotes the
// labels in sentences is no form: exit 2, stderr says 无法识别模板 and what
// the nearest templates lack.
func TestUnknownFormNamesWhatItLacks(t *testing.T) {
	p := filepath.Join(t.TempDir(), "说明.xlsx")
	if err := os.WriteFile(p, testkit.Bundle(t, testkit.InstructionsPart()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"extract", "validate"} {
		code, _, errs := jx(t, cmd, p)
		if code != exitFailure || !strings.Contains(errs, "无法识别模板") || !strings.Contains(errs, "缺少标签") || !strings.Contains(errs, "@") {
			t.Errorf("%s: exit %d: %s", cmd, code, errs)
		}
	}
}

// TestImportSeveralForms: the summary counts files and forms and says how
// many sheets were read as which form; --report has a line per form with
// its sheet; a second import changes nothing; an unidentified form is
// listed by history --unidentified.
func TestImportSeveralForms(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	p := writeBundle(t, dir, "dept.xlsx", nil)
	report := filepath.Join(t.TempDir(), "r.csv")
	code, out, errs := cliIn(t, data, "import", "--report", report, p)
	if code != 0 {
		t.Fatalf("import: exit %d: %s\n%s", code, errs, out)
	}
	if !strings.Contains(out, "共 1 个文件 (files), 3 张表 (forms)") || !strings.Contains(out, "hubei-dept@2022 1, national-project@2020 2") {
		t.Errorf("summary:\n%s", out)
	}
	f, err := os.Open(report)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 4 || rows[0][1] != "sheet" || rows[3][1] != "项目2 残疾人" {
		t.Errorf("report: %v %v", rows, err)
	}
	code, out, _ = cliIn(t, data, "import", p)
	if code != 0 || !strings.Contains(out, "未变 unchanged 3") {
		t.Errorf("again: exit %d\n%s", code, out)
	}

	noUnit := filepath.Join(dir, "无单位.xlsx")
	if err := os.WriteFile(noUnit, testkit.HubeiWorkbook(t, "", nil), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := cliIn(t, data, "import", noUnit); code != 0 || !strings.Contains(out, "有错误 rejected 1") {
		t.Fatalf("import without unit: exit %d %s %s", code, out, errs)
	}
	code, out, errs = cliIn(t, data, "history", "--unidentified")
	if code != 0 || !strings.Contains(out, "无单位.xlsx") || !strings.Contains(out, "（空）") || strings.Contains(out, "dept.xlsx") {
		t.Errorf("history --unidentified: exit %d %s\n%s", code, errs, out)
	}
	if code, _, _ := cliIn(t, data, "history"); code == 0 {
		t.Error("history without a unit or --unidentified succeeded")
	}
}

// TestCheckRepairLeftovers: a temporary file a killed blob write left is
// reported by check (exit 1) and removed by check --repair.
func TestCheckRepairLeftovers(t *testing.T) {
	data := t.TempDir()
	if code, out, errs := cliIn(t, data, "import", writeBundle(t, t.TempDir(), "dept.xlsx", nil)); code != 0 {
		t.Fatalf("import: exit %d %s %s", code, out, errs)
	}
	left := filepath.Join(data, "blobs", "ab", ".put-123")
	if err := os.MkdirAll(filepath.Dir(left), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(left, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(left, past, past); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := cliIn(t, data, "check"); code != exitFindings || !strings.Contains(out, ".put-123") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	if code, out, _ := cliIn(t, data, "check", "--repair"); code != 0 || !strings.Contains(out, "已删除") {
		t.Errorf("check --repair: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Error("the leftover is still there")
	}
}

// TestTerminalOutputEscaped: a file name with control characters cannot
// recolour the terminal or fake summary lines.
func TestTerminalOutputEscaped(t *testing.T) {
	dir := t.TempDir()
	name := "a\x1b[31mred\rfake\n共 99 个文件.xlsx"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errs := cliIn(t, t.TempDir(), "import", dir)
	for _, s := range []string{out, errs} {
		if strings.ContainsAny(s, "\x1b\r") || strings.Contains(s, "\n共 99 个文件") {
			t.Errorf("control characters or a faked line in the output:\n%q", s)
		}
	}
	if !strings.Contains(out, `\x1B[31mred`) {
		t.Errorf("escaped name not shown:\n%q", out)
	}
}
