package template

import (
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTextLines checks the wrapped-line estimate: CJK about two units, other
// runes about one, paragraphs split on \n, empty text no line.
func TestTextLines(t *testing.T) {
	w := newSheetWriter(excelize.NewFile(), "Sheet1", 0)
	w.widths(11.5, 6.5) // 10 units usable in A, 15 over A:B
	for _, c := range []struct {
		text   string
		c1, c2 int
		want   int
	}{
		{"", 0, 0, 0},
		{" \n ", 0, 0, 0},
		{"一二三四", 0, 0, 1},      // 8.8 units
		{"一二三四五", 0, 0, 2},     // 11 units
		{"一二三四五", 0, 1, 1},     // over A:B
		{"123456789", 0, 0, 1}, // 9.9 units
		{"一\n二\n\n三", 0, 0, 4},
		{"x", 5, 5, 1}, // a column widths did not set
	} {
		if got := w.textLines(c.text, c.c1, c.c2); got != c.want {
			t.Errorf("textLines(%q, %d, %d) = %d, want %d", c.text, c.c1, c.c2, got, c.want)
		}
	}
}

// TestFitHeight checks that a row shows its longest cell, at least the
// given height and at most Excel's limit.
func TestFitHeight(t *testing.T) {
	f := excelize.NewFile()
	w := newSheetWriter(f, "Sheet1", 0)
	w.fitHeight(1, 30)
	w.fitHeight(2, 30, 1, 4, 2)
	w.fitHeight(3, 30, 100)
	if err := w.done(); err != nil {
		t.Fatal(err)
	}
	for row, want := range map[int]float64{1: 30, 2: 4*lineHeight + rowPadding, 3: maxRowHeight} {
		if got, _ := f.GetRowHeight("Sheet1", row); got != want {
			t.Errorf("row %d height %v, want %v", row, got, want)
		}
	}
}

// TestGroupSizes checks the sizes a merged group cell shares its lines by.
func TestGroupSizes(t *testing.T) {
	rows := []map[string]string{{"a": "x"}, {}, {}, {"a": "y"}, {"a": "z"}, {}}
	if got, want := groupSizes(rows, "a"), []int{3, 1, 1, 1, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("groupSizes = %v, want %v", got, want)
	}
	if got := sharedLines(7, 3); got != 3 {
		t.Errorf("sharedLines(7, 3) = %d, want 3", got)
	}
}
