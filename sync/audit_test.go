package sync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

func bytesSource(name string, data []byte) jxsync.Source {
	return jxsync.Source{Name: name, Read: func() ([]byte, error) { return data, nil }}
}

func auditLog(t *testing.T, a store.Audit, f store.AuditFilter) []*store.AuditEntry {
	t.Helper()
	es, err := a.List(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// entryOf returns the one entry whose detail names file.
func entryOf(t *testing.T, es []*store.AuditEntry, file string) *store.AuditEntry {
	t.Helper()
	var found *store.AuditEntry
	for _, e := range es {
		if strings.HasPrefix(e.Detail, file+" — ") {
			if found != nil {
				t.Errorf("two entries of %s: %+v %+v", file, found, e)
			}
			found = e
		}
	}
	if found == nil {
		t.Fatalf("no entry of %s", file)
	}
	return found
}

// TestImportAudit: a batch import writes one entry per file — stored,
// rejected, unreadable, a workbook of several forms — as the actor; an
// import again writes one more per file, unchanged.
func TestImportAudit(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	srcs, bad := jxsync.Collect(testkit.Examples(t), jxsync.CollectLimits{})
	if len(bad) != 0 {
		t.Fatal(bad)
	}
	srcs = append(srcs,
		bytesSource("not-a-workbook.xlsx", []byte("plain text, no workbook")),
		bytesSource("bundle.xlsx", testkit.DepartmentBundle(t, "审计测试局", nil)))
	opts := jxsync.ImportOptions{By: "import", Actor: jxsync.Actor{Name: "alice", Role: store.RoleCLI}}
	rs := svc.ImportAllWith(ctx, srcs, 3, opts, nil)
	es := auditLog(t, svc.Audit, store.AuditFilter{})
	if len(es) != len(srcs) {
		t.Fatalf("%d entries for %d files", len(es), len(srcs))
	}
	for _, e := range es {
		if e.Actor != "alice" || e.Role != store.RoleCLI || e.Action != store.ActionImport || e.Address != "" || e.At.IsZero() {
			t.Errorf("entry %+v", e)
		}
	}
	rejected := 0
	for _, r := range rs {
		e := entryOf(t, es, r.File)
		switch r.Outcome {
		case jxsync.OutcomeRejected:
			rejected++
			if e.Revision != r.Revision || e.UnitCode != r.UnitCode || r.UnitCode == "" || !strings.Contains(e.Detail, "rejected") {
				t.Errorf("rejected %s: entry %+v, result %+v", r.File, e, r)
			}
		case store.OutcomeImported:
			if r.File == "bundle.xlsx" {
				continue
			}
			if e.Revision != r.Revision || e.UnitCode != r.UnitCode || r.UnitCode == "" || !strings.Contains(e.Detail, "imported") {
				t.Errorf("imported %s: entry %+v, result %+v", r.File, e, r)
			}
		case jxsync.OutcomeUnreadable:
			if e.Revision != 0 || e.UnitCode != "" || !strings.Contains(e.Detail, "unreadable") {
				t.Errorf("unreadable %s: entry %+v", r.File, e)
			}
		default:
			t.Errorf("%s: outcome %s", r.File, r.Outcome)
		}
	}
	if rejected != 2 {
		t.Errorf("%d rejected files, want 2", rejected)
	}
	// The bundle is one entry naming its three forms.
	b := entryOf(t, es, "bundle.xlsx")
	bureau, err := svc.Units.Unit(ctx, "审计测试局")
	if err != nil {
		t.Fatal(err)
	}
	if b.UnitCode != bureau.Code || b.Revision == 0 || strings.Count(b.Detail, "imported") != 3 {
		t.Errorf("bundle entry %+v", b)
	}
	if got := auditLog(t, svc.Audit, store.AuditFilter{Unit: bureau.Code}); len(got) != 1 {
		t.Errorf("entries of the bundle's unit: %d", len(got))
	}

	// Again: nothing new is stored, every file is recorded again.
	svc.ImportAllWith(ctx, srcs, 3, jxsync.ImportOptions{By: "import"}, nil)
	es = auditLog(t, svc.Audit, store.AuditFilter{})
	if len(es) != 2*len(srcs) {
		t.Fatalf("%d entries after the second import, want %d", len(es), 2*len(srcs))
	}
	// Without an actor, the By name, as the CLI.
	for _, e := range es[len(srcs):] {
		if e.Actor != "import" || e.Role != store.RoleCLI {
			t.Errorf("second import entry %+v", e)
		}
		if e.Revision != 0 && !strings.Contains(e.Detail, "unchanged") {
			t.Errorf("second import entry %+v", e)
		}
	}
}

// TestImportFileAudit: the one-file path records the file, an unreadable
// one too.
func TestImportFileAudit(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	opts := jxsync.ImportOptions{By: "x", Actor: jxsync.Actor{Name: "bob", Role: store.RoleCLI}}
	rs, err := svc.ImportFile(ctx, "one.xlsx", testkit.HubeiWorkbook(t, "单一单位", nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportFile(ctx, "bad.xlsx", []byte("no"), opts); err != nil {
		t.Fatal(err)
	}
	es := auditLog(t, svc.Audit, store.AuditFilter{})
	if len(es) != 2 || es[0].Revision != rs[0].Revision || es[0].UnitCode != svc.UnitCodeOf(ctx, "单一单位") || es[0].UnitCode == "单一单位" || es[0].Actor != "bob" ||
		es[1].Revision != 0 || !strings.HasPrefix(es[1].Detail, "bad.xlsx — unreadable") {
		t.Fatalf("entries %+v %+v", es[0], es[len(es)-1])
	}
}

// plainRecords hides the records store's store.AuditedBatch: entries are
// then written after the revisions' transaction.
type plainRecords struct{ store.Records }

// failingAudit is an audit log that cannot be written.
type failingAudit struct{ store.Audit }

func (failingAudit) Append(context.Context, *store.AuditEntry) error {
	return errors.New("audit disk full")
}
func (failingAudit) AppendBatch(context.Context, []*store.AuditEntry) error {
	return errors.New("audit disk full")
}

// TestImportAuditAfterCommit: with a records store that cannot write the
// entries in its transaction, they are written right after it; when that
// fails, the results say so and the one-file import returns the error.
func TestImportAuditAfterCommit(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	audit := svc.Audit
	svc.Records = plainRecords{svc.Records}
	rs := svc.ImportAllWith(ctx, []jxsync.Source{
		bytesSource("a.xlsx", testkit.HubeiWorkbook(t, "甲单位", nil)),
		bytesSource("b.xlsx", testkit.HubeiWorkbook(t, "乙单位", nil)),
	}, 2, jxsync.ImportOptions{By: "carol"}, nil)
	es := auditLog(t, audit, store.AuditFilter{})
	if len(es) != 2 || entryOf(t, es, "a.xlsx").Revision != rs[0].Revision || entryOf(t, es, "b.xlsx").UnitCode != svc.UnitCodeOf(ctx, "乙单位") {
		t.Fatalf("entries %+v", es)
	}

	svc.Audit = failingAudit{}
	r, err := svc.ImportFile(ctx, "c.xlsx", testkit.HubeiWorkbook(t, "丙单位", nil), jxsync.ImportOptions{By: "carol"})
	if err == nil || !strings.Contains(err.Error(), "audit disk full") {
		t.Errorf("import with a failing audit log: %v", err)
	}
	if len(r) != 1 || r[0].Outcome != store.OutcomeImported || !strings.Contains(r[0].FirstError, "审计日志未能记录") {
		t.Errorf("result %+v", r)
	}
	rs = svc.ImportAllWith(ctx, []jxsync.Source{bytesSource("d.xlsx", testkit.HubeiWorkbook(t, "丁单位", nil))}, 1,
		jxsync.ImportOptions{By: "carol"}, nil)
	if rs[0].Outcome != store.OutcomeImported || !strings.Contains(rs[0].FirstError, "审计日志未能记录") {
		t.Errorf("batch result %+v", rs[0])
	}
}
