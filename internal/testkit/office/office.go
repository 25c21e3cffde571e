// Package office converts workbooks with LibreOffice in tests, as a check
// that they open outside excelize. It imports nothing of jxsync, so that
// package template's own tests can use it too (package testkit imports
// template). It is imported by _test.go files only.
package office

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ToPDF converts the workbook xlsx (written as <name>.xlsx in a temporary
// folder) to PDF with LibreOffice headless and returns the PDF's text when
// pdftotext is installed, else "". Without soffice the test is skipped,
// except on CI (CI=true) where it fails.
func ToPDF(tb testing.TB, xlsx []byte, name string) string {
	tb.Helper()
	pdf := convert(tb, [][]byte{xlsx}, []string{name}, "pdf")[0]
	if !HasPDFToText() {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, "pdftotext", pdf, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return strings.TrimSpace(string(b))
}

// HasPDFToText tells whether pdftotext is installed, that is whether
// ToPDF's "" means no text rather than no pdftotext.
func HasPDFToText() bool {
	_, err := exec.LookPath("pdftotext")
	return err == nil
}

// ToXLSX opens each workbook in LibreOffice headless (one process for all)
// and saves it as .xlsx again, as an agency's copy saved by LibreOffice
// Calc is: Calc calculates the formulas and writes their values. Without
// soffice the test is skipped, except on CI (CI=true) where it fails.
func ToXLSX(tb testing.TB, xlsx ...[]byte) [][]byte {
	tb.Helper()
	names := make([]string, len(xlsx))
	for i := range xlsx {
		names[i] = fmt.Sprintf("book%d", i)
	}
	var out [][]byte
	for _, p := range convert(tb, xlsx, names, "xlsx:Calc MS Excel 2007 XML") {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// convert writes each workbook as <name>.xlsx in a temporary folder,
// converts them with one soffice --convert-to to (a file extension, then
// optionally :filter) into another, and returns the paths of the files
// written.
func convert(tb testing.TB, xlsx [][]byte, names []string, to string) []string {
	tb.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("soffice (LibreOffice) is required on CI")
		}
		tb.Skip("soffice (LibreOffice) not installed")
	}
	dir := tb.TempDir()
	outDir := filepath.Join(dir, "out")
	args := []string{"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", to, "--outdir", outDir}
	for i, b := range xlsx {
		in := filepath.Join(dir, names[i]+".xlsx")
		if err := os.WriteFile(in, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		args = append(args, in)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if b, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		tb.Fatalf("soffice: %v\n%s", err, b)
	}
	ext, _, _ := strings.Cut(to, ":")
	var out []string
	for _, name := range names {
		p := filepath.Join(outDir, name+"."+ext)
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			tb.Fatalf("soffice wrote no %s: %v", ext, err)
		}
		out = append(out, p)
	}
	return out
}
