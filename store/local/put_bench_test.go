package local_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/jxsync/jxsync/store/local"
)

// BenchmarkPutDeferred writes new seed-sized blobs (12 KB) without syncing
// them, as an import does.
func BenchmarkPutDeferred(b *testing.B) {
	ctx := context.Background()
	blobs, err := local.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 12<<10)
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		binary.LittleEndian.PutUint64(data, uint64(i))
		if _, err := blobs.PutDeferred(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
}
