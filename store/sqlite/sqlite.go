// Package sqlite keeps jxsync's records in a SQLite file (modernc.org/sqlite,
// pure Go): schema from embedded numbered migrations, WAL, foreign keys and
// a busy timeout so that two processes can import into one file.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store/internal/ids"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/jxsync/jxsync/store"
)

var _ store.Records = (*DB)(nil)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the records store in one SQLite file.
type DB struct {
	rw   *sql.DB // writes: one connection, IMMEDIATE transactions
	ro   *sql.DB // reads and Query: read-only connections
	path string
	now  func() time.Time
	// writes are the statements recording revisions, prepared once on
	// rw; ids the ids of table paths and texts committed.
	writes writeStmts
	ids    ids.Committed
}

// readCacheSize is the page cache of each read-only connection, 512 KiB
// instead of SQLite's 2 MB: a reader's cache is emptied whenever another
// connection has written since its last read, so while an import commits
// several times a second a larger one holds nothing worth keeping, only
// memory; 512 KiB still holds the upper levels of the indexes a query
// walks.
const readCacheSize = "&_pragma=cache_size(-512)"

// Open opens (creating when missing) the SQLite file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, math.MaxInt)
}

// open is Open with the schema brought up to migration last.
func open(ctx context.Context, path string, last int) (*DB, error) {
	if err := mkdirFor(path); err != nil {
		return nil, fmt.Errorf("open records %s: %w", path, err)
	}
	pragmas := "&_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	rw, err := sql.Open("sqlite", u+"?_txlock=immediate"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open records %s: %w", path, err)
	}
	rw.SetMaxOpenConns(1)
	db := &DB{rw: rw, path: path, now: time.Now}
	if err := waitUnlocked(ctx, rw); err != nil {
		rw.Close()
		return nil, fmt.Errorf("open records %s: %w", path, err)
	}
	if err := db.migrateTo(ctx, last); err != nil {
		rw.Close()
		return nil, fmt.Errorf("open records %s: %w", path, err)
	}
	ro, err := sql.Open("sqlite", u+"?mode=ro&_pragma=query_only(1)"+pragmas+readCacheSize)
	if err != nil {
		rw.Close()
		return nil, fmt.Errorf("open records %s: %w", path, err)
	}
	db.ro = ro
	return db, nil
}

// waitUnlocked opens the first connection, retrying while another process
// holds the file locked: switching a new file to WAL does not wait for the
// busy timeout.
func waitUnlocked(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := db.PingContext(ctx)
		if err == nil || !busy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func busy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

// Close implements store.Records.
func (db *DB) Close() error {
	return errors.Join(db.writes.close(), db.ro.Close(), db.rw.Close())
}

// migrateTo applies the embedded migrations numbered up to last that are
// not applied yet, each in its own transaction, in the order of their
// numbers. When a migration rewrote stored data, the file is compacted
// (VACUUM) afterwards.
func (db *DB) migrateTo(ctx context.Context, last int) error {
	if _, err := db.rw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	rewrote := false
	for _, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %q", base)
		}
		if n > last {
			break
		}
		r, err := db.apply(ctx, n, base, name)
		if err != nil {
			return err
		}
		rewrote = rewrote || r
	}
	if rewrote {
		// Give the space of the rewritten data back. The records are
		// complete without it, so a failure (another process reading a
		// long while) leaves the file as large as it was and is not an
		// error: imports reuse the free pages.
		_, _ = db.rw.ExecContext(ctx, `VACUUM`)
	}
	return nil
}

// steps are the parts of migrations written in Go, by migration number:
// each runs after its migration's SQL, in the same transaction, and says
// whether it rewrote stored data.
var steps = map[int]func(ctx context.Context, tx *sql.Tx) (bool, error){
	6: compactDocuments,
}

// apply applies migration n (file name, base name base) unless it was, and
// says whether its Go step rewrote stored data.
func (db *DB) apply(ctx context.Context, n int, base, name string) (bool, error) {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", base, err)
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, n).Scan(&done); err != nil {
		return false, fmt.Errorf("migrate %s: %w", base, err)
	}
	if done > 0 {
		return false, nil
	}
	src, err := migrations.ReadFile(name)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, string(src)); err != nil {
		return false, fmt.Errorf("migrate %s: %w", base, err)
	}
	rewrote := false
	if step := steps[n]; step != nil {
		if rewrote, err = step(ctx, tx); err != nil {
			return false, fmt.Errorf("migrate %s: %w", base, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
		n, base, db.now().UTC().Format(time.RFC3339)); err != nil {
		return false, fmt.Errorf("migrate %s: %w", base, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate %s: %w", base, err)
	}
	return rewrote, nil
}
