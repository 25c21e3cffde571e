package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The reading rules report what could not be read, each root cause once and
// in words a clerk acts on: what is wrong, where, and what to type.
//
//   - identity (error): the unit or the year cannot be read, so the form
//     cannot be filed; the title row missing, an empty 单位名称… is this one
//     finding, never also the finding of the field behind it.
//   - required (error): a required cell is empty, or what locates a
//     required value (its label, a column header, a table's header, a
//     block's start label) is not on the sheet.
//   - binding (warning): what locates an optional value is not on the sheet.
//   - type (error): a value is not of its type (a letter in a number).
//   - table-gap (warning): a table ended early, its rows below not read.
//   - formula-no-value (error): a formula cell has no calculated value.
//   - detect-label-missing (warning): a label of the form is not on the
//     sheet, which was read as the form nevertheless.
//
// Fields sharing a label that is missing (the title row holds 表名 and 年度)
// are one finding, fields whose column header is missing one finding per
// header, a table whose header is missing in every block one finding; a
// field that was not found is not also reported empty.

// readItem is one root cause among the extraction's problems: the problem
// first seen, and every field it stands for.
type readItem struct {
	p      Problem
	fields []*Field
	paths  []string
	// folded marks an item reported by an identity finding instead.
	folded bool
}

// reading reports what could not be read (see the rules above).
func (v *validation) reading() {
	v.skip = map[string]bool{}
	items := v.causes()
	for _, f := range v.identity(items) {
		v.add(f)
	}
	for i := range items {
		for _, p := range items[i].paths {
			v.skip[p] = true
		}
		if !items[i].folded {
			v.add(v.problem(&items[i]))
		}
	}
	fields := func(fs []Field, vals map[string]Value, prefix string) {
		for i := range fs {
			if val, ok := vals[fs[i].Name]; ok && !v.skip[prefix+fs[i].Name] {
				v.value(caption(&fs[i]), 0, fs[i].Required, val)
			}
		}
	}
	tables := func(ts []Table, rows map[string][]Row) {
		for i := range ts {
			for _, r := range rows[ts[i].Name] {
				for _, col := range ts[i].Columns {
					if !r.Has(col.Name) {
						continue
					}
					// The cell is named only for a value reported.
					if val := r.get(col.Name); v.reported(col.Required, val) {
						val, _ = r.Lookup(col.Name)
						v.value(orName(col.Title, col.Name), r.Row, col.Required, val)
					}
				}
			}
		}
	}
	fields(v.t.Fields, v.res.Fields, "fields.")
	tables(v.t.Tables, v.res.Tables)
	for _, b := range v.t.Blocks {
		for i, inst := range v.res.Blocks[b.Name] {
			fields(b.Fields, inst.Fields, fmt.Sprintf("blocks.%s[%d].fields.", b.Name, i))
			tables(b.Tables, inst.Tables)
		}
	}
}

// causes groups the extraction's problems by root cause: fields whose
// label is missing by label (within their block instance), fields whose
// column header is missing by header, a table whose header is missing
// across block instances; a detection label missing that is also a
// field's missing label is left to the field.
func (v *validation) causes() []readItem {
	var items []readItem
	index := map[string]int{}
	missing := map[string]bool{}
	for _, p := range v.res.Problems {
		f := v.t.fieldAt(p.Path)
		key := ""
		switch {
		case f != nil && p.Code == "label-not-found" && len(f.Label) > 0:
			key = "label\x00" + blockPrefix(p.Path) + NormLabel(f.Label[0])
			missing[f.Label[0]] = true
		case f != nil && p.Code == "header-not-found" && len(f.Column) > 0:
			key = "column\x00" + blockPrefix(p.Path) + NormLabel(f.Column[0])
		case p.Code == "header-not-found" && v.t.tableAt(p.Path) != nil:
			key = "table\x00" + v.t.tableAt(p.Path).Name
		}
		if i, ok := index[key]; ok && key != "" {
			items[i].fields = append(items[i].fields, f)
			items[i].paths = append(items[i].paths, p.Path)
			continue
		}
		if key != "" {
			index[key] = len(items)
		}
		items = append(items, readItem{p: p, fields: []*Field{f}, paths: []string{p.Path}})
	}
	out := items[:0]
	for _, it := range items {
		if it.p.Code == "detect-label-missing" && missing[quoted(it.p.Message, "标签")] {
			continue
		}
		out = append(out, it)
	}
	return out
}

// problem is the finding of one root cause among the problems.
func (v *validation) problem(it *readItem) Finding {
	p := it.p
	s, c := at(p.Cell)
	f := Finding{Sheet: s, Cell: c, Severity: SeverityWarning, Rule: "binding", Message: p.Message}
	for _, fd := range it.fields {
		if fd != nil && fd.Required {
			f.Severity, f.Rule = SeverityError, "required"
		}
	}
	fd := it.fields[0]
	switch {
	case p.Code == "label-not-found" && fd != nil:
		f.Message = v.labelMissing(it)
	case p.Code == "label-not-found" && v.t.blockAt(p.Path) != nil:
		b := v.t.blockAt(p.Path)
		f.Severity, f.Rule = SeverityError, "required"
		f.Message = fmt.Sprintf("表中找不到“%s”，%s及其指标表都没有读取：请按表样填写“%s”一行 (block start label not found)",
			b.Start[0], b.Title, b.Start[0])
	case p.Code == "header-not-found" && fd != nil:
		f.Severity, f.Rule = SeverityError, "required"
		f.Message = fmt.Sprintf("找不到列标题“%s”，%s 没有读取：请按表样保留“%s”列标题 (column header not found)",
			fd.Column[0], titles(it.fields), fd.Column[0])
	case p.Code == "header-not-found" && v.t.tableAt(p.Path) != nil:
		tb := v.t.tableAt(p.Path)
		f.Severity, f.Rule = SeverityError, "required"
		f.Message = fmt.Sprintf("找不到“%s”的表头（%s），整张表没有读取：请按表样保留表头的各列标题 (table header not found)",
			orName(tb.Title, tb.Name), strings.ReplaceAll(headerList(tb), " | ", "、"))
	case p.Code == "pattern-no-match" && fd != nil:
		f.Message = fmt.Sprintf("%s 所在单元格的写法与表样不同，没有读出%s：请按表样的格式填写 (text does not match the form)",
			caption(fd), caption(fd))
	case p.Code == "table-gap":
		f.Rule = "table-gap"
		f.Message = v.gapMessage(p)
	case p.Code == "detect-label-missing":
		f.Rule = "detect-label-missing"
		if l := quoted(p.Message, "标签"); l != "" {
			f.Message = fmt.Sprintf("表中找不到本表的标签“%s”，已按“%s”读取：如表样被改动过，请按原表样恢复“%s” (form label not found)",
				l, v.t.Title, l)
		}
	}
	return f
}

// labelMissing words a missing label and the fields it locates.
func (v *validation) labelMissing(it *readItem) string {
	label := it.fields[0].Label[0]
	if v.t.isTitle(it.fields[0]) {
		return titleMissing(v.t, hasYear(v.t, it.fields), "") + " (title row not found)"
	}
	if len(it.fields) == 1 && caption(it.fields[0]) == label {
		return fmt.Sprintf("表中找不到“%s”：请按表样补上“%s”并填写 (label not found)", label, label)
	}
	return fmt.Sprintf("表中找不到“%s”，%s 没有读取：请按表样补上“%s”及其内容 (label not found)", label, titles(it.fields), label)
}

// titleMissing says the title row is missing, with "XXXX年度" when it
// should hold the year, and why it matters (because) when set.
func titleMissing(t *Template, withYear bool, because string) string {
	example, missing := t.Title, "标题行"
	if withYear {
		example, missing = titleExample(t), "“XXXX年度”标题行"
	}
	return fmt.Sprintf("表头缺少%s%s：请在表格第一行填写标题，如“%s”", missing, because, example)
}

// gapMessage words a table that ended early: where it ended, which row is
// not read.
func (v *validation) gapMessage(p Problem) string {
	_, c := at(p.Cell)
	g, _, err := ParseCellName(c)
	tb := v.t.tableAt(p.Path)
	rows := v.rowsAt(p.Path)
	if err != nil || tb == nil || len(rows) == 0 {
		return p.Message
	}
	last := rows[len(rows)-1].Row
	between := fmt.Sprintf("第%d行", last+1)
	if g > last+1 {
		between = fmt.Sprintf("第%d–%d行", last+1, g)
	}
	return fmt.Sprintf("“%s”读到第%d行就中断了，第%d行起的内容没有读取：请把%s的说明、合计等内容删除或移到表格下方，使表格连续 (table ends at row %d; row %d and below not read)",
		orName(tb.Title, tb.Name), last, g+1, between, last, g+1)
}

// identity reports the unit or year that cannot be read, so that the form
// cannot be filed: one finding for each, saying what to type, in place of
// the findings of the field behind it (items it stands for are folded).
func (v *validation) identity(items []readItem) []Finding {
	id := v.t.Identity
	unit, year, _ := v.t.Who(v.res)
	var out []Finding
	if len(id.Unit) > 0 && unit == "" {
		out = append(out, v.unidentified(id.Unit[0], false, items))
	}
	if len(id.Year) > 0 && year == 0 {
		out = append(out, v.unidentified(id.Year[0], true, items))
	}
	return out
}

// unidentified is the identity finding of field name, the first of the
// unit's (or the year's) fields.
func (v *validation) unidentified(name string, isYear bool, items []readItem) Finding {
	what, hint, en := "填报单位", "单位全称", "unit name"
	if isYear {
		what, hint, en = "年度", fmt.Sprintf("四位年份，如 %d", exampleYear(v.t)), "year"
	}
	because := "，无法确定" + what
	fd := Finding{Sheet: v.res.Sheet, Severity: SeverityError, Rule: RuleIdentity}
	f := v.t.fieldAt("fields." + name)
	if f == nil {
		fd.Message = fmt.Sprintf("读不到%s，此表无法归入任何填报 (%s not found)", what, en)
		return fd
	}
	path := "fields." + name
	v.skip[path] = true
	var p *Problem
	for i := range items {
		for _, ip := range items[i].paths {
			if ip == path {
				items[i].folded = true
				p = &items[i].p
			}
		}
	}
	// The year written in a heading cell ("2022年度部门整体绩效自评表").
	heading := isYear && f.Dir == DirSelf && f.Pattern != ""
	switch {
	case p != nil && p.Code == "label-not-found" && v.t.isTitle(f):
		fd.Message = titleMissing(v.t, isYear, because) + fmt.Sprintf(" (title row with the %s not found)", en)
	case p != nil && heading:
		if v.t.isTitle(f) {
			fd.Sheet, fd.Cell = at(p.Cell)
		}
		fd.Message = fmt.Sprintf("表头没有写明年度%s：请在标题中写明，如“%s” (year not found in the heading)",
			because, titleExample(v.t))
	case p != nil && p.Code == "label-not-found":
		fd.Message = fmt.Sprintf("表中找不到“%s”%s：请按表样补上“%s”并填写%s (%s label not found)", f.Label[0], because, f.Label[0], hint, en)
	case p != nil:
		fd.Sheet, fd.Cell = at(p.Cell)
		fd.Message = fmt.Sprintf("%s 的写法与表样不同%s：请按表样填写%s (%s not readable)", caption(f), because, hint, en)
	default:
		val, ok := v.res.Fields[name]
		if ok {
			fd.Sheet, fd.Cell = at(val.Cell)
			fd.Found = oneLineText(val.Raw)
		}
		switch {
		case !ok:
			fd.Message = fmt.Sprintf("表中没有%s%s：请按表样填写%s (%s not found)", caption(f), because, hint, en)
		case val.Raw == "" && len(v.res.Uncached) > 0 && v.isUncached(val.Cell):
			fd.Message = fmt.Sprintf("%s 是公式但没有计算结果%s：请用 Excel 或 WPS 打开、保存后重新上传 (%s formula without a calculated value)",
				caption(f), because, en)
		case val.Empty():
			fd.Message = fmt.Sprintf("%s 为空%s：请填写%s (%s is empty)", caption(f), because, hint, en)
		case heading:
			fd.Message = fmt.Sprintf("表头没有写明年度%s：请在标题中写明，如“%s” (year not found in the heading)",
				because, titleExample(v.t))
		default:
			fd.Message = fmt.Sprintf("%s 填的“%s”不是%s%s：请填写%s (%s not readable)", caption(f), clip(val.Raw), what, because, hint, en)
		}
	}
	return fd
}

// titleExample is the template's title after a year, as a title row reads
// ("2022年度部门整体绩效自评表").
func titleExample(t *Template) string {
	return fmt.Sprintf("%d年度%s", exampleYear(t), t.Title)
}

// exampleYear is a year to show in an example: the template's version when
// it is a year.
func exampleYear(t *Template) int {
	y, err := strconv.Atoi(t.Version)
	if err != nil || y < 1900 || y >= 3000 {
		return 2024
	}
	return y
}

// reported reports whether value may report val: it is not of its type,
// an uncached formula's or required and empty. It does not look at
// val.Cell.
func (v *validation) reported(required bool, val Value) bool {
	return val.Error != "" || len(v.res.Uncached) > 0 && val.Raw == "" || required && val.Empty()
}

// value reports one value that is required but empty, not of its type, or
// a formula without a value. title names it, preceded by 第N行 for a table
// row (row > 0): "第12行 分值 为空，请填写".
func (v *validation) value(title string, row int, required bool, val Value) {
	typeErr := val.Error != ""
	uncached := len(v.res.Uncached) > 0 && val.Raw == "" && v.isUncached(val.Cell)
	if !typeErr && !uncached && !(required && val.Empty()) {
		return
	}
	if row > 0 {
		title = fmt.Sprintf("第%d行 %s", row, title)
	}
	s, c := at(val.Cell)
	if uncached {
		v.add(Finding{Sheet: s, Cell: c, Severity: SeverityError, Rule: "formula-no-value",
			Message: fmt.Sprintf("%s 是公式但没有计算结果（文件可能由程序生成）：请用 Excel 或 WPS 打开、保存后重新上传 (formula without a calculated value)", title)})
		return
	}
	if typeErr {
		msg, kind := typeMessage(title, val)
		v.add(Finding{Sheet: s, Cell: c, Severity: SeverityError, Rule: "type",
			Message: msg, Expected: kind, Found: val.Raw})
		return
	}
	v.add(Finding{Sheet: s, Cell: c, Severity: SeverityError, Rule: "required",
		Message: fmt.Sprintf("%s 为空，请填写 (required cell is empty)", title), Found: val.Raw})
}

// typeMessage says what a value that is not of its type should be, and
// names that kind of value (金额, 数字…) for the finding's Expected.
func typeMessage(title string, val Value) (string, string) {
	var kind, hint, en string
	switch val.Type {
	case TypeAmount:
		kind, hint, en = "金额", "数字，如 110.35", "not an amount"
	case TypePercent:
		kind, hint, en = "百分比", "如 95% 或 95", "not a percentage"
	case TypeCount:
		kind, hint, en = "数量", "数字，如 12 或 12人", "not a count"
	case TypeScore, TypeNumber:
		kind, hint, en = "数字", "数字，如 4.5", "not a number"
	case TypeDate:
		kind, hint, en = "日期", "如 2023年1月15日 或 2023-01-15", "not a date"
	default:
		return fmt.Sprintf("%s：%s", title, val.Error), string(val.Type)
	}
	return fmt.Sprintf("%s 填的“%s”不是%s：请填写%s (%s)", title, clip(val.Raw), kind, hint, en), kind
}

// clip is a cell's text on one line, cut to 30 characters for a message.
func clip(s string) string {
	s = oneLineText(s)
	if utf8.RuneCountInString(s) > 30 {
		s = string([]rune(s)[:30]) + "…"
	}
	return s
}

// titles lists the distinct captions of fs: “预算数”“执行数”.
func titles(fs []*Field) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, f := range fs {
		if f == nil || seen[caption(f)] {
			continue
		}
		seen[caption(f)] = true
		b.WriteString("“" + caption(f) + "”")
	}
	return b.String()
}

// caption is how a message names a field: its title, else its label.
func caption(f *Field) string {
	if f.Title == "" && len(f.Label) > 0 {
		return f.Label[0]
	}
	return orName(f.Title, f.Name)
}

func orName(title, name string) string {
	if title != "" {
		return title
	}
	return name
}

// quoted returns the text in “” after marker in s: quoted(`缺少本表的标签“项目名称”`, "标签") is 项目名称.
func quoted(s, marker string) string {
	_, rest, ok := strings.Cut(s, marker+"“")
	if !ok {
		return ""
	}
	q, _, ok := strings.Cut(rest, "”")
	if !ok {
		return ""
	}
	return q
}

// isTitle reports whether f is read from the form's title: a label cell
// holding part of the title (部门整体绩效自评表 in “2022年度部门整体绩效自评表”).
func (t *Template) isTitle(f *Field) bool {
	return f != nil && f.Dir == DirSelf && len(f.Label) > 0 && t.Title != "" &&
		strings.Contains(NormLabel(t.Title), NormLabel(f.Label[0]))
}

// hasYear reports whether one of fs holds the year.
func hasYear(t *Template, fs []*Field) bool {
	for _, f := range fs {
		if f == nil {
			continue
		}
		for _, y := range t.Identity.Year {
			if f.Name == y {
				return true
			}
		}
		if f.Type == TypeNumber && strings.Contains(f.Pattern, "年") {
			return true
		}
	}
	return false
}

// blockPrefix is the block part of a problem's path, "blocks.goals[1]." of
// "blocks.goals[1].fields.goal", empty at top level.
func blockPrefix(path string) string {
	if i := strings.Index(path, "]."); i >= 0 && strings.HasPrefix(path, "blocks.") {
		return path[:i+2]
	}
	return ""
}

// blockOf returns the block a path is in, nil at top level.
func (t *Template) blockOf(path string) (*Block, string) {
	rest, ok := strings.CutPrefix(path, "blocks.")
	if !ok {
		return nil, path
	}
	name, rest, _ := strings.Cut(rest, "[")
	_, rest, _ = strings.Cut(rest, "].")
	for i := range t.Blocks {
		if t.Blocks[i].Name == name {
			return &t.Blocks[i], rest
		}
	}
	return nil, ""
}

// fieldAt returns the field a problem's path names, or nil.
func (t *Template) fieldAt(path string) *Field {
	b, rest := t.blockOf(path)
	name, ok := strings.CutPrefix(rest, "fields.")
	if !ok {
		return nil
	}
	fs := t.Fields
	if b != nil {
		fs = b.Fields
	}
	for i := range fs {
		if fs[i].Name == name {
			return &fs[i]
		}
	}
	return nil
}

// tableAt returns the table a problem's path names, or nil.
func (t *Template) tableAt(path string) *Table {
	b, rest := t.blockOf(path)
	name, ok := strings.CutPrefix(rest, "tables.")
	if !ok {
		return nil
	}
	ts := t.Tables
	if b != nil {
		ts = b.Tables
	}
	for i := range ts {
		if ts[i].Name == name {
			return &ts[i]
		}
	}
	return nil
}

// blockAt returns the block a path names as a whole ("blocks.goals").
func (t *Template) blockAt(path string) *Block {
	name, ok := strings.CutPrefix(path, "blocks.")
	if !ok || strings.ContainsAny(name, "[.") {
		return nil
	}
	for i := range t.Blocks {
		if t.Blocks[i].Name == name {
			return &t.Blocks[i]
		}
	}
	return nil
}

// rowsAt returns the rows read of the table a path names.
func (v *validation) rowsAt(path string) []Row {
	if name, ok := strings.CutPrefix(path, "tables."); ok {
		return v.res.Tables[name]
	}
	rest, ok := strings.CutPrefix(path, "blocks.")
	if !ok {
		return nil
	}
	name, rest, _ := strings.Cut(rest, "[")
	k, rest, _ := strings.Cut(rest, "].tables.")
	i, err := strconv.Atoi(k)
	if err != nil || i < 0 || i >= len(v.res.Blocks[name]) {
		return nil
	}
	return v.res.Blocks[name][i].Tables[rest]
}
