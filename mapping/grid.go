package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// Workbook is the read-only view of a workbook that the mapping engine works
// on: the template package fills it from an .xlsx file, tests build it
// directly.
type Workbook struct {
	// Name is the file name the workbook came from, used in messages.
	Name   string
	Sheets []*Sheet
	// Props are the workbook's custom document properties (jxsync writes
	// its identity there, see PropTemplate).
	Props map[string]string
	// Macros tells whether the workbook holds macros (a VBA project, as an
	// .xlsm does, or Excel 4.0 macro sheets). They are never run, and the
	// copies jxsync writes do not carry them.
	Macros bool
	// ExternalLinks lists the other workbooks the workbook links to, as
	// it names them (a path or an address); their values are the ones
	// last saved in it, never looked up.
	ExternalLinks []string
}

// Sheet is one worksheet: its cells row by row and its merged ranges.
type Sheet struct {
	Name string
	// Rows holds the cells, Rows[r][c] with 0-based indexes; rows may be
	// shorter than the widest row.
	Rows   [][]Cell
	Merges []Range
	// Uncached lists cells (A1) holding a formula whose result was never
	// calculated (a workbook written by a program): they read as empty.
	Uncached []string
	// HiddenCols holds the columns (0-based) the workbook hides, within
	// the sheet's used width (Width); nil when none is hidden. A table
	// whose header occurs twice in its row reads the visible column.
	HiddenCols map[int]bool
	// HiddenRows holds the rows (0-based) the workbook hides, within the
	// sheet's rows (len(Rows)); nil when none is hidden. Hidden rows are
	// read like the others: hidden is not deleted.
	HiddenRows map[int]bool
	// Hidden says the workbook hides the sheet (hidden or very hidden). A
	// hidden form is read only when no visible sheet is a form.
	Hidden bool

	// mergeRows indexes Merges by row: the merges covering row r (below
	// len(Rows)) are Merges[mergeIdx[mergeRows[r]:mergeRows[r+1]]].
	mergeRows []int32
	mergeIdx  []int32
	norm      [][]string // NormLabel of every cell, computed once
	view      *view      // the view detection and extraction share
	texts     int        // how many cells have text
}

// normalized returns NormLabel of every cell, computed on first use (a
// Sheet is used by one goroutine at a time).
func (s *Sheet) normalized() ([][]string, int) {
	if s.norm == nil {
		s.norm = make([][]string, len(s.Rows))
		for r, row := range s.Rows {
			n := make([]string, len(row))
			for c, cell := range row {
				if cell.Text != "" {
					n[c] = NormLabel(cell.Text)
					s.texts++
				}
			}
			s.norm[r] = n
		}
	}
	return s.norm, s.texts
}

// Cell is one cell's content.
type Cell struct {
	// Text is the value as displayed (number format applied).
	Text string
	// Raw is the stored value (a number's digits, a date's serial number).
	Raw string
}

// Range is a rectangle of cells, 0-based and inclusive.
type Range struct {
	Top, Left, Bottom, Right int
}

// Sheet returns the sheet named name, or nil.
func (w *Workbook) Sheet(name string) *Sheet {
	for _, s := range w.Sheets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// At returns the cell at row r, column c (0-based); outside the data it is
// empty.
func (s *Sheet) At(r, c int) Cell {
	if r < 0 || r >= len(s.Rows) || c < 0 || c >= len(s.Rows[r]) {
		return Cell{}
	}
	return s.Rows[r][c]
}

// Width is the number of columns of the widest row.
func (s *Sheet) Width() int {
	w := 0
	for _, row := range s.Rows {
		if len(row) > w {
			w = len(row)
		}
	}
	return w
}

// MergeAt returns the merged range covering (r, c), if any.
func (s *Sheet) MergeAt(r, c int) (Range, bool) {
	if r < 0 || c < 0 {
		return Range{}, false
	}
	if r >= len(s.Rows) {
		// Below the data: merges are indexed by the sheet's rows only.
		for i := len(s.Merges) - 1; i >= 0; i-- {
			if m := s.Merges[i]; r >= m.Top && r <= m.Bottom && c >= m.Left && c <= m.Right {
				return m, true
			}
		}
		return Range{}, false
	}
	if s.mergeRows == nil {
		s.indexMerges()
	}
	// Of overlapping merges (a broken workbook), the last one wins.
	idx := s.mergeIdx[s.mergeRows[r]:s.mergeRows[r+1]]
	for j := len(idx) - 1; j >= 0; j-- {
		if m := s.Merges[idx[j]]; c >= m.Left && c <= m.Right {
			return m, true
		}
	}
	return Range{}, false
}

// indexMerges builds mergeRows and mergeIdx: for each of the sheet's rows,
// the merges covering it, in the order of Merges. A sheet of 100,000 rows
// under merged groups takes a few bytes a row where a map of every covered
// cell took tens of megabytes.
func (s *Sheet) indexMerges() {
	n := len(s.Rows)
	rows := make([]int32, n+1)
	span := func(m Range) (int, int) {
		return max(m.Top, 0), min(m.Bottom, n-1)
	}
	for _, m := range s.Merges {
		if m.Left > m.Right {
			continue
		}
		top, bottom := span(m)
		for r := top; r <= bottom; r++ {
			rows[r+1]++
		}
	}
	for r := 0; r < n; r++ {
		rows[r+1] += rows[r]
	}
	idx := make([]int32, rows[n])
	next := make([]int32, n)
	copy(next, rows[:n])
	for i, m := range s.Merges {
		if m.Left > m.Right {
			continue
		}
		top, bottom := span(m)
		for r := top; r <= bottom; r++ {
			idx[next[r]] = int32(i)
			next[r]++
		}
	}
	s.mergeRows, s.mergeIdx = rows, idx
}

// Span returns the range a cell occupies: its merge, or the cell itself.
func (s *Sheet) Span(r, c int) Range {
	if m, ok := s.MergeAt(r, c); ok {
		return m
	}
	return Range{r, c, r, c}
}

// CellName returns the A1-style name of (r, c), 0-based.
func CellName(r, c int) string {
	return ColumnName(c) + strconv.Itoa(r+1)
}

// ColumnName returns the letters of 0-based column c.
func ColumnName(c int) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

// ParseCellName parses an A1-style reference into 0-based row and column.
func ParseCellName(name string) (r, c int, err error) {
	s := strings.ToUpper(strings.TrimSpace(name))
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		c = c*26 + int(s[i]-'A'+1)
		i++
		if c > 16384 {
			return 0, 0, fmt.Errorf("invalid cell name %q", name)
		}
	}
	if i == 0 || i == len(s) {
		return 0, 0, fmt.Errorf("invalid cell name %q", name)
	}
	r, err = strconv.Atoi(s[i:])
	if err != nil || r < 1 || r > 1048576 || s[i] == '+' || s[i] == '-' {
		return 0, 0, fmt.Errorf("invalid cell name %q", name)
	}
	return r - 1, c - 1, nil
}
