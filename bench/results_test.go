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

// TestReportMedianOfRounds: with several rounds of an import or a
// regeneration, the targets take the median of each figure — not the last
// round, not the best — and the tables list every round.
func TestReportMedianOfRounds(t *testing.T) {
	dir := t.TempDir()
	imp := func(round int, wall, cpu time.Duration, rss int64) ImportRun {
		return ImportRun{Set: "seed", Store: "local", Workbooks: 1000, Workers: 2, Rows: 17, Round: round,
			Outcomes: map[string]int{"imported": 1000}, Child: Child{Wall: wall, User: cpu, MaxRSS: rss}}
	}
	// Walls 1, 2 and 0.5 s (median 1 s: 1000/s); CPU 4, 2 and 1 s (median
	// 2 s: 1000/s CPU-bound); the last round is the fastest.
	imports := []ImportRun{
		imp(0, time.Second, 4*time.Second, 30<<20),
		imp(1, 2*time.Second, 2*time.Second, 50<<20),
		imp(2, 500*time.Millisecond, time.Second, 40<<20),
	}
	if err := WriteJSON(dir, "imports.json", imports); err != nil {
		t.Fatal(err)
	}
	regens := []RegenRun{
		{Set: "seed", Rows: 17, Workbooks: 1000, Workers: 2, Wall: 4 * time.Second, CPU: 8 * time.Second, ExportCPU: time.Second},
		{Set: "seed", Rows: 17, Workbooks: 1000, Workers: 2, Wall: time.Second, CPU: 2 * time.Second, ExportCPU: time.Second, Round: 1},
		{Set: "seed", Rows: 17, Workbooks: 1000, Workers: 2, Wall: 1600 * time.Millisecond, CPU: 3 * time.Second, ExportCPU: time.Second, Round: 2},
	}
	if err := WriteJSON(dir, "regenerate.json", regens); err != nil {
		t.Fatal(err)
	}
	md, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| import of 1000 workbooks, seed-sized (mean 17 rows), into local ≥ 1000/s on 2 cores | 1000/s | 1000/s |",
		"| regenerate ≥ 500/s on 2 cores, seed-sized (mean 17 rows) | 625/s | 667/s |",
		"ran 3 times each (rounds, one after the other); its figures are the median over the rounds",
		"| this code | seed-sized (mean 17 rows) | local | 1000 | 1 | 1.0 s | 1000 | 500 | 30 MB | imported 1000 |",
		"| this code | seed-sized (mean 17 rows) | local | 1000 | 3 | 0.5 s | 2000 | 2000 | 40 MB | imported 1000 |",
		"| this code | seed-sized (mean 17 rows) | 1000 | 2 | 1.0 s | 1000 | 1000 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no line\n%s\nin\n%s", want, md)
		}
	}
}

// TestMedianImportsPeakRSS: the peak RSS of a median import is the median
// of the rounds' peaks, so one round's outlier does not decide the
// growth target; an even count takes the larger middle figure.
func TestMedianImportsPeakRSS(t *testing.T) {
	run := func(n int, rss int64) ImportRun {
		return ImportRun{Set: "mix", Store: "s3", Workbooks: n, Child: Child{Wall: time.Second, MaxRSS: rss}}
	}
	got := medianImports([]ImportRun{run(1000, 100), run(1000, 300), run(1000, 120), run(10000, 200), run(10000, 110)})
	if len(got) != 2 {
		t.Fatalf("%d median runs, want 2: %+v", len(got), got)
	}
	if got[0].Workbooks != 1000 || got[0].Child.MaxRSS != 120 || got[0].Rounds != 3 {
		t.Errorf("1000: peak %d over %d rounds, want 120 over 3", got[0].Child.MaxRSS, got[0].Rounds)
	}
	if got[1].Workbooks != 10000 || got[1].Child.MaxRSS != 200 || got[1].Rounds != 2 {
		t.Errorf("10000: peak %d over %d rounds, want 200 over 2", got[1].Child.MaxRSS, got[1].Rounds)
	}
}

// TestMedianBig: the large sheet's figures are the median of the rounds,
// and a round that failed fails the target.
func TestMedianBig(t *testing.T) {
	run := func(wall time.Duration, rss int64) BigRun {
		return BigRun{Reader: "jxsync", Rows: 10, Child: Child{Wall: wall, User: wall, MaxRSS: rss}}
	}
	m := medianBig([]BigRun{run(3*time.Second, 150<<20), run(time.Second, 250<<20), run(2*time.Second, 190<<20)})
	if m.Child.Wall != 2*time.Second || m.Child.MaxRSS != 190<<20 || m.Rounds != 3 || m.Error != "" {
		t.Errorf("median: %v, %d MB, %d rounds, %q; want 2s, 190 MB, 3, no error", m.Child.Wall, m.Child.MaxRSS>>20, m.Rounds, m.Error)
	}
	failed := run(time.Second, 100<<20)
	failed.Error = "killed"
	if m := medianBig([]BigRun{run(time.Second, 100<<20), failed, run(time.Second, 100<<20)}); m.Error != "killed" {
		t.Errorf("a failed round: error %q, want killed", m.Error)
	}
}
