package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent reads the GC percent without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestImportGCPercent: an import collects garbage at importGCPercent and
// puts the previous setting back; GOGC in the environment wins.
func TestImportGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "100")
	restore := tuneGCForImport()
	if got := gcPercent(); got != 100 {
		t.Errorf("with GOGC set, the import changed the GC percent to %d", got)
	}
	restore()

	os.Unsetenv("GOGC") // t.Setenv restores it after the test
	restore = tuneGCForImport()
	if got := gcPercent(); got != importGCPercent {
		t.Errorf("GC percent during import = %d, want %d", got, importGCPercent)
	}
	restore()
	if got := gcPercent(); got != 100 {
		t.Errorf("GC percent after import = %d, want 100 back", got)
	}
}
