package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store/storetest"
)

func TestPendingSuite(t *testing.T) {
	paths := map[storetest.PendingStore]string{}
	open := func(t *testing.T) storetest.PendingStore {
		path := filepath.Join(t.TempDir(), "jxsync.db")
		db := mustOpen(t, path)
		paths[db] = path
		return db
	}
	exec := func(t *testing.T, s storetest.PendingStore, q string) error {
		raw, err := sql.Open("sqlite", paths[s])
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		_, err = raw.ExecContext(context.Background(), q)
		return err
	}
	storetest.Pending(t, open, exec)
}
