package sync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	gosync "sync"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// Benchmarks of the service (go test -bench . ./sync): Validate (read,
// detect, extract, check) of the shipped examples, and Import of a batch of
// distinct workbooks into a fresh local store with 2 workers.

func benchService(b *testing.B) *sync.Service {
	b.Helper()
	reg, err := template.LoadRegistry(os.DirFS("../templates"))
	if err != nil {
		b.Fatal(err)
	}
	return &sync.Service{Templates: reg.Templates, Reader: template.Reader{}, Exporter: template.Exporter{}}
}

func benchExamples(b *testing.B) map[string][]byte {
	b.Helper()
	files, err := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if err != nil || len(files) == 0 {
		b.Fatal("no examples")
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out[filepath.Base(f)] = data
	}
	return out
}

func BenchmarkValidate(b *testing.B) {
	svc := benchService(b)
	for name, data := range benchExamples(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Validate(name, data, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// unitWorkbooks returns n copies of the national-project example, each a
// different unit's, so that every one is a new submission.
func unitWorkbooks(b *testing.B, n int) []sync.Source {
	b.Helper()
	src, err := os.ReadFile("../templates/national-project/2020/examples/lechang-canji-2021.yaml")
	if err != nil {
		b.Fatal(err)
	}
	fm, err := template.FindForm("national-project", "2020")
	if err != nil {
		b.Fatal(err)
	}
	out := make([]sync.Source, n)
	for i := range out {
		d, err := template.ParseData("x.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		d.Fields["implementer"] = "第" + strconv.Itoa(i) + "救助站"
		data, err := fm.BuildBytes(d)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = sync.Source{Name: fmt.Sprintf("%04d.xlsx", i), Read: func() ([]byte, error) { return data, nil }}
	}
	return out
}

// BenchmarkImport imports 100 distinct seed-sized workbooks per iteration
// into a fresh local store (blobs and SQLite), 2 workers; ns/op is per
// batch.
func BenchmarkImport(b *testing.B) {
	svc := benchService(b)
	srcs := unitWorkbooks(b, 100)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, db := freshStore(b, svc)
		b.StartTimer()
		for _, r := range s.ImportAll(ctx, srcs, 2, "bench", nil) {
			if r.Outcome != "imported" {
				b.Fatalf("%s: %s %s", r.File, r.Outcome, r.FirstError)
			}
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkExport regenerates a stored result: template.Export of the
// extraction of an example.
func BenchmarkExport(b *testing.B) {
	svc := benchService(b)
	data := benchExamples(b)["lechang-canji-2021.xlsx"]
	rep, err := svc.Validate("x.xlsx", data, "")
	if err != nil {
		b.Fatal(err)
	}
	t, err := mapping.Find(svc.Templates, rep.Template+"@"+rep.Version)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Exporter.Export(t, rep.Result, map[string]string{mapping.PropUnit: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportPerFile is BenchmarkImport's peer: the same 100 files, 2
// workers, each file stored as before group commit — its original synced
// and its revisions committed on their own (ImportFile per file).
func BenchmarkImportPerFile(b *testing.B) {
	svc := benchService(b)
	srcs := unitWorkbooks(b, 100)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, db := freshStore(b, svc)
		b.StartTimer()
		jobs := make(chan sync.Source)
		var wg gosync.WaitGroup
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for src := range jobs {
					data, err := src.Read()
					if err != nil {
						b.Error(err)
						continue
					}
					if rs, err := s.ImportFile(ctx, src.Name, data, sync.ImportOptions{By: "bench"}); err != nil || rs[0].Outcome != "imported" {
						b.Errorf("%s: %v %v", src.Name, rs, err)
					}
				}
			}()
		}
		for _, src := range srcs {
			jobs <- src
		}
		close(jobs)
		wg.Wait()
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// freshStore returns svc on a new local blob folder and SQLite file.
func freshStore(b *testing.B, svc *sync.Service) (*sync.Service, *sqlite.DB) {
	b.Helper()
	dir := b.TempDir()
	blobs, err := local.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "jxsync.db"))
	if err != nil {
		b.Fatal(err)
	}
	s := *svc
	s.Blobs, s.Records, s.Users = blobs, db, db
	return &s, db
}
