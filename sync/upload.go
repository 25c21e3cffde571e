package sync

import (
	"context"
	gosync "sync"
	"sync/atomic"
)

// uploaders write the originals of planned files to a blob store that is
// not store.Deferred (a remote one), several at once, and queue each file
// for the committer once its original is stored; a file whose write fails
// is final then (failed). While writes fail, one is tried at a time and
// its failure counted before the next is tried, so that a store that is
// down is seen after MaxStoreFailures writes, as with one worker; once the
// batch has stopped (halt), the files they still hold are not tried
// (cancelled).
type uploaders struct {
	in      chan queued
	wg      gosync.WaitGroup
	failing atomic.Bool
	probe   gosync.Mutex // held by the one write tried while failing
}

// startUploaders starts n uploaders that take files from the returned
// uploaders' in until it is closed (then wait on its wg).
func (s *Service) startUploaders(ctx context.Context, n int, opts ImportOptions, halt <-chan struct{},
	commits chan<- queued, deliver func(int, []*ImportResult)) *uploaders {
	u := &uploaders{in: make(chan queued)}
	for range n {
		u.wg.Add(1)
		go func() {
			defer u.wg.Done()
			for q := range u.in {
				if q, ok := u.upload(ctx, s, q, opts, halt, deliver); ok {
					commits <- q
				}
			}
		}()
	}
	return u
}

// upload writes q's original and reports whether q is to be committed;
// when not, the file was delivered (its write failed) or is left
// undelivered (the batch stopped before it was tried).
func (u *uploaders) upload(ctx context.Context, s *Service, q queued, opts ImportOptions, halt <-chan struct{},
	deliver func(int, []*ImportResult)) (queued, bool) {
	if u.failing.Load() {
		u.probe.Lock()
		defer u.probe.Unlock()
	}
	select {
	case <-halt:
		return q, false
	default:
	}
	hash, err := s.Blobs.Put(ctx, q.data)
	if err != nil {
		u.failing.Store(true)
		rs, _ := q.p.fail(err)
		_ = s.auditFiles(ctx, opts, rs) // a failure is in the results
		deliver(q.i, rs)
		return q, false
	}
	u.failing.Store(false)
	q.p.setBlob(hash)
	q.hash, q.data = hash, nil
	return q, true
}
