package main

import (
	"os"
	"runtime/debug"
)

// importGCPercent is the garbage collector's target for a bulk import:
// each workbook's read, extraction and encoding are short-lived garbage
// while the live heap stays small (bounded by the files in hand), so
// collecting at twice the default growth spends about a tenth less CPU for
// some ten megabytes more peak memory.
const importGCPercent = 200

// tuneGCForImport sets importGCPercent unless GOGC is set in the
// environment, which always wins, and returns what restores the previous
// setting.
func tuneGCForImport() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(importGCPercent)
	return func() { debug.SetGCPercent(old) }
}
