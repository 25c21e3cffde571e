package mapping

import "testing"

// TestMergeAt: the merge index finds a merge from any cell it covers, in
// the sheet's rows and below them; of overlapping merges (a broken
// workbook) the last wins, as before the index; a cell beside a merge is
// in none.
func TestMergeAt(t *testing.T) {
	s := sheetFromText("表", "a|b|c\nd|e|f\ng|h|i")
	s.Merges = []Range{
		{Top: 0, Left: 0, Bottom: 2, Right: 0}, // A1:A3
		{Top: 1, Left: 1, Bottom: 4, Right: 2}, // B2:C5, past the last row
		{Top: 2, Left: 2, Bottom: 2, Right: 2}, // C3, inside B2:C5
	}
	for _, c := range []struct {
		r, c int
		want Range
		ok   bool
	}{
		{0, 0, s.Merges[0], true},
		{2, 0, s.Merges[0], true},
		{1, 2, s.Merges[1], true},
		{4, 1, s.Merges[1], true},
		{2, 2, s.Merges[2], true},
		{0, 1, Range{}, false},
		{3, 0, Range{}, false},
		{5, 1, Range{}, false},
		{-1, 0, Range{}, false},
	} {
		if got, ok := s.MergeAt(c.r, c.c); ok != c.ok || got != c.want {
			t.Errorf("MergeAt(%d, %d) = %v, %v; want %v, %v", c.r, c.c, got, ok, c.want, c.ok)
		}
	}
}
