package template

import "fmt"

// hubeiDept2022 is the Hubei 部门整体绩效自评表 (seeds 000 and 003): amounts
// and 预算数（A）/执行数（B）/执行率（B/A）, then one indicator table per
// 年度目标, then 偏差大或目标未完成原因分析 and 改进措施及结果应用方案.
var hubeiDept2022 = &Form{
	ID: "hubei-dept", Version: "2022", Sheet: "部门整体绩效自评表",
	Title: "部门整体绩效自评表", layout: layoutHubei,
}

// hubeiBlankRows is how many indicator rows the blank template offers.
const hubeiBlankRows = 12

func layoutHubei(w *sheetWriter, d *Data) {
	const last = 5 // columns A..F
	w.widths(16, 12, 16, 42, 14, 14)
	title := d.F("title")
	if title == "" {
		title = "    年度部门整体绩效自评表"
	}
	w.put(1, 0, 1, last, title, "title")
	w.height(1, 36)
	w.put(2, 0, 2, last, fmt.Sprintf("单位名称：%s               填报日期：%s", d.F("header_unit"), d.F("fill_date")), "subtitle")
	w.height(2, 22)

	w.label(3, 0, 0, "单位名称")
	w.input(3, 1, last, d.F("unit_name"))
	w.label(4, 0, 0, "基本支出总额")
	w.input(4, 1, 2, d.F("basic_total"))
	w.label(4, 3, 3, "项目支出总额")
	w.input(4, 4, last, d.F("project_total"))
	w.put(5, 0, 6, 0, "预算执行情况（万元）", "label")
	w.label(5, 1, 2, "")
	w.label(5, 3, 3, "预算数（A）")
	w.label(5, 4, 4, "执行数（B）")
	w.label(5, 5, 5, "执行率（B/A）")
	w.label(6, 1, 2, "部门整体支出总额")
	w.input(6, 3, 3, d.F("budget"))
	w.input(6, 4, 4, d.F("spent"))
	w.input(6, 5, 5, d.F("rate"))
	for r := 3; r <= 6; r++ {
		w.height(r, 24)
	}

	row := 7
	goals := d.Instances("goals")
	for i, g := range goals {
		prefix := "年度目标："
		if len(goals) > 1 {
			prefix = fmt.Sprintf("年度目标%d：", i+1)
		}
		w.inputLeft(row, 0, last, prefix+g.F("goal"))
		w.height(row, 60)
		row++
		rows := g.Rows("indicators", hubeiBlankRows)
		w.put(row, 0, row+len(rows), 0, "年度绩效目标完成情况", "label")
		for c, h := range []string{"一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值"} {
			w.label(row, c+1, c+1, h)
		}
		row++
		first := row
		for _, r := range rows {
			w.input(row, 1, 1, r["level1"])
			w.input(row, 2, 2, r["level2"])
			w.inputLeft(row, 3, 3, r["level3"])
			w.input(row, 4, 4, r["target"])
			w.input(row, 5, 5, r["actual"])
			w.height(row, 30)
			row++
		}
		if d != nil {
			w.mergeGroups(first, rows, 1, "level1")
			w.mergeGroups(first, rows, 2, "level2")
		}
		w.dropdown(1, first, row-1, Level1Names, true)
		w.dropdown(2, first, row-1, Level2Names, true)
		w.dropdown(5, first, row-1, TierNames, false)
	}
	w.label(row, 0, 0, "偏差大或目标未完成原因分析")
	w.inputLeft(row, 1, last, d.F("deviation_reason"))
	w.height(row, 48)
	row++
	w.label(row, 0, 0, "改进措施及结果应用方案")
	w.inputLeft(row, 1, last, d.F("improvement"))
	w.height(row, 48)
	row++
	w.put(row, 0, row, last, "备注：\n1.预算执行情况口径：预算数为年初预算总额（包括上年结余结转），执行数为调整后单位实际支出数。\n"+
		"2.定性指标分档原则：分为达成预期指标、部分达成预期指标并具有一定效果、未达成预期指标且效果较差三档。选择部分达成或未达成的，必须说明原因和改进措施。\n"+
		"3.基于经济性和必要性等因素考虑，满意度指标难以统计的，在自评时可不作为必评指标。", "note")
	w.height(row, 80)
}

// mergeGroups merges column col over each group of rows whose value is
// written on the group's first row only (rows start at sheet row first).
func (w *sheetWriter) mergeGroups(first int, rows []map[string]string, col int, name string) {
	for _, g := range groups(rows, name) {
		if g[1] > g[0] {
			w.put(first+g[0], col, first+g[1], col, nil, "input")
		}
	}
}
