// Package office converts workbooks with LibreOffice in tests, as a check
// that they open outside excelize. It imports nothing of jxsync, so that
// package template's own tests can use it too (package testkit imports
// template). It is imported by _test.go files only.
package office

import (
	"context"
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
	pdf := convert(tb, xlsx, name, "pdf")
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

// ToXLSX opens the workbook xlsx in LibreOffice headless and saves it as
// .xlsx again, as an agency's copy saved by LibreOffice Calc is: Calc
// calculates the formulas and writes their values. Without soffice the test
// is skipped, except on CI (CI=true) where it fails.
func ToXLSX(tb testing.TB, xlsx []byte, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(convert(tb, xlsx, name, "xlsx:Calc MS Excel 2007 XML"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// convert writes xlsx as <name>.xlsx in a temporary folder, converts it
// with soffice --convert-to to (a file extension, then optionally :filter)
// in another, and returns the path of the file written.
func convert(tb testing.TB, xlsx []byte, name, to string) string {
	tb.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("soffice (LibreOffice) is required on CI")
		}
		tb.Skip("soffice (LibreOffice) not installed")
	}
	dir := tb.TempDir()
	in, outDir := filepath.Join(dir, name+".xlsx"), filepath.Join(dir, "out")
	if err := os.WriteFile(in, xlsx, 0o644); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", to, "--outdir", outDir, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("soffice: %v\n%s", err, b)
	}
	ext, _, _ := strings.Cut(to, ":")
	out := filepath.Join(outDir, name+"."+ext)
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		tb.Fatalf("soffice wrote no %s: %v", ext, err)
	}
	return out
}
