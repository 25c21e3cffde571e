package template

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unsafe"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// The fast path. Read first tries readFast, which reads the workbook's
// XML parts itself, from the bytes sniff decompressed: the package and
// workbook relationships and workbook.xml (readparts.go), styles.xml (only
// which number format each cell style has) and sharedStrings.xml with
// xmlScan into structures shaped like excelize's, or with encoding/xml
// where the scanner does not read them; docProps/custom.xml with
// encoding/xml; and each worksheet in one pass with xmlScan. It gives the same cells, merges, hidden columns
// and rows, and properties as the excelize path, row by row under the same
// limits, for the workbooks it accepts; at anything it would not read
// exactly as excelize does (a number format other than General, built in or
// written "General" as LibreOffice writes it, on a cell that shows it, a
// date cell, an _xHHHH_ escape, a hidden attribute that is not a boolean,
// XML constructs such as CDATA, comments or a DOCTYPE,
// strict OOXML namespaces, rows or cells out of order, a chart sheet, a part
// over fastPartLimit) it gives up and Read takes the excelize path. Only
// damage in parts it does not read (the theme, the calculation chain, an
// attribute of the worksheet jxsync does not use) no longer makes a
// workbook unreadable. Formulas without a cached value are computed as on
// the excelize path (calcUncached), on the workbook opened with excelize
// once a sheet has one. CheckReadPaths compares the two paths; the tests
// (TestReadPathsAgree over every workbook they have and mutations of their
// XML, FuzzReadFastPath) and scripts/bench.sh over its corpus run it.

// fastPartLimit is the largest part readFast reads into memory.
const fastPartLimit = 64 << 20

// OOXML names readFast resolves parts with.
const (
	nsMain             = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	relOfficeDocument  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	pathSharedStrings  = "xl/sharedStrings.xml"
	pathStyles         = "xl/styles.xml"
	pathContentTypes   = "[Content_Types].xml"
	pathDocPropsCustom = "docProps/custom.xml"
)

// errSlow stops readFast: the workbook is read by the excelize path.
var errSlow = errors.New("not for the fast path")

type (
	xRels struct {
		XMLName xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
		Rels    []xRel   `xml:"Relationship"`
	}
	xRel struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:",attr"`
		Type   string `xml:",attr"`
	}
	xWorkbook struct {
		XMLName xml.Name `xml:"http://schemas.openxmlformats.org/spreadsheetml/2006/main workbook"`
		Sheets  struct {
			Sheet []struct {
				Name  string `xml:"name,attr,omitempty"`
				State string `xml:"state,attr,omitempty"`
				ID    string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			} `xml:"sheet"`
		} `xml:"sheets"`
	}
	xStyles struct {
		XMLName xml.Name `xml:"http://schemas.openxmlformats.org/spreadsheetml/2006/main styleSheet"`
		NumFmts *struct {
			NumFmt []*xNumFmt `xml:"numFmt"`
		} `xml:"numFmts"`
		CellXfs *struct {
			Xf []struct {
				NumFmtID *int `xml:"numFmtId,attr"`
			} `xml:"xf,omitempty"`
		} `xml:"cellXfs"`
	}
	xNumFmt struct {
		NumFmtID     int    `xml:"numFmtId,attr"`
		FormatCode   string `xml:"formatCode,attr"`
		FormatCode16 string `xml:"http://schemas.microsoft.com/office/spreadsheetml/2015/02/main formatCode16,attr"`
	}
	xSST struct {
		XMLName     xml.Name `xml:"http://schemas.openxmlformats.org/spreadsheetml/2006/main sst"`
		Count       int      `xml:"count,attr"`
		UniqueCount int      `xml:"uniqueCount,attr"`
		SI          []xSI    `xml:"si"`
		// Strings are the items' texts as scanSST reads them, in place
		// of SI (encoding/xml fills SI).
		Strings []string `xml:"-"`
	}
	xSI struct {
		T *xT  `xml:"t,omitempty"`
		R []xR `xml:"r"`
	}
	xR struct {
		XMLName xml.Name `xml:"r"`
		T       *xT      `xml:"t"`
	}
	xT struct {
		XMLName xml.Name `xml:"t"`
		Val     string   `xml:",chardata"`
	}
	xCustom struct {
		XMLName  xml.Name `xml:"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties Properties"`
		Property []struct {
			Name   string     `xml:"name,attr,omitempty"`
			Lpwstr *string    `xml:"lpwstr"`
			Other  []xml.Name `xml:",any"`
		} `xml:"property"`
	}
)

// String is the text of a string item as excelize's xlsxSI.String gives it,
// or errSlow for one with an _xHHHH_ escape.
func (si *xSI) String() (string, error) {
	var b strings.Builder
	if si.T != nil {
		b.WriteString(si.T.Val)
	}
	for _, r := range si.R {
		if r.T != nil {
			b.WriteString(r.T.Val)
		}
	}
	if strings.Contains(b.String(), "_x") {
		return "", errSlow
	}
	return b.String(), nil
}

// fastBook is a workbook's parts as readFast uses them.
type fastBook struct {
	files map[string]*zip.File
	parts *zipParts
	lim   Limits
	// styles: for each cell style, whether a cell of it is shown as it is
	// stored (no style, or General, built in or custom) — false: another
	// number format.
	general []bool
	hasXfs  bool
	sst     []string
	// uncached tells whether the cell cell() just read is a formula with no
	// cached value; pending lists those of the sheet being read, for
	// calcUncached.
	uncached bool
	pending  []cellPos
	// calc is the workbook opened with excelize to compute them.
	calc *calcBook
	// num is numericPlain's buffer.
	num []byte
	// text is where clone copies cells' values to.
	text []byte
}

// textBlock is the size of fastBook.text's blocks: a value of more than a
// quarter of it is allocated on its own.
const textBlock = 1 << 10

// clone returns a copy of s, taken from blocks shared by many values of
// the workbook rather than allocated for each. A block is never written
// where a value was copied to.
func (fb *fastBook) clone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > cap(fb.text)-len(fb.text) {
		if len(s) > textBlock/4 {
			return strings.Clone(s) // a long value is its own
		}
		fb.text = make([]byte, 0, textBlock)
	}
	i := len(fb.text)
	fb.text = append(fb.text, s...)
	return unsafe.String(&fb.text[i], len(s))
}

// readFast is Read without excelize for the workbooks it reads exactly as
// the excelize path does; ok is false for the others (see above).
func readFast(name, shown string, parts *zipParts, lim Limits) (wb *mapping.Workbook, ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			wb, ok, err = nil, false, nil
		}
	}()
	fb := &fastBook{files: make(map[string]*zip.File, len(parts.zr.File)), parts: parts, lim: lim,
		calc: &calcBook{parts: parts, lim: lim}}
	defer fb.calc.close()
	wb, err = fb.readWorkbook(name, shown)
	if errors.Is(err, errSlow) {
		return nil, false, nil
	}
	return wb, true, err
}

// readWorkbook is readFast's work: errSlow where it gives up.
func (fb *fastBook) readWorkbook(name, shown string) (*mapping.Workbook, error) {
	var err error
	parts, lim := fb.parts, fb.lim
	for _, zf := range parts.zr.File {
		n := strings.ReplaceAll(zf.Name, "\\", "/")
		switch lowerName(n) {
		case "[content_types].xml":
			n = pathContentTypes
		case "xl/sharedstrings.xml":
			n = pathSharedStrings
		}
		if _, dup := fb.files[n]; dup {
			return nil, errSlow
		}
		fb.files[n] = zf
	}
	// The workbook part, its sheets and where they are.
	var root xRels
	if err := fb.scanOrDecode("_rels/.rels", &root, scanRels, false); err != nil {
		return nil, errSlow
	}
	wbPath := ""
	for _, r := range root.Rels {
		if r.Type == relOfficeDocument {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if wbPath == "" || strings.Contains(wbPath, "\\") {
		return nil, errSlow
	}
	var book xWorkbook
	if err := fb.scanOrDecode(wbPath, &book, scanWorkbook, false); err != nil {
		return nil, errSlow
	}
	relsPath := "_rels/" + path.Base(wbPath) + ".rels"
	if dir := path.Dir(wbPath); dir != "." {
		relsPath = strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "/")
	}
	var rels xRels
	if err := fb.scanOrDecode(relsPath, &rels, scanRels, false); err != nil {
		return nil, errSlow
	}
	sheetPath := map[string]string{}
	for _, sh := range book.Sheets.Sheet {
		for _, r := range rels.Rels {
			if r.ID != sh.ID {
				continue
			}
			if strings.Contains(r.Target, "\\") {
				return nil, errSlow
			}
			p := strings.TrimPrefix(path.Clean(path.Dir(wbPath)+"/"+r.Target), "/")
			if strings.HasPrefix(r.Target, "/") {
				p = strings.TrimPrefix(path.Clean(r.Target), "/")
			}
			if _, ok := fb.files[p]; ok {
				sheetPath[sh.Name] = p
			}
		}
	}
	// Styles, shared strings, properties.
	var st xStyles
	if err := fb.scanOrDecode(pathStyles, &st, scanStyles, true); err != nil {
		return nil, errSlow
	}
	if st.CellXfs != nil {
		fb.hasXfs = true
		if sp := parts.shared[fb.files[pathStyles]]; sp != nil {
			fb.general = sp.derived("general", func() any { return generalStyles(&st) }).([]bool)
		} else {
			fb.general = generalStyles(&st)
		}
	}
	if zf := fb.files[pathSharedStrings]; zf != nil && int64(zf.UncompressedSize64) > min(lim.MaxUnzipBytes, 16<<20) {
		return nil, errSlow // excelize reads it from a temporary file, another way
	}
	var sst xSST
	if n := parts.sharedStrings; n > 0 {
		// Room for the items sniff counted (at most lim.MaxSharedStrings).
		sst.Strings = make([]string, 0, n)
	}
	if err := fb.scanOrDecode(pathSharedStrings, &sst, scanSST, true); err != nil {
		return nil, errSlow
	}
	fb.sst = sst.Strings
	if fb.sst == nil {
		fb.sst = make([]string, len(sst.SI))
		for i := range sst.SI {
			if fb.sst[i], err = sst.SI[i].String(); err != nil {
				return nil, err
			}
		}
	}
	wb := &mapping.Workbook{Name: name}
	if _, ok := fb.files[pathDocPropsCustom]; ok {
		var cp xCustom
		if err := fb.decode(pathDocPropsCustom, &cp, true); err != nil {
			return nil, errSlow
		}
		for _, p := range cp.Property {
			if p.Lpwstr == nil || len(p.Other) > 0 {
				return nil, errSlow
			}
			if wb.Props == nil {
				wb.Props = map[string]string{}
			}
			wb.Props[p.Name] = *p.Lpwstr
		}
	}
	t := &tally{lim: lim}
	for _, sh := range book.Sheets.Sheet {
		if !plainSheetName(sh.Name) {
			return nil, errSlow
		}
		p, n := "", 0
		for k, v := range sheetPath {
			if strings.EqualFold(k, sh.Name) {
				p, n = v, n+1
			}
		}
		if n != 1 {
			return nil, errSlow
		}
		b, err := fb.read(p)
		if err != nil {
			return nil, err
		}
		fb.pending = fb.pending[:0]
		s, err := fb.sheet(sh.Name, b, t)
		if err == nil && len(fb.pending) > 0 {
			err = fb.calcPending(s, t)
		}
		if errors.Is(err, errSlow) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: sheet %q%w", shown, sh.Name, err)
		}
		s.Hidden = sh.State != "" && sh.State != "visible" // as excelize's GetSheetVisible
		wb.Sheets = append(wb.Sheets, s)
	}
	if t.cells == 0 {
		return nil, fmt.Errorf("read %s: %w: 工作簿中没有任何内容 (no cell has a value)", shown, ErrEmpty)
	}
	return wb, nil
}

// generalStyles tells for each cell style (xf of cellXfs) of st whether
// it shows a value as stored: with the General number format, built in or
// custom.
func generalStyles(st *xStyles) []bool {
	// Custom formats by id, the first of an id as excelize takes it; one
	// written "General" (as LibreOffice writes all cells' format) shows a
	// value as the built-in General does.
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			if _, dup := custom[nf.NumFmtID]; !dup {
				custom[nf.NumFmtID] = nf.FormatCode
				if nf.FormatCode16 != "" {
					custom[nf.NumFmtID] = nf.FormatCode16
				}
			}
		}
	}
	general := make([]bool, len(st.CellXfs.Xf))
	for i, xf := range st.CellXfs.Xf {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		code, isCustom := custom[id]
		general[i] = isCustom && code == "General" || !isCustom && id == 0
	}
	return general
}

// calcPending computes the formulas without a cached value of sheet s with
// calcUncached, on the workbook opened with excelize (errSlow when it does
// not open).
func (fb *fastBook) calcPending(s *mapping.Sheet, t *tally) error {
	f, err := fb.calc.file()
	if err != nil {
		return errSlow
	}
	return calcUncached(f, s, fb.pending, t)
}

// plainSheetName reports whether excelize accepts name as a sheet name.
func plainSheetName(name string) bool {
	n := 0
	for _, r := range name {
		n += utf16.RuneLen(r)
	}
	return name != "" && n <= excelize.MaxSheetNameLength && !strings.HasPrefix(name, "'") &&
		!strings.HasSuffix(name, "'") && !strings.ContainsAny(name, ":\\/?*[]")
}

// read returns a part's bytes, nil for a missing one.
func (fb *fastBook) read(name string) ([]byte, error) {
	zf := fb.files[name]
	if zf == nil {
		return nil, nil
	}
	b, ok := fb.parts.bytes[zf]
	if !ok || zf.FileInfo().IsDir() {
		return nil, errSlow
	}
	if bytes.Contains(b, []byte("purl.oclc.org")) {
		return nil, errSlow // strict OOXML: excelize translates its namespaces
	}
	return b, nil
}

// decode unmarshals a part as excelize does; a missing part is an error
// unless optional.
func (fb *fastBook) decode(name string, v any, optional bool) error {
	b, err := fb.read(name)
	if err != nil {
		return err
	}
	if b == nil {
		if optional {
			return nil
		}
		return errSlow
	}
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil && err != io.EOF {
		return errSlow
	}
	return nil
}

// scanOrDecode fills v (a pointer) from a part with scan, or where scan
// does not read it with encoding/xml; a missing part is an error unless
// optional. What it reads of a part kept in sharedParts is read once for
// all workbooks, and shared: it is never written.
func (fb *fastBook) scanOrDecode(name string, v any, scan func(string, any) error, optional bool) error {
	b, err := fb.read(name)
	if err != nil {
		return err
	}
	if b == nil {
		if optional {
			return nil
		}
		return errSlow
	}
	sp := fb.parts.shared[fb.files[name]]
	if sp == nil {
		return parseXML(b, v, scan)
	}
	type parsed struct {
		v   reflect.Value
		err error
	}
	t := reflect.TypeOf(v).Elem()
	p := sp.derived(parsedKey{t}, func() any {
		nv := reflect.New(t)
		err := parseXML(b, nv.Interface(), scan)
		return parsed{nv.Elem(), err}
	}).(parsed)
	if p.err != nil {
		return p.err
	}
	reflect.ValueOf(v).Elem().Set(p.v)
	return nil
}

// parsedKey names a part parsed into a value of type t among what is
// derived from a shared part.
type parsedKey struct{ t reflect.Type }

// parseXML fills v from a part's bytes b with scan, or where scan does not
// read them with encoding/xml, into a v emptied of what scan left in it
// (encoding/xml appends to the slices it finds).
func parseXML(b []byte, v any, scan func(string, any) error) error {
	// As in sheet, the part's bytes are read in place: they are never
	// written again.
	if scan(unsafe.String(unsafe.SliceData(b), len(b)), v) == nil {
		return nil
	}
	reflect.ValueOf(v).Elem().SetZero()
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil && err != io.EOF {
		return errSlow
	}
	return nil
}

// xmlInt parses an integer attribute as encoding/xml does.
func xmlInt(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return int(n), err
}

// xmlBool parses a boolean attribute as encoding/xml does.
func xmlBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(strings.TrimSpace(s))
}

// scanStyles reads the number formats of styles.xml into *xStyles.
func scanStyles(doc string, v any) error {
	st := v.(*xStyles)
	*st = xStyles{}
	x := &xmlScan{s: doc}
	x.prolog()
	if !x.start() || x.local(x.name) != "styleSheet" || !x.mainNamespace() {
		return errSlow
	}
	if x.selfClose {
		return nil
	}
	for x.next() && x.kind == tokStart {
		switch x.local(x.name) {
		case "numFmts":
			if st.NumFmts != nil {
				return errSlow
			}
			st.NumFmts = &struct {
				NumFmt []*xNumFmt `xml:"numFmt"`
			}{}
			if x.selfClose {
				continue
			}
			for x.next() && x.kind == tokStart {
				if x.local(x.name) == "numFmt" {
					v, n := x.attr("numFmtId")
					id, err := xmlInt(v)
					code, nc := x.attr("formatCode")
					if _, n16 := x.attr("formatCode16"); n > 1 || err != nil || nc > 1 || n16 > 0 {
						return errSlow
					}
					st.NumFmts.NumFmt = append(st.NumFmts.NumFmt, &xNumFmt{NumFmtID: id, FormatCode: code})
				}
				x.skip()
			}
		case "cellXfs":
			if st.CellXfs != nil {
				return errSlow
			}
			st.CellXfs = &struct {
				Xf []struct {
					NumFmtID *int `xml:"numFmtId,attr"`
				} `xml:"xf,omitempty"`
			}{}
			if x.selfClose {
				continue
			}
			for x.next() && x.kind == tokStart {
				if x.local(x.name) == "xf" {
					var id *int
					v, n := x.attr("numFmtId")
					if n > 1 {
						return errSlow
					}
					if n == 1 {
						i, err := xmlInt(v)
						if err != nil {
							return errSlow
						}
						id = &i
					}
					st.CellXfs.Xf = append(st.CellXfs.Xf, struct {
						NumFmtID *int `xml:"numFmtId,attr"`
					}{id})
				}
				x.skip()
			}
		default:
			x.skip()
		}
	}
	if x.bad || x.kind != tokEnd || len(x.stack) != 0 {
		return errSlow
	}
	return nil
}

// scanSST reads sharedStrings.xml into the Strings of *xSST: each item's
// text, as xSI.String gives it (errSlow for an _xHHHH_ escape), without
// the structures encoding/xml would fill for it. It appends to the room
// Strings has.
func scanSST(doc string, v any) error {
	sst := v.(*xSST)
	*sst = xSST{Strings: sst.Strings[:0]}
	x := &xmlScan{s: doc}
	x.prolog()
	if !x.start() || x.local(x.name) != "sst" || !x.mainNamespace() {
		return errSlow
	}
	for _, a := range x.attrs {
		if l := x.local(a.name); l == "count" || l == "uniqueCount" {
			if _, err := xmlInt(a.value); err != nil {
				return errSlow
			}
		}
	}
	if x.selfClose {
		return nil
	}
	for x.next() && x.kind == tokStart {
		if x.local(x.name) != "si" {
			x.skip()
			continue
		}
		si, err := itemString(x)
		if err != nil {
			return errSlow
		}
		sst.Strings = append(sst.Strings, si)
	}
	if sst.Strings == nil {
		sst.Strings = []string{}
	}
	if x.bad || x.kind != tokEnd || len(x.stack) != 0 {
		return errSlow
	}
	return nil
}

// sheet reads one worksheet's cells (both as shown and raw, as the excelize
// path's two row iterators give them), merges, and hidden columns and rows
// within its used range.
func (fb *fastBook) sheet(name string, b []byte, t *tally) (*mapping.Sheet, error) {
	// The scanner reads the part's bytes as a string without a copy: they
	// are never written again, and the values kept are copied out of them
	// (cell), so that the part can be freed after the read.
	x := &xmlScan{s: unsafe.String(unsafe.SliceData(b), len(b))}
	x.prolog()
	if !x.start() || x.local(x.name) != "worksheet" || !x.mainNamespace() {
		return nil, errSlow
	}
	s := &mapping.Sheet{Name: name}
	var (
		rects      [][4]int
		cols       []colRange
		hiddenRows []int
		sawData    bool
		sawMerges  bool
	)
	if !x.selfClose {
		for x.next() {
			if x.kind == tokEnd {
				break
			}
			switch x.local(x.name) {
			case "sheetData":
				if sawData {
					return nil, errSlow
				}
				sawData = true
				if err := fb.rows(x, s, t, &hiddenRows); err != nil {
					return nil, err
				}
			case "cols":
				if err := colRanges(x, &cols); err != nil {
					return nil, err
				}
			case "mergeCells":
				if sawMerges {
					return nil, errSlow
				}
				sawMerges = true
				var err error
				if rects, err = mergeRects(x); err != nil {
					return nil, err
				}
			case "row", "c":
				return nil, errSlow
			default:
				x.skip()
			}
		}
	}
	if x.bad || x.kind != tokEnd {
		return nil, errSlow
	}
	s.Merges = mergeRanges(rects)
	s.HiddenCols = hiddenColumns(cols, s.Width())
	for _, r := range hiddenRows {
		if r < len(s.Rows) {
			if s.HiddenRows == nil {
				s.HiddenRows = map[int]bool{}
			}
			s.HiddenRows[r] = true
		}
	}
	return s, nil
}

// colRange is a col element of a worksheet as excelize unmarshals it:
// columns min to max (1-based, as written) and whether they are hidden.
type colRange struct {
	min, max int
	hidden   bool
}

// colRanges appends the col elements of a cols element to out. Those of
// several cols elements are joined, as encoding/xml unmarshals them into
// excelize's worksheet; an attribute excelize fails on is errSlow.
func colRanges(x *xmlScan, out *[]colRange) error {
	if x.selfClose {
		return nil
	}
	if *out == nil {
		*out = make([]colRange, 0, 8)
	}
	for x.next() {
		if x.kind == tokEnd {
			return nil
		}
		if x.local(x.name) != "col" {
			x.skip()
			continue
		}
		lo, n1 := x.attr("min")
		hi, n2 := x.attr("max")
		h, n3 := x.attr("hidden")
		if n1 > 1 || n2 > 1 || n3 > 1 {
			return errSlow
		}
		mn, err1 := xmlInt(lo)
		mx, err2 := xmlInt(hi)
		hidden, err3 := xmlBool(h)
		if err1 != nil || err2 != nil || err3 != nil {
			return errSlow
		}
		*out = append(*out, colRange{mn, mx, hidden})
		x.skip()
	}
	return errSlow
}

// hiddenColumns is the set of 0-based columns below width that cols hide,
// nil for none: the last col element covering a column decides, as
// excelize's GetColVisible has it. The elements are taken last first, each
// column decided once, so that the work is bounded by the elements and the
// width, not their product.
func hiddenColumns(cols []colRange, width int) map[int]bool {
	if width == 0 || !slices.ContainsFunc(cols, func(c colRange) bool { return c.hidden }) {
		return nil
	}
	// next[c] leads to the first column from c not yet decided; next[width]
	// is the end.
	next := make([]int, width+1)
	for i := range next {
		next[i] = i
	}
	find := func(c int) int {
		for next[c] != c {
			next[c] = next[next[c]]
			c = next[c]
		}
		return c
	}
	var out map[int]bool
	for i := len(cols) - 1; i >= 0; i-- {
		lo, hi := max(cols[i].min, 1)-1, min(cols[i].max, width)-1
		for c := find(min(lo, width)); c <= hi; c = find(c + 1) {
			if cols[i].hidden {
				if out == nil {
					out = map[int]bool{}
				}
				out[c] = true
			}
			next[c] = c + 1
		}
	}
	return out
}

// rows reads the rows of sheetData as excelize's row iterator does: a row
// is placed by its r attribute (or follows the one before), a cell by its r
// attribute (or follows the one before); a cell is kept when it has a value
// or a formula. It appends the 0-based rows marked hidden to hidden.
func (fb *fastBook) rows(x *xmlScan, s *mapping.Sheet, t *tally, hidden *[]int) error {
	if x.selfClose {
		return nil
	}
	cur := 0 // 1-based row of the last row element
	var text, vals []string
	for x.next() {
		if x.kind == tokEnd {
			return nil
		}
		if x.local(x.name) != "row" {
			return errSlow
		}
		rowNum := 0
		if v, n := x.attr("r"); n > 1 {
			return errSlow
		} else if n == 1 {
			var err error
			if rowNum, err = strconv.Atoi(v); err != nil || rowNum < 1 || rowNum > excelize.TotalRows {
				return errSlow
			}
		}
		if rowNum == 0 {
			rowNum = cur + 1
		}
		if rowNum <= cur {
			return errSlow
		}
		cur = rowNum
		if v, n := x.attr("hidden"); n > 1 {
			return errSlow
		} else if h, err := xmlBool(v); err != nil {
			return errSlow // excelize fails on the sheet
		} else if h {
			*hidden = append(*hidden, rowNum-1)
		}
		text, vals = text[:0], vals[:0]
		if !x.selfClose {
			col := 0
			for x.next() {
				if x.kind == tokEnd {
					break
				}
				if x.local(x.name) != "c" {
					return errSlow
				}
				shown, raw, keep, c, err := fb.cell(x, col)
				if err != nil {
					return err
				}
				col = c
				if fb.uncached {
					fb.pending = append(fb.pending, cellPos{rowNum - 1, col - 1})
				}
				if !keep {
					continue
				}
				if col <= len(text) {
					return errSlow
				}
				for len(text) < col-1 {
					text, vals = append(text, ""), append(vals, "")
				}
				text, vals = append(text, shown), append(vals, raw)
			}
			if x.bad {
				return errSlow
			}
		}
		if err := t.addRow(s, rowNum-1, text, vals); err != nil {
			return err
		}
	}
	return errSlow
}

// cell reads one c element: its displayed and raw values, whether excelize
// keeps it, and its 1-based column (the one after prev without an r
// attribute).
func (fb *fastBook) cell(x *xmlScan, prev int) (shown, raw string, keep bool, col int, err error) {
	col = prev + 1
	var (
		typ, v string
		style  int
		hasV   bool
		hasF   bool
		is     *xSI
	)
	seen := 0
	for i := 0; i < len(x.attrs); i++ {
		a := &x.attrs[i]
		switch x.local(a.name) {
		case "r":
			if seen&1 != 0 {
				return "", "", false, 0, errSlow
			}
			seen |= 1
			if col, err = cellColumn(a.value); err != nil {
				return "", "", false, 0, err
			}
		case "s":
			if seen&2 != 0 {
				return "", "", false, 0, errSlow
			}
			seen |= 2
			n, err := strconv.ParseInt(a.value, 10, 64)
			if err != nil {
				return "", "", false, 0, errSlow
			}
			style = int(n)
		case "t":
			if seen&4 != 0 {
				return "", "", false, 0, errSlow
			}
			seen |= 4
			typ = a.value
		}
	}
	if !x.selfClose {
		for x.next() {
			if x.kind == tokEnd {
				break
			}
			switch x.local(x.name) {
			case "v":
				if hasV {
					return "", "", false, 0, errSlow
				}
				hasV = true
				if v, err = x.text(); err != nil {
					return "", "", false, 0, err
				}
			case "f":
				hasF = true
				x.skip()
			case "is":
				if is != nil {
					return "", "", false, 0, errSlow
				}
				if is, err = inlineString(x); err != nil {
					return "", "", false, 0, err
				}
			default:
				return "", "", false, 0, errSlow
			}
		}
		if x.bad {
			return "", "", false, 0, errSlow
		}
	}
	fb.uncached = false
	if typ != "s" {
		v = fb.clone(v) // not a substring of the part's bytes
	}
	general := style == 0 || !fb.hasXfs || style < 0 || style >= len(fb.general) || fb.general[style]
	formatted := style != 0 && fb.hasXfs && style >= 0 && style < len(fb.general)
	switch typ {
	case "b":
		raw, shown = v, v
		switch v {
		case "1":
			shown = "TRUE"
		case "0":
			shown = "FALSE"
		default:
			if !general {
				return "", "", false, 0, errSlow
			}
		}
	case "d":
		return "", "", false, 0, errSlow
	case "s":
		if v != "" {
			i, _ := strconv.Atoi(strings.TrimSpace(v))
			if i >= 0 && i < len(fb.sst) {
				raw = fb.sst[i]
			}
		}
		shown = raw
		if raw != "" && !general {
			return "", "", false, 0, errSlow
		}
	case "str":
		raw, shown = v, v
	case "inlineStr":
		raw = v
		if is != nil {
			if raw, err = is.String(); err != nil {
				return "", "", false, 0, err
			}
		}
		shown = raw
		if raw != "" && !general {
			return "", "", false, 0, errSlow
		}
	default:
		raw, shown = v, v
		// plain: shown is the number written out (isNumeric of it is
		// that of v).
		isNum, prec, n, plain := fb.numericPlain(v)
		if isNum {
			if prec > 15 && !isNumWithinPrecision(v) {
				shown = strconv.FormatFloat(n, 'G', 15, 64)
				isNum, prec, n = isNumeric(shown)
			} else {
				shown = plain
			}
		}
		if formatted && shown != "" {
			if !general {
				return "", "", false, 0, errSlow
			}
			// excelize's General format: at most 11 digits.
			if isNum && prec > 11 {
				shown = strconv.FormatFloat(n, 'G', 10, 64)
			}
		}
	}
	if (shown == "") != (raw == "") {
		return "", "", false, 0, errSlow
	}
	// A formula shown empty has no cached value: calcUncached computes it.
	fb.uncached = hasF && shown == ""
	return shown, raw, shown != "" || hasF, col, nil
}

// isNumeric is excelize's test of a number: whether s parses as one, the
// digits it has written out, and its value.
func isNumeric(s string) (bool, int, float64) {
	isNum, prec, n, _ := isNumericPlain(s)
	return isNum, prec, n
}

// isNumericPlain is isNumeric, and the number written out as excelize
// shows it (strconv.FormatFloat(n, 'f', -1, 64)), whose own isNumeric is
// the same: it parses back to n.
func isNumericPlain(s string) (isNum bool, prec int, n float64, plain string) {
	var fb fastBook
	return fb.numericPlain(s)
}

// numericPlain is isNumericPlain, which writes the number out in fb.num:
// plain is s itself where it reads the same, as most numbers do.
func (fb *fastBook) numericPlain(s string) (isNum bool, prec int, n float64, plain string) {
	if s == "" || strings.Contains(s, "_") {
		return false, 0, 0, ""
	}
	flt, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false, 0, 0, ""
	}
	fb.num = strconv.AppendFloat(fb.num[:0], flt, 'f', -1, 64)
	plain = s
	if string(fb.num) != s {
		plain = string(fb.num)
	}
	return true, len(plain) - strings.Count(plain, "."), flt, plain
}

// isNumWithinPrecision is excelize's test of an integer zero-filled after
// Excel's 15 significant digits.
func isNumWithinPrecision(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// cellColumn is the 1-based column of a cell reference, as excelize's
// CellNameToCoordinates gives it.
func cellColumn(ref string) (int, error) {
	col, i := 0, 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' && col <= excelize.MaxColumns {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i > 0 && i < len(ref) && ref[i] >= '1' && ref[i] <= '9' && col <= excelize.MaxColumns {
		row := 0
		j := i
		for j < len(ref) && ref[j] >= '0' && ref[j] <= '9' && row <= excelize.TotalRows {
			row = row*10 + int(ref[j]-'0')
			j++
		}
		if j == len(ref) && row <= excelize.TotalRows {
			return col, nil
		}
	}
	c, _, err := excelize.CellNameToCoordinates(ref)
	if err != nil {
		return 0, errSlow
	}
	return c, nil
}

// inlineString reads an is element as excelize unmarshals it into its
// string item: a t child, the t of r runs; phonetic runs and other
// children are left out.
func inlineString(x *xmlScan) (*xSI, error) {
	si := &xSI{}
	if x.selfClose {
		return si, nil
	}
	for x.next() {
		if x.kind == tokEnd {
			return si, nil
		}
		switch x.local(x.name) {
		case "t":
			if si.T != nil {
				return nil, errSlow
			}
			v, err := x.text()
			if err != nil {
				return nil, err
			}
			si.T = &xT{Val: v}
		case "r":
			var run xR
			if !x.selfClose {
				for x.next() {
					if x.kind == tokEnd {
						break
					}
					if x.local(x.name) == "t" {
						if run.T != nil {
							return nil, errSlow
						}
						v, err := x.text()
						if err != nil {
							return nil, err
						}
						run.T = &xT{Val: v}
						continue
					}
					x.skip()
				}
			}
			si.R = append(si.R, run)
		default:
			x.skip()
		}
	}
	return nil, errSlow
}

// itemString reads a string item (si) as inlineString does and returns its
// text as xSI.String does, without keeping the item: an item of one t is
// the t's text.
func itemString(x *xmlScan) (string, error) {
	if x.selfClose {
		return "", nil
	}
	var (
		t, runs       string
		hasT, hasRuns bool
		b             strings.Builder
	)
	for x.next() {
		if x.kind == tokEnd {
			if b.Len() > 0 {
				b.WriteString(runs)
				runs = b.String()
			}
			v := t + runs
			if strings.Contains(v, "_x") {
				return "", errSlow
			}
			return v, nil
		}
		switch x.local(x.name) {
		case "t":
			if hasT {
				return "", errSlow
			}
			hasT = true
			v, err := x.text()
			if err != nil {
				return "", err
			}
			t = v
		case "r":
			hasRun := false
			if !x.selfClose {
				for x.next() {
					if x.kind == tokEnd {
						break
					}
					if x.local(x.name) == "t" {
						if hasRun {
							return "", errSlow
						}
						hasRun = true
						v, err := x.text()
						if err != nil {
							return "", err
						}
						if hasRuns {
							b.WriteString(runs)
						}
						runs, hasRuns = v, true
						continue
					}
					x.skip()
				}
			}
		default:
			x.skip()
		}
	}
	return "", errSlow
}

// mergeRects reads the mergeCell refs of a mergeCells element as excelize
// turns them into rectangles ([col, row, col, row], 1-based, as written).
func mergeRects(x *xmlScan) ([][4]int, error) {
	var out [][4]int
	if x.selfClose {
		return out, nil
	}
	// Room for as many as the count attribute says, within what the rest
	// of the part can hold (<mergeCell ref="A1"/> is 21 bytes).
	if v, n := x.attr("count"); n == 1 {
		if k, err := strconv.Atoi(v); err == nil && k > 0 {
			out = make([][4]int, 0, min(k, (len(x.s)-x.i)/21))
		}
	}
	for x.next() {
		if x.kind == tokEnd {
			return out, nil
		}
		if x.local(x.name) != "mergeCell" {
			x.skip()
			continue
		}
		ref, n := x.attr("ref")
		if n > 1 {
			return nil, errSlow
		}
		x.skip()
		// As excelize: a ref without a colon is the cell twice, and only
		// the first two cells of one with more count.
		first, second, found := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
		if !found {
			second = first
		} else if j := strings.IndexByte(second, ':'); j >= 0 {
			second = second[:j]
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(first)
		c2, r2, err2 := excelize.CellNameToCoordinates(second)
		if err1 != nil || err2 != nil {
			return nil, errSlow // excelize fails on it: its message is the excelize path's
		}
		out = append(out, [4]int{c1, r1, c2, r2})
	}
	return nil, errSlow
}

// mergeRanges turns merge rectangles into ranges as excelize's
// GetMergeCells and readSheet do: rectangles whose corners fall in one
// another are first joined into their bounding box, repeatedly.
func mergeRanges(rects [][4]int) []mapping.Range {
	if anyOverlap(rects) {
		rects = joinOverlaps(rects)
	}
	var out []mapping.Range
	if len(rects) > 0 {
		out = make([]mapping.Range, 0, len(rects))
	}
	for _, r := range rects {
		if r[0] < 1 || r[1] < 1 || r[2] < 1 || r[3] < 1 {
			continue // excelize names no cell for it; readSheet skipped it
		}
		out = append(out, mapping.Range{Top: r[1] - 1, Left: r[0] - 1, Bottom: r[3] - 1, Right: r[2] - 1})
	}
	return out
}

// cellInRect and isOverlap are excelize's tests, on its [col, row, col,
// row] rectangles.
func cellInRect(col, row int, r [4]int) bool {
	return col >= r[0] && col <= r[2] && row >= r[1] && row <= r[3]
}

func isOverlap(a, b [4]int) bool {
	return cellInRect(a[0], a[1], b) || cellInRect(a[2], a[1], b) || cellInRect(a[0], a[3], b) || cellInRect(a[2], a[3], b) ||
		cellInRect(b[0], b[1], a) || cellInRect(b[2], b[1], a) || cellInRect(b[0], b[3], a) || cellInRect(b[2], b[3], a)
}

// anyOverlap reports whether isOverlap holds for any two rectangles,
// comparing only those whose bounding boxes share rows (a sweep down the
// sheet), so that a sheet of many disjoint merges is not quadratic.
func anyOverlap(rects [][4]int) bool {
	type box struct{ top, bottom, left, right, i int }
	boxes := make([]box, len(rects))
	for i, r := range rects {
		boxes[i] = box{min(r[1], r[3]), max(r[1], r[3]), min(r[0], r[2]), max(r[0], r[2]), i}
	}
	slices.SortFunc(boxes, func(a, b box) int { return cmp.Compare(a.top, b.top) })
	var active []box
	for _, b := range boxes {
		keep := active[:0]
		for _, a := range active {
			if a.bottom >= b.top {
				keep = append(keep, a)
			}
		}
		active = keep
		for _, a := range active {
			if a.left <= b.right && b.left <= a.right && isOverlap(rects[a.i], rects[b.i]) {
				return true
			}
		}
		active = append(active, b)
	}
	return false
}

// joinOverlaps is excelize's mergeOverlapCells.
func joinOverlaps(rects [][4]int) [][4]int {
	for merged := true; merged; {
		merged = false
		var out [][4]int
		used := make([]bool, len(rects))
		for i := range rects {
			if used[i] {
				continue
			}
			r1 := rects[i]
			for j := i + 1; j < len(rects); j++ {
				if used[j] {
					continue
				}
				if r2 := rects[j]; isOverlap(r1, r2) {
					r1 = [4]int{min(r1[0], r2[0]), min(r1[1], r2[1]), max(r1[2], r2[2]), max(r1[3], r2[3])}
					merged, used[j] = true, true
				}
			}
			out = append(out, r1)
		}
		rects = out
	}
	return rects
}
