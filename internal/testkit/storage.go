package testkit

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/store/sqlite"
)

// DBSize returns the size of the closed SQLite file at path once compacted:
// its write-ahead log checkpointed into it and its free pages dropped
// (VACUUM), so that two stores holding the same records measure alike.
func DBSize(tb testing.TB, path string) int64 {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		tb.Fatal(err)
	}
	for _, q := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			tb.Fatalf("%s: %s: %v", path, q, err)
		}
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	var size int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			size += fi.Size()
		}
	}
	return size
}

// EmptyDBSize is DBSize of a records store holding nothing: its schema
// alone.
func EmptyDBSize(tb testing.TB) int64 {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "empty.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return DBSize(tb, path)
}
