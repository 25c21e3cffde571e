package local_test

import (
	"os"
	"path/filepath"
	"testing"

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
