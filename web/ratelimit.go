package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	gosync "sync"
	"time"

	"github.com/jxsync/jxsync/store"
)

// retryError is an error answered with its status and a Retry-After
// header: a rate limit (429) or a full server (503).
type retryError struct {
	status int
	msg    string
	after  time.Duration
}

func (e *retryError) Error() string { return e.msg }

// retrySeconds is d in whole seconds for Retry-After, rounded up, at least 1.
func retrySeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// Keys of the limits' counts.
func pairKey(ip, name string) string { return "login:pair:" + ip + "\x00" + name }
func addrKey(ip string) string       { return "login:addr:" + ip }
func nameKey(name string) string     { return "login:name:" + name }
func uploadKey(user string) string   { return "upload:" + user }

// over returns how long until key has fewer than limit events within
// window, 0 when it has fewer now; n is how many it has.
func (s *Server) over(ctx context.Context, key string, limit int, window time.Duration) (wait time.Duration, n int, err error) {
	now := s.opts.Now()
	n, oldest, err := s.limits.Count(ctx, key, now.Add(-window))
	if err != nil || n < limit {
		return 0, n, err
	}
	// An event at the window's very edge still counts: the wait is never 0.
	return max(oldest.Add(window).Sub(now), time.Nanosecond), n, nil
}

// record counts an event of each key now and, now and then, forgets the
// events older than every window.
func (s *Server) record(ctx context.Context, keys ...string) {
	now := s.opts.Now()
	if err := s.limits.Record(ctx, now, keys...); err != nil {
		s.log.Error("web: record limit events", "err", err)
	}
	keep := max(s.opts.LoginWindow, s.opts.UploadWindow)
	if s.prune.due(now, keep) {
		if _, err := s.limits.Prune(ctx, now.Add(-keep)); err != nil {
			s.log.Error("web: prune limit events", "err", err)
		}
	}
}

// pruner says when the limits' old events are due to be forgotten: once
// per the longest window.
type pruner struct {
	mu   gosync.Mutex
	last time.Time
}

func (p *pruner) due(now time.Time, every time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.last) < every && !now.Before(p.last) {
		return false
	}
	p.last = now
	return true
}

// admitUpload counts an upload of the user, or refuses it (429) when the
// account has sent UploadLimit within UploadWindow. Concurrent uploads may
// pass the limit by the few that are counted at once.
func (s *Server) admitUpload(rq *request) error {
	key := uploadKey(rq.user.Name)
	wait, _, err := s.over(rq.ctx(), key, s.opts.UploadLimit, s.opts.UploadWindow)
	if err != nil {
		return err
	}
	if wait > 0 {
		return &retryError{http.StatusTooManyRequests, fmt.Sprintf("上传过于频繁，请 %d 秒后再试（每个账号 %s 内最多上传 %d 次） (too many uploads)",
			retrySeconds(wait), windowText(s.opts.UploadWindow), s.opts.UploadLimit), wait}
	}
	s.record(rq.ctx(), key)
	return nil
}

// windowText words a window: "1 分钟", "30 秒".
func windowText(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d 分钟", int(d.Minutes()))
	}
	return fmt.Sprintf("%d 秒", retrySeconds(d))
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// memLimits is store.Limits in memory, for a portal whose user store keeps
// no counts: they are this process's only and lost on restart.
type memLimits struct {
	mu     gosync.Mutex
	events map[string][]time.Time
}

var _ store.Limits = (*memLimits)(nil)

func newMemLimits() *memLimits { return &memLimits{events: map[string][]time.Time{}} }

// Record implements store.Limits.
func (m *memLimits) Record(_ context.Context, at time.Time, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.events[k] = append(m.events[k], at)
	}
	return nil
}

// Count implements store.Limits.
func (m *memLimits) Count(_ context.Context, key string, since time.Time) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, oldest := 0, time.Time{}
	for _, t := range m.events[key] {
		if t.Before(since) {
			continue
		}
		n++
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	return n, oldest, nil
}

// Reset implements store.Limits.
func (m *memLimits) Reset(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.events, k)
	}
	return nil
}

// Prune implements store.Limits.
func (m *memLimits) Prune(_ context.Context, before time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var gone int64
	for k, ts := range m.events {
		kept := ts[:0]
		for _, t := range ts {
			if t.Before(before) {
				gone++
			} else {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			delete(m.events, k)
		} else {
			m.events[k] = kept
		}
	}
	return gone, nil
}
