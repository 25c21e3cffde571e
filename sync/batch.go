package sync

import (
	"context"
	"fmt"
	gosync "sync"

	"github.com/jxsync/jxsync/store"
)

// Progress is told about each file as a batch goes: done of total, and the
// file just finished (the result of its first form).
type Progress func(done, total int, r *ImportResult)

// ImportAll imports sources with workers goroutines (at least 1) and returns
// one result per form (one for a file that could not be read) in the order
// of sources. A store failure on one file
// does not stop the others; cancelling ctx stops taking new files.
func (s *Service) ImportAll(ctx context.Context, srcs []Source, workers int, by string, progress Progress) []*ImportResult {
	return s.ImportAllWith(ctx, srcs, workers, ImportOptions{By: by}, progress)
}

// ImportAllWith is ImportAll with options.
func (s *Service) ImportAllWith(ctx context.Context, srcs []Source, workers int, opts ImportOptions, progress Progress) []*ImportResult {
	if workers < 1 {
		workers = 1
	}
	if sw, ok := s.Blobs.(store.Sweeper); ok {
		_, _ = sw.Sweep(ctx, LeftoverAge) // what killed imports left; best effort
	}
	halt := make(chan struct{}) // closed when the store is seen down
	out := make([][]*ImportResult, len(srcs))
	jobs := make(chan int)
	var mu gosync.Mutex
	done, failures := 0, 0
	var stopped string
	var wg gosync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = s.importSource(ctx, srcs[i], opts)
				mu.Lock()
				if failed(out[i]) {
					if failures++; failures >= MaxStoreFailures && stopped == "" {
						stopped = out[i][0].FirstError
						close(halt)
					}
				} else {
					failures = 0
				}
				done++
				if progress != nil {
					progress(done, len(srcs), out[i][0])
				}
				mu.Unlock()
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
	why := "未处理：已取消 (not processed: cancelled)"
	if stopped != "" {
		why = fmt.Sprintf("未处理：存储连续 %d 次失败，导入已停止，请检查存储后重新运行 (not processed: the store failed %d times in a row: %s)",
			MaxStoreFailures, MaxStoreFailures, stopped)
	}
	var flat []*ImportResult
	for i, rs := range out {
		if len(rs) == 0 {
			rs = []*ImportResult{{File: srcs[i].Name, Outcome: OutcomeFailed, FirstError: why}}
		}
		flat = append(flat, rs...)
	}
	return flat
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

func (s *Service) importSource(ctx context.Context, src Source, opts ImportOptions) []*ImportResult {
	data, err := src.Read()
	if err != nil {
		return []*ImportResult{{File: src.Name, Outcome: OutcomeUnreadable, FirstError: err.Error()}}
	}
	rs, err := s.ImportFile(ctx, src.Name, data, opts)
	if len(rs) == 0 {
		rs = []*ImportResult{{File: src.Name, Outcome: OutcomeFailed}}
	}
	for _, r := range rs {
		if err != nil && r.FirstError == "" {
			r.FirstError = err.Error()
		}
	}
	return rs
}
