package template

// hubeiDept2023 is the 2023 edition of the Hubei 部门整体绩效自评表, as a rule
// change brings it: 联系人/联系电话 under the unit name (the unit is no longer
// repeated in the subtitle), a 分值/得分 pair for the budget's 执行率, an
// indicator table per 年度目标 with 分值, 得分 and a per-row
// 偏差原因分析及改进措施, a 总分 row after the goals, and 改进措施及结果应用方案
// renamed 下一步改进措施. It prints upright, as the 2022 edition: on one page
// where a page across would put 下一步改进措施 and 备注 on a second.
var hubeiDept2023 = &Form{
	ID: "hubei-dept", Version: "2023", Sheet: "部门整体绩效自评表",
	Title: "部门整体绩效自评表", layout: layoutHubei2023,
}

// hubei2023Headers are the headers of a 2023 indicator table, over
// indicatorFields.
var hubei2023Headers = []string{"一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"}

// hubei2023Widths are the widths of columns A..I: the left labels, then the
// indicator table's 一级指标 … 偏差原因分析及改进措施.
var hubei2023Widths = []float64{14, 12, 12, 34, 14, 14, 8, 8, 32}

// layoutHubei2023 lays out the 2023 Hubei form, filled with d (nil: blank).
func layoutHubei2023(w *sheetWriter, d *Data) {
	const last = 8 // columns A..I
	w.widths(hubei2023Widths...)
	w.title(last, d.F("title"), "    年度部门整体绩效自评表", 36)
	w.put(2, 0, 2, last, "填报日期："+d.F("fill_date"), "subtitle")
	w.height(2, 22)

	w.label(3, 0, 0, "单位名称")
	w.input(3, 1, last, d.F("unit_name"))
	w.label(4, 0, 0, "联系人")
	w.input(4, 1, 2, d.F("contact"))
	w.label(4, 3, 3, "联系电话")
	w.input(4, 4, last, d.F("phone"))
	w.label(5, 0, 0, "基本支出总额")
	w.input(5, 1, 2, d.F("basic_total"))
	w.label(5, 3, 3, "项目支出总额")
	w.input(5, 4, last, d.F("project_total"))
	// 预算执行情况（万元）: 预算数 | 执行数 | 执行率 | 分值 | 得分.
	w.put(6, 0, 7, 0, "预算执行情况（万元）", "label")
	w.label(6, 1, 2, "")
	for i, h := range []string{"预算数（A）", "执行数（B）", "执行率（B/A）", "分值"} {
		w.label(6, 3+i, 3+i, h)
	}
	w.label(6, 7, last, "得分")
	w.label(7, 1, 2, "部门整体支出总额")
	for i, name := range []string{"budget", "spent", "rate", "budget_weight"} {
		w.input(7, 3+i, 3+i, d.F(name))
	}
	w.input(7, 7, last, d.F("budget_score"))
	for r := 3; r <= 7; r++ {
		w.height(r, 24)
	}

	row := w.goalBlocks(8, last, d, hubei2023Headers, indicatorFields)
	// 总分: the 分值 and 得分 of every goal's indicators together.
	w.label(row, 0, 5, "总分")
	w.input(row, 6, 6, d.F("total_weight"))
	w.input(row, 7, 7, d.F("total_score"))
	w.inputLeft(row, 8, 8, "")
	w.height(row, 28)
	row++
	w.label(row, 0, 0, "偏差大或目标未完成原因分析")
	w.inputLeft(row, 1, last, d.F("deviation_reason"))
	w.fitHeight(row, 48, w.textLines(d.F("deviation_reason"), 1, last))
	row++
	w.label(row, 0, 0, "下一步改进措施")
	w.inputLeft(row, 1, last, d.F("measures"))
	w.fitHeight(row, 48, w.textLines(d.F("measures"), 1, last))
	row++
	w.keep(row-5, row) // 总分 and the closing rows go with the table's last rows
	w.put(row, 0, row, last, "备注：\n1.预算执行情况口径：预算数为年初预算总额（包括上年结余结转），执行数为调整后单位实际支出数；执行率得分 = 分值 × 执行率，不超过分值。\n"+
		"2.绩效指标分值合计100分，得分按实际完成值与年初目标值计算；定性指标分档原则：达成年度指标得分值的80%-100%，部分达成年度指标并具有一定效果得60%-80%，未达成年度指标且效果较差得60%以下。\n"+
		"3.未完成目标或得分低于分值的指标，须在该行“偏差原因分析及改进措施”中说明原因和改进措施。\n"+
		"4.基于经济性和必要性等因素考虑，满意度指标难以统计的，在自评时可不作为必评指标。", "note")
	w.height(row, 96)
}
