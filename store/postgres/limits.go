package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// keyEscaper makes a limit key storable as text, which cannot hold a NUL
// byte (the portal joins an address and a name with one): a backslash
// becomes two, a NUL a backslash and 0, so distinct keys stay distinct.
var keyEscaper = strings.NewReplacer(`\`, `\\`, "\x00", `\0`)

// limitKeys escapes keys for the limit_events table.
func limitKeys(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = keyEscaper.Replace(k)
	}
	return out
}

// Record implements store.Limits. Times are kept to the microsecond.
func (db *DB) Record(ctx context.Context, at time.Time, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO limit_events(key, at) SELECT unnest($1::text[]), $2`, limitKeys(keys), at); err != nil {
		return fmt.Errorf("record limit events: %w", err)
	}
	return nil
}

// Count implements store.Limits.
func (db *DB) Count(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var (
		n      int
		oldest *time.Time
	)
	err := db.pool.QueryRow(ctx, `SELECT count(*), min(at) FROM limit_events WHERE key = $1 AND at >= $2`, keyEscaper.Replace(key), since).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count limit events: %w", err)
	}
	if oldest == nil {
		return n, time.Time{}, nil
	}
	return n, *oldest, nil
}

// Reset implements store.Limits.
func (db *DB) Reset(ctx context.Context, keys ...string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM limit_events WHERE key = ANY($1)`, limitKeys(keys)); err != nil {
		return fmt.Errorf("reset limit events: %w", err)
	}
	return nil
}

// Prune implements store.Limits.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM limit_events WHERE at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("prune limit events: %w", err)
	}
	return tag.RowsAffected(), nil
}
