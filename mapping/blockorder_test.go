package mapping

import (
	"fmt"
	"slices"
	"testing"
)

// TestCheckBlockInstancesInOrder: a check of a table that several kinds of
// repeated block hold (each block's names are its own) reports the
// instances in the same order on every run — by block name, then as the
// instances were read — not in a map's order.
func TestCheckBlockInstancesInOrder(t *testing.T) {
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: score-range, each: rows, assert: "row.score <= row.weight", at: [score], message: "得分超出分值"}
`)
	rc := &rowCols{names: []string{"level1", "name", "weight", "score"}, sheet: "表"}
	row := func(r int) Row {
		x := rc.newRow(r + 1)
		rc.set(x, 1, Parse(TypeText, "", Cell{Text: "甲"}), r, 1)
		rc.set(x, 2, Parse(TypeScore, "", Cell{Text: "1", Raw: "1"}), r, 2)
		rc.set(x, 3, Parse(TypeScore, "", Cell{Text: "2", Raw: "2"}), r, 3)
		return x
	}
	res := &Result{Fields: map[string]Value{"budget": Parse(TypeAmount, "", Cell{Text: "100", Raw: "100"})},
		Tables: map[string][]Row{}, Blocks: map[string][]BlockResult{}}
	var want []string
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for i, name := range names {
		for j := range 2 {
			r := 10*i + 3*j
			res.Blocks[name] = append(res.Blocks[name], BlockResult{Row: r, Tables: map[string][]Row{"rows": {row(r)}}})
			want = append(want, fmt.Sprintf("D%d", r+1))
		}
	}
	for range 20 {
		var got []string
		for _, f := range tpl.Check(res) {
			if f.Rule == "score-range" {
				got = append(got, f.Cell)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("score-range findings at %v, want %v", got, want)
		}
	}
}
