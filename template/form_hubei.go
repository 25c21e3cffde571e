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

// hubeiHeaders are the headers of an indicator table, over the first five
// indicatorFields.
var hubeiHeaders = []string{"一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值"}

// layoutHubei lays out the Hubei form, filled with d (nil: blank).
func layoutHubei(w *sheetWriter, d *Data) {
	const last = 5 // columns A..F
	w.widths(16, 12, 16, 42, 14, 14)
	w.title(last, d.F("title"), "    年度部门整体绩效自评表", 36)
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

	row := w.goalBlocks(7, last, d, hubeiHeaders, indicatorFields[:5])
	w.label(row, 0, 0, "偏差大或目标未完成原因分析")
	w.inputLeft(row, 1, last, d.F("deviation_reason"))
	w.fitHeight(row, 48, w.textLines(d.F("deviation_reason"), 1, last))
	row++
	w.label(row, 0, 0, "改进措施及结果应用方案")
	w.inputLeft(row, 1, last, d.F("improvement"))
	w.fitHeight(row, 48, w.textLines(d.F("improvement"), 1, last))
	row++
	w.keep(row-4, row) // the closing rows go with the table's last rows
	w.put(row, 0, row, last, "备注：\n1.预算执行情况口径：预算数为年初预算总额（包括上年结余结转），执行数为调整后单位实际支出数。\n"+
		"2.定性指标分档原则：分为达成预期指标、部分达成预期指标并具有一定效果、未达成预期指标且效果较差三档。选择部分达成或未达成的，必须说明原因和改进措施。\n"+
		"3.基于经济性和必要性等因素考虑，满意度指标难以统计的，在自评时可不作为必评指标。", "note")
	w.height(row, 80)
}

// goalBlocks lays out the Hubei forms' 年度目标 blocks from row on: each
// goal's text across the form, then its indicator table with headers and
// fields. It returns the row after the last block.
func (w *sheetWriter) goalBlocks(row, last int, d *Data, headers []string, fields []string) int {
	goals := d.Instances("goals")
	for i, g := range goals {
		prefix := "年度目标："
		if len(goals) > 1 {
			prefix = fmt.Sprintf("年度目标%d：", i+1)
		}
		w.inputLeft(row, 0, last, prefix+g.F("goal"))
		w.fitHeight(row, 60, w.textLines(prefix+g.F("goal"), 0, last))
		start := row
		row++
		row = w.indicatorBlock(row, "年度绩效目标完成情况", headers, fields, g.Rows("indicators", hubeiBlankRows), d != nil)
		w.keep(start, row-1) // a goal prints with its table
	}
	return row
}
