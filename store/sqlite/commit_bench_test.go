package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

// BenchmarkAddRevisionBatch: what an import's committer does, batches of
// 20 files of one form each, of new units, encoded beforehand (as the
// workers encode them), into a SQLite file (go test -bench
// AddRevisionBatch ./store/sqlite), for the seed-sized form and forms of 10
// and 150 indicator rows.
func BenchmarkAddRevisionBatch(b *testing.B) {
	const batch = 20
	for _, f := range testkit.BenchForms(b, 10, 150) {
		form := benchRevision(b, f.Report)
		b.Run(f.Name, func(b *testing.B) {
			db := MustOpenDB(b)
			ctx := context.Background()
			n := 0
			files := make([][]*store.NewRevision, batch)
			b.ReportAllocs()
			for b.Loop() {
				for i := range files {
					n++
					files[i] = []*store.NewRevision{benchFile(form, n)}
				}
				if _, _, err := db.AddRevisionBatch(ctx, files); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/file")
		})
	}
}

// benchRevision is the revision of a checked form as an import records
// it, encoded.
func benchRevision(b *testing.B, rep *jxsync.Report) *store.NewRevision {
	met := map[string]map[int]bool{}
	for name, rows := range rep.Result.Tables {
		for i, r := range rows {
			if ok, has := mapping.RowMet(r); has {
				if met["tables."+name] == nil {
					met["tables."+name] = map[int]bool{}
				}
				met["tables."+name][i] = ok
			}
		}
	}
	nr := &store.NewRevision{TemplateID: rep.Template, TemplateVersion: rep.Version, TemplateTitle: "表",
		Year: 2022, Sheet: rep.Sheet, Size: 30000, UploadedBy: "import",
		Status: store.StatusWarnings, Findings: rep.Findings, Result: rep.Result, Met: met}
	if err := nr.Encode(); err != nil {
		b.Fatal(err)
	}
	return nr
}

// benchFile is form as the n-th file, of a unit of its own (its data, the
// same document, stored again).
func benchFile(form *store.NewRevision, n int) *store.NewRevision {
	nr := *form
	nr.Unit = fmt.Sprintf("测试单位%05d", n)
	nr.FileName = nr.Unit + ".xlsx"
	nr.BlobHash = store.Hash([]byte(nr.FileName))
	nr.Fingerprint = store.Hash([]byte("print " + nr.FileName))
	return &nr
}
