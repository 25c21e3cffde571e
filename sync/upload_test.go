package sync_test

import (
	"context"
	gosync "sync"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	jxsync "github.com/jxsync/jxsync/sync"
)

// remoteBlobs is a blob store that is not store.Deferred, as S3 is, whose
// writes wait until want of them are in flight at once (or, when that never
// happens, until a while has passed), and which counts the most writes it
// saw in flight.
type remoteBlobs struct {
	store.Blobs
	want int

	mu       gosync.Mutex
	inFlight int
	most     int
	enough   chan struct{}
	released bool
}

func (r *remoteBlobs) Put(ctx context.Context, data []byte) (string, error) {
	r.mu.Lock()
	r.inFlight++
	r.most = max(r.most, r.inFlight)
	if r.inFlight >= r.want && !r.released {
		r.released = true
		close(r.enough)
	}
	r.mu.Unlock()
	select {
	case <-r.enough:
	case <-time.After(3 * time.Second): // the writes do not overlap: the test fails
	}
	hash, err := r.Blobs.Put(ctx, data)
	r.mu.Lock()
	r.inFlight--
	r.mu.Unlock()
	return hash, err
}

// TestRemoteBlobWritesOverlap: with a remote blob store, more originals are
// on their way at once than there are workers (the round trips overlap with
// reading the next files), and every file is still stored and recorded,
// its results in the order of the sources.
func TestRemoteBlobWritesOverlap(t *testing.T) {
	const n, workers = 8, 2
	dir := t.TempDir()
	testkit.WriteWorkbooks(t, dir, n)
	srcs, bad := jxsync.Collect([]string{dir}, jxsync.CollectLimits{})
	if len(srcs) != n || len(bad) != 0 {
		t.Fatalf("collect: %d, %v", len(srcs), bad)
	}
	folder, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	blobs := &remoteBlobs{Blobs: folder, want: workers + 1, enough: make(chan struct{})}
	svc := testkit.Service(t, testkit.WithBlobs(blobs))
	var order []string
	tally := svc.ImportEach(context.Background(), srcs, workers, jxsync.ImportOptions{By: "test"}, nil, func(rs []*jxsync.ImportResult) {
		order = append(order, rs[0].File)
	})
	if blobs.most <= workers {
		t.Errorf("at most %d blob writes in flight, want more than the %d workers", blobs.most, workers)
	}
	for i, src := range srcs {
		if i >= len(order) || order[i] != src.Name {
			t.Fatalf("results in order %q, want the order of the sources", order)
		}
	}
	if tally.Files != n || tally.Outcomes[store.OutcomeImported] != n {
		t.Errorf("tally %+v, want %d files", tally, n)
	}
	if c := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); c != n {
		t.Errorf("revisions = %d, want %d", c, n)
	}
	probs, err := svc.CheckStore(context.Background())
	if err != nil || len(probs) != 0 {
		t.Errorf("CheckStore: %q %v", probs, err)
	}
}
