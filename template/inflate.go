package template

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"sync"
)

// zipInflater is the deflate decompressor of the zip sniff checks
// (zip.Reader.RegisterDecompressor): one flate reader, taken from a pool
// for the length of sniff and reset for each entry (flate.Resetter), that
// reads the entry's compressed bytes straight from the file's bytes. What
// it reads is what archive/zip's own decompressor reads, byte for byte and
// error for error: archive/zip still bounds the entry by its declared
// size and checks its checksum and data descriptor. It saves what
// archive/zip's decompressor allocates for every entry: a bufio.Reader of
// 4 KB, which compress/flate puts before a source that is not an
// io.ByteReader such as the io.SectionReader archive/zip hands it. Entries
// are opened one at a time (checkEntry closes one before it opens the
// next); one opened while another is open, or after release, gets a flate
// reader of its own.
type zipInflater struct {
	data []byte
	fr   *pooledInflater
	busy bool
}

// pooledInflater is a flate reader kept in inflaters, and its source.
type pooledInflater struct {
	src bytes.Reader
	fr  io.ReadCloser
}

// inflaters are the flate readers of zipInflaters not in use.
var inflaters sync.Pool

// newZipInflater returns the decompressor for the zip of data.
func newZipInflater(data []byte) *zipInflater {
	return &zipInflater{data: data}
}

// open is the zip.Decompressor: r is the entry's compressed bytes, an
// io.SectionReader of data as archive/zip makes it.
func (z *zipInflater) open(r io.Reader) io.ReadCloser {
	sr, ok := r.(*io.SectionReader)
	if !ok || z.busy || z.data == nil {
		return flate.NewReader(r)
	}
	_, off, n := sr.Outer()
	// sr reads data[off:off+n], as far as data goes.
	lo, hi := min(max(off, 0), int64(len(z.data))), int64(len(z.data))
	if n >= 0 && n < hi-lo {
		hi = lo + n
	}
	if z.fr == nil {
		p, ok := inflaters.Get().(*pooledInflater)
		if !ok {
			p = &pooledInflater{}
			p.fr = flate.NewReader(&p.src)
		}
		z.fr = p
	}
	z.fr.src.Reset(z.data[lo:hi])
	if err := z.fr.fr.(flate.Resetter).Reset(&z.fr.src, nil); err != nil {
		return flate.NewReader(r) // not reached: Reset fails only for a dictionary
	}
	z.busy = true
	return (*openInflater)(z)
}

// release returns the flate reader to the pool; entries opened after it
// get a flate reader of their own.
func (z *zipInflater) release() {
	if z.fr != nil && !z.busy {
		z.fr.src.Reset(nil) // holds no file's bytes in the pool
		inflaters.Put(z.fr)
	}
	z.fr, z.data = nil, nil
}

// openInflater is a zipInflater's reader of the entry open.
type openInflater zipInflater

// errReadClosed is the error of a read after Close.
var errReadClosed = errors.New("flate: read after close")

func (o *openInflater) Read(p []byte) (int, error) {
	if !o.busy || o.fr == nil {
		return 0, errReadClosed
	}
	return o.fr.fr.Read(p)
}

func (o *openInflater) Close() error {
	if !o.busy {
		return nil
	}
	o.busy = false
	if o.fr == nil {
		return nil
	}
	return o.fr.fr.Close()
}
