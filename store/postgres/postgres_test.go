package postgres_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/postgres"
	"github.com/jxsync/jxsync/store/postgres/pgtest"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func mustOpen(tb testing.TB, url string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// exec runs q on the database at url past the store.
func exec(tb testing.TB, url, q string) error {
	tb.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, q)
	return err
}

// engine opens stores in fresh PostgreSQL databases for the shared suites.
func engine() storetest.Engine {
	urls := map[storetest.Store]string{}
	var mu gosync.Mutex
	return storetest.Engine{
		Open: func(t *testing.T) storetest.Store {
			u := pgtest.URL(t)
			db := mustOpen(t, u)
			mu.Lock()
			urls[db] = u
			mu.Unlock()
			return db
		},
		Again: func(t *testing.T, s storetest.Store) storetest.Store { return mustOpen(t, urls[s]) },
		Exec:  func(t *testing.T, s storetest.Store, q string) error { return exec(t, urls[s], q) },
	}
}

func TestRecords(t *testing.T)   { storetest.Records(t, engine()) }
func TestUsers(t *testing.T)     { storetest.Users(t, engine()) }
func TestTemplates(t *testing.T) { storetest.Templates(t, engine()) }

func TestLimits(t *testing.T) {
	storetest.Limits(t, func(t *testing.T) store.Limits { return mustOpen(t, pgtest.URL(t)) })
}

// TestAppendOnly: revisions and stored templates are neither updated,
// deleted nor truncated, not even by a cascade from the tables they refer
// to; other tables are.
func TestAppendOnly(t *testing.T) {
	u := pgtest.URL(t)
	db := mustOpen(t, u)
	ctx := context.Background()
	if _, _, err := db.AddRevisions(ctx, []*store.NewRevision{storetest.Revision("甲", "x")}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddTemplate(ctx, &store.CustomTemplate{ID: "x", Version: "1", MappingYAML: []byte("id: x"), BlankHash: store.Hash(nil)}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"UPDATE revisions SET status = 'valid'":     "revisions are never updated",
		"DELETE FROM revisions":                     "revisions are never deleted",
		"TRUNCATE revisions CASCADE":                "revisions are never truncated",
		"TRUNCATE units CASCADE":                    "revisions are never truncated",
		"UPDATE templates_custom SET added_by = ''": "templates_custom are never updated",
		"DELETE FROM templates_custom":              "templates_custom are never deleted",
		"TRUNCATE templates_custom":                 "templates_custom are never truncated",
	} {
		if err := exec(t, u, q); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", q, err, want)
		}
	}
	if n := countRows(t, db, "revisions") + countRows(t, db, "templates_custom"); n != 2 {
		t.Errorf("%d rows left, want 2", n)
	}
	if err := exec(t, u, "TRUNCATE limit_events"); err != nil {
		t.Errorf("truncate of limit events: %v", err)
	}
}

func countRows(t *testing.T, db *postgres.DB, table string) int64 {
	t.Helper()
	_, rows, err := db.Query(context.Background(), "SELECT count(*) FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0].(int64)
}

// TestViewsMatchSQLite: every view has the columns, in order, it has on
// SQLite, in the public schema.
func TestViewsMatchSQLite(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jxsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := mustOpen(t, pgtest.URL(t))
	_, views, err := lite.Query(ctx, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
	if err != nil || len(views) < 3 {
		t.Fatalf("SQLite views: %v %v", views, err)
	}
	_, pgViews, err := pg.Query(ctx, "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY table_name")
	if err != nil || fmt.Sprint(pgViews) != fmt.Sprint(views) {
		t.Errorf("views in public: %v %v, want %v", pgViews, err, views)
	}
	for _, v := range views {
		name := v[0].(string)
		want, _, err := lite.Query(ctx, "SELECT * FROM "+name+" LIMIT 0")
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := pg.Query(ctx, "SELECT * FROM public."+name+" LIMIT 0")
		if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: columns %v %v, want %v", name, got, err, want)
		}
	}
}

// TestConcurrentOpen: several processes opening a new database at once
// migrate it once, under the advisory lock.
func TestConcurrentOpen(t *testing.T) {
	u := pgtest.URL(t)
	var wg gosync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), u)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	files, err := fs.Glob(postgres.Migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	db := mustOpen(t, u)
	if n := countRows(t, db, "schema_migrations"); n != int64(len(files)) {
		t.Errorf("%d migrations recorded, want %d", n, len(files))
	}
}

// TestQueryValues: Query gives values as the SQLite store does.
func TestQueryValues(t *testing.T) {
	db := mustOpen(t, pgtest.URL(t))
	_, rows, err := db.Query(context.Background(), `SELECT 1::smallint, 2::integer, 3::bigint, 1.5::numeric, 2.5::real,
		'2023-03-01 08:00:00+00'::timestamptz, '{"a": 1}'::jsonb, 'x'::bytea, NULL, 'text', true`)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%#v", rows[0])
	want := fmt.Sprintf("%#v", []any{int64(1), int64(2), int64(3), 1.5, 2.5, "2023-03-01T08:00:00Z", `{"a":1}`, "x", nil, "text", true})
	if got != want {
		t.Errorf("values %s, want %s", got, want)
	}
}

func TestUnits(t *testing.T) {
	storetest.Units(t, func(t *testing.T) storetest.UnitStore { return mustOpen(t, pgtest.URL(t)) })
}

func TestAudit(t *testing.T) {
	storetest.Audit(t, func(t *testing.T) storetest.AuditStore {
		u := pgtest.URL(t)
		db := mustOpen(t, u)
		exec := func(ctx context.Context, q string) error { return exec(t, u, q) }
		return storetest.AuditStore{Audit: db, Exec: exec, Query: db.Query}
	})
}

// TestAuditedBatch: see storetest.AuditedBatch.
func TestAuditedBatch(t *testing.T) {
	storetest.AuditedBatch(t, func(t *testing.T) storetest.BatchStore { return mustOpen(t, pgtest.URL(t)) })
}

func TestPendingSuite(t *testing.T) {
	urls := map[storetest.PendingStore]string{}
	var mu gosync.Mutex
	open := func(t *testing.T) storetest.PendingStore {
		u := pgtest.URL(t)
		db := mustOpen(t, u)
		mu.Lock()
		urls[db] = u
		mu.Unlock()
		return db
	}
	storetest.Pending(t, open, func(t *testing.T, s storetest.PendingStore, q string) error {
		mu.Lock()
		u := urls[s]
		mu.Unlock()
		return exec(t, u, q)
	})
}

func TestTasks(t *testing.T) {
	storetest.Tasks(t, func(t *testing.T) storetest.TaskStore { return mustOpen(t, pgtest.URL(t)) })
}
