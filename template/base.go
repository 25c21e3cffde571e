package template

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"maps"
	"sync"

	"github.com/xuri/excelize/v2"
)

// The workbook parts a base keeps aside (see formBase).
const (
	themePart  = "xl/theme/theme1.xml"
	stylesPart = "xl/styles.xml"
)

// formBase is the workbook every layout of a form starts from, made once per
// form: the sheet named, the shared styles and the form's own defined and
// the document properties set. An excelize File is not safe for concurrent
// use, so the base is kept as bytes and opened anew for each layout.
//
// Parsing the theme and the styles took most of the time of opening a
// workbook, and writing them most of the time of writing one, though a
// layout changes neither: they are kept aside as the bytes excelize writes,
// put back into each workbook opened, and parsed only once. A layout only
// applies styles (SetCellStyle reads the parsed styles to check an id), so
// every workbook of the form reads the same parsed styles while it is laid
// out; detach then leaves excelize to write the kept bytes.
type formBase struct {
	// book is the base workbook without its theme and styles, its parts
	// stored uncompressed.
	book []byte
	// theme and styles are the theme and styles parts.
	theme, styles []byte
	// ids are the ids of the named styles (see defineStyles).
	ids map[string]int
	// parsed is the workbook whose Styles are the base's styles parsed.
	parsed *excelize.File
}

// formBases holds each form's base once made.
var formBases sync.Map // *Form → *baseOnce

// baseOnce makes a form's base once.
type baseOnce struct {
	once sync.Once
	base *formBase
	err  error
}

// base returns the form's base, making it on first use.
func (fm *Form) base() (*formBase, error) {
	v, _ := formBases.LoadOrStore(fm, &baseOnce{})
	o := v.(*baseOnce)
	o.once.Do(func() { o.base, o.err = fm.makeBase() })
	return o.base, o.err
}

// makeBase lays out the form's base in a new workbook and writes it.
func (fm *Form) makeBase() (*formBase, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", fm.Sheet); err != nil {
		return nil, fmt.Errorf("base %s@%s: %w", fm.ID, fm.Version, err)
	}
	w := newSheetWriter(f, fm.Sheet, 0)
	if fm.styles != nil {
		fm.styles(w)
	}
	if err := w.done(); err != nil {
		return nil, fmt.Errorf("base %s@%s: %w", fm.ID, fm.Version, err)
	}
	err := f.SetDocProps(&excelize.DocProperties{Title: fm.Title, Creator: "jxsync", Language: "zh-CN",
		Created: "2026-01-01T00:00:00Z", Modified: "2026-01-01T00:00:00Z"})
	if err != nil {
		return nil, fmt.Errorf("base %s@%s: %w", fm.ID, fm.Version, err)
	}
	b := &formBase{ids: w.styles}
	aside := map[string]*[]byte{themePart: &b.theme, stylesPart: &b.styles}
	var buf bytes.Buffer
	f.SetZipWriter(func(out io.Writer) excelize.ZipWriter { return &baseZip{Writer: zip.NewWriter(out), aside: aside} })
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("base %s@%s: %w", fm.ID, fm.Version, err)
	}
	if b.theme == nil || b.styles == nil {
		return nil, fmt.Errorf("base %s@%s: no theme or styles written", fm.ID, fm.Version)
	}
	b.book = buf.Bytes()
	// The styles parsed from the bytes kept, as every workbook opened would
	// parse them.
	if b.parsed, err = excelize.OpenReader(bytes.NewReader(b.book)); err != nil {
		return nil, fmt.Errorf("base %s@%s: %w", fm.ID, fm.Version, err)
	}
	b.parsed.Styles = nil
	b.parsed.Pkg.Store(stylesPart, b.styles)
	if _, err := b.parsed.GetStyle(0); err != nil {
		return nil, fmt.Errorf("base %s@%s: %w", fm.ID, fm.Version, err)
	}
	return b, nil
}

// open returns a new workbook of the base and a writer of its sheet.
func (b *formBase) open(sheet string) (*excelize.File, *sheetWriter, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b.book))
	if err != nil {
		return nil, nil, err
	}
	// The theme and styles go back in as the bytes to write: File.Theme
	// stays nil, and File.Styles is nil again after detach, so excelize
	// writes the parts as they are.
	f.Pkg.Store(themePart, bytes.Clone(b.theme))
	f.Pkg.Store(stylesPart, bytes.Clone(b.styles))
	f.Styles = b.parsed.Styles
	w := &sheetWriter{f: f, sheet: sheet, styles: maps.Clone(b.ids), heights: map[int]float64{}, fixed: true}
	return f, w, nil
}

// detach ends f's use of the parsed styles it shares with the base's other
// workbooks: excelize writes its styles part as kept, or parses it again
// should the styles be read or changed.
func (b *formBase) detach(f *excelize.File) { f.Styles = nil }

// baseZip writes a base: its parts stored, not deflated, and the parts of
// aside kept there.
type baseZip struct {
	*zip.Writer
	aside map[string]*[]byte
}

// Create implements excelize.ZipWriter.
func (z *baseZip) Create(name string) (io.Writer, error) {
	if b, ok := z.aside[name]; ok {
		return (*sliceWriter)(b), nil
	}
	return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
}

// sliceWriter appends what is written to a byte slice.
type sliceWriter []byte

// Write implements io.Writer.
func (s *sliceWriter) Write(p []byte) (int, error) {
	*s = append(*s, p...)
	return len(p), nil
}
