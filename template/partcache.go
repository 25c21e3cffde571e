package template

import (
	"archive/zip"
	"bytes"
	"strings"
	"sync"
)

// Parts that many workbooks share. Workbooks written by one program from
// one template carry the same theme, styles, relationships and content
// types, byte for byte, compressed alike; each is about half of what sniff
// decompresses and what readFast parses of a small form. sniff keeps the
// entries it checked in sharedParts, and takes an entry whose compressed
// bytes are one it has checked from there instead of decompressing it
// again: archive/zip's checks (the declared size, the checksum, the data
// descriptor) and what sniff and readFast derive from an entry depend only
// on its name, method, declared checksum and size, compressed bytes and
// the data descriptor after them, which all have to be the same. Worksheets
// and shared strings, which differ from workbook to workbook, are not kept.

// sharedPart is an entry sniff checked: its key, and what checkEntry
// returned for it.
type sharedPart struct {
	key  sharedKey
	raw  []byte // the compressed bytes
	desc []byte // the bytes archive/zip reads as the data descriptor, if it has one
	b    []byte // the decompressed bytes, when kept (keepPart)
	// count is what checkEntry counted (the xf of styles.xml).
	count int
	// entities is declaresEntities(b).
	entities bool
	// memo holds what is derived from b once for all workbooks (parsed
	// styles, relationships), never changed once stored.
	memo sync.Map
}

// sharedKey is what a sharedPart is looked up by.
type sharedKey struct {
	name       string
	method     uint16
	crc        uint32
	size, comp uint64
}

// Bounds of sharedParts: entries, bytes kept in all, and the largest
// entry (compressed and decompressed).
const (
	maxSharedParts     = 256
	maxSharedBytes     = 16 << 20
	maxSharedPartBytes = 1 << 20
)

// maxSeenParts bounds the keys of entries seen once.
const maxSeenParts = 4096

// sharedParts are the entries kept, by key. An entry is kept the second
// time its key is seen (seen), so that parts of one workbook only (its
// properties, with the time it was saved) are not.
var sharedParts = struct {
	sync.RWMutex
	m     map[sharedKey]*sharedPart
	bytes int
	seen  map[sharedKey]bool
}{m: map[sharedKey]*sharedPart{}, seen: map[sharedKey]bool{}}

// sharedCandidate tells whether sniff keeps an entry in sharedParts: not a
// worksheet or the shared strings table, and not too large.
func sharedCandidate(zf *zip.File) bool {
	n := lowerName(strings.ReplaceAll(zf.Name, "\\", "/"))
	return !strings.HasPrefix(n, "xl/worksheets/") && n != "xl/sharedstrings.xml" &&
		zf.CompressedSize64 <= maxSharedPartBytes && zf.UncompressedSize64 <= maxSharedPartBytes
}

// sharedBytes returns the compressed bytes of an entry of the zip of data
// and those archive/zip reads as its data descriptor; ok is false where
// they are not all within data.
func sharedBytes(data []byte, zf *zip.File) (raw, desc []byte, ok bool) {
	off, err := zf.DataOffset()
	if err != nil || off < 0 || uint64(off) > uint64(len(data)) || zf.CompressedSize64 > uint64(len(data))-uint64(off) {
		return nil, nil, false
	}
	end := off + int64(zf.CompressedSize64)
	raw = data[off:end]
	if zf.Flags&0x8 != 0 { // archive/zip reads up to 16 bytes after the data
		desc = data[end:min(int64(len(data)), end+16)]
	}
	return raw, desc, true
}

// lookupShared returns the entry kept for zf, nil for none.
func lookupShared(data []byte, zf *zip.File) *sharedPart {
	if !sharedCandidate(zf) {
		return nil
	}
	key := sharedKey{zf.Name, zf.Method, zf.CRC32, zf.UncompressedSize64, zf.CompressedSize64}
	sharedParts.RLock()
	sp := sharedParts.m[key]
	sharedParts.RUnlock()
	if sp == nil {
		return nil
	}
	raw, desc, ok := sharedBytes(data, zf)
	if !ok || !bytes.Equal(raw, sp.raw) || !bytes.Equal(desc, sp.desc) {
		return nil
	}
	return sp
}

// keepShared keeps what checkEntry returned for zf, b and count, in
// sharedParts the second time it sees its key, and returns the entry (nil
// where it is not kept).
func keepShared(data []byte, zf *zip.File, b []byte, count int) *sharedPart {
	if !sharedCandidate(zf) {
		return nil
	}
	key := sharedKey{zf.Name, zf.Method, zf.CRC32, zf.UncompressedSize64, zf.CompressedSize64}
	sharedParts.Lock()
	again := sharedParts.seen[key]
	if !again {
		if len(sharedParts.seen) >= maxSeenParts {
			clear(sharedParts.seen)
		}
		sharedParts.seen[key] = true
	}
	sharedParts.Unlock()
	raw, desc, ok := sharedBytes(data, zf)
	if !again || !ok {
		return nil
	}
	sp := &sharedPart{key: key, raw: bytes.Clone(raw), desc: bytes.Clone(desc), b: b, count: count,
		entities: b != nil && declaresEntities(b)}
	size := len(sp.raw) + len(sp.b)
	sharedParts.Lock()
	defer sharedParts.Unlock()
	if old := sharedParts.m[sp.key]; old != nil {
		sharedParts.bytes -= len(old.raw) + len(old.b)
		delete(sharedParts.m, sp.key)
	}
	// Full: drop entries, any (a map's order is random), until it fits.
	for k, old := range sharedParts.m {
		if len(sharedParts.m) < maxSharedParts && sharedParts.bytes+size <= maxSharedBytes {
			break
		}
		sharedParts.bytes -= len(old.raw) + len(old.b)
		delete(sharedParts.m, k)
	}
	sharedParts.m[sp.key] = sp
	sharedParts.bytes += size
	return sp
}

// derived returns what build derives from the entry's bytes, built once;
// what names it (a comparable value: a string, or a key type of its own
// such as parsedKey).
func (sp *sharedPart) derived(what any, build func() any) any {
	if v, ok := sp.memo.Load(what); ok {
		return v
	}
	v, _ := sp.memo.LoadOrStore(what, build())
	return v
}
