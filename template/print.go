package template

import (
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Printed page geometry, in points: A4, the margins every sheet gets (half
// an inch), the width of a column width unit and the height of a row no
// height was set for. A unit is a "0" of 11pt Calibri, the workbooks'
// default font: Excel makes it 5.25 points, LibreOffice 5.55; a scale at
// which the wider fits the page fits it in both.
const (
	a4Short, a4Long = 595.3, 841.9
	printMargin     = 36.0
	unitPoints      = 5.55
	defaultHeight   = 15.0
)

// spill is the most of a last printed page that a sheet is shrunk to save,
// as long as it still prints at minScale or larger: a form ends on a full
// page rather than putting its last rows (总分, 备注) on a page of their own.
const (
	spill    = 0.5
	minScale = 0.6
)

// pageSize is the printable width and height of an A4 page within the
// margins.
func pageSize(landscape bool) (width, height float64) {
	if landscape {
		return a4Long - 2*printMargin, a4Short - 2*printMargin
	}
	return a4Short - 2*printMargin, a4Long - 2*printMargin
}

// lastRow is the last row a height was set for.
func (w *sheetWriter) lastRow() int {
	last := 0
	for row := range w.heights {
		last = max(last, row)
	}
	return last
}

// span is the height of rows first..last, in points.
func (w *sheetWriter) span(first, last int) float64 {
	h := 0.0
	for row := first; row <= last; row++ {
		if x, ok := w.heights[row]; ok {
			h += x
		} else {
			h += defaultHeight
		}
	}
	return h
}

// widthScale is the scale that fits the sheet's columns on the page's
// width, never enlarging it.
func (w *sheetWriter) widthScale(landscape bool) float64 {
	width := 0.0
	for _, x := range w.cols {
		width += x * unitPoints
	}
	pageW, _ := pageSize(landscape)
	return math.Min(1, pageW/width)
}

// printPages estimates how many pages tall the sheet prints on A4 when
// scaled to the page's width (see widthScale), its title rows repeated on
// every page after the first, and that scale.
func (w *sheetWriter) printPages(landscape bool) (pages, scale float64) {
	_, pageH := pageSize(landscape)
	scale = w.widthScale(landscape)
	pages = w.span(1, w.lastRow()) * scale / pageH
	if w.titles[0] > 0 && pages > 1 {
		pages += math.Ceil(pages-1) * w.span(w.titles[0], w.titles[1]) * scale / pageH
	}
	return pages, scale
}

// pagesTall is how many pages tall a sheet of pages at scale (see
// printPages) is printed on: no more than it takes, less a last page of no
// more than spill unless that shrinks it below minScale.
func pagesTall(pages, scale float64) int {
	n := max(1, int(math.Ceil(pages-spill)))
	for float64(n) < pages && scale*float64(n)/pages < minScale {
		n++
	}
	return n
}

// a4 sets the sheet to print on A4, centred across, fitted to the page's
// width and as many pages tall as pagesTall says, its title rows (if any)
// repeated on every page: the way of a table whose rows may part anywhere.
func (w *sheetWriter) a4(landscape bool) {
	tall := pagesTall(w.printPages(landscape))
	one, fit := 1, true
	w.pageSetup(landscape, &excelize.PageLayoutOptions{FitToWidth: &one, FitToHeight: &tall}, fit, w.titles[0] > 0)
}

// printForm sets a form's sheet to print on A4 as the official form does.
// A form that fits on one page at minScale or larger is fitted to one page
// (see a4). A longer one is printed with page breaks placed before the rows
// that do not fit (see pageBreaks), on the pages pagesTall says at the
// largest scale that takes no more (no smaller than minScale; else at the
// scale that fits its width, on more pages), and its table header repeated
// on each page that starts inside a table.
func (w *sheetWriter) printForm(landscape bool) {
	want := pagesTall(w.printPages(landscape))
	if want == 1 {
		w.a4(landscape)
		return
	}
	_, pageH := pageSize(landscape)
	scale := math.Floor(100*w.widthScale(landscape)) / 100
	breaks := w.pageBreaks(scale, pageH)
	for s := scale; len(breaks) >= want && s >= minScale; s -= 0.01 {
		if b := w.pageBreaks(s, pageH); len(b) < want {
			scale, breaks = s, b
		}
	}
	titles := false
	for _, b := range breaks {
		for _, t := range w.tables {
			titles = titles || t[0] < b && b <= t[1]
		}
	}
	pct := uint(math.Round(scale * 100))
	w.pageSetup(landscape, &excelize.PageLayoutOptions{AdjustTo: &pct}, false, titles)
	for _, b := range breaks {
		if w.err == nil {
			w.err = w.f.InsertPageBreak(w.sheet, cell(b, 0))
		}
	}
}

// pageSetup sets A4 paper in the orientation, the layout options o, fit to
// pages or not, margins of half an inch with the sheet centred across, and
// the title rows repeated on every page when titles is true.
func (w *sheetWriter) pageSetup(landscape bool, o *excelize.PageLayoutOptions, fit, titles bool) {
	if w.err != nil {
		return
	}
	size, orient := 9, "portrait"
	if landscape {
		orient = "landscape"
	}
	o.Size, o.Orientation = &size, &orient
	if w.err = w.f.SetPageLayout(w.sheet, o); w.err != nil {
		return
	}
	if w.err = w.f.SetSheetProps(w.sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); w.err != nil {
		return
	}
	m, hm := printMargin/72, 0.3
	center := true
	w.err = w.f.SetPageMargins(w.sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m,
		Header: &hm, Footer: &hm, Horizontally: &center})
	if w.err == nil && titles {
		w.err = w.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: w.sheet,
			RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(w.sheet, "'", "''"), w.titles[0], w.titles[1])})
	}
}

// keep asks that rows first..last print on one page: a page break that
// would part them goes before first instead, when they fit on a page.
func (w *sheetWriter) keep(first, last int) {
	if last > first {
		w.keeps = append(w.keeps, [2]int{first, last})
	}
}

// pageFull is the part of a page pageBreaks fills at most, leaving room
// for an application measuring rows a little taller.
const pageFull = 0.97

// pageBreaks places the page breaks of the sheet printed at scale on pages
// pageH points tall, the title rows taking their height on every page after
// the first: it returns the rows that start a new page, each as late as the
// rows before it fit (or earlier, to keep rows together; see keep).
func (w *sheetWriter) pageBreaks(scale, pageH float64) (breaks []int) {
	room := pageH * pageFull / scale
	titles := 0.0
	if w.titles[0] > 0 {
		titles = w.span(w.titles[0], w.titles[1])
	}
	start, used := 1, 0.0
	for row, last := 1, w.lastRow(); row <= last; row++ {
		h := w.span(row, row)
		free := room
		if len(breaks) > 0 {
			free -= titles
		}
		if used+h <= free || row == start {
			used += h
			continue
		}
		at := row
		for moved := true; moved; {
			moved = false
			for _, k := range w.keeps {
				if k[0] < at && at <= k[1] && k[0] > start && w.span(k[0], k[1]) <= room-titles {
					at, moved = k[0], true
				}
			}
		}
		breaks = append(breaks, at)
		start, used = at, w.span(at, row)
	}
	return breaks
}
