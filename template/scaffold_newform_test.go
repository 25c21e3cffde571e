package template_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

// TestScaffoldNewForm scaffolds a form jxsync does not ship from one filled
// sample and reads the sample with the proposal, unedited: every indicator
// row with its cells, the budget block's amounts, rate and scores, 自评总分
// at the top, the total row, unit and year; the check of the proposal
// against the sample fails nothing, and a blank copy of the form resolves
// too.
func TestScaffoldNewForm(t *testing.T) {
	reg := testkit.Registry(t)
	data := testkit.ProvinceForm(t, true, "")
	r, err := template.Scaffold("湘潭-自评表.xlsx", data, template.ScaffoldOptions{ID: "hunan-dept", Version: "2025", Known: reg.Templates, Blank: reg.Blank})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Notes) > 0 {
		t.Errorf("notes on a form the scaffold should place whole:\n%s", strings.Join(r.Notes, "\n"))
	}
	mc, err := template.CheckMapping("hunan-dept/2025/mapping.yaml", r.Mapping, r.Blank,
		[]template.Sample{{Name: "湘潭-自评表.xlsx", Data: data}}, reg.Templates)
	if err != nil {
		t.Fatal(err)
	}
	if n := mc.Failed(); n > 0 {
		t.Errorf("%d bindings fail on the sample: %+v", n, mc.Bindings)
	}
	wb, err := template.Read("湘潭-自评表.xlsx", data, template.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	forms, err := mapping.DetectForms(wb, append([]*mapping.Template{r.Template}, reg.Templates...))
	if err != nil || forms[0].Template != r.Template {
		t.Fatalf("the sample is not detected as the proposal: %v", err)
	}
	res, err := forms[0].Extract(wb)
	if err != nil {
		t.Fatal(err)
	}
	rows := res.Tables["indicators"]
	if len(rows) != len(testkit.ProvinceRows) {
		t.Fatalf("%d indicator rows, want %d\n%s", len(rows), len(testkit.ProvinceRows), r.Mapping)
	}
	level1, level2 := "", ""
	for i, want := range testkit.ProvinceRows {
		if want.Level1 != "" {
			level1, level2 = want.Level1, ""
		}
		if want.Level2 != "" {
			level2 = want.Level2
		}
		got := rows[i].Map()
		for col, w := range map[string]string{"level1": level1, "level2": level2, "level3": want.Level3, "explanation": want.Explain,
			"weight": want.Weight, "target": want.Target, "actual": want.Actual, "score": want.Score, "deviation": want.Reason} {
			if got[col].Raw != w || got[col].Error != "" {
				t.Errorf("row %d %s = %q %s, want %q", i+1, col, got[col].Raw, got[col].Error, w)
			}
		}
		if c := got["level3"].Cell; c != fmt.Sprintf("自评表!C%d", 8+i) {
			t.Errorf("row %d level3 at %s", i+1, c)
		}
	}
	for cell, want := range map[string]string{"自评表!D5": "500", "自评表!E5": "520.5", "自评表!F5": "500.28", "自评表!G5": "96.12%",
		"自评表!H5": "10", "自评表!I5": "9.6", "自评表!I2": "93.2", "自评表!E15": "90", "自评表!H15": "83.6"} {
		found := false
		for name, v := range res.Fields {
			if v.Cell == cell {
				found = true
				if v.Raw != want || v.Number == nil || v.Error != "" {
					t.Errorf("%s (%s) = %+v, want %q", name, cell, v, want)
				}
			}
		}
		if !found {
			t.Errorf("no field reads %s", cell)
		}
	}
	unit, year, _ := r.Template.Who(res)
	if unit != testkit.ProvinceUnit || year != 2025 {
		t.Errorf("identity %q %d", unit, year)
	}
	if s := r.Template.Score(res); s == nil || *s != 93.2 {
		t.Errorf("score = %v, want the 自评总分 93.2", s)
	}
	// A blank copy of the form resolves against the proposal.
	bwb, err := template.Read("blank.xlsx", testkit.ProvinceForm(t, false, ""), template.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := template.Check(r.Template, bwb); err != nil {
		t.Errorf("a blank copy of the form does not resolve: %v", err)
	}
}

// TestScaffoldBlankForm scaffolds the blank province form: with no value to
// go by, labels and geometry place the same fields, grid, table and totals,
// and the proposal reads the filled form at the same cells as one
// scaffolded from it.
func TestScaffoldBlankForm(t *testing.T) {
	reg := testkit.Registry(t)
	filled := testkit.ProvinceForm(t, true, "")
	fromFilled, err := template.Scaffold("filled.xlsx", filled, template.ScaffoldOptions{ID: "hunan-dept", Version: "2025", Known: reg.Templates, Blank: reg.Blank})
	if err != nil {
		t.Fatal(err)
	}
	fromBlank, err := template.Scaffold("blank.xlsx", testkit.ProvinceForm(t, false, ""), template.ScaffoldOptions{ID: "hunan-dept", Version: "2025", Known: reg.Templates, Blank: reg.Blank})
	if err != nil {
		t.Fatal(err)
	}
	mc, err := template.CheckMapping("mapping.yaml", fromBlank.Mapping, fromBlank.Blank, []template.Sample{{Name: "filled.xlsx", Data: filled}}, reg.Templates)
	if err != nil {
		t.Fatal(err)
	}
	if n := mc.Failed(); n > 0 {
		t.Errorf("%d bindings of the blank's proposal fail on the filled form:\n%s", n, fromBlank.Mapping)
	}
	wb, err := template.Read("filled.xlsx", filled, template.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := fromFilled.Template.Extract(wb, wb.Sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	got, err := fromBlank.Template.Extract(wb, wb.Sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	// Cells and values read, as "Sheet!A1 value" (a cell may hold two
	// values: the title and its year, 填表人 and 填报日期).
	cells := func(res *mapping.Result) map[string]bool {
		out := map[string]bool{}
		for _, v := range res.Fields {
			if !v.Empty() {
				out[v.Cell+" "+v.Raw] = true
			}
		}
		for _, rows := range res.Tables {
			for _, r := range rows {
				for _, v := range r.All() {
					if !v.Empty() {
						out[v.Cell+" "+v.Raw] = true
					}
				}
			}
		}
		return out
	}
	w, g := cells(want), cells(got)
	for cv := range w {
		if !g[cv] {
			t.Errorf("the filled form's proposal reads %s, the blank's does not", cv)
		}
	}
	if len(w) < 70 {
		t.Errorf("only %d values compared", len(w))
	}
}

// TestScaffoldTwoRowHeaderAndNotes: a table whose 指标值 header spans
// 年度指标值 | 实际完成值 in the row below is read by both rows; a value
// with no label anywhere near it is named in the notes (and at the top of
// the mapping) rather than silently dropped.
func TestScaffoldTwoRowHeaderAndNotes(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(a, b string) {
		if err := f.MergeCell(sh, a, b); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "2025年度项目支出绩效自评表")
	merge("A1", "G1")
	set("A2", "项目名称")
	set("B2", "城乡低保")
	set("F2", "编号 3-17") // a note with no label
	for i, h := range []string{"一级指标", "二级指标", "三级指标"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		c2, _ := excelize.CoordinatesToCellName(i+1, 4)
		set(c, h)
		merge(c, c2)
	}
	set("D3", "指标值")
	merge("D3", "E3")
	set("D4", "年度指标值")
	set("E4", "实际完成值")
	set("F3", "分值")
	merge("F3", "F4")
	set("G3", "得分")
	merge("G3", "G4")
	rows := [][]any{
		{"产出指标", "数量指标", "保障人数", "≥1200人", "1260人", 50, 50},
		{"效益指标", "社会效益指标", "困难群众基本生活", "有效保障", "达成年度指标", 50, 48},
	}
	for i, r := range rows {
		for j, v := range r {
			c, _ := excelize.CoordinatesToCellName(j+1, 5+i)
			set(c, v)
		}
	}
	set("A7", "总分")
	merge("A7", "E7")
	set("F7", 100)
	set("G7", 98)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	r, err := template.Scaffold("two-rows.xlsx", b.Bytes(), template.ScaffoldOptions{ID: "x-project", Version: "2025"})
	if err != nil {
		t.Fatal(err)
	}
	wb, err := template.Read("two-rows.xlsx", b.Bytes(), template.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Template.Extract(wb, wb.Sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	got := res.Tables["indicators"]
	if len(got) != 2 || got[0].Value("target").Raw != "≥1200人" || got[0].Value("actual").Raw != "1260人" ||
		got[1].Value("score").Raw != "48" || got[1].Value("level1").Raw != "效益指标" {
		t.Errorf("rows: %+v\n%s", got, r.Mapping)
	}
	if v := res.Fields["project_name"]; v.Raw != "城乡低保" || r.Template.Identity.Subject != "project_name" {
		t.Errorf("project_name = %+v, subject %q", v, r.Template.Identity.Subject)
	}
	notes := strings.Join(r.Notes, "\n")
	if !strings.Contains(notes, "F2") || !strings.Contains(notes, "编号 3-17") || !strings.Contains(string(r.Mapping), "# - F2 的“编号 3-17”") {
		t.Errorf("the unplaced value is not named:\n%s\n%s", notes, r.Mapping)
	}
	if !strings.Contains(notes, "identity.unit") {
		t.Errorf("the missing unit is not named:\n%s", notes)
	}
}
