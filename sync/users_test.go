package sync_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
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
