package template

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/bench/hostile"
)

// clearShared empties sharedParts.
func clearShared() {
	sharedParts.Lock()
	defer sharedParts.Unlock()
	clear(sharedParts.m)
	clear(sharedParts.seen)
	sharedParts.bytes = 0
}

// readTwice reads data with the shared parts empty, then again until its
// shared parts are kept and once more from them; it fails when the last
// read differs from the first, and returns its error.
func readTwice(t *testing.T, what string, data []byte, lim Limits) error {
	t.Helper()
	clearShared()
	wb1, err1 := Read("表.xlsx", data, lim)
	Read("表.xlsx", data, lim)
	Read("表.xlsx", data, lim)
	wb2, err2 := Read("表.xlsx", data, lim)
	if fmt.Sprint(err1) != fmt.Sprint(err2) || (err1 == nil && !reflect.DeepEqual(plainWorkbook(wb1), plainWorkbook(wb2))) {
		t.Errorf("%s: read fresh %v, from shared parts %v", what, err1, err2)
	}
	return err2
}

// entryAt returns the offsets of a zip entry's compressed bytes in data.
func entryAt(t *testing.T, data []byte, name string) (off, end int64) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			off, err := zf.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			if zf.Flags&0x8 == 0 {
				t.Fatalf("%s has no data descriptor", name)
			}
			return off, off + int64(zf.CompressedSize64)
		}
	}
	t.Fatalf("no %s", name)
	return 0, 0
}

// TestSharedParts: a workbook whose parts were checked for other workbooks
// reads as it does the first time; a part that declares the same checksum
// and sizes but whose compressed bytes or data descriptor differ is
// checked again (and found damaged); the bounds are those of the read.
func TestSharedParts(t *testing.T) {
	good := xlsxBytes(t, oneCell)
	if err := readTwice(t, "good", good, Limits{}); err != nil {
		t.Fatal(err)
	}
	sharedParts.RLock()
	n := len(sharedParts.m)
	sharedParts.RUnlock()
	if n == 0 {
		t.Fatal("no part kept")
	}
	// The theme, damaged after the good one was kept.
	off, end := entryAt(t, good, "xl/theme/theme1.xml")
	for _, c := range []struct {
		name string
		at   int64
	}{{"compressed bytes", (off + end) / 2}, {"data descriptor", end + 5}} {
		bad := bytes.Clone(good)
		bad[c.at] ^= 0xff
		clearShared()
		_, fresh := Read("表.xlsx", bad, Limits{})
		if fresh == nil || !strings.Contains(fresh.Error(), "theme1.xml") {
			t.Fatalf("%s: damaged theme read %v", c.name, fresh)
		}
		for range 3 {
			Read("表.xlsx", good, Limits{})
		}
		if _, err := Read("表.xlsx", bad, Limits{}); fmt.Sprint(err) != fmt.Sprint(fresh) {
			t.Errorf("%s: damaged theme after the good one: %v, want %v", c.name, err, fresh)
		}
	}
	// The bounds of the read apply to a kept part: 201 cell styles are
	// more than twice 90.
	styles := hostile.Styles(200, false)
	if err := readTwice(t, "styles", styles, Limits{}); err != nil {
		t.Fatal(err)
	}
	const many = "含有超过 180 个单元格样式"
	if err := readTwice(t, "styles", styles, Limits{MaxStyles: 90}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), many) {
		t.Errorf("styles over the bound: %v", err)
	}
	clearShared()
	for range 3 {
		Read("表.xlsx", styles, Limits{})
	}
	if _, err := Read("表.xlsx", styles, Limits{MaxStyles: 90}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), many) {
		t.Errorf("styles over the bound after reads within: %v", err)
	}
	// An entity declaration in a part no reader parses.
	doc := zipPart(t, good, "docProps/app.xml")
	i := bytes.Index(doc, []byte("?>")) + 2
	bomb := withPart(t, good, "docProps/app.xml", string(doc[:i])+`<!DOCTYPE x [<!ENTITY a "哈哈">]>`+string(doc[i:]))
	if err := readTwice(t, "entity", bomb, Limits{}); !errors.Is(err, ErrUnsafeXML) {
		t.Errorf("entity declaration: %v", err)
	}
}

// TestSharedPartsBounded: a part seen once is not kept; sharedParts keeps
// at most maxSharedParts entries and maxSharedBytes.
func TestSharedPartsBounded(t *testing.T) {
	defer clearShared()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range maxSharedParts + 44 {
		name := "xl/workbook.xml"
		if i > 0 {
			name = fmt.Sprintf("extra/p%03d.xml", i)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 60<<10)
		for j := range b {
			b[j] = "0123456789abcdef"[rng.IntN(16)]
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	lim := Limits{}.withDefaults()
	clearShared()
	if _, err := sniff(data, lim); err != nil {
		t.Fatal(err)
	}
	count := func() (n, total, sum int) {
		sharedParts.RLock()
		defer sharedParts.RUnlock()
		for _, sp := range sharedParts.m {
			sum += len(sp.raw) + len(sp.b)
		}
		return len(sharedParts.m), sharedParts.bytes, sum
	}
	if n, _, _ := count(); n != 0 {
		t.Errorf("%d parts kept after one read", n)
	}
	for range 2 {
		if _, err := sniff(data, lim); err != nil {
			t.Fatal(err)
		}
	}
	n, total, sum := count()
	if n == 0 || n > maxSharedParts || total > maxSharedBytes || total != sum {
		t.Errorf("%d parts kept of %d bytes (counted %d), bounds %d and %d", n, sum, total, maxSharedParts, maxSharedBytes)
	}
}
