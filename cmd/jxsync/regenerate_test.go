package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// The stored units of the two hubei-dept@2022 examples.
const (
	jiuzhuUnit   = "武汉市蔡甸区救助管理站"
	minzhengUnit = "蔡甸区民政局"
)

var hubei2022Examples = []string{
	"../../templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx",
	"../../templates/hubei-dept/2022/examples/caidian-minzheng-2022.xlsx",
}

// jxIn runs the CLI on the store in dataDir (a later --data-dir wins over
// the one jx gives).
func jxIn(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	return jx(t, append([]string{"--data-dir", dataDir}, args...)...)
}

// importHubei2022 imports the two hubei-dept@2022 examples into dataDir.
func importHubei2022(t *testing.T, dataDir string) {
	t.Helper()
	code, out, errs := jxIn(t, dataDir, append([]string{"import"}, hubei2022Examples...)...)
	if code != 0 || !strings.Contains(out, "新增 imported 1") || !strings.Contains(out, "有错误 rejected 1") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
}

// extractJSON extracts a workbook through the CLI.
func extractJSON(t *testing.T, file string) *mapping.Result {
	t.Helper()
	code, out, errs := jx(t, "extract", "--json", file)
	if code != 0 {
		t.Fatalf("extract %s: exit %d: %s", file, code, errs)
	}
	var res mapping.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return &res
}

func indicatorsOf(res *mapping.Result) []mapping.Row {
	var out []mapping.Row
	for _, g := range res.Blocks["goals"] {
		out = append(out, g.Tables["indicators"]...)
	}
	return out
}

func TestRegenerateCommand(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	importHubei2022(t, data)

	code, out, errs := jxIn(t, data, "regenerate", "--template", "hubei-dept@2023", "--year", "2022", "-o", dir)
	if code != 0 {
		t.Fatalf("regenerate: exit %d\n%s%s", code, out, errs)
	}
	jz := filepath.Join(dir, jiuzhuUnit+"-2022-hubei-dept-2023.xlsx")
	mz := filepath.Join(dir, minzhengUnit+"-2022-hubei-dept-2023.xlsx")
	for _, want := range []string{jz, mz, "hubei-dept@2022 → 2023", "header_unit", "dropped", "写出 2 个工作簿", "2 written, 0 failed, 2 values not carried"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The workbooks open as the 2023 form with the stored values.
	res := extractJSON(t, jz)
	if res.Template != "hubei-dept" || res.Version != "2023" || len(res.Problems) != 0 {
		t.Errorf("%s: %s@%s, problems %+v", jz, res.Template, res.Version, res.Problems)
	}
	if res.Fields["unit_name"].Raw != jiuzhuUnit || res.Fields["measures"].Raw != "无" || res.Fields["contact"].Raw != "" ||
		res.Fields["budget_weight"].Raw != "10" || res.Fields["year"].Raw != "2022" {
		t.Errorf("fields: unit %q, measures %q, contact %q, budget 分值 %q, year %q", res.Fields["unit_name"].Raw, res.Fields["measures"].Raw,
			res.Fields["contact"].Raw, res.Fields["budget_weight"].Raw, res.Fields["year"].Raw)
	}
	if v := res.Fields["budget"]; v.Number == nil || *v.Number != 110.36 {
		t.Errorf("budget = %+v", v)
	}
	rows := indicatorsOf(res)
	if len(rows) != 10 || rows[0].Value("level3").Raw != "流浪乞讨救助人次" || rows[0].Value("target").Raw != "100人次" ||
		rows[0].Value("actual").Raw != "38人次" || !rows[0].Value("weight").Empty() {
		t.Errorf("indicators: %d rows, first %+v", len(rows), rows)
	}
	if res.Props[mapping.PropVersion] != "2023" || res.Props[mapping.PropSubmission] == "" || res.Props[mapping.PropRevision] == "" {
		t.Errorf("identity properties: %v", res.Props)
	}
	if res := extractJSON(t, mz); len(res.Blocks["goals"]) != 4 || res.Fields["unit_name"].Raw != minzhengUnit {
		t.Errorf("%s: %d goals, unit %q", mz, len(res.Blocks["goals"]), res.Fields["unit_name"].Raw)
	}

	// Again: never over the files written, a numbered copy instead.
	before, _ := os.ReadFile(jz)
	code, out, errs = jxIn(t, data, "regenerate", "--template", "hubei-dept@2023", "--unit", jiuzhuUnit, "-o", dir)
	second := filepath.Join(dir, jiuzhuUnit+"-2022-hubei-dept-2023-2.xlsx")
	if code != 0 || !strings.Contains(out, second) {
		t.Errorf("second regenerate: exit %d\n%s%s", code, out, errs)
	}
	if after, _ := os.ReadFile(jz); !bytes.Equal(before, after) {
		t.Error("the first workbook was overwritten")
	}
	if _, err := os.Stat(second); err != nil {
		t.Error(err)
	}

	// Filters that match nothing, and an unknown version.
	if code, _, errs := jxIn(t, data, "regenerate", "--template", "hubei-dept@2023", "--unit", "没有这个单位", "-o", dir); code != exitFailure ||
		!strings.Contains(errs, "没有匹配的填报") {
		t.Errorf("unknown unit: exit %d: %s", code, errs)
	}
	if code, _, errs := jxIn(t, data, "regenerate", "--template", "hubei-dept@2030", "-o", dir); code != exitFailure || errs == "" {
		t.Errorf("unknown version: exit %d: %s", code, errs)
	}
	if code, _, _ := jxIn(t, data, "regenerate", "--template", "hubei-dept@2023"); code != exitFailure {
		t.Errorf("without -o: exit %d", code)
	}
}

func TestRevalidateCommand(t *testing.T) {
	data := t.TempDir()
	importHubei2022(t, data)
	code, out, errs := jxIn(t, data, "revalidate", "--template", "hubei-dept@2023", "--year", "2022")
	if code != exitFindings {
		t.Errorf("revalidate: exit %d, want %d\n%s%s", code, exitFindings, out, errs)
	}
	for _, want := range []string{
		jiuzhuUnit + " 2022", minzhengUnit + " 2022", "hubei-dept@2023",
		"部门整体绩效自评表!B4  [错误] 联系人",             // the new required field
		"部门整体绩效自评表!G10:G19  [错误] 第10–19行 分值", // the new columns, grouped
		"部门整体绩效自评表!I10  [错误] ",               // the row's own reason now
		"header_unit", // not carried
		"2 个有错误", "2 with errors",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := jxIn(t, data, "revalidate", "--template", "hubei-dept@2023", "--year", "2019"); code != exitFailure || errs == "" {
		t.Errorf("no submission: exit %d: %s", code, errs)
	}
	// Against the version they were made with, the stored data fails the
	// same way as when imported: 救助管理站's missed target, form's reason 无.
	code, out, _ = jxIn(t, data, "revalidate", "--template", "hubei-dept@2022")
	if code != exitFindings || !strings.Contains(out, "部门整体绩效自评表!B19  [错误] ") || strings.Contains(out, "联系人") {
		t.Errorf("revalidate onto 2022: exit %d\n%s", code, out)
	}
}

// setCells edits a workbook file the way a person filling it in would.
func setCells(t *testing.T, file string, cells map[string]string) {
	t.Helper()
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for c, v := range cells {
		if err := f.SetCellStr(f.GetSheetName(0), c, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestRegeneratedWorkbookReimport fills in a regenerated workbook, typing the
// unit's name differently, and imports it: the identity properties make it
// the next revision of the same submission, under the new version.
func TestRegeneratedWorkbookReimport(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	importHubei2022(t, data)
	if code, out, errs := jxIn(t, data, "regenerate", "--template", "hubei-dept@2023", "--unit", jiuzhuUnit, "-o", dir); code != 0 {
		t.Fatalf("regenerate: exit %d\n%s%s", code, out, errs)
	}
	file := filepath.Join(dir, jiuzhuUnit+"-2022-hubei-dept-2023.xlsx")
	setCells(t, file, map[string]string{"B3": "蔡甸区救助管理站", "B4": "王某", "G10": "20", "H10": "7.6"})
	// Still rejected (the other 分值/得分 are empty), but stored: recorded
	// under the submission's unit, not the name typed.
	code, out, errs := jxIn(t, data, "import", file)
	if code != 0 || !strings.Contains(out, "("+jiuzhuUnit+" 2022)") || !strings.Contains(out, "有错误 rejected 1") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs = jxIn(t, data, "history", jiuzhuUnit)
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("history: want 2 header lines and 2 revisions:\n%s", out)
	}
	first, second := strings.Fields(lines[2]), strings.Fields(lines[3])
	if first[1] != "hubei-dept@2022" || first[2] != "2022" || first[3] != "1" ||
		second[1] != "hubei-dept@2023" || second[2] != "2022" || second[3] != "2" || !strings.HasSuffix(lines[3], filepath.Base(file)) {
		t.Errorf("history:\n%s", out)
	}
	if code, _, _ := jxIn(t, data, "history", "蔡甸区救助管理站"); code == 0 {
		t.Error("the upload made a submission of the unit name typed in it")
	}
	// The submission is now of 2023: regenerating it again carries nothing over.
	code, out, _ = jxIn(t, data, "regenerate", "--template", "hubei-dept@2023", "--unit", jiuzhuUnit, "-o", dir)
	if code != 0 || !strings.Contains(out, "hubei-dept@2023 → 2023") || !strings.Contains(out, "0 values not carried") {
		t.Errorf("regenerate again: exit %d\n%s", code, out)
	}
}

func TestTemplateNewCommand(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	importHubei2022(t, data)

	// Blank, with the unit and year: no store needed.
	blank := filepath.Join(dir, "blank.xlsx")
	code, out, errs := jx(t, "template", "new", "--template", "national-dept", "--unit", "株洲市救助管理站", "--year", "2025", "-o", blank)
	if code != 0 || !strings.Contains(out, "national-dept@2024") {
		t.Fatalf("template new: exit %d\n%s%s", code, out, errs)
	}
	res := extractJSON(t, blank)
	if res.Template != "national-dept" || res.Fields["unit_name"].Raw != "株洲市救助管理站" || res.Fields["year"].Raw != "2025" ||
		len(res.Tables["indicators"]) != 0 {
		t.Errorf("blank: %s@%s, unit %q, year %q, %d rows", res.Template, res.Version, res.Fields["unit_name"].Raw,
			res.Fields["year"].Raw, len(res.Tables["indicators"]))
	}

	// With last year's rows: the 2022 submission carried onto the 2023 form,
	// targets kept and actuals emptied.
	next := filepath.Join(dir, "2023.xlsx")
	code, out, errs = jxIn(t, data, "template", "new", "--template", "hubei-dept@2023", "--unit", jiuzhuUnit, "--year", "2023",
		"--last-year", "-o", next)
	if code != 0 || !strings.Contains(out, "10 行指标") {
		t.Fatalf("template new --last-year: exit %d\n%s%s", code, out, errs)
	}
	res = extractJSON(t, next)
	if res.Version != "2023" || res.Fields["unit_name"].Raw != jiuzhuUnit || res.Fields["year"].Raw != "2023" ||
		!res.Fields["budget"].Empty() || len(res.Blocks["goals"]) != 1 || !strings.HasPrefix(res.Blocks["goals"][0].Fields["goal"].Raw, "一、全面提高") {
		t.Errorf("last year: %s@%s, unit %q, year %q, budget %q, %d goals", res.Template, res.Version, res.Fields["unit_name"].Raw,
			res.Fields["year"].Raw, res.Fields["budget"].Raw, len(res.Blocks["goals"]))
	}
	rows := indicatorsOf(res)
	if len(rows) != 10 {
		t.Fatalf("%d indicator rows, want 10", len(rows))
	}
	for _, r := range rows {
		if r.Value("level3").Empty() || r.Value("target").Empty() || !r.Value("actual").Empty() || !r.Value("score").Empty() {
			t.Errorf("row %d: level3 %q target %q actual %q score %q", r.Row, r.Value("level3").Raw, r.Value("target").Raw,
				r.Value("actual").Raw, r.Value("score").Raw)
		}
	}
	if res.Props[mapping.PropSubmission] != "" {
		t.Errorf("the new form claims last year's submission: %v", res.Props)
	}

	// Never over a file; no submission of the year before.
	before, _ := os.ReadFile(next)
	code, _, errs = jxIn(t, data, "template", "new", "--template", "hubei-dept", "--unit", jiuzhuUnit, "--year", "2023", "-o", next)
	if after, _ := os.ReadFile(next); code != exitFailure || !bytes.Equal(before, after) || !strings.Contains(errs, "exists") {
		t.Errorf("over an existing file: exit %d: %s", code, errs)
	}
	code, _, errs = jxIn(t, data, "template", "new", "--template", "hubei-dept", "--unit", jiuzhuUnit, "--year", "2030", "--last-year",
		"-o", filepath.Join(dir, "2030.xlsx"))
	if code != exitFailure || !strings.Contains(errs, "2029") {
		t.Errorf("no submission of 2029: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "2030.xlsx")); err == nil {
		t.Error("a file was written for a missing submission")
	}
}
