package ids

import (
	"strconv"
	"testing"
)

// TestCommitted: kept ids are found among their own kind only, and the
// maps start again rather than grow past MaxCached.
func TestCommitted(t *testing.T) {
	var c Committed
	if _, ok := c.Lookup(true, "t"); ok {
		t.Fatal("an empty cache found an id")
	}
	c.Keep(map[string]int64{"t": 1}, map[string]int64{"x": 2})
	if id, ok := c.Lookup(true, "t"); !ok || id != 1 {
		t.Errorf("path t = %d, %v; want 1", id, ok)
	}
	if _, ok := c.Lookup(false, "t"); ok {
		t.Error("a path's id was found among the texts")
	}
	if id, ok := c.Lookup(false, "x"); !ok || id != 2 {
		t.Errorf("text x = %d, %v; want 2", id, ok)
	}
	many := map[string]int64{}
	for i := range MaxCached {
		many[strconv.Itoa(i)] = int64(i)
	}
	c.Keep(nil, many)
	if _, ok := c.Lookup(false, "x"); ok {
		t.Error("the texts grew past MaxCached instead of starting again")
	}
	if _, ok := c.Lookup(true, "t"); !ok {
		t.Error("the paths were dropped although they did not grow")
	}
}
