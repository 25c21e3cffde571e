package template

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"io/fs"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// partZip is the excelize.ZipWriter of exports: it deflates each part at
// deflateLevel, and keeps the deflated bytes of the parts that are the same
// in every export of a form (theme, styles, relationships …) to write those
// again without deflating them again.
type partZip struct {
	zw   *zip.Writer
	name string       // the part being written, "" before the first
	buf  bytes.Buffer // its content
}

// newPartZip returns a partZip writing to w.
func newPartZip(w io.Writer) excelize.ZipWriter { return &partZip{zw: zip.NewWriter(w)} }

// Create implements excelize.ZipWriter: the part is written out when the
// next is created or the archive closed.
func (z *partZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	z.name = name
	return &z.buf, nil
}

// AddFS implements excelize.ZipWriter.
func (z *partZip) AddFS(fsys fs.FS) error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close implements excelize.ZipWriter.
func (z *partZip) Close() error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.Close()
}

// flush writes the part being written, deflated.
func (z *partZip) flush() error {
	if z.name == "" {
		return nil
	}
	name, content := z.name, z.buf.Bytes()
	z.name = ""
	defer z.buf.Reset()
	p, err := packPart(name, content)
	if err != nil {
		return err
	}
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, CreatorVersion: 20, ReaderVersion: 20,
		CRC32: p.crc, CompressedSize64: uint64(len(p.deflated)), UncompressedSize64: uint64(len(content))}
	if !isASCII(name) && utf8.ValidString(name) {
		fh.Flags |= 0x800 // the name is UTF-8
	}
	w, err := z.zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = w.Write(p.deflated)
	return err
}

// isASCII tells whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// packedPart is a part's content deflated, with its checksum.
type packedPart struct {
	content, deflated []byte
	crc               uint32
}

// samePartNames are the parts that come out the same in many exports; their
// deflated bytes are kept, up to maxSameParts versions of each. The sheet,
// its strings and the custom properties differ from export to export.
var samePartNames = map[string]bool{
	"[Content_Types].xml": true, "_rels/.rels": true, "docProps/app.xml": true, "docProps/core.xml": true,
	"xl/_rels/workbook.xml.rels": true, "xl/styles.xml": true, themePart: true, "xl/workbook.xml": true,
}

// maxSameParts bounds the versions kept of each of samePartNames.
const maxSameParts = 32

// sameParts holds the deflated parts kept, by name and checksum.
var sameParts = struct {
	sync.RWMutex
	m map[partKey]*packedPart
	n map[string]int
}{m: map[partKey]*packedPart{}, n: map[string]int{}}

// partKey names a version of a part.
type partKey struct {
	name string
	crc  uint32
}

// packPart returns the part deflated, from sameParts when kept there.
func packPart(name string, content []byte) (*packedPart, error) {
	crc := crc32.ChecksumIEEE(content)
	key := partKey{name, crc}
	same := samePartNames[name]
	if same {
		sameParts.RLock()
		p := sameParts.m[key]
		sameParts.RUnlock()
		if p != nil && bytes.Equal(p.content, content) {
			return p, nil
		}
	}
	d, err := deflate(content)
	if err != nil {
		return nil, err
	}
	p := &packedPart{deflated: d, crc: crc}
	if same {
		p.content = bytes.Clone(content)
		sameParts.Lock()
		if _, ok := sameParts.m[key]; !ok && sameParts.n[name] < maxSameParts {
			sameParts.m[key] = p
			sameParts.n[name]++
		}
		sameParts.Unlock()
	}
	return p, nil
}

// deflateLevel is the level parts are deflated at: the fastest, as an
// export is made while someone waits for it, which makes the sheet's part a
// tenth larger than archive/zip's default level does.
const deflateLevel = flate.BestSpeed

// flateWriters are deflaters to reuse: making one allocates and clears
// hundreds of kilobytes.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, deflateLevel)
	return w
}}

// deflate returns b deflated at deflateLevel.
func deflate(b []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b)/3 + 64)
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(&out)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
