package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// badDir holds the committed bad workbooks of the template package.
const badDir = "../../template/testdata/bad"

// badFile is an input that cannot be read, and a part of its message.
type badFile struct {
	name string // base name, written into a temporary directory
	data []byte
	says string
}

// badFiles builds one file of each kind jxsync must refuse with a message.
func badFiles(t *testing.T) []badFile {
	t.Helper()
	example, err := os.ReadFile(hubeiExample)
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := os.ReadFile(filepath.Join(badDir, "encrypted.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	var notWB bytes.Buffer
	zw := zip.NewWriter(&notWB)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("hello"))
	zw.Close()
	return []badFile{
		{"文本.xlsx", []byte("单位名称,蔡甸区\n"), "不是Excel工作簿"},
		{"网页.xls", []byte("<html><table><tr><td>单位名称</td></tr></table></html>"), "网页"},
		{"压缩包.xlsx", notWB.Bytes(), "是zip压缩包但不是Excel工作簿"},
		{"加密.xlsx", encrypted, "已加密"},
		{"空.xlsx", nil, "文件为空"},
		{"截断.xlsx", example[:len(example)/2], "损坏"},
		{"炸弹.xlsx", zipBomb(t, example, 500<<20, 0), "解压后"},
		{"伪装炸弹.xlsx", zipBomb(t, example, 500<<20, 1000), "超过其声明"},
		{"with\nnewline.xlsx", []byte("x"), `with\nnewline.xlsx`},
	}
}

// zipBomb replaces the first sheet of a workbook with size spaces deflated;
// declared, when not 0, is the size the zip claims for it.
func zipBomb(t *testing.T, workbook []byte, size int64, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	crc := crc32.NewIEEE()
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for n := size; n > 0; n -= int64(len(chunk)) {
		fw.Write(chunk)
		crc.Write(chunk)
	}
	fw.Close()
	if declared == 0 {
		declared = uint64(size)
	}
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if zf.Name != "xl/worksheets/sheet1.xml" {
			zw.Copy(zf)
			continue
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// stderrLines splits stderr into its lines.
func stderrLines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// TestBadInputs runs extract and validate on each bad file alone, then on
// all of them at once: exit 2, and on stderr one line per file that names it
// and says why, then the count.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	files := badFiles(t)
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, cmd := range []string{"extract", "validate"} {
		for i, f := range files {
			code, out, errs := jx(t, cmd, paths[i])
			if code != exitFailure {
				t.Errorf("%s %q: exit %d, want %d", cmd, f.name, code, exitFailure)
			}
			if out != "" && cmd == "extract" {
				t.Errorf("%s %q: stdout %q", cmd, f.name, out)
			}
			lines := stderrLines(errs)
			if len(lines) != 2 {
				t.Errorf("%s %q: stderr is not one line and the count:\n%s", cmd, f.name, errs)
				continue
			}
			shown := paths[i]
			if strings.Contains(f.name, "\n") {
				shown = f.says // quoted
			}
			if !strings.HasPrefix(lines[0], "jxsync: ") || !strings.Contains(lines[0], shown) || !strings.Contains(lines[0], f.says) {
				t.Errorf("%s %q: stderr %q does not name the file and say %q", cmd, f.name, lines[0], f.says)
			}
			if !strings.Contains(lines[1], "1 个文件无法读取") {
				t.Errorf("%s %q: last line %q", cmd, f.name, lines[1])
			}
			t.Logf("%s: %s", cmd, lines[0])
		}
		code, _, errs := jx(t, append([]string{cmd}, paths...)...)
		lines := stderrLines(errs)
		if code != exitFailure || len(lines) != len(files)+1 {
			t.Errorf("%s on all: exit %d, %d stderr lines for %d files:\n%s", cmd, code, len(lines), len(files), errs)
		}
	}
}

// TestTooManyCells lowers max_cells in the configuration: the error names
// the file, the sheet and the cell where the limit was met.
func TestTooManyCells(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "jxsync.yaml")
	if err := os.WriteFile(cfg, []byte("limits:\n  max_cells: 20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"extract", "validate"} {
		code, _, errs := jx(t, "--config", cfg, cmd, hubeiExample)
		lines := stderrLines(errs)
		if code != exitFailure || len(lines) != 2 {
			t.Fatalf("%s: exit %d:\n%s", cmd, code, errs)
		}
		for _, want := range []string{hubeiExample, `sheet "部门整体绩效自评表" cell `, "非空单元格超过 20 个"} {
			if !strings.Contains(lines[0], want) {
				t.Errorf("%s: %q lacks %q", cmd, lines[0], want)
			}
		}
		t.Logf("%s: %s", cmd, lines[0])
	}
}

// TestLegacyXLS reads the Hubei example saved as Excel 97-2003 .xls: with
// LibreOffice installed it is converted and extracts as the .xlsx does;
// without, the message asks to save it as .xlsx.
func TestLegacyXLS(t *testing.T) {
	xls := filepath.Join(badDir, "caidian-jiuzhu-2022.xls")
	_, err := exec.LookPath("soffice")
	if _, err2 := exec.LookPath("libreoffice"); err2 == nil {
		err = nil
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is not installed")
		}
		code, _, errs := jx(t, "extract", xls)
		if code != exitFailure || !strings.Contains(errs, "另存为.xlsx") || !strings.Contains(errs, xls) {
			t.Errorf("exit %d:\n%s", code, errs)
		}
		t.Skip("LibreOffice (soffice) is not installed: checked the message only")
	}
	code, got, errs := jx(t, "extract", "--json", xls)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, want, _ := jx(t, "extract", "--json", hubeiExample)
	if strings.ReplaceAll(got, xls, hubeiExample) != want {
		t.Errorf("the .xls extracts differently from the .xlsx:\n%s\nwant\n%s", got, want)
	}
}
