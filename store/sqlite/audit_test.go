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

// TestAuditedBatch: the entries of a batch are written in its transaction,
// with the revisions it recorded; a failing entry leaves neither.
func TestAuditedBatch(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	entries := func(actor string) func([][]*store.Revision, [][]string) []*store.AuditEntry {
		return func(revs [][]*store.Revision, outs [][]string) []*store.AuditEntry {
			var es []*store.AuditEntry
			for f := range revs {
				es = append(es, &store.AuditEntry{Actor: actor, Role: store.RoleCLI, Action: store.ActionImport,
					UnitCode: revs[f][0].Unit, Revision: revs[f][0].ID, Detail: outs[f][0]})
			}
			return es
		}
	}
	revs, _, err := db.AddRevisionBatchAudited(ctx, [][]*store.NewRevision{{storetest.Revision("甲", "a")}, {storetest.Revision("乙", "b")}}, entries("alice"))
	if err != nil {
		t.Fatal(err)
	}
	es, err := db.List(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Revision != revs[0][0].ID || es[1].UnitCode != "乙" || es[1].Detail != store.OutcomeImported {
		t.Fatalf("entries %+v", es)
	}
	// An entry without an actor fails the batch: no revision, no entry.
	if _, _, err := db.AddRevisionBatchAudited(ctx, [][]*store.NewRevision{{storetest.Revision("丙", "c")}}, entries("")); err == nil {
		t.Fatal("bad entry: no error")
	}
	if _, err := db.History(ctx, "丙"); err == nil {
		t.Error("the revision of a failed batch was stored")
	}
	if es, _ := db.List(ctx, store.AuditFilter{}); len(es) != 2 {
		t.Errorf("%d entries after a failed batch, want 2", len(es))
	}
}
