package mapping

import (
	"strings"
	"testing"
)

// readingTemplate is a small 自评表: a title holding the year, the unit,
// two amounts read by their column in one row, a pattern field and a table.
func readingTemplate(t *testing.T) *Template {
	t.Helper()
	tpl, err := Load("reading.yaml", []byte(`
id: r
version: "2022"
title: 部门整体绩效自评表
detect: [单位名称]
identity:
  unit: [unit]
  year: [year]
fields:
  - {name: title, title: 表名, label: 部门整体绩效自评表, match: contains, dir: self}
  - {name: year, title: 年度, type: number, label: 部门整体绩效自评表, match: contains, dir: self, pattern: '(\d{4})\s*年度'}
  - {name: unit, title: 单位名称, label: 单位名称, required: true}
  - {name: budget, title: 预算数, type: amount, label: 支出总额, column: 预算数, required: true}
  - {name: spent, title: 执行数, type: amount, label: 支出总额, column: 执行数, required: true}
  - {name: general, title: 一般公共预算, type: amount, label: 一般公共预算, match: contains, dir: self, pattern: '一般公共预算:\s*(\d.*)$', required: true}
tables:
  - name: rows
    title: 绩效指标
    key: name
    stop: [合计]
    columns:
      - {name: name, title: 三级指标, header: 三级指标}
      - {name: weight, title: 分值, header: 分值, type: score, required: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

const readingGrid = `2022年度部门整体绩效自评表
单位名称|甲单位
|预算数|执行数
支出总额|100|90
一般公共预算：100
三级指标|分值
人数|5
次数|5
合计`

func readingFindings(t *testing.T, grid string) []Finding {
	t.Helper()
	return findings(t, readingTemplate(t), grid)
}

func TestReadingClean(t *testing.T) {
	if fs := readingFindings(t, readingGrid); len(fs) != 0 {
		t.Errorf("the form as filled: %+v", fs)
	}
}

// The title row holds 表名 and 年度: without it the year cannot be read,
// and that is one identity finding saying what to type, not one per field.
func TestReadingTitleMissing(t *testing.T) {
	fs := readingFindings(t, strings.Replace(readingGrid, "2022年度部门整体绩效自评表", "", 1))
	if len(fs) != 1 || fs[0].Rule != RuleIdentity || fs[0].Severity != SeverityError || fs[0].Cell != "" ||
		fs[0].Message != "表头缺少“XXXX年度”标题行，无法确定年度：请在表格第一行填写标题，如“2022年度部门整体绩效自评表” (title row with the year not found)" {
		t.Errorf("title row removed: %+v", fs)
	}
	// The title without its year: the identity finding is at the title cell.
	fs = readingFindings(t, strings.Replace(readingGrid, "2022年度", "", 1))
	if len(fs) != 1 || fs[0].Rule != RuleIdentity || fs[0].Cell != "A1" || !strings.Contains(fs[0].Message, "表头没有写明年度，无法确定年度") {
		t.Errorf("title without its year: %+v", fs)
	}
}

// An empty unit name is the identity finding at its cell, not also the
// required one.
func TestReadingUnitEmpty(t *testing.T) {
	fs := readingFindings(t, strings.Replace(readingGrid, "单位名称|甲单位", "单位名称|", 1))
	if len(fs) != 1 || fs[0].Rule != RuleIdentity || fs[0].Cell != "B2" ||
		fs[0].Message != "单位名称 为空，无法确定填报单位：请填写单位全称 (unit name is empty)" {
		t.Errorf("unit empty: %+v", fs)
	}
	fs = readingFindings(t, strings.Replace(readingGrid, "单位名称|甲单位", "单位|甲单位", 1))
	if len(fs) != 1 || fs[0].Rule != RuleIdentity || !strings.Contains(fs[0].Message, "表中找不到“单位名称”，无法确定填报单位") {
		t.Errorf("unit label missing: %+v", fs)
	}
}

// Fields located by one missing label are one finding naming them; a field
// whose column header is missing is one finding per header, at the label's
// row; a pattern that does not match is not also an empty required cell.
func TestReadingOneFindingPerCause(t *testing.T) {
	fs := readingFindings(t, strings.Replace(readingGrid, "支出总额|", "总额|", 1))
	if len(fs) != 1 || fs[0].Rule != "required" || fs[0].Cell != "" ||
		fs[0].Message != "表中找不到“支出总额”，“预算数”“执行数” 没有读取：请按表样补上“支出总额”及其内容 (label not found)" {
		t.Errorf("shared label missing: %+v", fs)
	}
	fs = readingFindings(t, strings.Replace(readingGrid, "|预算数|执行数", "|预算|执行数", 1))
	if len(fs) != 1 || fs[0].Rule != "required" || fs[0].Cell != "A4" ||
		fs[0].Message != "找不到列标题“预算数”，“预算数” 没有读取：请按表样保留“预算数”列标题 (column header not found)" {
		t.Errorf("column header missing: %+v", fs)
	}
	fs = readingFindings(t, strings.Replace(readingGrid, "一般公共预算：100", "一般公共预算：一百", 1))
	if len(fs) != 1 || fs[0].Rule != "required" || fs[0].Cell != "A5" || !strings.Contains(fs[0].Message, "写法与表样不同") {
		t.Errorf("pattern not matched: %+v", fs)
	}
	fs = readingFindings(t, strings.Replace(readingGrid, "三级指标|分值", "三级指标|权重", 1))
	if len(fs) != 1 || fs[0].Rule != "required" ||
		fs[0].Message != "找不到“绩效指标”的表头（三级指标、分值），整张表没有读取：请按表样保留表头的各列标题 (table header not found)" {
		t.Errorf("table header missing: %+v", fs)
	}
}

// Empty and unreadable cells name the row and the column's caption and say
// what to type.
func TestReadingValues(t *testing.T) {
	fs := readingFindings(t, strings.Replace(readingGrid, "人数|5\n次数|5", "人数|\n次数|五分", 1))
	if len(fs) != 2 ||
		fs[0].Rule != "required" || fs[0].Cell != "B7" || fs[0].Message != "第7行 分值 为空，请填写 (required cell is empty)" ||
		fs[1].Rule != "type" || fs[1].Cell != "B8" || fs[1].Message != "第8行 分值 填的“五分”不是数字：请填写数字，如 4.5 (not a number)" {
		t.Errorf("row values: %+v", fs)
	}
	fs = readingFindings(t, strings.Replace(readingGrid, "支出总额|100|90", "支出总额|约100|90", 1))
	if len(fs) != 1 || fs[0].Rule != "type" || fs[0].Message != "预算数 填的“约100”不是金额：请填写数字，如 110.35 (not an amount)" ||
		fs[0].Expected != "金额" || fs[0].Found != "约100" {
		t.Errorf("field value: %+v", fs)
	}
}

// A table that ends early says where and which rows are not read.
func TestReadingTableGap(t *testing.T) {
	fs := readingFindings(t, strings.Replace(readingGrid, "人数|5\n", "人数|5\n填表说明：分值按文件填写\n", 1))
	if len(fs) != 1 || fs[0].Rule != "table-gap" || fs[0].Cell != "A9" ||
		fs[0].Message != "“绩效指标”读到第7行就中断了，第9行起的内容没有读取：请把第8行的说明、合计等内容删除或移到表格下方，使表格连续 (table ends at row 7; row 9 and below not read)" {
		t.Errorf("table gap: %+v", fs)
	}
}

// A detection label that is missing is one finding; when a field's label
// is the same text the field's finding says it.
func TestReadingDetectLabelMissing(t *testing.T) {
	tpl := detectTemplate(t, "")
	run := func(grid string) []Finding {
		forms, err := DetectForms(&Workbook{Sheets: []*Sheet{sheetFromText("表", grid)}}, []*Template{tpl})
		if err != nil || len(forms) != 1 {
			t.Fatalf("detect: %+v %v", forms, err)
		}
		res, err := forms[0].Extract(&Workbook{})
		if err != nil {
			t.Fatal(err)
		}
		return tpl.Check(res)
	}
	fs := run(strings.Replace(smallForm, "项目名称", "项 目 名 字", 1))
	if len(fs) != 1 || fs[0].Rule != "binding" || fs[0].Message != "表中找不到“项目名称”：请按表样补上“项目名称”并填写 (label not found)" {
		t.Errorf("retyped label of a field: %+v", fs)
	}
	tpl.Fields = nil
	fs = run(strings.Replace(smallForm, "项目名称", "项 目 名 字", 1))
	if len(fs) != 1 || fs[0].Rule != "detect-label-missing" || !strings.HasPrefix(fs[0].Message, "表中找不到本表的标签“项目名称”") {
		t.Errorf("retyped detection label: %+v", fs)
	}
}

// A check's cell key points the finding at the cell to edit, the values
// that broke the rule related; when that cell was not read, at the first of
// At.
func TestCheckCell(t *testing.T) {
	tpl := checkTemplate(t, `
rules:
  checks:
    - id: reason
      each: rows
      when: row.score < row.weight
      assert: not placeholder(reason)
      cell: reason
      at: [score, weight]
      message: "“{row.name}”得分低于分值，请在“原因”中说明 (explain the lost points)"
`)
	fs := findings(t, tpl, checkGrid)
	if len(fs) != 1 || fs[0].Cell != "F1" || fs[0].Found != "无" || strings.Join(fs[0].Related, " ") != "表!D4 表!C4" {
		t.Errorf("reason finding: %+v", fs)
	}
	fs = findings(t, tpl, strings.Replace(checkGrid, "|原因|无", "", 1))
	if len(fs) != 2 || fs[0].Rule != "binding" || fs[1].Cell != "D4" || strings.Join(fs[1].Related, " ") != "表!C4" {
		t.Errorf("reason cell not read: %+v", fs)
	}
	_, err := Load("check.yaml", []byte(`
id: c
version: "1"
detect: [预算数]
fields:
  - {name: budget, label: 预算数}
rules:
  checks:
    - {id: x, assert: "budget != nil", cell: reasons, at: [budget], message: m}
`))
	if err == nil || !strings.Contains(err.Error(), `cell: no field or column "reasons"`) {
		t.Errorf("unknown cell: %v", err)
	}
}

// A unit name that is a formula without a calculated value says so, in the
// identity finding.
func TestReadingUnitUncached(t *testing.T) {
	tpl := readingTemplate(t)
	s := sheetFromText("表", strings.Replace(readingGrid, "单位名称|甲单位", "单位名称|", 1))
	s.Uncached = []string{"B2"}
	res, err := tpl.Extract(&Workbook{Sheets: []*Sheet{s}}, s)
	if err != nil {
		t.Fatal(err)
	}
	fs := tpl.Check(res)
	if len(fs) != 1 || fs[0].Rule != RuleIdentity || fs[0].Cell != "B2" || !strings.Contains(fs[0].Message, "是公式但没有计算结果，无法确定填报单位") {
		t.Errorf("unit formula without a value: %+v", fs)
	}
}
