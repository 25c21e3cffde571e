package sqlite

import (
	"context"
	"testing"
)

// TestReadCacheSize: read-only connections keep a page cache of 512 KiB,
// the writing one SQLite's default.
func TestReadCacheSize(t *testing.T) {
	ctx := context.Background()
	db := tempDB(t)
	var ro, rw int
	if err := db.ro.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&ro); err != nil {
		t.Fatal(err)
	}
	if err := db.rw.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&rw); err != nil {
		t.Fatal(err)
	}
	if ro != -512 || rw != -2000 {
		t.Errorf("cache_size: read-only %d, writing %d; want -512 and -2000", ro, rw)
	}
}
