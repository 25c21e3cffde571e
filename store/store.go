// Package store defines where jxsync keeps what it receives: the original
// workbook files in a content-addressed blob store (a local folder or an
// S3-compatible bucket) and the parsed data in a relational store (SQLite).
// Subpackages implement the interfaces; cmd/jxsync wires them.
package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Sentinel errors shared by the implementations.
var (
	// ErrNotFound means no blob or record has that key.
	ErrNotFound = errors.New("not found")
	// ErrCorrupt means stored bytes no longer match their hash.
	ErrCorrupt = errors.New("stored data does not match its hash")
	// ErrBadHash means a hash is not 64 lower-case hex digits.
	ErrBadHash = errors.New("invalid blob hash")
)

// Blobs stores original files under the hex SHA-256 of their bytes.
type Blobs interface {
	// Put stores data and returns its hash. Storing bytes that are already
	// there is a no-op. A write is atomic: the blob is there whole or not at
	// all.
	Put(ctx context.Context, data []byte) (string, error)
	// Get returns the bytes stored under hash after checking them against
	// it. Errors: ErrNotFound, ErrCorrupt, ErrBadHash.
	Get(ctx context.Context, hash string) ([]byte, error)
	// Size returns the size of the blob stored under hash. Errors:
	// ErrNotFound, ErrBadHash.
	Size(ctx context.Context, hash string) (int64, error)
}

// Deferred is a blob store whose writes can be made durable later, many at
// once (group commit): PutDeferred stores the blob whole (a reader sees all
// of it or nothing) but may lose it on power failure until Flush has made
// it durable. Import writes a batch of files with PutDeferred, flushes them
// with one Flush and only then records their revisions.
type Deferred interface {
	// PutDeferred stores data as Put does, without waiting for it to be on
	// disk, and returns its hash.
	PutDeferred(ctx context.Context, data []byte) (string, error)
	// Flush makes the blobs written with PutDeferred under hashes durable.
	Flush(ctx context.Context, hashes []string) error
}

// Sweeper is a blob store whose interrupted writes can leave temporary
// files behind (the local folder): they are listed and removed here.
type Sweeper interface {
	// Leftovers lists the temporary files of writes last touched more than
	// olderThan ago.
	Leftovers(ctx context.Context, olderThan time.Duration) ([]string, error)
	// Sweep removes what Leftovers lists and returns what it removed.
	Sweep(ctx context.Context, olderThan time.Duration) ([]string, error)
}

// Hash returns the hex SHA-256 of data, the key of Blobs.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ValidHash reports whether h looks like a Hash result.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
