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

// encoders compress documents, one at a time each: a free list of up to
// GOMAXPROCS encoders, kept across garbage collections. Each holds a
// history buffer of over 4 MB (allocated on first use whatever the
// document's size), so a sync.Pool, which drops what it holds at every
// other collection, made each worker allocate a new one every few
// collections and made the live heap — and with it the heap goal, and the
// peak memory of a long import — swing by that much per encoder. The
// fastest level compresses the documents of the benchmark's import set as
// well as the better ones (their repeats are long). The output does not
// depend on which encoder writes it, nor on their concurrency.
var encoders = make(chan *zstd.Encoder, runtime.GOMAXPROCS(0))

// getEncoder takes an encoder from the free list or makes one.
func getEncoder() (*zstd.Encoder, error) {
	select {
	case enc := <-encoders:
		return enc, nil
	default:
		return zstd.NewWriter(nil, encoderOptions...)
	}
}

// putEncoder returns an encoder to the free list, or drops it when the
// list is full.
func putEncoder(enc *zstd.Encoder) {
	select {
	case encoders <- enc:
	default:
	}
}

// encoderOptions are the options of every encoder. The lower memory
// option halves the history buffer (4 MB instead of 8) without changing
// the output.
var encoderOptions = []zstd.EOption{zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
	zstd.WithLowerEncoderMem(true)}

// jsonBufs are buffers for documents' JSON, which is compressed at once.
var jsonBufs = gosync.Pool{New: func() any { return new([]byte) }}

// decoder decompresses documents, a few at a time.
var decoder = gosync.OnceValues(func() (*zstd.Decoder, error) {
	return zstd.NewReader(nil)
})

// Encode returns the stored form of res: its JSON (as json.Marshal writes
// it), compressed.
func Encode(res *mapping.Result) ([]byte, error) {
	buf := jsonBufs.Get().(*[]byte)
	defer jsonBufs.Put(buf)
	j, err := appendResult((*buf)[:0], res)
	if err != nil {
		if j, err = json.Marshal(res); err != nil {
			return nil, fmt.Errorf("encode data: %w", err)
		}
	} else if cap(j) <= maxPooled {
		*buf = j
	}
	return CompressJSON(j)
}

// maxPooled is the largest JSON buffer kept for the next document.
const maxPooled = 1 << 20

// CompressJSON compresses a document's JSON.
func CompressJSON(j []byte) ([]byte, error) {
	enc, err := getEncoder()
	if err != nil {
		return nil, fmt.Errorf("compress data: %w", err)
	}
	defer putEncoder(enc)
	// Documents compress to about a sixth of their JSON: room for a
	// quarter spares growing the output.
	return enc.EncodeAll(j, make([]byte, 0, len(j)/4+64)), nil
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
