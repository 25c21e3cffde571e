// Package office checks in tests that workbooks open outside excelize: it
// converts them with LibreOffice, validates them against the Office Open XML
// schemas with Microsoft's validator, loads them with openpyxl and reads the
// PDFs LibreOffice prints. It imports nothing of jxsync, so that package
// template's own tests can use it too (package testkit imports template).
// It is imported by _test.go files only.
//
// A tool that is not installed skips the test, except on CI (CI=true) where
// it fails; scripts/test.sh installs them all.
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

// need returns the path of the program name, skipping the test when it is
// not installed (failing it on CI); what says what the program is.
func need(tb testing.TB, name, what string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(tb, name+" ("+what+")")
	}
	return p
}

// missing skips the test for a tool that is not installed, or fails it on
// CI.
func missing(tb testing.TB, tool string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is required on CI", tool)
	}
	tb.Skipf("%s not installed", tool)
}

// ToPDF converts the workbook xlsx (written as <name>.xlsx in a temporary
// folder) to PDF with LibreOffice headless and returns the PDF's text when
// pdftotext is installed, else "". Without soffice the test is skipped,
// except on CI (CI=true) where it fails.
func ToPDF(tb testing.TB, xlsx []byte, name string) string {
	tb.Helper()
	in := filepath.Join(tb.TempDir(), name+".xlsx")
	if err := os.WriteFile(in, xlsx, 0o644); err != nil {
		tb.Fatal(err)
	}
	pdf := ConvertPDF(tb, in)[0]
	if !HasPDFToText() {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, "pdftotext", pdf, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return strings.TrimSpace(string(b))
}

// ConvertPDF converts the workbooks files (their base names distinct) to
// PDF with one run of LibreOffice headless and returns the PDFs' paths, in
// the order of files, in a temporary folder. A file LibreOffice cannot
// convert fails the test. Without soffice the test is skipped, except on CI
// where it fails.
func ConvertPDF(tb testing.TB, files ...string) []string {
	tb.Helper()
	soffice := need(tb, "soffice", "LibreOffice")
	dir := tb.TempDir()
	out := filepath.Join(dir, "pdf")
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(120+10*len(files))*time.Second)
	defer cancel()
	args := []string{"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "pdf", "--outdir", out}
	cmd := exec.CommandContext(ctx, soffice, append(args, files...)...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("soffice: %v\n%s", err, b)
	}
	pdfs := make([]string, len(files))
	for i, f := range files {
		pdfs[i] = filepath.Join(out, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))+".pdf")
		if st, err := os.Stat(pdfs[i]); err != nil || st.Size() == 0 {
			tb.Errorf("soffice wrote no PDF of %s: %v\n%s", filepath.Base(f), err, b)
		}
	}
	if tb.Failed() {
		tb.FailNow()
	}
	return pdfs
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

// NeedFont skips the test unless fontconfig draws the font family with
// itself or with one of alike (fonts of the same metrics: Carlito for
// Calibri), as LibreOffice then lays text out as Excel does; on CI it
// fails instead.
func NeedFont(tb testing.TB, family string, alike ...string) {
	tb.Helper()
	fcMatch := need(tb, "fc-match", "fontconfig")
	b, err := exec.Command(fcMatch, "-f", "%{family}", family).Output()
	if err != nil {
		tb.Fatalf("fc-match %s: %v", family, err)
	}
	for _, f := range append([]string{family}, alike...) {
		for _, got := range strings.Split(string(b), ",") {
			if strings.EqualFold(strings.TrimSpace(got), f) {
				return
			}
		}
	}
	missing(tb, fmt.Sprintf("font %s or one alike %v (fonts-crosextra-carlito; fc-match gives %q)", family, alike, b))
}
