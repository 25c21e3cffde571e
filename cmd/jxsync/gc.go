package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	gosync "sync"
)

// importGCPercent is the garbage collector's target for a bulk import:
// each workbook's read, extraction and encoding are short-lived garbage
// while the live heap stays small (bounded by the files in hand), so
// collecting at twice the default growth spends about a tenth less CPU for
// some ten megabytes more peak memory.
const importGCPercent = 200

// Memory ceiling of an import. At importGCPercent the heap may grow to
// three times what is live, and what is live varies with the files in
// hand (a batch of 200-row forms holds more than one of 10-row ones), so
// an import's peak memory kept creeping up with the number of files as
// rarer peaks came. During an import the runtime's soft memory limit is
// therefore importMemoryBase plus importMemoryPerWorker per worker (64 MiB
// for 2) — what the fixed part (templates, compiled rules, coders), a full
// batch in hand and each worker's workbook in progress need — as long as
// at most three fifths of it are live, so that the collector still has
// two fifths of the limit to fill between two runs. When a large
// workbook makes more live, the limit is lifted until it is gone (held
// near what is live, the collector would run ever more often and return
// memory only to take it back).
const (
	importMemoryBase      = 48 << 20
	importMemoryPerWorker = 8 << 20
)

// tuneGCForImport sets importGCPercent unless GOGC is set in the
// environment, and keeps the soft memory limit at the import's ceiling
// for workers (see importMemoryBase) unless GOMEMLIMIT is set; the
// environment always wins. It returns what restores the previous settings.
func tuneGCForImport(workers int) (restore func()) {
	var undo []func()
	if _, set := os.LookupEnv("GOGC"); !set {
		old := debug.SetGCPercent(importGCPercent)
		undo = append(undo, func() { debug.SetGCPercent(old) })
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		l := newMemoryLimiter(importMemoryBase + int64(max(workers, 1))*importMemoryPerWorker)
		undo = append(undo, l.stop)
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}

// memoryLimiter keeps the runtime's soft memory limit at floor while the
// live heap, measured after each garbage collection, leaves room under it
// (see limitFor), until stopped.
type memoryLimiter struct {
	floor int64
	old   int64 // the limit before
	mu    gosync.Mutex
	done  bool
	live  []metrics.Sample
}

// newMemoryLimiter sets the limit to floor and follows the live heap from
// the next collection on.
func newMemoryLimiter(floor int64) *memoryLimiter {
	l := &memoryLimiter{floor: floor, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	l.old = debug.SetMemoryLimit(floor)
	l.arm()
	return l
}

// gcSentinel is garbage as soon as it is made: its cleanup runs after the
// next collection. The pointer keeps it out of the tiny allocator, whose
// blocks may hold it alive longer.
type gcSentinel struct {
	_ *int
	_ [8]byte
}

// arm asks to be called after the next collection.
func (l *memoryLimiter) arm() {
	runtime.AddCleanup(new(gcSentinel), func(l *memoryLimiter) { l.collected() }, l)
}

// collected moves the limit to follow the live heap and waits for the next
// collection.
func (l *memoryLimiter) collected() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return
	}
	metrics.Read(l.live)
	debug.SetMemoryLimit(limitFor(l.floor, l.old, l.live[0].Value.Uint64()))
	l.arm()
}

// limitFor is the memory limit for a live heap of live bytes: floor while
// at most three fifths of it are live; none (off, the limit before) when
// more is.
func limitFor(floor, off int64, live uint64) int64 {
	if live <= uint64(max(floor, 0))/5*3 {
		return floor
	}
	return off
}

// stop puts the previous limit back; the limiter changes it no more.
func (l *memoryLimiter) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
	debug.SetMemoryLimit(l.old)
}
