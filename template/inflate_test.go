package template

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// deflated returns b deflated, as zip entries hold it.
func deflated(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	fw, err := flate.NewWriter(&out, flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(b)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// withMedia returns a workbook with one more entry, an image of the given
// bytes: a part sniff only counts (keepPart is false for it).
func withMedia(t testing.TB, data, image []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if err := zw.Copy(zf); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/image1.png", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(image)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// damage rewrites the entry named name of a workbook: edit changes a copy
// of its header and of its compressed bytes.
func damage(t testing.TB, data []byte, name string, edit func(h *zip.FileHeader, raw []byte) []byte) []byte {
	t.Helper()
	return rezip(t, data, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
		if zf.Name != name {
			return nil, nil, false
		}
		h := zf.FileHeader
		raw := edit(&h, bytes.Clone(rawEntry(t, zf)))
		h.CompressedSize64 = uint64(len(raw))
		return &h, raw, true
	})
}

// sniffAgrees asserts that sniff, inflating with its pooled flate reader,
// keeps the same bytes of every entry and fails with the same error as
// with archive/zip's own decompressor, and returns the error.
func sniffAgrees(t *testing.T, what string, data []byte) error {
	t.Helper()
	lim := Limits{}.withDefaults()
	got, gerr := sniffWith(data, lim, true)
	want, werr := sniffWith(data, lim, false)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("%s: sniff: %v, with archive/zip's decompressor %v", what, gerr, werr)
	}
	if gerr != nil {
		return gerr
	}
	for i, zf := range got.zr.File {
		g, gok := got.bytes[zf]
		w, wok := want.bytes[want.zr.File[i]]
		if gok != wok || !bytes.Equal(g, w) {
			t.Fatalf("%s: %s: kept %d bytes (%v), with archive/zip's decompressor %d (%v)", what, zf.Name, len(g), gok, len(w), wok)
		}
	}
	return nil
}

// TestSniffInflatesAsArchiveZip: the flate reader sniff reuses for every
// entry, reading the compressed bytes in place, finds what archive/zip's
// decompressor finds in parts it keeps (the worksheet, the shared strings)
// and in parts it only counts (an image): damaged and truncated deflate
// streams, declared sizes that lie, checksums that do not match, a bomb.
func TestSniffInflatesAsArchiveZip(t *testing.T) {
	image := make([]byte, 300_000)
	rand.New(rand.NewSource(1)).Read(image[:100_000]) // incompressible, then zeros
	good := withMedia(t, xlsxBytes(t, oneCell), image)
	if err := sniffAgrees(t, "good", good); err != nil {
		t.Fatalf("good workbook: %v", err)
	}
	bomb := bytes.Repeat([]byte(" "), 50<<20)
	bombRaw := deflated(t, bomb)
	parts := []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/media/image1.png"}
	for _, name := range parts {
		cases := []struct {
			what string
			edit func(h *zip.FileHeader, raw []byte) []byte
			want error // of Read
			says string
		}{
			{"byte changed", func(h *zip.FileHeader, raw []byte) []byte {
				raw[len(raw)/2] ^= 0x5A
				return raw
			}, ErrCorrupt, name},
			{"stream cut short", func(h *zip.FileHeader, raw []byte) []byte { return raw[:len(raw)*2/3] }, ErrCorrupt, "unexpected EOF"},
			{"last byte missing", func(h *zip.FileHeader, raw []byte) []byte { return raw[:len(raw)-1] }, ErrCorrupt, name},
			{"declared larger", func(h *zip.FileHeader, raw []byte) []byte {
				h.UncompressedSize64 += 10
				return raw
			}, ErrCorrupt, "unexpected EOF"},
			{"declared smaller", func(h *zip.FileHeader, raw []byte) []byte {
				h.UncompressedSize64 = 10
				return raw
			}, ErrTooLarge, "超过其声明"},
			{"checksum", func(h *zip.FileHeader, raw []byte) []byte {
				h.CRC32 ^= 1
				return raw
			}, ErrCorrupt, "checksum"},
			{"bomb declared small", func(h *zip.FileHeader, raw []byte) []byte {
				h.CRC32, h.UncompressedSize64 = crc32.ChecksumIEEE(bomb), 1000
				return bytes.Clone(bombRaw)
			}, ErrTooLarge, "超过其声明"},
		}
		for _, c := range cases {
			what := name + " " + c.what
			data := damage(t, good, name, c.edit)
			if err := sniffAgrees(t, what, data); err == nil {
				t.Fatalf("%s: sniff found nothing", what)
			}
			_, err := Read("损坏.xlsx", data, Limits{})
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s: Read: %v, want %v saying %q and naming the part", what, err, c.want, c.says)
			}
		}
	}
	// A bomb in a part only counted, declared honestly, within the
	// limits: it is read through, and the workbook reads.
	honest := damage(t, good, "xl/media/image1.png", func(h *zip.FileHeader, raw []byte) []byte {
		h.CRC32, h.UncompressedSize64 = crc32.ChecksumIEEE(bomb), uint64(len(bomb))
		return bytes.Clone(bombRaw)
	})
	if err := sniffAgrees(t, "honest bomb", honest); err != nil {
		t.Fatalf("honest bomb in an image: %v", err)
	}
	if _, err := Read("图片.xlsx", honest, Limits{}); err != nil {
		t.Errorf("honest bomb in an image: Read: %v", err)
	}
}

// TestSniffInflatesAsArchiveZipMutated compares the two decompressors on
// random damage to the deflate streams of the kept parts of the shipped
// examples, one workbook after another, so that the reused flate reader
// meets each stream after a damaged one.
func TestSniffInflatesAsArchiveZipMutated(t *testing.T) {
	data, err := os.ReadFile("../templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(12))
	failed := 0
	for i := 0; i < 300; i++ {
		name := []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}[i%2]
		mut := damage(t, data, name, func(h *zip.FileHeader, raw []byte) []byte {
			switch rng.Intn(3) {
			case 0:
				for k := rng.Intn(3) + 1; k > 0; k-- {
					raw[rng.Intn(len(raw))] ^= 1 << rng.Intn(8)
				}
			case 1:
				raw = raw[:rng.Intn(len(raw))]
			default:
				raw[rng.Intn(len(raw))] = byte(rng.Intn(256))
			}
			return raw
		})
		if sniffAgrees(t, fmt.Sprintf("mutation %d of %s", i, name), mut) != nil {
			failed++
		}
		if err := sniffAgrees(t, "the workbook after it", data); err != nil {
			t.Fatalf("the workbook after mutation %d: %v", i, err)
		}
	}
	if failed == 0 {
		t.Error("no mutation was found damaged")
	}
}

// TestLegal3 compares legal3 with decoding every sequence of three bytes
// that starts like a character of three: it accepts exactly those that
// utf8.DecodeRuneInString decodes as three bytes and legalRune accepts.
func TestLegal3(t *testing.T) {
	accepted := 0
	for c := 0xE0; c <= 0xEF; c++ {
		for c1 := 0; c1 < 256; c1++ {
			for c2 := 0; c2 < 256; c2++ {
				s := string([]byte{byte(c), byte(c1), byte(c2)})
				r, n := utf8.DecodeRuneInString(s)
				want := n == 3 && legalRune(r, n)
				if got := legal3(s, 0); got != want {
					t.Fatalf("legal3(% x) = %v, want %v", s, got, want)
				}
				if want {
					accepted++
				}
				if legal3(s[:2], 0) {
					t.Fatalf("legal3(% x) of two bytes", s[:2])
				}
			}
		}
	}
	if accepted != 0xFFFE-0x800-0x800 { // U+0800 to U+FFFD but the surrogates
		t.Errorf("accepted %d sequences", accepted)
	}
}
