package bench

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

// BigSheet returns a consolidated workbook of the seed's form with rows
// indicator rows, written with excelize's StreamWriter (Form.Build keeps
// the whole sheet in memory and checks every merge against the others).
// It lays the seed's filled form out with Form.Build, reads it back, and
// streams its cells and merges with the indicator table's rows repeated:
// each repetition numbers its 三级指标 and repeats the merged 一级/二级
// groups, and the rows below the table (总分) move down. The workbook has
// the cell texts and merges of the form, without its styles.
func BigSheet(s *Seed, rows int) ([]byte, error) {
	small, err := s.Form.BuildBytes(Vary(s, 0, 0))
	if err != nil {
		return nil, err
	}
	wb, err := template.Read("seed.xlsx", small, template.Limits{})
	if err != nil {
		return nil, err
	}
	sh, _ := s.Template.SheetOf(wb)
	if sh == nil {
		return nil, fmt.Errorf("big sheet: the %s form is not detected in its own build", s.Ref())
	}
	res, err := s.Template.Extract(wb, sh)
	if err != nil {
		return nil, err
	}
	// The indicator table's rows (0-based, inclusive) and its 三级指标
	// column.
	var tr []mapping.Row
	for _, tb := range s.Template.Tables {
		if len(res.Tables[tb.Name]) > len(tr) {
			tr = res.Tables[tb.Name]
		}
	}
	if len(tr) == 0 {
		return nil, fmt.Errorf("big sheet: the %s form has no top-level table rows", s.Ref())
	}
	first, last := tr[0].Row-1, tr[len(tr)-1].Row-1
	level3 := -1
	if v, ok := tr[0].Lookup("level3"); ok {
		if _, c, err := mapping.ParseCellName(v.Cell[strings.IndexByte(v.Cell, '!')+1:]); err == nil {
			level3 = c
		}
	}
	k := last - first + 1
	shift := rows - k

	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sh.Name)
	if err != nil {
		return nil, err
	}
	put := func(out, src int, round int) error {
		row := sh.Rows[src]
		vals := make([]any, len(row))
		for c, cell := range row {
			switch {
			case cell.Text == "":
			case c == level3 && round > 0:
				vals[c] = cell.Text + "（" + strconv.Itoa(round+1) + "）"
			default:
				vals[c] = cellValue(cell)
			}
		}
		return sw.SetRow(mapping.CellName(out, 0), vals)
	}
	out := 0
	for r := 0; r < len(sh.Rows); r++ {
		switch {
		case r < first:
			if err := put(out, r, 0); err != nil {
				return nil, err
			}
			out++
		case r == first:
			for j := 0; j < rows; j++ {
				if err := put(out, first+j%k, j/k); err != nil {
					return nil, err
				}
				out++
			}
			r = last
		default:
			if err := put(out, r, 0); err != nil {
				return nil, err
			}
			out++
		}
	}
	merge := func(m mapping.Range, d int) error {
		return sw.MergeCell(mapping.CellName(m.Top+d, m.Left), mapping.CellName(m.Bottom+d, m.Right))
	}
	for _, m := range sh.Merges {
		switch {
		case m.Bottom < first:
			err = merge(m, 0)
		case m.Top > last:
			err = merge(m, shift)
		case m.Top >= first && m.Bottom <= last:
			// A group within the table: once per repetition that holds
			// it whole.
			for base := 0; base+m.Bottom-first < rows; base += k {
				if err = merge(m, base); err != nil {
					break
				}
			}
		case m.Top <= first && m.Bottom >= last:
			// A label beside the whole table (绩效指标) grows with it.
			err = sw.MergeCell(mapping.CellName(m.Top, m.Left), mapping.CellName(m.Bottom+shift, m.Right))
		default:
			err = fmt.Errorf("big sheet: merge %v crosses the table's rows %d..%d", m, first+1, last+1)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: s.Form.Title, Creator: "jxsync bench",
		Created: "2026-01-01T00:00:00Z", Modified: "2026-01-01T00:00:00Z"}); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// cellValue is what a cell read back is written as: its number when it is
// one as shown, else its text.
func cellValue(c mapping.Cell) any {
	if c.Text == c.Raw {
		if n, err := strconv.ParseFloat(c.Raw, 64); err == nil && strconv.FormatFloat(n, 'f', -1, 64) == c.Raw {
			return n
		}
	}
	return c.Text
}
