package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/store/storetest"
)

// TestBackupWhileWriting copies the records while another goroutine adds
// revisions: the copy opens, is consistent, and holds the revisions of one
// moment (at least those added before, at most those added by the end).
func TestBackupWhileWriting(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, _, err := db.AddRevision(ctx, storetest.Revision(fmt.Sprintf("单位%d", i), fmt.Sprint("before", i))); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error)
	stop := make(chan struct{})
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, _, err := db.AddRevision(ctx, storetest.Revision(fmt.Sprintf("并发单位%d", i), fmt.Sprint("during", i))); err != nil {
				done <- err
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup", "jxsync.db")
	err := db.Backup(ctx, path)
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	copyDB, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	probs, err := copyDB.Check(ctx)
	if err != nil || len(probs) != 0 {
		t.Fatalf("check of the copy: %v %v", probs, err)
	}
	n, total := countRevisions(t, copyDB), countRevisions(t, db)
	if n < 5 || n > total {
		t.Errorf("copy holds %d revisions; want between 5 and %d", n, total)
	}
	blobs, err := copyDB.Blobs(ctx)
	if err != nil || len(blobs) != int(n) {
		t.Errorf("blobs of the copy: %d, %v; want %d", len(blobs), err, n)
	}
}

// TestBackupRefusesExistingFile: Backup never overwrites.
func TestBackupRefusesExistingFile(t *testing.T) {
	db := MustOpenDB(t)
	path := filepath.Join(t.TempDir(), "jxsync.db")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(context.Background(), path); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("backup onto an existing file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Errorf("existing file changed: %q", b)
	}
	fresh := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(context.Background(), fresh); err != nil {
		t.Fatalf("backup to a new file: %v", err)
	}
}

func countRevisions(t *testing.T, db *sqlite.DB) int64 {
	t.Helper()
	_, rows, err := db.Query(context.Background(), `SELECT count(*) FROM revisions`)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0].(int64)
}
