package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/store/storetest"
)

func TestAudit(t *testing.T) {
	storetest.Audit(t, func(t *testing.T) storetest.AuditStore {
		path := filepath.Join(t.TempDir(), "jxsync.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		exec := func(ctx context.Context, q string) error {
			_, err := raw.ExecContext(ctx, q)
			return err
		}
		return storetest.AuditStore{Audit: db, Exec: exec, Query: db.Query}
	})
}

// TestAuditedBatch: see storetest.AuditedBatch.
func TestAuditedBatch(t *testing.T) {
	storetest.AuditedBatch(t, func(t *testing.T) storetest.BatchStore { return MustOpenDB(t) })
}
