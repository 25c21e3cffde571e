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
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
