package template

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// toPDF converts a workbook to PDF with LibreOffice headless, as a check
// that it opens outside excelize, and returns the PDF's text when pdftotext
// is installed. Without soffice the test is skipped, except on CI where it
// fails.
func toPDF(t *testing.T, xlsx []byte, name string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice (LibreOffice) is required on CI")
		}
		t.Skip("soffice (LibreOffice) not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, name+".xlsx")
	if err := os.WriteFile(in, xlsx, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	pdf := filepath.Join(dir, name+".pdf")
	if st, err := os.Stat(pdf); err != nil || st.Size() == 0 {
		t.Fatalf("soffice wrote no PDF: %v", err)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		return ""
	}
	b, err := exec.CommandContext(ctx, pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.TrimSpace(string(b))
}
