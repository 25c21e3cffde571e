package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads the GC percent without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// memoryLimit reads the soft memory limit without changing it.
func memoryLimit() int64 { return debug.SetMemoryLimit(-1) }

// TestImportGCPercent: an import collects garbage at importGCPercent and
// puts the previous setting back; GOGC in the environment wins.
func TestImportGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "100")
	restore := tuneGCForImport(2)
	if got := gcPercent(); got != 100 {
		t.Errorf("with GOGC set, the import changed the GC percent to %d", got)
	}
	restore()

	os.Unsetenv("GOGC") // t.Setenv restores it after the test
	restore = tuneGCForImport(2)
	if got := gcPercent(); got != importGCPercent {
		t.Errorf("GC percent during import = %d, want %d", got, importGCPercent)
	}
	restore()
	if got := gcPercent(); got != 100 {
		t.Errorf("GC percent after import = %d, want 100 back", got)
	}
}

// waitLimit collects garbage until the memory limit satisfies ok, or fails
// after a few seconds.
func waitLimit(t *testing.T, what string, ok func(int64) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(memoryLimit()); {
		if time.Now().After(deadline) {
			t.Fatalf("memory limit %d MiB: want %s", memoryLimit()>>20, what)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestImportMemoryLimit: during an import the soft memory limit is the
// ceiling for its workers while little is live, is lifted when a large
// workbook makes more than three fifths of it live, comes back when it is gone,
// and the previous limit is put back afterwards; GOMEMLIMIT in the
// environment wins.
func TestImportMemoryLimit(t *testing.T) {
	const before = 1 << 40
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(before))

	t.Setenv("GOMEMLIMIT", "1TiB")
	restore := tuneGCForImport(2)
	if got := memoryLimit(); got != before {
		t.Errorf("with GOMEMLIMIT set, the import changed the memory limit to %d", got)
	}
	restore()

	os.Unsetenv("GOMEMLIMIT")
	floor := int64(importMemoryBase + 4*importMemoryPerWorker)
	restore = tuneGCForImport(4)
	defer restore()
	if got := memoryLimit(); got != floor {
		t.Fatalf("memory limit at the start of an import = %d MiB, want %d MiB", got>>20, floor>>20)
	}
	const big = 160 << 20 // more than the floor: the limit must go
	live := make([]byte, big)
	for i := range live {
		live[i] = byte(i)
	}
	waitLimit(t, "lifted", func(l int64) bool { return l == before })
	runtime.KeepAlive(live)
	live = nil
	waitLimit(t, "the floor again", func(l int64) bool { return l == floor })
	restore()
	if got := memoryLimit(); got != before {
		t.Errorf("memory limit after the import = %d, want %d back", got, int64(before))
	}
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := memoryLimit(); got != before {
		t.Errorf("memory limit changed after the import ended: %d", got)
	}
}

// TestLimitFor: the limit is the floor while at most three fifths of it
// are live, and the limit before (off) when more is.
func TestLimitFor(t *testing.T) {
	const floor, off = 80 << 20, math.MaxInt64
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, floor},
		{20 << 20, floor},
		{40 << 20, floor},
		{48 << 20, floor},
		{48<<20 + 1, off},
		{200 << 20, off},
		{math.MaxUint64, off},
	} {
		if got := limitFor(floor, off, c.live); got != c.want {
			t.Errorf("limitFor(80 MiB, %d) = %d, want %d", c.live, got, c.want)
		}
	}
}
