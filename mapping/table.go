package mapping

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Where a table ends, and which of its rows are rows.
//
// Agencies' copies of a form put blank rows (visible or hidden) into an
// indicator table, split it over pages with a repeated header, merge a group's
// 一级指标 over part of the group only, type a note or the signature lines
// under it. A table is read as follows.
//
// It runs from below its header to the first of:
//   - a row whose first text starts with one of the table's stop labels
//     (总分, 合计, the form's next section);
//   - a row holding a footer line in any cell: 填表人, 联系电话, 填报日期 and
//     the like (footerLabels), on its own or followed by a colon, a value or
//     the rest of the line ("填表人：张三  联系电话：138…"), never a row;
//   - a row whose first text is a note (备注, 注：, 说明：; noteLabels);
//   - a row that is not a table row (below) whose first text is a label the
//     form's mapping knows as a section: a field's label (偏差大或目标未完成原因分析,
//     项目名称) or a block's start or end label;
//   - the end of the region: the block's rows (a block ends at the next
//     block's start or its end label) or the sheet.
//
// Within that, a row is a table row when a column that is not filled down
// holds text in a cell of its own: not covered by a merge from another cell,
// and not merged across another of the table's columns. Every other row is
// skipped and does not end the table: blank rows, rows holding only
// filled-down values (a 一级指标 merge running one row past the group), text
// merged across the table's width that is neither a stop label nor a footer,
// text in columns the mapping does not bind (an added 备注 column), and
// repeated headers (a page break). So nothing after a blank row is lost, and
// the stop labels and footers keep the sections after the table out of it.
//
// Columns are bound by header text, so columns inserted into or hidden in a
// table do not shift values; where a header occurs twice in its row (an old
// 实际完成值 column hidden beside the new one), the visible column is read.
// Hidden rows are read like the others: hiding is not deleting, and the
// bureau reads what the file holds, so an old indicator row an agency hid
// with its values is still one of the table's rows.
//
// Filled-down columns (一级指标, 二级指标) take the value of the merge covering
// an empty cell or, outside a merge, the value of the row above, whether the
// group is merged, merged over part of its rows or repeated on every row; a
// filled-down column starts empty again where a column to its left starts a
// new group (a new 一级指标 does not inherit the previous group's 二级指标).

// footerLabels begin the signature and contact lines forms carry under their
// tables. A cell starting with one of them, followed by anything but a letter,
// ends a table.
var footerLabels = []string{
	"填表人", "填报人", "制表人", "经办人", "联系人", "联系电话", "电话",
	"审核人", "复核人", "审批人", "负责人", "单位负责人", "财务负责人", "部门负责人", "分管领导",
	"填报日期", "填表日期", "制表日期", "填报单位(盖章)", "单位(盖章)", "盖章",
}

// noteLabels begin the notes forms carry under their tables; as a row's first
// text, followed by anything but a letter, they end a table.
var noteLabels = []string{"备注", "附注", "注", "说明", "填表说明"}

// tableReader holds what reading one table needs.
type tableReader struct {
	v     *view
	rg    region
	tb    *Table
	path  string
	cols  map[string]int // column name → sheet column
	bound []int          // the sheet columns of cols
	// band holds, for each bound sheet column, the texts of the header rows
	// in it: a repeated header repeats them.
	band     map[int]map[string]bool
	headers  [][]string // tb.Columns' headers, normalised
	stops    []string   // tb.Stop, normalised
	sections []labelRule
}

// labelRule is a label a row's first text is compared with.
type labelRule struct {
	label string
	mode  MatchMode
}

// readTable reads the rows of table tb found within rg.
func (t *Template) readTable(v *view, rg region, tb *Table, prefix string, probs *[]Problem) []Row {
	path := prefix + tb.Name
	hr, cols, start, ok := v.findHeader(rg, tb)
	if !ok {
		*probs = append(*probs, Problem{Code: "header-not-found", Path: path,
			Message: fmt.Sprintf("未找到表头 (table header not found): %s", headerList(tb))})
		return nil
	}
	tr := &tableReader{v: v, rg: rg, tb: tb, path: path, cols: cols, band: map[int]map[string]bool{}}
	for _, c := range cols {
		tr.bound = append(tr.bound, c)
		tr.band[c] = map[string]bool{}
		for r := hr; r < start; r++ {
			if l := v.label(r, c); l != "" {
				tr.band[c][l] = true
			}
		}
	}
	tr.stops = normAll(tb.Stop)
	tr.headers = make([][]string, len(tb.Columns))
	for i, col := range tb.Columns {
		tr.headers[i] = normAll(col.Header)
	}
	tr.sections = t.sectionLabels(tb)
	return tr.read(start, probs)
}

// read reads the table's rows from row start.
func (tr *tableReader) read(start int, probs *[]Problem) []Row {
	v, tb := tr.v, tr.tb
	rows := []Row{}
	rc := &rowCols{names: make([]string, len(tb.Columns)), sheet: v.s.Name}
	for i := range tb.Columns {
		rc.names[i] = tb.Columns[i].Name
	}
	// The values of a row as they are read, and the filled-down values of
	// the previous row, by column index.
	type found struct {
		val    Value
		r, c   int
		exists bool
	}
	cur := make([]found, len(tb.Columns))
	last := make([]found, len(tb.Columns))
	for r := start; r < tr.rg.bottom && r < len(v.s.Rows); r++ {
		first := v.firstLabel(r)
		if first != "" && hasPrefixAny(first, tr.stops) {
			break
		}
		if tr.isRepeatedHeader(r) {
			continue
		}
		if tr.footer(r) || first != "" && labelledAny(first, noteLabels) {
			tr.gap(r, probs)
			break
		}
		isRow := tr.isRow(r)
		if !isRow && first != "" && tr.section(first) {
			tr.gap(r, probs)
			break
		}
		newGroup := false // a filled-down column to the left starts a new group
		for i := range tb.Columns {
			col := &tb.Columns[i]
			cur[i] = found{}
			c, present := tr.cols[col.Name]
			if !present {
				continue
			}
			or, oc := v.origin(r, c)
			own := or == r && oc == c
			cell := v.s.At(or, oc)
			if !col.FillDown {
				if !own {
					cell = Cell{}
				}
				cur[i] = found{Parse(col.Type, col.Unit, cell), or, oc, true}
				continue
			}
			if !isRow && tr.spansOthers(or, oc, c) {
				cell = Cell{} // text merged across the table is not a 一级/二级 value
			}
			f := found{Parse(col.Type, col.Unit, cell), or, oc, true}
			prev := last[i]
			switch {
			case f.val.Empty() && newGroup:
				// a new 一级指标 without a 二级指标: nothing to inherit
			case f.val.Empty() && prev.exists:
				f = prev
			case !f.val.Empty() && own && prev.exists && NormLabel(f.val.Text) != NormLabel(prev.val.Text):
				newGroup = true
			}
			last[i] = f
			cur[i] = f
		}
		if isRow {
			row := rc.newRow(r + 1)
			for i, f := range cur {
				if f.exists {
					rc.set(row, i, f.val, f.r, f.c)
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// isRow reports whether row r is a table row: a column that is not filled
// down holds text in a cell of its own that is not merged across another of
// the table's columns.
func (tr *tableReader) isRow(r int) bool {
	for _, col := range tr.tb.Columns {
		c, ok := tr.cols[col.Name]
		if !ok || col.FillDown || tr.v.label(r, c) == "" {
			continue
		}
		if or, oc := tr.v.origin(r, c); or == r && oc == c && !tr.spansOthers(r, c, c) {
			return true
		}
	}
	return false
}

// spansOthers reports whether the cell at (r, c), read for column own,
// covers a bound column other than own.
func (tr *tableReader) spansOthers(r, c, own int) bool {
	sp := tr.v.s.Span(r, c)
	if sp.Left == sp.Right {
		return false
	}
	for _, b := range tr.bound {
		if b != own && b >= sp.Left && b <= sp.Right {
			return true
		}
	}
	return false
}

// isRepeatedHeader reports whether row r repeats the header (a page break in
// a long table): the table's columns show only their header texts (all of
// them, or part of a header of two rows), or at least half of them do.
func (tr *tableReader) isRepeatedHeader(r int) bool {
	n, hit, other := 0, 0, 0
	for i, col := range tr.tb.Columns {
		c, ok := tr.cols[col.Name]
		if !ok {
			continue
		}
		n++
		t := tr.v.label(r, c)
		if t == "" {
			continue
		}
		if tr.band[c][t] || matchAny(t, tr.headers[i], col.Match) {
			hit++
		} else {
			other++
		}
	}
	return hit >= 1 && other == 0 || hit >= 2 && hit*2 >= n
}

// footer reports whether a cell of row r begins a footer line.
func (tr *tableReader) footer(r int) bool {
	for c, t := range tr.v.norm[r] {
		if t == "" || !hasPrefixAny(t, footerLabels) {
			continue
		}
		if labelledAny(t, footerLabels) || labelledAny(Fold(tr.v.s.At(r, c).Text), footerLabels) {
			return true
		}
	}
	return false
}

// section reports whether first, a row's first text, is a section label of
// the form.
func (tr *tableReader) section(first string) bool {
	for _, s := range tr.sections {
		if matchLabel(first, s.label, s.mode) {
			return true
		}
	}
	return false
}

// gap reports the first table row below row r, past footer lines, notes
// and repeated headers, where the table ended at a footer, note or section
// label rather than at its stop label or the region's end: it is not read.
func (tr *tableReader) gap(r int, probs *[]Problem) {
	for g := r + 1; g < tr.rg.bottom && g < len(tr.v.norm); g++ {
		if first := tr.v.firstLabel(g); first != "" && hasPrefixAny(first, tr.stops) {
			return
		}
		if tr.footer(g) || labelledAny(tr.v.firstLabel(g), noteLabels) || tr.isRepeatedHeader(g) {
			continue
		}
		if tr.isRow(g) {
			*probs = append(*probs, Problem{Code: "table-gap", Path: tr.path, Cell: tr.v.ref(g, 0),
				Message: fmt.Sprintf("表格在第%d行“%s”处结束，第%d行起的内容未读取 (table ends at row %d; row %d and below not read)",
					r+1, tr.v.firstLabel(r), g+1, r+1, g+1)})
			return
		}
	}
}

// sectionLabels lists the labels of the form's fields and blocks, which end
// tb where a row that is not a table row starts with one: the form's next
// section. Labels matched by contains, and tb's own headers, are left out.
func (t *Template) sectionLabels(tb *Table) []labelRule {
	own := map[string]bool{}
	for _, col := range tb.Columns {
		for _, h := range col.Header {
			own[NormLabel(h)] = true
		}
	}
	var out []labelRule
	add := func(labels []string, mode MatchMode) {
		if mode != "" && mode != MatchExact && mode != MatchPrefix {
			return
		}
		for _, l := range labels {
			if nl := NormLabel(l); nl != "" && !own[nl] {
				out = append(out, labelRule{nl, mode})
			}
		}
	}
	fields := func(fs []Field) {
		for i := range fs {
			if fs[i].Cell == "" {
				add(fs[i].Label, fs[i].Match)
			}
		}
	}
	fields(t.Fields)
	for i := range t.Blocks {
		b := &t.Blocks[i]
		fields(b.Fields)
		add(b.Start, MatchPrefix)
		add(b.End, MatchPrefix)
	}
	return out
}

func headerList(tb *Table) string {
	var hs []string
	for _, c := range tb.Columns {
		if !c.Optional {
			hs = append(hs, c.Header[0])
		}
	}
	return strings.Join(hs, " | ")
}

func normAll(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = NormLabel(l)
	}
	return out
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func matchAny(t string, labels []string, mode MatchMode) bool {
	for _, l := range labels {
		if matchLabel(t, l, mode) {
			return true
		}
	}
	return false
}

// labelledAny reports whether t is one of labels on its own, or followed by
// something other than a letter or an opening bracket, after an optional
// remark in brackets: "填表人", "填表人:张三", "填表人 张三",
// "联系电话13800000000", "填表人(签字):", not "联系电话接通率" nor
// "电话(12345)接通率".
func labelledAny(t string, labels []string) bool {
	for _, l := range labels {
		rest, ok := strings.CutPrefix(t, l)
		if !ok {
			continue
		}
		if strings.HasPrefix(rest, "(") {
			if i := strings.IndexByte(rest, ')'); i > 0 {
				rest = rest[i+1:]
			}
		}
		if rest == "" {
			return true
		}
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(r) && r != '(' {
			return true
		}
	}
	return false
}

// findHeader finds the header row of tb in rg: the first row holding every
// non-optional column's header, or holding some of them (at least two) with
// the rest in the row below (a header of two rows: 一级指标 | 二级指标 |
// 三级指标 merged down beside 指标值 over 年度指标值 | 实际完成值). It returns
// the row, each column's index and the first data row (below the header
// cells' merges).
func (v *view) findHeader(rg region, tb *Table) (int, map[string]int, int, bool) {
	stops := normAll(tb.Stop)
	hs := v.headers(tb)
	cols, used := map[string]int{}, map[int]bool{}
	for r := rg.top; r < rg.bottom && r < len(v.norm); r++ {
		clear(cols)
		missing := v.headerCells(r, rg, tb, hs, cols, used, stops)
		last := r
		if missing > 0 && len(cols) >= 2 && r+1 < rg.bottom && r+1 < len(v.norm) {
			if v.headerCells(r+1, rg, tb, hs, cols, used, stops) == 0 {
				last = r + 1
				missing = 0
			}
		}
		if missing > 0 {
			continue
		}
		start := last + 1
		for _, c := range cols {
			for rr := r; rr <= last; rr++ {
				if b := v.s.Span(rr, c).Bottom + 1; v.label(rr, c) != "" && b > start {
					start = b
				}
			}
		}
		return r, cols, start, true
	}
	return 0, nil, 0, false
}

// headers returns the needles of each column's headers (hs[i] for
// tb.Columns[i]).
func (v *view) headers(tb *Table) [][]needle {
	hs := make([][]needle, len(tb.Columns))
	for i, col := range tb.Columns {
		hs[i] = make([]needle, len(col.Header))
		for j, h := range col.Header {
			hs[i][j] = v.needle(h)
		}
	}
	return hs
}

// headerCells adds to cols the columns of tb not yet in it whose header is
// in row r, and returns how many non-optional columns are still missing.
// Where a header occurs twice in the row (an old column kept beside a new
// one), the visible column is taken, then the one holding more text below.
// hs are the columns' headers (headers); used is scratch space.
func (v *view) headerCells(r int, rg region, tb *Table, hs [][]needle, cols map[string]int, used map[int]bool, stops []string) int {
	clear(used)
	for _, c := range cols {
		used[c] = true
	}
	missing := 0
	for i, col := range tb.Columns {
		if _, ok := cols[col.Name]; ok {
			continue
		}
		if c, found := v.findInRow(r, rg, hs[i], col.Match, used, stops); found {
			cols[col.Name] = c
			used[c] = true
		} else if !col.Optional {
			missing++
		}
	}
	return missing
}

// findInRow returns the column of the first cell in row r, not in used,
// matching one of labels. Of cells with the same text as that one, a column
// the workbook shows wins over one it hides (Sheet.HiddenCols), then the one
// with the most text below it (to a stop label), then the leftmost.
func (v *view) findInRow(r int, rg region, labels []needle, mode MatchMode, used map[int]bool, stops []string) (int, bool) {
	sigs := v.sigs(r)
	row := v.rowSig[r]
	for _, nl := range labels {
		if !nl.may(row) {
			continue
		}
		best, bestN, bestShown := -1, -1, false
		for c, t := range v.norm[r] {
			if !nl.may(sigs[c]) || used[c] || !matchLabel(t, nl.text, mode) || best >= 0 && t != v.norm[r][best] {
				continue
			}
			n, shown := v.textsBelow(r, c, rg, stops), !v.s.HiddenCols[c]
			if best < 0 || shown && !bestShown || shown == bestShown && n > bestN {
				best, bestN, bestShown = c, n, shown
			}
		}
		if best >= 0 {
			return best, true
		}
	}
	return 0, false
}

// textsBelow counts the cells of column c below row r, to a stop label or
// the region's end, that hold text of their own. It is only counted for a
// header found twice in a row.
func (v *view) textsBelow(r, c int, rg region, stops []string) int {
	dup := 0
	for _, t := range v.norm[r] {
		if t == v.norm[r][c] {
			dup++
		}
	}
	if dup < 2 {
		return 0
	}
	n := 0
	for rr := r + 1; rr < rg.bottom && rr < len(v.norm); rr++ {
		if hasPrefixAny(v.firstLabel(rr), stops) {
			break
		}
		if v.label(rr, c) != "" {
			n++
		}
	}
	return n
}

// firstLabel returns the normalised text of the first non-empty cell of row r.
func (v *view) firstLabel(r int) string {
	if r < 0 || r >= len(v.norm) {
		return ""
	}
	for _, t := range v.norm[r] {
		if t != "" {
			return t
		}
	}
	return ""
}
