package template

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// TestEachTemplateDetectsAsItself: every shipped blank template and example
// is one form, of its own template (never of another id).
func TestEachTemplateDetectsAsItself(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range reg.Templates {
		blank, err := reg.Blank(tpl)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{"template.xlsx": blank}
		for _, ex := range reg.Examples(tpl) {
			files[ex] = readFS(t, ex)
		}
		for name, data := range files {
			wb, err := Read(name, data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			forms, err := mapping.DetectForms(wb, reg.Templates)
			if err != nil || len(forms) != 1 || forms[0].Template.ID != tpl.ID {
				t.Errorf("%s@%s %s: %v %v", tpl.ID, tpl.Version, name, formNames(forms), err)
			}
		}
	}
}

func formNames(fs []mapping.Form) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Sheet.Name+"="+f.Template.ID+"@"+f.Template.Version)
	}
	return out
}

// monitoringSheet lays out a 项目支出绩效目标执行监控表 on sheet: a
// different form carrying every label that once identified the 项目支出
// 自评表 (项目名称, 实施单位, 项目资金, 年度资金总额, 年度指标值, even an
// indicator table), but none of 全年执行数, 实际完成值, 分值, 得分, 总分.
// withScores adds those (a monitoring form some province extended): then
// only its title tells it apart.
func monitoringSheet(t *testing.T, f *excelize.File, sheet string, withScores bool) {
	t.Helper()
	rows := [][]string{
		{"2022年度项目支出绩效目标执行监控表"},
		{"项目名称", "城乡低保资金"},
		{"主管部门", "乐昌市民政局", "", "实施单位", "乐昌市民政局"},
		{"项目资金（万元）", "", "年初预算数", "1-7月执行数", "执行率", "全年预计执行数"},
		{"", "年度资金总额", "3000", "1500", "50%", "3000"},
		{"年度总体目标", "保障困难群众基本生活"},
		{"绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "全年预计完成情况", "偏差原因分析"},
		{"", "产出指标", "数量指标", "保障人数", "≥5000人", "4800人", "5000人", "无"},
	}
	if withScores {
		rows[3] = append(rows[3], "全年执行数", "分值", "得分")
		rows[6] = append(rows[6], "实际完成值", "分值", "得分")
		rows = append(rows, []string{"总分", "", "", "", "", "", "", "", "", "100", "90"})
	}
	for r, row := range rows {
		for c, text := range row {
			if text == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr(sheet, cell, text); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestLookAlikeFormIsRefused: a monitoring form is not read as the 项目支出
// 自评表: it lacks the labels only the 自评表 has, or (when it has them) its
// title is one the mapping names as absent. The error names what it lacks.
func TestLookAlikeFormIsRefused(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, withScores := range []bool{false, true} {
		f := excelize.NewFile()
		monitoringSheet(t, f, "Sheet1", withScores)
		var b bytes.Buffer
		if _, err := f.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		wb, err := Read("监控表.xlsx", b.Bytes(), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		forms, err := mapping.DetectForms(wb, reg.Templates)
		var de *mapping.DetectError
		if !errors.As(err, &de) {
			t.Fatalf("scores %v: monitoring form read as %v", withScores, formNames(forms))
		}
		msg := err.Error()
		want := "全年执行数"
		if withScores {
			want = "执行监控表"
		}
		if !strings.Contains(msg, "无法识别模板") || !strings.Contains(msg, "national-project@2020") || !strings.Contains(msg, want) {
			t.Errorf("scores %v: %s", withScores, msg)
		}
	}
}

// TestMonitoringSheetBesideForms: in a workbook holding a monitoring form
// beside real 自评表 sheets, only the 自评表 sheets are forms.
func TestMonitoringSheetBesideForms(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	fm, err := FindForm("national-project", "2020")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseData("dibao", readFS(t, "national-project/2020/examples/lechang-dibao-2021.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := fm.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("监控表"); err != nil {
		t.Fatal(err)
	}
	monitoringSheet(t, f, "监控表", false)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	wb, err := Read("both.xlsx", b.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	forms, err := mapping.DetectForms(wb, reg.Templates)
	if err != nil || len(forms) != 1 || forms[0].Sheet.Name != fm.Sheet {
		t.Fatalf("forms: %v %v", formNames(forms), err)
	}
}

// readFS reads a file of the shipped templates.
func readFS(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRetypedHeaders: a form whose indicator headers are typed the way
// other editions print them (年度目标值, 实际完成情况) is still its form, its
// rows read; the retyped detection labels are reported.
func TestRetypedHeaders(t *testing.T) {
	data := editExample(t, "hubei-dept/2022/examples/caidian-minzheng-2022.xlsx", func(f *excelize.File, sheet string) {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, text := range row {
				repl := map[string]string{"年初目标值": "年度目标值", "实际完成值": "实际完成情况"}[text]
				if repl == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(sheet, cell, repl); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
	orig := extractExample(t, "hubei-dept/2022/examples/caidian-minzheng-2022.xlsx")
	_, _, res, _ := whoOf(t, "retyped.xlsx", data)
	if res.Template != "hubei-dept" {
		t.Fatalf("read as %s", res.Template)
	}
	for i, b := range orig.Blocks["goals"] {
		got, want := res.Blocks["goals"][i].Tables["indicators"], b.Tables["indicators"]
		if len(got) != len(want) {
			t.Fatalf("goal %d: %d rows, want %d; problems %+v", i, len(got), len(want), res.Problems)
		}
		for r := range want {
			if got[r].Value("actual").Raw != want[r].Value("actual").Raw || got[r].Value("target").Raw != want[r].Value("target").Raw {
				t.Errorf("goal %d row %d: %+v, want %+v", i, r, got[r].Map(), want[r].Map())
			}
		}
	}
	missing := 0
	for _, p := range res.Problems {
		if p.Code == "detect-label-missing" {
			missing++
		}
	}
	if missing != 2 {
		t.Errorf("%d detection labels reported missing, want 2: %+v", missing, res.Problems)
	}
}

// extractExample extracts a shipped example as detected.
func extractExample(t *testing.T, rel string) *mapping.Result {
	t.Helper()
	_, _, res, _ := whoOf(t, rel, readFS(t, rel))
	return res
}
