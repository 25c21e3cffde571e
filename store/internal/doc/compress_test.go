package doc

import (
	"bytes"
	"os"
	"slices"
	gosync "sync"
	"testing"
)

// TestCompressionIsAsStoredBefore: the JSON of the documents in testdata
// (stored by an earlier version with one shared encoder) compresses, from
// several goroutines at once, to the very bytes stored then; the JSON with
// one value changed does not.
func TestCompressionIsAsStoredBefore(t *testing.T) {
	for _, name := range []string{"document-national-project.zst", "document-hubei-dept.zst"} {
		stored, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := decoder()
		if err != nil {
			t.Fatal(err)
		}
		j, err := dec.DecodeAll(stored, nil)
		if err != nil {
			t.Fatal(err)
		}
		var wg gosync.WaitGroup
		got := make([][]byte, 8)
		errs := make([]error, len(got))
		for i := range got {
			wg.Go(func() { got[i], errs[i] = CompressJSON(j) })
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !bytes.Equal(got[i], stored) {
				t.Errorf("%s: compressed to %d bytes unlike the %d stored", name, len(got[i]), len(stored))
			}
		}
		changed := bytes.Replace(j, []byte(`"row":`), []byte(`"row": `), 1)
		c, err := CompressJSON(changed)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(c, stored) {
			t.Errorf("%s: changed JSON compresses as stored", name)
		}
	}
}

// TestRowOrderFollowsNames: the sorted order of a row's values is reused
// for a row yielding the same names, computed anew for other names (also
// as many).
func TestRowOrderFollowsNames(t *testing.T) {
	var sc rowScratch
	for _, c := range []struct {
		names []string
		want  []int
	}{
		{[]string{"target", "level1", "weight"}, []int{1, 0, 2}},
		{[]string{"target", "level1", "weight"}, []int{1, 0, 2}},
		{[]string{"level1", "target", "weight"}, []int{0, 1, 2}},
		{[]string{"weight", "actual", "level1"}, []int{1, 2, 0}},
		{[]string{"weight", "level1"}, []int{1, 0}},
	} {
		sc.vals = sc.vals[:0]
		for _, n := range c.names {
			sc.vals = append(sc.vals, namedValue{name: n})
		}
		if got := sc.sorted(); !slices.Equal(got, c.want) {
			t.Errorf("%v: order %v, want %v", c.names, got, c.want)
		}
	}
}
