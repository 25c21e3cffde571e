package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/jxsync/jxsync/store/sqlite"
)

// Storage is what an import's records take beside the originals it read.
type Storage struct {
	// Originals is the workbooks' bytes.
	Originals int64 `json:"originals"`
	// Records is the compacted records database's size minus an empty
	// store's (the growth).
	Records int64 `json:"records"`
}

// Growth is the records' growth per byte of the originals (the target of
// issue 12 is at most TargetStorage).
func (s Storage) Growth() float64 { return float64(s.Records) / float64(s.Originals) }

// RecordsGrowth is the size of the closed SQLite file at path once
// compacted (write-ahead log checkpointed, free pages dropped: VACUUM),
// minus that of an empty records store, as bench/storage_test.go measures.
func RecordsGrowth(path string) (int64, error) {
	size, err := dbSize(path)
	if err != nil {
		return 0, err
	}
	dir, err := os.MkdirTemp("", "jxsync-empty-db")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	empty := filepath.Join(dir, "empty.db")
	db, err := sqlite.Open(context.Background(), empty)
	if err != nil {
		return 0, err
	}
	if err := db.Close(); err != nil {
		return 0, err
	}
	e, err := dbSize(empty)
	return size - e, err
}

func dbSize(path string) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		return 0, fmt.Errorf("measure %s: %w", path, err)
	}
	for _, q := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return 0, fmt.Errorf("measure %s: %s: %w", path, q, err)
		}
	}
	if err := db.Close(); err != nil {
		return 0, err
	}
	var size int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			size += fi.Size()
		}
	}
	return size, nil
}
