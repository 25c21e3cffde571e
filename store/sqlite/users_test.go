package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
)

func TestUsersSessionsReviews(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if err := db.AddUser(ctx, &store.User{Name: "jiuzhu", Role: store.RoleAgency, Unit: "救助站", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddUser(ctx, &store.User{Name: "jiuzhu", Role: store.RoleBureau, PasswordHash: "h"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate: %v", err)
	}
	if err := db.AddUser(ctx, &store.User{Name: "nounit", Role: store.RoleAgency, PasswordHash: "h"}); err == nil {
		t.Error("agency without unit accepted")
	}
	u, err := db.User(ctx, "jiuzhu")
	if err != nil || u.Unit != "救助站" || u.Role != store.RoleAgency {
		t.Fatalf("user: %+v %v", u, err)
	}
	if err := db.SetPassword(ctx, "nobody", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("set password of nobody: %v", err)
	}
	s := &store.Session{TokenHash: store.Hash([]byte("tok")), User: "jiuzhu", CSRF: "c", ExpiresAt: time.Now().Add(time.Hour)}
	if err := db.AddSession(ctx, s); err != nil {
		t.Fatal(err)
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
	db.AddSession(ctx, expired)
	if _, err := db.Session(ctx, expired.TokenHash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	rev, _, err := db.AddRevision(ctx, revision("救助站", "v1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddReview(ctx, &store.Review{Submission: rev.SubmissionID, Revision: rev.ID, Status: store.ReviewReturned, Comment: "请补充原因", By: "局"}); err != nil {
		t.Fatal(err)
	}
	rs, err := db.Reviews(ctx, rev.SubmissionID)
	if err != nil || len(rs) != 1 || rs[0].Comment != "请补充原因" {
		t.Fatalf("reviews: %+v %v", rs, err)
	}
}
