// Package template reads and writes workbooks with excelize: it turns an
// .xlsx file into the mapping package's Workbook view and builds the
// official form templates. It is the only package that imports excelize.
package template

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// Limits bounds what Read accepts, so that a zip bomb or a sheet with a
// million rows fails with a message instead of exhausting memory.
type Limits struct {
	// MaxFileBytes is the largest file accepted. Default 50 MiB.
	MaxFileBytes int64
	// MaxUnzipBytes is the most the workbook may expand to. Default 200 MiB.
	MaxUnzipBytes int64
	// MaxCells is the most non-empty cells read from all sheets. Default 2,000,000.
	MaxCells int
}

// DefaultLimits are the limits used when a field of Limits is zero.
var DefaultLimits = Limits{MaxFileBytes: 50 << 20, MaxUnzipBytes: 200 << 20, MaxCells: 2_000_000}

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
	return l
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// Read parses an .xlsx file's bytes into a mapping.Workbook. name is used in
// errors, which wrap the sentinel errors of this package.
func Read(name string, data []byte, lim Limits) (*mapping.Workbook, error) {
	lim = lim.withDefaults()
	if err := sniff(data, lim); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipBytes, UnzipXMLSizeLimit: min(lim.MaxUnzipBytes, 16<<20),
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %v", name, ErrNotXLSX, err)
	}
	defer f.Close()
	wb := &mapping.Workbook{Name: name}
	cells := 0
	for _, sn := range f.GetSheetList() {
		s, n, err := readSheet(f, sn, lim.MaxCells-cells)
		if err != nil {
			return nil, fmt.Errorf("read %s: sheet %q: %w", name, sn, err)
		}
		cells += n
		wb.Sheets = append(wb.Sheets, s)
	}
	if cells == 0 {
		return nil, fmt.Errorf("read %s: %w: 工作簿中没有任何内容 (no cell has a value)", name, ErrEmpty)
	}
	return wb, nil
}

// sniff classifies the bytes before excelize sees them.
func sniff(data []byte, lim Limits) error {
	switch {
	case len(data) == 0:
		return ErrEmpty
	case int64(len(data)) > lim.MaxFileBytes:
		return fmt.Errorf("%w: %d > %d bytes", ErrTooLarge, len(data), lim.MaxFileBytes)
	case bytes.HasPrefix(data, oleMagic):
		return classifyOLE(data)
	case !bytes.HasPrefix(data, zipMagic):
		return ErrNotWorkbook
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotWorkbook, err)
	}
	var total uint64
	hasWorkbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if strings.EqualFold(zf.Name, "xl/workbook.xml") || strings.EqualFold(zf.Name, "xl/workbook.bin") {
			hasWorkbook = true
		}
	}
	if !hasWorkbook {
		return ErrNotXLSX
	}
	if total > uint64(lim.MaxUnzipBytes) {
		return fmt.Errorf("%w: 解压后 %d 字节 (expands to %d bytes, limit %d)", ErrTooLarge, total, total, lim.MaxUnzipBytes)
	}
	return nil
}

// classifyOLE tells an encrypted .xlsx from a legacy .xls: both are OLE
// compound files.
func classifyOLE(data []byte) error {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return ErrNotWorkbook
	}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return ErrEncrypted
		case "Workbook", "Book":
			return ErrLegacyXLS
		}
	}
	return ErrNotWorkbook
}

// readSheet reads one sheet's displayed and raw values and its merges.
func readSheet(f *excelize.File, name string, budget int) (*mapping.Sheet, int, error) {
	shown, err := f.GetRows(name)
	if err != nil {
		return nil, 0, err
	}
	raw, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, err
	}
	s := &mapping.Sheet{Name: name, Rows: make([][]mapping.Cell, len(shown))}
	n := 0
	for r, row := range shown {
		cells := make([]mapping.Cell, len(row))
		for c, text := range row {
			if text == "" {
				continue
			}
			n++
			if n > budget {
				return nil, n, fmt.Errorf("%w: 单元格过多 (more than %d cells)", ErrTooLarge, budget)
			}
			cells[c] = mapping.Cell{Text: text, Raw: text}
			if r < len(raw) && c < len(raw[r]) {
				cells[c].Raw = raw[r][c]
			}
		}
		s.Rows[r] = cells
	}
	merges, err := f.GetMergeCells(name)
	if err != nil {
		return nil, n, err
	}
	for _, m := range merges {
		t, l, err1 := mapping.ParseCellName(m.GetStartAxis())
		b, rt, err2 := mapping.ParseCellName(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		s.Merges = append(s.Merges, mapping.Range{Top: t, Left: l, Bottom: b, Right: rt})
	}
	return s, n, nil
}
