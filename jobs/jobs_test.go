package jobs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/jobs"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/postgres"
	"github.com/jxsync/jxsync/store/postgres/pgtest"
	jxsync "github.com/jxsync/jxsync/sync"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// flakyBlobs fails every Put while failing is set, after letting okPuts
// through.
type flakyBlobs struct {
	store.Blobs
	mu     gosync.Mutex
	okPuts int
	failed atomic.Int32
}

func (b *flakyBlobs) Put(ctx context.Context, data []byte) (string, error) {
	b.mu.Lock()
	if b.okPuts == 0 && b.failed.Load() == 0 {
		b.failed.Add(1)
		b.mu.Unlock()
		return "", errors.New("blob store down")
	}
	b.okPuts--
	b.mu.Unlock()
	return b.Blobs.Put(ctx, data)
}

// zipOf returns a zip archive of the named files.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waitFinished polls the job until it finished.
func waitFinished(t *testing.T, q *jobs.Queue, id int64) *jobs.Job {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 1200; i++ {
		j, err := q.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Finished() {
			return j
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("job %d did not finish", id)
	return nil
}

// TestBulkImportRetried: a bulk import of a zip of 12 workbooks and one
// loose workbook whose first attempt fails when the blob store goes down
// after 5 files is retried and completes: every form stored once, the
// files of the first attempt not imported again, the report one line per
// form. On SQLite (in-process, the records file) and on PostgreSQL.
func TestBulkImportRetried(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			svc := testkit.Service(t)
			cfg := jobs.Config{SQLite: filepath.Join(dir, "jobs.db")}
			if engine == "postgres" {
				url := pgtest.URL(t)
				db, err := postgres.Open(context.Background(), url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				svc.Records, svc.Users, svc.Units = db, db, nil
				cfg = jobs.Config{Postgres: url}
			} else {
				cfg.SQLite = dbPathOf(t, svc)
			}
			flaky := &flakyBlobs{Blobs: svc.Blobs, okPuts: 1 + 5} // the upload, then 5 files
			svc.Blobs = flaky
			cfg.Service, cfg.Workers = svc, 1
			ctx := context.Background()
			q, err := jobs.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { q.Close(ctx) })

			files := map[string][]byte{}
			for i := 0; i < 12; i++ {
				files[fmt.Sprintf("收到/wb-%02d.xlsx", i)] = testkit.HubeiWorkbook(t, fmt.Sprintf("批量单位%02d", i), nil)
			}
			files["收到/说明.txt"] = []byte("not a workbook")
			zipHash, err := svc.Blobs.Put(ctx, zipOf(t, files))
			if err != nil {
				t.Fatal(err)
			}
			loose := testkit.HubeiWorkbook(t, "单独单位", nil)
			looseHash, err := flaky.Blobs.Put(ctx, loose)
			if err != nil {
				t.Fatal(err)
			}
			id, err := q.EnqueueImport(ctx, "caizheng", []jobs.UploadedFile{{Name: "全部.zip", Hash: zipHash}, {Name: "单独.xlsx", Hash: looseHash}})
			if err != nil {
				t.Fatal(err)
			}
			if j, err := q.Get(ctx, id); err != nil || j.State != jobs.StateAvailable || j.By != "caizheng" {
				t.Fatalf("enqueued: %+v %v", j, err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			j := waitFinished(t, q, id)
			if j.State != jobs.StateCompleted || j.Total != 13 || j.Done != 13 {
				t.Fatalf("job: %+v", j)
			}
			if flaky.failed.Load() == 0 || j.Attempt < 2 || len(j.Errors) == 0 || !strings.Contains(j.Errors[0], "blob store down") {
				t.Errorf("the first attempt should have failed: attempt %d, errors %q", j.Attempt, j.Errors)
			}
			if j.Counts[store.OutcomeImported] != 13 || len(j.Counts) != 1 {
				t.Errorf("counts %v, want 13 imported", j.Counts)
			}
			if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != 13 {
				t.Errorf("%d revisions, want 13", n)
			}
			items, err := q.Items(ctx, id)
			if err != nil || len(items) != 13 {
				t.Fatalf("items %d %v", len(items), err)
			}
			if items[0].Name != "全部.zip!收到/wb-00.xlsx" || items[12].Name != "单独.xlsx" {
				t.Errorf("item names %q … %q", items[0].Name, items[12].Name)
			}
			var rep bytes.Buffer
			if err := jobs.WriteReport(&rep, items); err != nil {
				t.Fatal(err)
			}
			if lines := strings.Count(rep.String(), "\n"); lines != 14 || !strings.HasPrefix(rep.String(), "\ufeffpath,sheet,unit") {
				t.Errorf("report (%d lines):\n%s", lines, rep.String())
			}
		})
	}
}

// dbPathOf is the SQLite file of a testkit service.
func dbPathOf(t *testing.T, svc *jxsync.Service) string {
	t.Helper()
	_, rows, err := svc.Records.Query(context.Background(), "SELECT file FROM pragma_database_list WHERE name = 'main'")
	if err != nil || len(rows) != 1 {
		t.Fatalf("database file: %v", err)
	}
	return fmt.Sprint(rows[0][0])
}

// TestOpenConcurrently: several processes starting at once on one fresh
// PostgreSQL database (the store's migrations, River's and the job
// tables') all start: the migrations run under one advisory lock.
func TestOpenConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	svc := testkit.Service(t)
	ctx := context.Background()
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			q, err := jobs.Open(ctx, jobs.Config{Postgres: url, Service: svc})
			if err == nil {
				err = q.Close(ctx)
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
