package sqlite_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	jxsync "github.com/jxsync/jxsync/sync"
)

// example is a shipped example workbook as imported: its bytes and the
// results of its forms.
type example struct {
	name    string
	data    []byte
	results []*jxsync.ImportResult
}

// importExamples imports every shipped example workbook (of every template
// version) into a fresh service whose records are the SQLite file at path.
func importExamples(t *testing.T, path string) (*jxsync.Service, []example) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testkit.TemplatesDir(t), "*", "*", "examples", "*.xlsx"))
	if err != nil || len(files) < 8 {
		t.Fatalf("examples: %v %v", files, err)
	}
	svc := testkit.Service(t, testkit.WithDB(path))
	var out []example
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := svc.ImportFile(context.Background(), filepath.Base(f), data, jxsync.ImportOptions{By: "test"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Revision == 0 {
				t.Fatalf("%s: not stored: %s %s", f, r.Outcome, r.FirstError)
			}
		}
		out = append(out, example{name: filepath.Base(f), data: data, results: rs})
	}
	return svc, out
}

// TestStorageOfExamples imports every shipped example workbook and checks
// what their records take in SQLite (the compacted file's size minus an
// empty store's) against their originals' bytes: at most twice (issue 12;
// before migration 0006 it was 4.8 times). The 1,000-workbook figure is
// bench's BenchmarkStorage.
func TestStorageOfExamples(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jxsync.db")
	svc, examples := importExamples(t, path)
	var originals int64
	for _, e := range examples {
		originals += int64(len(e.data))
	}
	stored := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions WHERE data IS NOT NULL")
	if err := svc.Records.Close(); err != nil {
		t.Fatal(err)
	}
	growth := testkit.DBSize(t, path) - testkit.EmptyDBSize(t)
	ratio := float64(growth) / float64(originals)
	t.Logf("%d examples, %d revisions with data: %d bytes of originals, records %d bytes (%.2f×)", len(examples), stored, originals, growth, ratio)
	if stored < int64(len(examples)) || growth <= 0 {
		t.Errorf("%d revisions with data for %d examples, %d bytes", stored, len(examples), growth)
	}
	if ratio > 2 {
		t.Errorf("records take %.2f× the originals' bytes, want at most 2×", ratio)
	}
}

// TestStoredDataRoundTrip: the data of every form of the shipped examples
// reads back from the store as it was extracted, and the views hold its
// rows.
func TestStoredDataRoundTrip(t *testing.T) {
	svc, examples := importExamples(t, filepath.Join(t.TempDir(), "jxsync.db"))
	ctx := context.Background()
	for _, e := range examples {
		reps, err := svc.ValidateForms(e.name, e.data, jxsync.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(reps) != len(e.results) {
			t.Fatalf("%s: %d forms read, %d imported", e.name, len(reps), len(e.results))
		}
		for i, r := range e.results {
			want, err := json.Marshal(reps[i].Result)
			if err != nil {
				t.Fatal(err)
			}
			res, err := svc.Records.Data(ctx, r.Revision)
			if err != nil {
				t.Fatalf("%s: %v", e.name, err)
			}
			got, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s, sheet %s: stored data\n%s\nwant\n%s", e.name, r.Sheet, got, want)
			}
		}
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM indicators WHERE level3 IS NOT NULL AND target IS NOT NULL"); n < 50 {
		t.Errorf("indicators view: %d rows with a 三级指标 and a target", n)
	}
}
