package store

import (
	"context"
	"fmt"
)

// CopyBlobs copies the blobs under hashes from src to dst, each checked
// against its hash as it is read (src.Get) and as it is written (dst.Put
// returns the hash of what it stored), and returns how many bytes it
// copied. When dst is Deferred the blobs are written with PutDeferred and
// made durable with one Flush at the end. onBlob, when not nil, is called
// after each blob with its hash and size. The first error stops the copy:
// ErrCorrupt or ErrNotFound (wrapped, naming the hash) when a blob of src
// is damaged or missing.
func CopyBlobs(ctx context.Context, dst, src Blobs, hashes []string, onBlob func(hash string, size int64)) (int64, error) {
	def, deferred := dst.(Deferred)
	var total int64
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("copy blobs: %w", err)
		}
		data, err := src.Get(ctx, h)
		if err != nil {
			return total, fmt.Errorf("copy blob: %w", err)
		}
		var got string
		if deferred {
			got, err = def.PutDeferred(ctx, data)
		} else {
			got, err = dst.Put(ctx, data)
		}
		if err != nil {
			return total, fmt.Errorf("copy blob %s: %w", h, err)
		}
		if got != h {
			return total, fmt.Errorf("copy blob %s: stored as %s: %w", h, got, ErrCorrupt)
		}
		total += int64(len(data))
		if onBlob != nil {
			onBlob(h, int64(len(data)))
		}
	}
	if deferred {
		if err := def.Flush(ctx, hashes); err != nil {
			return total, fmt.Errorf("copy blobs: %w", err)
		}
	}
	return total, nil
}
