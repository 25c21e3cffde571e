package mapping

import (
	"errors"
	"strings"
	"testing"
)

// detectTemplate is a small form: two labels, one table, a title pattern
// and a label that must be absent.
func detectTemplate(t *testing.T, extra string) *Template {
	t.Helper()
	tpl, err := Load("detect.yaml", []byte(`
id: small
version: "1"
detect: [项目名称, 实际完成值]
`+extra+`
fields:
  - {name: project, label: 项目名称}
tables:
  - name: rows
    columns:
      - {name: level3, header: 三级指标}
      - {name: target, header: 年度指标值}
      - {name: actual, header: 实际完成值}
`))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

const smallForm = `项目支出绩效自评表
项目名称|城乡低保
三级指标|年度指标值|实际完成值
保障人数|≥5000人|5100人`

func TestDetectStructure(t *testing.T) {
	tpl := detectTemplate(t, "")
	for _, c := range []struct {
		name, grid string
		want       bool
	}{
		{"the form", smallForm, true},
		{"label with its value in the cell", "项目名称：城乡低保\n三级指标|年度指标值|实际完成值\n保障人数|≥5000人|5100人", true},
		{"labels quoted in sentences", "填表说明\n1. “项目名称”按批复填写，实际完成值按年底数填写。\n2. 三级指标、年度指标值、实际完成值应一致。", false},
		{"labels in a list, headers not in one row", "栏目|说明\n项目名称|按批复填写\n三级指标|指标名称\n年度指标值|目标\n实际完成值|年底数", false},
		{"label starting a sentence", "项目名称应与批复一致\n三级指标|年度指标值|实际完成值", false},
		{"table header missing", "项目名称|城乡低保\n实际完成值|100", false},
	} {
		ok, _, missing := tpl.Match(sheetFromText("表", c.grid))
		if ok != c.want {
			t.Errorf("%s: match %v (missing %v), want %v", c.name, ok, missing, c.want)
		}
	}
}

func TestDetectAbsentAndTitle(t *testing.T) {
	absent := detectTemplate(t, "detect_absent: [执行监控表]")
	if ok, _, _ := absent.Match(sheetFromText("表", smallForm)); !ok {
		t.Error("detect_absent refused the form")
	}
	monitor := "2022年度项目支出绩效目标执行监控表\n" + smallForm[strings.Index(smallForm, "\n")+1:]
	if ok, _, missing := absent.Match(sheetFromText("表", monitor)); ok || !strings.Contains(strings.Join(missing, " "), "执行监控表") {
		t.Errorf("detect_absent let a monitoring form through: %v", missing)
	}

	titled := detectTemplate(t, "detect_title: '项目支出绩效自评表$'")
	if ok, _, missing := titled.Match(sheetFromText("表", smallForm)); !ok {
		t.Errorf("title pattern refused the form: %v", missing)
	}
	other := "项目支出绩效目标申报表\n" + smallForm[strings.Index(smallForm, "\n")+1:]
	if ok, _, missing := titled.Match(sheetFromText("表", other)); ok || !strings.Contains(strings.Join(missing, " "), "标题") {
		t.Errorf("title pattern let another title through: %v", missing)
	}
	if _, err := Load("bad.yaml", []byte("id: x\nversion: \"1\"\ndetect: [a]\ndetect_title: '('\n")); err == nil ||
		!strings.Contains(err.Error(), "detect_title") {
		t.Errorf("bad detect_title: %v", err)
	}
}

func TestDetectFormsPerSheet(t *testing.T) {
	tpl := detectTemplate(t, "")
	wb := &Workbook{Name: "x.xlsx", Sheets: []*Sheet{
		sheetFromText("封面", "2022年度绩效自评材料\n乐昌市民政局"),
		sheetFromText("甲", smallForm),
		sheetFromText("乙", strings.Replace(smallForm, "城乡低保", "特困供养", 1)),
	}}
	forms, err := DetectForms(wb, []*Template{tpl})
	if err != nil || len(forms) != 2 || forms[0].Sheet.Name != "甲" || forms[1].Sheet.Name != "乙" {
		t.Fatalf("forms: %+v %v", forms, err)
	}
	_, err = DetectForms(&Workbook{Name: "cover.xlsx", Sheets: wb.Sheets[:1]}, []*Template{tpl})
	var de *DetectError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "项目名称") || !strings.Contains(err.Error(), "cover.xlsx") {
		t.Errorf("no form: %v", err)
	}
	// A forced template reads the closest sheet when none passes.
	if fs := tpl.FormsOf(&Workbook{Sheets: []*Sheet{sheetFromText("a", "x"), sheetFromText("b", "项目名称|y")}}); len(fs) != 1 || fs[0].Sheet.Name != "b" {
		t.Errorf("forced: %+v", fs)
	}
}

func TestIsLabelCell(t *testing.T) {
	for _, c := range []struct {
		cell, label string
		want        bool
	}{
		{"项目名称", "项目名称", true},
		{"项目名称:城乡低保", "项目名称", true},
		{"产出指标(40分)", "产出指标", true},
		{"项目名称应与批复一致", "项目名称", false},
		{"1.项目名称按批复填写", "项目名称", false},
		{"项目", "项目名称", false},
	} {
		if got := isLabelCell(c.cell, c.label); got != c.want {
			t.Errorf("isLabelCell(%q, %q) = %v", c.cell, c.label, got)
		}
	}
}

// fieldTemplate reads a unit and a date the ways agencies type them.
func fieldTemplate(t *testing.T) *Template {
	t.Helper()
	tpl, err := Load("fields.yaml", []byte(`
id: fields
version: "1"
detect: [单位名称]
fields:
  - {name: unit, label: 单位名称}
  - {name: date, type: date, label: 填报日期, match: contains, dir: self, pattern: '填报日期:\s*(.*)$'}
  - {name: title_year, type: number, label: 自评表, match: contains, dir: self, pattern: '(\d{4})\s*年', optional: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestFieldsAsTyped(t *testing.T) {
	tpl := fieldTemplate(t)
	read := func(grid string) *Result {
		s := sheetFromText("表", grid)
		res, err := tpl.Extract(&Workbook{Name: "x.xlsx", Sheets: []*Sheet{s}}, s)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// Label and value in separate cells; the date inside its label cell.
	res := read("2023年度自评表\n单位名称|甲单位\n填报日期：2023年1月5日")
	if res.Fields["unit"].Text != "甲单位" || res.Fields["date"].Text != "2023-01-05" || res.Fields["title_year"].Raw != "2023" {
		t.Errorf("separate cells: %+v", res.Fields)
	}
	// The unit inside its label cell, with a second label after it; the
	// date in the cell beside its label.
	res = read("自评表\n单位名称：乙单位  联系人：王某\n填报日期：|2023/1/5")
	if u := res.Fields["unit"]; u.Text != "乙单位" || u.Cell != "表!A2" {
		t.Errorf("inline unit: %+v", u)
	}
	if d := res.Fields["date"]; d.Text != "2023-01-05" || d.Cell != "表!B3" {
		t.Errorf("date beside its label: %+v", d)
	}
	// An optional field not found reports nothing; a required one would.
	if _, ok := res.Fields["title_year"]; ok || len(res.Problems) != 0 {
		t.Errorf("optional title year: %+v, problems %+v", res.Fields["title_year"], res.Problems)
	}
	// The cell beside an empty label that is itself a label is not the value.
	res = read("单位名称|丙单位\n填报日期：|联系电话：")
	if d := res.Fields["date"]; !d.Empty() || d.Cell != "表!A2" {
		t.Errorf("label beside the date label: %+v", d)
	}
}

// TestNearForm: a sheet with the form's tables but one detection label
// retyped is still read as the form, the label reported; without its table
// it is no form.
func TestNearForm(t *testing.T) {
	tpl := detectTemplate(t, "")
	retyped := strings.Replace(smallForm, "项目名称", "项 目 名 字", 1)
	forms, err := DetectForms(&Workbook{Sheets: []*Sheet{sheetFromText("表", retyped)}}, []*Template{tpl})
	if err != nil || len(forms) != 1 || strings.Join(forms[0].Missing, ",") != "项目名称" {
		t.Fatalf("near form: %+v %v", forms, err)
	}
	res, err := forms[0].Extract(&Workbook{})
	if err != nil || len(res.Problems) == 0 || res.Problems[len(res.Problems)-1].Code != "detect-label-missing" {
		t.Errorf("near form problems: %+v %v", res, err)
	}
	if _, err := DetectForms(&Workbook{Sheets: []*Sheet{sheetFromText("表", "项目名称|x\n三级指标|年度指标值")}}, []*Template{tpl}); err == nil {
		t.Error("a sheet without the table read as a form")
	}
}
