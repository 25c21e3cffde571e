package template

// hunanDept2025 is a provincial 部门整体支出绩效自评表 as the 一体化
// performance systems print it, made with `jxsync mapping scaffold` from a
// filled example: 自评总分 at the top (the budget execution's 得分 and the
// indicators' together), 联系人/联系电话, the 预算执行情况 row (年初预算数 |
// 全年预算数 | 全年执行数 | 执行率 | 分值 | 得分), 年度总体目标, and a 绩效指标
// table with a 指标解释 column between 三级指标 and 年度指标值, then 总分. Its
// 备注 states the two provincial rules its mapping turns on: the 总分 capped
// by 执行率 band and the deduction for a deviation of 30% or more. It prints
// upright: the blank form on one page.
var hunanDept2025 = &Form{
	ID: "hunan-yitihua", Version: "2025", Sheet: "部门整体支出绩效自评表",
	Title: "部门整体支出绩效自评表", layout: layoutHunanDept,
}

// hunanDeptBlankRows is how many indicator rows the blank template offers.
const hunanDeptBlankRows = 20

// hunanDeptWidths are the widths of columns A..J: the left labels, then the
// indicator table's 一级指标, 二级指标, 三级指标, 指标解释, 年度指标值,
// 实际完成值, 分值, 得分 and 偏差原因分析及改进措施.
var hunanDeptWidths = []float64{10, 12, 12, 24, 28, 12, 12, 8, 8, 30}

// hunanDeptFields and hunanDeptHeaders are the indicator table's fields,
// one a column from B, and their headers.
var (
	hunanDeptFields  = []string{"level1", "level2", "level3", "explanation", "target", "actual", "weight", "score", "deviation"}
	hunanDeptHeaders = []string{"一级指标", "二级指标", "三级指标", "指标解释", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"}
)

// layoutHunanDept lays out the provincial 部门整体支出绩效自评表, filled
// with d (nil: blank).
func layoutHunanDept(w *sheetWriter, d *Data) {
	const last = 9 // columns A..J
	w.widths(hunanDeptWidths...)
	w.title(last, d.F("title"), "    年度部门整体支出绩效自评表", 40)

	w.label(2, 0, 1, "部门（单位）名称")
	w.inputLeft(2, 2, 5, d.F("unit_name"))
	w.label(2, 6, 7, "自评总分")
	w.input(2, 8, last, d.F("self_score"))
	w.label(3, 0, 1, "联系人")
	w.input(3, 2, 3, d.F("contact"))
	w.label(3, 4, 4, "联系电话")
	w.input(3, 5, last, d.F("phone"))

	// 预算执行情况（万元）: header, then the 部门整体支出 row.
	w.put(4, 0, 5, 0, "预算执行\n情况\n（万元）", "label")
	w.label(4, 1, 2, "")
	w.label(5, 1, 2, "部门整体支出")
	for i, h := range []string{"年初预算数", "全年预算数", "全年执行数", "执行率", "分值"} {
		w.label(4, 3+i, 3+i, h)
	}
	w.label(4, 8, last, "得分")
	for i, name := range []string{"budget_initial", "budget_full", "spent", "rate", "budget_weight"} {
		w.input(5, 3+i, 3+i, d.F(name))
	}
	w.input(5, 8, last, d.F("budget_score"))
	for r := 2; r <= 5; r++ {
		w.height(r, 26)
	}

	// 年度总体目标: 预期目标 | 实际完成情况, one free-text row.
	w.put(6, 0, 7, 0, "年度总体\n目标", "label")
	w.label(6, 1, 4, "预期目标")
	w.label(6, 5, last, "实际完成情况")
	w.height(6, 24)
	w.inputLeft(7, 1, 4, d.F("goal_expected"))
	w.inputLeft(7, 5, last, d.F("goal_actual"))
	w.fitHeight(7, 72, w.textLines(d.F("goal_expected"), 1, 4), w.textLines(d.F("goal_actual"), 5, last))

	// 绩效指标: the indicator table, 指标解释 after 三级指标, then 总分.
	row := w.hunanIndicators(8, d.Rows("indicators", hunanDeptBlankRows), d != nil)
	w.label(row, 0, 6, "总分")
	w.input(row, 7, 7, d.F("total_weight"))
	w.input(row, 8, 8, d.F("total_score"))
	w.inputLeft(row, last, last, "")
	w.height(row, 28)
	w.keep(row-2, row) // 总分 goes with the table's last rows
	row++
	w.put(row, 0, row, last, "备注：\n1.自评总分 = 预算执行得分 + 绩效指标得分（总分），满分100分。\n"+
		"2.执行率低于80%的，自评总分不超过89分；低于70%的，不超过79分；低于60%的，不超过69分。\n"+
		"3.实际完成值偏离年度指标值30%及以上的（超额或未完成），该指标扣1分，并在“偏差原因分析及改进措施”中说明原因。\n"+
		"4.定性指标分档原则：达成年度指标得分值的80%-100%，部分达成年度指标并具有一定效果得60%-80%，未达成年度指标且效果较差得60%以下。", "note")
	w.height(row, 84)
}

// hunanIndicators lays out the indicator table at row head: caption down
// column A, hunanDeptHeaders from column B, one row per indicator, 一级/二级
// merged over their groups when filled, and the dropdowns of 一级指标,
// 二级指标 and 实际完成值. It returns the row after the table.
func (w *sheetWriter) hunanIndicators(head int, rows []map[string]string, filled bool) int {
	w.put(head, 0, head+len(rows), 0, "绩效指标", "label")
	for i, h := range hunanDeptHeaders {
		w.label(head, 1+i, 1+i, h)
	}
	w.height(head, 30)
	w.titles = [2]int{head, head}
	w.keep(head, min(head+2, head+len(rows)))
	first := head + 1
	size1, size2 := groupSizes(rows, "level1"), groupSizes(rows, "level2")
	for i, r := range rows {
		lines := w.fields(first+i, 1, r, hunanDeptFields)
		lines[0], lines[1] = sharedLines(lines[0], size1[i]), sharedLines(lines[1], size2[i])
		w.fitHeight(first+i, 30, lines...)
	}
	last := first + len(rows) - 1
	w.tables = append(w.tables, [2]int{head, last})
	if filled {
		w.mergeGroups(first, rows, 1, "level1")
		w.mergeGroups(first, rows, 2, "level2")
	}
	w.dropdown(1, first, last, Level1Names, true)
	w.dropdown(2, first, last, Level2Names, true)
	w.dropdown(6, first, last, TierNames, false)
	return last + 1
}
