package sync

import (
	"slices"
	"testing"
	"time"
)

// gatherSteps runs gather over an unbuffered queue, offering it in turn the
// steps: a file (i ≥ 0) or a tick (i < 0) at start + -i×BatchWait; each
// send returns only once gather took it, so the order is exactly the
// steps'. It returns the indexes gathered (file 0 is the first) and how
// many steps gather took.
func gatherSteps(t *testing.T, steps []int) (got []int, took int) {
	t.Helper()
	start := time.Unix(1_700_000_000, 0)
	in, ticks := make(chan queued), make(chan time.Time)
	done := make(chan []queued)
	go func() { done <- gather(in, queued{i: 0}, start.Add(MaxBatchWait), ticks) }()
	for _, st := range steps {
		var batch []queued
		if st >= 0 {
			select {
			case in <- queued{i: st}:
				took++
				continue
			case batch = <-done:
			}
		} else {
			select {
			case ticks <- start.Add(time.Duration(-st) * BatchWait):
				took++
				continue
			case batch = <-done:
			}
		}
		for _, q := range batch {
			got = append(got, q.i)
		}
		return got, took
	}
	close(in)
	for _, q := range <-done {
		got = append(got, q.i)
	}
	return got, took
}

// TestGatherWhileFilesKeepComing: files that keep coming — at least one
// between ticks — go into the same batch, well past what came in the first
// BatchWait; a tick with none since the previous ends the batch.
func TestGatherWhileFilesKeepComing(t *testing.T) {
	got, took := gatherSteps(t, []int{1, 2, -1, 3, -2, 4, 5, -3, -4, 6})
	if want := []int{0, 1, 2, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("batch %v, want %v", got, want)
	}
	if took != 9 {
		t.Errorf("gather took %d steps, want it to end at the quiet tick (9)", took)
	}
}

// TestGatherLoneFile: a file with none after it is committed at the first
// tick, not held for MaxBatchWait.
func TestGatherLoneFile(t *testing.T) {
	got, took := gatherSteps(t, []int{-1, 1})
	if !slices.Equal(got, []int{0}) || took != 1 {
		t.Errorf("batch %v after %d steps, want [0] after the first tick", got, took)
	}
}

// TestGatherBounded: a batch ends at the first tick after MaxBatchWait even
// while files keep coming, and at MaxBatch files without a tick.
func TestGatherBounded(t *testing.T) {
	late := -int(MaxBatchWait/BatchWait) - 1
	got, _ := gatherSteps(t, []int{1, -1, 2, late, 3})
	if !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("batch after the deadline %v, want [0 1 2]", got)
	}
	var steps []int
	for i := 1; i <= MaxBatch+5; i++ {
		steps = append(steps, i)
	}
	got, took := gatherSteps(t, steps)
	if len(got) != MaxBatch || took != MaxBatch-1 {
		t.Errorf("a full queue gave a batch of %d after %d files, want %d", len(got), took, MaxBatch)
	}
}
