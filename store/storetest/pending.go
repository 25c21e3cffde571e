package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// PendingStore is what the 待确认单位 suite needs: the registry, the
// records and the queue.
type PendingStore interface {
	UnitStore
	store.PendingUnits
}

// Pending runs the shared suite of store.PendingUnits implementations.
// open returns an empty store; exec runs a statement on the database of s
// past the store, as an operator with the engine's own client would.
func Pending(t *testing.T, open func(t *testing.T) PendingStore, exec func(t *testing.T, s PendingStore, q string) error) {
	ctx := context.Background()
	setup := func(t *testing.T) (PendingStore, *store.Revision) {
		t.Helper()
		s := open(t)
		if _, err := s.SaveUnits(ctx, []*store.Unit{
			{Code: "100", Name: "某市财政局"},
			{Code: "101001", Name: "某市第一中学", Parent: "100"},
			{Code: "101002", Name: "某市第二中学", Parent: "100", Aliases: []string{"二中"}},
		}); err != nil {
			t.Fatal(err)
		}
		res := &mapping.Result{Template: "hubei-dept", Version: "2022", Sheet: "表",
			Fields: map[string]mapping.Value{"unit_name": {Raw: "一中学", Text: "一中学", Cell: "B2"}}}
		nr := &store.NewRevision{PendingUnit: "一中学", TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "表",
			Year: 2024, Subject: "", Sheet: "表", BlobHash: store.Hash([]byte("p")), FileName: "p.xlsx", Size: 1, UploadedBy: "agency1",
			Status: store.StatusWarnings, Findings: []mapping.Finding{{Severity: mapping.SeverityWarning, Message: "w"}}, Result: res}
		revs, outs, err := s.AddRevisions(ctx, []*store.NewRevision{nr})
		if err != nil {
			t.Fatal(err)
		}
		if outs[0] != store.OutcomePending || revs[0].SubmissionID != 0 {
			t.Fatalf("pending revision: %s %+v", outs[0], revs[0])
		}
		// The same file again is still waiting.
		if _, outs, err := s.AddRevisions(ctx, []*store.NewRevision{nr}); err != nil || outs[0] != store.OutcomePending {
			t.Fatalf("pending again: %v %v", outs, err)
		}
		return s, revs[0]
	}
	t.Run("Queue", func(t *testing.T) {
		s, rev := setup(t)
		ps, err := s.Pending(ctx)
		if err != nil || len(ps) != 1 {
			t.Fatalf("pending: %v %v", ps, err)
		}
		if p := ps[0]; p.Revision.ID != rev.ID || p.UnitName != "一中学" || p.Year != 2024 || p.Revision.FileName != "p.xlsx" {
			t.Errorf("pending row: %+v %+v", p, p.Revision)
		}
		if un, err := s.Unidentified(ctx, ""); err != nil || len(un) != 0 {
			t.Errorf("a waiting revision is not unidentified: %v %v", un, err)
		}
		if _, _, err := s.PendingRevision(ctx, rev.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown pending revision: %v", err)
		}
	})
	t.Run("Assign", func(t *testing.T) {
		s, rev := setup(t)
		filed, err := s.Assign(ctx, rev.ID, "101001", "张三")
		if err != nil {
			t.Fatal(err)
		}
		if filed.ID == rev.ID || filed.UnitCode != "101001" || filed.Unit != "某市第一中学" || filed.Year != 2024 || filed.Seq != 1 ||
			filed.BlobHash != rev.BlobHash || filed.Sheet != "表" || filed.Status != store.StatusWarnings || filed.Warnings != 1 ||
			filed.UploadedBy != "agency1" || !filed.UploadedAt.Equal(rev.UploadedAt) {
			t.Errorf("filed revision: %+v (from %+v)", filed, rev)
		}
		if d, err := s.Data(ctx, filed.ID); err != nil || d.Fields["unit_name"].Raw != "一中学" {
			t.Errorf("filed data: %v %v", d, err)
		}
		if ps, err := s.Pending(ctx); err != nil || len(ps) != 0 {
			t.Errorf("pending after assign: %v %v", ps, err)
		}
		if _, a, err := s.PendingRevision(ctx, rev.ID); err != nil || a == nil || a.UnitCode != "101001" || a.Filed != filed.ID || a.By != "张三" {
			t.Errorf("assignment: %+v %v", a, err)
		}
		if u, err := s.Unit(ctx, "一中学"); err != nil || u.Code != "101001" {
			t.Errorf("typed name is an alias now: %v %v", u, err)
		}
		if _, err := s.Assign(ctx, rev.ID, "101002", "李四"); !errors.Is(err, store.ErrExists) {
			t.Errorf("assigned twice: %v, want ErrExists", err)
		}
		if h, err := s.History(ctx, "某市第一中学"); err != nil || len(h) != 1 || h[0].ID != filed.ID {
			t.Errorf("history: %v %v", h, err)
		}
		if probs, err := s.Check(ctx); err != nil || len(probs) != 0 {
			t.Errorf("check: %v %v", probs, err)
		}
	})
	t.Run("NeverChanged", func(t *testing.T) {
		// Assignments are never updated or deleted, the queue's rows never
		// deleted: past the store neither.
		s, rev := setup(t)
		filed, err := s.Assign(ctx, rev.ID, "101001", "张三")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`UPDATE unit_assignments SET unit_code = '101002'`, `DELETE FROM unit_assignments`, `DELETE FROM pending_units`} {
			if err := exec(t, s, q); err == nil {
				t.Errorf("%s: no error", q)
			}
		}
		if _, a, err := s.PendingRevision(ctx, rev.ID); err != nil || a == nil || a.UnitCode != "101001" || a.Filed != filed.ID {
			t.Errorf("assignment after refused changes: %+v %v", a, err)
		}
	})
	t.Run("AssignErrors", func(t *testing.T) {
		s, rev := setup(t)
		if _, err := s.Assign(ctx, rev.ID, "999", "张三"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown unit: %v", err)
		}
		if _, err := s.Assign(ctx, rev.ID+100, "101001", "张三"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revision not waiting: %v", err)
		}
		if ps, _ := s.Pending(ctx); len(ps) != 1 {
			t.Errorf("still waiting after failed assigns: %v", ps)
		}
	})
	t.Run("AliasOfAnother", func(t *testing.T) {
		s := open(t)
		if _, err := s.SaveUnits(ctx, []*store.Unit{{Code: "1", Name: "甲单位"}, {Code: "2", Name: "乙单位", Aliases: []string{"乙"}}}); err != nil {
			t.Fatal(err)
		}
		nr := &store.NewRevision{PendingUnit: "乙", TemplateID: "hubei-dept", TemplateVersion: "2022", Year: 2024,
			BlobHash: store.Hash([]byte("q")), FileName: "q.xlsx", Status: store.StatusValid}
		revs, _, err := s.AddRevisions(ctx, []*store.NewRevision{nr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assign(ctx, revs[0].ID, "1", "x"); err != nil {
			t.Fatalf("assign with the typed name another unit's alias: %v", err)
		}
		if u, err := s.Unit(ctx, "乙"); err != nil || u.Code != "2" {
			t.Errorf("alias stays the other unit's: %v %v", u, err)
		}
	})
}
