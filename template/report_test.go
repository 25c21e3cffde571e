package template

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

func fp(x float64) *float64 { return &x }

// Texts that would be formulas if written as such.
var formulaLike = []string{`=HYPERLINK("http://x","y")`, "+1+1", "-2+3", "@SUM(A1)"}

// sampleSummary is a summary of three submissions (one without 总分), a few
// indicators and two missing units, with formula-like texts.
func sampleSummary() *sync.Summary {
	met, missed := true, false
	return &sync.Summary{
		Template: "national-project", TemplateTitle: "项目支出绩效自评表", Year: 2021, Grades: sync.DefaultGrades,
		Units: []sync.UnitRow{
			{Unit: "乐昌市民政局", Subject: "最低生活保障", Revision: 6, Seq: 1, Version: "2020", Status: store.StatusValid,
				Budget: fp(4623.33), Spent: fp(4623.33), Rate: fp(100), Score: fp(99.7), Grade: "优"},
			{Unit: formulaLike[0], Subject: formulaLike[1], Revision: 9, Seq: 2, Version: "2020", Status: store.StatusRejected,
				Errors: 2, Warnings: 1, Budget: fp(100), Spent: fp(85.5), Rate: fp(85.5), Score: fp(85), Grade: "良"},
			{Unit: "南雄市民政局", Subject: "临时救助", Revision: 10, Seq: 1, Version: "2020", Status: store.StatusWarnings, Warnings: 3},
		},
		Indicators: []sync.IndicatorRow{
			{Unit: "乐昌市民政局", Subject: "最低生活保障", Revision: 6, Level1: "产出指标", Level2: "质量指标",
				Level3: "低保动态管理信息报送准确率", Target: "≥95%", Actual: "90%", Met: &missed, Weight: fp(5), Score: fp(4.7)},
			{Unit: formulaLike[0], Subject: formulaLike[1], Revision: 9, Goal: formulaLike[2], Level1: "效益指标", Level2: "社会效益指标",
				Level3: formulaLike[3], Target: "-5", Actual: "=1", Met: &met, Weight: fp(10), Score: fp(10)},
			{Unit: "南雄市民政局", Subject: "临时救助", Revision: 10, Level1: "满意度指标", Level2: "服务对象满意度指标",
				Level3: "受助群众满意度", Target: "满意", Actual: "基本满意"},
		},
		Missing:      []string{"仁化县民政局", "@始兴县民政局"},
		ExpectedFrom: "2020年度提交过该表的单位",
	}
}

// departmentSummary is sampleSummary rolled up in two departments, as the
// service rolls it up with a registry.
func departmentSummary() *sync.Summary {
	sum := sampleSummary()
	depts := []struct{ code, name, state string }{
		{"100", "韶关市民政局", sync.StateAccepted}, {"100", "韶关市民政局", sync.StateErrors}, {"200", "韶关市财政局直属", sync.StateSubmitted}}
	for i, d := range depts {
		u := &sum.Units[i]
		u.UnitCode, u.Department, u.DepartmentName, u.State = fmt.Sprintf("%s%02d", d.code, i+1), d.code, d.name, d.state
	}
	sum.Departments = []sync.Rollup{
		{Code: "100", Name: "韶关市民政局", Units: 2, Forms: 2, Budget: fp(4723.33), Spent: fp(4708.83), Rate: fp(99.69), Score: fp(92.35),
			Grades: []int{1, 1, 0, 0}, States: map[string]int{sync.StateAccepted: 1, sync.StateErrors: 1, sync.StateMissing: 2}},
		{Code: "200", Name: "韶关市财政局直属", Units: 1, Forms: 1, Grades: []int{0, 0, 0, 0}, Ungraded: 1,
			States: map[string]int{sync.StateSubmitted: 1}},
	}
	return sum
}

func TestReportDepartments(t *testing.T) {
	out, err := Reporter{}.Report(departmentSummary())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := rawRow(t, f, SheetUnits, 3)
	if got := head[len(head)-3:]; !slices.Equal(got, []string{"单位编码", "主管部门", "审核状态"}) {
		t.Errorf("unit header ends %q, want the department columns", got)
	}
	if got := rawRow(t, f, SheetUnits, 5); !slices.Equal(got[12:], []string{"10002", "韶关市民政局", "有错误"}) {
		t.Errorf("unit row = %q", got)
	}
	for _, c := range []struct {
		row  int
		want []string
	}{
		{3, []string{"序号", "主管部门", "部门编码", "单位数", "份数", "预算数（万元）", "执行数（万元）", "执行率（%）", "平均总分",
			"优", "良", "中", "差", "无总分", "未提交", "有错误", "已提交", "部门审核通过", "部门退回", "财政审核通过", "财政退回"}},
		{4, []string{"1", "韶关市民政局", "100", "2", "2", "4723.33", "4708.83", "99.69", "92.35", "1", "1", "0", "0", "0", "2", "1", "0", "0", "0", "1", "0"}},
		{5, []string{"2", "韶关市财政局直属", "200", "1", "1", "", "", "", "", "0", "0", "0", "0", "1", "0", "0", "1", "0", "0", "0", "0"}},
		{6, []string{"", "合计", "", "3", "3", "4723.33", "4708.83", "99.69", "92.35", "1", "1", "0", "0", "1", "2", "1", "1", "0", "0", "1", "0"}},
	} {
		if got := rawRow(t, f, SheetRollup, c.row); !slices.Equal(got, c.want) {
			t.Errorf("部门汇总 row %d = %q, want %q", c.row, got, c.want)
		}
	}
}

// zipEntries returns the names and contents of a workbook's parts.
func zipEntries(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		c, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(c)
	}
	return out
}

func rawRow(t *testing.T, f *excelize.File, sheet string, row int) []string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if row > len(rows) {
		t.Fatalf("%s has %d rows, want row %d", sheet, len(rows), row)
	}
	return rows[row-1]
}

func TestReportWorkbook(t *testing.T) {
	out, err := Reporter{}.Report(sampleSummary())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{SheetUnits, SheetIndicators, SheetGrades, SheetMissing, SheetRollup}) {
		t.Fatalf("sheets = %v", got)
	}

	// 单位汇总: title, header, one row per unit.
	if v, _ := f.GetCellValue(SheetUnits, "A1"); v != "2021年度项目支出绩效自评表汇总" {
		t.Errorf("title = %q", v)
	}
	head := rawRow(t, f, SheetUnits, 3)
	wantHead := []string{"序号", "单位名称", "项目名称", "修订号", "状态", "错误数", "警告数", "预算数（万元）", "执行数（万元）", "执行率（%）", "总分", "等级"}
	if !slices.Equal(head, wantHead) {
		t.Errorf("header = %q", head)
	}
	if got := rawRow(t, f, SheetUnits, 4); !slices.Equal(got, []string{"1", "乐昌市民政局", "最低生活保障", "6", "通过", "0", "0", "4623.33", "4623.33", "100", "99.7", "优"}) {
		t.Errorf("unit row = %q", got)
	}
	if got := rawRow(t, f, SheetUnits, 5); got[4] != "有错误" || got[5] != "2" || got[10] != "85" || got[11] != "良" {
		t.Errorf("rejected row = %q", got)
	}
	if got := rawRow(t, f, SheetUnits, 6); len(got) > 7 && strings.Join(got[7:], "") != "" {
		t.Errorf("row without amounts or 总分 = %q", got)
	}
	if v, _ := f.GetCellValue(SheetUnits, "H4"); v != "4,623.33" {
		t.Errorf("budget shown as %q", v)
	}
	// Header styled like the forms: 宋体, bold, bordered, filled.
	id, _ := f.GetCellStyle(SheetUnits, "B3")
	st, err := f.GetStyle(id)
	if err != nil || st.Font == nil || st.Font.Family != "宋体" || !st.Font.Bold || len(st.Border) != 4 || len(st.Fill.Color) == 0 {
		t.Errorf("header style = %+v %v", st, err)
	}
	id, _ = f.GetCellStyle(SheetUnits, "B4")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || st.Font.Family != "宋体" || len(st.Border) != 4 || st.NumFmt != 49 {
		t.Errorf("text cell style = %+v", st)
	}
	if w, _ := f.GetColWidth(SheetUnits, "B"); w < 20 {
		t.Errorf("unit column width = %v", w)
	}
	// Frozen header and autofilter.
	for _, sh := range []string{SheetUnits, SheetIndicators} {
		p, err := f.GetPanes(sh)
		if err != nil || !p.Freeze || p.YSplit != 3 || p.XSplit != 2 {
			t.Errorf("%s panes = %+v %v", sh, p, err)
		}
	}
	parts := zipEntries(t, out)
	for part, ref := range map[string]string{"xl/worksheets/sheet1.xml": "A3:L6", "xl/worksheets/sheet2.xml": "A3:M6"} {
		if !strings.Contains(strings.ReplaceAll(parts[part], "$", ""), `<autoFilter ref="`+ref+`"`) {
			t.Errorf("%s has no autofilter over %s", part, ref)
		}
	}

	// 指标明细.
	if got := rawRow(t, f, SheetIndicators, 4); !slices.Equal(got, []string{"1", "乐昌市民政局", "最低生活保障", "", "产出指标", "质量指标",
		"低保动态管理信息报送准确率", "≥95%", "90%", "否", "5", "4.7", "6"}) {
		t.Errorf("indicator row = %q", got)
	}
	if got := rawRow(t, f, SheetIndicators, 6); got[9] != "" || got[10] != "" {
		t.Errorf("row without target or 分值 = %q", got)
	}

	// 得分分布: counts per grade and the chart over them.
	var counts []string
	for r := 4; r <= 9; r++ {
		row := rawRow(t, f, SheetGrades, r)
		counts = append(counts, row[0]+"="+row[2])
	}
	if want := []string{"优=1", "良=1", "中=0", "差=0", "无总分=1", "合计=3"}; !slices.Equal(counts, want) {
		t.Errorf("grade counts = %v, want %v", counts, want)
	}
	chart, ok := parts["xl/charts/chart1.xml"]
	chart = strings.ReplaceAll(chart, "&#39;", "'")
	if !ok {
		t.Fatal("no chart part xl/charts/chart1.xml")
	}
	if !strings.Contains(chart, "barChart") || !strings.Contains(chart, `'得分分布'!$C$4:$C$7`) || !strings.Contains(chart, `'得分分布'!$A$4:$A$7`) {
		t.Errorf("chart does not plot the grade counts:\n%.2000s", chart)
	}
	if _, ok := parts["xl/drawings/drawing1.xml"]; !ok {
		t.Error("no drawing part holds the chart")
	}
	if !strings.Contains(parts["xl/worksheets/sheet3.xml"], "<drawing ") {
		t.Error("the chart's drawing is not on 得分分布")
	}

	// Every sheet closes with a 合计 row, outside the autofilter: forms,
	// errors, warnings and amounts added up, the rate of the sums; the
	// indicators, those missed, 分值 and 得分 added up; the grades' counts;
	// the units missing.
	for _, c := range []struct {
		sheet string
		row   int
		want  []string
	}{
		{SheetUnits, 7, []string{"", "合计", "3 份", "", "", "2", "4", "4723.33", "4708.83", "99.69"}},
		{SheetIndicators, 7, []string{"", "合计", "", "", "", "", "共 3 项，未达成 1 项", "", "", "", "15", "14.7"}},
		{SheetGrades, 9, []string{"合计", "", "3"}},
		{SheetMissing, 6, []string{"合计", "2 个单位"}},
		// Without departments 部门汇总 is the whole only: units, forms,
		// amounts, the rate weighted by budget ((100×4623.33+85.5×100) /
		// 4723.33), the average 总分, grades and states (2 missing).
		{SheetRollup, 4, []string{"", "合计", "", "3", "3", "4723.33", "4708.83", "99.69", "92.35", "1", "1", "0", "0", "1", "2", "0", "0", "0", "0", "0", "0"}},
	} {
		if got := rawRow(t, f, c.sheet, c.row); !slices.Equal(got, c.want) {
			t.Errorf("%s 合计 row %d = %q, want %q", c.sheet, c.row, got, c.want)
		}
		if rows, _ := f.GetRows(c.sheet); len(rows) != c.row {
			t.Errorf("%s has %d rows, want 合计 last at %d", c.sheet, len(rows), c.row)
		}
	}

	// 未提交单位.
	if got := rawRow(t, f, SheetMissing, 4); !slices.Equal(got, []string{"1", "仁化县民政局"}) {
		t.Errorf("missing row = %q", got)
	}
	if got := rawRow(t, f, SheetMissing, 5); !slices.Equal(got, []string{"2", "@始兴县民政局"}) {
		t.Errorf("missing row = %q", got)
	}
	if v, _ := f.GetCellValue(SheetMissing, "A2"); !strings.Contains(v, "2020年度提交过该表的单位") || !strings.Contains(v, "2 个") {
		t.Errorf("missing note = %q", v)
	}

	// Formula-like text is text: no cell anywhere has a formula, and the
	// texts come back as written.
	seen := map[string]bool{}
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
		for r, row := range rows {
			for c, v := range row {
				ref := mapping.CellName(r, c)
				if fm, _ := f.GetCellFormula(sh, ref); fm != "" {
					t.Errorf("%s!%s: formula %q", sh, ref, fm)
				}
				seen[v] = true
			}
		}
	}
	for _, s := range append(formulaLike, "@始兴县民政局", "=1", "-5") {
		if !seen[s] {
			t.Errorf("%q was not written as text", s)
		}
	}
	for name, part := range parts {
		if strings.HasPrefix(name, "xl/worksheets/") && strings.Contains(part, "<f>") {
			t.Errorf("%s holds a formula", name)
		}
	}
}

func TestReportEmpty(t *testing.T) {
	out, err := Report(&sync.Summary{Template: "hubei-dept", Year: 2030, Grades: sync.DefaultGrades})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(SheetUnits, "A1"); v != "2030年度hubei-dept汇总" {
		t.Errorf("title = %q", v)
	}
	if rows, _ := f.GetRows(SheetUnits); len(rows) != 4 || rows[3][1] != "合计" || rows[3][2] != "0 份" {
		t.Errorf("empty summary has rows %q, want title, note, header and 合计", rows)
	}
	if _, err := Report(nil); err == nil {
		t.Error("nil summary accepted")
	}
}

// TestReportWithoutScores leaves the grade chart out of a report of forms
// without 总分 (a chart of zeros), and says so; a report with one 总分 has
// it (TestReportWorkbook).
func TestReportWithoutScores(t *testing.T) {
	sum := sampleSummary()
	for i := range sum.Units {
		sum.Units[i].Score, sum.Units[i].Grade = nil, ""
	}
	out, err := Report(sum)
	if err != nil {
		t.Fatal(err)
	}
	for name := range zipEntries(t, out) {
		if strings.HasPrefix(name, "xl/charts/") || strings.HasPrefix(name, "xl/drawings/") {
			t.Errorf("report without scores has %s", name)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(SheetGrades, "A2"); !strings.Contains(v, "不绘制分布图") {
		t.Errorf("note = %q, want it to say why there is no chart", v)
	}
	if got := rawRow(t, f, SheetGrades, 8); got[0] != "无总分" || got[2] != "3" {
		t.Errorf("无总分 row = %q", got)
	}
}

// TestReportOpensInLibreOffice converts a report to PDF.
func TestReportOpensInLibreOffice(t *testing.T) {
	out, err := Report(sampleSummary())
	if err != nil {
		t.Fatal(err)
	}
	text := toPDF(t, out, "report")
	if text == "" {
		return // no pdftotext
	}
	for _, want := range []string{"项目支出绩效自评表汇总", "低保动态管理信息报送准确率", "得分分布", "仁化县民政局", `=HYPERLINK("http://x","y")`} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}
