package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// migrationLock is the advisory lock the store's migrations run under
// (store/postgres): River's and the job tables' run under it too.
const migrationLock = 0x6a7873796e63

// scanner reads one row.
type scanner interface{ Scan(dest ...any) error }

// querier runs the job tables' statements, written with ? placeholders.
type querier interface {
	exec(ctx context.Context, q string, args ...any) error
	insertID(ctx context.Context, q string, args ...any) (int64, error)
	query(ctx context.Context, q string, args []any, row func(scanner) error) error
}

// engine is a database with River on it.
type engine interface {
	querier
	// inTx runs fn in a transaction; insert inserts a River job in it.
	inTx(ctx context.Context, fn func(tx querier, insert func(river.JobArgs) (int64, error)) error) error
	jobRow(ctx context.Context, id int64) (*rivertype.JobRow, error)
	start(ctx context.Context) error
	close(ctx context.Context) error
}

// quietLogger passes River's warnings and errors on to stderr.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// ---- PostgreSQL ----

const pgTables = `
CREATE TABLE IF NOT EXISTS jxsync_jobs (
	id bigserial PRIMARY KEY,
	kind text NOT NULL,
	title text NOT NULL,
	created_by text NOT NULL,
	created_at text NOT NULL,
	river_id bigint NOT NULL DEFAULT 0,
	total integer NOT NULL DEFAULT 0,
	done integer NOT NULL DEFAULT 0,
	counts text NOT NULL DEFAULT '',
	result_name text NOT NULL DEFAULT '',
	result_hash text NOT NULL DEFAULT '',
	message text NOT NULL DEFAULT '',
	finished_at text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS jxsync_job_items (
	job_id bigint NOT NULL REFERENCES jxsync_jobs(id),
	seq integer NOT NULL,
	name text NOT NULL,
	results text NOT NULL,
	PRIMARY KEY (job_id, seq)
);`

// dollar rewrites ? placeholders as $1, $2, ….
func dollar(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type pgEngine struct {
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
}

func openPostgres(ctx context.Context, dsn string, rc *river.Config) (*pgEngine, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig.RuntimeParams["search_path"] == "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = "public"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	driver := riverpgxv5.New(pool)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		pool.Close()
		return nil, err
	}
	if err := migratePostgres(ctx, pool, migrator); err != nil {
		pool.Close()
		return nil, err
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &pgEngine{pool: pool, client: client}, nil
}

func pgExec(ctx context.Context, r pgx.Tx, p *pgxpool.Pool, q string, args ...any) error {
	var err error
	if r != nil {
		_, err = r.Exec(ctx, dollar(q), args...)
	} else {
		_, err = p.Exec(ctx, dollar(q), args...)
	}
	return err
}

// pgOn is a querier on the pool (tx nil) or a transaction.
type pgOn struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
}

func (p pgOn) rows(ctx context.Context, q string, args ...any) (pgx.Rows, error) {
	if p.tx != nil {
		return p.tx.Query(ctx, dollar(q), args...)
	}
	return p.pool.Query(ctx, dollar(q), args...)
}

func (p pgOn) exec(ctx context.Context, q string, args ...any) error {
	return pgExec(ctx, p.tx, p.pool, q, args...)
}

func (p pgOn) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := p.query(ctx, q+" RETURNING id", args, func(sc scanner) error { return sc.Scan(&id) })
	return id, err
}

func (p pgOn) query(ctx context.Context, q string, args []any, row func(scanner) error) error {
	rows, err := p.rows(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (e *pgEngine) exec(ctx context.Context, q string, args ...any) error {
	return pgOn{pool: e.pool}.exec(ctx, q, args...)
}

func (e *pgEngine) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	return pgOn{pool: e.pool}.insertID(ctx, q, args...)
}

func (e *pgEngine) query(ctx context.Context, q string, args []any, row func(scanner) error) error {
	return pgOn{pool: e.pool}.query(ctx, q, args, row)
}

func (e *pgEngine) inTx(ctx context.Context, fn func(tx querier, insert func(river.JobArgs) (int64, error)) error) error {
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		return fn(pgOn{tx: tx}, func(args river.JobArgs) (int64, error) {
			res, err := e.client.InsertTx(ctx, tx, args, nil)
			if err != nil {
				return 0, err
			}
			return res.Job.ID, nil
		})
	})
}

func (e *pgEngine) jobRow(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return e.client.JobGet(ctx, id)
}

func (e *pgEngine) start(ctx context.Context) error { return e.client.Start(ctx) }

func (e *pgEngine) close(ctx context.Context) error {
	err := stopClient(ctx, e.client.Stop, e.client.StopAndCancel)
	e.pool.Close()
	return err
}

// stopClient stops a started client: gracefully until ctx ends, then by
// cancelling the jobs in hand. A client never started is not an error.
func stopClient(ctx context.Context, stop, cancel func(context.Context) error) error {
	err := stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = cancel(context.WithoutCancel(ctx))
	}
	if err != nil && strings.Contains(err.Error(), "not started") {
		return nil
	}
	return err
}

// migratePostgres runs River's migrations (each version in its own
// transaction: some add enum values, which a later statement of the same
// transaction may not use) and the job tables' while holding the store's
// migration lock on one connection.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, migrator *rivermigrate.Migrator[pgx.Tx]) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	if _, err := conn.Exec(ctx, pgTables); err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	return nil
}

// ---- SQLite ----

const sqliteTables = `
CREATE TABLE IF NOT EXISTS jxsync_jobs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	river_id INTEGER NOT NULL DEFAULT 0,
	total INTEGER NOT NULL DEFAULT 0,
	done INTEGER NOT NULL DEFAULT 0,
	counts TEXT NOT NULL DEFAULT '',
	result_name TEXT NOT NULL DEFAULT '',
	result_hash TEXT NOT NULL DEFAULT '',
	message TEXT NOT NULL DEFAULT '',
	finished_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS jxsync_job_items (
	job_id INTEGER NOT NULL REFERENCES jxsync_jobs(id),
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	results TEXT NOT NULL,
	PRIMARY KEY (job_id, seq)
);`

type sqliteEngine struct {
	db     *sql.DB
	client *river.Client[*sql.Tx]
}

// sqlOn is a querier on a database or a transaction.
type sqlOn struct {
	db interface {
		ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	}
}

func (s sqlOn) exec(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

func (s sqlOn) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := s.query(ctx, q+" RETURNING id", args, func(sc scanner) error { return sc.Scan(&id) })
	return id, err
}

func (s sqlOn) query(ctx context.Context, q string, args []any, row func(scanner) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// openSQLite opens the records file once more for River and the job
// tables: one connection (River's SQLite driver wants no more), IMMEDIATE
// transactions and the busy timeout the store uses, so that the portal's
// writes and the jobs' wait for each other.
func openSQLite(ctx context.Context, path string, rc *river.Config) (*sqliteEngine, error) {
	u := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_txlock=immediate&_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	db, err := sql.Open("sqlite", u)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	driver := riversqlite.New(db)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		db.Close()
		return nil, err
	}
	err = func() error {
		tx, err := db.BeginTx(ctx, nil) // IMMEDIATE: the file's write lock is the migration lock
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("migrate river: %w", err)
		}
		if _, err := tx.ExecContext(ctx, sqliteTables); err != nil {
			return fmt.Errorf("migrate jobs: %w", err)
		}
		return tx.Commit()
	}()
	if err != nil {
		db.Close()
		return nil, err
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &sqliteEngine{db: db, client: client}, nil
}

func (e *sqliteEngine) exec(ctx context.Context, q string, args ...any) error {
	return sqlOn{e.db}.exec(ctx, q, args...)
}

func (e *sqliteEngine) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	return sqlOn{e.db}.insertID(ctx, q, args...)
}

func (e *sqliteEngine) query(ctx context.Context, q string, args []any, row func(scanner) error) error {
	return sqlOn{e.db}.query(ctx, q, args, row)
}

func (e *sqliteEngine) inTx(ctx context.Context, fn func(tx querier, insert func(river.JobArgs) (int64, error)) error) error {
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	err = fn(sqlOn{tx}, func(args river.JobArgs) (int64, error) {
		res, err := e.client.InsertTx(ctx, tx, args, nil)
		if err != nil {
			return 0, err
		}
		return res.Job.ID, nil
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

func (e *sqliteEngine) jobRow(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return e.client.JobGet(ctx, id)
}

func (e *sqliteEngine) start(ctx context.Context) error { return e.client.Start(ctx) }

func (e *sqliteEngine) close(ctx context.Context) error {
	err := stopClient(ctx, e.client.Stop, e.client.StopAndCancel)
	return errors.Join(err, e.db.Close())
}
