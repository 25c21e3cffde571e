package store

import (
	"context"
	"time"
)

// Limits counts events by key in a sliding window: the portal's failed
// sign-ins (per address and name, per address, per name) and uploads (per
// account). Keys are opaque to the store. Several portal servers that
// share one Limits share their counts.
type Limits interface {
	// Record records one event of each key at time at.
	Record(ctx context.Context, at time.Time, keys ...string) error
	// Count returns how many events key has at or after since, and the
	// time of the oldest of them (zero when there are none).
	Count(ctx context.Context, key string, since time.Time) (n int, oldest time.Time, err error)
	// Reset forgets every event of the keys (a successful sign-in).
	Reset(ctx context.Context, keys ...string) error
	// Prune forgets every event before before, of every key, and returns
	// how many it forgot.
	Prune(ctx context.Context, before time.Time) (int64, error)
}
