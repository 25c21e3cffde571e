package sync

import (
	"context"
	gosync "sync"
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
	out := make([][]*ImportResult, len(srcs))
	jobs := make(chan int)
	var mu gosync.Mutex
	done := 0
	var wg gosync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = s.importSource(ctx, srcs[i], opts)
				mu.Lock()
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
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	var flat []*ImportResult
	for i, rs := range out {
		if len(rs) == 0 {
			rs = []*ImportResult{{File: srcs[i].Name, Outcome: OutcomeFailed, FirstError: "未处理：已取消 (not processed: cancelled)"}}
		}
		flat = append(flat, rs...)
	}
	return flat
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
