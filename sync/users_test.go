package sync_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &sync.Service{Records: db, Users: db}
	if err := svc.AddUser(ctx, "jz", store.RoleAgency, "救助站", "short"); !errors.Is(err, sync.ErrWeakPassword) {
		t.Errorf("weak password: %v", err)
	}
	if err := svc.AddUser(ctx, "jz", store.RoleAgency, "", "longenough"); err == nil {
		t.Error("agency without unit accepted")
	}
	if err := svc.AddUser(ctx, "jz", store.RoleAgency, "救助站", "longenough"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "jz", "wrong-password"); !errors.Is(err, sync.ErrBadLogin) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := svc.Authenticate(ctx, "nobody", "longenough"); !errors.Is(err, sync.ErrBadLogin) {
		t.Errorf("unknown user: %v", err)
	}
	u, err := svc.Authenticate(ctx, "jz", "longenough")
	if err != nil || u.Unit != "救助站" {
		t.Fatalf("login: %+v %v", u, err)
	}
	token, sess, err := svc.NewSession(ctx, u)
	if err != nil || token == "" || sess.CSRF == "" {
		t.Fatal(err)
	}
	if got, _, err := svc.SessionUser(ctx, token); err != nil || got.Name != "jz" {
		t.Fatalf("session user: %+v %v", got, err)
	}
	if err := svc.ResetPassword(ctx, "jz", "another-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "jz", "another-password"); err != nil {
		t.Errorf("after reset: %v", err)
	}
	db.SetDisabled(ctx, "jz", true)
	if _, err := svc.Authenticate(ctx, "jz", "another-password"); !errors.Is(err, sync.ErrDisabled) {
		t.Errorf("disabled: %v", err)
	}
	if _, _, err := svc.SessionUser(ctx, token); err == nil {
		t.Error("session of a disabled account still valid")
	}
	own := &store.Revision{Unit: "救助站"}
	other := &store.Revision{Unit: "民政局"}
	agency := &store.User{Role: store.RoleAgency, Unit: "救助站"}
	bureau := &store.User{Role: store.RoleBureau}
	if !sync.CanSee(agency, own) || sync.CanSee(agency, other) || !sync.CanSee(bureau, other) || sync.CanSee(agency, &store.Revision{}) {
		t.Error("CanSee")
	}
}

// TestUploadOtherUnitsGenerated: an agency cannot file a workbook generated
// from another unit's submission under that submission, even with its own
// unit name typed in.
func TestUploadOtherUnitsGenerated(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t) // with users and the exporter
	ir, err := svc.Import(ctx, "other.xlsx", testkit.HubeiWorkbook(t, "民政局", nil), "import")
	if err != nil || ir.Revision == 0 {
		t.Fatalf("import: %+v %v", ir, err)
	}
	gen, _, err := svc.Export(ctx, ir.Revision)
	if err != nil {
		t.Fatal(err)
	}
	// Retype the unit name inside the generated workbook as the agency's own.
	res, err := svc.Extract("gen.xlsx", gen, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"unit_name", "header_unit"} {
		v := res.Fields[name]
		v.Raw = "救助站"
		res.Fields[name] = v
	}
	tpl := findTemplate(t, svc, "hubei-dept@2022")
	forged, err := template.Export(tpl, res, map[string]string{
		mapping.PropSubmission: res.Props[mapping.PropSubmission], mapping.PropRevision: res.Props[mapping.PropRevision]})
	if err != nil {
		t.Fatal(err)
	}
	agency := &store.User{Name: "jz", Role: store.RoleAgency, Unit: "救助站"}
	if _, _, err := svc.Upload(ctx, agency, "forged.xlsx", forged); !errors.Is(err, sync.ErrForbidden) {
		t.Fatalf("upload of another unit's generated workbook: %v", err)
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != 1 {
		t.Errorf("revisions = %d, want 1", n)
	}
}
