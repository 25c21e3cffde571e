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
