// Package template reads and writes workbooks with excelize: it turns an
// .xlsx file into the mapping package's Workbook view and builds the
// official form templates. It is the only package that imports excelize.
package template

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// Limits bounds what Read accepts, so that a zip bomb, a sheet with a
// million rows or a few cells far apart, or a table of unused strings or
// styles fails with a message instead of exhausting memory: what a read
// costs is bounded by the cells a workbook uses, not by the extent of its
// sheets or the size of parts it does not use. With the defaults, the
// hostile workbooks of bench/hostile (a few KB each, which unbounded took
// up to 87 s and 2.8 GB) fail or read in under a second and 100 MB.
type Limits struct {
	// MaxFileBytes is the largest file accepted. Default 50 MiB.
	MaxFileBytes int64
	// MaxUnzipBytes is the most the workbook may expand to, counted both
	// from the sizes the zip declares and while actually decompressing.
	// Default 200 MiB.
	MaxUnzipBytes int64
	// MaxCells is the most non-empty cells read from all sheets. Default 2,000,000.
	MaxCells int
	// MaxArea is the most positions kept for all sheets: the view is dense,
	// so every row up to a sheet's last one and every cell up to a row's last
	// one counts, empty or not (32 bytes each). It stops cells far apart (a
	// column of them in XFD) from taking gigabytes. Default 4 × MaxCells,
	// so that a sheet without gaps meets MaxCells first, and at most
	// 2,000,000 (64 MB): a consolidated sheet of 100,000 rows of 10
	// columns is 1,100,000. Cells far apart meet a tighter bound first:
	// past sparseFloor positions, a workbook may have at most sparseRatio
	// positions per non-empty cell. Before excelize reads a workbook, the
	// same holds of every c element (formatted empty cells too, which its
	// model holds), and there may be at most MaxArea/4 empty ones
	// (zipParts.forExcelize).
	MaxArea int
	// MaxSharedStrings is the most entries of the shared strings table,
	// used or not (a cell uses one by its index: the table is read whole
	// before any cell). Default 1,000,000. Before excelize reads a
	// workbook, the table may moreover hold at most sharedStringsFloor
	// entries more than the cells that can use one (those of type s).
	MaxSharedStrings int
	// MaxStyles is the most entries of each list of styles.xml: number
	// formats, fonts, fills, borders, cell styles (xf). Default 64,000, as
	// many cell formats as Excel allows. styles.xml may hold at most twice
	// as many xf (cellXfs and cellStyleXfs), 16 times as many elements and
	// maxStyleBytes per style.
	MaxStyles int
}

// DefaultLimits are the limits used when a field of Limits is zero.
var DefaultLimits = Limits{MaxFileBytes: 50 << 20, MaxUnzipBytes: 200 << 20, MaxCells: 2_000_000,
	MaxSharedStrings: 1_000_000, MaxStyles: 64_000}

// maxDefaultArea is the largest default of Limits.MaxArea.
const maxDefaultArea = 2_000_000

// sparseFloor and sparseRatio bound how sparse a workbook's view may be:
// past sparseFloor positions (4 MB here, about 24 MB in excelize's model
// of a sheet, which fills a row with cells up to its last), at most
// sparseRatio per non-empty cell. A form beside a stray cell in XFD1 is
// well within; 480 rows of one cell in XFD each (7.9 million positions)
// are not, and fail at the 8th.
const (
	sparseFloor = 1 << 17
	sparseRatio = 64
)

// sharedStringsFloor is how many more shared strings than cells of type s
// a workbook may have. Excel and LibreOffice write only the strings cells
// use; excelize takes about a kilobyte and 10 µs to read each.
const sharedStringsFloor = 50_000

func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultLimits.MaxFileBytes
	}
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = DefaultLimits.MaxUnzipBytes
	}
	if l.MaxCells <= 0 {
		l.MaxCells = DefaultLimits.MaxCells
	}
	if l.MaxArea <= 0 {
		l.MaxArea = min(4*l.MaxCells, maxDefaultArea)
	}
	if l.MaxSharedStrings <= 0 {
		l.MaxSharedStrings = DefaultLimits.MaxSharedStrings
	}
	if l.MaxStyles <= 0 {
		l.MaxStyles = DefaultLimits.MaxStyles
	}
	return l
}

// maxZipEntries is the most files a workbook's zip may hold; real ones hold
// dozens.
const maxZipEntries = 10_000

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// Read parses an .xlsx file's bytes into a mapping.Workbook. name is used in
// errors, which wrap the sentinel errors of this package and are one line
// each: `read NAME: [sheet "S" cell C: ]reason`. A legacy .xls workbook is
// converted with LibreOffice when its soffice command is on PATH, else it
// fails with ErrLegacyXLS.
//
// A formula cell reads as its cached value. A formula without one (a
// workbook written by a program that does not calculate) is computed with
// excelize's calculation engine; one it cannot compute reads as empty and
// is listed in Sheet.Uncached, so that validation reports it at its cell.
func Read(name string, data []byte, lim Limits) (wb *mapping.Workbook, err error) {
	lim = lim.withDefaults()
	shown := displayName(name)
	// excelize parses untrusted XML; a panic in it must not take the caller
	// down. It is reported as a corrupt file.
	defer func() {
		if r := recover(); r != nil {
			wb, err = nil, fmt.Errorf("read %s: %w: 解析时出错 (parser failed: %s)", shown, ErrCorrupt, oneLine(fmt.Sprint(r)))
		}
	}()
	parts, err := sniff(data, lim)
	if errors.Is(err, ErrLegacyXLS) {
		if data, err = convertLegacy(data); err == nil {
			parts, err = sniff(data, lim)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	wb, ok, err := readFast(name, shown, parts, lim)
	if !ok {
		wb, err = readExcelize(name, shown, parts, lim)
	}
	if err != nil {
		return nil, err
	}
	packageFlags(wb, parts)
	return wb, nil
}

// maxExternalLinks is the most external links packageFlags lists.
const maxExternalLinks = 20

// packageFlags records on wb what its package holds beside cells: macros
// (a VBA project xl/vbaProject.bin, a workbook part of a macro-enabled
// type, Excel 4.0 macro sheets) and external links (the parts of
// xl/externalLinks, each by the target of its relationship, the linked
// file as the workbook names it, or else by its own name).
func packageFlags(wb *mapping.Workbook, parts *zipParts) {
	for _, zf := range parts.zr.File {
		n := lowerName(strings.ReplaceAll(zf.Name, "\\", "/"))
		switch {
		case path.Base(n) == "vbaproject.bin", strings.HasPrefix(n, "xl/macrosheets/"):
			wb.Macros = true
		case n == "[content_types].xml":
			if b, ok := parts.bytes[zf]; ok && containsLower(b, "macroenabled.main+xml") {
				wb.Macros = true
			}
		case strings.HasPrefix(n, "xl/externallinks/") && !strings.Contains(n[len("xl/externallinks/"):], "/") &&
			strings.HasSuffix(n, ".xml") && len(wb.ExternalLinks) < maxExternalLinks:
			wb.ExternalLinks = append(wb.ExternalLinks, externalTarget(parts, zf.Name))
		}
	}
}

// externalTarget is the file an external link part links to: the target of
// its relationship, or the part's own name.
func externalTarget(parts *zipParts, name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	relsName := path.Dir(name) + "/_rels/" + path.Base(name) + ".rels"
	for _, zf := range parts.zr.File {
		if !strings.EqualFold(strings.ReplaceAll(zf.Name, "\\", "/"), relsName) {
			continue
		}
		var rels xRels
		if b, ok := parts.bytes[zf]; ok && xml.Unmarshal(b, &rels) == nil {
			for _, r := range rels.Rels {
				if strings.HasSuffix(r.Type, "/externalLinkPath") && r.Target != "" {
					return oneLine(r.Target)
				}
			}
		}
	}
	return oneLine(name)
}

// openExcelize opens a workbook with excelize within lim.
func openExcelize(data []byte, lim Limits) (*excelize.File, error) {
	return excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipBytes, UnzipXMLSizeLimit: min(lim.MaxUnzipBytes, 16<<20),
	})
}

// readExcelize is Read with excelize, for the workbooks readFast leaves;
// parts are the workbook's as sniff kept them.
func readExcelize(name, shown string, parts *zipParts, lim Limits) (*mapping.Workbook, error) {
	if err := parts.forExcelize(lim); err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	f, err := openExcelize(parts.data, lim)
	if err != nil {
		// sniff found a zip with a workbook part: its content is damaged.
		return nil, fmt.Errorf("read %s: %w: %s", shown, ErrCorrupt, oneLine(err.Error()))
	}
	defer f.Close()
	calc := &calcBook{parts: parts, lim: lim}
	defer calc.close()
	wb := &mapping.Workbook{Name: name, Props: readProps(f)}
	t := &tally{lim: lim}
	for _, sn := range f.GetSheetList() {
		s, err := readSheet(f, sn, parts, calc, t)
		if err != nil {
			return nil, fmt.Errorf("read %s: sheet %q%w", shown, sn, err)
		}
		if visible, err := f.GetSheetVisible(sn); err == nil {
			s.Hidden = !visible
		}
		wb.Sheets = append(wb.Sheets, s)
	}
	if t.cells == 0 {
		return nil, fmt.Errorf("read %s: %w: 工作簿中没有任何内容 (no cell has a value)", shown, ErrEmpty)
	}
	return wb, nil
}

// zipParts is a workbook's zip as sniff checked it: its entries, and the
// decompressed bytes of those up to fastPartLimit.
type zipParts struct {
	data  []byte
	zr    *zip.Reader
	bytes map[*zip.File][]byte
	// shared are the entries also kept in sharedParts.
	shared map[*zip.File]*sharedPart
	// sharedStrings is how many string items (si) the shared strings
	// table has, at most (a tag in a comment counts too).
	sharedStrings int
	// forExcelize's result, once checked.
	excelizeChecked bool
	excelizeErr     error
}

// has reports whether the zip has an entry named name, its backslashes
// read as slashes.
func (p *zipParts) has(name string) bool {
	for _, zf := range p.zr.File {
		if strings.ReplaceAll(zf.Name, "\\", "/") == name {
			return true
		}
	}
	return false
}

// part returns the kept bytes of the entry named name, its backslashes
// read as slashes.
func (p *zipParts) part(name string) ([]byte, bool) {
	for _, zf := range p.zr.File {
		if strings.ReplaceAll(zf.Name, "\\", "/") == name {
			b, ok := p.bytes[zf]
			return b, ok
		}
	}
	return nil, false
}

// sniff classifies the bytes before excelize sees them, and checks that the
// zip's entries decompress to what they declare within lim.MaxUnzipBytes.
// It keeps what it decompressed for the fast path.
func sniff(data []byte, lim Limits) (*zipParts, error) { return sniffWith(data, lim, true) }

// sniffWith is sniff, inflating with a zipInflater where pooled, else
// with archive/zip's own decompressor (as the tests compare them).
func sniffWith(data []byte, lim Limits, pooled bool) (*zipParts, error) {
	switch {
	case len(data) == 0:
		return nil, ErrEmpty
	case int64(len(data)) > lim.MaxFileBytes:
		return nil, fmt.Errorf("%w: %d > %d bytes", ErrTooLarge, len(data), lim.MaxFileBytes)
	case bytes.HasPrefix(data, oleMagic):
		return nil, classifyOLE(data)
	case !bytes.HasPrefix(data, zipMagic):
		return nil, fmt.Errorf("%w%s", ErrNotWorkbook, textHint(data))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: 文件不完整或已损坏 (%v)", ErrNotWorkbook, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("%w: 压缩包内文件过多 (%d entries, limit %d)", ErrTooLarge, len(zr.File), maxZipEntries)
	}
	var total uint64
	var hasWorkbook, hasBinary, isODF bool
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		switch lowerName(zf.Name) {
		case "xl/workbook.xml":
			hasWorkbook = true
		case "xl/workbook.bin":
			hasBinary = true
		case "mimetype", "content.xml":
			isODF = true
		}
	}
	switch {
	case hasBinary && !hasWorkbook:
		return nil, fmt.Errorf("%w: 二进制工作簿(.xlsb)，请另存为.xlsx (an .xlsb workbook; save as .xlsx)", ErrNotXLSX)
	case isODF && !hasWorkbook:
		return nil, fmt.Errorf("%w: OpenDocument表格(.ods)，请另存为.xlsx (an .ods spreadsheet; save as .xlsx)", ErrNotXLSX)
	case !hasWorkbook:
		return nil, ErrNotXLSX
	}
	if total > uint64(lim.MaxUnzipBytes) {
		return nil, fmt.Errorf("%w: 解压后 %d 字节，上限 %d (expands to %d bytes, limit %d)", ErrTooLarge, total, lim.MaxUnzipBytes, total, lim.MaxUnzipBytes)
	}
	// The sizes above are what the zip claims. excelize trusts them and
	// ignores read errors, so decompress every entry once here: archive/zip
	// stops at an entry's declared size and checks its CRC, so this bounds
	// the work and memory and catches forged or corrupt entries.
	// An entry checked before for another workbook is taken from
	// sharedParts (partcache.go).
	parts := &zipParts{data: data, zr: zr, bytes: make(map[*zip.File][]byte, len(zr.File))}
	if pooled {
		inflater := newZipInflater(data)
		defer inflater.release()
		zr.RegisterDecompressor(zip.Deflate, inflater.open)
	}
	for _, zf := range zr.File {
		b, n, sp, err := checkEntry(data, zf, lim)
		if err != nil {
			return nil, err
		}
		if b != nil {
			parts.bytes[zf] = b
		}
		if sp != nil {
			if parts.shared == nil {
				parts.shared = map[*zip.File]*sharedPart{}
			}
			parts.shared[zf] = sp
		}
		if strings.EqualFold(strings.ReplaceAll(zf.Name, "\\", "/"), pathSharedStrings) {
			parts.sharedStrings = n
		}
	}
	if err := parts.check(lim); err != nil {
		return nil, err
	}
	return parts, nil
}

// check bounds the parts that both of Read's paths read whole before any
// cell, before either parses them (excelize would allocate for each entry
// before a limit could apply): no part may declare a document type or
// entities; the shared strings table holds at most lim.MaxSharedStrings
// entries and each list of styles.xml at most lim.MaxStyles, and neither
// may be larger than the parts sniff keeps. What only excelize's model
// costs is bounded before it opens the workbook (forExcelize).
func (p *zipParts) check(lim Limits) error {
	for _, zf := range p.zr.File {
		b, kept := p.bytes[zf]
		declares := kept && declaresEntities(b)
		if sp := p.shared[zf]; sp != nil {
			declares = kept && sp.entities // found once for all workbooks
		}
		if declares {
			return fmt.Errorf("%w: %s", ErrUnsafeXML, oneLine(zf.Name))
		}
	}
	for _, zf := range p.zr.File {
		b, kept := p.bytes[zf]
		var err error
		switch lowerName(strings.ReplaceAll(zf.Name, "\\", "/")) {
		case "xl/sharedstrings.xml":
			err = countSharedStrings(p.sharedStrings, kept, lim.MaxSharedStrings, -1)
		case "xl/styles.xml":
			if sp := p.shared[zf]; sp != nil {
				err, _ = sp.derived(countStylesKey{lim.MaxStyles}, func() any { return countStyles(b, kept, lim.MaxStyles) }).(error)
			} else {
				err = countStyles(b, kept, lim.MaxStyles)
			}
		}
		if err != nil {
			return fmt.Errorf("%w: %s %v", ErrTooLarge, oneLine(zf.Name), err)
		}
	}
	return nil
}

// excelizeBound is an error of forExcelize: a workbook whose parts would
// cost excelize's model too much, which the fast path may read within its
// bounds (CheckReadPaths does not count it as the paths differing).
type excelizeBound struct{ err error }

func (e excelizeBound) Error() string { return e.err.Error() }
func (e excelizeBound) Unwrap() error { return e.err }

// forExcelize bounds, once, what excelize's model of the workbook would
// cost beyond what both paths bound: the worksheets' every c element
// (extent), and shared strings that no cell may use, at most
// sharedStringsFloor more than the cells of type s (excelize takes about a
// kilobyte and 10 µs to read each string; the fast path 16 bytes). The
// excelize path and the calculation engine (calcBook) call it before
// opening the workbook; its errors are excelizeBound.
func (p *zipParts) forExcelize(lim Limits) error {
	if p.excelizeChecked {
		return p.excelizeErr
	}
	p.excelizeChecked = true
	e := &extent{lim: lim}
	names, sheets := p.sheetParts()
	err := e.check(p, names, sheets)
	if err == nil && e.complete && p.sharedStrings > e.strings+sharedStringsFloor {
		for _, zf := range p.zr.File {
			if strings.EqualFold(strings.ReplaceAll(zf.Name, "\\", "/"), pathSharedStrings) {
				err = fmt.Errorf("%w: %s %v", ErrTooLarge, oneLine(zf.Name),
					countSharedStrings(p.sharedStrings, true, e.strings+sharedStringsFloor, e.strings))
			}
		}
	}
	if err != nil {
		p.excelizeErr = excelizeBound{err}
	}
	return p.excelizeErr
}

// declaresEntities reports whether an XML document holds a document type
// or entity declaration (<!DOCTYPE, <!ENTITY). It looks at each '!',
// rare in workbook XML, rather than at each '<'.
func declaresEntities(b []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '!')
		if j < 0 {
			return false
		}
		i += j + 1
		if i >= 2 && b[i-2] == '<' && (bytes.HasPrefix(b[i:], []byte("DOCTYPE")) || bytes.HasPrefix(b[i:], []byte("ENTITY"))) {
			return true
		}
	}
}

// countStylesKey names countStyles' result for a limit of styles among
// what is derived from a shared part.
type countStylesKey struct{ max int }

// countSharedStrings fails when the shared strings table, of n string
// items, holds more than max or was too large to keep; usable is how many
// cells may use one, -1 where they were not counted.
func countSharedStrings(n int, kept bool, max, usable int) error {
	if !kept {
		return fmt.Errorf("超过 %d 字节 (larger than %d bytes)", fastPartLimit, fastPartLimit)
	}
	switch {
	case n > max && usable < 0:
		return fmt.Errorf("含有超过 %d 个共享字符串 (more than %d shared strings)", max, max)
	case n > max:
		return fmt.Errorf("含有超过 %d 个共享字符串，而只有 %d 个单元格可以使用共享字符串 (more than %d shared strings for %d cells that may use one)", max, usable, max, usable)
	}
	return nil
}

// countStyles fails when a list of styles.xml b (the children of one of
// its elements, such as cellXfs) has more than max entries, the part more
// than 16 × max elements, or it was too large to keep.
func countStyles(b []byte, kept bool, max int) error {
	if !kept {
		return fmt.Errorf("超过 %d 字节 (larger than %d bytes)", fastPartLimit, fastPartLimit)
	}
	var list []byte
	n, all := 0, 0
	tagWalk(b, func(depth int, local []byte) bool {
		all++
		switch depth {
		case 2:
			list, n = local, 0
		case 3:
			n++
		}
		return n <= max && all <= 16*max
	})
	if n > max {
		return fmt.Errorf("的 %s 含有超过 %d 项样式 (more than %d entries in %s)", list, max, max, list)
	}
	if all > 16*max {
		return fmt.Errorf("含有超过 %d 个元素 (more than %d elements)", 16*max, 16*max)
	}
	return nil
}

// lowerName is strings.ToLower of a zip entry's name, without allocating
// for the names of parts a workbook usually has.
func lowerName(name string) string {
	switch name {
	case pathContentTypes:
		return "[content_types].xml"
	case pathSharedStrings:
		return "xl/sharedstrings.xml"
	}
	return strings.ToLower(name)
}

// containsLower reports whether bytes.ToLower(b) contains sub, which is
// lower-case ASCII, without lowering a copy of b when b is ASCII.
func containsLower(b []byte, sub string) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return bytes.Contains(bytes.ToLower(b), []byte(sub))
		}
	}
	for i := 0; i+len(sub) <= len(b); i++ {
		if asciiLower(b[i]) == sub[0] && bytes.EqualFold(b[i:i+len(sub)], []byte(sub)) {
			return true
		}
	}
	return false
}

// asciiLower is an ASCII byte in lower case.
func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// keepPart reports whether sniff keeps an entry's bytes for the fast path:
// the XML parts up to fastPartLimit (not images or other binary parts).
func keepPart(zf *zip.File) bool {
	n := lowerName(zf.Name)
	return zf.UncompressedSize64 <= fastPartLimit && (strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels"))
}

// checkEntry decompresses one zip entry of the zip of data and classifies
// what goes wrong: more data than declared is ErrTooLarge, anything else
// ErrCorrupt. It returns the bytes of an XML part (keepPart). The styles
// part may be at most maxStyleBytes per style of lim.MaxStyles, and it and
// the shared strings table are counted as they are decompressed, so that a
// table of millions stops at its limit instead of being held whole
// (zipParts.check counts exactly). An entry kept in sharedParts is not
// decompressed again; sp is the entry there, nil for none.
func checkEntry(data []byte, zf *zip.File, lim Limits) (b []byte, count int, sp *sharedPart, err error) {
	name := lowerName(strings.ReplaceAll(zf.Name, "\\", "/"))
	if max := uint64(lim.MaxStyles) * maxStyleBytes; name == "xl/styles.xml" && zf.UncompressedSize64 > max {
		return nil, 0, nil, fmt.Errorf("%w: %s 超过 %d 字节，单元格样式过多 (larger than %d bytes: too many styles)", ErrTooLarge, oneLine(zf.Name), max, max)
	}
	tooManyStyles := func() error {
		return fmt.Errorf("%w: %s 含有超过 %d 个单元格样式 (more than %d cell styles)", ErrTooLarge, oneLine(zf.Name), 2*lim.MaxStyles, 2*lim.MaxStyles)
	}
	// An entry checked before: readCounting would have stopped at the
	// same count.
	if sp = lookupShared(data, zf); sp != nil {
		if keepPart(zf) && name == "xl/styles.xml" && sp.count > 2*lim.MaxStyles {
			return nil, 0, nil, tooManyStyles()
		}
		return sp.b, sp.count, sp, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, oneLine(zf.Name), err)
	}
	defer rc.Close()
	switch {
	case keepPart(zf) && name == "xl/sharedstrings.xml":
		b, count, err = readCounting(rc, zf.UncompressedSize64, "si", lim.MaxSharedStrings)
		if errors.Is(err, errTooMany) {
			return nil, 0, nil, fmt.Errorf("%w: %s 含有超过 %d 个共享字符串 (more than %d shared strings)", ErrTooLarge, oneLine(zf.Name), lim.MaxSharedStrings, lim.MaxSharedStrings)
		}
	case keepPart(zf) && name == "xl/styles.xml":
		// Cell styles are the xf of cellXfs and of cellStyleXfs.
		b, count, err = readCounting(rc, zf.UncompressedSize64, "xf", 2*lim.MaxStyles)
		if errors.Is(err, errTooMany) {
			return nil, 0, nil, tooManyStyles()
		}
	case keepPart(zf):
		buf := bytes.NewBuffer(make([]byte, 0, zf.UncompressedSize64+bytes.MinRead))
		_, err = buf.ReadFrom(rc)
		b = buf.Bytes()
	default:
		_, err = io.Copy(io.Discard, rc)
	}
	switch {
	case err == nil:
		return b, count, keepShared(data, zf, b, count), nil
	case errors.Is(err, zip.ErrFormat) && expandsBeyond(zf):
		return nil, 0, nil, fmt.Errorf("%w: %s 解压后超过其声明的 %d 字节 (expands beyond its declared size)", ErrTooLarge, oneLine(zf.Name), zf.UncompressedSize64)
	default:
		return nil, 0, nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, oneLine(zf.Name), err)
	}
}

// maxStyleBytes is how many bytes of styles.xml Limits.MaxStyles allows
// per style: 32 MB for the default 64,000, where Excel writes about 100
// to 200 bytes for each.
const maxStyleBytes = 512

// errTooMany stops readCounting.
var errTooMany = errors.New("too many elements")

// readCounting reads r whole into a buffer of size bytes, as
// bytes.Buffer.ReadFrom does, counting the start tags named local (any
// prefix) as it goes: errTooMany once there are more than max, before the
// rest is read (the pages of the buffer not yet written cost no memory).
// The count it returns is an upper bound of the elements (a tag in a
// comment counts).
func readCounting(r io.Reader, size uint64, local string, max int) ([]byte, int, error) {
	const longest = 32 // a longer name is not local
	b := make([]byte, 0, size+bytes.MinRead)
	n, from := 0, 0
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		k, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+k]
		for {
			i := bytes.IndexByte(b[from:], '<')
			if i < 0 {
				from = len(b)
				break
			}
			p := from + i + 1
			j := p
			for j < len(b) && j-p <= longest && !isSpace(b[j]) && b[j] != '>' && b[j] != '/' {
				j++
			}
			if j == len(b) && j-p <= longest && err == nil {
				from = p - 1 // the name may go on in the next read
				break
			}
			from = p
			name := b[p:j]
			if c := bytes.IndexByte(name, ':'); c >= 0 {
				name = name[c+1:]
			}
			if string(name) == local {
				if n++; n > max {
					return nil, n, errTooMany
				}
			}
		}
		if err == io.EOF {
			return b, n, nil
		}
		if err != nil {
			return b, n, err
		}
	}
}

// expandsBeyond tells whether a stored or deflated entry holds more data
// than its declared size, decompressing at most one byte more than that.
func expandsBeyond(zf *zip.File) bool {
	raw, err := zf.OpenRaw()
	if err != nil {
		return false
	}
	var r io.Reader
	switch zf.Method {
	case zip.Store:
		r = raw
	case zip.Deflate:
		fr := flate.NewReader(raw)
		defer fr.Close()
		r = fr
	default:
		return false
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, int64(min(zf.UncompressedSize64, 1<<62))+1))
	return uint64(n) > zf.UncompressedSize64
}

// textHint says what a file that is not a zip seems to be, for the common
// cases of web pages and XML saved with an .xls name.
func textHint(data []byte) string {
	head := data[:min(len(data), 512)]
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	lower := bytes.ToLower(bytes.TrimSpace(head))
	switch {
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) || bytes.Contains(lower, []byte("<table")):
		return ": 这是网页(HTML)文件，请用Excel打开后另存为.xlsx (an HTML page; open it in Excel and save as .xlsx)"
	case bytes.HasPrefix(lower, []byte("<?xml")):
		return ": 这是XML文件，请用Excel打开后另存为.xlsx (an XML file; open it in Excel and save as .xlsx)"
	}
	return ""
}

// classifyOLE tells an encrypted .xlsx from a legacy .xls: both are OLE
// compound files.
func classifyOLE(data []byte) error {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: 复合文档已损坏 (broken OLE compound file)", ErrNotWorkbook)
	}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return ErrEncrypted
		case "Workbook", "Book":
			return ErrLegacyXLS
		}
	}
	return fmt.Errorf("%w: 是Office复合文档但不是Excel工作簿 (an OLE compound file without a workbook)", ErrNotWorkbook)
}

// sofficeCommands are the LibreOffice commands tried, in order, to convert a
// legacy .xls workbook; tests empty it to act as a machine without one.
var sofficeCommands = []string{"soffice", "libreoffice"}

// convertTimeout bounds one LibreOffice conversion.
var convertTimeout = 60 * time.Second

// convertSlots bounds the LibreOffice processes run at once.
var convertSlots = make(chan struct{}, 2)

// convertLegacy turns a legacy .xls workbook into .xlsx bytes with
// LibreOffice in a temporary directory. Its errors wrap ErrLegacyXLS, whose
// message asks to save the file as .xlsx.
func convertLegacy(data []byte) ([]byte, error) {
	bin := ""
	for _, c := range sofficeCommands {
		if p, err := exec.LookPath(c); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return nil, ErrLegacyXLS
	}
	convertSlots <- struct{}{}
	defer func() { <-convertSlots }()
	dir, err := os.MkdirTemp("", "jxsync-xls-")
	if err != nil {
		return nil, fmt.Errorf("%w: 无法转换 (cannot convert: %v)", ErrLegacyXLS, err)
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.xls"), filepath.Join(dir, "out")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("%w: 无法转换 (cannot convert: %v)", ErrLegacyXLS, err)
	}
	profile := filepath.ToSlash(filepath.Join(dir, "profile"))
	if !strings.HasPrefix(profile, "/") {
		profile = "/" + profile // C:/... on Windows
	}
	ctx, cancel := context.WithTimeout(context.Background(), convertTimeout)
	defer cancel()
	// The import filter is named: left to detect the type, LibreOffice
	// reads a damaged .xls as a text file and "converts" its bytes.
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation="+(&url.URL{Scheme: "file", Path: profile}).String(),
		"--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
		"--infilter="+legacyFilter(data), "--convert-to", "xlsx", "--outdir", out, in)
	cmd.Dir = dir
	// SIGTERM lets LibreOffice's launcher take its soffice.bin child down;
	// where signals are not supported, WaitDelay kills the launcher.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var msg limitedBuffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: LibreOffice转换超时 (conversion timed out after %s)", ErrLegacyXLS, convertTimeout)
	}
	xlsx, err := os.ReadFile(filepath.Join(out, "in.xlsx"))
	if err != nil || len(xlsx) == 0 {
		why := lastLine(msg.String())
		if runErr != nil {
			why = runErr.Error() + " " + why
		}
		return nil, fmt.Errorf("%w: LibreOffice转换失败 (conversion failed: %s)", ErrLegacyXLS, oneLine(why))
	}
	return xlsx, nil
}

// legacyFilter names LibreOffice's import filter for a legacy workbook:
// Excel 97-2003 keeps it in a Workbook stream, Excel 5.0/95 in a Book one.
func legacyFilter(data []byte) string {
	if doc, err := mscfb.New(bytes.NewReader(data)); err == nil {
		for e, err := doc.Next(); err == nil; e, err = doc.Next() {
			if e.Name == "Workbook" {
				return "MS Excel 97"
			}
			if e.Name == "Book" {
				return "MS Excel 95"
			}
		}
	}
	return "MS Excel 97"
}

// limitedBuffer keeps the first 4 KiB written to it.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// tally counts what has been kept of a workbook against its limits.
type tally struct {
	lim   Limits
	cells int // non-empty cells
	area  int // rows and cell positions, empty or not
	// slab is where addRow takes the cells of rows from, so that a form's
	// rows of a few cells each take a few allocations, not one each.
	slab []mapping.Cell
}

// slabCells is the size of the slabs of tally (2 KB): a row of more than a
// quarter of it is allocated on its own, so that at most a quarter of a
// slab is left unused before the next, and at most one slab after the
// last row.
const slabCells = 64

// row returns n zero cells for a row, from the slab: the rows share the
// slab's array, each with its own length and capacity, so that an append
// to one copies it rather than writing into the next.
func (t *tally) row(n int) []mapping.Cell {
	if n > len(t.slab) {
		if n > slabCells/4 {
			return make([]mapping.Cell, n) // a long row is its own
		}
		t.slab = make([]mapping.Cell, slabCells)
	}
	cells := t.slab[:n:n]
	t.slab = t.slab[n:]
	return cells
}

// addRow appends row r (0-based, as excelize's GetRows numbers them) of s
// from its displayed texts and raw values, after the empty rows before it.
// A row without text is not kept. Its errors start with the cell where a
// limit is passed.
func (t *tally) addRow(s *mapping.Sheet, r int, text, vals []string) error {
	if len(text) == 0 {
		return nil
	}
	t.area += r + 1 - len(s.Rows) + len(text)
	if err := t.checkArea(r, text); err != nil {
		return err
	}
	for len(s.Rows) < r {
		s.Rows = append(s.Rows, make([]mapping.Cell, 0)) // as GetRows' empty rows were
	}
	cells := t.row(len(text))
	for c, v := range text {
		if v == "" {
			continue
		}
		if err := t.count(r, c); err != nil {
			return err
		}
		cells[c] = mapping.Cell{Text: v, Raw: v}
		if c < len(vals) {
			cells[c].Raw = vals[c]
		}
	}
	s.Rows = append(s.Rows, cells)
	return nil
}

// checkArea checks the area after adding row r (0-based) of texts text,
// before it is kept: against lim.MaxArea, and against sparseRatio
// positions per non-empty cell past sparseFloor (sparseError).
func (t *tally) checkArea(r int, text []string) error {
	cells := t.cells
	for _, v := range text {
		if v != "" {
			cells++
		}
	}
	return areaError(t.lim, t.area, cells, r, len(text)-1)
}

// areaError fails when area positions for cells non-empty cells are too
// many: past sparseFloor, fewer than one cell in sparseRatio (the error
// names the cell at row r and column c, 0-based, the last of the row that
// made it so, as too far from the rest), or more than lim.MaxArea.
func areaError(lim Limits, area, cells, r, c int) error {
	if area > sparseFloor && area > sparseRatio*cells {
		last := mapping.CellName(r, c)
		return fmt.Errorf(" cell %s: %w: 单元格 %s 离表格主体太远，表格占用 %d 个位置而只有 %d 个单元格；请删除远处的单元格后重新上传 (cell %s is far from the rest: %d positions for %d cells)",
			last, ErrTooLarge, last, area, cells, last, area, cells)
	}
	if area > lim.MaxArea {
		return fmt.Errorf(" cell %s: %w: 表格范围过大，超过 %d 个位置 (the used range exceeds %d rows and cells)",
			mapping.CellName(r, c), ErrTooLarge, lim.MaxArea, lim.MaxArea)
	}
	return nil
}

// extent bounds what the worksheets' XML would cost excelize's model
// beyond the cells with values, which tally bounds as either path streams
// them, before the model is built (by GetMergeCells on the excelize path,
// by the calculation engine on both): the model holds every c element
// (about 190 bytes), empty formatted ones too, and fills a row with one at
// every position up to its last, so that 480 empty formatted cells in
// column XFD would cost it 1.5 GB. The positions of all c elements are
// bounded as sparse (areaError without MaxArea), and the empty ones
// (<c …/> or <c …></c>) by a quarter of lim.MaxArea (about 95 MB of
// model at the default).
type extent struct {
	lim                Limits
	area, cells, empty int
	// strings counts the cells of type s (that may use a shared string);
	// complete tells whether every worksheet was kept to be counted.
	strings  int
	complete bool
}

// scan adds the rows and c elements of a worksheet's XML b, failing where
// they are sparse after a row, or at the empty cell past the bound. It
// looks only at the names of tags, and at the attributes of row and c
// elements, at any depth (no other element of a worksheet has those
// names); comments and CDATA sections are skipped.
func (e *extent) scan(b []byte) error {
	var err error
	row, counted, col, last := 0, 0, 0, 0 // 1-based; last: the row's last column
	flush := func() bool {
		if last == 0 {
			return true
		}
		e.area += row - counted + last
		if e.area > sparseFloor && e.area > sparseRatio*e.cells {
			err = areaError(e.lim, e.area, e.cells, row-1, last-1)
		}
		counted, last = row, 0
		return err == nil
	}
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 || i+j+1 >= len(b) {
			break
		}
		i += j + 1
		rest := b[i:]
		if rest[0] == '!' {
			end := -1
			switch {
			case bytes.HasPrefix(rest, []byte("!--")):
				end = after(rest, 3, "-->")
			case bytes.HasPrefix(rest, []byte("![CDATA[")):
				end = after(rest, 8, "]]>")
			}
			if end < 0 {
				break
			}
			i += end + 1
			continue
		}
		n := 0
		for n < len(rest) && n <= 16 && !isSpace(rest[n]) && rest[n] != '>' && rest[n] != '/' {
			n++
		}
		name := rest[:n]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		isRow := string(name) == "row"
		if !isRow && string(name) != "c" {
			i += n
			continue
		}
		end := tagEnd(rest, n)
		if end < 0 {
			break
		}
		attrs := rest[n:end]
		i += end + 1
		if isRow {
			if !flush() {
				return err
			}
			row++
			if v, ok := rawAttr(attrs, "r"); ok {
				if r, err := strconv.Atoi(string(v)); err == nil && r > 0 {
					row = r
				}
			}
			col = 0
			continue
		}
		e.cells++
		col++
		if v, ok := rawAttr(attrs, "r"); ok {
			if c := refColumn(v); c > 0 {
				col = c
			}
		}
		last = max(last, col)
		if v, ok := rawAttr(attrs, "t"); ok && string(v) == "s" {
			e.strings++
		}
		// Empty: <c …/>, or <c …> followed by its end tag.
		empty := len(attrs) > 0 && attrs[len(attrs)-1] == '/'
		if !empty {
			k := i
			for k < len(b) && isSpace(b[k]) {
				k++
			}
			empty = k+1 < len(b) && b[k] == '<' && b[k+1] == '/'
		}
		if empty {
			if e.empty++; e.empty > e.lim.MaxArea/4 {
				return fmt.Errorf(" cell %s: %w: 空的有格式单元格超过 %d 个 (more than %d empty formatted cells)",
					mapping.CellName(max(row, 1)-1, col-1), ErrTooLarge, e.lim.MaxArea/4, e.lim.MaxArea/4)
			}
		}
	}
	flush()
	return err
}

// refColumn is the 1-based column of a cell reference's letters, 0 for
// none or more than Excel's columns.
func refColumn(ref []byte) int {
	c := 0
	for _, ch := range ref {
		if ch < 'A' || ch > 'Z' {
			break
		}
		if c = c*26 + int(ch-'A'+1); c > excelize.MaxColumns {
			return 0
		}
	}
	return c
}

// sheetParts lists the workbook's worksheet parts in its order, each with
// its sheet's name, from xl/workbook.xml and its relationships.
func (p *zipParts) sheetParts() (names, paths []string) {
	var book xWorkbook
	var rels xRels
	wb, _ := p.part("xl/workbook.xml")
	rb, _ := p.part("xl/_rels/workbook.xml.rels")
	if xml.Unmarshal(wb, &book) != nil || xml.Unmarshal(rb, &rels) != nil {
		return nil, nil
	}
	for _, sh := range book.Sheets.Sheet {
		for _, r := range rels.Rels {
			if r.ID == sh.ID {
				t := strings.ReplaceAll(r.Target, "\\", "/")
				if strings.HasPrefix(t, "/") {
					t = path.Clean(t)[1:]
				} else {
					t = path.Clean("xl/" + t)
				}
				names, paths = append(names, sh.Name), append(paths, t)
			}
		}
	}
	return names, paths
}

// check scans the workbook's worksheets (scan), sheet by sheet in its
// order (names and paths, as sheetParts gives them); a part of
// xl/worksheets the workbook does not name (or all of them, where its
// parts do not parse) is named by its path.
func (e *extent) check(p *zipParts, names, paths []string) error {
	names, paths = slices.Clone(names), slices.Clone(paths)
	seen := map[string]bool{}
	for _, zf := range p.zr.File {
		n := strings.ReplaceAll(zf.Name, "\\", "/")
		if strings.HasPrefix(strings.ToLower(n), "xl/worksheets/") && !slices.ContainsFunc(paths, func(q string) bool { return strings.EqualFold(q, n) }) {
			names, paths = append(names, ""), append(paths, n)
		}
	}
	e.complete = true
	for i, q := range paths {
		if seen[strings.ToLower(q)] {
			continue
		}
		seen[strings.ToLower(q)] = true
		b, ok := p.part(q)
		if !ok {
			e.complete = e.complete && !p.has(q)
			continue
		}
		if err := e.scan(b); err != nil {
			if names[i] == "" {
				return fmt.Errorf("%s%w", oneLine(q), err)
			}
			return fmt.Errorf("sheet %q%w", names[i], err)
		}
	}
	return nil
}

// count counts one more non-empty cell, at row r and column c (0-based).
func (t *tally) count(r, c int) error {
	t.cells++
	if t.cells > t.lim.MaxCells {
		return fmt.Errorf(" cell %s: %w: 非空单元格超过 %d 个 (more than %d non-empty cells)",
			mapping.CellName(r, c), ErrTooLarge, t.lim.MaxCells, t.lim.MaxCells)
	}
	return nil
}

// readSheet reads one sheet's displayed and raw values and its merges. It
// streams the rows (two iterators in step: one for the displayed text, one
// for the raw values) so that a sheet over the limits stops at the first
// cell past them instead of being read whole. Its errors start with the
// cell or row where they occur.
func readSheet(f *excelize.File, name string, parts *zipParts, calc *calcBook, t *tally) (*mapping.Sheet, error) {
	shown, err := f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf(": %w: %s", ErrCorrupt, oneLine(err.Error()))
	}
	defer shown.Close()
	raw, err := f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf(": %w: %s", ErrCorrupt, oneLine(err.Error()))
	}
	defer raw.Close()
	s := &mapping.Sheet{Name: name}
	// r is the 0-based row as excelize's GetRows numbers them: one per
	// Next, a row's r attribute moving it down.
	for r := 0; shown.Next(); r++ {
		raw.Next()
		text, err := shown.Columns()
		if err != nil {
			return nil, fmt.Errorf(" row %d: %w: %s", r+1, ErrCorrupt, oneLine(err.Error()))
		}
		vals, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf(" row %d: %w: %s", r+1, ErrCorrupt, oneLine(err.Error()))
		}
		if err := t.addRow(s, r, text, vals); err != nil {
			return nil, err
		}
	}
	if err := shown.Error(); err != nil {
		return nil, fmt.Errorf(": %w: %s", ErrCorrupt, oneLine(err.Error()))
	}
	merges, err := f.GetMergeCells(name, true)
	if err != nil && len(s.Rows) == 0 && strings.HasSuffix(err.Error(), "is not a worksheet") {
		err = nil // a chart sheet: no cells, no merges
	}
	if err != nil {
		return nil, fmt.Errorf(": %w: 合并单元格 (merged cells): %s", ErrCorrupt, oneLine(err.Error()))
	}
	for _, m := range merges {
		top, left, err1 := mapping.ParseCellName(m.GetStartAxis())
		bottom, right, err2 := mapping.ParseCellName(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		s.Merges = append(s.Merges, mapping.Range{Top: top, Left: left, Bottom: bottom, Right: right})
	}
	if err := readVisibility(f, name, s); err != nil {
		return nil, fmt.Errorf(": %w: 隐藏的行列 (hidden rows and columns): %s", ErrCorrupt, oneLine(err.Error()))
	}
	if cells := sheetFormulaCells(f, s, parts); len(cells) > 0 {
		cf, err := calc.file()
		if err != nil {
			return nil, fmt.Errorf(": %w: %s", ErrCorrupt, oneLine(err.Error()))
		}
		if err := calcUncached(cf, s, cells, t); err != nil {
			return nil, err
		}
	}
	// GetMergeCells parsed the whole sheet into excelize's model, which it
	// keeps; drop it so that sheets are not all held at once.
	f.Sheet.Clear()
	return s, nil
}

// readVisibility fills s.HiddenCols and s.HiddenRows from the worksheet
// excelize holds parsed (the one readSheet is at), within the sheet's used
// range: GetColVisible for each column up to its width, GetRowVisible for
// each of its rows. Each GetColVisible looks through all col elements: the
// work is their number times the width (at most 16384), a few times what
// excelize spends parsing them; the fast path's hiddenColumns is linear.
func readVisibility(f *excelize.File, name string, s *mapping.Sheet) error {
	if len(s.Rows) == 0 {
		return nil // nothing used (a chart sheet, which excelize does not hold)
	}
	for c := range s.Width() {
		shown, err := f.GetColVisible(name, mapping.ColumnName(c))
		if err != nil {
			return err
		}
		if !shown {
			if s.HiddenCols == nil {
				s.HiddenCols = map[int]bool{}
			}
			s.HiddenCols[c] = true
		}
	}
	for r := range s.Rows {
		shown, err := f.GetRowVisible(name, r+1)
		if err != nil {
			return err
		}
		if !shown {
			if s.HiddenRows == nil {
				s.HiddenRows = map[int]bool{}
			}
			s.HiddenRows[r] = true
		}
	}
	return nil
}

// sheetFormulaCells lists the cells of s, the worksheet excelize holds
// parsed (the one readSheet is at), that hold a formula and read as empty
// (formulaCells). A sheet excelize does not hold (a chart sheet) has none.
func sheetFormulaCells(f *excelize.File, s *mapping.Sheet, parts *zipParts) []cellPos {
	var out []cellPos
	f.Sheet.Range(func(k, _ any) bool {
		p, _ := k.(string)
		b, _ := parts.part(p)
		out = formulaCells(s, b)
		return false
	})
	return out
}

// displayName is name as errors show it: quoted when it holds control
// characters or bad UTF-8, so that an error stays on one line.
func displayName(name string) string {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return strconv.Quote(name)
	}
	return name
}

// oneLine flattens a foreign error text to one line of at most 300 runes.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}
