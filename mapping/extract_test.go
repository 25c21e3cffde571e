package mapping

import (
	"strings"
	"testing"
)

const hubeiLike = `标题
单位名称|武汉市蔡甸区救助管理站
预算执行情况||预算数（A）|执行数（B）
|部门整体支出总额|110.36万元|110.36
年度目标1：甲目标
|一级指标|二级指标|三级指标|年初目标值|实际完成值
|产出指标|数量指标|救助人次|100人次|38人次
||质量指标|死亡率|0|0
|||收治率|100%|100%
|效益指标|社会效益指标|权益|是|是
年度目标2：乙目标
|一级指标|二级指标|三级指标|年初目标值|实际完成值
|产出指标|数量指标|站点|≥10个|11个
偏差大或目标未完成原因分析|无`

func extract(t *testing.T, grid string, merges ...Range) *Result {
	t.Helper()
	s := sheetFromText("表", grid)
	s.Merges = merges
	res, err := testTemplate(t).Extract(&Workbook{Name: "x.xlsx", Sheets: []*Sheet{s}}, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestExtractFieldsAndBlocks(t *testing.T) {
	res := extract(t, hubeiLike)
	if got := res.Fields["unit"]; got.Text != "武汉市蔡甸区救助管理站" || got.Cell != "表!B2" {
		t.Errorf("unit = %+v", got)
	}
	if got := res.Fields["budget"]; num(got) != 110.36 || got.Cell != "表!C4" {
		t.Errorf("budget = %+v", got)
	}
	if got := res.Fields["reason"]; got.Text != "无" || got.Cell != "表!B14" {
		t.Errorf("reason = %+v", got)
	}
	goals := res.Blocks["goals"]
	if len(goals) != 2 {
		t.Fatalf("goals = %d, want 2", len(goals))
	}
	if g := goals[0].Fields["goal"]; g.Text != "甲目标" || g.Cell != "表!A5" {
		t.Errorf("goal 1 = %+v", g)
	}
	rows := goals[0].Tables["rows"]
	if len(rows) != 4 {
		t.Fatalf("goal 1 rows = %d, want 4: %+v", len(rows), rows)
	}
	// 一级 and 二级 filled down from the rows above, pointing at their source.
	if r := rows[2]; r.Value("level1").Text != "产出指标" || r.Value("level2").Text != "质量指标" ||
		r.Value("level1").Cell != "表!B7" || r.Value("level3").Text != "收治率" {
		t.Errorf("row 3 = %+v", r)
	}
	if r := rows[3]; r.Value("level1").Text != "效益指标" || r.Row != 10 {
		t.Errorf("row 4 = %+v", r)
	}
	if rows2 := goals[1].Tables["rows"]; len(rows2) != 1 || rows2[0].Value("target").Op != ">=" {
		t.Errorf("goal 2 rows = %+v", rows2)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %+v", res.Problems)
	}
}

func TestExtractMergedLabelsAndFillDown(t *testing.T) {
	// 一级 merged over rows 7-9 (B7:B9): the covered cells read the origin.
	grid := strings.Replace(hubeiLike, "|产出指标|数量指标|救助人次", "|产出指标|数量指标|救助人次", 1)
	res := extract(t, grid, Range{6, 1, 8, 1}, Range{0, 0, 0, 5})
	rows := res.Blocks["goals"][0].Tables["rows"]
	if rows[1].Value("level1").Cell != "表!B7" || rows[1].Value("level1").Text != "产出指标" {
		t.Errorf("merged level1 = %+v", rows[1].Value("level1"))
	}
	// A merged label: the value is right of the merge, not the next column.
	grid2 := "单位名称||蔡甸区民政局\n年度目标:x\n一级指标|二级指标|三级指标|年初目标值|实际完成值"
	res = extract(t, grid2, Range{0, 0, 0, 1})
	if got := res.Fields["unit"]; got.Text != "蔡甸区民政局" || got.Cell != "表!C1" {
		t.Errorf("unit right of merged label = %+v", got)
	}
}

func TestExtractShiftedAndBrokenLabels(t *testing.T) {
	// Two rows inserted on top, a column inserted on the left, labels broken
	// over lines and typed with full-width colons: same values.
	var shifted []string
	shifted = append(shifted, "", "填表说明")
	for _, line := range strings.Split(hubeiLike, "\n") {
		shifted = append(shifted, "|"+line)
	}
	grid := strings.Join(shifted, "\n")
	grid = strings.Replace(grid, "偏差大或目标未完成原因分析", "偏差大或目标⏎未完成原因分析：", 1)
	grid = strings.Replace(grid, "一级指标|二级指标|三级指标", "一级⏎指标|二级 指标|三级指标", 1)
	a, b := extract(t, hubeiLike), extract(t, grid)
	if got := b.Fields["reason"]; got.Text != "无" || got.Cell != "表!C16" {
		t.Errorf("reason = %+v", got)
	}
	if len(a.Blocks["goals"][0].Tables["rows"]) != len(b.Blocks["goals"][0].Tables["rows"]) {
		t.Errorf("rows differ after shifting")
	}
	if num(b.Fields["budget"]) != 110.36 {
		t.Errorf("budget = %+v", b.Fields["budget"])
	}
}

func TestExtractTableStops(t *testing.T) {
	// A blank row does not end the table: the rows after it, to the stop
	// label, are read (more cases in table_test.go).
	grid := strings.Replace(hubeiLike, "|||收治率|100%|100%", "|||收治率|100%|100%\n", 1)
	res := extract(t, grid)
	rows := res.Blocks["goals"][0].Tables["rows"]
	if len(rows) != 4 || rows[3].Value("level3").Text != "权益" || rows[3].Row != 11 {
		t.Errorf("rows across a blank row = %+v", rows)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems = %+v", res.Problems)
	}
	// A repeated header (page break) is skipped.
	grid = strings.Replace(hubeiLike, "|||收治率|100%|100%", "|一级指标|二级指标|三级指标|年初目标值|实际完成值\n|||收治率|100%|100%", 1)
	if rows := extract(t, grid).Blocks["goals"][0].Tables["rows"]; len(rows) != 4 || rows[2].Value("level3").Text != "收治率" {
		t.Errorf("rows with repeated header = %+v", rows)
	}
}

func TestExtractProblems(t *testing.T) {
	res := extract(t, "单位\n年度目标1:x\n一级|二级")
	codes := map[string]bool{}
	for _, p := range res.Problems {
		codes[p.Code+" "+p.Path] = true
	}
	for _, want := range []string{"label-not-found fields.unit", "label-not-found fields.budget", "header-not-found blocks.goals[0].tables.rows"} {
		if !codes[want] {
			t.Errorf("missing problem %q in %+v", want, res.Problems)
		}
	}
}

func TestDetect(t *testing.T) {
	a := testTemplate(t)
	b := testTemplate(t)
	b.ID, b.Detect = "other", []string{"单位名称", "评分标准"}
	s := sheetFromText("Sheet1", hubeiLike)
	wb := &Workbook{Name: "x.xlsx", Sheets: []*Sheet{{Name: "说明"}, s}}
	got, sh, err := Detect(wb, []*Template{a, b})
	if err != nil || got != a || sh != s {
		t.Fatalf("Detect = %v, %v, %v", got, sh, err)
	}
	_, _, err = Detect(&Workbook{Name: "y.xlsx", Sheets: []*Sheet{sheetFromText("S", "项目名称")}}, []*Template{a, b})
	if err == nil || !strings.Contains(err.Error(), "单位名称") || !strings.Contains(err.Error(), "y.xlsx") {
		t.Fatalf("Detect on unknown form: %v", err)
	}
	if _, err := Find([]*Template{a, b}, "test@1"); err != nil {
		t.Error(err)
	}
	if _, err := Find([]*Template{a, b}, "test@9"); err == nil {
		t.Error("Find test@9: want error")
	}
}
