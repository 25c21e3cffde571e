package mapping

import (
	"fmt"
	"strings"
)

// readTable reads the rows of table tb found within rg.
func (t *Template) readTable(v *view, rg region, tb *Table, prefix string, probs *[]Problem) []Row {
	path := prefix + tb.Name
	hr, cols, start, ok := v.findHeader(rg, tb)
	if !ok {
		*probs = append(*probs, Problem{Code: "header-not-found", Path: path,
			Message: fmt.Sprintf("未找到表头 (table header not found): %s", headerList(tb))})
		return nil
	}
	stops := make([]string, len(tb.Stop))
	for i, s := range tb.Stop {
		stops[i] = NormLabel(s)
	}
	headers := make([][]string, len(tb.Columns)) // normalised, for isRepeatedHeader
	for i, col := range tb.Columns {
		headers[i] = make([]string, len(col.Header))
		for j, h := range col.Header {
			headers[i][j] = NormLabel(h)
		}
	}
	rows := []Row{}
	last := map[string]Value{} // fill-down values of the previous row
	for r := start; r < rg.bottom && r < len(v.s.Rows); r++ {
		if first := v.firstLabel(r); first != "" && hasPrefixAny(first, stops) {
			break
		}
		if v.isRepeatedHeader(r, tb, cols, hr, headers) {
			continue
		}
		row := Row{Row: r + 1, Values: map[string]Value{}}
		filled := false
		for i := range tb.Columns {
			col := &tb.Columns[i]
			c, present := cols[col.Name]
			if !present {
				continue
			}
			or, oc := v.origin(r, c)
			covered := or != r || oc != c
			cell := v.s.At(or, oc)
			if covered && !col.FillDown {
				cell = Cell{}
			}
			val := Parse(col.Type, col.Unit, cell)
			val.Cell = v.ref(or, oc)
			if col.FillDown {
				if val.Empty() && !covered {
					if prev, ok := last[col.Name]; ok {
						val = prev
					}
				}
				last[col.Name] = val
			} else if !val.Empty() || strings.TrimSpace(cell.Text) != "" {
				filled = true
			}
			row.Values[col.Name] = val
		}
		if !filled {
			if v.rowBlank(r) {
				if gap := v.nextDataRow(r+1, rg, stops, cols, tb); gap > 0 {
					*probs = append(*probs, Problem{Code: "table-gap", Path: path, Cell: v.ref(gap, 0),
						Message: fmt.Sprintf("表格在第%d行的空行处结束，第%d行起的内容未读取 (table ends at blank row %d; row %d and below not read)", r+1, gap+1, r+1, gap+1)})
				}
				break
			}
			continue
		}
		rows = append(rows, row)
	}
	return rows
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

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// findHeader finds the header row of tb in rg: the first row holding every
// non-optional column's header. It returns the row, each column's index and
// the first data row (below the header cells' merges).
func (v *view) findHeader(rg region, tb *Table) (int, map[string]int, int, bool) {
	for r := rg.top; r < rg.bottom && r < len(v.norm); r++ {
		cols := map[string]int{}
		ok := true
		for _, col := range tb.Columns {
			c, found := v.findInRow(r, col.Header, col.Match)
			if found {
				cols[col.Name] = c
			} else if !col.Optional {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		start := r + 1
		for _, c := range cols {
			if b := v.s.Span(r, c).Bottom + 1; b > start {
				start = b
			}
		}
		return r, cols, start, true
	}
	return 0, nil, 0, false
}

// findInRow returns the column of the first cell in row r matching one of
// labels.
func (v *view) findInRow(r int, labels []string, mode MatchMode) (int, bool) {
	for _, l := range labels {
		nl := NormLabel(l)
		for c, t := range v.norm[r] {
			if matchLabel(t, nl, mode) {
				return c, true
			}
		}
	}
	return 0, false
}

// isRepeatedHeader reports whether row r repeats the header (a page break in
// a long table): at least half of the found columns show their header text.
// headers are the columns' headers, normalised.
func (v *view) isRepeatedHeader(r int, tb *Table, cols map[string]int, hr int, headers [][]string) bool {
	if r == hr {
		return true
	}
	n, hit := 0, 0
	for i, col := range tb.Columns {
		c, ok := cols[col.Name]
		if !ok {
			continue
		}
		n++
		t := v.label(r, c)
		for _, h := range headers[i] {
			if matchLabel(t, h, col.Match) {
				hit++
				break
			}
		}
	}
	return n > 0 && hit*2 >= n && hit >= 2
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

// rowBlank reports whether row r has no text at all.
func (v *view) rowBlank(r int) bool { return v.firstLabel(r) == "" }

// nextDataRow returns the first row at or after r, before a stop label or the
// region's end, that has text in a non-fill-down column; 0 when none.
func (v *view) nextDataRow(r int, rg region, stops []string, cols map[string]int, tb *Table) int {
	for ; r < rg.bottom && r < len(v.norm); r++ {
		if first := v.firstLabel(r); first != "" && hasPrefixAny(first, stops) {
			return 0
		}
		for _, col := range tb.Columns {
			c, ok := cols[col.Name]
			if !ok || col.FillDown {
				continue
			}
			if or, oc := v.origin(r, c); or == r && oc == c && v.label(r, c) != "" {
				return r
			}
		}
	}
	return 0
}
