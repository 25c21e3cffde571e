package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/jxsync/jxsync/store"
)

var _ store.Limits = (*DB)(nil)

// Record implements store.Limits.
func (db *DB) Record(ctx context.Context, at time.Time, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record limit events: %w", err)
	}
	defer tx.Rollback()
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO limit_events(key, at) VALUES (?, ?)`, k, nanos(at)); err != nil {
			return fmt.Errorf("record limit events: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record limit events: %w", err)
	}
	return nil
}

// Count implements store.Limits.
func (db *DB) Count(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var (
		n      int
		oldest sql.NullInt64
	)
	err := db.rw.QueryRowContext(ctx, `SELECT count(*), min(at) FROM limit_events WHERE key = ? AND at >= ?`, key, nanos(since)).
		Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count limit events: %w", err)
	}
	if !oldest.Valid {
		return n, time.Time{}, nil
	}
	return n, time.Unix(0, oldest.Int64), nil
}

// Reset implements store.Limits.
func (db *DB) Reset(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := db.rw.ExecContext(ctx, `DELETE FROM limit_events WHERE key = ?`, k); err != nil {
			return fmt.Errorf("reset limit events: %w", err)
		}
	}
	return nil
}

// Prune implements store.Limits.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.rw.ExecContext(ctx, `DELETE FROM limit_events WHERE at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("prune limit events: %w", err)
	}
	return res.RowsAffected()
}

// nanos is t in Unix nanoseconds, clamped to what an int64 holds (years
// 1678 to 2262).
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minNanos = time.Unix(0, math.MinInt64)
	maxNanos = time.Unix(0, math.MaxInt64)
)
