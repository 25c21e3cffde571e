package template

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit/office"
)

// examplePages are the pages the shipped examples with long tables print
// on (their exports too); every other form's workbook, blank or filled,
// prints on one page as the official forms do.
var examplePages = map[string]int{
	"caidian-minzheng-2022.xlsx": 2, // four 年度目标, each with its table
	"zhuzhou-jiuzhu-2024.xlsx":   2, // 29 indicators
	"yuan-jiuzhu-2020.xlsx":      4, // 25 scored items, each explained at length
}

// leastLastPage is the least part of its height a form's last page is
// filled to: less would be a spill, a few rows on a page of their own.
const leastLastPage = 0.3

// TestOutputsPrint prints every kind of workbook jxsync writes to PDF with
// LibreOffice (laying text out as Excel does, Carlito standing in for
// Calibri): every page is A4; each form prints on one page, or the pages
// examplePages says with the table's header repeated at the top of every
// page and no last page of a few rows; an annotated copy adds one page (its
// 校验结果) to its input's; a report prints a page per sheet. With
// JXSYNC_PRINT_DIR set, the PDFs and a PNG of each page are left there to
// be looked at.
func TestOutputsPrint(t *testing.T) {
	t.Parallel()
	office.NeedFont(t, "Calibri", "Carlito")
	files := writeOutputs(t)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	pdfs := office.ConvertPDF(t, paths...)
	pages := map[string][]office.Page{}
	byPDF := make([][]office.Page, len(files))
	for i, f := range files {
		byPDF[i] = office.Pages(t, pdfs[i])
		pages[f.path] = byPDF[i]
	}
	keep(t, pdfs, byPDF)

	for _, f := range files {
		name, ps := filepath.Base(f.path), pages[f.path]
		for i, p := range ps {
			if !p.A4() {
				t.Errorf("%s page %d is %s, not A4", name, i+1, p)
			}
		}
		switch f.kind {
		case kindTemplate, kindExample, kindExport:
			want := 1
			if n, ok := examplePages[f.example]; ok {
				want = n
			}
			if len(ps) != want {
				t.Errorf("%s (%s) prints on %d pages, want %d", name, f.kind, len(ps), want)
			}
			if len(ps) > 1 {
				titles := tableHeaders(f.form)
				for i, p := range ps[1:] {
					// A header wrapped in its cell ("自评得\n分") is not
					// found: most must be.
					text, found := strings.Join(strings.Fields(p.Text), ""), 0
					for _, s := range titles {
						if strings.Contains(text, s) {
							found++
						}
					}
					if 2*found <= len(titles) {
						t.Errorf("%s page %d lacks the table's header %q", name, i+2, titles)
					}
				}
				if last := ps[len(ps)-1]; last.Filled() < leastLastPage {
					t.Errorf("%s: the last of %d pages is filled %.0f%%: a spill", name, len(ps), 100*last.Filled())
				}
			}
		case kindAnnotated:
			if want := len(pages[f.input]) + 1; len(ps) != want {
				t.Errorf("%s prints on %d pages, want %d: %s and its input's %d", name, len(ps), want, SummarySheet, want-1)
			}
		case kindReport:
			if len(ps) != 5 {
				t.Errorf("%s prints on %d pages, want one per sheet", name, len(ps))
			}
		case kindBundle:
			if len(ps) != 4 {
				t.Errorf("%s prints on %d pages, want one per sheet", name, len(ps))
			}
		}
	}
}

// tableHeaders are the one-line headers of a form's indicator table.
func tableHeaders(fm *Form) []string {
	hs := indicatorHeaders
	switch fm {
	case hubeiDept2022:
		hs = hubeiHeaders
	case hubeiDept2023:
		hs = hubei2023Headers
	case minsheng2020:
		hs = minshengHeaders
	}
	var out []string
	for _, h := range hs {
		if !strings.Contains(h, "\n") {
			out = append(out, h)
		}
	}
	return out
}

// keep copies the PDFs and a PNG of each of their pages into
// $JXSYNC_PRINT_DIR, when set, for a person to look at.
func keep(t *testing.T, pdfs []string, pages [][]office.Page) {
	t.Helper()
	dir := os.Getenv("JXSYNC_PRINT_DIR")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, pdf := range pdfs {
		b, err := os.ReadFile(pdf)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, filepath.Base(pdf))
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for n := range pages[i] {
			office.PageImage(t, out, n+1, 60, fmt.Sprintf("%s-%d.png", strings.TrimSuffix(out, ".pdf"), n+1))
		}
	}
}

// TestPagesTall checks how many pages tall a sheet prints: what it takes,
// less a last page filled no more than spill unless that shrinks the sheet
// below minScale.
func TestPagesTall(t *testing.T) {
	for _, c := range []struct {
		pages, scale float64
		want         int
	}{
		{0.8, 0.9, 1},
		{1.3, 0.9, 1}, // shrunk to 0.69
		{1.3, 0.7, 2}, // 0.54 would be too small
		{2.4, 1, 2},
		{2.6, 1, 3}, // the last page more than half full
		{3, 1, 3},
	} {
		if got := pagesTall(c.pages, c.scale); got != c.want {
			t.Errorf("pagesTall(%v, %v) = %d, want %d", c.pages, c.scale, got, c.want)
		}
	}
}

// TestPageBreaks places page breaks in ten rows of 100 points, three a
// page: as late as the rows fit, earlier to keep rows together unless they
// do not fit on a page, and with title rows taking room on every page after
// the first.
func TestPageBreaks(t *testing.T) {
	const pageH = 350 / pageFull // 350 points of rows at scale 1
	for _, c := range []struct {
		name   string
		keeps  [][2]int
		titles [2]int
		want   []int
	}{
		{"plain", nil, [2]int{}, []int{4, 7, 10}},
		{"rows 3 and 4 kept", [][2]int{{3, 4}}, [2]int{}, []int{3, 6, 9}},
		{"rows 2 to 9 do not fit", [][2]int{{2, 9}}, [2]int{}, []int{4, 7, 10}},
		{"row 1 repeated", nil, [2]int{1, 1}, []int{4, 6, 8, 10}},
	} {
		w := newSheetWriter(excelize.NewFile(), "Sheet1", 0)
		for row := 1; row <= 10; row++ {
			w.height(row, 100)
		}
		for _, k := range c.keeps {
			w.keep(k[0], k[1])
		}
		w.titles = c.titles
		if got := w.pageBreaks(1, pageH); !slices.Equal(got, c.want) {
			t.Errorf("%s: breaks before rows %v, want %v", c.name, got, c.want)
		}
	}
}

// TestFormsPrintSetup checks, without LibreOffice, how every shipped form
// workbook is set to print: A4; a one-page form fitted to one page; a
// longer one (examplePages) at a scale of at least minScale with page
// breaks, its table header repeated when a page starts inside its table
// (the 部门整体支出 form's 绩效指标 table).
func TestFormsPrintSetup(t *testing.T) {
	for _, f := range writeOutputs(t) {
		if f.form == nil {
			continue
		}
		name := filepath.Base(f.path)
		x, err := excelize.OpenFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := x.GetPageLayout(f.form.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		props, err := x.GetSheetProps(f.form.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		titled := false
		for _, dn := range x.GetDefinedName() {
			titled = titled || dn.Name == "_xlnm.Print_Titles" && dn.Scope == f.form.Sheet
		}
		x.Close()
		if pl.Size == nil || *pl.Size != 9 {
			t.Errorf("%s: paper size %v, want A4 (9)", name, pl.Size)
		}
		fitted := props.FitToPage != nil && *props.FitToPage
		breaks := strings.Contains(zipEntries(t, mustRead(t, f.path))["xl/worksheets/sheet1.xml"], "<rowBreaks")
		if _, long := examplePages[f.example]; !long {
			if !fitted || pl.FitToHeight == nil || *pl.FitToHeight != 1 || pl.FitToWidth == nil || *pl.FitToWidth != 1 || breaks {
				t.Errorf("%s: fit to page %v, %v wide × %v tall, page breaks %v; want one page", name, fitted, pl.FitToWidth, pl.FitToHeight, breaks)
			}
			continue
		}
		if fitted || pl.AdjustTo == nil || *pl.AdjustTo < uint(100*minScale) || !breaks {
			t.Errorf("%s: fit to page %v, scale %v, page breaks %v; want a scale of %v%% or more and page breaks", name, fitted, pl.AdjustTo, breaks, 100*minScale)
		}
		if f.form == nationalDept2024 && !titled {
			t.Errorf("%s: the 绩效指标 header is not repeated", name)
		}
	}
}

// mustRead reads a file.
func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
