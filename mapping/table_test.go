package mapping

import (
	"reflect"
	"strings"
	"testing"
)

// tableTemplate is a national-style form: a project name, an indicator
// table ending at 总分, a 年度总体目标 section.
func tableTemplate(tb testing.TB) *Template {
	tb.Helper()
	t, err := Load("table.yaml", []byte(`
id: table
version: "1"
detect: [项目名称]
fields:
  - {name: project, label: 项目名称}
  - {name: goal, label: 年度总体目标}
  - {name: total, type: score, label: 总分, column: 得分}
tables:
  - name: rows
    key: level3
    stop: [总分]
    columns:
      - {name: level1, header: 一级指标, type: heading, filldown: true}
      - {name: level2, header: 二级指标, type: heading, filldown: true}
      - {name: level3, header: 三级指标}
      - {name: target, header: 年度指标值, type: indicator}
      - {name: actual, header: 实际完成值, type: indicator}
      - {name: score, header: 得分, type: score}
`))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// tableForm is filled tableTemplate: rows 3-6 are the table, row 7 总分.
const tableForm = `项目名称|救助
绩效指标|一级指标|二级指标|三级指标|年度指标值|实际完成值|得分
|产出指标|数量指标|救助人次|≥100|120|10
|||巡查次数|≥12|12|10
||质量指标|收治率|100%|100%|10
|效益指标|社会效益指标|社会稳定|提升|提升|20
总分||||||50`

// tableFormRows is what tableForm's table reads as.
var tableFormRows = []string{
	"产出指标/数量指标/救助人次/≥100/120/10",
	"产出指标/数量指标/巡查次数/≥12/12/10",
	"产出指标/质量指标/收治率/100%/100%/10",
	"效益指标/社会效益指标/社会稳定/提升/提升/20",
}

// readRows extracts grid with tableTemplate and returns its table's rows and
// the table's problems.
func readRows(t *testing.T, grid string, merges ...Range) ([]Row, []Problem) {
	t.Helper()
	s := sheetFromText("表", grid)
	s.Merges = merges
	res, err := tableTemplate(t).Extract(&Workbook{Name: "x.xlsx", Sheets: []*Sheet{s}}, s)
	if err != nil {
		t.Fatal(err)
	}
	var probs []Problem
	for _, p := range res.Problems {
		if strings.HasPrefix(p.Path, "tables.") {
			probs = append(probs, p)
		}
	}
	return res.Tables["rows"], probs
}

// brief writes each row as level1/level2/level3/target/actual/score.
func brief(rows []Row) []string {
	out := []string{}
	for _, r := range rows {
		var parts []string
		for _, c := range []string{"level1", "level2", "level3", "target", "actual", "score"} {
			v := r.Value(c)
			if v.Type == TypeHeading {
				parts = append(parts, v.Text)
			} else {
				parts = append(parts, v.Raw)
			}
		}
		out = append(out, strings.Join(parts, "/"))
	}
	return out
}

// insertLines inserts lines before 1-based line n of grid.
func insertLines(grid string, n int, lines ...string) string {
	ls := strings.Split(grid, "\n")
	out := append(append(append([]string{}, ls[:n-1]...), lines...), ls[n-1:]...)
	return strings.Join(out, "\n")
}

func wantRows(t *testing.T, what string, rows []Row, probs []Problem, want []string) {
	t.Helper()
	if got := brief(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: rows\n got %q\nwant %q", what, got, want)
	}
	if len(probs) != 0 {
		t.Errorf("%s: problems %+v", what, probs)
	}
}

func TestTableBlankRows(t *testing.T) {
	rows, probs := readRows(t, tableForm)
	wantRows(t, "form", rows, probs, tableFormRows)

	// Blank rows inside the table (visible or hidden, the engine sees the
	// same) and before its stop label: every row is read, at its row.
	for _, tc := range []struct {
		name string
		grid string
	}{
		{"one blank row", insertLines(tableForm, 5, "")},
		{"blank cells", insertLines(tableForm, 5, "||||||")},
		{"two blank rows", insertLines(tableForm, 4, "", "")},
		{"blank rows everywhere", insertLines(insertLines(insertLines(tableForm, 7, "", ""), 5, ""), 3, "")},
	} {
		rows, probs := readRows(t, tc.grid)
		wantRows(t, tc.name, rows, probs, tableFormRows)
	}
	rows, _ = readRows(t, insertLines(tableForm, 5, ""))
	if len(rows) != 4 || rows[2].Row != 6 || rows[2].Value("level3").Cell != "表!D6" {
		t.Errorf("row after the blank = %+v", rows[2])
	}

	// Without the 总分 row the table runs to the end of the sheet.
	noTotal := strings.TrimSuffix(tableForm, "\n总分||||||50")
	rows, probs = readRows(t, insertLines(noTotal, 6, "", ""))
	wantRows(t, "no total row", rows, probs, tableFormRows)

	// A second form pasted below, after a blank row: its 项目名称 is a
	// section of the form, so the table ends there and what follows is
	// reported rather than read as more rows of the first form.
	second := noTotal + "\n\n项目名称|另一项目\n绩效指标|一级指标|二级指标|三级指标|年度指标值|实际完成值|得分\n|产出指标|数量指标|培训人次|≥50|60|10\n总分||||||10"
	rows, probs = readRows(t, second)
	if got := brief(rows); !reflect.DeepEqual(got, tableFormRows) {
		t.Errorf("second form: rows %q", got)
	}
	if len(probs) != 1 || probs[0].Code != "table-gap" || probs[0].Cell != "表!A10" {
		t.Errorf("second form: problems %+v", probs)
	}
}

func TestTableFooters(t *testing.T) {
	noTotal := strings.TrimSuffix(tableForm, "\n总分||||||50")
	for _, tc := range []struct {
		name   string
		footer []string
	}{
		{"one cell", []string{"填表人：张三  联系电话：13800000000"}},
		{"after a blank row", []string{"", "填表人：张三"}},
		{"spaced label", []string{"填 表 人：张三"}},
		{"remark in brackets", []string{"填表人（签字）：", "单位（盖章）"}},
		// The names and numbers fall in the table's columns: still no row.
		{"label and value cells", []string{"填表人：|张三|审核人：|李四|填报日期：|2024年3月1日"}},
		{"in a later column", []string{"单位：|||联系电话：|13800000000"}},
		{"label alone, value after a space", []string{"|||制表人 王五", "|||财务负责人|赵六", "|||单位负责人：|钱七", "|||填报人：孙八"}},
	} {
		rows, probs := readRows(t, noTotal+"\n"+strings.Join(tc.footer, "\n"))
		wantRows(t, tc.name, rows, probs, tableFormRows)
	}

	// An indicator whose name begins with a footer word is a row.
	grid := insertLines(tableForm, 7, "|||联系电话接通率|≥95%|98%|5", "|||电话回访满意度|≥90%|92%|5", "|||电话（12345）接通率|≥90%|92%|5")
	rows, probs := readRows(t, grid)
	want := append(append([]string{}, tableFormRows...), "效益指标/社会效益指标/联系电话接通率/≥95%/98%/5", "效益指标/社会效益指标/电话回访满意度/≥90%/92%/5", "效益指标/社会效益指标/电话（12345）接通率/≥90%/92%/5")
	wantRows(t, "footer words in names", rows, probs, want)

	// A footer line inside the table ends it; the rows below are reported.
	rows, probs = readRows(t, insertLines(tableForm, 5, "填表人：张三"))
	if got := brief(rows); !reflect.DeepEqual(got, tableFormRows[:2]) {
		t.Errorf("footer inside: rows %q", got)
	}
	if len(probs) != 1 || probs[0].Code != "table-gap" || probs[0].Cell != "表!A6" {
		t.Errorf("footer inside: problems %+v", probs)
	}
}

func TestTableNotes(t *testing.T) {
	noTotal := strings.TrimSuffix(tableForm, "\n总分||||||50")
	for _, note := range []string{"注：1.本表金额单位为万元。", "说明|||本表由项目单位填写", "备注：无", "|||注:定性指标分三档"} {
		rows, probs := readRows(t, noTotal+"\n"+note+"\n2.定性指标分为三档。")
		wantRows(t, note, rows, probs, tableFormRows)
	}
	// 注册/说明 beginning an indicator's name are not notes.
	grid := insertLines(tableForm, 7, "|||注册登记率|100%|100%|5", "|||说明会场次|≥2|3|5")
	rows, probs := readRows(t, grid)
	want := append(append([]string{}, tableFormRows...), "效益指标/社会效益指标/注册登记率/100%/100%/5", "效益指标/社会效益指标/说明会场次/≥2/3/5")
	wantRows(t, "note words in names", rows, probs, want)
}

// insertColumn inserts a column before 0-based column c of every line,
// with text header on line 2 (the header) and cell on the data lines.
func insertColumn(grid string, c int, header, cell string) string {
	ls := strings.Split(grid, "\n")
	for i, l := range ls {
		cs := strings.Split(l, "|")
		for len(cs) < c {
			cs = append(cs, "")
		}
		v := ""
		switch {
		case i == 1:
			v = header
		case i >= 2 && i <= 5:
			v = cell
		}
		ls[i] = strings.Join(append(append(append([]string{}, cs[:c]...), v), cs[c:]...), "|")
	}
	return strings.Join(ls, "\n")
}

func TestTableColumnsByHeader(t *testing.T) {
	// Columns an agency adds inside the table (备注, 计量单位) shift nothing.
	for _, tc := range []struct {
		name string
		grid string
	}{
		{"备注 before 得分", insertColumn(tableForm, 6, "备注", "见附件")},
		{"计量单位 before 年度指标值", insertColumn(tableForm, 4, "计量单位", "个")},
		{"备注 at the end", insertColumn(tableForm, 7, "备注", "已完成")},
	} {
		rows, probs := readRows(t, tc.grid)
		wantRows(t, tc.name, rows, probs, tableFormRows)
	}

	// A header twice in the row: an old, empty 实际完成值 column kept beside
	// the new one, neither hidden. The one holding the values is read,
	// whichever side it is on (hidden ones: TestTableHiddenDuplicateHeader).
	oldLeft := insertColumn(tableForm, 5, "实际完成值", "")
	rows, probs := readRows(t, oldLeft)
	wantRows(t, "empty old column on the left", rows, probs, tableFormRows)
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	if c := rows[0].Value("actual").Cell; c != "表!G3" {
		t.Errorf("actual read from %s, want 表!G3", c)
	}
	oldRight := insertColumn(tableForm, 6, "实际完成值", "")
	rows, probs = readRows(t, oldRight)
	wantRows(t, "empty old column on the right", rows, probs, tableFormRows)
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	if c := rows[0].Value("actual").Cell; c != "表!F3" {
		t.Errorf("actual read from %s, want 表!F3", c)
	}
}

func TestTableFillDown(t *testing.T) {
	// 一级 merged over part of its group only (B3:B4), B5 left empty: the
	// group continues.
	rows, probs := readRows(t, tableForm, Range{2, 1, 3, 1})
	wantRows(t, "partial merge", rows, probs, tableFormRows)
	if len(rows) != 4 {
		t.Fatalf("partial merge: %q", brief(rows))
	}
	if c := rows[2].Value("level1").Cell; c != "表!B3" {
		t.Errorf("level1 of row 5 from %s, want 表!B3", c)
	}
	// An empty merge reads as empty cells: it continues the group above.
	rows, probs = readRows(t, strings.Replace(tableForm, "||质量指标|收治率", "|||收治率", 1), Range{3, 2, 4, 2})
	want := append([]string{}, tableFormRows...)
	want[2] = "产出指标/数量指标/收治率/100%/100%/10"
	wantRows(t, "empty merge", rows, probs, want)

	// 二级 typed on every row reads as when merged.
	merged, _ := readRows(t, tableForm, Range{2, 1, 4, 1}, Range{2, 2, 3, 2})
	repeated, _ := readRows(t, strings.NewReplacer("|||巡查次数", "|产出指标|数量指标|巡查次数", "||质量指标", "|产出指标|质量指标").Replace(tableForm))
	if !reflect.DeepEqual(brief(merged), brief(repeated)) || !reflect.DeepEqual(brief(merged), tableFormRows) {
		t.Errorf("merged %q, repeated %q", brief(merged), brief(repeated))
	}

	// A new 一级 without its 二级 does not take the previous group's.
	rows, _ = readRows(t, strings.Replace(tableForm, "|效益指标|社会效益指标|", "|效益指标||", 1))
	if len(rows) != 4 {
		t.Fatalf("new level1: %q", brief(rows))
	}
	if got := rows[3].Value("level2"); !got.Empty() {
		t.Errorf("level2 under a new level1 = %+v, want empty", got)
	}
	// The same 一级 typed again without its 二级 keeps the group's.
	rows, _ = readRows(t, strings.Replace(tableForm, "|||巡查次数", "|产出指标||巡查次数", 1))
	if got := brief(rows); !reflect.DeepEqual(got, tableFormRows) {
		t.Errorf("repeated level1: %q", got)
	}

	// A 一级 merge running one row past the last indicator is no row.
	rows, probs = readRows(t, insertLines(tableForm, 7, ""), Range{5, 1, 6, 1})
	wantRows(t, "merge past the end", rows, probs, tableFormRows)
	// 一级 written on a row of its own heads the rows below.
	rows, probs = readRows(t, strings.Replace(tableForm, "|效益指标|社会效益指标|", "|效益指标\n||社会效益指标|", 1))
	wantRows(t, "heading row", rows, probs, tableFormRows)
	// Text merged across the table is neither a row nor a 一级.
	rows, probs = readRows(t, insertLines(tableForm, 4, "|以下为分项指标"), Range{3, 1, 3, 6})
	wantRows(t, "merged text row", rows, probs, tableFormRows)
	// Unmerged, the same text is a 一级 on a row of its own.
	rows, _ = readRows(t, insertLines(tableForm, 4, "|以下为分项指标"))
	if len(rows) != 4 || rows[1].Value("level1").Text != "以下为分项指标" {
		t.Errorf("unmerged heading: %q", brief(rows))
	}
}

func TestTableRepeatedHeaders(t *testing.T) {
	for _, tc := range []struct {
		name string
		grid string
	}{
		{"whole header", insertLines(tableForm, 5, "绩效指标|一级指标|二级指标|三级指标|年度指标值|实际完成值|得分")},
		{"without the left label", insertLines(tableForm, 5, "|一级指标|二级指标|三级指标|年度指标值|实际完成值|得分")},
		{"一级 to 三级 only", insertLines(tableForm, 5, "|一级指标|二级指标|三级指标")},
		{"三级 only", insertLines(tableForm, 5, "|||三级指标")},
		{"after a blank row", insertLines(tableForm, 5, "", "|一级指标|二级指标|三级指标|年度指标值")},
	} {
		rows, probs := readRows(t, tc.grid)
		wantRows(t, tc.name, rows, probs, tableFormRows)
	}
	// A row naming an indicator 三级指标 with values is a row.
	rows, _ := readRows(t, insertLines(tableForm, 5, "|||三级指标|1|1|1"))
	if len(rows) != 5 || rows[2].Value("level3").Text != "三级指标" {
		t.Errorf("row named like a header: %q", brief(rows))
	}

	// A header of two rows: 指标值 over 年度指标值 | 实际完成值, the other
	// headers merged down both rows; repeated after a page break.
	two := `项目名称|救助
绩效指标|一级指标|二级指标|三级指标|指标值||得分
||||年度指标值|实际完成值|
|产出指标|数量指标|救助人次|≥100|120|10
|||巡查次数|≥12|12|10
绩效指标|一级指标|二级指标|三级指标|指标值||得分
||||年度指标值|实际完成值|
||质量指标|收治率|100%|100%|10
|效益指标|社会效益指标|社会稳定|提升|提升|20
总分||||||50`
	merges := []Range{{1, 0, 2, 0}, {1, 1, 2, 1}, {1, 2, 2, 2}, {1, 3, 2, 3}, {1, 4, 1, 5}, {1, 6, 2, 6},
		{5, 0, 6, 0}, {5, 1, 6, 1}, {5, 2, 6, 2}, {5, 3, 6, 3}, {5, 4, 5, 5}, {5, 6, 6, 6}}
	rows, probs := readRows(t, two, merges...)
	wantRows(t, "two header rows", rows, probs, tableFormRows)
	if len(rows) == 0 || rows[0].Row != 4 {
		t.Errorf("first row at %d, want 4", rows[0].Row)
	}
	// Unmerged, the same.
	rows, probs = readRows(t, two)
	wantRows(t, "two header rows, unmerged", rows, probs, tableFormRows)
	// The second header row missing: no header.
	_, probs = readRows(t, strings.ReplaceAll(two, "||||年度指标值|实际完成值|\n", ""))
	if len(probs) == 0 || probs[0].Code != "header-not-found" {
		t.Errorf("half a header: problems %+v", probs)
	}
}

func TestTableInBlocks(t *testing.T) {
	// Blank rows at the end of a goal's table and inside the next: each
	// goal keeps its rows, to the next goal or the section after them.
	grid := strings.Replace(hubeiLike, "年度目标2：乙目标", "\n\n年度目标2：乙目标", 1)
	grid = strings.Replace(grid, "|产出指标|数量指标|站点|≥10个|11个", "\n|产出指标|数量指标|站点|≥10个|11个\n\n|||网点|5个|5个\n", 1)
	res := extract(t, grid+"\n填表人：张三|||联系电话：13800000000")
	goals := res.Blocks["goals"]
	if len(goals) != 2 {
		t.Fatalf("goals = %d", len(goals))
	}
	if n := len(goals[0].Tables["rows"]); n != 4 {
		t.Errorf("goal 1: %d rows, want 4", n)
	}
	if rows := goals[1].Tables["rows"]; len(rows) != 2 || rows[1].Value("level3").Text != "网点" || rows[1].Value("level2").Text != "数量指标" {
		t.Errorf("goal 2 rows = %+v", rows)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %+v", res.Problems)
	}
}
