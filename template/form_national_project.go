package template

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// nationalProject2020 is the national 项目支出绩效自评表, the attachment of
// 财预〔2020〕10号 《项目支出绩效评价管理办法》: 项目名称, 主管部门 / 实施单位, the
// 项目资金（万元） block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
// for 年度资金总额 and its 其中 rows), 年度总体目标 (预期目标 | 实际完成情况), the
// 绩效指标 table with 分值 / 得分 / 偏差原因分析及改进措施, and 总分.
var nationalProject2020 = &Form{
	ID: "national-project", Version: "2020", Sheet: "项目支出绩效自评表",
	Title: "项目支出绩效自评表", layout: layoutNationalProject, styles: addProjectStyles,
}

// projectBlankRows is how many indicator rows the blank template offers.
const projectBlankRows = 20

// projectWidths are the column widths A..I: the left labels, 一级, 二级,
// 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施. The funds
// block reuses them: its row labels span B..C and its six headers sit in
// D..I.
var projectWidths = []float64{10, 12, 13, 22, 12, 14, 7, 8, 26}

// projectFiscalLabel is the printed caption of the first 其中 row of the
// funds block. An example may replace it through the layout-only key
// fiscal_row_label (not a field of the mapping), since some copies print
// 其中：本年财政拨款; the mapping finds either spelling.
const projectFiscalLabel = "其中：当年财政拨款"

// layoutNationalProject lays out the national 项目支出绩效自评表, filled with d
// (nil: blank).
func layoutNationalProject(w *sheetWriter, d *Data) {
	const last = 8 // columns A..I
	w.widths(projectWidths...)
	addProjectStyles(w)

	w.title(last, "", "项目支出绩效自评表", 36)
	year := "    "
	if y := d.F("year"); y != "" {
		year = y
	}
	w.put(2, 0, 2, last, fmt.Sprintf("（%s年度）", year), "projectYear")
	w.height(2, 24)

	w.label(3, 0, 0, "项目名称")
	w.inputLeft(3, 1, last, d.F("project_name"))
	w.label(4, 0, 0, "主管部门")
	w.inputLeft(4, 1, 3, d.F("department"))
	w.label(4, 4, 5, "实施单位")
	w.inputLeft(4, 6, last, d.F("implementer"))
	w.height(3, 28)
	w.height(4, 28)

	// 项目资金（万元）: header row and four rows; 分值 and 得分 only on the
	// total row, the 其中 rows carry the printed "—".
	w.put(5, 0, 9, 0, "项目资金（万元）", "label")
	w.label(5, 1, 2, "")
	for i, h := range []string{"年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"} {
		w.label(5, 3+i, 3+i, h)
	}
	fiscal := projectFiscalLabel
	if s := d.F("fiscal_row_label"); s != "" {
		fiscal = s
	}
	type fundsRow struct{ label, prefix string }
	for i, fr := range []fundsRow{
		{"年度资金总额", ""}, {fiscal, "fiscal_"}, {"上年结转资金", "carryover_"}, {"其他资金", "other_"},
	} {
		row := 6 + i
		w.label(row, 1, 2, fr.label)
		if fr.prefix == "" {
			w.input(row, 3, 3, d.F("budget_initial"))
			w.input(row, 4, 4, d.F("budget_full"))
			w.input(row, 5, 5, d.F("spent"))
			w.input(row, 6, 6, d.F("funds_weight"))
			w.input(row, 7, 7, d.F("rate"))
			w.input(row, 8, 8, d.F("funds_score"))
		} else {
			w.input(row, 3, 3, d.F(fr.prefix+"initial"))
			w.input(row, 4, 4, d.F(fr.prefix+"full"))
			w.input(row, 5, 5, d.F(fr.prefix+"spent"))
			w.input(row, 6, 6, "—")
			w.input(row, 7, 7, d.F(fr.prefix+"rate"))
			w.input(row, 8, 8, "—")
		}
	}
	for r := 5; r <= 9; r++ {
		w.height(r, 26)
	}

	// 年度总体目标: 预期目标 | 实际完成情况 over one free-text row.
	w.put(10, 0, 11, 0, "年度总体目标", "label")
	w.label(10, 1, 4, "预期目标")
	w.label(10, 5, last, "实际完成情况")
	w.height(10, 24)
	expected, actual := d.F("goal_expected"), d.F("goal_actual")
	w.inputLeft(11, 1, 4, expected)
	w.inputLeft(11, 5, last, actual)
	w.fitHeight(11, 90, w.textLines(expected, 1, 4), w.textLines(actual, 5, last))

	// 绩效指标: the indicator table, then 总分.
	w.indicatorTable(12, d, projectBlankRows)
}

// addProjectStyles defines the styles this form adds to the shared ones: the
// （YYYY年度） line, centred without a border.
func addProjectStyles(w *sheetWriter) {
	w.addStyle("projectYear", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 12},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
}
