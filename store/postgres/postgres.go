// Package postgres keeps jxsync's records in PostgreSQL (github.com/jackc/pgx/v5,
// pure Go) beside the embedded SQLite store, for deployments with several
// servers: the same store interfaces (records, users and sessions, limits,
// stored templates), the same views in the public schema, schema from
// embedded numbered migrations applied under an advisory lock so that
// several processes starting at once are safe.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store/internal/ids"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jxsync/jxsync/store"
)

var (
	_ store.Records   = (*DB)(nil)
	_ store.Users     = (*DB)(nil)
	_ store.Limits    = (*DB)(nil)
	_ store.Templates = (*DB)(nil)
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the key of the advisory lock migrations run under
// ("jxsync" in ASCII).
const migrationLock = 0x6a7873796e63

// DB is the records store in a PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// ids are the ids of table paths and texts committed.
	ids ids.Committed
}

// Open connects to the database at url (postgres://user:pass@host:port/db?…)
// and brings its schema up to date. Unless the URL sets search_path, the
// store's tables and views are in the public schema.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open records: %w", err)
	}
	if cfg.ConnConfig.RuntimeParams["search_path"] == "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = "public"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open records %s: %w", redact(cfg), err)
	}
	db := &DB{pool: pool, now: time.Now}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open records %s: %w", redact(cfg), err)
	}
	return db, nil
}

// redact names the server of cfg without its password.
func redact(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close implements store.Records.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// migration is one embedded migration file.
type migration struct {
	version int
	name    string
}

// pending lists the embedded migrations by number.
func embedded() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := path.Base(n)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("bad migration name %q", base)
		}
		out = append(out, migration{v, base})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the embedded migrations not applied yet, each in its own
// transaction, in the order of their numbers, holding a session advisory
// lock throughout: a process that starts while another migrates waits for
// it and then finds nothing left to do.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := embedded()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if err := db.apply(ctx, conn.Conn(), m); err != nil {
			return err
		}
	}
	return nil
}

// apply applies migration m unless it was.
func (db *DB) apply(ctx context.Context, conn *pgx.Conn, m migration) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.version).Scan(&done); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
		if done {
			return nil
		}
		src, err := migrations.ReadFile("migrations/" + m.name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
		// The simple protocol runs the file's several statements at once.
		if _, err := tx.Exec(ctx, string(src), pgx.QueryExecModeSimpleProtocol); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, db.now()); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
		return nil
	})
}

// retryable reports whether err is a conflict with a concurrent
// transaction that running the transaction again resolves: a
// serialization failure, a deadlock, or a unique key another transaction
// wrote first.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505":
		return true
	}
	return false
}

// isUnique reports whether err is a unique violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// withRetry runs fn in a transaction, again (a few times) when it fails
// on a conflict with a concurrent one.
func (db *DB) withRetry(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = pgx.BeginFunc(ctx, db.pool, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	return err
}
