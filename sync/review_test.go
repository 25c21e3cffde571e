package sync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// chain is a service with testkit.Roster(9) registered and the accounts of
// the review chain: the bureau, the 教育局 and 民政局 departments and the
// agency of 第1中学.
type chain struct {
	svc                         *jxsync.Service
	bureau, edu, civil, school  *store.User
	eduCode, civilCode, school1 string
}

// newChain sets the chain up.
func newChain(t *testing.T) *chain {
	t.Helper()
	ctx := context.Background()
	svc := testkit.Service(t)
	if _, err := svc.Units.SaveUnits(ctx, testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	c := &chain{svc: svc, eduCode: "420114100", civilCode: "420114200", school1: "42011410001"}
	add := func(name, role, unit string) *store.User {
		if err := svc.AddUser(ctx, name, role, unit, "longenough"); err != nil {
			t.Fatalf("add %s: %v", name, err)
		}
		u, err := svc.Users.User(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	c.bureau = add("czj", store.RoleBureau, "")
	c.edu = add("jyj", store.RoleDepartment, c.eduCode)
	// A department account named by its registered name is stored by code.
	c.civil = add("mzj", store.RoleDepartment, "武汉市蔡甸区民政局")
	c.school = add("zx1", store.RoleAgency, "武汉市蔡甸区第1中学")
	if c.civil.Unit != c.civilCode || c.school.Unit != c.school1 {
		t.Fatalf("accounts stored with %q and %q, want the codes", c.civil.Unit, c.school.Unit)
	}
	return c
}

// upload imports a 部门整体绩效自评表 of unit (warnings only) as by and
// returns its revision.
func (c *chain) upload(t *testing.T, by *store.User, unit string, edit func(d *template.Data)) *store.Revision {
	t.Helper()
	irs, _, err := c.svc.Upload(context.Background(), by, unit+".xlsx", testkit.HubeiWorkbook(t, unit, edit))
	if err != nil || len(irs) != 1 || irs[0].Revision == 0 {
		t.Fatalf("upload %s: %+v %v", unit, irs, err)
	}
	rev, err := c.svc.Records.Revision(context.Background(), irs[0].Revision)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// state returns the state of rev's submission.
func (c *chain) state(t *testing.T, rev *store.Revision) string {
	t.Helper()
	latest, err := c.svc.Records.LatestOf(context.Background(), rev.SubmissionID)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := c.svc.StateOf(context.Background(), latest)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestReviewChain: a unit with a department is reviewed by it, then by the
// bureau; returns need a comment and send it back; the next upload starts
// the chain again; accepting warnings needs a confirmation.
func TestReviewChain(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	rev := c.upload(t, c.school, "武汉市蔡甸区第1中学", nil)
	if rev.UnitCode != c.school1 || rev.Status != store.StatusWarnings || c.state(t, rev) != jxsync.StateSubmitted {
		t.Fatalf("uploaded %+v, state %s", rev, c.state(t, rev))
	}

	// The bureau cannot skip the department; another department and the
	// agency cannot review.
	if _, err := c.svc.Review(ctx, c.bureau, rev.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrNotReviewable) {
		t.Errorf("bureau before the department: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.civil, rev.ID, store.ReviewAccepted, "", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another department: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.school, rev.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrForbidden) {
		t.Errorf("agency: %v", err)
	}

	// Department: returning needs a comment, accepting warnings a confirmation.
	if _, err := c.svc.Review(ctx, c.edu, rev.ID, store.ReviewReturned, " ", false); !errors.Is(err, jxsync.ErrNeedsComment) {
		t.Errorf("return without comment: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.edu, rev.ID, store.ReviewAccepted, "", false); !errors.Is(err, jxsync.ErrNeedsConfirm) {
		t.Errorf("accept warnings unconfirmed: %v", err)
	}
	if c.state(t, rev) != jxsync.StateSubmitted {
		t.Fatalf("refused reviews changed the state to %s", c.state(t, rev))
	}
	r, err := c.svc.Review(ctx, c.edu, rev.ID, store.ReviewReturned, "请补充偏差原因", false)
	if err != nil || r.Level != store.LevelDepartment {
		t.Fatalf("department return: %+v %v", r, err)
	}
	if st := c.state(t, rev); st != jxsync.StateDeptReturned {
		t.Fatalf("after the department's return: %s", st)
	}
	if _, err := c.svc.Review(ctx, c.bureau, rev.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrNotReviewable) {
		t.Errorf("bureau on a returned form: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.edu, rev.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrNotReviewable) {
		t.Errorf("department twice: %v", err)
	}

	// The unit's next upload starts the chain again.
	rev2 := c.upload(t, c.school, "武汉市蔡甸区第1中学", func(d *template.Data) { d.Fields["deviation_reason"] = "已补充" })
	if rev2.SubmissionID != rev.SubmissionID || c.state(t, rev2) != jxsync.StateSubmitted {
		t.Fatalf("re-upload: %+v state %s", rev2, c.state(t, rev2))
	}
	if _, err := c.svc.Review(ctx, c.edu, rev.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrNotReviewable) {
		t.Errorf("review of a superseded revision: %v", err)
	}
	if r, err := c.svc.Review(ctx, c.edu, rev2.ID, store.ReviewAccepted, "", true); err != nil || r.Level != store.LevelDepartment {
		t.Fatalf("department accept: %+v %v", r, err)
	}
	if st := c.state(t, rev2); st != jxsync.StateDeptAccepted {
		t.Fatalf("after the department's acceptance: %s", st)
	}

	// Bureau: returns, the unit uploads again, both levels accept.
	if _, err := c.svc.Review(ctx, c.bureau, rev2.ID, store.ReviewReturned, "", false); !errors.Is(err, jxsync.ErrNeedsComment) {
		t.Errorf("bureau return without comment: %v", err)
	}
	if r, err := c.svc.Review(ctx, c.bureau, rev2.ID, store.ReviewReturned, "指标值有误", false); err != nil || r.Level != store.LevelBureau {
		t.Fatalf("bureau return: %+v %v", r, err)
	}
	if st := c.state(t, rev2); st != jxsync.StateReturned {
		t.Fatalf("after the bureau's return: %s", st)
	}
	rev3 := c.upload(t, c.school, "武汉市蔡甸区第1中学", func(d *template.Data) { d.Fields["deviation_reason"] = "已改正" })
	if _, err := c.svc.Review(ctx, c.bureau, rev3.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrNotReviewable) {
		t.Errorf("bureau before the department after a re-upload: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.edu, rev3.ID, store.ReviewAccepted, "", true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Review(ctx, c.bureau, rev3.ID, store.ReviewAccepted, "", false); !errors.Is(err, jxsync.ErrNeedsConfirm) {
		t.Errorf("bureau accepting warnings unconfirmed: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.bureau, rev3.ID, store.ReviewAccepted, "", true); err != nil {
		t.Fatal(err)
	}
	if st := c.state(t, rev3); st != jxsync.StateAccepted {
		t.Fatalf("after both acceptances: %s", st)
	}
	if _, err := c.svc.Review(ctx, c.bureau, rev3.ID, store.ReviewReturned, "再看看", false); !errors.Is(err, jxsync.ErrNotReviewable) {
		t.Errorf("bureau twice: %v", err)
	}
}

// TestReviewDepartmentOwnForms: a department's own forms go to the bureau
// alone; the department cannot review them, nor another department's units.
func TestReviewDepartmentOwnForms(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	own := c.upload(t, c.edu, "武汉市蔡甸区教育局", nil)
	if own.UnitCode != c.eduCode {
		t.Fatalf("department's own form filed under %q", own.UnitCode)
	}
	if _, err := c.svc.Review(ctx, c.edu, own.ID, store.ReviewAccepted, "", true); !errors.Is(err, jxsync.ErrForbidden) {
		t.Errorf("department reviewing its own form: %v", err)
	}
	if r, err := c.svc.Review(ctx, c.bureau, own.ID, store.ReviewAccepted, "", true); err != nil || r.Level != store.LevelBureau {
		t.Fatalf("bureau on a department's own form: %+v %v", r, err)
	}
	if st := c.state(t, own); st != jxsync.StateAccepted {
		t.Errorf("state %s", st)
	}

	// Another department's unit: not seen, not reviewed.
	other := c.upload(t, c.bureau, "武汉市蔡甸区第3救助管理站", nil)
	if other.UnitCode != "42011420003" {
		t.Fatalf("filed under %q", other.UnitCode)
	}
	if _, err := c.svc.RevisionFor(ctx, c.edu, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("教育局 sees 民政局's unit: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.edu, other.ID, store.ReviewAccepted, "", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("教育局 reviews 民政局's unit: %v", err)
	}
	if _, err := c.svc.RevisionFor(ctx, c.civil, other.ID); err != nil {
		t.Errorf("民政局 does not see its unit: %v", err)
	}
	if _, err := c.svc.Review(ctx, c.civil, other.ID, store.ReviewAccepted, "", true); err != nil {
		t.Errorf("民政局 reviews its unit: %v", err)
	}
	// A department cannot upload another unit's form.
	if _, _, err := c.svc.Upload(ctx, c.edu, "x.xlsx", testkit.HubeiWorkbook(t, "武汉市蔡甸区第2中学", nil)); !errors.Is(err, jxsync.ErrForbidden) {
		t.Errorf("department uploading its unit's form: %v", err)
	}
}

// TestReviewErrorsAndNoRegistry: a form with errors cannot be reviewed;
// without a registry every unit goes to the bureau alone.
func TestReviewErrorsAndNoRegistry(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	bad := c.upload(t, c.school, "武汉市蔡甸区第1中学", func(d *template.Data) { d.Fields["budget"] = "不详" })
	if bad.Status != store.StatusRejected || c.state(t, bad) != jxsync.StateErrors {
		t.Fatalf("rejected upload: %+v", bad)
	}
	for _, u := range []*store.User{c.edu, c.bureau} {
		if _, err := c.svc.Review(ctx, u, bad.ID, store.ReviewReturned, "改", false); !errors.Is(err, jxsync.ErrNotReviewable) {
			t.Errorf("%s reviewing errors: %v", u.Name, err)
		}
	}

	svc := testkit.Service(t)
	if err := svc.AddUser(ctx, "dept", store.RoleDepartment, "民政局", "longenough"); err == nil {
		t.Error("department account without a registry accepted")
	}
	if err := svc.AddUser(ctx, "czj", store.RoleBureau, "", "longenough"); err != nil {
		t.Fatal(err)
	}
	bureau, _ := svc.Users.User(ctx, "czj")
	ir, err := svc.Import(ctx, "a.xlsx", testkit.HubeiWorkbook(t, "某单位", nil), "import")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := svc.Review(ctx, bureau, ir.Revision, store.ReviewAccepted, "", true); err != nil || r.Level != store.LevelBureau {
		t.Errorf("bureau without a registry: %+v %v", r, err)
	}
}
