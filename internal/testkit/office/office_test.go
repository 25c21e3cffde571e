package office

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook writes a small workbook with a bordered cell as dir/name and,
// when broken is true, with its border colours written as rgb="FF" (no
// colour: the schema wants four bytes), as excelize did for a border
// without a colour.
func workbook(t *testing.T, dir, name string, rows int, broken bool) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	var bs []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: side, Color: "000000", Style: 1})
	}
	st, err := f.NewStyle(&excelize.Style{Border: bs})
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= rows; r++ {
		ref, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetCellStr("Sheet1", ref, "表格"); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", ref, ref, st); err != nil {
			t.Fatal(err)
		}
		if err := f.SetRowHeight("Sheet1", r, 30); err != nil {
			t.Fatal(err)
		}
	}
	size, m := 9, 0.5
	if err := f.SetPageLayout("Sheet1", &excelize.PageLayoutOptions{Size: &size}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetPageMargins("Sheet1", &excelize.PageLayoutMarginsOptions{Top: &m, Bottom: &m, Left: &m, Right: &m}); err != nil {
		t.Fatal(err)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if broken {
		data = rewrite(t, data, "xl/styles.xml", func(s string) string {
			return strings.ReplaceAll(s, `rgb="FF000000"`, `rgb="FF"`)
		})
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// rewrite returns the workbook data with its part name changed by edit.
func rewrite(t *testing.T, data []byte, name string, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == name {
			b = []byte(edit(string(b)))
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestValidateAndLoad checks the outside tools on a sound workbook and on
// one with the colours rgb="FF": the validator reports no error, then the
// colours' errors; openpyxl loads the first and refuses the second.
func TestValidateAndLoad(t *testing.T) {
	dir := t.TempDir()
	good, bad := workbook(t, dir, "good.xlsx", 1, false), workbook(t, dir, "bad.xlsx", 1, true)
	errs := ValidateOOXML(t, good, bad)
	if len(errs[good]) != 0 {
		t.Errorf("sound workbook: %v", errs[good])
	}
	if len(errs[bad]) != 4 {
		t.Errorf("rgb=FF on four sides: %d errors, want 4: %v", len(errs[bad]), errs[bad])
	}
	for _, e := range errs[bad] {
		if e.Path.PartURI != "/xl/styles.xml" || !strings.Contains(e.Description, "'FF'") {
			t.Errorf("error %s, want one of rgb FF in /xl/styles.xml", e)
		}
	}
	loads := OpenpyxlErrors(t, good, bad)
	if msg, ok := loads[good]; ok {
		t.Errorf("openpyxl refuses the sound workbook: %s", msg)
	}
	if msg := loads[bad]; !strings.Contains(msg, "aRGB") {
		t.Errorf("openpyxl on rgb=FF: %q, want its aRGB error", msg)
	}
}

// TestPages prints a workbook of one page and one of three (60 rows of 30
// points on A4 upright, margins of half an inch: 25 rows a page) and reads
// their pages: A4, the text, the last page 10 rows (300 of 770 points) full.
func TestPages(t *testing.T) {
	dir := t.TempDir()
	pdfs := ConvertPDF(t, workbook(t, dir, "one.xlsx", 1, false), workbook(t, dir, "three.xlsx", 60, false))
	one, three := Pages(t, pdfs[0]), Pages(t, pdfs[1])
	if len(one) != 1 || len(three) != 3 {
		t.Fatalf("pages = %d and %d, want 1 and 3", len(one), len(three))
	}
	for _, p := range append(one, three...) {
		if !p.A4() || p.Width > p.Height {
			t.Errorf("page %s, want A4 upright", p)
		}
		if !strings.Contains(p.Text, "表格") {
			t.Errorf("page text %q", p.Text)
		}
	}
	if f := three[0].Filled(); f < 0.9 {
		t.Errorf("a full page filled %.2f", f)
	}
	if f := three[2].Filled(); f < 0.35 || f > 0.42 {
		t.Errorf("the last page of 60 × 30 points filled %.2f, want 0.39", f)
	}
	if (Page{Width: 612, Height: 792}).A4() {
		t.Error("Letter taken for A4")
	}
}
