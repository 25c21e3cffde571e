package template

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// Annotator writes annotated copies of workbooks; it implements
// sync.Annotator.
type Annotator struct{}

// SummarySheet is the name of the sheet listing the findings, inserted first.
const SummarySheet = "校验结果"

// markColors are the fills of marked cells by severity (as Excel's "bad" and
// "neutral" cell styles); any severity but error counts as a warning.
var markColors = map[string]string{mapping.SeverityError: "FFC7CE", mapping.SeverityWarning: "FFEB9C"}

// maxSpan is the most cells of a merged range that are filled; a larger
// range has only the finding's cell filled.
const maxSpan = 1000

// Annotate implements sync.Annotator: it returns a copy of the workbook with
// each finding's cell (its whole merged range, and its related cells) filled
// red or yellow over its own style and commented, and a first sheet
// 校验结果 listing the findings with links to their cells. Findings on a
// sheet the workbook lacks are listed but not marked. data is not modified.
func (Annotator) Annotate(data []byte, findings []mapping.Finding) ([]byte, error) {
	if bytes.HasPrefix(data, oleMagic) {
		// A legacy .xls: annotate the .xlsx it converts to.
		x, err := convertLegacy(data)
		if err != nil {
			return nil, fmt.Errorf("annotate: %w", err)
		}
		data = x
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: DefaultLimits.MaxUnzipBytes, UnzipXMLSizeLimit: min(DefaultLimits.MaxUnzipBytes, 16<<20),
	})
	if err != nil {
		return nil, fmt.Errorf("annotate: %w: %v", ErrNotXLSX, err)
	}
	defer f.Close()
	a := &annotation{f: f, merges: map[string][][4]int{}, styles: map[styleKey]int{}}
	if err := a.mark(findings); err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	if err := a.comment(findings); err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	if err := a.summary(findings); err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	return stripMacros(buf.Bytes())
}

// annotation is the state of one Annotate call.
type annotation struct {
	f      *excelize.File
	merges map[string][][4]int // per sheet: merged ranges as col1, row1, col2, row2
	styles map[styleKey]int    // filled styles made so far
}

// styleKey is an original style id and the fill color put over it.
type styleKey struct {
	id    int
	color string
}

// cellRef is a cell of a sheet.
type cellRef struct{ sheet, cell string }

// span returns the cells of the merged range of sheet that holds ref (ref
// alone when not merged), top-left first; ok is false when the sheet does not
// exist or ref is not a cell reference.
func (a *annotation) span(sheet, ref string) (cells []string, ok bool) {
	if i, err := a.f.GetSheetIndex(sheet); err != nil || i < 0 {
		return nil, false
	}
	col, row, err := excelize.CellNameToCoordinates(strings.ReplaceAll(ref, "$", ""))
	if err != nil {
		return nil, false
	}
	if _, done := a.merges[sheet]; !done {
		a.merges[sheet] = nil
		mcs, _ := a.f.GetMergeCells(sheet, true) // unreadable merges: mark the cell alone
		for _, mc := range mcs {
			c1, r1, err1 := excelize.CellNameToCoordinates(mc.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(mc.GetEndAxis())
			if err1 == nil && err2 == nil && (c2-c1+1)*(r2-r1+1) <= maxSpan {
				a.merges[sheet] = append(a.merges[sheet], [4]int{c1, r1, c2, r2})
			}
		}
	}
	rng := [4]int{col, row, col, row}
	for _, m := range a.merges[sheet] {
		if m[0] <= col && col <= m[2] && m[1] <= row && row <= m[3] {
			rng = m
			break
		}
	}
	for r := rng[1]; r <= rng[3]; r++ {
		for c := rng[0]; c <= rng[2]; c++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			cells = append(cells, name)
		}
	}
	return cells, true
}

// splitRef splits a related reference Sheet!A1 (the sheet possibly quoted);
// without a sheet it is on sheet.
func splitRef(ref, sheet string) (string, string) {
	i := strings.LastIndex(ref, "!")
	if i < 0 {
		return sheet, ref
	}
	s := ref[:i]
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		s = strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s, ref[i+1:]
}

// severityOf is s as error or warning.
func severityOf(s string) string {
	if s == mapping.SeverityError {
		return s
	}
	return mapping.SeverityWarning
}

// mark fills the cells of every finding and its related cells, red winning
// over yellow.
func (a *annotation) mark(findings []mapping.Finding) error {
	marks := map[cellRef]string{}
	add := func(sheet, ref, sev string) {
		cells, _ := a.span(sheet, ref)
		for _, c := range cells {
			if k := (cellRef{sheet, c}); marks[k] != mapping.SeverityError {
				marks[k] = sev
			}
		}
	}
	for _, fd := range findings {
		if fd.Cell != "" {
			add(fd.Sheet, fd.Cell, severityOf(fd.Severity))
		}
		for _, r := range fd.Related {
			s, c := splitRef(r, fd.Sheet)
			add(s, c, severityOf(fd.Severity))
		}
	}
	keys := make([]cellRef, 0, len(marks))
	for k := range marks {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { // a stable output for equal inputs
		return keys[i].sheet < keys[j].sheet || keys[i].sheet == keys[j].sheet && keys[i].cell < keys[j].cell
	})
	for _, k := range keys {
		id, err := a.f.GetCellStyle(k.sheet, k.cell)
		if err != nil {
			return err
		}
		if id, err = a.filled(id, markColors[marks[k]]); err != nil {
			return err
		}
		if err := a.f.SetCellStyle(k.sheet, k.cell, k.cell, id); err != nil {
			return err
		}
	}
	return nil
}

// filled returns the id of style id with its fill replaced by a solid color,
// its font, borders, alignment, protection and number format kept.
func (a *annotation) filled(id int, color string) (int, error) {
	key := styleKey{id, color}
	if n, ok := a.styles[key]; ok {
		return n, nil
	}
	st, err := a.f.GetStyle(id)
	if err != nil {
		return 0, err
	}
	st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	a.borderColors(id, st)
	n, err := a.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	a.styles[key] = n
	return n, nil
}

// automatic is the colour Excel draws a border without one in: black.
const automatic = "000000"

// borderColors gives the borders of st (style id as read by GetStyle) the
// colours GetStyle leaves empty: a side without a colour or with the
// automatic one, or every side in a workbook without a theme part (as
// LibreOffice writes them, and legacy .xls become). NewStyle would write an
// empty colour as rgb="FF", no colour at all: a schema error, which Excel
// offers to repair and openpyxl refuses. A side gets its colour as the
// style sheet has it (rgb or indexed), else black.
func (a *annotation) borderColors(id int, st *excelize.Style) {
	raw := map[string]string{}
	if s := a.f.Styles; s != nil && s.CellXfs != nil && s.Borders != nil && id >= 0 && id < len(s.CellXfs.Xf) {
		if b := s.CellXfs.Xf[id].BorderID; b != nil && *b >= 0 && *b < len(s.Borders.Border) && s.Borders.Border[*b] != nil {
			bd := s.Borders.Border[*b]
			base := func(rgb string, indexed int, theme *int) string { return a.f.GetBaseColor(rgb, indexed, theme) }
			if l := bd.Left; l != nil && l.Color != nil {
				raw["left"] = base(l.Color.RGB, l.Color.Indexed, l.Color.Theme)
			}
			if l := bd.Right; l != nil && l.Color != nil {
				raw["right"] = base(l.Color.RGB, l.Color.Indexed, l.Color.Theme)
			}
			if l := bd.Top; l != nil && l.Color != nil {
				raw["top"] = base(l.Color.RGB, l.Color.Indexed, l.Color.Theme)
			}
			if l := bd.Bottom; l != nil && l.Color != nil {
				raw["bottom"] = base(l.Color.RGB, l.Color.Indexed, l.Color.Theme)
			}
			if l := bd.Diagonal; l != nil && l.Color != nil {
				c := base(l.Color.RGB, l.Color.Indexed, l.Color.Theme)
				raw["diagonalUp"], raw["diagonalDown"] = c, c
			}
		}
	}
	for i := range st.Border {
		if st.Border[i].Color != "" {
			continue
		}
		st.Border[i].Color = automatic
		if c := raw[st.Border[i].Type]; len(c) == 6 {
			st.Border[i].Color = c
		}
	}
}

// severityName is the Chinese name of a severity.
func severityName(sev string) string {
	if severityOf(sev) == mapping.SeverityError {
		return "错误"
	}
	return "警告"
}

// ruleKinds name, for people, the kind of finding a rule gives; the rule
// ids themselves are only in JSON.
var ruleKinds = map[string]string{
	"required": "必填", "type": "格式", "formula-no-value": "公式", "table-gap": "表格", "binding": "表样",
	"detect-label-missing": "表样", "identity": "单位与年度", "identity-name": "单位与年度", "identity-mismatch": "单位与年度",
	"macro": "宏", "external-link": "外部链接",
}

// ruleKind is the kind of finding rule gives: ruleKinds, else 数据核对 (a
// check of the template's rules).
func ruleKind(rule string) string {
	if k, ok := ruleKinds[rule]; ok {
		return k
	}
	return "数据核对"
}

// findingText is a finding as one comment paragraph.
func findingText(fd mapping.Finding) string {
	s := fmt.Sprintf("[%s] %s", severityName(fd.Severity), fd.Message)
	if fd.Expected != "" || fd.Found != "" {
		s += fmt.Sprintf("\n应为：%s；实为：%s", dashIfEmpty(fd.Expected), dashIfEmpty(fd.Found))
	}
	return s
}

// dashIfEmpty is s, or — when empty.
func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// comment adds to the top-left cell of each finding's range a comment by
// jxsync with the texts of all findings there; a comment the cell had is
// kept below them.
func (a *annotation) comment(findings []mapping.Finding) error {
	var order []cellRef
	texts := map[cellRef][]string{}
	old, loaded := map[cellRef]excelize.Comment{}, map[string]bool{}
	for _, fd := range findings {
		if fd.Cell == "" {
			continue
		}
		cells, ok := a.span(fd.Sheet, fd.Cell)
		if !ok {
			continue
		}
		k := cellRef{fd.Sheet, cells[0]}
		if texts[k] == nil {
			order = append(order, k)
		}
		texts[k] = append(texts[k], findingText(fd))
		if !loaded[fd.Sheet] {
			loaded[fd.Sheet] = true
			cms, err := a.f.GetComments(fd.Sheet)
			if err != nil {
				return err
			}
			for _, c := range cms {
				old[cellRef{fd.Sheet, c.Cell}] = c
			}
		}
	}
	for _, k := range order {
		text := strings.Join(texts[k], "\n")
		runs := []excelize.RichTextRun{{Text: text}}
		if prev, ok := old[k]; ok {
			if err := a.f.DeleteComment(k.sheet, k.cell); err != nil {
				return err
			}
			runs[0].Text += "\n———\n" + prev.Text
			runs = append(runs, prev.Paragraph...)
		}
		lines := strings.Count(text, "\n") + 1 + len([]rune(text))/20
		err := a.f.AddComment(k.sheet, excelize.Comment{Cell: k.cell, Author: "jxsync", Paragraph: runs,
			Width: 320, Height: uint(min(400, 20+16*lines))})
		if err != nil {
			return err
		}
	}
	return nil
}

// summary inserts the sheet 校验结果 first and active, listing the findings
// under a title with the counts, each cell a link to the finding's cell, and
// set to print on A4 across, one page wide, repeating title and header.
func (a *annotation) summary(findings []mapping.Finding) error {
	name := SummarySheet
	for n := 2; ; n++ {
		if i, _ := a.f.GetSheetIndex(name); i < 0 {
			break
		}
		name = fmt.Sprintf("%s (%d)", SummarySheet, n)
	}
	if _, err := a.f.NewSheet(name); err != nil {
		return err
	}
	if err := moveFirst(a.f, name); err != nil {
		return err
	}
	w := newSheetWriter(a.f, name, 8)
	w.widths(6, 7, 22, 10, 22, 60, 20, 20)
	addStyle := func(key string, s *excelize.Style) {
		if w.err == nil {
			w.styles[key], w.err = a.f.NewStyle(s)
		}
	}
	font := &excelize.Font{Family: fontLabel, Size: 11}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	solid := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	addStyle("sumTitle", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 14, Bold: true}, Alignment: left})
	addStyle("sumText", &excelize.Style{Font: font, Alignment: left, Border: border()})
	addStyle("sumCenter", &excelize.Style{Font: font, Alignment: center, Border: border()})
	addStyle("sumLink", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 11, Color: "0563C1", Underline: "single"},
		Alignment: center, Border: border()})
	addStyle("sum"+mapping.SeverityError, &excelize.Style{Font: font, Alignment: center, Border: border(),
		Fill: solid(markColors[mapping.SeverityError])})
	addStyle("sum"+mapping.SeverityWarning, &excelize.Style{Font: font, Alignment: center, Border: border(),
		Fill: solid(markColors[mapping.SeverityWarning])})

	errs := 0
	for _, fd := range findings {
		if severityOf(fd.Severity) == mapping.SeverityError {
			errs++
		}
	}
	w.put(1, 0, 1, 7, fmt.Sprintf("校验结果：%d 个错误，%d 个警告", errs, len(findings)-errs), "sumTitle")
	w.height(1, 28)
	for i, h := range []string{"序号", "级别", "工作表", "单元格", "类别", "说明", "应为", "实为"} {
		w.put(2, i, 2, i, h, "label")
	}
	w.height(2, 22)
	if len(findings) == 0 {
		w.put(3, 0, 3, 7, "未发现问题 (no findings)", "sumCenter")
	}
	for i, fd := range findings {
		row := 3 + i
		w.put(row, 0, row, 0, i+1, "sumCenter")
		w.put(row, 1, row, 1, severityName(fd.Severity), "sum"+severityOf(fd.Severity))
		w.put(row, 2, row, 2, fd.Sheet, "sumText")
		w.put(row, 3, row, 3, fd.Cell, "sumCenter")
		w.put(row, 4, row, 4, ruleKind(fd.Rule), "sumText")
		w.put(row, 5, row, 5, fd.Message, "sumText")
		w.put(row, 6, row, 6, fd.Expected, "sumText")
		w.put(row, 7, row, 7, fd.Found, "sumText")
		var lines []int
		for c, s := range []string{fd.Sheet, fd.Cell, ruleKind(fd.Rule), fd.Message, fd.Expected, fd.Found} {
			lines = append(lines, w.textLines(s, c+2, c+2))
		}
		w.fitHeight(row, 20, lines...)
		if _, ok := a.span(fd.Sheet, fd.Cell); ok && fd.Cell != "" && w.err == nil {
			at := cell(row, 3)
			target := "'" + strings.ReplaceAll(fd.Sheet, "'", "''") + "'!" + strings.ReplaceAll(fd.Cell, "$", "")
			if w.err = a.f.SetCellHyperLink(name, at, target, "Location"); w.err == nil {
				w.err = a.f.SetCellStyle(name, at, at, w.styles["sumLink"])
			}
		}
	}
	w.titles = [2]int{1, 2}
	w.a4(true)
	if w.err != nil {
		return w.err
	}
	return a.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// moveFirst moves sheet before all others and makes it the active one. Its
// sheet-scoped defined names (print areas, titles, filters) are taken out and
// put back around the move, as excelize's MoveSheet would leave them
// pointing at the sheet now at their old position.
func moveFirst(f *excelize.File, sheet string) error {
	var local []excelize.DefinedName
	for _, dn := range f.GetDefinedName() {
		if dn.Scope != "" && dn.Scope != "Workbook" {
			local = append(local, dn)
		}
	}
	for i := range local {
		if err := f.DeleteDefinedName(&local[i]); err != nil {
			return err
		}
	}
	if err := f.MoveSheet(sheet, f.GetSheetName(0)); err != nil {
		return err
	}
	for i := range local {
		if err := f.SetDefinedName(&local[i]); err != nil {
			return fmt.Errorf("defined name %s: %w", local[i].Name, err)
		}
	}
	f.SetActiveSheet(0)
	return nil
}
