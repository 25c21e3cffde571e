package template

import (
	"testing"

	"github.com/jxsync/jxsync/internal/testkit/office"
)

// toPDF converts a workbook to PDF with LibreOffice headless, as a check
// that it opens outside excelize, and returns the PDF's text when pdftotext
// is installed. Without soffice the test is skipped, except on CI where it
// fails. (Package testkit imports template, so its office subpackage.)
func toPDF(t *testing.T, xlsx []byte, name string) string {
	t.Helper()
	return office.ToPDF(t, xlsx, name)
}
