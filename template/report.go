package template

import (
	"bytes"
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

// Sheets of a summary workbook.
const (
	SheetUnits      = "单位汇总"
	SheetIndicators = "指标明细"
	SheetGrades     = "得分分布"
	SheetMissing    = "未提交单位"
	SheetRollup     = "部门汇总"
)

// Reporter implements sync.Reporter with Report.
type Reporter struct{}

// Report implements sync.Reporter.
func (Reporter) Report(sum *sync.Summary) ([]byte, error) { return Report(sum) }

// reportColumn is one column of a summary table: its header, width, cell
// style and the value of a row (a string, a float64, an int, or nil).
type reportColumn[R any] struct {
	header string
	width  float64
	style  string
	value  func(i int, r *R) any
	wrap   bool // the column's text wraps and counts for the row height
}

// Report lays a summary out as a workbook: sheets 单位汇总 (one row per
// submission), 指标明细 (every indicator row), 得分分布 (units per grade,
// with a column chart unless no form has a 总分), 未提交单位 and 部门汇总
// (the totals per department, then the whole), each closed by a 合计 row
// and printed on A4. With departments, 单位汇总 is ordered by department
// and has the columns 单位编码, 主管部门 and 审核状态. Text is always written as text,
// so that a name starting with = + - @ never becomes a formula.
func Report(sum *sync.Summary) ([]byte, error) {
	if sum == nil {
		return nil, fmt.Errorf("report: no summary")
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetUnits); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, s := range []string{SheetIndicators, SheetGrades, SheetMissing, SheetRollup} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	steps := []func(*excelize.File, *sync.Summary) error{reportUnits, reportIndicators, reportGrades, reportMissing, reportRollup}
	for _, step := range steps {
		if err := step(f, sum); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	f.SetActiveSheet(0)
	title := fmt.Sprintf("%d年度%s汇总", sum.Year, titleOf(sum))
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "jxsync",
		Subject: sum.Template, Keywords: "jxsync report"}); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return b.Bytes(), nil
}

// titleOf is the form's title, or its id.
func titleOf(sum *sync.Summary) string {
	if sum.TemplateTitle != "" {
		return sum.TemplateTitle
	}
	return sum.Template
}

// defineReportStyles adds the styles of the summary tables to w's.
func (w *sheetWriter) defineReportStyles() {
	add := func(name string, s *excelize.Style) {
		if w.err != nil {
			return
		}
		s.Font = &excelize.Font{Family: fontLabel, Size: 11}
		s.Border = border()
		id, err := w.f.NewStyle(s)
		w.err = err
		w.styles[name] = id
	}
	text := 49 // "@": what is typed in stays text too
	amount, pct := "#,##0.00", "0.00"
	add("rText", &excelize.Style{NumFmt: text, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}})
	add("rLine", &excelize.Style{NumFmt: text, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}})
	add("rCenter", &excelize.Style{NumFmt: text, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add("rInt", &excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	add("rAmount", &excelize.Style{CustomNumFmt: &amount, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	add("rPct", &excelize.Style{CustomNumFmt: &pct, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	add("rScore", &excelize.Style{NumFmt: 0, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	add("rShare", &excelize.Style{NumFmt: 10, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
}

// newReportWriter returns a writer of one summary sheet.
func newReportWriter(f *excelize.File, sheet string, width int) *sheetWriter {
	w := newSheetWriter(f, sheet, width)
	w.defineReportStyles()
	return w
}

// num returns *x, or nil for no value.
func num(x *float64) any {
	if x == nil {
		return nil
	}
	return *x
}

// tableOptions say how a summary table is viewed and printed.
type tableOptions struct {
	// filter freezes the header and the first freezeCols columns and sets
	// an autofilter on the table.
	filter     bool
	freezeCols int
	landscape  bool
	// total is the 合计 row after the table, a value per column (as
	// reportColumn.value gives them), its texts bold on grey.
	total []any
}

// reportTable writes a title (row 1), a note (row 2), the header (row 3),
// one row per item from row 4 and the 合计 row of o, with column styles and
// widths, the header repeated on every printed page, and as o says a frozen
// header and an autofilter (over the items, not 合计). It returns the last
// row written.
func reportTable[R any](w *sheetWriter, title, note string, cols []reportColumn[R], rows []R, o tableOptions) int {
	last := len(cols) - 1
	w.title(last, title, "", 30)
	w.put(2, 0, 2, last, note, "subtitle")
	w.fitHeight(2, 18, w.textLines(note, 0, last))
	ws := make([]float64, len(cols))
	for c, col := range cols {
		ws[c] = col.width
	}
	w.widths(ws...)
	const head = 3
	for c, col := range cols {
		w.put(head, c, head, c, col.header, "label")
	}
	w.fitHeight(head, 30)
	first, end := head+1, head+len(rows)
	for c, col := range cols {
		if len(rows) > 0 && w.err == nil {
			w.err = w.f.SetCellStyle(w.sheet, cell(first, c), cell(end, c), w.styles[col.style])
		}
	}
	for i := range rows {
		row := first + i
		var lines []int
		for c, col := range cols {
			if w.err != nil {
				return end
			}
			v := col.value(i, &rows[i])
			ref := cell(row, c)
			switch v := v.(type) {
			case nil:
			case string:
				if v != "" {
					w.err = w.f.SetCellStr(w.sheet, ref, v) // never a formula
				}
				if col.wrap {
					lines = append(lines, w.textLines(v, c, c))
				}
			default:
				w.err = w.f.SetCellValue(w.sheet, ref, v)
			}
		}
		w.fitHeight(row, 20, lines...)
	}
	if o.total != nil {
		row := end + 1
		for c, col := range cols {
			var v any
			if c < len(o.total) {
				v = o.total[c]
			}
			if s, ok := v.(string); ok {
				w.put(row, c, row, c, nil, "label")
				if s != "" && w.err == nil {
					w.err = w.f.SetCellStr(w.sheet, cell(row, c), s)
				}
				continue
			}
			w.put(row, c, row, c, v, col.style)
		}
		w.height(row, 22)
	}
	if o.filter && w.err == nil {
		tl, pane := cell(head+1, o.freezeCols), "bottomLeft"
		if o.freezeCols > 0 {
			pane = "bottomRight"
		}
		w.err = w.f.SetPanes(w.sheet, &excelize.Panes{Freeze: true, XSplit: o.freezeCols, YSplit: head, TopLeftCell: tl,
			ActivePane: pane, Selection: []excelize.Selection{{SQRef: tl, ActiveCell: tl, Pane: pane}}})
		if w.err == nil {
			w.err = w.f.AutoFilter(w.sheet, cell(head, 0)+":"+cell(max(end, head), last), nil)
		}
	}
	w.titles = [2]int{head, head}
	w.a4(o.landscape)
	if o.total != nil {
		return end + 1
	}
	return end
}

// reportUnits writes sheet 单位汇总.
func reportUnits(f *excelize.File, sum *sync.Summary) error {
	cols := []reportColumn[sync.UnitRow]{
		{header: "序号", width: 6, style: "rInt", value: func(i int, _ *sync.UnitRow) any { return i + 1 }},
		{header: "单位名称", width: 28, style: "rText", wrap: true, value: func(_ int, r *sync.UnitRow) any { return r.Unit }},
		{header: "项目名称", width: 20, style: "rText", wrap: true, value: func(_ int, r *sync.UnitRow) any { return r.Subject }},
		{header: "修订号", width: 8, style: "rInt", value: func(_ int, r *sync.UnitRow) any { return r.Revision }},
		{header: "状态", width: 9, style: "rCenter", value: func(_ int, r *sync.UnitRow) any { return sync.StatusName(r.Status) }},
		{header: "错误数", width: 8, style: "rInt", value: func(_ int, r *sync.UnitRow) any { return r.Errors }},
		{header: "警告数", width: 8, style: "rInt", value: func(_ int, r *sync.UnitRow) any { return r.Warnings }},
		{header: "预算数（万元）", width: 15, style: "rAmount", value: func(_ int, r *sync.UnitRow) any { return num(r.Budget) }},
		{header: "执行数（万元）", width: 15, style: "rAmount", value: func(_ int, r *sync.UnitRow) any { return num(r.Spent) }},
		{header: "执行率（%）", width: 11, style: "rPct", value: func(_ int, r *sync.UnitRow) any { return num(r.Rate) }},
		{header: "总分", width: 8, style: "rScore", value: func(_ int, r *sync.UnitRow) any { return num(r.Score) }},
		{header: "等级", width: 7, style: "rCenter", value: func(_ int, r *sync.UnitRow) any { return r.Grade }},
	}
	if len(sum.Departments) > 0 {
		cols = append(cols,
			reportColumn[sync.UnitRow]{header: "单位编码", width: 14, style: "rCenter", value: func(_ int, r *sync.UnitRow) any { return r.UnitCode }},
			reportColumn[sync.UnitRow]{header: "主管部门", width: 24, style: "rText", wrap: true, value: func(_ int, r *sync.UnitRow) any { return r.DepartmentName }},
			reportColumn[sync.UnitRow]{header: "审核状态", width: 13, style: "rCenter", value: func(_ int, r *sync.UnitRow) any { return sync.StateWord(r.State) }})
	}
	units := map[string]bool{}
	for _, u := range sum.Units {
		units[u.Unit] = true
	}
	note := fmt.Sprintf("模板：%s（%s）；共 %d 份自评表，%d 个单位；未提交 %d 个单位（见“%s”表）。%s。",
		titleOf(sum), sum.Template, len(sum.Units), len(units), len(sum.Missing), SheetMissing, gradeRule(sum.Grades))
	w := newReportWriter(f, SheetUnits, len(cols))
	if sum.Under != "" {
		note = fmt.Sprintf("范围：%s（%s）及其下单位。", sum.UnderName, sum.Under) + note
	}
	reportTable(w, fmt.Sprintf("%d年度%s汇总", sum.Year, titleOf(sum)), note, cols, sum.Units,
		tableOptions{filter: true, freezeCols: 2, landscape: true, total: unitsTotal(sum)})
	return w.done()
}

// unitsTotal is the 合计 row of 单位汇总: the number of forms, the errors and
// warnings, the amounts added up and the rate of those added up, over the
// forms that give both amounts.
func unitsTotal(sum *sync.Summary) []any {
	var errs, warns int
	var budget, spent, rateBudget, rateSpent *float64
	for _, u := range sum.Units {
		errs += u.Errors
		warns += u.Warnings
		addTo(&budget, u.Budget)
		addTo(&spent, u.Spent)
		if u.Budget != nil && u.Spent != nil {
			addTo(&rateBudget, u.Budget)
			addTo(&rateSpent, u.Spent)
		}
	}
	var rate any
	if rateBudget != nil && *rateBudget != 0 {
		rate = math.Round(*rateSpent / *rateBudget * 10000) / 100
	}
	return []any{"", "合计", fmt.Sprintf("%d 份", len(sum.Units)), "", "", errs, warns, num(budget), num(spent), rate, "", ""}
}

// addTo adds x to *sum, which is nil until a value is added; a nil x adds
// nothing.
func addTo(sum **float64, x *float64) {
	if x == nil {
		return
	}
	if *sum == nil {
		*sum = new(float64)
	}
	**sum = math.Round((**sum+*x)*1e6) / 1e6 // no binary fractions
}

// reportIndicators writes sheet 指标明细.
func reportIndicators(f *excelize.File, sum *sync.Summary) error {
	cols := []reportColumn[sync.IndicatorRow]{
		{header: "序号", width: 6, style: "rInt", value: func(i int, _ *sync.IndicatorRow) any { return i + 1 }},
		{header: "单位名称", width: 22, style: "rText", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Unit }},
		{header: "项目名称", width: 14, style: "rText", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Subject }},
		// A 年度目标 is long and repeats on every row of its block: one line.
		{header: "年度目标", width: 24, style: "rLine", value: func(_ int, r *sync.IndicatorRow) any { return r.Goal }},
		{header: "一级指标", width: 11, style: "rText", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Level1 }},
		{header: "二级指标", width: 17, style: "rText", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Level2 }},
		{header: "三级指标", width: 30, style: "rText", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Level3 }},
		{header: "目标值", width: 12, style: "rCenter", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Target }},
		{header: "实际完成值", width: 12, style: "rCenter", wrap: true, value: func(_ int, r *sync.IndicatorRow) any { return r.Actual }},
		{header: "是否达成", width: 8, style: "rCenter", value: func(_ int, r *sync.IndicatorRow) any { return metText(r.Met) }},
		{header: "分值", width: 7, style: "rScore", value: func(_ int, r *sync.IndicatorRow) any { return num(r.Weight) }},
		{header: "得分", width: 7, style: "rScore", value: func(_ int, r *sync.IndicatorRow) any { return num(r.Score) }},
		{header: "修订号", width: 8, style: "rInt", value: func(_ int, r *sync.IndicatorRow) any { return r.Revision }},
	}
	missed := 0
	for _, r := range sum.Indicators {
		if r.Met != nil && !*r.Met {
			missed++
		}
	}
	note := fmt.Sprintf("各单位最新修订中的全部指标，共 %d 行，其中未达成目标 %d 行。", len(sum.Indicators), missed)
	var weight, score *float64
	for _, r := range sum.Indicators {
		addTo(&weight, r.Weight)
		addTo(&score, r.Score)
	}
	total := []any{"", "合计", "", "", "", "", fmt.Sprintf("共 %d 项，未达成 %d 项", len(sum.Indicators), missed), "", "",
		"", num(weight), num(score), ""}
	w := newReportWriter(f, SheetIndicators, len(cols))
	reportTable(w, fmt.Sprintf("%d年度%s指标明细", sum.Year, titleOf(sum)), note, cols, sum.Indicators,
		tableOptions{filter: true, freezeCols: 2, landscape: true, total: total})
	return w.done()
}

// metText is 是 / 否, or "" when the row has no target.
func metText(met *bool) string {
	switch {
	case met == nil:
		return ""
	case *met:
		return "是"
	default:
		return "否"
	}
}

// gradeRule describes the cut-offs.
func gradeRule(g sync.GradeScale) string {
	n := mapping.FormatNumber
	return fmt.Sprintf("等级按总分：优 ≥ %s，良 %s–%s，中 %s–%s，差 < %s（区间含下限）",
		n(g.Excellent), n(g.Good), n(g.Excellent), n(g.Pass), n(g.Good), n(g.Pass))
}

// gradeRow is one line of the 得分分布 table.
type gradeRow struct {
	grade, band string
	count       int
	share       any
}

// reportGrades writes sheet 得分分布: the number of submissions per grade
// and, when any has a 总分, a column chart of it.
func reportGrades(f *excelize.File, sum *sync.Summary) error {
	counts, ungraded := sum.GradeCounts()
	graded := 0
	for _, c := range counts {
		graded += c
	}
	n, g := mapping.FormatNumber, sum.Grades
	bands := []string{"≥ " + n(g.Excellent), n(g.Good) + " – " + n(g.Excellent), n(g.Pass) + " – " + n(g.Good), "< " + n(g.Pass)}
	var rows []gradeRow
	for i, name := range sync.GradeNames {
		var share any
		if graded > 0 {
			share = float64(counts[i]) / float64(graded)
		}
		rows = append(rows, gradeRow{grade: name, band: bands[i], count: counts[i], share: share})
	}
	rows = append(rows, gradeRow{grade: "无总分", band: "表中无总分", count: ungraded},
		gradeRow{grade: "合计", count: len(sum.Units)})
	cols := []reportColumn[gradeRow]{
		{header: "等级", width: 10, style: "rCenter", value: func(_ int, r *gradeRow) any { return r.grade }},
		{header: "总分区间", width: 14, style: "rCenter", value: func(_ int, r *gradeRow) any { return r.band }},
		{header: "份数", width: 8, style: "rInt", value: func(_ int, r *gradeRow) any { return r.count }},
		{header: "占比", width: 9, style: "rShare", value: func(_ int, r *gradeRow) any { return r.share }},
	}
	note := gradeRule(g) + "；占比按有总分的自评表计。"
	if graded == 0 {
		note += "各自评表均无总分，不绘制分布图。"
	}
	w := newReportWriter(f, SheetGrades, len(cols))
	title := fmt.Sprintf("%d年度得分分布", sum.Year)
	reportTable(w, title, note, cols, rows, tableOptions{landscape: true})
	if err := w.done(); err != nil {
		return err
	}
	if graded == 0 {
		return nil // a chart of zeros says nothing
	}
	ref := func(col string, r1, r2 int) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", SheetGrades, col, r1, col, r2)
	}
	last := 3 + len(sync.GradeNames)
	gap, vary := uint(80), false
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	var unit float64
	if top <= 10 {
		unit = 1 // whole numbers of submissions
	}
	chart := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$C$3", SheetGrades),
			Categories: ref("A", 4, last), Values: ref("C", 4, last),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4472C4"}}}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title, Font: &excelize.Font{Family: fontLabel, Size: 14, Bold: true}}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		VaryColors: &vary,
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		XAxis:      excelize.ChartAxis{Font: excelize.Font{Family: fontLabel, Size: 11, Color: "000000"}},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, MajorUnit: unit, Font: excelize.Font{Family: fontLabel, Size: 10, Color: "000000"}},
		Dimension:  excelize.ChartDimension{Width: 480, Height: 300},
		GapWidth:   &gap,
	}
	if err := f.AddChart(SheetGrades, "F3", chart); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

// reportMissing writes sheet 未提交单位.
func reportMissing(f *excelize.File, sum *sync.Summary) error {
	cols := []reportColumn[string]{
		{header: "序号", width: 6, style: "rInt", value: func(i int, _ *string) any { return i + 1 }},
		{header: "单位名称", width: 40, style: "rText", wrap: true, value: func(_ int, u *string) any { return *u }},
	}
	from := sum.ExpectedFrom
	if from == "" {
		from = "未指定"
	}
	note := fmt.Sprintf("应提交单位依据：%s。%d年度未提交“%s”的单位共 %d 个。", from, sum.Year, titleOf(sum), len(sum.Missing))
	if len(sum.Missing) == 0 {
		note += "（无）"
	}
	w := newReportWriter(f, SheetMissing, len(cols))
	reportTable(w, fmt.Sprintf("%d年度未提交单位", sum.Year), note, cols, sum.Missing,
		tableOptions{filter: true, total: []any{"合计", fmt.Sprintf("%d 个单位", len(sum.Missing))}})
	return w.done()
}

// reportRollup writes sheet 部门汇总: one row per department with its
// units' totals, and the whole as 合计 (the only row without a registry).
func reportRollup(f *excelize.File, sum *sync.Summary) error {
	cols := []reportColumn[sync.Rollup]{
		{header: "序号", width: 6, style: "rInt", value: func(i int, _ *sync.Rollup) any { return i + 1 }},
		{header: "主管部门", width: 26, style: "rText", wrap: true, value: func(_ int, r *sync.Rollup) any { return r.Name }},
		{header: "部门编码", width: 13, style: "rCenter", value: func(_ int, r *sync.Rollup) any { return r.Code }},
		{header: "单位数", width: 8, style: "rInt", value: func(_ int, r *sync.Rollup) any { return r.Units }},
		{header: "份数", width: 7, style: "rInt", value: func(_ int, r *sync.Rollup) any { return r.Forms }},
		{header: "预算数（万元）", width: 15, style: "rAmount", value: func(_ int, r *sync.Rollup) any { return num(r.Budget) }},
		{header: "执行数（万元）", width: 15, style: "rAmount", value: func(_ int, r *sync.Rollup) any { return num(r.Spent) }},
		{header: "执行率（%）", width: 11, style: "rPct", value: func(_ int, r *sync.Rollup) any { return num(r.Rate) }},
		{header: "平均总分", width: 9, style: "rPct", value: func(_ int, r *sync.Rollup) any { return num(r.Score) }},
	}
	for i, g := range sync.GradeNames {
		cols = append(cols, reportColumn[sync.Rollup]{header: g, width: 6, style: "rInt",
			value: func(_ int, r *sync.Rollup) any { return r.Grades[i] }})
	}
	cols = append(cols, reportColumn[sync.Rollup]{header: "无总分", width: 7, style: "rInt",
		value: func(_ int, r *sync.Rollup) any { return r.Ungraded }})
	for _, st := range sync.States {
		cols = append(cols, reportColumn[sync.Rollup]{header: sync.StateWord(st), width: 9, style: "rInt",
			value: func(_ int, r *sync.Rollup) any { return r.States[st] }})
	}
	whole := sum.Whole()
	total := make([]any, len(cols))
	for c, col := range cols {
		total[c] = col.value(0, &whole)
	}
	total[0], total[1], total[2] = "", "合计", ""
	note := "执行率按预算数加权：Σ(执行率×预算数)/Σ预算数；平均总分按有总分的自评表计；各状态按单位的填报计，未提交按应提交未提交的单位计。"
	if len(sum.Departments) == 0 {
		note = "尚未导入单位名册，只有全部单位的合计。" + note
	}
	if sum.Under != "" {
		note = fmt.Sprintf("范围：%s（%s）及其下单位。", sum.UnderName, sum.Under) + note
	}
	w := newReportWriter(f, SheetRollup, len(cols))
	reportTable(w, fmt.Sprintf("%d年度%s部门汇总", sum.Year, titleOf(sum)), note, cols, sum.Departments,
		tableOptions{filter: true, freezeCols: 2, landscape: true, total: total})
	return w.done()
}
