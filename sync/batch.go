package sync

import (
	"context"
	"fmt"
	gosync "sync"
	"time"

	"github.com/jxsync/jxsync/store"
)

// Progress is told about each file as a batch goes: done of total, and the
// file just finished (the result of its first form). It is called once the
// file's outcome is final: for a stored file, after its batch committed.
type Progress func(done, total int, r *ImportResult)

// Group commit. Workers read, validate and plan each file and write its
// original with store.Deferred's PutDeferred (no sync); one committer
// gathers what is queued into a batch — up to MaxBatch files, for as long
// as more keep coming (a BatchWait without one ends the batch) but at most
// MaxBatchWait — makes that batch's originals durable with one Flush, then
// records all their revisions in one transaction. Fewer, larger batches
// mean fewer file system syncs and WAL fsyncs in a bulk import, while a
// lone file waits only BatchWait. A file's outcome is
// final — reported to Progress, counted — only after its batch committed,
// so nothing acknowledged can be lost on power failure. When a batch's
// transaction fails, its files are recorded one by one, so that one bad
// file fails alone.
//
// A blob store that is not Deferred (S3) is remote: a write is a round
// trip. The workers then hand each planned file to a pool of
// UploadsPerWorker uploaders per worker, which write its original and then
// queue it for the committer, so that the round trips overlap with reading
// and validating the next files.
const (
	// MaxBatch is the most files one commit records.
	MaxBatch = 128
	// MaxQueued is the most files waiting for the committer while it
	// records a batch. Each holds its parsed forms until committed, so
	// this bounds an import's memory when the committer is slower than
	// the workers: at most MaxBatch files being recorded, MaxQueued
	// waiting and one per worker (and uploader) are in hand, however many
	// the import has.
	MaxQueued = MaxBatch / 2
	// BatchWait is how long the committer waits for another file while
	// gathering a batch: a BatchWait in which none came ends the batch.
	BatchWait = 3 * time.Millisecond
	// MaxBatchWait is the longest the committer gathers one batch while
	// files keep coming, which bounds how long a file waits for its batch
	// to start committing.
	MaxBatchWait = 100 * time.Millisecond
	// UploadsPerWorker is how many originals per worker may be on their
	// way to a remote blob store at once. Each uploader holds one file
	// (its bytes and parsed forms), which bounds the memory they add.
	UploadsPerWorker = 4
)

// ImportAll imports sources with workers goroutines (at least 1) and returns
// one result per form (one for a file that could not be read) in the order
// of sources. A store failure on one file does not stop the others, but
// MaxStoreFailures files failing in a row stop the batch (the store is
// down); cancelling ctx stops taking new files (the files in hand are
// finished).
func (s *Service) ImportAll(ctx context.Context, srcs []Source, workers int, by string, progress Progress) []*ImportResult {
	return s.ImportAllWith(ctx, srcs, workers, ImportOptions{By: by}, progress)
}

// queued is a file handed to the committer: its index among the sources and
// its planned forms, original written but not yet durable. Before an
// uploader has written it to a remote blob store, data holds the original
// (and hash is empty).
type queued struct {
	i    int
	p    *pendingFile
	hash string
	data []byte
}

// ImportAllWith is ImportAll with options.
func (s *Service) ImportAllWith(ctx context.Context, srcs []Source, workers int, opts ImportOptions, progress Progress) []*ImportResult {
	out := make([][]*ImportResult, len(srcs))
	s.runBatch(ctx, srcs, workers, opts, progress, func(i int, rs []*ImportResult) { out[i] = rs })
	var flat []*ImportResult
	for _, rs := range out {
		flat = append(flat, rs...)
	}
	return flat
}

// ImportEach imports sources like ImportAllWith but keeps no file's
// results: each (when set) is told every file's results in the order of
// sources — a file is held back only while an earlier one is still in
// hand — and the returned tally only counts them. Use it where the number
// of files is not bounded (the CLI) so that memory does not grow with it.
func (s *Service) ImportEach(ctx context.Context, srcs []Source, workers int, opts ImportOptions, progress Progress, each func(rs []*ImportResult)) ImportTally {
	var tally ImportTally
	ahead := map[int][]*ImportResult{} // files finished before an earlier one
	next := 0
	s.runBatch(ctx, srcs, workers, opts, progress, func(i int, rs []*ImportResult) {
		ahead[i] = rs
		for {
			rs, ok := ahead[next]
			if !ok {
				return
			}
			delete(ahead, next)
			next++
			tally.Add(rs)
			if each != nil {
				each(rs)
			}
		}
	})
	return tally
}

// runBatch is the batch of ImportAllWith and ImportEach: final is told
// each file's index and results once, one call at a time — as files finish,
// then, in the order of sources, the files that were not tried (cancelled).
func (s *Service) runBatch(ctx context.Context, srcs []Source, workers int, opts ImportOptions, progress Progress, final func(int, []*ImportResult)) {
	if workers < 1 {
		workers = 1
	}
	if sw, ok := s.Blobs.(store.Sweeper); ok {
		_, _ = sw.Sweep(ctx, LeftoverAge) // what killed imports left; best effort
	}
	halt := make(chan struct{}) // closed when the store is seen down
	delivered := make([]bool, len(srcs))
	var mu gosync.Mutex
	done, failures := 0, 0
	var stopped string
	// deliver makes a file's outcome final.
	deliver := func(i int, rs []*ImportResult) {
		mu.Lock()
		defer mu.Unlock()
		delivered[i] = true
		if failed(rs) {
			if failures++; failures >= MaxStoreFailures && stopped == "" {
				stopped = rs[0].FirstError
				close(halt)
			}
		} else {
			failures = 0
		}
		done++
		if opts.OnFile != nil {
			opts.OnFile(rs)
		}
		if progress != nil {
			progress(done, len(srcs), rs[0])
		}
		final(i, rs)
	}

	units := &batchUnits{}
	commits := make(chan queued, MaxQueued)
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		// What is in hand is committed even when ctx is cancelled.
		s.committer(context.WithoutCancel(ctx), commits, opts, deliver)
	}()

	// Cancelling ctx stops taking files; the files in hand are finished.
	work := context.WithoutCancel(ctx)
	var up *uploaders
	if _, local := s.Blobs.(store.Deferred); !local {
		up = s.startUploaders(work, UploadsPerWorker*workers, opts, halt, commits, deliver)
	}
	jobs := make(chan int)
	var wg gosync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if q, rs := s.stage(work, srcs[i], opts, units); q != nil {
					q.i = i
					if q.data != nil {
						up.in <- *q
					} else {
						commits <- *q
					}
				} else {
					_ = s.auditFiles(work, opts, rs) // a failure is in the results
					deliver(i, rs)
				}
			}
		}()
	}
feed:
	for i := range srcs {
		select {
		case <-halt:
			break feed
		default:
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		case <-halt:
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if up != nil {
		close(up.in)
		up.wg.Wait()
	}
	close(commits)
	<-committed

	why := "未处理：导入被中断，请重新运行 (not processed: interrupted; run again)"
	if stopped != "" {
		why = fmt.Sprintf("未处理：存储连续 %d 次失败，导入已停止，请检查存储后重新运行 (not processed: the store failed %d times in a row: %s)",
			MaxStoreFailures, MaxStoreFailures, stopped)
	}
	for i, ok := range delivered {
		if !ok {
			final(i, []*ImportResult{{File: srcs[i].Name, Outcome: OutcomeCancelled, FirstError: why}})
		}
	}
}

// stage reads, validates and plans one source (with the batch's unit
// index units) and writes its original to a store.Deferred without
// waiting for it to be durable. It returns the file to commit (to upload
// first, with its data, when the blob store is not Deferred), or (nil, its
// final results) when nothing is to be recorded.
func (s *Service) stage(ctx context.Context, src Source, opts ImportOptions, units *batchUnits) (*queued, []*ImportResult) {
	data, err := src.Read()
	if err != nil {
		return nil, []*ImportResult{{File: src.Name, Outcome: OutcomeUnreadable, FirstError: err.Error()}}
	}
	reps, err := s.ValidateForms(src.Name, data, ReadOptions{})
	if err != nil {
		return nil, []*ImportResult{{File: src.Name, Outcome: OutcomeUnreadable, FirstError: err.Error()}}
	}
	p, err := s.prepare(ctx, src.Name, data, reps, opts, units)
	if err != nil {
		for _, r := range p.out {
			if r.Outcome == "" {
				r.Outcome, r.FirstError = OutcomeFailed, err.Error()
			}
		}
		return nil, p.out
	}
	if len(p.nrs) == 0 {
		return nil, p.out
	}
	d, ok := s.Blobs.(store.Deferred)
	if !ok {
		return &queued{p: p, data: data}, nil // an uploader writes it
	}
	hash, err := d.PutDeferred(ctx, data)
	if err != nil {
		rs, _ := p.fail(err)
		return nil, rs
	}
	p.setBlob(hash)
	return &queued{p: p, hash: hash}, nil
}

// committer records queued files in batches until in is closed.
func (s *Service) committer(ctx context.Context, in <-chan queued, opts ImportOptions, deliver func(int, []*ImportResult)) {
	for q, ok := <-in; ok; q, ok = <-in {
		ticks := time.NewTicker(BatchWait)
		batch := gather(in, q, time.Now().Add(MaxBatchWait), ticks.C)
		ticks.Stop()
		s.commitBatch(ctx, batch, opts)
		for _, q := range batch {
			deliver(q.i, q.p.out)
		}
	}
}

// gather returns a batch of first and the files that follow it on in: up
// to MaxBatch, ending at the first tick (every BatchWait) before which no
// file came since the previous one, at the first tick after deadline, or
// when in is closed.
func gather(in <-chan queued, first queued, deadline time.Time, ticks <-chan time.Time) []queued {
	batch := []queued{first}
	came := false
	for len(batch) < MaxBatch {
		select {
		case q, ok := <-in:
			if !ok {
				return batch
			}
			batch = append(batch, q)
			came = true
		case now := <-ticks:
			if !came || now.After(deadline) {
				return batch
			}
			came = false
		}
	}
	return batch
}

// commitBatch makes a batch's originals durable and records their
// revisions, with one audit entry per file, in one transaction, or file by
// file when that fails.
func (s *Service) commitBatch(ctx context.Context, batch []queued, opts ImportOptions) {
	if d, ok := s.Blobs.(store.Deferred); ok {
		hashes := make([]string, len(batch))
		for i, q := range batch {
			hashes[i] = q.hash
		}
		if err := d.Flush(ctx, hashes); err != nil {
			outs := make([][]*ImportResult, len(batch))
			for i, q := range batch {
				outs[i], _ = q.p.fail(err)
			}
			_ = s.auditFiles(ctx, opts, outs...) // best effort: nothing was stored
			return
		}
	}
	files := make([]*pendingFile, len(batch))
	for i, q := range batch {
		files[i] = q.p
	}
	if err := s.addAudited(ctx, opts, files); err == nil || isAudited(err) {
		return // an audit failure after recording is in the results
	}
	for _, q := range batch {
		if err := s.addAudited(ctx, opts, []*pendingFile{q.p}); err != nil && !isAudited(err) {
			rs, _ := q.p.fail(err)
			_ = s.auditFiles(ctx, opts, rs)
		}
	}
}

// MaxStoreFailures is how many files in a row may fail on the store before
// a batch stops taking new files (the store is down: the rest would fail
// too, each after its retries).
const MaxStoreFailures = 5

// failed reports whether a file's import failed on the store.
func failed(rs []*ImportResult) bool {
	for _, r := range rs {
		if r.Outcome == OutcomeFailed {
			return true
		}
	}
	return false
}
