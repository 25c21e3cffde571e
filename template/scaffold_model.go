package template

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/jxsync/jxsync/mapping"
)

// How the scaffold reads a form. It looks at one sheet's cells and merges,
// in this order, and claims what each step explains so that later steps
// do not read it again:
//
//  1. indicator tables: a row of header cells of which the scaffold knows
//     at least three (一级/二级/三级指标, 指标值, 实际完成值, 分值, 得分…);
//     the rows below to a total row (总分, 合计), a footer, a note, a text
//     left of or across the table, or the next goal; a header repeated
//     further down is a page break, unless a goal row (年度目标1：…) stands
//     above each copy: then the goal rows start a repeated block;
//  2. the title (a cell holding 表 in the first rows) and a year line under it;
//  3. grids: a row of column headers (全年预算数, 执行率, 分值…) above rows
//     that start with a row label (年度资金总额…) and hold values under the
//     headers — one field per crossing;
//  4. fields: every remaining label cell with the value right of it, below
//     it, or inside it ("单位名称：…", several labels in one cell).

// pos is a cell, 0-based.
type pos struct{ r, c int }

func (p pos) String() string { return mapping.CellName(p.r, p.c) }

// scaffolder holds the reading of one sheet.
type scaffolder struct {
	s          *mapping.Sheet
	rows, cols int
	// claimed are the origin cells a step has explained.
	claimed map[pos]string
	// clear maps the origin cells the blank template changes to their new
	// text ("" empties them).
	clear map[pos]string

	title    *sTitle
	fields   []*sField
	tables   []*sTable
	blocks   []*sBlock
	grids    []*sGrid
	free     []pos // labels with no value (section headings)
	unplaced []pos // values no label was found for
	notes    []string
}

// sField is a proposed field.
type sField struct {
	f mapping.Field
	// base is the name before it was made unique.
	base string
	why  []string
	// label is the label cell; at the cell the value is read from (the
	// label cell itself for a value inside it).
	label, at pos
	// sample is the value as the sample shows it ("" in a blank form).
	sample string
	// kind says how the field was found: title, year, plain, inline,
	// grid, total, goal.
	kind string
	// plain is a label read without a pattern (preferred for identity).
	plain bool
	// block is the block the field belongs to, nil at top level.
	block *sBlock
	// rowLabel and colHeader are a grid crossing's texts.
	rowLabel, colHeader string
}

// sTitle is the form's title cell.
type sTitle struct {
	at   pos
	text string
	core string // the title without year and unit: the form's name
}

// sColumn is a proposed table column.
type sColumn struct {
	col    int
	header string
	role   headerRole
	known  bool
	name   string
}

// sBody is one occurrence of a table: its header and rows.
type sBody struct {
	header, headerEnd int // header rows (inclusive)
	start, end        int // body rows [start, end)
	total             int // the total row, -1 when none
	rows              []int
	repeats           []int // repeated header rows (page breaks)
	endText           string
}

// sTable is a proposed table.
type sTable struct {
	name        string
	cols        []sColumn
	left, right int
	side        []pos // section labels left of the table, merged down its rows
	bodies      []*sBody
	block       *sBlock
	stop        []string
	why         string
}

// sBlock is a proposed repeated block (one per goal).
type sBlock struct {
	name   string
	start  string // the start label, digits removed (年度目标)
	starts []int  // the goal rows
	end    []string
	table  *sTable
	goal   *sField
}

// sGrid is a cross table of row labels and column headers.
type sGrid struct {
	header  int
	headers []pos
	rows    []pos // row label cells
}

func newScaffolder(s *mapping.Sheet) *scaffolder {
	sc := &scaffolder{s: s, claimed: map[pos]string{}, clear: map[pos]string{}}
	sc.rows, sc.cols = len(s.Rows), s.Width()
	for _, m := range s.Merges {
		if m.Bottom+1 > sc.rows {
			sc.rows = m.Bottom + 1
		}
		if m.Right+1 > sc.cols {
			sc.cols = m.Right + 1
		}
	}
	return sc
}

func (sc *scaffolder) text(p pos) string { return sc.s.At(p.r, p.c).Text }

func (sc *scaffolder) norm(p pos) string { return mapping.NormLabel(sc.text(p)) }

func (sc *scaffolder) span(p pos) mapping.Range { return sc.s.Span(p.r, p.c) }

// origin returns the top-left cell of the merge covering p, or p.
func (sc *scaffolder) origin(p pos) pos {
	sp := sc.span(p)
	return pos{sp.Top, sp.Left}
}

func (sc *scaffolder) isOrigin(p pos) bool { return sc.origin(p) == p }

// ownTexts returns the origin cells of row r that hold text, left to right.
func (sc *scaffolder) ownTexts(r int) []pos {
	var out []pos
	for c := 0; c < sc.cols; c++ {
		p := pos{r, c}
		if sc.isOrigin(p) && strings.TrimSpace(sc.text(p)) != "" {
			out = append(out, p)
		}
	}
	return out
}

// note records something a person should look at.
func (sc *scaffolder) note(format string, args ...any) {
	sc.notes = append(sc.notes, fmt.Sprintf(format, args...))
}

// flat is text with all white space removed (a label as a person would
// retype it on one line).
func flat(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// ---------------------------------------------------------------------
// Tables and blocks.

// headerCells returns the origin cells with text of row r and their roles.
func (sc *scaffolder) headerRow(r int) (cells []pos, known int, roles map[string]bool) {
	roles = map[string]bool{}
	for _, p := range sc.ownTexts(r) {
		cells = append(cells, p)
		if role, ok := roleOf(sc.norm(p)); ok {
			known++
			roles[role.name] = true
		}
	}
	return cells, known, roles
}

// isIndicatorHeader reports whether row r is the header of an indicator
// table: three known headers, among them 三级指标, or two of 一级/二级
// 指标, 指标值 and 实际完成值.
func (sc *scaffolder) isIndicatorHeader(r int) bool {
	_, known, roles := sc.headerRow(r)
	if known < 3 {
		return false
	}
	core := 0
	for _, n := range []string{"level1", "level2", "target", "actual"} {
		if roles[n] {
			core++
		}
	}
	return roles["level3"] || core >= 2
}

// findTables finds the indicator tables and the goal blocks around them.
func (sc *scaffolder) findTables() {
	var sigs []string // signature of each table found, for repeated headers
	for r := 0; r < sc.rows; r++ {
		if sc.rowClaimed(r) || !sc.isIndicatorHeader(r) {
			continue
		}
		t := sc.tableAt(r)
		sig := sc.signature(t, t.bodies[0].header, t.bodies[0].headerEnd)
		goalRow, label := sc.goalAbove(r, t)
		var blk *sBlock
		if goalRow >= 0 {
			// Is this a further goal of a block already found?
			for _, b := range sc.blocks {
				if b.start == label && sc.signature(b.table, b.table.bodies[0].header, b.table.bodies[0].headerEnd) == sig {
					blk = b
				}
			}
			if blk != nil {
				body := t.bodies[0]
				blk.table.bodies = append(blk.table.bodies, body)
				blk.starts = append(blk.starts, goalRow)
				sc.scanBody(blk.table, body)
				sc.claimBody(blk.table, body)
				sc.claimGoal(blk, goalRow)
				r = body.end - 1
				continue
			}
			blk = &sBlock{start: label, starts: []int{goalRow}, table: t}
			t.block = blk
			sc.blocks = append(sc.blocks, blk)
			sc.claimGoal(blk, goalRow)
		}
		sigs = append(sigs, sig)
		sc.tables = append(sc.tables, t)
		sc.scanBody(t, t.bodies[0])
		sc.claimBody(t, t.bodies[0])
		r = t.bodies[0].end - 1
	}
	_ = sigs
	for i, t := range sc.tables {
		t.name = "indicators"
		if i > 0 {
			t.name = fmt.Sprintf("indicators_%d", i+1)
		}
		sc.finishTable(t)
	}
	for i, b := range sc.blocks {
		b.name = "goals"
		if !strings.Contains(b.start, "目标") {
			b.name = "blocks"
		}
		if i > 0 {
			b.name = fmt.Sprintf("%s_%d", b.name, i+1)
		}
		last := b.table.bodies[len(b.table.bodies)-1]
		if last.endText != "" {
			b.end = append(b.end, last.endText)
		}
	}
}

func (sc *scaffolder) rowClaimed(r int) bool {
	for c := 0; c < sc.cols; c++ {
		if _, ok := sc.claimed[pos{r, c}]; ok {
			return true
		}
	}
	return false
}

// tableAt reads the header of the table whose header starts at row r: its
// columns (a header of two rows where a cell of row r spans several
// columns with headers under it) and its first body row.
func (sc *scaffolder) tableAt(r int) *sTable {
	t := &sTable{left: -1}
	cells, _, _ := sc.headerRow(r)
	headerEnd := r
	var roleCols []int
	for _, p := range cells {
		if _, ok := roleOf(sc.norm(p)); ok {
			roleCols = append(roleCols, p.c)
		}
	}
	lo, hi := roleCols[0], roleCols[len(roleCols)-1]
	for _, p := range cells {
		sp := sc.span(p)
		role, known := roleOf(sc.norm(p))
		// A label merged down beside the table (绩效指标, 年度绩效目标完成情况)
		// is the table's side label, not a column.
		if !known && sp.Bottom > r+1 && p.c < lo {
			t.side = append(t.side, p)
			continue
		}
		if !known && !sc.adjacent(cells, p, lo, hi) {
			continue
		}
		// A header of two rows: a cell spanning columns with headers under it.
		if sp.Right > sp.Left && sp.Bottom == r && r+1 < sc.rows {
			var subs []pos
			for c := sp.Left; c <= sp.Right; c++ {
				q := pos{r + 1, c}
				if sc.isOrigin(q) && strings.TrimSpace(sc.text(q)) != "" {
					subs = append(subs, q)
				}
			}
			if len(subs) >= 2 {
				for _, q := range subs {
					qr, qk := roleOf(sc.norm(q))
					t.cols = append(t.cols, sColumn{col: q.c, header: flat(sc.text(q)), role: qr, known: qk})
				}
				headerEnd = r + 1
				continue
			}
		}
		t.cols = append(t.cols, sColumn{col: p.c, header: flat(sc.text(p)), role: role, known: known})
	}
	sort.Slice(t.cols, func(i, j int) bool { return t.cols[i].col < t.cols[j].col })
	t.left, t.right = t.cols[0].col, sc.span(pos{r, t.cols[len(t.cols)-1].col}).Right
	start := headerEnd + 1
	for _, col := range t.cols {
		for rr := r; rr <= headerEnd; rr++ {
			if p := (pos{rr, col.col}); sc.isOrigin(p) && sc.text(p) != "" {
				if b := sc.span(p).Bottom + 1; b > start {
					start = b
				}
			}
		}
	}
	t.bodies = []*sBody{{header: r, headerEnd: headerEnd, start: start, end: sc.rows, total: -1}}
	return t
}

// adjacent reports whether the unknown header cell p continues the run of
// header cells from lo to hi without a gap.
func (sc *scaffolder) adjacent(cells []pos, p pos, lo, hi int) bool {
	set := map[int]bool{}
	for _, q := range cells {
		sp := sc.span(q)
		for c := sp.Left; c <= sp.Right; c++ {
			set[c] = true
		}
	}
	if p.c > hi {
		for c := hi; c < p.c; c++ {
			if !set[c] {
				return false
			}
		}
		return true
	}
	if p.c < lo {
		for c := p.c; c < lo; c++ {
			if !set[c] {
				return false
			}
		}
		return true
	}
	return true
}

// signature is the normalised header texts of t between rows a and b.
func (sc *scaffolder) signature(t *sTable, a, b int) string {
	var parts []string
	for _, col := range t.cols {
		for r := a; r <= b; r++ {
			if n := sc.norm(pos{r, col.col}); n != "" {
				parts = append(parts, n)
			}
		}
	}
	return strings.Join(parts, "|")
}

// goalRE matches a goal row's label: 年度目标1：…, 目标：…
var goalRE = regexp.MustCompile(`^\s*([^\d\s:：]{1,12}?目标)\s*\d*\s*[:：]`)

// goalAbove returns the goal row right above header row r (blank rows
// skipped) and its label without digits, or -1.
func (sc *scaffolder) goalAbove(r int, t *sTable) (int, string) {
	for g := r - 1; g >= 0 && g >= r-2; g-- {
		cells := sc.ownTexts(g)
		if len(cells) == 0 {
			continue
		}
		if label, ok := sc.goalRow(g, t); ok {
			return g, label
		}
		return -1, ""
	}
	return -1, ""
}

// goalRow reports whether row g is a goal row of table t: one text cell
// across the table whose text starts with a goal label and a colon.
func (sc *scaffolder) goalRow(g int, t *sTable) (string, bool) {
	cells := sc.ownTexts(g)
	if len(cells) != 1 {
		return "", false
	}
	p := cells[0]
	if _, ok := sc.claimed[p]; ok {
		return "", false
	}
	sp := sc.span(p)
	if sp.Left > t.left || sp.Right < t.right && sp.Right-sp.Left < 2 {
		return "", false
	}
	m := goalRE.FindStringSubmatch(string(foldRunes(sc.text(p))))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// scanBody finds where body b of table t ends and which rows hold data.
func (sc *scaffolder) scanBody(t *sTable, b *sBody) {
	sig := sc.signature(t, b.header, b.headerEnd)
	for r := b.start; r < sc.rows; r++ {
		cells := sc.ownTexts(r)
		if len(cells) == 0 {
			continue
		}
		first := cells[0]
		nl := sc.norm(first)
		switch {
		case isTotalLabel(nl):
			b.end, b.total, b.endText = r, r, flat(sc.text(first))
			return
		case sc.signature(t, r, r) == sig || sc.repeatsHeader(t, r):
			b.repeats = append(b.repeats, r)
			continue
		case sc.footerRow(cells) || labelled(nl, notePrefixes):
			b.end = r
			return
		}
		if _, ok := sc.goalRow(r, t); ok {
			b.end = r
			return
		}
		sp := sc.span(first)
		if first.c < t.left || sp.Left <= t.left && sp.Right >= t.right && sp.Right > sp.Left {
			b.end = r
			if labelLike(sc.text(first)) {
				b.endText = flat(sc.text(first))
				if i := strings.IndexAny(b.endText, ":："); i > 0 {
					b.endText = b.endText[:i]
				}
			}
			return
		}
		for _, p := range cells {
			if p.c >= t.left && p.c <= t.right {
				b.rows = append(b.rows, r)
				break
			}
		}
	}
	b.end = sc.rows
}

// repeatsHeader reports whether row r repeats t's header texts (most of
// its cells are header texts).
func (sc *scaffolder) repeatsHeader(t *sTable, r int) bool {
	hit, other := 0, 0
	for _, col := range t.cols {
		n := sc.norm(pos{r, col.col})
		if n == "" {
			continue
		}
		if n == mapping.NormLabel(col.header) {
			hit++
		} else {
			other++
		}
	}
	return hit >= 2 && other == 0
}

// footerRow reports whether a cell of the row starts a signature line.
func (sc *scaffolder) footerRow(cells []pos) bool {
	for _, p := range cells {
		if labelled(sc.norm(p), tableFooters) {
			return true
		}
	}
	return false
}

// claimBody claims body b of t: header cells, rows (cleared in the blank),
// the total row's label and the side labels.
func (sc *scaffolder) claimBody(t *sTable, b *sBody) {
	for r := b.header; r <= b.headerEnd; r++ {
		for c := t.left; c <= t.right; c++ {
			sc.claimed[pos{r, c}] = "header"
		}
	}
	for _, p := range t.side {
		sc.claimed[p] = "side"
	}
	for c := 0; c < sc.cols; c++ {
		if p := (pos{b.header, c}); sc.isOrigin(p) && sc.text(p) != "" && sc.span(p).Bottom >= b.start {
			sc.claimed[p] = "side"
		}
	}
	repeat := map[int]bool{}
	for _, r := range b.repeats {
		repeat[r] = true
	}
	for r := b.start; r < b.end; r++ {
		for c := t.left; c <= t.right; c++ {
			p := pos{r, c}
			if !sc.isOrigin(p) {
				continue
			}
			sc.claimed[p] = "body"
			if !repeat[r] && sc.text(p) != "" {
				sc.clear[p] = ""
			}
		}
	}
}

// claimGoal claims a goal row and blanks its text after the label.
func (sc *scaffolder) claimGoal(b *sBlock, g int) {
	p := sc.ownTexts(g)[0]
	sc.claimed[p] = "goal"
	text := sc.text(p)
	if segs := segments(text); len(segs) > 0 && segs[0].value != "" {
		sc.clear[p] = string([]rune(text)[:segs[0].valueStart])
	}
}

// finishTable names t's columns and sets its stop labels.
func (sc *scaffolder) finishTable(t *sTable) {
	used := map[string]int{}
	for i := range t.cols {
		col := &t.cols[i]
		name := col.role.name
		if !col.known {
			name = "col_" + strings.ToLower(mapping.ColumnName(col.col))
			col.role = headerRole{name: name, typ: mapping.TypeText, why: "表头“" + col.header + "”不在词表中：按文字读取，请起一个名字"}
		}
		used[name]++
		if used[name] > 1 {
			name = fmt.Sprintf("%s_%d", name, used[name])
		}
		col.name = name
	}
	stops := []string{}
	add := func(s string) {
		for _, x := range stops {
			if x == s {
				return
			}
		}
		if s != "" {
			stops = append(stops, s)
		}
	}
	for _, b := range t.bodies {
		if b.total >= 0 {
			add(b.endText)
		}
	}
	add("总分")
	add("合计")
	add("总计")
	for _, b := range t.bodies {
		if b.total < 0 {
			add(b.endText)
		}
	}
	if t.block != nil {
		add(t.block.start)
	}
	t.stop = stops
}

// ---------------------------------------------------------------------
// Title.

var (
	yearInTitleRE = regexp.MustCompile(`(\d{4})(\s*年)`)
	subtitleRE    = regexp.MustCompile(`^[(（]?\s*(?:\d{4})?\s*年度?\s*[)）]?$`)
)

// findTitle finds the title (a cell holding 表 in the first rows with
// text) and a year line under it.
func (sc *scaffolder) findTitle() {
	seen := 0
	for r := 0; r < sc.rows && seen < 3; r++ {
		cells := sc.ownTexts(r)
		if len(cells) == 0 {
			continue
		}
		seen++
		for _, p := range cells {
			if _, ok := sc.claimed[p]; ok {
				continue
			}
			nl := sc.norm(p)
			if sc.title == nil && strings.Contains(nl, "表") && !strings.Contains(nl, ":") && utf8.RuneCountInString(nl) <= 60 {
				sc.title = &sTitle{at: p, text: sc.text(p)}
				sc.claimed[p] = "title"
				continue
			}
			if sub := strings.TrimSpace(sc.text(p)); sc.title != nil && len(cells) == 1 && strings.Contains(sub, "年") && subtitleRE.MatchString(sub) {
				sc.claimed[p] = "title"
				sc.addYearLine(p)
			}
		}
		if sc.title != nil && r > sc.title.at.r+1 {
			break
		}
	}
}

// addYearLine adds the year field of a line such as （2021年度） under the
// title.
func (sc *scaffolder) addYearLine(p pos) {
	text := sc.text(p)
	m := yearInTitleRE.FindStringSubmatch(text)
	sample := ""
	if m != nil {
		sample = m[1]
		sc.clear[p] = yearInTitleRE.ReplaceAllString(text, "    $2")
	}
	sc.fields = append(sc.fields, &sField{
		f: mapping.Field{Title: "年度", Type: mapping.TypeNumber, Label: mapping.Strings{"年度"}, Match: mapping.MatchContains,
			Dir: mapping.DirSelf, Pattern: `(\d{4})\s*年`},
		base: "year", label: p, at: p, sample: sample, kind: "year",
		why: []string{fmt.Sprintf("标题下的年度行 %s“%s”：取其中的四位年份", p, flat(text))},
	})
}

// ---------------------------------------------------------------------
// Grids.

// quantityWords mark a grid's column headers.
var quantityWords = []string{"数", "率", "额", "分值", "得分", "金额", "万元", "元", "预算", "执行", "合计", "小计", "比例", "计划", "实际"}

func isQuantityHeader(nl string) bool {
	for _, w := range quantityWords {
		if strings.Contains(nl, w) {
			return true
		}
	}
	return false
}

// findGrids finds cross tables: a header row of quantity headers above
// rows that start with a label and hold values (or nothing) under them.
func (sc *scaffolder) findGrids() {
	for h := 0; h+1 < sc.rows; h++ {
		label, ok := sc.rowLabel(h + 1)
		if !ok {
			continue
		}
		lsp := sc.span(label)
		var headers []pos
		quantity := 0
		for _, p := range sc.ownTexts(h) {
			if _, cl := sc.claimed[p]; cl || p.c <= lsp.Right {
				continue
			}
			if !labelLike(sc.text(p)) && !isQuantityHeader(sc.norm(p)) {
				headers = nil
				break
			}
			headers = append(headers, p)
			if isQuantityHeader(sc.norm(p)) {
				quantity++
			}
		}
		if len(headers) < 2 || quantity < 2 {
			continue
		}
		g := &sGrid{header: h, headers: headers}
		for r := h + 1; r < sc.rows; r++ {
			l, ok := sc.rowLabel(r)
			if !ok || sc.span(l).Right >= headers[0].c || !sc.gridValues(r, headers) {
				break
			}
			g.rows = append(g.rows, l)
		}
		if len(g.rows) == 0 {
			continue
		}
		sc.claimGrid(g, lsp.Left)
		sc.grids = append(sc.grids, g)
		h = g.rows[len(g.rows)-1].r
	}
}

// rowLabel returns the first origin cell with text of row r when it reads
// as a label and nothing claims it.
func (sc *scaffolder) rowLabel(r int) (pos, bool) {
	cells := sc.ownTexts(r)
	if len(cells) == 0 {
		return pos{}, false
	}
	p := cells[0]
	if _, ok := sc.claimed[p]; ok || !labelLike(sc.text(p)) {
		return pos{}, false
	}
	return p, true
}

// gridValues reports whether row r holds, under each header, a cell of
// its own that is empty or a value.
func (sc *scaffolder) gridValues(r int, headers []pos) bool {
	for _, h := range headers {
		p := pos{r, h.c}
		if !sc.isOrigin(p) {
			return false
		}
		if _, ok := sc.claimed[p]; ok {
			return false
		}
		if sp := sc.span(p); sp.Right > sc.span(h).Right {
			return false
		}
		if t := sc.text(p); strings.TrimSpace(t) != "" && labelLike(t) && !valueLike(t) {
			return false
		}
	}
	return true
}

// claimGrid claims g's cells and adds its fields.
func (sc *scaffolder) claimGrid(g *sGrid, left int) {
	last := g.headers[len(g.headers)-1]
	right := sc.span(last).Right
	for c := left; c <= right; c++ {
		if p := (pos{g.header, c}); sc.isOrigin(p) {
			sc.claimed[p] = "grid"
		}
	}
	for _, l := range g.rows {
		sc.claimed[l] = "grid"
		for c := left; c <= right; c++ {
			if p := (pos{l.r, c}); sc.isOrigin(p) {
				sc.claimed[p] = "grid"
			}
		}
		rowText := flat(sc.text(l))
		rowName, rowKnown := nameBy(mapping.NormLabel(rowText), rowNames)
		switch {
		case !rowKnown && l == g.rows[0]:
			rowName = "" // the first row of a grid is its main row (年度资金总额)
		case !rowKnown:
			rowName = "row" + fmt.Sprint(l.r+1)
		}
		for _, h := range g.headers {
			head := flat(sc.text(h))
			at := pos{l.r, h.c}
			colName, colKnown := nameBy(mapping.NormLabel(head), columnNames)
			if !colKnown {
				colName = "col_" + strings.ToLower(mapping.ColumnName(h.c))
			}
			if (colName == "weight" || colName == "score") && rowName == "" {
				colName = "budget_" + colName
			}
			name := colName
			if rowName != "" {
				name = rowName + "_" + colName
			}
			f := &sField{
				f:    mapping.Field{Title: strings.TrimSuffix(strings.TrimSuffix(rowText, ":"), "：") + "·" + head, Label: mapping.Strings{rowText}, Column: mapping.Strings{head}},
				base: name, label: l, at: at, sample: sc.text(at), kind: "grid", plain: true, rowLabel: rowText, colHeader: head,
				why: []string{fmt.Sprintf("交叉表：行“%s”（%s）× 列“%s”（%s），值在 %s", rowText, l, head, h, at)},
			}
			sc.typeField(f, mapping.NormLabel(head), mapping.NormLabel(rowText))
			if rowName == "" {
				f.f.Required = true
				f.why = append(f.why, "交叉表的主行（第一行或合计行），值必填（required）")
			}
			sc.fields = append(sc.fields, f)
			if sc.text(at) != "" {
				sc.clear[at] = ""
			}
		}
	}
}

// ---------------------------------------------------------------------
// Fields.

// findFields reads every remaining label cell with its value.
func (sc *scaffolder) findFields() {
	for r := 0; r < sc.rows; r++ {
		for _, p := range sc.ownTexts(r) {
			if _, ok := sc.claimed[p]; ok {
				continue
			}
			text := sc.text(p)
			if labelled(sc.norm(p), notePrefixes) && utf8.RuneCountInString(text) > 20 {
				sc.claimed[p] = "note" // a printed note (备注：1.…) stays as it is
				continue
			}
			if segs := segments(text); sc.inlineCell(text, segs) {
				sc.addInline(p, segs)
				continue
			}
			if !labelLike(text) {
				sc.unplaced = append(sc.unplaced, p)
				continue
			}
			if slot, dir, ok := sc.slot(p); ok {
				sc.addPlain(p, slot, dir)
				continue
			}
			if strings.HasSuffix(strings.TrimSpace(mapping.Fold(text)), ":") {
				// "部门名称：" with no room beside it: the value is typed
				// after the colon.
				sc.addInline(p, segments(text))
				continue
			}
			sc.claimed[p] = "label"
			sc.free = append(sc.free, p)
		}
	}
	for _, p := range sc.unplaced {
		if _, ok := sc.claimed[p]; !ok {
			sc.note("%s 的“%s”像是填写的值，但未找到它的标签，未读取 (a value with no label; not read)", p, short(sc.text(p)))
		}
	}
}

// short is s on one line, cut to 20 characters, for notes and comments.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// inlineCell reports whether segs are a label cell holding values: several
// labels, a label after a prefix (其中：…), or a label with its value; a
// printed note (备注：1.…) is not one.
func (sc *scaffolder) inlineCell(text string, segs []segment) bool {
	if len(segs) == 0 {
		return false
	}
	rest := []rune(text)[segs[0].labelEnd:]
	if labelled(mapping.NormLabel(segs[0].label), notePrefixes) && utf8.RuneCountInString(strings.TrimSpace(string(rest))) > 20 {
		return false
	}
	real := 0
	for _, s := range segs {
		if !s.prefix {
			real++
		}
	}
	return real > 1 || len(segs) > real || real == 1 && segs[0].value != ""
}

// slot returns where the value of label cell p is: the cell right of it
// (empty or a value), else the cell below it.
func (sc *scaffolder) slot(p pos) (pos, mapping.Direction, bool) {
	sp := sc.span(p)
	free := func(q pos) bool {
		if q.r >= sc.rows || q.c >= sc.cols || !sc.isOrigin(q) {
			return false
		}
		if _, ok := sc.claimed[q]; ok {
			return false
		}
		t := sc.text(q)
		return strings.TrimSpace(t) == "" || !labelLike(t) && len(segments(t)) == 0
	}
	right := pos{sp.Top, sp.Right + 1}
	below := pos{sp.Bottom + 1, sp.Left}
	rightOK, belowOK := free(right), free(below) && sc.span(below).Left == sp.Left
	switch {
	case rightOK && strings.TrimSpace(sc.text(right)) != "":
		return right, mapping.DirRight, true
	case belowOK && strings.TrimSpace(sc.text(below)) != "" && sc.span(below).Right >= sp.Right:
		return below, mapping.DirBelow, true
	case rightOK:
		return right, mapping.DirRight, true
	case belowOK && sc.span(below).Right >= sp.Right && (right.c >= sc.cols || sc.labelAt(right)):
		return below, mapping.DirBelow, true
	}
	return pos{}, "", false
}

// labelAt reports whether p (or the merge covering it) holds a label.
func (sc *scaffolder) labelAt(p pos) bool {
	o := sc.origin(p)
	return labelLike(sc.text(o)) || len(segments(sc.text(o))) > 0
}

// addPlain adds the field of label p read at slot.
func (sc *scaffolder) addPlain(p, slot pos, dir mapping.Direction) {
	text := flat(sc.text(p))
	label := strings.TrimRight(text, ":：")
	f := &sField{
		f:    mapping.Field{Title: label, Label: mapping.Strings{label}},
		base: sc.fieldName(label, p), label: p, at: slot, sample: sc.text(slot), kind: "plain", plain: true,
	}
	where := "右侧"
	if dir == mapping.DirBelow {
		f.f.Dir = mapping.DirBelow
		where = "下方"
	}
	f.why = append(f.why, fmt.Sprintf("标签“%s”在 %s，值在其%s %s", label, p, where, slot))
	if strings.HasSuffix(strings.TrimSpace(mapping.Fold(sc.text(p))), ":") {
		f.why = append(f.why, "值也可写在标签格内冒号之后")
	}
	sc.typeField(f, mapping.NormLabel(label), "")
	sc.claimed[p] = "label"
	sc.claimed[slot] = "value"
	if sc.text(slot) != "" {
		sc.clear[slot] = ""
	}
	sc.fields = append(sc.fields, f)
}

// addInline adds the fields of a cell holding labels and values.
func (sc *scaffolder) addInline(p pos, segs []segment) {
	text := sc.text(p)
	rs := []rune(text)
	sc.claimed[p] = "inline"
	real := 0
	for _, s := range segs {
		if !s.prefix {
			real++
		}
	}
	// The blank keeps the labels and drops the values.
	var blank strings.Builder
	last := 0
	for i, s := range segs {
		if s.value == "" {
			continue
		}
		blank.WriteString(string(rs[last:s.valueStart]))
		if i < len(segs)-1 {
			blank.WriteString("        ")
		}
		last = s.valueEnd
		for last < len(rs) && (rs[last] == ' ' || rs[last] == '\u3000' || rs[last] == '\t') {
			last++
		}
	}
	blank.WriteString(string(rs[last:]))
	if blank.String() != text {
		sc.clear[p] = blank.String()
	}
	firstReal := true
	for i, s := range segs {
		if s.prefix {
			continue
		}
		label := strings.TrimSpace(s.label)
		f := &sField{base: sc.fieldName(label, p), label: p, at: p, sample: s.value, kind: "inline"}
		f.f.Title = label
		if real == 1 && len(segs) == 1 {
			// "部门名称：株洲市…": the label alone finds it, the value is read
			// after the colon (or right of the cell when typed there).
			f.f.Label = mapping.Strings{label}
			f.plain = true
			f.why = append(f.why, fmt.Sprintf("“%s：值”写在同一格 %s：按标签读取冒号后的值", label, p))
		} else {
			next := `$`
			for _, n := range segs[i+1:] {
				if !n.prefix {
					next = labelPattern(n.label) + `\s*:|$`
					break
				}
			}
			group := `(.*?)`
			if next == `$` {
				group = `(.*)`
			}
			f.f.Dir = mapping.DirSelf
			f.f.Pattern = labelPattern(label) + `\s*:\s*` + group + `\s*(?:` + next + `)`
			if next == `$` {
				f.f.Pattern = labelPattern(label) + `\s*:\s*(.*)$`
			}
			if firstReal {
				f.f.Label = mapping.Strings{strings.TrimSpace(string(rs[:s.labelEnd]))}
				f.f.Match = mapping.MatchPrefix
			} else {
				f.f.Label = mapping.Strings{label}
				f.f.Match = mapping.MatchContains
			}
			f.why = append(f.why, fmt.Sprintf("%s 一格写有多个“标签：值”：用模式取“%s：”之后的值", p, label))
		}
		firstReal = false
		sc.typeField(f, mapping.NormLabel(label), "")
		sc.fields = append(sc.fields, f)
	}
}

// fieldName proposes a field name for a label.
func (sc *scaffolder) fieldName(label string, p pos) string {
	if n, ok := nameBy(mapping.NormLabel(label), nameRules); ok {
		return n
	}
	return "field_" + strings.ToLower(p.String())
}

// typeField sets f's type from its label (and a grid's row label), then
// from its sample value, and says why.
func (sc *scaffolder) typeField(f *sField, nl, rowNL string) {
	ty, why, ok := typeOfLabel(nl)
	if !ok && rowNL != "" {
		ty, why, ok = typeOfLabel(rowNL)
	}
	if !ok || ty == mapping.TypeText {
		if vt, vwhy, vok := typeOfValue(f.sample); vok && !(ok && ty == mapping.TypeText) {
			ty, why, ok = vt, vwhy, true
		}
	}
	if !ok {
		ty, why = mapping.TypeText, "标签和样本值都未指明类型：按文字读取"
	}
	if ty == mapping.TypeAmount && (strings.Contains(nl, "(元)") || strings.Contains(rowNL, "(元)")) {
		f.f.Unit = "元"
		why += "；单位为元"
	}
	// A sample value the type cannot read makes it text, said so.
	if f.sample != "" && ty != mapping.TypeText {
		if v := mapping.Parse(ty, f.f.Unit, mapping.Cell{Text: f.sample, Raw: f.sample}); v.Error != "" {
			sc.note("%s 的样本值“%s”不是 %s，按文字读取，请核对 (sample is not %s; read as text)", f.label, short(f.sample), ty, ty)
			why += fmt.Sprintf("；但样本值“%s”不是 %s，改按文字读取", short(f.sample), ty)
			ty = mapping.TypeText
		}
	}
	if ty != mapping.TypeText {
		f.f.Type = ty
	}
	f.why = append(f.why, "类型 "+string(ty)+"："+why)
}

// ---------------------------------------------------------------------
// Totals.

// findTotals adds a field per numeric column of each table's total row.
func (sc *scaffolder) findTotals() {
	for _, t := range sc.tables {
		for _, b := range t.bodies {
			if b.total < 0 {
				continue
			}
			label := pos{b.total, -1}
			for _, p := range sc.ownTexts(b.total) {
				label = p
				break
			}
			lsp := sc.span(label)
			sc.claimed[label] = "total"
			for _, col := range t.cols {
				at := pos{b.total, col.col}
				if col.col <= lsp.Right || !sc.isOrigin(at) {
					continue
				}
				sample := sc.text(at)
				numeric := sample != "" && valueLike(sample)
				if !numeric && col.role.name != "weight" && col.role.name != "score" {
					continue
				}
				sc.claimed[at] = "total"
				if sample != "" {
					sc.clear[at] = ""
				}
				text := flat(sc.text(label))
				base := "total_" + col.name
				f := &sField{
					f: mapping.Field{Title: text + "·" + col.header, Type: mapping.TypeScore, Label: mapping.Strings{text},
						Column: mapping.Strings{col.header}, Required: true},
					base: base, label: label, at: at, sample: sample, kind: "total", plain: true, rowLabel: text, colHeader: col.header,
					why: []string{fmt.Sprintf("合计行“%s”（%s）× 表头“%s”：%s 的合计，值在 %s（按最近的上方表头取列）", text, label, col.header, col.header, at)},
				}
				if col.role.typ != mapping.TypeScore {
					f.f.Type = ""
					sc.typeField(f, mapping.NormLabel(col.header), "")
				} else {
					f.why = append(f.why, "类型 score：表头“"+col.header+"”是分数")
				}
				sc.fields = append(sc.fields, f)
			}
		}
	}
}
