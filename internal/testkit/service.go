// Package testkit is the test setup shared by the tests of sync, web and
// cmd/jxsync: a sync.Service wired as cmd/jxsync wires it, workbooks made
// from the shipped examples, the paths of those examples and a one-number
// query. It is imported by _test.go files only.
//
// testkit imports package template, so template's own (internal) tests
// cannot import it; what they share with the others (converting a workbook
// to PDF) is in the dependency-free subpackage testkit/office.
package testkit

import (
	"context"
	"path/filepath"
	gosync "sync"
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/sqlite"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/templates"
)

// registry is the embedded templates, loaded once per test binary.
var registry = gosync.OnceValues(func() (*template.Registry, error) { return template.LoadRegistry(templates.FS) })

// Registry returns the registry of the embedded templates (loaded once and
// shared: callers must not change it).
func Registry(tb testing.TB) *template.Registry {
	tb.Helper()
	reg, err := registry()
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

// Option changes where Service keeps its data.
type Option func(*options)

type options struct {
	blobs  store.Blobs
	dbPath string
}

// WithBlobs keeps the originals in b (an S3 store, or a local folder shared
// with another service) instead of a new local folder.
func WithBlobs(b store.Blobs) Option { return func(o *options) { o.blobs = b } }

// WithDB keeps the records in the SQLite file at path (created if need be)
// instead of a new one.
func WithDB(path string) Option { return func(o *options) { o.dbPath = path } }

// Service returns a service wired as cmd/jxsync wires it: the embedded
// templates, the excelize reader, exporter, annotator and reporter, records
// and accounts in a SQLite file and originals in a local blob folder, both
// in tb.TempDir() unless options say otherwise. The database is closed when
// tb ends; svc.Records and svc.Users are a *sqlite.DB.
func Service(tb testing.TB, opts ...Option) *jxsync.Service {
	tb.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.blobs == nil || o.dbPath == "" {
		dir := tb.TempDir()
		if o.blobs == nil {
			b, err := local.Open(filepath.Join(dir, "blobs"))
			if err != nil {
				tb.Fatal(err)
			}
			o.blobs = b
		}
		if o.dbPath == "" {
			o.dbPath = filepath.Join(dir, "jxsync.db")
		}
	}
	svc, err := Open(o.blobs, o.dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { svc.Records.Close() })
	return svc
}

// Open is Service for any goroutine (it reports errors instead of failing
// a test): originals in blobs, records in the SQLite file at dbPath. The
// caller closes svc.Records.
func Open(blobs store.Blobs, dbPath string) (*jxsync.Service, error) {
	reg, err := registry()
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		return nil, err
	}
	return &jxsync.Service{Templates: reg.Templates, Reader: checkedReader{}, Exporter: template.Exporter{},
		Annotator: template.Annotator{}, Reporter: template.Reporter{}, Blobs: blobs, Records: db, Users: db, Units: db, Audit: db, Tasks: db}, nil
}

// QueryInt returns the one integer query q yields from records; anything
// else (an error, more rows or columns, another type) fails tb.
func QueryInt(tb testing.TB, records store.Records, q string) int64 {
	tb.Helper()
	_, rows, err := records.Query(context.Background(), q)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		tb.Fatalf("%s: rows %v", q, rows)
	}
	n, ok := rows[0][0].(int64)
	if !ok {
		tb.Fatalf("%s: %T %v", q, rows[0][0], rows[0][0])
	}
	return n
}
