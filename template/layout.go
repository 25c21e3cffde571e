package template

import (
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// Fonts of the official forms.
const (
	fontLabel = "宋体"
	fontInput = "仿宋"
)

// Vocabulary offered as dropdowns in the templates.
var (
	// Level1Names are the 一级指标 of the national indicator framework.
	Level1Names = []string{"产出指标", "效益指标", "满意度指标", "成本指标"}
	// Level2Names are the 二级指标 under them.
	Level2Names = []string{"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
		"生态效益指标", "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标"}
	// TierNames are the 定性 tiers of a qualitative actual.
	TierNames = []string{"达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差"}
)

// sheetWriter lays out one form sheet: rows are 1-based, columns 0-based,
// and the first error sticks so that builders read as straight-line code.
type sheetWriter struct {
	f      *excelize.File
	sheet  string
	width  int       // number of columns of the form
	cols   []float64 // column widths from A, as set by widths
	styles map[string]int
	// heights are the row heights set, in points, by row; titles are the
	// first and last of the rows repeated on every printed page (0: none),
	// in a form the first indicator table's header; tables are the header
	// and last rows of a form's tables, keeps the rows a page break should
	// not part (see printForm).
	heights map[int]float64
	titles  [2]int
	tables  [][2]int
	keeps   [][2]int
	// fixed is set when the workbook's styles are shared with other
	// workbooks (see formBase): no style may be added, every one used must
	// be among styles already.
	fixed bool
	err   error
}

// newSheetWriter returns a writer of sheet in f with the shared styles defined.
func newSheetWriter(f *excelize.File, sheet string, width int) *sheetWriter {
	w := &sheetWriter{f: f, sheet: sheet, width: width, styles: map[string]int{}, heights: map[int]float64{}}
	w.defineStyles()
	return w
}

// border is a thin black border on all four sides of a cell.
func border() []excelize.Border {
	var bs []excelize.Border
	for _, t := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: t, Color: "000000", Style: 1})
	}
	return bs
}

// addStyle defines the named style unless it is defined already.
func (w *sheetWriter) addStyle(name string, s *excelize.Style) {
	if w.err != nil {
		return
	}
	if _, ok := w.styles[name]; ok {
		return
	}
	if w.fixed {
		w.err = fmt.Errorf("add style %s: the form's base does not define it", name)
		return
	}
	id, err := w.f.NewStyle(s)
	w.err = err
	w.styles[name] = id
}

// defineStyles defines the shared named styles used by put.
func (w *sheetWriter) defineStyles() {
	add := w.addStyle
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	add("title", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 18, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add("subtitle", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 11}, Alignment: left})
	add("label", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 11, Bold: true}, Alignment: center,
		Border: border(), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}})
	add("input", &excelize.Style{Font: &excelize.Font{Family: fontInput, Size: 11}, Alignment: center,
		Border: border(), Protection: &excelize.Protection{Locked: false}})
	add("inputLeft", &excelize.Style{Font: &excelize.Font{Family: fontInput, Size: 11}, Alignment: left,
		Border: border(), Protection: &excelize.Protection{Locked: false}})
	add("note", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 10}, Alignment: left})
}

// cell returns the A1 name of 1-based row and 0-based column.
func cell(row, col int) string { return mapping.CellName(row-1, col) }

// put writes text (a string, or a number) into the range (row, c1)-(row2, c2),
// merging it when it spans more than one cell, with the named style.
func (w *sheetWriter) put(row, c1, row2, c2 int, value any, style string) {
	if w.err != nil {
		return
	}
	tl, br := cell(row, c1), cell(row2, c2)
	if tl != br {
		if w.err = w.f.MergeCell(w.sheet, tl, br); w.err != nil {
			return
		}
	}
	if w.err = w.f.SetCellStyle(w.sheet, tl, br, w.styles[style]); w.err != nil {
		return
	}
	switch v := value.(type) {
	case nil:
	case string:
		if v != "" {
			w.err = w.f.SetCellStr(w.sheet, tl, v)
		}
	default:
		w.err = w.f.SetCellValue(w.sheet, tl, v)
	}
}

// label writes a label over columns c1..c2 of one row.
func (w *sheetWriter) label(row, c1, c2 int, text string) { w.put(row, c1, row, c2, text, "label") }

// input writes an input cell (possibly empty) over columns c1..c2 of one row.
func (w *sheetWriter) input(row, c1, c2 int, text string) {
	w.put(row, c1, row, c2, cellValue(text), "input")
}

// inputLeft writes a left-aligned input cell for free text.
func (w *sheetWriter) inputLeft(row, c1, c2 int, text string) {
	w.put(row, c1, row, c2, text, "inputLeft")
}

// title writes a form's title over row 1, columns A..last, h points high:
// text, or blank where text is empty (as in the blank template).
func (w *sheetWriter) title(last int, text, blank string, h float64) {
	if text == "" {
		text = blank
	}
	w.put(1, 0, 1, last, text, "title")
	w.height(1, h)
}

// height sets a row's height in points.
func (w *sheetWriter) height(row int, h float64) {
	if w.err == nil {
		w.err = w.f.SetRowHeight(w.sheet, row, h)
		w.heights[row] = h
	}
}

// widths sets the column widths, one per column from A, and remembers them
// for textLines.
func (w *sheetWriter) widths(ws ...float64) {
	w.cols = append([]float64(nil), ws...)
	for i, x := range ws {
		if w.err != nil {
			return
		}
		col := mapping.ColumnName(i)
		w.err = w.f.SetColWidth(w.sheet, col, col, x)
	}
}

// Text metrics, in Excel width units (the width of a "0") and points. At
// 11pt a CJK character or full-width mark is about two units wide, another
// character about one; a wrapped cell loses some width to its padding.
const (
	wideRune     = 2.2
	narrowRune   = 1.1
	cellPadding  = 1.5
	defaultWidth = 8.43  // a column widths did not set
	lineHeight   = 15.0  // points a wrapped line takes
	rowPadding   = 8.0   // points a row adds to its lines
	maxRowHeight = 409.0 // the most Excel allows
)

// textLines estimates how many lines text takes when wrapped in a cell over
// columns c1..c2 (widths as set by widths): every paragraph (text between
// \n) takes at least one line, and empty text none.
func (w *sheetWriter) textLines(text string, c1, c2 int) int {
	if strings.TrimSpace(text) == "" {
		return 0
	}
	width := -cellPadding
	for c := c1; c <= c2; c++ {
		if c < len(w.cols) {
			width += w.cols[c]
		} else {
			width += defaultWidth
		}
	}
	width = math.Max(width, wideRune)
	n := 0
	for _, para := range strings.Split(text, "\n") {
		var u float64
		for _, r := range para {
			if r >= 0x2E80 { // CJK and full-width forms
				u += wideRune
			} else {
				u += narrowRune
			}
		}
		n += max(1, int(math.Ceil(u/width)))
	}
	return n
}

// sharedLines is the part of n lines that falls to each of the rows a merged
// cell covers, rounded up.
func sharedLines(n, rows int) int { return (n + rows - 1) / rows }

// fitHeight sets the height of row to show the largest of lines (counts from
// textLines, one per cell that must show in full), and at least least points.
func (w *sheetWriter) fitHeight(row int, least float64, lines ...int) {
	n := 0
	for _, l := range lines {
		n = max(n, l)
	}
	w.height(row, math.Min(maxRowHeight, math.Max(least, float64(n)*lineHeight+rowPadding)))
}

// dropdown offers a list of values in the given column over rows r1..r2.
// When strict is false other values may still be typed.
func (w *sheetWriter) dropdown(col, r1, r2 int, values []string, strict bool) {
	if w.err != nil || r2 < r1 {
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(cell(r1, col) + ":" + cell(r2, col))
	if w.err = dv.SetDropList(values); w.err != nil {
		return
	}
	if !strict {
		dv.ShowErrorMessage = false
	} else {
		dv.SetError(excelize.DataValidationErrorStyleWarning, "请从列表中选择", "请选择规范的指标名称")
	}
	w.err = w.f.AddDataValidation(w.sheet, dv)
}

// done returns the first error met.
func (w *sheetWriter) done() error {
	if w.err != nil {
		return fmt.Errorf("layout sheet %q: %w", w.sheet, w.err)
	}
	return nil
}

// indicatorFields are the fields of an indicator row, one a column from B;
// the Hubei table has the first five.
var indicatorFields = []string{"level1", "level2", "level3", "target", "actual", "weight", "score", "deviation"}

// indicatorHeaders are the national forms' headers over indicatorFields.
var indicatorHeaders = []string{"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"}

// indicatorTable lays out the national forms' 绩效指标 table at row head,
// with blank rows in the blank template (d nil), and the 总分 row after it.
func (w *sheetWriter) indicatorTable(head int, d *Data, blank int) {
	rows := d.Rows("indicators", blank)
	row := w.indicatorBlock(head, "绩效指标", indicatorHeaders, indicatorFields, rows, d != nil)
	w.label(row, 0, 5, "总分")
	w.input(row, 6, 6, d.F("total_weight"))
	w.input(row, 7, 7, d.F("total_score"))
	w.inputLeft(row, 8, 8, "")
	w.height(row, 28)
	w.keep(row-2, row) // 总分 goes with the table's last rows
}

// indicatorBlock lays out an indicator table at row head: caption down
// column A, headers from column B, then one row per indicator holding fields
// (a prefix of indicatorFields), each tall enough to show its texts, with
// 一级/二级 merged over their groups when filled and the dropdowns of
// 一级指标, 二级指标 and 实际完成值. It returns the row after the table.
func (w *sheetWriter) indicatorBlock(head int, caption string, headers, fields []string, rows []map[string]string, filled bool) int {
	w.put(head, 0, head+len(rows), 0, caption, "label")
	for i, h := range headers {
		w.label(head, 1+i, 1+i, h)
	}
	w.height(head, 30)
	if w.titles[0] == 0 {
		w.titles = [2]int{head, head}
	}
	// A header is not left at the foot of a page: it goes with two rows.
	w.keep(head, min(head+2, head+len(rows)))
	first := head + 1
	size1, size2 := groupSizes(rows, "level1"), groupSizes(rows, "level2")
	for i, r := range rows {
		row := first + i
		lines := w.fields(row, 1, r, fields)
		// A merged 一级/二级 cell shares its lines among the rows it covers.
		lines[0], lines[1] = sharedLines(lines[0], size1[i]), sharedLines(lines[1], size2[i])
		w.fitHeight(row, 30, lines...)
	}
	last := first + len(rows) - 1
	w.tables = append(w.tables, [2]int{head, last})
	if filled {
		w.mergeGroups(first, rows, 1, "level1")
		w.mergeGroups(first, rows, 2, "level2")
	}
	w.dropdown(1, first, last, Level1Names, true)
	w.dropdown(2, first, last, Level2Names, true)
	w.dropdown(5, first, last, TierNames, false)
	return last + 1
}

// freeText are the fields written left-aligned as free text; others are
// centred and typed as numbers where they read as one.
var freeText = map[string]bool{"level3": true, "deviation": true, "explanation": true, "criteria": true, "note": true}

// fields writes r's named fields into row, one a column from col, and
// returns how many lines each takes (see textLines).
func (w *sheetWriter) fields(row, col int, r map[string]string, names []string) []int {
	lines := make([]int, len(names))
	for i, name := range names {
		if freeText[name] {
			w.inputLeft(row, col+i, col+i, r[name])
		} else {
			w.input(row, col+i, col+i, r[name])
		}
		lines[i] = w.textLines(r[name], col+i, col+i)
	}
	return lines
}

// groupSizes gives, for each row, the number of rows of the group (see
// groups) it starts, or 1 for a row inside a group.
func groupSizes(rows []map[string]string, col string) []int {
	out := make([]int, len(rows))
	for i := range out {
		out[i] = 1
	}
	for _, g := range groups(rows, col) {
		out[g[0]] = g[1] - g[0] + 1
	}
	return out
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
