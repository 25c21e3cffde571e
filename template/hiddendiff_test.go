package template

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hiddenBook is a workbook whose first sheet holds text in A1:F5 and A8,
// its worksheet XML given cols (written before sheetData) and the rows of
// hiddenRows (1-based) given hidden="value".
func hiddenBook(t *testing.T, fill func(f *excelize.File), cols string, hiddenRows map[int]string) []byte {
	t.Helper()
	data := rfBook(t, func(f *excelize.File) {
		for r := 1; r <= 5; r++ {
			for c := 1; c <= 6; c++ {
				cell, _ := excelize.CoordinatesToCellName(c, r)
				f.SetCellStr("Sheet1", cell, "指标"+cell)
			}
		}
		f.SetCellStr("Sheet1", "A8", "总分")
		if fill != nil {
			fill(f)
		}
	})
	return editParts(t, data, func(name string, b []byte) []byte {
		if name != "xl/worksheets/sheet1.xml" {
			return b
		}
		s := strings.Replace(string(b), "<sheetData", cols+"<sheetData", 1)
		for r, v := range hiddenRows {
			tag := `<row r="` + strconv.Itoa(r) + `"`
			if !strings.Contains(s, tag) {
				s = strings.Replace(s, "</sheetData>", tag+"></row></sheetData>", 1)
			}
			s = strings.Replace(s, tag, tag+` hidden="`+v+`"`, 1)
		}
		return []byte(s)
	})
}

// TestReadHiddenColumnsAndRows: the columns and rows a workbook hides are
// read within the sheet's used range (A1:F8), as Excel and other programs
// write them, the same on both read paths and with the XML written every
// other way; a hidden attribute excelize does not read as a boolean leaves
// the workbook to the excelize path.
func TestReadHiddenColumnsAndRows(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fill       func(f *excelize.File)
		cols       string
		rows       map[int]string
		wantCols   []int
		wantRows   []int
		notForFast bool
	}{
		{name: "none hidden"},
		{name: "hidden with excelize", fill: func(f *excelize.File) {
			f.SetColVisible("Sheet1", "B:C", false)
			f.SetRowVisible("Sheet1", 2, false)
			f.SetRowVisible("Sheet1", 7, false)  // empty, within the rows read
			f.SetRowVisible("Sheet1", 20, false) // below them
		}, wantCols: []int{1, 2}, wantRows: []int{1, 6}},
		{name: "Excel's ranges, one to the last column",
			cols:     `<cols><col min="2" max="2" width="0" hidden="1" customWidth="1"/><col min="5" max="16384" width="9" hidden="1"/></cols>`,
			rows:     map[int]string{3: "1", 40: "1"},
			wantCols: []int{1, 4, 5}, wantRows: []int{2}},
		{name: "a later col element shows what an earlier one hides",
			cols:     `<cols><col min="1" max="6" hidden="1"/><col min="3" max="4" hidden="0"/></cols>`,
			wantCols: []int{0, 1, 4, 5}},
		{name: "two cols elements",
			cols:     `<cols><col min="1" max="1" hidden="true"/></cols><cols><col min="6" max="6" hidden="True"/></cols>`,
			wantCols: []int{0, 5}},
		{name: "booleans written otherwise",
			cols:     `<cols><col min="2" max="2" hidden=" 1 "/><col min="3" max="3" hidden="false"/><col min="4" max="4" hidden=""/><col min=" 6 " max="6" hidden="t"/></cols>`,
			rows:     map[int]string{1: "0", 4: "TRUE", 5: "F"},
			wantCols: []int{1, 5}, wantRows: []int{3}},
		{name: "ranges that cover nothing",
			cols: `<cols><col min="4" max="3" hidden="1"/><col hidden="1"/><col min="0" max="0" hidden="1"/></cols>`},
		{name: "a col hidden=yes", cols: `<cols><col min="2" max="2" hidden="yes"/></cols>`, notForFast: true},
		{name: "a col hidden as spaces", cols: `<cols><col min="2" max="2" hidden=" "/></cols>`, notForFast: true},
		{name: "a col min=x", cols: `<cols><col min="x" max="2" hidden="1"/></cols>`, notForFast: true},
		{name: "a row hidden=2", rows: map[int]string{2: "2"}, notForFast: true},
	} {
		data := hiddenBook(t, tc.fill, tc.cols, tc.rows)
		fast := rfCompare(t, tc.name, data, Limits{})
		if fast == tc.notForFast {
			t.Errorf("%s: read by the fast path %v, want %v", tc.name, fast, !tc.notForFast)
		}
		wb, err := Read("自评表.xlsx", data, Limits{})
		if tc.notForFast {
			// excelize does not read the worksheet: neither does Read.
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s: error %v, want ErrCorrupt", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		s := wb.Sheets[0]
		if got := sortedKeys(s.HiddenCols); !reflect.DeepEqual(got, tc.wantCols) || len(tc.wantCols) == 0 && s.HiddenCols != nil {
			t.Errorf("%s: hidden columns %v, want %v", tc.name, got, tc.wantCols)
		}
		if got := sortedKeys(s.HiddenRows); !reflect.DeepEqual(got, tc.wantRows) || len(tc.wantRows) == 0 && s.HiddenRows != nil {
			t.Errorf("%s: hidden rows %v, want %v", tc.name, got, tc.wantRows)
		}
		for _, m := range mutations {
			name := tc.name + " (" + m.name + ")"
			if !rfCompare(t, name, mutateWorkbook(t, data, m.style, nil), Limits{}) && m.name != "prefixed" && m.name != "no-cell-refs" {
				t.Errorf("%s: the fast path gives up on it", name)
			}
		}
	}
}

// TestReadPathsAgreeHidden: generated workbooks given random col elements,
// hiding and showing columns in and beyond the used range, read the same on
// both paths, also with their XML written every other way: those of
// TestReadPathsAgree (all kinds of cells, hidden rows), and hiddenBook's
// with rows hidden at random.
func TestReadPathsAgreeHidden(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	n := 30
	if testing.Short() {
		n = 10
	}
	fast, withCols, withRows := 0, 0, 0
	for i := range 2 * n {
		var data []byte
		name := fmt.Sprintf("generated %d with cols", i)
		if i%2 == 0 {
			data = editParts(t, randomBook(t, rng), func(name string, b []byte) []byte {
				if !strings.HasPrefix(name, "xl/worksheets/") {
					return b
				}
				return []byte(strings.Replace(string(b), "<sheetData", randomCols(rng)+"<sheetData", 1))
			})
		} else {
			rows := map[int]string{}
			for range rng.IntN(4) {
				rows[1+rng.IntN(10)] = []string{"1", "0", "true", "false"}[rng.IntN(4)]
			}
			data = hiddenBook(t, nil, randomCols(rng), rows)
		}
		if rfCompare(t, name, data, Limits{}) {
			fast++
			wb, err := Read(name, data, Limits{})
			if err == nil {
				for _, s := range wb.Sheets {
					withCols += min(len(s.HiddenCols), 1)
					withRows += min(len(s.HiddenRows), 1)
				}
			}
		}
		for _, m := range mutations {
			rfCompare(t, name+" ("+m.name+")", mutateWorkbook(t, data, m.style, nil), Limits{})
		}
	}
	t.Logf("%d workbooks, %d read by the fast path, %d sheets with hidden columns, %d with hidden rows", 2*n, fast, withCols, withRows)
	if withCols < n/4 || withRows < n/4 {
		t.Errorf("the fast path read few sheets with hidden columns (%d) or rows (%d)", withCols, withRows)
	}
}

// randomCols is a cols element of zero to four col elements, as programs
// write them: single columns, ranges, a range to the last column, hidden
// written 1, 0, true or false or not at all.
func randomCols(rng *rand.Rand) string {
	k := rng.IntN(5)
	if k == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<cols>")
	for range k {
		lo := 1 + rng.IntN(10)
		hi := lo + rng.IntN(3)
		if rng.IntN(5) == 0 {
			hi = 16384
		}
		hidden := []string{` hidden="1"`, ` hidden="0"`, ` hidden="true"`, ` hidden="false"`, ``}[rng.IntN(5)]
		fmt.Fprintf(&b, `<col min="%d" max="%d" width="9"%s/>`, lo, hi, hidden)
	}
	b.WriteString("</cols>")
	return b.String()
}

// TestHiddenColumnsLastWins: hiddenColumns gives, for every column below
// the width, what the last col element covering it says, as excelize's
// GetColVisible does, compared with asking every element for every column.
func TestHiddenColumnsLastWins(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		width := rng.IntN(30)
		cols := make([]colRange, rng.IntN(8))
		for i := range cols {
			lo := rng.IntN(35) - 2
			cols[i] = colRange{lo, lo + rng.IntN(12) - 2, rng.IntN(2) == 0}
		}
		var want []int
		for c := 1; c <= width; c++ {
			hidden := false
			for _, r := range cols {
				if r.min <= c && c <= r.max {
					hidden = r.hidden
				}
			}
			if hidden {
				want = append(want, c-1)
			}
		}
		got := hiddenColumns(cols, width)
		if !reflect.DeepEqual(sortedKeys(got), want) || want == nil && got != nil {
			t.Fatalf("width %d, %+v: got %v, want %v", width, cols, sortedKeys(got), want)
		}
	}
}
