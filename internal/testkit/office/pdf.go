package office

import (
	"context"
	"fmt"
	"html"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Page is one page of a PDF: its size in points, its text, and how far
// down the page its text goes (the bottom of its lowest word, in points
// from the top).
type Page struct {
	Width, Height float64
	Text          string
	Bottom        float64
}

// Filled is the part of the page's height down to its lowest text, less
// margins of half an inch: about how full the page is.
func (p Page) Filled() float64 {
	return (p.Bottom - 36) / (p.Height - 72)
}

// A4 tells whether the page is A4, upright or across (595 × 842 points,
// within a point).
func (p Page) A4() bool {
	near := func(a, b float64) bool { return a > b-1 && a < b+1 }
	return near(p.Width, 595.3) && near(p.Height, 841.9) || near(p.Width, 841.9) && near(p.Height, 595.3)
}

// Words and pages in `pdftotext -bbox`.
var (
	bboxPage = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	bboxWord = regexp.MustCompile(`<word [^>]*yMax="([\d.]+)">([^<]*)</word>`)
)

// Pages returns the pages of the PDF pdf, read with pdftotext
// (poppler-utils), a page's text being its words in the order they are
// drawn, one space between. Without pdftotext the test is skipped, except
// on CI where it fails.
func Pages(tb testing.TB, pdf string) []Page {
	tb.Helper()
	pdftotext := need(tb, "pdftotext", "poppler-utils")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, pdftotext, "-bbox", pdf, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext -bbox %s: %v", pdf, err)
	}
	var pages []Page
	doc := string(b)
	starts := bboxPage.FindAllStringSubmatchIndex(doc, -1)
	for i, m := range starts {
		end := len(doc)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		w, _ := strconv.ParseFloat(doc[m[2]:m[3]], 64)
		h, _ := strconv.ParseFloat(doc[m[4]:m[5]], 64)
		p := Page{Width: w, Height: h}
		var words []string
		for _, wm := range bboxWord.FindAllStringSubmatch(doc[m[1]:end], -1) {
			y, _ := strconv.ParseFloat(wm[1], 64)
			p.Bottom = max(p.Bottom, y)
			words = append(words, html.UnescapeString(wm[2]))
		}
		p.Text = strings.Join(words, " ")
		pages = append(pages, p)
	}
	if len(pages) == 0 {
		tb.Fatalf("pdftotext -bbox %s: no pages in\n%.500s", pdf, b)
	}
	return pages
}

// PageImage renders page n (from 1) of the PDF pdf as the PNG out with
// pdftoppm, at dpi dots per inch, for a person to look at. Without pdftoppm
// the test is skipped, except on CI where it fails.
func PageImage(tb testing.TB, pdf string, n, dpi int, out string) {
	tb.Helper()
	pdftoppm := need(tb, "pdftoppm", "poppler-utils")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := strconv.Itoa(n)
	cmd := exec.CommandContext(ctx, pdftoppm, "-f", p, "-l", p, "-r", strconv.Itoa(dpi), "-png", "-singlefile", pdf, trimPNG(out))
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("pdftoppm: %v\n%s", err, b)
	}
}

// trimPNG is out without its .png, which pdftoppm adds.
func trimPNG(out string) string {
	if len(out) > 4 && out[len(out)-4:] == ".png" {
		return out[:len(out)-4]
	}
	return out
}

// String describes the page by its size.
func (p Page) String() string { return fmt.Sprintf("%.0f × %.0f pt", p.Width, p.Height) }
