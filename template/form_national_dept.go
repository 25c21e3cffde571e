package template

import (
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// nationalDept2024 is the national-style 部门（单位）整体支出绩效自评表 with
// 分值 and 得分 (seed 001, 株洲市救助管理站 2024, Hunan): unit name, the
// 年度预算申请 block (年度资金总额 and its breakdown by 收入性质 / 支出性质,
// each breakdown cell holding label and amount together), 年度总体目标
// (预期目标 | 实际完成情况), the 绩效指标 table with 分值/得分 and
// 偏差原因分析及改进措施, and 总分. It prints upright, as the 项目支出 form: the
// blank form on one page (across it would take two).
var nationalDept2024 = &Form{
	ID: "national-dept", Version: "2024", Sheet: "整体支出绩效自评表",
	Title: "部门（单位）整体支出绩效自评表", layout: layoutNationalDept,
}

// nationalDeptBlankRows is how many indicator rows the blank template offers.
const nationalDeptBlankRows = 20

// nationalDeptWidths are the widths of columns A..I: the left labels
// (年度预算申请, 年度总体目标, 绩效指标), then the indicator table's 一级指标,
// 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分 and
// 偏差原因分析及改进措施. The budget block puts 年度资金总额 over B:C and its
// six headers over D..I; the breakdown and the goals split B..I into B:E and
// F:I.
var nationalDeptWidths = []float64{10, 12, 12, 30, 12, 12, 8, 8, 34}

// nationalDeptBreakdown are the cells of the 按收入性质分 (B:E) and
// 按支出性质分 (F:I) halves, row by row: the field each holds and the label
// text the blank template prints in it, after which the amount is typed.
var nationalDeptBreakdown = [][2][2]string{
	{{"income_general", "其中：一般公共预算："}, {"expense_basic", "其中：基本支出："}},
	{{"income_fund", "政府性基金拨款："}, {"expense_project", "项目支出："}},
	{{"income_nontax", "纳入专户管理的非税收入拨款："}, {}},
	{{"income_other", "其他资金："}, {}},
}

// layoutNationalDept lays out the national 部门（单位）整体支出绩效自评表,
// filled with d (nil: blank).
func layoutNationalDept(w *sheetWriter, d *Data) {
	const last = 8 // columns A..I
	w.widths(nationalDeptWidths...)
	w.title(last, d.F("title"), "    年度部门（单位）整体支出绩效自评表", 40)

	w.label(2, 0, 2, "市级预算部门（单位）名称")
	w.inputLeft(2, 3, last, d.F("unit_name"))
	w.height(2, 28)

	// 年度预算申请（万元）: header, 年度资金总额, then the breakdown.
	row := 3
	w.put(row, 0, row+2+len(nationalDeptBreakdown), 0, "年度预\n算申请\n（万元）", "label")
	w.label(row, 1, 2, "")
	for i, h := range []string{"年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"} {
		w.label(row, 3+i, 3+i, h)
	}
	w.height(row, 28)
	row++
	w.label(row, 1, 2, "年度资金总额")
	for i, name := range []string{"budget_initial", "budget_full", "spent", "budget_weight", "rate", "budget_score"} {
		w.input(row, 3+i, 3+i, d.F(name))
	}
	w.height(row, 28)
	row++
	w.label(row, 1, 4, "按收入性质分：")
	w.label(row, 5, last, "按支出性质分：")
	w.height(row, 24)
	row++
	for _, halves := range nationalDeptBreakdown {
		for i, h := range halves {
			c1, c2 := 1, 4
			if i == 1 {
				c1, c2 = 5, last
			}
			text := breakdownText(d.F(h[0]), h[1])
			w.inputLeft(row, c1, c2, text)
		}
		w.height(row, 24)
		row++
	}

	// 年度总体目标: 预期目标 | 实际完成情况, one free-text row.
	w.put(row, 0, row+1, 0, "年度总体目标", "label")
	w.label(row, 1, 4, "预期目标")
	w.label(row, 5, last, "实际完成情况")
	w.height(row, 24)
	row++
	w.inputLeft(row, 1, 4, d.F("goal_expected"))
	w.inputLeft(row, 5, last, d.F("goal_actual"))
	w.fitHeight(row, 120, w.textLines(d.F("goal_expected"), 1, 4), w.textLines(d.F("goal_actual"), 5, last))
	row++

	// 绩效指标: the indicator table, then 总分.
	w.indicatorTable(row, d, nationalDeptBlankRows)
}

// breakdownText is what a breakdown cell holds: the typed text when it
// already carries its label (as agencies type it), else the printed label
// followed by the amount (a value exported from the store).
func breakdownText(value, label string) string {
	key := strings.TrimSuffix(strings.TrimPrefix(label, "其中："), "：")
	if key != "" && strings.Contains(mapping.NormLabel(value), mapping.NormLabel(key)) {
		return value
	}
	return label + value
}
