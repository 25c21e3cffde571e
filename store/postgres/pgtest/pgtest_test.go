package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// TestFreshDatabases: each test's database is its own and starts empty.
func TestFreshDatabases(t *testing.T) {
	ctx := context.Background()
	var urls []string
	for i := range 2 {
		u := URL(t)
		urls = append(urls, u)
		c, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("database %d: %d tables, %v", i, n, err)
		}
		if _, err := c.Exec(ctx, `CREATE TABLE t (x int)`); err != nil {
			t.Fatal(err)
		}
	}
	if urls[0] == urls[1] {
		t.Errorf("two tests share %s", urls[0])
	}
}
