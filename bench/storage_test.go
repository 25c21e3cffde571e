package bench

import (
	"context"
	"fmt"
	"path/filepath"
	gosync "sync"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// storageCount is the number of workbooks BenchmarkStorage imports: as many
// as the first folder of the corpus's import set.
const storageCount = 1000

// importSet builds the first n workbooks of the corpus's import set (every
// template in turn, 10–200 indicator rows, each a different unit's) in
// memory and returns them with the sum of their sizes.
func importSet(tb testing.TB, n int) ([]sync.Source, int64) {
	tb.Helper()
	ts, ss := seeds(tb)
	files := make([][]byte, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg gosync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				_, s := ImportSeed(ts, ss, i)
				files[i], errs[i] = s.Form.BuildBytes(Vary(s, 100_000+i, ImportRowCount(i)))
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	srcs := make([]sync.Source, n)
	var total int64
	for i, data := range files {
		if errs[i] != nil {
			tb.Fatal(errs[i])
		}
		t, _ := ImportSeed(ts, ss, i)
		srcs[i] = sync.Source{Name: fmt.Sprintf("%05d-%s-%s.xlsx", i, t.ID, t.Version),
			Read: func() ([]byte, error) { return data, nil }}
		total += int64(len(data))
	}
	return srcs, total
}

// BenchmarkStorage imports the first 1,000 workbooks of the import set
// into a fresh store and reports what their records take in SQLite:
// growth-MB (the compacted database's size minus an empty store's),
// originals-MB (the workbooks' bytes) and growth/original, their ratio (the
// target of issue 12 is at most 2).
func BenchmarkStorage(b *testing.B) {
	srcs, originals := importSet(b, storageCount)
	ts, _ := seeds(b)
	empty := testkit.EmptyDBSize(b)
	ctx := context.Background()
	var growth int64
	for b.Loop() {
		dir := b.TempDir()
		blobs, err := local.Open(filepath.Join(dir, "blobs"))
		if err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(dir, "jxsync.db")
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		svc := &sync.Service{Templates: ts, Reader: template.Reader{}, Blobs: blobs, Records: db, Users: db}
		for _, r := range svc.ImportAll(ctx, srcs, 2, "bench", nil) {
			if r.Revision == 0 {
				b.Fatalf("%s: %s %s", r.File, r.Outcome, r.FirstError)
			}
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		growth = testkit.DBSize(b, path) - empty
	}
	b.ReportMetric(float64(growth)/(1<<20), "growth-MB")
	b.ReportMetric(float64(originals)/(1<<20), "originals-MB")
	b.ReportMetric(float64(growth)/float64(originals), "growth/original")
}
