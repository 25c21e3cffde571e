package template

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// TestHiddenDuplicateColumn: agencies keep an old 实际完成值 column hidden
// beside a new visible one with the same header, or hide the original and
// type into a new one. Built from each shipped national-project example (a
// column inserted into the indicator table with Excel's operations, hidden
// with SetColVisible), the workbook's 实际完成值 are read from the visible
// column, on both read paths, written as excelize and as other programs
// write it.
func TestHiddenDuplicateColumn(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	var tpl *mapping.Template
	for _, c := range reg.Templates {
		if c.ID == "national-project" && c.Version == "2020" {
			tpl = c
		}
	}
	if tpl == nil {
		t.Fatal("no national-project@2020")
	}
	examples := reg.Examples(tpl)
	if len(examples) == 0 {
		t.Fatal("no examples")
	}
	for _, ex := range examples {
		data, err := fs.ReadFile(templates.FS, ex)
		if err != nil {
			t.Fatal(err)
		}
		orig := extractDetected(t, reg, path.Base(ex), data, tpl)
		rows := orig.Tables["indicators"]
		if len(rows) == 0 {
			t.Fatalf("%s: no indicators", ex)
		}
		sheet, ref, _ := strings.Cut(rows[0].Value("actual").Cell, "!")
		first, ac, err := mapping.ParseCellName(ref)
		if err != nil {
			t.Fatal(err)
		}
		header := headerRow(t, data, sheet, first, ac)
		for _, tc := range []struct {
			name string
			// at is where the other column is inserted, relative to the
			// original: 0 on its left (the original moves right), 1 on
			// its right.
			at int
			// hideOriginal hides the original column, else the inserted one.
			hideOriginal bool
		}{
			{"old column on the left, hidden", 0, false},
			{"old column on the right, hidden", 1, false},
			{"original hidden, new column on its right", 1, true},
			{"original hidden, new column on its left", 0, true},
		} {
			name := fmt.Sprintf("%s (%s)", path.Base(ex), tc.name)
			inserted, original := ac+tc.at, ac+1-tc.at
			hidden, shown := inserted, original
			if tc.hideOriginal {
				hidden, shown = original, inserted
			}
			built := withColumn(t, data, sheet, rows, header, inserted, func(i int) string { return fmt.Sprintf("%d%%", 50+i) })
			built = hideColumn(t, built, sheet, hidden)
			for _, m := range append([]struct {
				name  string
				style xmlStyle
			}{{"as excelize writes it", xmlStyle{}}}, mutations...) {
				data := built
				if m.name != "as excelize writes it" {
					data = mutateWorkbook(t, built, m.style, nil)
				}
				if !rfCompare(t, name+" ("+m.name+")", data, Limits{}) && m.name != "prefixed" && m.name != "no-cell-refs" {
					t.Errorf("%s (%s): the fast path gives up on it", name, m.name)
				}
				wb, err := Read("自评表.xlsx", data, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if s := wb.Sheet(sheet); s == nil || !reflect.DeepEqual(s.HiddenCols, map[int]bool{hidden: true}) {
					t.Errorf("%s (%s): hidden columns %v, want %s", name, m.name, hiddenOf(s), mapping.ColumnName(hidden))
				}
				res, err := tpl.Extract(wb, wb.Sheet(sheet))
				if err != nil {
					t.Fatal(err)
				}
				got := res.Tables["indicators"]
				if len(got) != len(rows) {
					t.Fatalf("%s (%s): %d indicators, want %d", name, m.name, len(got), len(rows))
				}
				for i, r := range got {
					want := rows[i].Value("actual").Raw
					if shown == inserted {
						want = fmt.Sprintf("%d%%", 50+i)
					}
					v := r.Value("actual")
					if _, ref, _ := strings.Cut(v.Cell, "!"); v.Raw != want || !strings.HasPrefix(ref, mapping.ColumnName(shown)) {
						t.Errorf("%s (%s): row %d actual %q at %s, want %q in column %s", name, m.name, i+1, v.Raw, v.Cell, want, mapping.ColumnName(shown))
						break
					}
				}
			}
		}
	}
}

// hiddenOf is s.HiddenCols, nil for no sheet.
func hiddenOf(s *mapping.Sheet) map[int]bool {
	if s == nil {
		return nil
	}
	return s.HiddenCols
}

// headerRow is the 0-based row of the 实际完成值 header above row first in
// column col of sheet.
func headerRow(t *testing.T, data []byte, sheet string, first, col int) int {
	t.Helper()
	wb, err := Read("自评表.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for r := first - 1; r >= 0; r-- {
		if mapping.NormLabel(wb.Sheet(sheet).At(r, col).Text) == mapping.NormLabel("实际完成值") {
			return r
		}
	}
	t.Fatalf("no 实际完成值 above %s", mapping.CellName(first, col))
	return 0
}

// withColumn inserts a column at 0-based col of sheet, as Excel inserts one
// (merges and cells to its right move), headed 实际完成值 in row header and
// holding value(i) in the line of the indicator table's row i.
func withColumn(t *testing.T, data []byte, sheet string, rows []mapping.Row, header, col int, value func(i int) string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	letter := mapping.ColumnName(col)
	if err := f.InsertCols(sheet, letter, 1); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		_, ref, _ := strings.Cut(r.Value("actual").Cell, "!")
		row, _, err := mapping.ParseCellName(ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStr(sheet, mapping.CellName(row, col), value(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellStr(sheet, mapping.CellName(header, col), "实际完成值"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hideColumn hides 0-based column col of sheet with excelize.
func hideColumn(t *testing.T, data []byte, sheet string, col int) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetColVisible(sheet, mapping.ColumnName(col), false); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
