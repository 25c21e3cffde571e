package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	sqlitedriver "modernc.org/sqlite"
)

// backuper is the driver connection's online backup (sqlite3_backup_*).
type backuper interface {
	NewBackup(dstURI string) (*sqlitedriver.Backup, error)
}

// Backup writes a consistent copy of the records, as they were at one
// moment, to a new file at path while other connections and processes go
// on writing: SQLite's online backup from a read connection, all pages in
// one step (one read transaction; in WAL mode writers are not held up by
// it). path must not exist; the copy is synced to disk. What a failed
// Backup wrote is removed.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup records to %s: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup records to %s: %w", path, err)
	}
	if err := mkdirFor(path); err != nil {
		return fmt.Errorf("backup records to %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
				os.Remove(p)
			}
		}
	}()
	conn, err := db.ro.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup records to %s: %w", path, err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return fmt.Errorf("driver connection %T has no online backup", dc)
		}
		bk, err := b.NewBackup("file:" + (&url.URL{Path: path}).EscapedPath())
		if err != nil {
			return err
		}
		if _, err := bk.Step(-1); err != nil {
			bk.Finish()
			return err
		}
		return bk.Finish()
	})
	if err != nil {
		return fmt.Errorf("backup records to %s: %w", path, err)
	}
	if err := syncFile(path); err != nil {
		return fmt.Errorf("backup records to %s: %w", path, err)
	}
	return nil
}

// syncFile fsyncs the file at path.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
