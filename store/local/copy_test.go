package local_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
)

// openPair opens two empty local blob stores and puts data into src.
func openPair(t *testing.T, data ...string) (src, dst *local.Blobs, srcDir string, hashes []string) {
	t.Helper()
	srcDir = t.TempDir()
	src, err := local.Open(srcDir)
	if err != nil {
		t.Fatal(err)
	}
	dst, err = local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range data {
		h, err := src.Put(context.Background(), []byte(d))
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	return src, dst, srcDir, hashes
}

func TestCopyBlobs(t *testing.T) {
	ctx := context.Background()
	src, dst, _, hashes := openPair(t, "工作簿一", "工作簿二")
	var seen []string
	n, err := store.CopyBlobs(ctx, dst, src, hashes, func(h string, _ int64) { seen = append(seen, h) })
	if err != nil || n != int64(len("工作簿一")+len("工作簿二")) || len(seen) != 2 {
		t.Fatalf("copy: %d bytes, %v, seen %v", n, err, seen)
	}
	for _, h := range hashes {
		if _, err := dst.Get(ctx, h); err != nil {
			t.Errorf("copied blob %s: %v", h, err)
		}
	}
}

func TestCopyBlobsCorruptSource(t *testing.T) {
	ctx := context.Background()
	src, dst, dir, hashes := openPair(t, "好的", "坏的")
	bad := hashes[1]
	if err := os.WriteFile(filepath.Join(dir, bad[:2], bad), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := store.CopyBlobs(ctx, dst, src, hashes, nil)
	if !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("copy of a corrupt blob: %v", err)
	}
	if _, err := dst.Get(ctx, bad); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("corrupt blob was copied: %v", err)
	}
	missing := store.Hash([]byte("从未保存"))
	if _, err := store.CopyBlobs(ctx, dst, src, []string{missing}, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("copy of a missing blob: %v", err)
	}
}
