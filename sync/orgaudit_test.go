package sync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

// TestOrganisationAudit: adding tasks and assigning a waiting revision to
// a unit each write an audit entry naming who, the unit's code and (for
// an assignment) the revision filed; adding tasks already there writes
// none.
func TestOrganisationAudit(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	if _, err := svc.Units.SaveUnits(ctx, testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	bureau := jxsync.Actor{Name: "cz", Role: store.RoleBureau, Address: "10.0.0.9"}
	req := jxsync.TaskRequest{Template: "hubei-dept", Year: 2022, Under: "420114100",
		Due: time.Date(2023, 3, 31, 0, 0, 0, 0, time.Local), By: "cz", Actor: bureau}
	if _, n, err := svc.AddTasks(ctx, req); err != nil || n != 10 {
		t.Fatalf("add tasks: %d %v", n, err)
	}
	es := auditLog(t, svc.Audit, store.AuditFilter{})
	if len(es) != 1 {
		t.Fatalf("entries after adding tasks: %d, want 1", len(es))
	}
	e := es[0]
	if e.Action != store.ActionTask || e.Actor != "cz" || e.Role != store.RoleBureau || e.Address != "10.0.0.9" ||
		e.UnitCode != "420114100" || !strings.Contains(e.Detail, "10 tasks") || !strings.Contains(e.Detail, "2023-03-31") {
		t.Errorf("task entry %+v", e)
	}
	if _, n, err := svc.AddTasks(ctx, req); err != nil || n != 0 {
		t.Fatalf("add tasks again: %d %v", n, err)
	}
	if es := auditLog(t, svc.Audit, store.AuditFilter{}); len(es) != 1 {
		t.Errorf("adding tasks already there wrote %d entries", len(es)-1)
	}

	// A form of a unit no one registered waits; assigning it is recorded.
	ir, err := svc.Import(ctx, "typo.xlsx", testkit.HubeiWorkbook(t, "蔡甸区一中", nil), "import")
	if err != nil || ir.Outcome != jxsync.OutcomePending {
		t.Fatalf("import of an unknown unit: %v %+v", err, ir)
	}
	n := len(auditLog(t, svc.Audit, store.AuditFilter{}))
	filed, err := svc.Assign(ctx, ir.Revision, "42011410001", jxsync.Actor{Name: "张三", Role: store.RoleCLI})
	if err != nil {
		t.Fatal(err)
	}
	es = auditLog(t, svc.Audit, store.AuditFilter{Unit: "42011410001"})
	if got := len(auditLog(t, svc.Audit, store.AuditFilter{})); got != n+1 || len(es) != 1 {
		t.Fatalf("entries after assigning: %d (of the unit %d), want %d (1)", got, len(es), n+1)
	}
	if e := es[0]; e.Action != store.ActionAssign || e.Actor != "张三" || e.Role != store.RoleCLI || e.Revision != filed.ID ||
		!strings.Contains(e.Detail, "武汉市蔡甸区第1中学") {
		t.Errorf("assign entry %+v", e)
	}
}
