package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegisteredUsesIndex: whether a roster is registered, which every
// import asks once a second, is answered from the partial index instead of
// by reading every unit.
func TestRegisteredUsesIndex(t *testing.T) {
	ctx := context.Background()
	db := tempDB(t)
	rows, err := db.ro.QueryContext(ctx, "EXPLAIN QUERY PLAN "+registeredQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "INDEX units_registered") {
		t.Errorf("plan of %q: %s; want the units_registered index", registeredQuery, p)
	}
}

// tempDB opens a new store in a temporary folder, closed when the test
// ends.
func tempDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "jxsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
