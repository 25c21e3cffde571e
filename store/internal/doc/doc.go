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
	gosync "sync"

	"github.com/klauspost/compress/zstd"

	"github.com/jxsync/jxsync/mapping"
)

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// encoders compress documents, one at a time each. The fastest level
// compresses the documents of the benchmark's import set as well as the
// better ones (their repeats are long) and takes well under a megabyte
// where SpeedBetterCompression takes twenty. A pool (per processor) rather
// than one encoder of GOMAXPROCS: an import's workers each take the
// encoder their processor last used, whose tables are still in its cache,
// where one shared encoder hands them out in turn. The output does not
// depend on which encoder writes it, nor on their concurrency.
var encoders = gosync.Pool{New: func() any {
	enc, err := zstd.NewWriter(nil, encoderOptions...)
	if err != nil {
		return err
	}
	return enc
}}

// encoderOptions are the options of every encoder.
var encoderOptions = []zstd.EOption{zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1)}

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
	e := encoders.Get()
	enc, ok := e.(*zstd.Encoder)
	if !ok {
		return nil, fmt.Errorf("compress data: %w", e.(error))
	}
	defer encoders.Put(enc)
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
