package template

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

func xlsxBytes(t *testing.T, fill func(f *excelize.File), opts ...excelize.Options) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if fill != nil {
		fill(f)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b, opts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// oneCell fills a workbook's first sheet with one label.
func oneCell(f *excelize.File) { f.SetCellStr("Sheet1", "A1", "单位名称") }

// rezip copies a zip, letting edit replace an entry: edit returns the
// header and the raw (already compressed) data to write, or ok=false to copy
// the entry as it is.
func rezip(t testing.TB, data []byte, edit func(zf *zip.File) (hdr *zip.FileHeader, raw []byte, ok bool)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		hdr, raw, ok := edit(zf)
		if !ok {
			if err := zw.Copy(zf); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.CreateRaw(hdr)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// rawEntry returns an entry's compressed bytes.
func rawEntry(t testing.TB, zf *zip.File) []byte {
	t.Helper()
	r, err := zf.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipOf builds a zip of the named entries.
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkMessage asserts that err is one line naming the file.
func checkMessage(t testing.TB, err error, name string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	if !strings.Contains(msg, name) {
		t.Errorf("error %q does not name the file %q", msg, name)
	}
}

func TestReadBadInput(t *testing.T) {
	good := xlsxBytes(t, oneCell)
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
		says string // a part of the message
	}{
		{"empty file", nil, Limits{}, ErrEmpty, "文件为空"},
		{"text file", []byte("单位名称,蔡甸区\n"), Limits{}, ErrNotWorkbook, "不是Excel工作簿"},
		{"html saved as xls", []byte("<html><body><table><tr><td>单位名称</td></tr></table></body></html>"), Limits{}, ErrNotWorkbook, "网页"},
		{"xml spreadsheet 2003", []byte(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>`), Limits{}, ErrNotWorkbook, "XML"},
		{"zip without workbook", zipOf(t, "readme.txt", "hello"), Limits{}, ErrNotXLSX, "不是Excel工作簿"},
		{"ods", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", "<x/>"), Limits{}, ErrNotXLSX, ".ods"},
		{"xlsb", zipOf(t, "[Content_Types].xml", "<x/>", "xl/workbook.bin", "\x00"), Limits{}, ErrNotXLSX, ".xlsb"},
		{"truncated zip", good[:200], Limits{}, ErrNotWorkbook, "损坏"},
		{"zip with junk entries", append(append([]byte{}, good[:len(good)/2]...), bytes.Repeat([]byte{0x55}, 300)...), Limits{}, ErrNotWorkbook, "损坏"},
		{"encrypted", xlsxBytes(t, oneCell, excelize.Options{Password: "secret"}), Limits{}, ErrEncrypted, "已加密"},
		{"ole without workbook", oleFile(t, "WordDocument"), Limits{}, ErrNotWorkbook, "复合文档"},
		{"ole header only", append(append([]byte{}, oleMagic...), make([]byte, 100)...), Limits{}, ErrNotWorkbook, "复合文档"},
		{"workbook without cells", xlsxBytes(t, nil), Limits{}, ErrEmpty, "没有任何内容"},
		{"file too large", good, Limits{MaxFileBytes: 100}, ErrTooLarge, "超出大小限制"},
		{"expands too much", good, Limits{MaxUnzipBytes: 1000}, ErrTooLarge, "解压后"},
		{"checksum mismatch", rezip(t, good, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
			if zf.Name != "xl/worksheets/sheet1.xml" {
				return nil, nil, false
			}
			h := zf.FileHeader
			h.CRC32 ^= 0xFFFF
			return &h, rawEntry(t, zf), true
		}), Limits{}, ErrCorrupt, "xl/worksheets/sheet1.xml"},
		{"entry shorter than declared", rezip(t, good, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
			if zf.Name != "xl/worksheets/sheet1.xml" {
				return nil, nil, false
			}
			h := zf.FileHeader
			h.UncompressedSize64 += 10
			return &h, rawEntry(t, zf), true
		}), Limits{}, ErrCorrupt, "xl/worksheets/sheet1.xml"},
		{"entry longer than declared", rezip(t, good, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
			if zf.Name != "xl/worksheets/sheet1.xml" {
				return nil, nil, false
			}
			h := zf.FileHeader
			h.UncompressedSize64 = 10
			return &h, rawEntry(t, zf), true
		}), Limits{}, ErrTooLarge, "超过其声明"},
		{"too many cells", xlsxBytes(t, func(f *excelize.File) {
			for r := 1; r <= 50; r++ {
				f.SetCellInt("Sheet1", "A"+strconv.Itoa(r), int64(r))
			}
		}), Limits{MaxCells: 10}, ErrTooLarge, `sheet "Sheet1" cell A11`},
		{"cells far apart", xlsxBytes(t, func(f *excelize.File) {
			for r := 1; r <= 10; r++ {
				f.SetCellInt("Sheet1", "XFD"+strconv.Itoa(r), int64(r))
			}
		}), Limits{MaxArea: 100_000}, ErrTooLarge, `sheet "Sheet1" cell XFD7`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("上报/单位.xlsx", tt.data, tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			checkMessage(t, err, "上报/单位.xlsx")
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

// oleFile returns an OLE compound file whose root holds one empty stream.
// It is the smallest valid one: a header, one FAT sector and one directory
// sector.
func oleFile(t testing.TB, stream string) []byte {
	t.Helper()
	const sector = 512
	b := make([]byte, sector*3)
	copy(b, oleMagic)
	le := func(off int, v uint32) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	le16 := func(off int, v uint16) { b[off], b[off+1] = byte(v), byte(v>>8) }
	le16(0x18, 0x3E)   // minor version
	le16(0x1A, 3)      // major version 3: 512-byte sectors
	le16(0x1C, 0xFFFE) // little-endian
	le16(0x1E, 9)      // sector shift
	le16(0x20, 6)      // mini sector shift
	le(0x2C, 1)        // FAT sectors
	le(0x30, 1)        // first directory sector
	le(0x38, 4096)     // mini stream cutoff
	le(0x3C, 0xFFFFFFFE)
	le(0x44, 0xFFFFFFFE)
	le(0x4C, 0) // DIFAT[0]: FAT in sector 0
	for i := 1; i < 109; i++ {
		le(0x4C+4*i, 0xFFFFFFFF)
	}
	fat := sector       // sector 0 (file offset 512)
	le(fat, 0xFFFFFFFD) // sector 0: FAT
	le(fat+4, 0xFFFFFFFE)
	for i := 2; i < 128; i++ {
		le(fat+4*i, 0xFFFFFFFF)
	}
	dir := 2 * sector // sector 1
	entry := func(i int, name string, typ byte, child uint32) {
		o := dir + 128*i
		u := []rune(name)
		for j, r := range u {
			le16(o+2*j, uint16(r))
		}
		le16(o+64, uint16(2*(len(u)+1)))
		b[o+66] = typ
		b[o+67] = 1 // black
		le(o+68, 0xFFFFFFFF)
		le(o+72, 0xFFFFFFFF)
		le(o+76, child)
		le(o+116, 0xFFFFFFFE)
	}
	entry(0, "Root Entry", 5, 1)
	entry(1, stream, 2, 0xFFFFFFFF)
	for i := 2; i < 4; i++ {
		o := dir + 128*i
		le(o+68, 0xFFFFFFFF)
		le(o+72, 0xFFFFFFFF)
		le(o+76, 0xFFFFFFFF)
	}
	return b
}

func TestReadOLEStreams(t *testing.T) {
	// The hand-built compound file is read by mscfb: with a Workbook
	// stream it is a legacy .xls, with EncryptionInfo an encrypted .xlsx.
	old := sofficeCommands
	sofficeCommands = nil
	defer func() { sofficeCommands = old }()
	for stream, want := range map[string]error{"Workbook": ErrLegacyXLS, "EncryptionInfo": ErrEncrypted, "WordDocument": ErrNotWorkbook} {
		if _, err := Read("x.xls", oleFile(t, stream), Limits{}); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", stream, err, want)
		}
	}
}

func TestReadNameWithNewline(t *testing.T) {
	_, err := Read("a\nb.xlsx", []byte("x"), Limits{})
	checkMessage(t, err, `"a\nb.xlsx"`)
}

// legacyXLS is a real Excel 97-2003 workbook: the Hubei example saved as
// .xls by LibreOffice (soffice --convert-to xls).
const (
	legacyXLS     = "testdata/bad/caidian-jiuzhu-2022.xls"
	legacyXLSFrom = "../templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx"
)

func haveSoffice() bool {
	for _, c := range sofficeCommands {
		if _, err := exec.LookPath(c); err == nil {
			return true
		}
	}
	return false
}

func TestReadLegacyXLS(t *testing.T) {
	xls, err := os.ReadFile(legacyXLS)
	if err != nil {
		t.Fatal(err)
	}
	if !haveSoffice() {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is not installed")
		}
		_, err := Read("单位.xls", xls, Limits{})
		if !errors.Is(err, ErrLegacyXLS) || !strings.Contains(err.Error(), "另存为.xlsx") {
			t.Fatalf("without LibreOffice: err = %v", err)
		}
		checkMessage(t, err, "单位.xls")
		t.Skip("LibreOffice (soffice) is not installed: checked the message only")
	}
	got, err := Read("单位.xls", xls, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	xlsx, err := os.ReadFile(legacyXLSFrom)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Read("单位.xlsx", xlsx, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "单位.xls" || len(got.Sheets) != len(want.Sheets) {
		t.Fatalf("read %q with %d sheets, want %d", got.Name, len(got.Sheets), len(want.Sheets))
	}
	for i, w := range want.Sheets {
		g := got.Sheets[i]
		if g.Name != w.Name {
			t.Errorf("sheet %d is %q, want %q", i, g.Name, w.Name)
		}
		for r := range max(len(g.Rows), len(w.Rows)) {
			for c := range max(g.Width(), w.Width()) {
				if g.At(r, c) != w.At(r, c) {
					t.Errorf("%s!%s = %+v, want %+v", w.Name, mapping.CellName(r, c), g.At(r, c), w.At(r, c))
				}
			}
		}
		if !sameRanges(g.Merges, w.Merges) {
			t.Errorf("%s: merges %v, want %v", w.Name, g.Merges, w.Merges)
		}
	}
	// A few cells by name, as the Hubei mapping binds them.
	s := got.Sheets[0]
	if c := s.At(2, 1); !strings.Contains(c.Text, "蔡甸区") {
		t.Errorf("B3 = %+v", c)
	}
}

func sameRanges(a, b []mapping.Range) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[mapping.Range]int{}
	for _, r := range a {
		seen[r]++
	}
	for _, r := range b {
		if seen[r]--; seen[r] < 0 {
			return false
		}
	}
	return true
}

func TestReadLegacyXLSWithoutLibreOffice(t *testing.T) {
	old := sofficeCommands
	sofficeCommands = []string{"jxsync-no-such-soffice"}
	defer func() { sofficeCommands = old }()
	xls, err := os.ReadFile(legacyXLS)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Read("上报/单位.xls", xls, Limits{})
	if !errors.Is(err, ErrLegacyXLS) || !strings.Contains(err.Error(), "另存为.xlsx") {
		t.Fatalf("err = %v", err)
	}
	checkMessage(t, err, "上报/单位.xls")
}

// TestReadDamagedXLS: a compound file with an empty Workbook stream. Were
// LibreOffice left to guess its type, it would import the bytes as text and
// "succeed"; with the Excel filter named it fails, and so does Read.
func TestReadDamagedXLS(t *testing.T) {
	_, err := Read("坏.xls", oleFile(t, "Workbook"), Limits{})
	if !errors.Is(err, ErrLegacyXLS) || !strings.Contains(err.Error(), "另存为.xlsx") {
		t.Fatalf("err = %v", err)
	}
	checkMessage(t, err, "坏.xls")
	if haveSoffice() && !strings.Contains(err.Error(), "转换失败") {
		t.Errorf("err = %v, want a failed conversion", err)
	}
}

func TestReadLegacyXLSTimeout(t *testing.T) {
	if !haveSoffice() {
		t.Skip("LibreOffice (soffice) is not installed")
	}
	old := convertTimeout
	convertTimeout = 300 * time.Millisecond
	defer func() { convertTimeout = old }()
	xls, err := os.ReadFile(legacyXLS)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Read("单位.xls", xls, Limits{})
	if !errors.Is(err, ErrLegacyXLS) || !strings.Contains(err.Error(), "超时") {
		t.Fatalf("err = %v", err)
	}
	checkMessage(t, err, "单位.xls")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the timed-out conversion took %s to stop", d)
	}
}

// spacesSheet returns n spaces deflated, and their CRC-32.
func spacesSheet(t testing.TB, n int64) ([]byte, uint32) {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	crc := crc32.NewIEEE()
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for n > 0 {
		p := chunk[:min(n, int64(len(chunk)))]
		fw.Write(p)
		crc.Write(p)
		n -= int64(len(p))
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return comp.Bytes(), crc.Sum32()
}

// measure runs fn and returns how long it took and how many bytes it
// allocated.
func measure(fn func()) (time.Duration, uint64) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	fn()
	d := time.Since(start)
	runtime.ReadMemStats(&m1)
	return d, m1.TotalAlloc - m0.TotalAlloc
}

// TestReadZipBomb reads a workbook whose sheet is 500 MB of spaces deflated
// to about 600 KB: once with honest sizes in the zip, once claiming the
// sheet is 1,000 bytes. Both fail with ErrTooLarge at once, without
// decompressing more than they must.
func TestReadZipBomb(t *testing.T) {
	const size = 500 << 20
	comp, crc := spacesSheet(t, size)
	good := xlsxBytes(t, oneCell)
	for _, declared := range []uint64{size, 1000} {
		bomb := rezip(t, good, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
			if zf.Name != "xl/worksheets/sheet1.xml" {
				return nil, nil, false
			}
			return &zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(len(comp)), UncompressedSize64: declared}, comp, true
		})
		var err error
		d, alloc := measure(func() { _, err = Read("炸弹.xlsx", bomb, Limits{}) })
		t.Logf("declared %d: %d bytes, %s, %d bytes allocated: %v", declared, len(bomb), d, alloc, err)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("declared %d: err = %v, want ErrTooLarge", declared, err)
		}
		checkMessage(t, err, "炸弹.xlsx")
		if d > 2*time.Second || alloc > 16<<20 {
			t.Errorf("declared %d: took %s and allocated %d bytes", declared, d, alloc)
		}
	}
}

// TestReadMillionRows reads a sheet of 1,048,576 rows (Excel's most) of one
// cell each. With MaxCells at 100,000 the read stops at row 100,001 with
// ErrTooLarge naming the sheet and cell, having streamed only that far.
// (With the default 2,000,000 cells the whole sheet reads in about 9 s.)
func TestReadMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10 MB workbook")
	}
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 1048576; r++ {
		if err := sw.SetRow("A"+strconv.Itoa(r), []any{r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, alloc := measure(func() { _, err = Read("百万行.xlsx", b.Bytes(), Limits{MaxCells: 100_000}) })
	t.Logf("%d bytes: %s, %d MB allocated: %v", b.Len(), d, alloc>>20, err)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	checkMessage(t, err, "百万行.xlsx")
	if !strings.Contains(err.Error(), `sheet "Sheet1" cell A100001`) {
		t.Errorf("error %q does not name the sheet and cell", err)
	}
	// Reading it all allocates about 1.7 GB.
	if alloc > 600<<20 {
		t.Errorf("allocated %d MB: the read did not stop at the limit", alloc>>20)
	}
}

// TestReadChartSheet: a chart sheet has no cells; it does not make the
// workbook unreadable.
func TestReadChartSheet(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File) {
		f.SetSheetRow("Sheet1", "A1", &[]any{"年度", 2022, 2023})
		f.SetSheetRow("Sheet1", "A2", &[]any{"预算", 10, 12})
		err := f.AddChartSheet("图表", &excelize.Chart{Type: excelize.Col,
			Series: []excelize.ChartSeries{{Name: "Sheet1!$A$2", Categories: "Sheet1!$B$1:$C$1", Values: "Sheet1!$B$2:$C$2"}}})
		if err != nil {
			t.Fatal(err)
		}
	})
	wb, err := Read("图表.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(wb.Sheets) != 2 || wb.Sheets[0].At(1, 0).Text != "预算" || len(wb.Sheets[1].Rows) != 0 {
		t.Errorf("sheets = %+v", wb.Sheets)
	}
}

// TestReadFormulaWithoutValue: a program that writes formulas without
// calculating them leaves no cached value (<c><f>SUM(A1:A2)</f></c>). Read
// computes it (see also TestReadFormulasWithoutValues).
func TestReadFormulaWithoutValue(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File) {
		f.SetCellInt("Sheet1", "A1", 1)
		f.SetCellInt("Sheet1", "A2", 2)
		f.SetCellFormula("Sheet1", "A3", "SUM(A1:A2)")
	})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			x, _ := io.ReadAll(rc)
			if !bytes.Contains(x, []byte("<f>SUM(A1:A2)</f>")) || bytes.Contains(x, []byte("<v></v>")) {
				t.Fatalf("the fixture is not a formula without a value:\n%s", x)
			}
		}
	}
	wb, err := Read("公式.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := wb.Sheets[0]
	if c := s.At(2, 0); c != (mapping.Cell{Text: "3", Raw: "3"}) || len(s.Uncached) > 0 {
		t.Errorf("A3 = %+v, uncached %v; want 3", c, s.Uncached)
	}
	if c := s.At(1, 0); c.Text != "2" {
		t.Errorf("A2 = %+v", c)
	}
}

// TestReadStreamsLikeGetRows checks the row iterator against excelize's
// GetRows on every shipped example: the same displayed and raw values at the
// same places.
func TestReadStreamsLikeGetRows(t *testing.T) {
	files, _ := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := Read(name, data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for i, sn := range f.GetSheetList() {
			shown, _ := f.GetRows(sn)
			raw, _ := f.GetRows(sn, excelize.Options{RawCellValue: true})
			want := make([][]mapping.Cell, len(shown))
			for r, row := range shown {
				want[r] = make([]mapping.Cell, len(row))
				for c, text := range row {
					if text != "" {
						want[r][c] = mapping.Cell{Text: text, Raw: text}
						if r < len(raw) && c < len(raw[r]) {
							want[r][c].Raw = raw[r][c]
						}
					}
				}
			}
			if !reflect.DeepEqual(wb.Sheets[i].Rows, want) {
				t.Errorf("%s: sheet %q differs from GetRows", name, sn)
			}
		}
		f.Close()
	}
}

func TestReadValues(t *testing.T) {
	long := strings.Repeat("长", 32767)
	data := xlsxBytes(t, func(f *excelize.File) {
		f.SetCellStr("Sheet1", "A1", "单位名称")
		f.SetCellFloat("Sheet1", "B1", 0.9996, -1, 64)
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		f.SetCellStyle("Sheet1", "B1", "B1", pct)
		f.SetCellStr("Sheet1", "C1", long)
		f.MergeCell("Sheet1", "A2", "C3")
		f.SetCellStr("Sheet1", "A2", "合并")
	})
	wb, err := Read("x.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := wb.Sheets[0]
	if c := s.At(0, 1); c.Text != "99.96%" || c.Raw != "0.9996" {
		t.Errorf("percent cell = %+v", c)
	}
	if c := s.At(0, 2); len([]rune(c.Text)) != 32767 {
		t.Errorf("long cell has %d runes", len([]rune(c.Text)))
	}
	if m, ok := s.MergeAt(2, 2); !ok || m.Top != 1 || m.Left != 0 || m.Bottom != 2 || m.Right != 2 {
		t.Errorf("merge = %+v %v", m, ok)
	}
}

// TestUncachedFormula: a formula whose result was never calculated (written
// by a program) is computed; one that cannot be reads as empty and is
// reported at its cell.
func TestUncachedFormula(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := mapping.Find(reg.Templates, "hubei-dept@2022")
	data, _ := fs.ReadFile(templates.FS, reg.Examples(tpl)[0])
	withFormula := func(formula string) []byte {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		// The amounts as numbers (the example has them as text).
		for cell, v := range map[string]any{"D6": 120, "E6": 110.36, "F6": nil} {
			if err := f.SetCellValue(tpl.Sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetCellFormula(tpl.Sheet, "F6", formula); err != nil {
			t.Fatal(err)
		}
		pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle(tpl.Sheet, "F6", "F6", pct); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := f.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	findings := func(res *mapping.Result) (found *mapping.Finding) {
		for _, fd := range tpl.Check(res) {
			if fd.Rule == "formula-no-value" {
				found = &fd
			}
		}
		return found
	}
	// The execution rate as a formula of the amounts: computed.
	res := extractDetected(t, reg, "formula.xlsx", withFormula("E6/D6"), tpl)
	if v := res.Fields["rate"]; v.Number == nil || math.Abs(*v.Number-91.97) > 0.01 {
		t.Errorf("computed rate = %+v (%q), want 91.97%%", v, v.Raw)
	}
	if fd := findings(res); fd != nil || len(res.Uncached) > 0 {
		t.Errorf("computed formula reported: %+v, uncached %v", fd, res.Uncached)
	}
	// A function no engine knows: uncached, reported at its cell.
	res = extractDetected(t, reg, "formula.xlsx", withFormula("ZHIXINGLV(E6,D6)"), tpl)
	if v := res.Fields["rate"]; v.Raw != "" {
		t.Fatalf("uncalculated formula read as %q", v.Raw)
	}
	found := findings(res)
	if found == nil || found.Cell != "F6" || !strings.Contains(found.Message, "公式") {
		t.Fatalf("finding = %+v, uncached = %v", found, res.Uncached)
	}
}
