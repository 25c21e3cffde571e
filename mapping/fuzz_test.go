package mapping

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var allTypes = []Type{TypeText, TypeAmount, TypePercent, TypeCount, TypeDate, TypeIndicator, TypeScore, TypeNumber, TypeHeading}

// FuzzParse checks that every value parser accepts any text without
// panicking and that a value without error is consistent.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"110.36万元", "22,577.06", "≥7500", "至少1个小区", "100%保障", "2022.3.20",
		"产出指标\n\n(40分)", "约100", "—", "99.96%", "1e308", "-0", "达成年度指标", "≤3‰", "90%以上", "",
		"1,,2", ",5", "5,", "以下", "≥", "１２３", "(分)", "( 3 分 )",
		"500余份", "约100人", "300多人次", "1000余人以上", "4000户以上", "约≥", "≥约", "约", "余", "左右", "以上（含）",
		"2023年1月", "2023.01", "2023-01-05 10:30", "￥1,103,600", "¥ -", "――", "\u200b"} {
		f.Add(s, "44640")
	}
	f.Fuzz(func(t *testing.T, text, raw string) {
		for _, ty := range allTypes {
			v := Parse(ty, "", Cell{Text: text, Raw: raw})
			if v.Raw != text {
				t.Fatalf("%s %q: Raw changed to %q", ty, text, v.Raw)
			}
			if v.Error != "" && v.Number != nil {
				t.Fatalf("%s %q: both error and number", ty, text)
			}
			if v.Empty() || v.Error != "" {
				continue
			}
			switch ty {
			case TypeAmount, TypePercent, TypeScore, TypeNumber, TypeCount:
				if v.Number == nil {
					t.Fatalf("%s %q: no number and no error", ty, text)
				}
			case TypeIndicator:
				if !v.Qualitative && v.Number == nil {
					t.Fatalf("indicator %q: neither qualitative nor a number", text)
				}
				if strings.HasPrefix(v.Unit, "余") || strings.HasPrefix(v.Unit, "多") || strings.HasSuffix(v.Unit, "以上") {
					t.Fatalf("indicator %q: qualifier in unit %q", text, v.Unit)
				}
			case TypeDate:
				if len(v.Text) != 10 {
					t.Fatalf("date %q: %q", text, v.Text)
				}
			}
			if utf8.ValidString(text) && !utf8.ValidString(v.Text) {
				t.Fatalf("%s %q: invalid UTF-8 out", ty, text)
			}
		}
	})
}

// FuzzExtract runs a template over a sheet whose cells come from the fuzzer:
// it must never panic, and every value it returns must name its cell.
func FuzzExtract(f *testing.F) {
	f.Add("单位名称|武汉市\n年度目标1:甲\n一级指标|二级指标|三级指标|年初目标值|实际完成值\n产出指标|数量指标|人次|≥10|9\n偏差大或目标未完成原因分析|无", uint8(3))
	f.Add("年度目标\n年度目标\n一级指标|二级指标|三级指标|年初目标值|实际完成值\n\n\nx|y|z", uint8(0))
	tpl := testTemplate(f)
	f.Fuzz(func(t *testing.T, grid string, merge uint8) {
		s := sheetFromText("S", grid)
		if len(s.Rows) > 0 && merge > 0 {
			s.Merges = append(s.Merges, Range{0, 0, int(merge % 4), int(merge % 3)})
		}
		res, err := tpl.Extract(&Workbook{Name: "fuzz.xlsx", Sheets: []*Sheet{s}}, s)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range res.Fields {
			if !strings.HasPrefix(v.Cell, "S!") {
				t.Fatalf("field %s without cell: %+v", name, v)
			}
		}
	})
}

// sheetFromText builds a sheet from lines of |-separated cells; ⏎ stands for
// a line break inside a cell.
func sheetFromText(name, grid string) *Sheet {
	s := &Sheet{Name: name}
	for _, line := range strings.Split(grid, "\n") {
		var row []Cell
		for _, c := range strings.Split(line, "|") {
			c = strings.ReplaceAll(c, "⏎", "\n")
			row = append(row, Cell{Text: c, Raw: c})
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// testTemplate is a small Hubei-like template used by engine tests.
func testTemplate(tb testing.TB) *Template {
	tb.Helper()
	t, err := Load("test.yaml", []byte(`
id: test
version: "1"
detect: [单位名称]
fields:
  - {name: unit, label: 单位名称, required: true}
  - {name: reason, label: 偏差大或目标未完成原因分析}
  - {name: budget, type: amount, label: 部门整体支出总额, column: "预算数（A）"}
blocks:
  - name: goals
    start: 年度目标
    end: [偏差大或目标未完成原因分析]
    fields:
      - {name: goal, label: 年度目标, match: prefix, dir: self, pattern: '^年度目标\s*\d*\s*:?\s*(.*)$'}
    tables:
      - name: rows
        key: level3
        stop: [偏差大或目标未完成原因分析, 年度目标]
        columns:
          - {name: level1, header: 一级指标, type: heading, filldown: true}
          - {name: level2, header: 二级指标, type: heading, filldown: true}
          - {name: level3, header: 三级指标}
          - {name: target, header: [年初目标值, 年度指标值], type: indicator}
          - {name: actual, header: 实际完成值, type: indicator}
`))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}
