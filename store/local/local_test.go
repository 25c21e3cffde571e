package local_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/storetest"
)

func TestBlobs(t *testing.T) {
	var dir string
	storetest.Blobs(t, func(t *testing.T) store.Blobs {
		dir = t.TempDir()
		b, err := local.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, func(t *testing.T, _ store.Blobs, hash string) {
		if err := os.WriteFile(filepath.Join(dir, hash[:2], hash), []byte("tampered"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLeftovers: temporary files of interrupted writes older than the age
// given are listed and swept; a younger one (a write in progress) and blobs
// are kept.
func TestLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := b.Put(ctx, []byte("blob"))
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, hash[:2])
	old, young := filepath.Join(sub, ".put-123"), filepath.Join(sub, ".put-456")
	for _, p := range []string{old, young} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	left, err := b.Leftovers(ctx, time.Hour)
	if err != nil || len(left) != 1 || left[0] != old {
		t.Fatalf("leftovers: %v %v", left, err)
	}
	removed, err := b.Sweep(ctx, time.Hour)
	if err != nil || len(removed) != 1 {
		t.Fatalf("sweep: %v %v", removed, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("old leftover still there")
	}
	if _, err := os.Stat(young); err != nil {
		t.Error("a write in progress was removed")
	}
	if got, err := b.Get(ctx, hash); err != nil || string(got) != "blob" {
		t.Errorf("blob: %q %v", got, err)
	}
}

// leftovers lists the temporary files under dir, whatever their age.
func leftovers(t *testing.T, b *local.Blobs) []string {
	t.Helper()
	left, err := b.Leftovers(context.Background(), -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// TestPutOverExisting: a blob stored again is kept, and one that was
// damaged is replaced by the next Put of its data; neither leaves a
// temporary file.
func TestPutOverExisting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := b.PutDeferred(ctx, []byte("原件"))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := b.PutDeferred(ctx, []byte("原件")); err != nil || again != hash {
		t.Fatalf("put again: %s %v", again, err)
	}
	if err := os.WriteFile(filepath.Join(dir, hash[:2], hash), []byte("损坏"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, hash); err == nil {
		t.Fatal("the damaged blob reads back")
	}
	if _, err := b.Put(ctx, []byte("原件")); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, hash); err != nil || string(got) != "原件" {
		t.Errorf("after putting it again: %q %v", got, err)
	}
	if left := leftovers(t, b); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestPutFailsWithoutLeftover: a Put that cannot place its blob (a folder
// is where the blob belongs) fails and removes its temporary file.
func TestPutFailsWithoutLeftover(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	hash := store.Hash([]byte("原件"))
	if err := os.MkdirAll(filepath.Join(dir, hash[:2], hash, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := b.PutDeferred(ctx, []byte("原件")); err == nil {
		t.Fatal("put over a folder succeeded")
	}
	if left := leftovers(t, b); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
