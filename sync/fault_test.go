package sync_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/s3/s3test"
	jxsync "github.com/jxsync/jxsync/sync"
)

// fastS3Retries shortens minio-go's retries (by default 10 attempts with
// backoff up to 1 s, twice per file: stat, then put) so that files failing
// against a stopped server fail in milliseconds rather than seconds. It must
// be called before s3.Open.
func fastS3Retries(t *testing.T) {
	maxRetry, unit, cap := minio.MaxRetry, minio.DefaultRetryUnit, minio.DefaultRetryCap
	minio.MaxRetry, minio.DefaultRetryUnit, minio.DefaultRetryCap = 2, 5*time.Millisecond, 20*time.Millisecond
	t.Cleanup(func() { minio.MaxRetry, minio.DefaultRetryUnit, minio.DefaultRetryCap = maxRetry, unit, cap })
}

// TestS3StopsMidImport stops the S3 server while a folder is imported: the
// files after it fail with the reason and nothing is recorded for them; no
// revision points at a missing blob; once the server is back a second run
// stores the rest, without duplicates.
func TestS3StopsMidImport(t *testing.T) {
	fastS3Retries(t)
	srv := s3test.Start(t)
	blobs := s3Blobs(t, srv)
	svc := testkit.Service(t, testkit.WithBlobs(blobs))
	const n, stopAfter = 40, 6
	dir := t.TempDir()
	testkit.WriteWorkbooks(t, dir, n)
	srcs, bad := jxsync.Collect([]string{dir}, jxsync.CollectLimits{})
	if len(srcs) != n || len(bad) != 0 {
		t.Fatalf("collect: %d, %v", len(srcs), bad)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	start := time.Now()
	stopped := false
	res := svc.ImportAll(ctx, srcs, 2, "test", func(done, _ int, _ *jxsync.ImportResult) {
		if done == stopAfter && !stopped {
			srv.Stop()
			stopped = true
		}
	})
	t.Logf("import with the server stopped after %d files: %v", stopAfter, time.Since(start))
	got := outcomeCounts(res)
	imported, failed := got[store.OutcomeImported], got[jxsync.OutcomeFailed]+got[jxsync.OutcomeCancelled]
	// The files in flight when the server stops (in the other worker, or
	// written and waiting for their batch's commit, more of them when the
	// machine is busy) may still make it; at least MaxStoreFailures files
	// must fail for the import to stop.
	if imported+failed != n || imported < stopAfter || imported > n-jxsync.MaxStoreFailures {
		t.Fatalf("outcomes %v, want %d to %d imported and the rest failed", got, stopAfter, n-jxsync.MaxStoreFailures)
	}
	notTried := 0
	for _, r := range res {
		if r.Outcome != jxsync.OutcomeFailed && r.Outcome != jxsync.OutcomeCancelled {
			continue
		}
		// Tried: the store's error; after MaxStoreFailures of them in a
		// row the rest are not tried, and say why.
		if r.Revision != 0 || !strings.Contains(r.FirstError, "put blob") || !strings.Contains(r.FirstError, srv.Config.Endpoint) {
			t.Errorf("failed file %s: %+v", r.File, r)
		}
		if strings.Contains(r.FirstError, "连续") {
			notTried++
		}
	}
	// Besides the failures that stop it, the files in flight then (in the
	// pipeline, and those the workers already took: more when the machine
	// is busy) are tried; the rest are not.
	if notTried == 0 {
		t.Errorf("every file was tried after the store was seen down, want the import stopped")
	}
	t.Logf("a failed file: %s", res[n-1].FirstError)
	if c := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); c != int64(imported) {
		t.Errorf("revisions = %d, want %d (one per imported file)", c, imported)
	}

	srv.Restart(t)
	// Wait until the server answers again (retries are short here).
	var first int64
	for _, r := range res {
		if r.Outcome == store.OutcomeImported {
			first = r.Revision
			break
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, _, err := svc.Original(ctx, first)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted server does not answer: %v", err)
		}
	}
	// Every revision's original is there, whole.
	probs, err := svc.CheckStore(ctx)
	if err != nil || len(probs) != 0 {
		t.Fatalf("CheckStore after restart: %q %v", probs, err)
	}
	again := svc.ImportAll(ctx, srcs, 2, "test", nil)
	for i, r := range again {
		want := store.OutcomeImported
		if res[i].Outcome == store.OutcomeImported {
			want = store.OutcomeUnchanged
		}
		if r.Outcome != want || (want == store.OutcomeUnchanged && r.Revision != res[i].Revision) {
			t.Errorf("re-run %s: %s (revision %d), want %s", r.File, r.Outcome, r.Revision, want)
		}
	}
	assertNoDuplicates(t, svc, n)
}

// TestConcurrentImports imports two overlapping sets of files into one store
// (one SQLite file, one blob folder) from two services at once, as two
// processes would: no error, no duplicate revision, nothing left
// inconsistent, and neither waits forever.
func TestConcurrentImports(t *testing.T) {
	const n = 36
	dir := t.TempDir()
	files := testkit.WriteWorkbooks(t, dir, n)
	store1 := t.TempDir()
	dbPath, blobDir := filepath.Join(store1, "jxsync.db"), filepath.Join(store1, "blobs")
	// Both halves overlap on a third of the files; the second imports in
	// reverse order so that they meet in the middle.
	sets := [][]string{files[:2*n/3], reversed(files[n/3:])}
	// The store is created first: two first opens of a new SQLite file at
	// once can fail (PRAGMA journal_mode=WAL gets SQLITE_BUSY without
	// waiting), a store/sqlite issue of its own.
	blobs, err := local.Open(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	check := testkit.Service(t, testkit.WithBlobs(blobs), testkit.WithDB(dbPath))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	results := make([][]*jxsync.ImportResult, 2)
	start := time.Now()
	for i := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each opens the store itself, as a process would.
			blobs, err := local.Open(blobDir)
			if err != nil {
				t.Error(err)
				return
			}
			svc, err := testkit.Open(blobs, dbPath)
			if err != nil {
				t.Error(err)
				return
			}
			defer svc.Records.Close()
			srcs, _ := jxsync.Collect(sets[i], jxsync.CollectLimits{})
			results[i] = svc.ImportAll(ctx, srcs, 2, fmt.Sprint("importer", i), nil)
		}()
	}
	wg.Wait()
	t.Logf("two concurrent imports of %d files each: %v", 2*n/3, time.Since(start))
	if ctx.Err() != nil {
		t.Fatalf("imports did not finish: %v", ctx.Err())
	}
	byFile := map[string][]string{}
	for _, rs := range results {
		if rs == nil {
			t.Fatal("an importer did not run")
		}
		for _, r := range rs {
			byFile[r.File] = append(byFile[r.File], r.Outcome)
			if r.Outcome != store.OutcomeImported && r.Outcome != store.OutcomeUnchanged {
				t.Errorf("%s: %+v", r.File, r)
			}
		}
	}
	for f, outs := range byFile {
		imported := 0
		for _, o := range outs {
			if o == store.OutcomeImported {
				imported++
			}
		}
		if imported != 1 {
			t.Errorf("%s: outcomes %v, want imported exactly once", f, outs)
		}
	}
	if len(byFile) != n {
		t.Errorf("%d files imported, want %d", len(byFile), n)
	}
	assertNoDuplicates(t, check, n)
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
