package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/store/storetest"
)

// MustOpenDB opens a records store in a fresh SQLite file, closed with tb.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return mustOpen(tb, filepath.Join(tb.TempDir(), "jxsync.db"))
}

func mustOpen(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// engine opens stores in SQLite files for the shared suites.
func engine() storetest.Engine {
	paths := map[storetest.Store]string{}
	return storetest.Engine{
		Open: func(t *testing.T) storetest.Store {
			path := filepath.Join(t.TempDir(), "jxsync.db")
			db := mustOpen(t, path)
			paths[db] = path
			return db
		},
		Again: func(t *testing.T, s storetest.Store) storetest.Store { return mustOpen(t, paths[s]) },
		Exec: func(t *testing.T, s storetest.Store, q string) error {
			raw, err := sql.Open("sqlite", paths[s])
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			_, err = raw.ExecContext(context.Background(), q)
			return err
		},
	}
}

func TestRecords(t *testing.T)   { storetest.Records(t, engine()) }
func TestUsers(t *testing.T)     { storetest.Users(t, engine()) }
func TestTemplates(t *testing.T) { storetest.Templates(t, engine()) }

func TestLimits(t *testing.T) {
	storetest.Limits(t, func(t *testing.T) store.Limits { return MustOpenDB(t) })
}
