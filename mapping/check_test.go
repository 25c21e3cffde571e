package mapping

import (
	"strings"
	"testing"
)

func checkTemplate(t *testing.T, rules string) *Template {
	t.Helper()
	tpl, err := Load("check.yaml", []byte(`
id: c
version: "1"
detect: [预算数]
fields:
  - {name: budget, title: 预算数, type: amount, label: 预算数, required: true}
  - {name: spent, title: 执行数, type: amount, label: 执行数}
  - {name: reason, title: 原因, label: 原因}
tables:
  - name: rows
    key: name
    stop: [合计]
    columns:
      - {name: level1, header: 一级指标, type: heading, filldown: true}
      - {name: name, header: 三级指标}
      - {name: weight, header: 分值, type: score}
      - {name: score, header: 得分, type: score}
`+rules))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func findings(t *testing.T, tpl *Template, grid string) []Finding {
	t.Helper()
	s := sheetFromText("表", grid)
	res, err := tpl.Extract(&Workbook{Sheets: []*Sheet{s}}, s)
	if err != nil {
		t.Fatal(err)
	}
	return tpl.Check(res)
}

func has(fs []Finding, rule, cell, sev string) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Cell == cell && f.Severity == sev {
			return true
		}
	}
	return false
}

const checkGrid = `预算数|100|执行数|99.99|原因|无
一级指标|三级指标|分值|得分
产出指标(10分)|甲|6|6
|乙|4|3
合计`

func TestCheckCompareBands(t *testing.T) {
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: same, found: spent, expected: budget, tolerance: settings.tolerance, at: [spent], message: "执行数 {fmt(spent)} 应等于预算数"}
`)
	fs := findings(t, tpl, checkGrid)
	if !has(fs, "same", "D1", SeverityWarning) {
		t.Errorf("0.01 off: want a warning at D1, got %+v", fs)
	}
	fs = findings(t, tpl, strings.Replace(checkGrid, "99.99", "99.9", 1))
	if !has(fs, "same", "D1", SeverityError) || fs[0].Expected != "100" || fs[0].Found != "99.9" || fs[0].Message != "执行数 99.9 应等于预算数" {
		t.Errorf("0.1 off: want an error at D1, got %+v", fs)
	}
	if fs := findings(t, tpl, strings.Replace(checkGrid, "99.99", "100", 1)); len(fs) != 0 {
		t.Errorf("equal: want no finding, got %+v", fs)
	}
	// An empty value makes the check not applicable; the reading rule reports it.
	fs = findings(t, tpl, strings.Replace(checkGrid, "|100|", "||", 1))
	if len(fs) != 1 || fs[0].Rule != "required" || fs[0].Cell != "B1" {
		t.Errorf("empty budget: want only the required finding, got %+v", fs)
	}
}

func TestCheckRowsAndGroups(t *testing.T) {
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: score-range, each: rows, assert: "row.score >= 0 and row.score <= row.weight", at: [score], message: "得分超出分值"}
    - id: reason
      each: rows
      when: row.score < row.weight
      assert: not placeholder(reason)
      at: [score, reason]
      message: "“{row.name}”得分低于分值，需说明原因"
    - id: level1-weight
      each: rows
      group: level1
      when: head.weight != nil
      found: total(group, "weight")
      expected: head.weight
      at: [level1]
      message: "{head.name} 分值合计 {fmt(total(group, \"weight\"))}，应为 {fmt(head.weight)}"
`)
	fs := findings(t, tpl, checkGrid)
	if !has(fs, "reason", "D4", SeverityError) || has(fs, "score-range", "D4", SeverityError) || has(fs, "level1-weight", "A3", SeverityError) {
		t.Errorf("findings = %+v", fs)
	}
	for _, f := range fs {
		if f.Rule == "reason" && (f.Message != "“乙”得分低于分值，需说明原因" || len(f.Related) != 1 || f.Related[0] != "表!F1") {
			t.Errorf("reason finding = %+v", f)
		}
	}
	fs = findings(t, tpl, strings.NewReplacer("|乙|4|3", "|乙|5|6", "原因|无", "原因|人数减少").Replace(checkGrid))
	if !has(fs, "score-range", "D4", SeverityError) || has(fs, "reason", "D4", SeverityError) || !has(fs, "level1-weight", "A3", SeverityError) {
		t.Errorf("findings = %+v", fs)
	}
	for _, f := range fs {
		if f.Rule == "level1-weight" && (f.Message != "产出指标 分值合计 11，应为 10" || f.Found != "11" || f.Expected != "10") {
			t.Errorf("level1-weight = %+v", f)
		}
	}
}

func TestCheckReadingRules(t *testing.T) {
	tpl := checkTemplate(t, "")
	fs := findings(t, tpl, strings.Replace(checkGrid, "|100|", "|约100|", 1))
	if !has(fs, "type", "B1", SeverityError) || fs[0].Found != "约100" {
		t.Errorf("type: %+v", fs)
	}
	fs = findings(t, tpl, strings.Replace(checkGrid, "预算数|100|", "预算|100|", 1))
	if len(fs) == 0 || fs[0].Rule != "required" || fs[0].Cell != "" {
		t.Errorf("missing required label: %+v", fs)
	}
}

// Checks grouping rows by the same column each see every group, in the
// order of its first row, with the group's own rows.
func TestCheckGroupsShared(t *testing.T) {
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: sizes, each: rows, group: level1, assert: "false", at: [level1], message: '{head.name} {len(group)} {group[len(group)-1].name}'}
    - {id: weights, each: rows, group: level1, found: 'total(group, "weight")', expected: head.weight, at: [level1], message: '{head.name} {fmt(total(group, "weight"))}'}
    - {id: rows, each: rows, assert: "false", at: [name], message: '{len(rows)}'}
`)
	grid := `预算数|100|执行数|100|原因|无
一级指标|三级指标|分值|得分
产出指标(10分)|甲|6|6
|乙|4|4
效益指标(20分)|丙|15|15
|丁|4|4
|戊|2|2
合计`
	var got []string
	for _, f := range findings(t, tpl, grid) {
		got = append(got, f.Rule+": "+f.Message)
	}
	want := []string{"sizes: 产出指标 2 乙", "sizes: 效益指标 3 戊", "weights: 效益指标 21",
		"rows: 5", "rows: 5", "rows: 5", "rows: 5", "rows: 5"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
