package template

import "fmt"

// minsheng2020 is the Anhui 民生工程 绩效评价得分表 (seed 002, 六安市生活无着人员
// 社会救助): one scoring table 序号 | 一级指标 | 二级指标 | 三级指标 | 指标分值 |
// 自评得分 | 指标解释说明 | 评分标准 | 备注 whose 一级/二级 labels carry their
// weights (投入(18分)) and are repeated at page breaks, closed by 合计.
var minsheng2020 = &Form{
	ID: "minsheng-score", Version: "2020", Sheet: "绩效评价得分表",
	Title: "民生工程绩效评价得分表", Landscape: true, layout: layoutMinsheng,
}

const (
	// minshengBlankRows is how many indicator rows the blank template offers.
	minshengBlankRows = 25
	// minshengRepeatHeaderAt is the index of the data row before which a
	// filled table repeats its header row, as a printed page break does, so
	// that the examples exercise the extractor's skipping of repeated
	// headers. The blank template has no repeated header.
	minshengRepeatHeaderAt = 12
	// minshengRowHeight is the least height of a row, in points: a line of
	// text, so that the blank template's rows and 合计 print on one page.
	minshengRowHeight = 24
)

// minshengHeaders are the header labels, broken over lines as printed.
var minshengHeaders = []string{"序号", "一级\n指标", "二级\n指标", "三级\n指标", "指标\n分值", "自评得分",
	"指标解释说明", "评分标准", "备注"}

// minshengFields are the fields of a row, one a column from A.
var minshengFields = []string{"seq", "level1", "level2", "level3", "weight", "score", "explanation", "criteria", "note"}

// minshengWidths are the column widths, A..I.
var minshengWidths = []float64{6, 10, 12, 16, 7, 8, 46, 60, 8}

// layoutMinsheng lays out the 民生工程 scoring table, filled with d (nil: blank).
func layoutMinsheng(w *sheetWriter, d *Data) {
	const last = 8 // columns A..I
	w.widths(minshengWidths...)
	w.title(last, d.F("title"), "民生工程绩效评价得分表", 36)
	w.put(2, 0, 2, last, fmt.Sprintf("评价单位：%s                    评价年度：%s", d.F("unit"), d.F("year")), "subtitle")
	w.height(2, 22)

	header := func(row int) {
		for c, h := range minshengHeaders {
			w.label(row, c, c, h)
		}
		w.height(row, 32)
	}
	header(3)
	w.titles = [2]int{3, 3}

	rows := d.Rows("items", minshengBlankRows)
	row := 4
	// The rows are laid out in segments split at the repeated header, each
	// with its 一级/二级 groups merged (a group does not run across a page
	// break: the printed form repeats its label on the next page).
	segments := [][]map[string]string{rows}
	if d != nil && len(rows) > minshengRepeatHeaderAt {
		segments = [][]map[string]string{rows[:minshengRepeatHeaderAt], rows[minshengRepeatHeaderAt:]}
	}
	w.tables = append(w.tables, [2]int{3, 3 + len(rows) + len(segments) - 1})
	w.keep(3, 5)
	for i, seg := range segments {
		if i > 0 {
			// Neither first nor last on a page, where it would double the
			// header printed at the top of every page.
			w.keep(row-1, row+1)
			header(row)
			row++
		}
		first := row
		for _, r := range seg {
			w.fitHeight(row, minshengRowHeight, w.fields(row, 0, r, minshengFields)...)
			row++
		}
		if d != nil {
			w.mergeGroups(first, seg, 1, "level1")
			w.mergeGroups(first, seg, 2, "level2")
		}
	}

	w.keep(row-2, row) // 合计 goes with the last rows
	w.label(row, 0, 3, "合计")
	w.input(row, 4, 4, d.F("total_weight"))
	w.input(row, 5, 5, d.F("total_score"))
	for c := 6; c <= last; c++ {
		w.input(row, c, c, "")
	}
	w.height(row, 24)
}
