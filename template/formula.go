package template

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"unsafe"

	"github.com/xuri/efp"
	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// Formulas without a cached value. A program that writes formulas without
// calculating them (openpyxl writes <c><f>SUM(B2:B3)</f><v></v></c>,
// excelize <c><f>SUM(B2:B3)</f></c>) leaves the cell without the value
// Excel would show. Both of Read's paths pass such cells to calcUncached,
// which computes them with excelize's calculation engine; a cell it cannot
// compute is listed in Sheet.Uncached, and validation reports it there.

// cellPos is a cell's 0-based row and column.
type cellPos struct{ row, col int }

// maxFormulaCells bounds the cells a formula without a cached value may
// reference, directly or through the formulas it references, for Read to
// compute it: excelize's engine takes seconds for a million.
const maxFormulaCells = 100_000

// calcUncached computes the cells of s at cells (row by row) that hold a
// formula without a cached value (an empty one: a formula whose cached
// result is the empty string computes to it again), less those hidden under
// a merge. A value the engine computes fills the cell, as excelize shows it
// and as it gives it raw, and counts against t; a formula it cannot compute
// (an error, an unknown function, an external or circular reference, too
// many cells) is listed in s.Uncached. Its errors are addRow's.
func calcUncached(f *excelize.File, s *mapping.Sheet, cells []cellPos, t *tally) error {
	c := &calc{f: f, acyclic: map[string]bool{}}
	for _, p := range cells {
		if p.row >= len(s.Rows) || p.col >= len(s.Rows[p.row]) || s.Rows[p.row][p.col].Text != "" || hiddenByMerge(s.Merges, p) {
			continue
		}
		ref := mapping.CellName(p.row, p.col)
		if !c.uncached(s.Name, ref) {
			continue
		}
		text, raw, ok := c.value(s.Name, ref)
		switch {
		case !ok:
			s.Uncached = append(s.Uncached, ref)
		case text != "":
			if err := t.count(p.row, p.col); err != nil {
				return err
			}
			if raw == "" {
				raw = text
			}
			s.Rows[p.row][p.col] = mapping.Cell{Text: text, Raw: raw}
		}
	}
	return nil
}

// hiddenByMerge reports whether p is in a merge other than at its top left.
func hiddenByMerge(merges []mapping.Range, p cellPos) bool {
	for _, m := range merges {
		if p.row >= m.Top && p.row <= m.Bottom && p.col >= m.Left && p.col <= m.Right {
			return p.row != m.Top || p.col != m.Left
		}
	}
	return false
}

// formulaCells lists the cells of s that the worksheet's XML b gives a
// formula and that read as empty: where the excelize path looks for
// formulas without a value, row by row. Where b is nil (not kept), the
// scanner does not read it, or a formula cell has no r attribute, it lists
// every empty position of s's rows.
func formulaCells(s *mapping.Sheet, b []byte) []cellPos {
	if b != nil && !hasFormulaElement(b) {
		return nil
	}
	blank := func(p cellPos) bool {
		return p.row < len(s.Rows) && p.col < len(s.Rows[p.row]) && s.Rows[p.row][p.col].Text == ""
	}
	var out []cellPos
	if refs, ok := formulaRefs(b); b != nil && ok {
		for _, ref := range refs {
			r, c, err := mapping.ParseCellName(ref)
			if p := (cellPos{r, c}); err == nil && blank(p) {
				out = append(out, p)
			}
		}
		slices.SortFunc(out, func(a, b cellPos) int { return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col)) })
		return slices.Compact(out)
	}
	for r, row := range s.Rows {
		for c := range row {
			if p := (cellPos{r, c}); blank(p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// formulaRefs lists the r attributes of the c elements of a worksheet's XML
// that hold an f element; ok is false where xmlScan does not read the XML
// or such a c element has no r attribute.
func formulaRefs(b []byte) (refs []string, ok bool) {
	x := &xmlScan{s: unsafe.String(unsafe.SliceData(b), len(b))}
	x.prolog()
	ref, depth, added := "", -1, false // the c element the scan is in
	for x.next() {
		if x.kind == tokEnd {
			if len(x.stack) < depth {
				depth = -1
			}
			continue
		}
		switch x.local(x.name) {
		case "c":
			if depth >= 0 {
				return nil, false
			}
			if x.selfClose {
				continue
			}
			var n int
			if ref, n = x.attr("r"); n != 1 {
				ref = ""
			}
			depth, added = len(x.stack), false
		case "f":
			if depth < 0 || added {
				continue
			}
			if ref == "" {
				return nil, false
			}
			refs, added = append(refs, ref), true
		}
	}
	if x.bad || len(x.stack) != 0 {
		return nil, false
	}
	return refs, true
}

// hasFormulaElement reports whether a worksheet's XML may hold a formula: an
// f element, with or without a namespace prefix.
func hasFormulaElement(b []byte) bool {
	for _, open := range []string{"<f", ":f"} {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(open))
			if j < 0 {
				break
			}
			i += j + len(open)
			if i >= len(b) {
				return true
			}
			switch b[i] {
			case '>', '/', ' ', '\t', '\r', '\n':
				return true
			}
		}
	}
	return false
}

// calcBook is the workbook opened with excelize for calcUncached, once a
// sheet has a formula without a value: a File of its own, whose sheets
// excelize loads as the formulas need them and keeps (the excelize path
// drops each sheet it has read, and excelize does not check a sheet it
// loads again), so that both paths compute on the same model.
type calcBook struct {
	parts *zipParts
	lim   Limits
	f     *excelize.File
	err   error
}

// file opens the workbook the first time, within the bounds of its parts
// for excelize (zipParts.forExcelize).
func (b *calcBook) file() (*excelize.File, error) {
	if b.f == nil && b.err == nil {
		if b.err = b.parts.forExcelize(b.lim); b.err == nil {
			b.f, b.err = openExcelize(b.parts.data, b.lim)
		}
	}
	return b.f, b.err
}

// close closes the workbook if it was opened.
func (b *calcBook) close() {
	if b.f != nil {
		b.f.Close()
	}
}

// calc computes formulas of one workbook with excelize's engine.
type calc struct {
	f *excelize.File
	// acyclic holds the formula cells (sheet!A1) known to reach no cycle
	// within the cell budget.
	acyclic map[string]bool
}

// uncached reports whether the cell holds a formula without a cached value
// (its value is empty: the caller checked).
func (c *calc) uncached(sheet, ref string) bool {
	formula, err := c.f.GetCellFormula(sheet, ref)
	return err == nil && formula != ""
}

// value computes a formula cell as excelize shows it and raw; ok is false
// when it cannot.
func (c *calc) value(sheet, ref string) (text, raw string, ok bool) {
	defer func() {
		if recover() != nil {
			text, raw, ok = "", "", false
		}
	}()
	if !c.computable(sheet, ref) {
		return "", "", false
	}
	text, err := c.f.CalcCellValue(sheet, ref)
	if err != nil {
		return "", "", false
	}
	raw, err = c.f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		return "", "", false
	}
	return text, raw, true
}

// computable reports whether the formula at sheet!ref references, directly
// and through the formulas it references, at most maxFormulaCells cells and
// no cycle: excelize's engine computes a circular reference as if it were
// not, to a value no spreadsheet shows. References it cannot follow (names,
// whole columns or rows, other workbooks) are left to the engine.
func (c *calc) computable(sheet, ref string) bool {
	budget := maxFormulaCells
	visiting := map[string]bool{}
	var visit func(sheet, ref string) bool
	visit = func(sheet, ref string) bool {
		key := strings.ToLower(sheet) + "!" + ref
		if c.acyclic[key] {
			return true
		}
		if visiting[key] {
			return false
		}
		formula, err := c.f.GetCellFormula(sheet, ref)
		if err != nil || formula == "" {
			return true
		}
		visiting[key] = true
		ps := efp.ExcelParser()
		for _, tok := range ps.Parse(formula) {
			if tok.TType != efp.TokenTypeOperand || tok.TSubType != efp.TokenSubTypeRange {
				continue
			}
			rs, c1, r1, c2, r2, ok := parseRef(tok.TValue, sheet)
			if !ok {
				continue
			}
			if budget -= (c2 - c1 + 1) * (r2 - r1 + 1); budget < 0 {
				return false
			}
			for r := r1; r <= r2; r++ {
				for col := c1; col <= c2; col++ {
					if !visit(rs, mapping.CellName(r-1, col-1)) {
						return false
					}
				}
			}
		}
		delete(visiting, key)
		c.acyclic[key] = true
		return true
	}
	return visit(sheet, ref)
}

// parseRef reads a reference of a formula (A1, $A$1:B2, Sheet!A1,
// 'A sheet'!A1:B2) on sheet: its sheet and its 1-based corners in order;
// ok is false for one that names no cells that way.
func parseRef(v, sheet string) (refSheet string, c1, r1, c2, r2 int, ok bool) {
	refSheet = sheet
	if i := strings.LastIndexByte(v, '!'); i >= 0 {
		refSheet, v = v[:i], v[i+1:]
		if n := len(refSheet); n >= 2 && refSheet[0] == '\'' && refSheet[n-1] == '\'' {
			refSheet = strings.ReplaceAll(refSheet[1:n-1], "''", "'")
		}
		if strings.ContainsAny(refSheet, "[]") {
			return "", 0, 0, 0, 0, false // another workbook's
		}
	}
	v = strings.ReplaceAll(v, "$", "")
	a, b, found := strings.Cut(v, ":")
	if !found {
		b = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return "", 0, 0, 0, 0, false
	}
	return refSheet, min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2), true
}
