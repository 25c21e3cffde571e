package mapping

import "testing"

// TestTableHiddenDuplicateHeader: an agency keeps its old 实际完成值 column
// hidden beside the new one, both filled. The visible one is read, on
// either side and whichever holds more values; with neither hidden, the
// rule before stands (more values, then the left one).
func TestTableHiddenDuplicateHeader(t *testing.T) {
	// other inserts at column c another 实际完成值 column, holding values
	// unlike tableForm's (120, 12, 100%, 提升); otherValues is the table
	// read from it.
	other := func(c int) string { return insertColumn(tableForm, c, "实际完成值", "0") }
	otherValues := []string{
		"产出指标/数量指标/救助人次/≥100/0/10",
		"产出指标/数量指标/巡查次数/≥12/0/10",
		"产出指标/质量指标/收治率/100%/0/10",
		"效益指标/社会效益指标/社会稳定/提升/0/20",
	}
	// sparse has a 实际完成值 column right of tableForm's holding a value
	// in its first row only: fewer than tableForm's.
	sparse := replaceCell(insertColumn(tableForm, 6, "实际完成值", ""), 2, 6, "0")
	for _, tc := range []struct {
		name   string
		grid   string
		hidden []int
		cell   string // where the first row's actual is read
		want   []string
	}{
		{"another column left, hidden", other(5), []int{5}, "表!G3", tableFormRows},
		{"another column right, hidden", other(6), []int{6}, "表!F3", tableFormRows},
		{"another column left, none hidden", other(5), nil, "表!F3", otherValues},
		{"another column left, the original hidden", other(5), []int{6}, "表!F3", otherValues},
		{"another column right, the original hidden", other(6), []int{5}, "表!G3", otherValues},
		{"a column with fewer values, the original hidden", sparse, []int{5}, "表!G3",
			[]string{"产出指标/数量指标/救助人次/≥100/0/10", "产出指标/数量指标/巡查次数/≥12//10",
				"产出指标/质量指标/收治率/100%//10", "效益指标/社会效益指标/社会稳定/提升//20"}},
		{"a column with fewer values, none hidden", sparse, nil, "表!F3", tableFormRows},
		{"a column with fewer values, hidden", sparse, []int{6}, "表!F3", tableFormRows},
	} {
		s := sheetFromText("表", tc.grid)
		for _, c := range tc.hidden {
			if s.HiddenCols == nil {
				s.HiddenCols = map[int]bool{}
			}
			s.HiddenCols[c] = true
		}
		res, err := tableTemplate(t).Extract(&Workbook{Name: "x.xlsx", Sheets: []*Sheet{s}}, s)
		if err != nil {
			t.Fatal(err)
		}
		rows := res.Tables["rows"]
		if got := brief(rows); !equalStrings(got, tc.want) {
			t.Errorf("%s: rows\n got %q\nwant %q", tc.name, got, tc.want)
		}
		if len(rows) > 0 && rows[0].Value("actual").Cell != tc.cell {
			t.Errorf("%s: actual read from %s, want %s", tc.name, rows[0].Value("actual").Cell, tc.cell)
		}
	}
}

// TestTableHiddenRowsRead: a row the agency hid inside the table (an old
// indicator with its values) is still one of the table's rows: hidden is
// not deleted.
func TestTableHiddenRowsRead(t *testing.T) {
	s := sheetFromText("表", tableForm)
	s.HiddenRows = map[int]bool{3: true}
	res, err := tableTemplate(t).Extract(&Workbook{Name: "x.xlsx", Sheets: []*Sheet{s}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := brief(res.Tables["rows"]); !equalStrings(got, tableFormRows) {
		t.Errorf("rows\n got %q\nwant %q", got, tableFormRows)
	}
}

// replaceCell sets the cell at 0-based line r, column c of grid.
func replaceCell(grid string, r, c int, v string) string {
	s := sheetFromText("", grid)
	s.Rows[r][c].Text = v
	out := ""
	for i, row := range s.Rows {
		if i > 0 {
			out += "\n"
		}
		for j, cell := range row {
			if j > 0 {
				out += "|"
			}
			out += cell.Text
		}
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
