package mapping

import (
	"strings"
	"testing"
)

// wordsTemplate is testTemplate with the titles people read on the form.
func wordsTemplate(tb testing.TB) *Template {
	tb.Helper()
	t, err := Load("words.yaml", []byte(`
id: test
version: "1"
detect: [单位名称]
fields:
  - {name: unit, title: 单位名称, label: 单位名称, required: true}
  - {name: reason, title: 偏差大或目标未完成原因分析, label: 偏差大或目标未完成原因分析}
  - {name: budget, title: 预算数（A）, type: amount, label: 部门整体支出总额, column: "预算数（A）"}
blocks:
  - name: goals
    title: 年度目标
    start: 年度目标
    end: [偏差大或目标未完成原因分析]
    fields:
      - {name: goal, title: 年度目标, label: 年度目标, match: prefix, dir: self, pattern: '^年度目标\s*\d*\s*:?\s*(.*)$'}
    tables:
      - name: rows
        title: 年度绩效目标完成情况
        key: level3
        stop: [偏差大或目标未完成原因分析, 年度目标]
        columns:
          - {name: level1, title: 一级指标, header: 一级指标, type: heading, filldown: true}
          - {name: level2, title: 二级指标, header: 二级指标, type: heading, filldown: true}
          - {name: level3, title: 三级指标, header: 三级指标}
          - {name: target, title: 年初目标值, header: [年初目标值, 年度指标值], type: indicator}
          - {name: actual, title: 实际完成值, header: 实际完成值, type: indicator}
`))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func wordsExtract(t *testing.T, tpl *Template, grid string) *Result {
	t.Helper()
	s := sheetFromText("表", grid)
	res, err := tpl.Extract(&Workbook{Name: "x.xlsx", Sheets: []*Sheet{s}}, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDiffWords(t *testing.T) {
	tpl := wordsTemplate(t)
	a := wordsExtract(t, tpl, hubeiLike)
	// Formatting alone: trailing zeros, a space inside a label, spaces
	// around a value.
	same := strings.NewReplacer("110.36万元", "110.360", "|死亡率|", "|死亡 率|", "|38人次", "| 38人次 ").Replace(hubeiLike)
	if d := DiffWords(tpl, tpl, a, wordsExtract(t, tpl, same)); len(d) != 0 {
		t.Errorf("formatting-only changes differ: %+v", d)
	}
	changed := strings.NewReplacer(
		"|救助人次|100人次|38人次", "|救助人次|100人次|40人次", // goal 1, row 1
		"110.36万元", "1,083.17", // a field
		"|||收治率|100%|100%\n", "", // goal 1, row 3 removed: row 4 moves up
		"|产出指标|数量指标|站点|≥10个|11个", "|产出指标|数量指标|站点|≥10个|11个\n|||网点|5个|5个", // goal 2, row 2 added
	).Replace(hubeiLike)
	var got []string
	for _, d := range DiffWords(tpl, tpl, a, wordsExtract(t, tpl, changed)) {
		got = append(got, d.Where+": "+d.Kind+" "+d.Old+" → "+d.New)
	}
	want := []string{
		"预算数（A）: changed 110.36万元 → 1,083.17",
		"第1个年度目标 第1行 三级指标“救助人次” 实际完成值: changed 38人次 → 40人次",
		"第1个年度目标 第3行 三级指标“权益” 一级指标: changed 产出指标 → 效益指标",
		"第1个年度目标 第3行 三级指标“权益” 二级指标: changed 质量指标 → 社会效益指标",
		"第1个年度目标 第3行 三级指标: changed 收治率 → 权益",
		"第1个年度目标 第3行 三级指标“权益” 年初目标值: changed 100% → 是",
		"第1个年度目标 第3行 三级指标“权益” 实际完成值: changed 100% → 是",
		"第1个年度目标 第4行 三级指标“权益”: removed 一级指标 效益指标；二级指标 社会效益指标；年初目标值 是；实际完成值 是 → ",
		"第2个年度目标 第2行 三级指标“网点”: added  → 一级指标 产出指标；二级指标 数量指标；年初目标值 5个；实际完成值 5个",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DiffWords:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A goal fewer.
	oneGoal := hubeiLike[:strings.Index(hubeiLike, "年度目标2")] + "偏差大或目标未完成原因分析|无"
	d := DiffWords(tpl, tpl, a, wordsExtract(t, tpl, oneGoal))
	if len(d) != 1 || d[0].Where != "第2个年度目标" || d[0].Kind != "removed" || d[0].Old != "乙目标" || d[0].Path != "blocks.goals[1]" {
		t.Errorf("a goal removed: %+v", d)
	}
}

func TestSameValue(t *testing.T) {
	p := func(ty Type, s string) Value { return Parse(ty, "", Cell{Text: s}) }
	if p(TypeAmount, "一百").Error == "" {
		t.Fatal("一百 reads as an amount: the unreadable cases below test nothing")
	}
	for _, c := range []struct {
		a, b Value
		same bool
	}{
		{p(TypeAmount, "1,083.17"), p(TypeAmount, "1083.17"), true},
		{p(TypeAmount, "110.36万元"), p(TypeAmount, "110.36"), true},
		{p(TypeAmount, "—"), p(TypeAmount, ""), true},
		{p(TypeAmount, "110.36"), p(TypeAmount, "110.37"), false},
		{p(TypeIndicator, "≥100个"), p(TypeIndicator, "＞=100个"), true},
		{p(TypeIndicator, "≥100个"), p(TypeIndicator, "≥100张"), false},
		{p(TypeIndicator, "≥100个"), p(TypeIndicator, "100个"), false},
		{p(TypeText, "社会效益指\n标"), p(TypeText, "社会效益指标"), true},
		{p(TypeText, "社会效益指标"), p(TypeText, "经济效益指标"), false},
		{p(TypeAmount, "一百"), p(TypeAmount, "一 百"), true}, // unreadable: compared as typed, spaces folded
		{p(TypeAmount, "一百"), p(TypeAmount, "一百二"), false},
		{p(TypeHeading, "产出指标"), p(TypeHeading, "产出指标（60分）"), false},
	} {
		if got := SameValue(c.a, c.b); got != c.same {
			t.Errorf("SameValue(%q, %q) = %v, want %v", c.a.Raw, c.b.Raw, got, c.same)
		}
	}
}

func TestDescribePath(t *testing.T) {
	tpl := wordsTemplate(t)
	for path, want := range map[string]string{
		"fields.budget":                         "预算数（A）",
		"blocks.goals[1].fields.goal":           "第2个年度目标",
		"blocks.goals[1].tables.rows[2].actual": "第2个年度目标 第3行 实际完成值",
		"blocks.goals[0].tables.rows[4]":        "第1个年度目标 第5行",
		"blocks.goals[0]":                       "第1个年度目标",
		"fields.nope":                           "fields.nope",
		"blocks.nope[0].fields.goal":            "blocks.nope[0].fields.goal",
		"blocks.goals[0].tables.rows[x].actual": "blocks.goals[0].tables.rows[x].actual",
	} {
		if got := DescribePath(tpl, path); got != want {
			t.Errorf("DescribePath(%q) = %q, want %q", path, got, want)
		}
	}
}
