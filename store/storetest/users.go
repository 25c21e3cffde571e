package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
)

// Users runs the shared suite of store.Users implementations.
func Users(t *testing.T, e Engine) {
	ctx := context.Background()
	t.Run("Accounts", func(t *testing.T) {
		db := e.Open(t)
		if err := db.AddUser(ctx, &store.User{Name: "jiuzhu", Role: store.RoleAgency, Unit: "救助站", PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddUser(ctx, &store.User{Name: "jiuzhu", Role: store.RoleBureau, PasswordHash: "h"}); !errors.Is(err, store.ErrExists) {
			t.Errorf("duplicate: %v", err)
		}
		if err := db.AddUser(ctx, &store.User{Name: "nounit", Role: store.RoleAgency, PasswordHash: "h"}); err == nil {
			t.Error("agency without unit accepted")
		}
		if err := db.AddUser(ctx, &store.User{Name: "admin", Role: "root", PasswordHash: "h"}); err == nil {
			t.Error("unknown role accepted")
		}
		if err := db.AddUser(ctx, &store.User{Name: "caizheng", Role: store.RoleBureau, PasswordHash: "h0"}); err != nil {
			t.Fatal(err)
		}
		u, err := db.User(ctx, "jiuzhu")
		if err != nil || u.Unit != "救助站" || u.Role != store.RoleAgency || u.Disabled || u.CreatedAt.IsZero() || u.ID == 0 {
			t.Fatalf("user: %+v %v", u, err)
		}
		if _, err := db.User(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("user nobody: %v", err)
		}
		if err := db.SetPassword(ctx, "nobody", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("set password of nobody: %v", err)
		}
		if err := db.SetDisabled(ctx, "nobody", true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("disable nobody: %v", err)
		}
		if err := db.SetPassword(ctx, "caizheng", "h1"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetDisabled(ctx, "caizheng", true); err != nil {
			t.Fatal(err)
		}
		us, err := db.ListUsers(ctx)
		if err != nil || len(us) != 2 || us[0].Name != "caizheng" || us[1].Name != "jiuzhu" {
			t.Fatalf("list: %+v %v", us, err)
		}
		if us[0].PasswordHash != "h1" || !us[0].Disabled || us[1].Disabled {
			t.Errorf("after set password and disable: %+v %+v", us[0], us[1])
		}
	})
	t.Run("Sessions", func(t *testing.T) {
		db := e.Open(t)
		if err := db.AddUser(ctx, &store.User{Name: "jiuzhu", Role: store.RoleAgency, Unit: "救助站", PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
		s := &store.Session{TokenHash: store.Hash([]byte("tok")), User: "jiuzhu", CSRF: "c", ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.AddSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := db.AddSession(ctx, &store.Session{TokenHash: store.Hash([]byte("x")), User: "nobody", ExpiresAt: s.ExpiresAt}); err == nil {
			t.Error("session of no account accepted")
		}
		if got, err := db.Session(ctx, s.TokenHash); err != nil || got.User != "jiuzhu" || got.CSRF != "c" {
			t.Fatalf("session: %+v %v", got, err)
		}
		if err := db.SetDisabled(ctx, "jiuzhu", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, s.TokenHash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session of a disabled user survives: %v", err)
		}
		expired := &store.Session{TokenHash: store.Hash([]byte("old")), User: "jiuzhu", CSRF: "c", ExpiresAt: time.Now().Add(-time.Minute)}
		if err := db.AddSession(ctx, expired); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, expired.TokenHash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: %v", err)
		}
		ended := &store.Session{TokenHash: store.Hash([]byte("end")), User: "jiuzhu", CSRF: "c", ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.AddSession(ctx, ended); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, ended.TokenHash); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, ended.TokenHash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted session: %v", err)
		}
	})
	t.Run("SessionSharedByServers", func(t *testing.T) {
		// A session opened through one store is found through another on
		// the same database (another server of the portal).
		a := e.Open(t)
		b := e.Again(t, a)
		if err := a.AddUser(ctx, &store.User{Name: "jiuzhu", Role: store.RoleAgency, Unit: "救助站", PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
		s := &store.Session{TokenHash: store.Hash([]byte("tok")), User: "jiuzhu", CSRF: "c", ExpiresAt: time.Now().Add(time.Hour)}
		if err := a.AddSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got, err := b.Session(ctx, s.TokenHash); err != nil || got.User != "jiuzhu" {
			t.Errorf("session through the other store: %+v %v", got, err)
		}
	})
	t.Run("Reviews", func(t *testing.T) {
		db := e.Open(t)
		rev := mustAdd(t, db, Revision("救助站", "v1"))
		if rs, err := db.Reviews(ctx, rev.SubmissionID); err != nil || len(rs) != 0 {
			t.Fatalf("reviews before any: %+v %v", rs, err)
		}
		for _, r := range []*store.Review{
			{Submission: rev.SubmissionID, Revision: rev.ID, Status: store.ReviewReturned, Comment: "请补充原因", By: "局", Level: store.LevelDepartment},
			{Submission: rev.SubmissionID, Revision: rev.ID, Status: store.ReviewAccepted, By: "局"},
		} {
			if err := db.AddReview(ctx, r); err != nil {
				t.Fatal(err)
			}
			if r.ID == 0 || r.At.IsZero() {
				t.Errorf("review as added: %+v", r)
			}
		}
		if err := db.AddReview(ctx, &store.Review{Submission: rev.SubmissionID, Revision: rev.ID, Status: "maybe", By: "局"}); err == nil {
			t.Error("unknown review status accepted")
		}
		rs, err := db.Reviews(ctx, rev.SubmissionID)
		if err != nil || len(rs) != 2 || rs[0].Comment != "请补充原因" || rs[1].Status != store.ReviewAccepted || rs[0].By != "局" {
			t.Fatalf("reviews: %+v %v", rs, err)
		}
		if rs[0].Level != store.LevelDepartment || rs[1].Level != store.LevelBureau {
			t.Errorf("review levels %q %q, want department, then bureau (the default)", rs[0].Level, rs[1].Level)
		}
		if err := db.AddReview(ctx, &store.Review{Submission: rev.SubmissionID, Revision: rev.ID, Status: store.ReviewAccepted, By: "局", Level: "county"}); err == nil {
			t.Error("unknown review level accepted")
		}
	})
}
