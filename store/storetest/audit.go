package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
)

// AuditStore is an audit log under test with the ways around its interface
// that must not change it either.
type AuditStore struct {
	// Audit is an empty audit log.
	Audit store.Audit
	// Exec runs a statement on a writable connection to the same data
	// (raw SQL, as someone with the database file could).
	Exec func(ctx context.Context, q string) error
	// Query is the store's read-only SQL (store.Records.Query).
	Query func(ctx context.Context, q string) ([]string, [][]any, error)
}

// Audit runs the shared suite of store.Audit implementations. open returns
// an empty store.
func Audit(t *testing.T, open func(t *testing.T) AuditStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	entry := func(at time.Time, unit, action string, rev int64) *store.AuditEntry {
		return &store.AuditEntry{At: at, Actor: "caizheng", Role: store.RoleBureau, Address: "10.0.0.7",
			Action: action, UnitCode: unit, Revision: rev, Detail: action + " " + unit}
	}
	list := func(t *testing.T, a store.Audit, f store.AuditFilter) []*store.AuditEntry {
		t.Helper()
		es, err := a.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	t.Run("AppendList", func(t *testing.T) {
		a := open(t).Audit
		if es := list(t, a, store.AuditFilter{}); len(es) != 0 {
			t.Fatalf("empty log: %d entries", len(es))
		}
		e := entry(t0.Add(1500*time.Millisecond), "甲单位", store.ActionUpload, 7)
		if err := a.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 {
			t.Error("Append set no ID")
		}
		none := &store.AuditEntry{Actor: "alice", Role: store.RoleCLI, Action: store.ActionAccount, Detail: "add bob"}
		if err := a.Append(ctx, none); err != nil {
			t.Fatal(err)
		}
		if none.At.IsZero() {
			t.Error("Append left At zero")
		}
		es := list(t, a, store.AuditFilter{})
		if len(es) != 2 {
			t.Fatalf("%d entries, want 2", len(es))
		}
		got := es[0]
		if got.ID != e.ID || !got.At.Equal(e.At) || got.Actor != "caizheng" || got.Role != store.RoleBureau || got.Address != "10.0.0.7" ||
			got.Action != store.ActionUpload || got.UnitCode != "甲单位" || got.Revision != 7 || got.Detail != "upload 甲单位" {
			t.Errorf("stored %+v, want %+v", got, e)
		}
		if es[1].Revision != 0 || es[1].UnitCode != "" || es[1].Role != store.RoleCLI {
			t.Errorf("entry without unit or revision: %+v", es[1])
		}
	})
	t.Run("AppendNeedsActorAndAction", func(t *testing.T) {
		a := open(t).Audit
		for _, e := range []*store.AuditEntry{{Action: store.ActionUpload}, {Actor: "x"}} {
			if err := a.Append(ctx, e); err == nil {
				t.Errorf("%+v: no error", e)
			}
		}
	})
	t.Run("AppendBatchAllOrNone", func(t *testing.T) {
		a := open(t).Audit
		ok := []*store.AuditEntry{entry(t0, "甲", store.ActionImport, 1), entry(t0, "乙", store.ActionImport, 2)}
		if err := a.AppendBatch(ctx, ok); err != nil {
			t.Fatal(err)
		}
		bad := []*store.AuditEntry{entry(t0, "丙", store.ActionImport, 3), {Actor: "x"}}
		if err := a.AppendBatch(ctx, bad); err == nil {
			t.Error("batch with a bad entry: no error")
		}
		es := list(t, a, store.AuditFilter{})
		if len(es) != 2 || es[0].UnitCode != "甲" || es[1].UnitCode != "乙" {
			t.Errorf("after batches: %d entries %+v", len(es), es)
		}
	})
	t.Run("Filters", func(t *testing.T) {
		a := open(t).Audit
		for i, unit := range []string{"甲", "乙", "甲", "丙", "甲"} {
			if err := a.Append(ctx, entry(t0.Add(time.Duration(i)*time.Hour), unit, store.ActionDownload, int64(i+1))); err != nil {
				t.Fatal(err)
			}
		}
		revs := func(es []*store.AuditEntry) []int64 {
			out := []int64{}
			for _, e := range es {
				out = append(out, e.Revision)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    store.AuditFilter
			want []int64
		}{
			{"all", store.AuditFilter{}, []int64{1, 2, 3, 4, 5}},
			{"unit", store.AuditFilter{Unit: "甲"}, []int64{1, 3, 5}},
			{"no such unit", store.AuditFilter{Unit: "丁"}, []int64{}},
			// An entry at since is kept; one before it is not.
			{"since", store.AuditFilter{Since: t0.Add(2 * time.Hour)}, []int64{3, 4, 5}},
			{"since sub-second", store.AuditFilter{Since: t0.Add(2*time.Hour + time.Millisecond)}, []int64{4, 5}},
			{"unit and since", store.AuditFilter{Unit: "甲", Since: t0.Add(time.Hour)}, []int64{3, 5}},
			// Limit keeps the newest, still oldest first.
			{"limit", store.AuditFilter{Limit: 2}, []int64{4, 5}},
		} {
			if got := revs(list(t, a, c.f)); !equalInts(got, c.want) {
				t.Errorf("%s: revisions %v, want %v", c.name, got, c.want)
			}
		}
	})
	t.Run("NeverChanged", func(t *testing.T) {
		s := open(t)
		if err := s.Audit.Append(ctx, entry(t0, "甲", store.ActionReview, 9)); err != nil {
			t.Fatal(err)
		}
		cols, rows, err := s.Query(ctx, `SELECT at, actor, role, address, action, unit_code, revision, detail FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		if len(cols) != 8 || len(rows) != 1 || rows[0][1] != "caizheng" || rows[0][4] != store.ActionReview {
			t.Errorf("query: %v %v", cols, rows)
		}
		for _, q := range []string{`UPDATE audit_log SET actor = 'mallory'`, `DELETE FROM audit_log`} {
			if _, _, err := s.Query(ctx, q); err == nil {
				t.Errorf("query %s: no error", q)
			}
			if err := s.Exec(ctx, q); err == nil {
				t.Errorf("raw %s: no error", q)
			}
		}
		es := list(t, s.Audit, store.AuditFilter{})
		if len(es) != 1 || es[0].Actor != "caizheng" {
			t.Errorf("after refused changes: %+v", es)
		}
	})
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BatchStore is a records store that writes audit entries with its
// batches.
type BatchStore interface {
	store.Records
	store.Audit
	store.AuditedBatch
}

// AuditedBatch runs the shared suite of store.AuditedBatch
// implementations: the entries of a batch are written in its transaction,
// with the revisions it recorded; a failing entry leaves neither. open
// returns an empty store.
func AuditedBatch(t *testing.T, open func(t *testing.T) BatchStore) {
	ctx := context.Background()
	db := open(t)
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
	revs, _, err := db.AddRevisionBatchAudited(ctx, [][]*store.NewRevision{{Revision("甲", "a")}, {Revision("乙", "b")}}, entries("alice"))
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
	if _, _, err := db.AddRevisionBatchAudited(ctx, [][]*store.NewRevision{{Revision("丙", "c")}}, entries("")); err == nil {
		t.Fatal("bad entry: no error")
	}
	if _, err := db.History(ctx, "丙"); err == nil {
		t.Error("the revision of a failed batch was stored")
	}
	if es, _ := db.List(ctx, store.AuditFilter{}); len(es) != 2 {
		t.Errorf("%d entries after a failed batch, want 2", len(es))
	}
}
