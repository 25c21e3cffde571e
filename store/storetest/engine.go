package storetest

import (
	"context"
	"testing"

	"github.com/jxsync/jxsync/store"
)

// Store is what a records engine implements: records, accounts and
// sessions, stored templates and rate-limit counters.
type Store interface {
	store.Records
	store.Users
	store.Templates
	store.Limits
}

// Engine opens stores of one engine (SQLite, PostgreSQL) for the suites.
type Engine struct {
	// Open returns a store on a fresh, empty database, closed when t ends.
	Open func(t *testing.T) Store
	// Again returns another store on the database of s, as a second
	// process opens it, closed when t ends.
	Again func(t *testing.T, s Store) Store
	// Exec runs a statement on the database of s past the store, as an
	// operator with the engine's own client would: what the schema
	// refuses.
	Exec func(t *testing.T, s Store, sql string) error
}

// add records one form and returns its revision and outcome.
func add(ctx context.Context, s store.Records, nr *store.NewRevision) (*store.Revision, string, error) {
	revs, outs, err := s.AddRevisions(ctx, []*store.NewRevision{nr})
	if err != nil {
		return nil, "", err
	}
	return revs[0], outs[0], nil
}

// mustAdd is add for a form that must be recorded.
func mustAdd(t *testing.T, s store.Records, nr *store.NewRevision) *store.Revision {
	t.Helper()
	r, _, err := add(context.Background(), s, nr)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
