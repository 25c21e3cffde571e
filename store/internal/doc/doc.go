// Package doc is the stored form of a revision's extracted data, shared by
// the records stores: the JSON of its mapping.Result, zstd-compressed.
// Documents written before compression (SQLite before migration 0006) hold
// the JSON text itself; a document starting with the zstd magic number is
// compressed, one starting with "{" is not, so both read alike.
package doc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	gosync "sync"

	"github.com/klauspost/compress/zstd"

	"github.com/jxsync/jxsync/mapping"
)

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// coders are the encoders (and JSON buffers) of documents not in use, the
// one used last at the end: an import's workers each take the encoder
// they or the other last used, whose tables are still in the cache. They
// are kept for good, at most one per processor, not in a sync.Pool: an
// encoder let go at a garbage collection costs its next user the
// allocation of its tables and history (megabytes with the default window),
// more than compressing a document. The output depends neither on which
// encoder writes it nor on their concurrency.
var coders struct {
	mu   gosync.Mutex
	free []*coder
}

// coder compresses documents, one at a time.
type coder struct {
	enc *zstd.Encoder
	// json is the buffer of a document's JSON, compressed at once.
	json []byte
}

// encoderOptions are the options of every encoder. The fastest level
// compresses the documents of the benchmark's import set as well as the
// better ones (their repeats are long), at a fraction of their memory. It
// writes blocks of 64 KiB: a longer document is written with a history of
// the window size (allocated twice; 8 MiB by default): 512 KiB is more
// than forms of hundreds of rows take, and documents within it compress
// as with the default.
var encoderOptions = []zstd.EOption{zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
	zstd.WithWindowSize(512 << 10)}

// getCoder returns a coder not in use: one kept, else a new one.
func getCoder() (*coder, error) {
	coders.mu.Lock()
	var c *coder
	if n := len(coders.free); n > 0 {
		c = coders.free[n-1]
		coders.free = coders.free[:n-1]
	}
	coders.mu.Unlock()
	if c != nil {
		return c, nil
	}
	enc, err := zstd.NewWriter(nil, encoderOptions...)
	if err != nil {
		return nil, err
	}
	return &coder{enc: enc}, nil
}

// putCoder keeps c for the next document, unless as many as there are
// processors are kept.
func putCoder(c *coder) {
	if cap(c.json) > maxPooled {
		c.json = nil
	}
	coders.mu.Lock()
	if len(coders.free) < runtime.GOMAXPROCS(0) {
		coders.free = append(coders.free, c)
	}
	coders.mu.Unlock()
}

// decoder decompresses documents, a few at a time.
var decoder = gosync.OnceValues(func() (*zstd.Decoder, error) {
	return zstd.NewReader(nil)
})

// Encode returns the stored form of res: its JSON (as json.Marshal writes
// it), compressed.
func Encode(res *mapping.Result) ([]byte, error) {
	c, err := getCoder()
	if err != nil {
		return nil, fmt.Errorf("compress data: %w", err)
	}
	defer putCoder(c)
	j, err := appendResult(c.json[:0], res)
	if err != nil {
		if j, err = json.Marshal(res); err != nil {
			return nil, fmt.Errorf("encode data: %w", err)
		}
	} else {
		c.json = j
	}
	return c.compress(j), nil
}

// maxPooled is the largest JSON buffer kept for the next document.
const maxPooled = 1 << 20

// CompressJSON compresses a document's JSON.
func CompressJSON(j []byte) ([]byte, error) {
	c, err := getCoder()
	if err != nil {
		return nil, fmt.Errorf("compress data: %w", err)
	}
	defer putCoder(c)
	return c.compress(j), nil
}

// compress compresses a document's JSON. Documents compress to about a
// sixth of their JSON: room for a quarter spares growing the output.
func (c *coder) compress(j []byte) []byte {
	return c.enc.EncodeAll(j, make([]byte, 0, len(j)/4+64))
}

// Decode reads a stored document, compressed or not.
func Decode(b []byte) (*mapping.Result, error) {
	j := b
	if bytes.HasPrefix(b, zstdMagic) {
		dec, err := decoder()
		if err != nil {
			return nil, fmt.Errorf("decompress data: %w", err)
		}
		if j, err = dec.DecodeAll(b, nil); err != nil {
			return nil, fmt.Errorf("decompress data: %w", err)
		}
	}
	var res mapping.Result
	if err := json.Unmarshal(j, &res); err != nil {
		return nil, fmt.Errorf("decode data: %w", err)
	}
	return &res, nil
}
