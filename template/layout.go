package template

import (
	"fmt"

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
	width  int // number of columns of the form
	styles map[string]int
	err    error
}

func newSheetWriter(f *excelize.File, sheet string, width int) *sheetWriter {
	w := &sheetWriter{f: f, sheet: sheet, width: width, styles: map[string]int{}}
	w.defineStyles()
	return w
}

func border() []excelize.Border {
	var bs []excelize.Border
	for _, t := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: t, Color: "000000", Style: 1})
	}
	return bs
}

func (w *sheetWriter) defineStyles() {
	add := func(name string, s *excelize.Style) {
		if w.err != nil {
			return
		}
		id, err := w.f.NewStyle(s)
		w.err = err
		w.styles[name] = id
	}
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

// height sets a row's height in points.
func (w *sheetWriter) height(row int, h float64) {
	if w.err == nil {
		w.err = w.f.SetRowHeight(w.sheet, row, h)
	}
}

// widths sets the column widths, one per column from A.
func (w *sheetWriter) widths(ws ...float64) {
	for i, x := range ws {
		if w.err != nil {
			return
		}
		col := mapping.ColumnName(i)
		w.err = w.f.SetColWidth(w.sheet, col, col, x)
	}
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

// a4 sets A4 paper, fit to one page wide, and repeats no rows.
func (w *sheetWriter) a4(landscape bool) {
	if w.err != nil {
		return
	}
	size, orient, one, tall := 9, "portrait", 1, 0
	if landscape {
		orient = "landscape"
	}
	w.err = w.f.SetPageLayout(w.sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient,
		FitToWidth: &one, FitToHeight: &tall})
	if w.err != nil {
		return
	}
	fit := true
	w.err = w.f.SetSheetProps(w.sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
	if w.err != nil {
		return
	}
	m, hm := 0.5, 0.3
	center := true
	w.err = w.f.SetPageMargins(w.sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m,
		Header: &hm, Footer: &hm, Horizontally: &center})
}

// done returns the first error met.
func (w *sheetWriter) done() error {
	if w.err != nil {
		return fmt.Errorf("layout sheet %q: %w", w.sheet, w.err)
	}
	return nil
}
