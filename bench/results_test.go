package bench

import (
	"strings"
	"testing"
	"time"
)

// TestReportTargets: each target of issue 12 is shown with this code's
// figure, the base's and a verdict; a rate that only meets the target per
// CPU-second says so.
func TestReportTargets(t *testing.T) {
	dir := t.TempDir()
	imp := func(code, set, st string, n int, wall, cpu time.Duration, rss int64) ImportRun {
		return ImportRun{Code: code, Set: set, Store: st, Workbooks: n, Workers: 2, Rows: 17,
			Outcomes: map[string]int{"imported": n}, Child: Child{Wall: wall, User: cpu, MaxRSS: rss}}
	}
	seedLocal := imp("", "seed", "local", 1000, 800*time.Millisecond, 1600*time.Millisecond, 40<<20)
	seedLocal.Storage = &Storage{Originals: 100 << 20, Records: 150 << 20}
	baseLocal := imp("base", "seed", "local", 1000, 4*time.Second, 6*time.Second, 40<<20)
	baseLocal.Storage = &Storage{Originals: 100 << 20, Records: 1900 << 20}
	imports := []ImportRun{
		seedLocal, baseLocal,
		// 1000 files in 4 s on 2 cores, 1 CPU-second: 250/s, CPU-bound 2000/s.
		imp("", "seed", "s3", 1000, 4*time.Second, time.Second, 40<<20),
		imp("", "mix", "local", 100, time.Second, time.Second, 40<<20),
		imp("", "mix", "local", 1000, 5*time.Second, 10*time.Second, 48<<20),
	}
	if err := WriteJSON(dir, "imports.json", imports); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(dir, "base/env.json", map[string]string{"ref": "017809e", "commit": "017809e"}); err != nil {
		t.Fatal(err)
	}
	md, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| import of 1000 workbooks, seed-sized (mean 17 rows), into local ≥ 1000/s on 2 cores | 1250/s | 1250/s | 250/s | 333/s | 3.75× | **PASS** |",
		"| import of 1000 workbooks, seed-sized (mean 17 rows), into s3 ≥ 500/s on 2 cores | 250/s | 2000/s | – | – | – | **MISS** (CPU-bound PASS) |",
		"| import of 1000 workbooks, 10–200 rows (mean 17), into local ≥ 300/s on 2 cores | 200/s | 200/s | – | – | – | **MISS** |",
		"| peak RSS independent of the count (10–200 rows, local, 100 → 1000 workbooks; ≤ 1.10×) | 40 MB → 48 MB (1.20×) | – | – | – | – | **MISS** |",
		"| records growth ≤ 2× the originals (1000 workbooks, seed-sized (mean 17 rows), 100 MB of originals) | 1.50× (150 MB) | – | 19.00× | – | 0.08× | **PASS** |",
		"the base (`017809e`, 017809e)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no line\n%s\nin\n%s", want, md)
		}
	}
}
