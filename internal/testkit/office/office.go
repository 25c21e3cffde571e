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
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("soffice (LibreOffice) is required on CI")
		}
		tb.Skip("soffice (LibreOffice) not installed")
	}
	dir := tb.TempDir()
	in := filepath.Join(dir, name+".xlsx")
	if err := os.WriteFile(in, xlsx, 0o644); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("soffice: %v\n%s", err, b)
	}
	pdf := filepath.Join(dir, name+".pdf")
	if st, err := os.Stat(pdf); err != nil || st.Size() == 0 {
		tb.Fatalf("soffice wrote no PDF: %v", err)
	}
	if !HasPDFToText() {
		return ""
	}
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
