package mapping

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// view is a sheet with every cell's normalised label text computed once.
type view struct {
	s    *Sheet
	norm [][]string
	// at lists, for each normalised text, the cells that have it in
	// reading order (built on the first exact-match search of a sheet of
	// at most maxIndexed cells; larger ones are searched cell by cell).
	at    map[string][][2]int
	cells int
	// sig holds the cells' label signatures (sigs), row r's from
	// sigAt[r]; needles the labels normalised. Both are made on first use.
	sig    []uint64
	sigAt  []int32
	rowSig []uint64 // each row's cells' signatures together
	// sheetSig is every cell's signature together.
	sheetSig uint64
	needles  map[string]needle
}

// maxIndexed is the most non-empty cells view.at indexes.
const maxIndexed = 50_000

// newView returns the sheet's view, made on first use and shared by
// detection and extraction (a Sheet is used by one goroutine at a time).
func newView(s *Sheet) *view {
	if s.view != nil {
		return s.view
	}
	v := &view{s: s}
	v.norm, v.cells = s.normalized()
	s.view = v
	return v
}

func (v *view) label(r, c int) string {
	if r < 0 || r >= len(v.norm) || c < 0 || c >= len(v.norm[r]) {
		return ""
	}
	return v.norm[r][c]
}

// ref names a cell as Sheet!A1 (as v.s.Name + "!" + CellName(r, c)).
func (v *view) ref(r, c int) string {
	b := make([]byte, 0, len(v.s.Name)+12)
	b = append(b, v.s.Name...)
	b = append(b, '!')
	var col [8]byte
	i := len(col)
	for c++; c > 0; c = (c - 1) / 26 {
		i--
		col[i] = byte('A' + (c-1)%26)
	}
	b = append(b, col[i:]...)
	b = strconv.AppendInt(b, int64(r+1), 10)
	return string(b)
}

// region is the rows [top, bottom) of a sheet that a binding searches.
type region struct{ top, bottom int }

// find returns the positions of cells in rg matching any of labels (the
// first alternative that occurs wins), in reading order.
func (v *view) find(rg region, labels []string, mode MatchMode) [][2]int {
	if (mode == "" || mode == MatchExact) && v.cells <= maxIndexed {
		return v.findExact(rg, labels)
	}
	for _, l := range labels {
		nl := v.needle(l)
		if nl.text != "" && !v.sheetMay(nl) {
			continue
		}
		var hits [][2]int
		for r := rg.top; r < rg.bottom && r < len(v.norm); r++ {
			if nl.text != "" && !v.rowMay(nl, r) {
				continue
			}
			sigs := v.sigs(r)
			for c, t := range v.norm[r] {
				if nl.may(sigs[c]) && matchLabel(t, nl.text, mode) {
					hits = append(hits, [2]int{r, c})
				}
			}
		}
		if len(hits) > 0 {
			return hits
		}
	}
	return nil
}

// findExact is find for labels compared whole, by the index of texts.
func (v *view) findExact(rg region, labels []string) [][2]int {
	if v.at == nil {
		v.at = map[string][][2]int{}
		for r, row := range v.norm {
			for c, t := range row {
				if t != "" {
					v.at[t] = append(v.at[t], [2]int{r, c})
				}
			}
		}
	}
	for _, l := range labels {
		var hits [][2]int
		for _, p := range v.at[v.needle(l).text] {
			if p[0] >= rg.top && p[0] < rg.bottom {
				hits = append(hits, p)
			}
		}
		if len(hits) > 0 {
			return hits
		}
	}
	return nil
}

// origin returns the top-left cell of the merge covering (r, c), or (r, c).
func (v *view) origin(r, c int) (int, int) {
	sp := v.s.Span(r, c)
	return sp.Top, sp.Left
}

// Extract reads the template's fields, tables and blocks from sheet s of wb.
// Bindings that do not resolve are listed in Result.Problems; values that are
// not of their type carry Value.Error. It returns an error only when the
// template itself is unusable (not provisioned).
func (t *Template) Extract(wb *Workbook, s *Sheet) (*Result, error) {
	if t.compiled == nil {
		if err := t.Provision(); err != nil {
			return nil, err
		}
	}
	v := newView(s)
	res := &Result{
		Template: t.ID, Version: t.Version, File: wb.Name, Sheet: s.Name,
		Fields: map[string]Value{}, Tables: map[string][]Row{}, Props: wb.Props, Uncached: s.Uncached,
	}
	all := region{0, len(s.Rows)}
	for i := range t.Fields {
		t.readField(v, all, &t.Fields[i], "fields.", res.Fields, &res.Problems)
	}
	for i := range t.Tables {
		res.Tables[t.Tables[i].Name] = t.readTable(v, all, &t.Tables[i], "tables.", &res.Problems)
	}
	for i := range t.Blocks {
		b := &t.Blocks[i]
		if res.Blocks == nil {
			res.Blocks = map[string][]BlockResult{}
		}
		res.Blocks[b.Name] = t.readBlocks(v, all, b, &res.Problems)
	}
	dropSigs(s)
	if v.cells > maxIndexed {
		// A sheet this large lets its normalised texts go: what was read
		// is in res, and checking it needs the memory (a sheet read again
		// normalises them again).
		s.view, s.norm, s.texts = nil, nil, 0
	}
	return res, nil
}

// readField resolves f within rg and stores its value in out.
func (t *Template) readField(v *view, rg region, f *Field, prefix string, out map[string]Value, probs *[]Problem) {
	path := prefix + f.Name
	r, c, inline, ok := t.locate(v, rg, f, path, probs)
	if !ok {
		return
	}
	r, c = v.origin(r, c)
	cell := v.s.At(r, c)
	if inline {
		got := inlineValue(cell.Text)
		cell = Cell{Text: got, Raw: got}
	} else if re := t.compiled[f]; re != nil {
		got, ok := matchPattern(re, cell.Text)
		if !ok && f.Optional {
			return
		}
		if !ok {
			*probs = append(*probs, Problem{Code: "pattern-no-match", Path: path, Cell: v.ref(r, c),
				Message: fmt.Sprintf("单元格内容与模式不符 (text does not match pattern %q): %q", f.Pattern, cell.Text)})
			out[f.Name] = Value{Type: f.Type.orText(), Cell: v.ref(r, c)}
			return
		}
		if got == "" {
			// "填报日期：" alone: the value may stand in the next cell.
			sp := v.s.Span(r, c)
			if nr, nc := v.origin(r, sp.Right+1); v.label(nr, nc) != "" && !v.isLabelLike(nr, nc) {
				val := Parse(f.Type, f.Unit, v.s.At(nr, nc))
				val.Cell = v.ref(nr, nc)
				out[f.Name] = val
				return
			}
		}
		cell = Cell{Text: got, Raw: got}
	}
	val := Parse(f.Type, f.Unit, cell)
	val.Cell = v.ref(r, c)
	out[f.Name] = val
}

// isLabelLike reports whether the cell at (r, c) reads as another label
// ("联系电话：", "单位名称") rather than a value: it ends with a colon.
func (v *view) isLabelLike(r, c int) bool {
	t := strings.TrimSpace(v.s.At(r, c).Text)
	return strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
}

// inlineRest matches the start of a second "label：" inside a cell's text
// after white space, where an inline value ends.
var inlineRest = regexp.MustCompile(`\s+[^\s:：]{2,10}[:：]`)

// inlineValue returns the value written inside a label cell: the text after
// the first colon, up to a next "label：" in the cell.
func inlineValue(text string) string {
	i := strings.IndexAny(text, ":：")
	if i < 0 {
		return ""
	}
	_, size := utf8.DecodeRuneInString(text[i:])
	rest := text[i+size:]
	if m := inlineRest.FindStringIndex(rest); m != nil {
		rest = rest[:m[0]]
	}
	return strings.TrimSpace(rest)
}

func (ty Type) orText() Type {
	if ty == "" {
		return TypeText
	}
	return ty
}

// locate finds the cell a field reads (before merge resolution); inline
// says the value is inside the label cell, after "label：".
func (t *Template) locate(v *view, rg region, f *Field, path string, probs *[]Problem) (r, c int, inline, ok bool) {
	if f.Cell != "" {
		r, c, err := ParseCellName(f.Cell)
		return r, c, false, err == nil
	}
	hits := v.find(rg, f.Label, f.Match)
	nth := f.Nth
	if nth < 1 {
		nth = 1
	}
	if len(hits) < nth {
		if hit, ok := v.findInline(rg, f); ok {
			return hit[0], hit[1], true, true
		}
		if !f.Optional {
			*probs = append(*probs, Problem{Code: "label-not-found", Path: path,
				Message: fmt.Sprintf("未找到标签 (label not found): %q", f.Label[0])})
		}
		return 0, 0, false, false
	}
	r, c = hits[nth-1][0], hits[nth-1][1]
	if len(f.Column) > 0 {
		hc, ok := v.headerAbove(r, f.Column)
		if !ok {
			*probs = append(*probs, Problem{Code: "header-not-found", Path: path, Cell: v.ref(r, c),
				Message: fmt.Sprintf("未找到列标题 (column header not found): %q", f.Column[0])})
			return 0, 0, false, false
		}
		return r, hc, false, true
	}
	sp := v.s.Span(r, c)
	switch f.Dir {
	case DirBelow:
		return sp.Bottom + 1, c, false, true
	case DirSelf:
		return r, c, false, true
	default:
		return r, sp.Right + 1, false, true
	}
}

// findInline finds, for a label field read right of or below its label, a
// cell holding the label and its value together: its text starts with the
// label and a colon and goes on. The Nth such cell, in reading order.
func (v *view) findInline(rg region, f *Field) ([2]int, bool) {
	if f.Pattern != "" || len(f.Column) > 0 || f.Dir == DirSelf || (f.Match != "" && f.Match != MatchExact) {
		return [2]int{}, false
	}
	nth := f.Nth
	if nth < 1 {
		nth = 1
	}
	for _, l := range f.Label {
		nl := NormLabel(l) + ":"
		seen := 0
		for r := rg.top; r < rg.bottom && r < len(v.norm); r++ {
			for c, t := range v.norm[r] {
				if len(t) > len(nl) && strings.HasPrefix(t, nl) {
					if seen++; seen == nth {
						return [2]int{r, c}, true
					}
				}
			}
		}
	}
	return [2]int{}, false
}

// headerAbove returns the column of the nearest cell above row r whose text
// is one of headers.
func (v *view) headerAbove(r int, headers []string) (int, bool) {
	for _, h := range headers {
		nh := NormLabel(h)
		for rr := r - 1; rr >= 0; rr-- {
			for c, txt := range v.norm[rr] {
				if txt == nh {
					return c, true
				}
			}
		}
	}
	return 0, false
}

// Provision compiles the template's patterns and checks. Load calls it; a Template
// built in code must call it (or Validate) before Extract.
func (t *Template) Provision() error {
	t.compiled = map[*Field]*regexp.Regexp{}
	var err error
	each := func(fs []Field, prefix string) {
		for i := range fs {
			f := &fs[i]
			if f.Pattern == "" {
				continue
			}
			re, e := regexp.Compile("(?s)" + f.Pattern)
			if e != nil && err == nil {
				err = fmt.Errorf("%s%s.pattern: %w", prefix, f.Name, e)
			}
			t.compiled[f] = re
		}
	}
	t.titleRE = nil
	if t.DetectTitle != "" {
		re, e := regexp.Compile(t.DetectTitle)
		if e != nil {
			return fmt.Errorf("detect_title: %w", e)
		}
		t.titleRE = re
	}
	each(t.Fields, "fields.")
	for i := range t.Blocks {
		each(t.Blocks[i].Fields, "blocks."+t.Blocks[i].Name+".fields.")
	}
	if err != nil {
		return err
	}
	t.checks, err = t.compileRules()
	return err
}
