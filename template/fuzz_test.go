package template

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits are small, so that a mutated workbook fails fast.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxUnzipBytes: 8 << 20, MaxCells: 20_000}

// sentinels are the errors every failed Read wraps one of.
var sentinels = []error{ErrNotWorkbook, ErrNotXLSX, ErrEncrypted, ErrLegacyXLS, ErrEmpty, ErrTooLarge, ErrCorrupt, ErrUnsafeXML}

// storedZip rewrites a zip with its entries uncompressed and without
// checksums (CRC-32 0 is not checked), so that a mutation of the bytes
// reaches excelize's XML parsing instead of failing the checksum.
func storedZip(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Store,
			CompressedSize64: uint64(b.Len()), UncompressedSize64: uint64(b.Len())})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// FuzzRead feeds Read mutated workbooks: it must return a workbook or an
// error of one line that names the file and wraps a sentinel, and never
// panic. Seeds: the shipped examples (as they are, and stored without
// checksums), a truncated one, a zip with junk, OLE headers; the files under
// testdata/fuzz/FuzzRead run as ordinary tests.
func FuzzRead(f *testing.F) {
	examples, err := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if err != nil || len(examples) == 0 {
		f.Fatal("no example workbooks")
	}
	for _, name := range examples {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(storedZip(f, data))
		f.Add(data[:len(data)/2])
	}
	f.Add(zipOf(f, "[Content_Types].xml", "\x00junk", "xl/workbook.xml", "<workbook><sheets><sheet name=\"x\" r:id=\"rId1\"/></sheets>", "xl/worksheets/sheet1.xml", "\xff\xfe"))
	f.Add(append(append([]byte{}, oleMagic...), make([]byte, 512)...))
	f.Add(oleFile(f, "Workbook"))
	f.Add(oleFile(f, "EncryptionInfo"))
	// A mutated .xls must not start LibreOffice at each run.
	old := sofficeCommands
	sofficeCommands = nil
	f.Cleanup(func() { sofficeCommands = old })
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := Read("模糊.xlsx", data, fuzzLimits)
		if err != nil {
			checkMessage(t, err, "模糊.xlsx")
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if wb == nil || len(wb.Sheets) == 0 {
			t.Fatalf("no error and no sheet: %+v", wb)
		}
	})
}
