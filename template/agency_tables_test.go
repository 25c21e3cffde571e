package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// agencyEdit changes a filled example's indicator tables the way agencies'
// copies of a form differ from it: blank rows, an added column, signature
// lines, merges split or undone, headers repeated at page breaks. The
// extraction must give the example's rows, their values equal and their
// cells where the edit moved them.
type agencyEdit struct {
	name string
	// edit changes f and says where the example's cells went; tables are
	// the example's tables, lowest on the sheet first.
	edit func(f *excelize.File, sheet string, tables []exampleTable) (moved, error)
}

// moved says where an example's cells are after an edit.
type moved struct {
	// rows are the example's rows (1-based) before each of which a row was
	// inserted (a row may be listed more than once).
	rows []int
	// cols are cells inserted into rows, shifting the rest of the rows
	// right.
	cols []colShift
	// own lists the example's cells (A1) covered by a merge that now hold a
	// copy of the merge's value: they are read from themselves.
	own map[string]bool
}

// colShift is a cell inserted at 0-based column col of the example's rows
// top to bottom (1-based).
type colShift struct{ col, top, bottom int }

// exampleTable is one indicator table of an example, as the example reads.
type exampleTable struct {
	rows []mapping.Row
	cols map[string]int // column name → 0-based sheet column
	tb   *mapping.Table
}

func (t exampleTable) first() int  { return t.rows[0].Row }
func (t exampleTable) last() int   { return t.rows[len(t.rows)-1].Row }
func (t exampleTable) header() int { return t.first() - 1 }

var agencyEdits = []agencyEdit{
	{name: "blank-hidden", edit: blankHidden},
	{name: "blank-visible", edit: blankVisible},
	{name: "note-column", edit: noteColumn},
	{name: "footer-end", edit: footerEnd},
	{name: "footer-under-table", edit: footerUnderTable},
	{name: "unmerge-level1", edit: unmergeLevel1},
	{name: "repeat-level2", edit: repeatLevel2},
	{name: "page-break-header", edit: func(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
		return pageBreakHeader(f, sheet, tables, false)
	}},
	{name: "page-break-partial", edit: func(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
		return pageBreakHeader(f, sheet, tables, true)
	}},
	{name: "two-row-header", edit: twoRowHeader},
}

// TestAgencyTables edits every shipped example's indicator tables as
// agencies do (agencyEdits) and checks that the extraction equals the
// example's: the same fields and rows with the same values, every cell
// shifted by the rows and columns inserted, no problems.
func TestAgencyTables(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tpl := range reg.Templates {
		for _, ex := range reg.Examples(tpl) {
			data, err := fs.ReadFile(templates.FS, ex)
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(path.Base(ex), ".xlsx")
			orig := extractDetected(t, reg, path.Base(ex), data, tpl)
			tables := exampleTables(tpl, orig)
			if len(tables) == 0 {
				t.Fatalf("%s: no indicator table read", base)
			}
			n++
			for _, e := range agencyEdits {
				t.Run(base+"/"+e.name, func(t *testing.T) {
					f, err := excelize.OpenReader(bytes.NewReader(data))
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					mv, err := e.edit(f, orig.Sheet, tables)
					if err != nil {
						t.Fatal(err)
					}
					var b bytes.Buffer
					if _, err := f.WriteTo(&b); err != nil {
						t.Fatal(err)
					}
					got := extractDetected(t, reg, base+"-"+e.name+".xlsx", b.Bytes(), tpl)
					want, have := agencyView(mv.apply(orig)), agencyView(got)
					if want != have {
						t.Errorf("extraction differs from the example's:\n%s", firstDiff(want, have))
					}
				})
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d examples edited, want every shipped one", n)
	}
}

// agencyView is the JSON of what an edit must keep: fields, rows, blocks
// and problems (none).
func agencyView(r *mapping.Result) string {
	b, _ := json.MarshalIndent(struct {
		Fields   map[string]mapping.Value
		Tables   map[string][]mapping.Row
		Blocks   map[string][]mapping.BlockResult
		Problems []mapping.Problem
	}{r.Fields, r.Tables, r.Blocks, r.Problems}, "", " ")
	return string(b)
}

// exampleTables lists res's tables, lowest on the sheet first, with the
// columns their values were read from.
func exampleTables(t *mapping.Template, res *mapping.Result) []exampleTable {
	var out []exampleTable
	add := func(tb *mapping.Table, rows []mapping.Row) {
		if len(rows) == 0 {
			return
		}
		votes := map[string]map[int]int{}
		for _, r := range rows {
			for name, v := range r.All() {
				_, ref, _ := strings.Cut(v.Cell, "!")
				if _, c, err := mapping.ParseCellName(ref); err == nil {
					if votes[name] == nil {
						votes[name] = map[int]int{}
					}
					votes[name][c]++
				}
			}
		}
		cols := map[string]int{}
		for name, vs := range votes {
			best := -1
			for c, n := range vs {
				if best < 0 || n > vs[best] || n == vs[best] && c < best {
					best = c
				}
			}
			cols[name] = best
		}
		out = append(out, exampleTable{rows: rows, cols: cols, tb: tb})
	}
	for i := range t.Tables {
		add(&t.Tables[i], res.Tables[t.Tables[i].Name])
	}
	for i := range t.Blocks {
		for _, b := range res.Blocks[t.Blocks[i].Name] {
			for j := range t.Blocks[i].Tables {
				add(&t.Blocks[i].Tables[j], b.Tables[t.Blocks[i].Tables[j].Name])
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].first() > out[j].first() })
	return out
}

// apply returns res as it reads after the edit: rows and cells moved.
func (m moved) apply(res *mapping.Result) *mapping.Result {
	cp := *res
	cp.Fields = m.values(res.Fields, 0)
	cp.Tables = m.tables(res.Tables)
	if res.Blocks != nil {
		cp.Blocks = map[string][]mapping.BlockResult{}
	}
	for name, insts := range res.Blocks {
		for _, b := range insts {
			b.Row = m.row(b.Row)
			b.Fields = m.values(b.Fields, 0)
			b.Tables = m.tables(b.Tables)
			cp.Blocks[name] = append(cp.Blocks[name], b)
		}
	}
	return &cp
}

func (m moved) tables(tables map[string][]mapping.Row) map[string][]mapping.Row {
	out := map[string][]mapping.Row{}
	for name, rows := range tables {
		out[name] = []mapping.Row{}
		for _, r := range rows {
			out[name] = append(out[name], mapping.NewRow(m.row(r.Row), m.values(r.Map(), r.Row)))
		}
	}
	return out
}

// values moves the cells of vals, read on sheet row row (0 for fields).
func (m moved) values(vals map[string]mapping.Value, row int) map[string]mapping.Value {
	out := map[string]mapping.Value{}
	for k, v := range vals {
		if sheet, ref, ok := strings.Cut(v.Cell, "!"); ok {
			r, c, err := mapping.ParseCellName(ref)
			if err == nil {
				if row > 0 && m.own[mapping.CellName(row-1, c)] {
					r = row - 1
				}
				v.Cell = sheet + "!" + mapping.CellName(m.row(r+1)-1, m.column(r+1, c))
			}
		}
		out[k] = v
	}
	return out
}

// row is where the example's 1-based row r is after the edit.
func (m moved) row(r int) int {
	n := r
	for _, k := range m.rows {
		if k <= r {
			n++
		}
	}
	return n
}

// column is where the example's 0-based column c of 1-based row r is
// after the edit.
func (m moved) column(r, c int) int {
	n := c
	for _, s := range m.cols {
		if r >= s.top && r <= s.bottom && c >= s.col {
			n++
		}
	}
	return n
}

// blankHidden inserts a blank row in the middle of every table and hides it.
func blankHidden(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	mv := moved{}
	for _, tb := range tables {
		k := tb.rows[len(tb.rows)/2].Row
		if err := f.InsertRows(sheet, k, 1); err != nil {
			return mv, err
		}
		if err := f.SetRowVisible(sheet, k, false); err != nil {
			return mv, err
		}
		mv.rows = append(mv.rows, k)
	}
	return mv, nil
}

// blankVisible inserts two blank rows in the middle of every table and one
// under its last row.
func blankVisible(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	mv := moved{}
	for _, tb := range tables {
		for _, k := range []int{tb.last() + 1, tb.rows[len(tb.rows)/2].Row} {
			n := 1
			if k <= tb.last() {
				n = 2
			}
			if err := f.InsertRows(sheet, k, n); err != nil {
				return mv, err
			}
			for ; n > 0; n-- {
				mv.rows = append(mv.rows, k)
			}
		}
	}
	return mv, nil
}

// noteColumn inserts a column right of 三级指标 headed 备注 (附注 where the
// form has a 备注 column of its own), with a remark on every other row of
// every table. The cells are inserted from the first table's header to the
// end of the form, shifting the rest of those rows right (Excel's 插入单元格),
// so that the total row's cells stay under their headers and the labels
// above the table keep their values beside them.
func noteColumn(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return moved{}, err
	}
	top := tables[len(tables)-1].header()
	col := tables[0].cols["level3"] + 1
	if err := insertCells(f, sheet, top, len(rows), col); err != nil {
		return moved{}, err
	}
	mv := moved{cols: []colShift{{col: col, top: top, bottom: len(rows)}}}
	for _, tb := range tables {
		if tb.cols["level3"]+1 != col {
			return mv, fmt.Errorf("tables with 三级指标 in different columns")
		}
		head := "备注"
		for _, c := range tb.tb.Columns {
			if strings.Contains(strings.Join(c.Header, ","), head) {
				head = "附注"
			}
		}
		if err := f.SetCellStr(sheet, mapping.CellName(tb.header()-1, col), head); err != nil {
			return mv, err
		}
		for i, r := range tb.rows {
			if i%2 == 0 {
				if err := f.SetCellStr(sheet, mapping.CellName(r.Row-1, col), "见佐证材料"); err != nil {
					return mv, err
				}
			}
		}
	}
	return mv, nil
}

// insertCells inserts an empty cell at 0-based column col of rows top to
// bottom (1-based), moving the cells right of it, their styles and merges
// one column right.
func insertCells(f *excelize.File, sheet string, top, bottom, col int) error {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return err
	}
	width := 0
	for r := top; r <= bottom && r <= len(rows); r++ {
		width = max(width, len(rows[r-1]))
	}
	ms, err := f.GetMergeCells(sheet)
	if err != nil {
		return err
	}
	var remerge [][2]string
	for _, m := range ms {
		t, l, _ := mapping.ParseCellName(m.GetStartAxis())
		b, r, _ := mapping.ParseCellName(m.GetEndAxis())
		if r < col || b < top-1 || t > bottom-1 {
			continue
		}
		if t < top-1 || b > bottom-1 {
			return fmt.Errorf("merge %s:%s crosses rows %d-%d", m.GetStartAxis(), m.GetEndAxis(), top, bottom)
		}
		if err := f.UnmergeCell(sheet, m.GetStartAxis(), m.GetEndAxis()); err != nil {
			return err
		}
		if l >= col {
			l++
		}
		remerge = append(remerge, [2]string{mapping.CellName(t, l), mapping.CellName(b, r+1)})
		width = max(width, r+1)
	}
	for r := top - 1; r < bottom; r++ {
		for c := width - 1; c >= col; c-- {
			from, to := mapping.CellName(r, c), mapping.CellName(r, c+1)
			style, err := f.GetCellStyle(sheet, from)
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, to, to, style); err != nil {
				return err
			}
			ty, err := f.GetCellType(sheet, from)
			if err != nil {
				return err
			}
			raw, err := f.GetCellValue(sheet, from, excelize.Options{RawCellValue: true})
			if err != nil {
				return err
			}
			switch x, nerr := strconv.ParseFloat(raw, 64); {
			case raw == "":
				err = f.SetCellValue(sheet, to, nil)
			case (ty == excelize.CellTypeNumber || ty == excelize.CellTypeUnset) && nerr == nil:
				err = f.SetCellValue(sheet, to, x)
			default:
				err = f.SetCellStr(sheet, to, raw)
			}
			if err != nil {
				return err
			}
		}
		if err := f.SetCellValue(sheet, mapping.CellName(r, col), nil); err != nil {
			return err
		}
	}
	for _, m := range remerge {
		if err := f.MergeCell(sheet, m[0], m[1]); err != nil {
			return err
		}
	}
	return nil
}

// footerLines are the signature lines agencies type under a form, from
// column A: in one cell, and label and value in cells of their own across
// the table's columns.
var footerLines = [][]string{
	{"填表人：张三        联系电话：13800000000"},
	{"填表人：", "张三", "联系电话：", "13800000000", "填报日期：", "2024年3月1日"},
	{"单位负责人：李四", "", "", "审核人：王五"},
}

func setLine(f *excelize.File, sheet string, row int, cells []string) error {
	for c, s := range cells {
		if s == "" {
			continue
		}
		if err := f.SetCellStr(sheet, mapping.CellName(row-1, c), s); err != nil {
			return err
		}
	}
	return nil
}

// footerEnd types the signature lines under the form, after a blank row.
func footerEnd(f *excelize.File, sheet string, _ []exampleTable) (moved, error) {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return moved{}, err
	}
	for i, line := range footerLines {
		if err := setLine(f, sheet, len(rows)+2+i, line); err != nil {
			return moved{}, err
		}
	}
	return moved{}, nil
}

// footerUnderTable types the signature lines right under every table's last
// row, before whatever follows it (总分, the next goal).
func footerUnderTable(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	mv := moved{}
	for _, tb := range tables {
		k := tb.last() + 1
		if err := f.InsertRows(sheet, k, len(footerLines)-1); err != nil {
			return mv, err
		}
		for i, line := range footerLines[1:] {
			if err := setLine(f, sheet, k+i, line); err != nil {
				return mv, err
			}
			mv.rows = append(mv.rows, k)
		}
	}
	return mv, nil
}

// mergesIn returns the merges of column c that lie within tb's rows.
func mergesIn(f *excelize.File, sheet string, tb exampleTable, c int) ([]mapping.Range, error) {
	ms, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, err
	}
	var out []mapping.Range
	for _, m := range ms {
		top, left, err1 := mapping.ParseCellName(m.GetStartAxis())
		bottom, right, err2 := mapping.ParseCellName(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("merge %s:%s", m.GetStartAxis(), m.GetEndAxis())
		}
		if left == c && right == c && top >= tb.first()-1 && bottom <= tb.last()-1 && bottom > top {
			out = append(out, mapping.Range{Top: top, Left: left, Bottom: bottom, Right: right})
		}
	}
	return out, nil
}

// unmergeLevel1 keeps each 一级指标 merge over the upper part of its group
// only: the rows below have an empty 一级 cell.
func unmergeLevel1(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	split := 0
	for _, tb := range tables {
		ms, err := mergesIn(f, sheet, tb, tb.cols["level1"])
		if err != nil {
			return moved{}, err
		}
		for _, m := range ms {
			tl, br := mapping.CellName(m.Top, m.Left), mapping.CellName(m.Bottom, m.Right)
			if err := f.UnmergeCell(sheet, tl, br); err != nil {
				return moved{}, err
			}
			if half := m.Top + (m.Bottom-m.Top)/2; half > m.Top {
				if err := f.MergeCell(sheet, tl, mapping.CellName(half, m.Left)); err != nil {
					return moved{}, err
				}
			}
			split++
		}
	}
	if split == 0 {
		return moved{}, fmt.Errorf("no 一级指标 merge to split")
	}
	return moved{}, nil
}

// repeatLevel2 undoes the 二级指标 merges and types the name on every row.
func repeatLevel2(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	mv := moved{own: map[string]bool{}}
	for _, tb := range tables {
		ms, err := mergesIn(f, sheet, tb, tb.cols["level2"])
		if err != nil {
			return mv, err
		}
		for _, m := range ms {
			tl, br := mapping.CellName(m.Top, m.Left), mapping.CellName(m.Bottom, m.Right)
			text, err := f.GetCellValue(sheet, tl)
			if err != nil {
				return mv, err
			}
			if err := f.UnmergeCell(sheet, tl, br); err != nil {
				return mv, err
			}
			for r := m.Top + 1; r <= m.Bottom; r++ {
				ref := mapping.CellName(r, m.Left)
				if err := f.SetCellStr(sheet, ref, text); err != nil {
					return mv, err
				}
				mv.own[ref] = true
			}
		}
	}
	if len(mv.own) == 0 {
		return mv, fmt.Errorf("no 二级指标 merge to undo")
	}
	return mv, nil
}

// groupStart returns the first row of tb after its first where a 一级指标
// group starts (no merge crosses it in the 一级 and 二级 columns), or 0.
func groupStart(tb exampleTable) int {
	for _, r := range tb.rows[1:] {
		ownCell := func(name string) bool {
			_, ref, _ := strings.Cut(r.Value(name).Cell, "!")
			return ref == mapping.CellName(r.Row-1, tb.cols[name])
		}
		if ownCell("level1") && ownCell("level2") {
			return r.Row
		}
	}
	return 0
}

// pageBreakHeader repeats the header row at a group start of every table,
// as agencies do at a page break: the whole row, or only 一级/二级/三级指标.
func pageBreakHeader(f *excelize.File, sheet string, tables []exampleTable, partial bool) (moved, error) {
	mv := moved{}
	for _, tb := range tables {
		k := groupStart(tb)
		if k == 0 {
			continue
		}
		if err := f.InsertRows(sheet, k, 1); err != nil {
			return mv, err
		}
		mv.rows = append(mv.rows, k)
		for name, c := range tb.cols {
			if partial && name != "level1" && name != "level2" && name != "level3" {
				continue
			}
			text, err := f.GetCellValue(sheet, mapping.CellName(tb.header()-1, c))
			if err != nil {
				return mv, err
			}
			if err := f.SetCellStr(sheet, mapping.CellName(k-1, c), text); err != nil {
				return mv, err
			}
		}
	}
	if len(mv.rows) == 0 {
		return mv, fmt.Errorf("no group start to break the page at")
	}
	return mv, nil
}

// twoRowHeader makes every table's header two rows: the two columns right
// of 三级指标 (年度指标值 | 实际完成值, or 指标分值 | 自评得分) under a 指标情况
// cell merged over both, the other headers merged down both rows; and
// repeats both rows at a group start, unmerged.
func twoRowHeader(f *excelize.File, sheet string, tables []exampleTable) (moved, error) {
	mv := moved{}
	for _, tb := range tables {
		h := tb.header()
		a, b := tb.cols["level3"]+1, tb.cols["level3"]+2
		var texts [2]string
		for i, c := range []int{a, b} {
			t, err := f.GetCellValue(sheet, mapping.CellName(h-1, c))
			if err != nil {
				return mv, err
			}
			texts[i] = t
		}
		if k := groupStart(tb); k != 0 {
			if err := f.InsertRows(sheet, k, 2); err != nil {
				return mv, err
			}
			mv.rows = append(mv.rows, k, k)
			for _, c := range tb.cols {
				t, err := f.GetCellValue(sheet, mapping.CellName(h-1, c))
				if err != nil {
					return mv, err
				}
				if c == a || c == b {
					if err := f.SetCellStr(sheet, mapping.CellName(k, c), t); err != nil {
						return mv, err
					}
					t = ""
					if c == a {
						t = "指标情况"
					}
				}
				if err := f.SetCellStr(sheet, mapping.CellName(k-1, c), t); err != nil {
					return mv, err
				}
			}
		}
		if err := f.InsertRows(sheet, h+1, 1); err != nil {
			return mv, err
		}
		mv.rows = append(mv.rows, h+1)
		for _, c := range tb.cols {
			if c == a || c == b {
				continue
			}
			if err := f.MergeCell(sheet, mapping.CellName(h-1, c), mapping.CellName(h, c)); err != nil {
				return mv, err
			}
		}
		for i, c := range []int{a, b} {
			if err := f.SetCellStr(sheet, mapping.CellName(h, c), texts[i]); err != nil {
				return mv, err
			}
		}
		if err := f.SetCellStr(sheet, mapping.CellName(h-1, a), "指标情况"); err != nil {
			return mv, err
		}
		if err := f.SetCellStr(sheet, mapping.CellName(h-1, b), ""); err != nil {
			return mv, err
		}
		if err := f.MergeCell(sheet, mapping.CellName(h-1, a), mapping.CellName(h-1, b)); err != nil {
			return mv, err
		}
	}
	return mv, nil
}
