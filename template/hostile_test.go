package template_test

import (
	"bytes"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/bench/hostile"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

// allocated returns how many bytes fn allocates in all (TotalAlloc): a
// bound on its peak heap that does not depend on when the GC runs.
func allocated(fn func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// maxHostileAlloc bounds what reading a hostile workbook may allocate: the
// issue's 100 MB of peak memory for `jxsync validate`, of which the read is
// most.
const maxHostileAlloc = 100 << 20

// TestReadHostileWorkbooks reads the hostile workbooks of bench/hostile:
// each of a few KB to a few hundred, that unbounded would take seconds to
// minutes and gigabytes (480 cells in column XFD: 2.8 GB on the excelize
// path; 3 million unused shared strings: 87 s and 2.5 GB; a million cell
// styles: 37 s on the excelize path; 480 empty formatted cells in XFD:
// 1.5 GB in excelize's model). Each fails with the error and message its
// bound gives, on both of Read's paths (an XML comment sends a workbook to
// excelize), or reads where its cost is only excelize's and the fast path
// reads it, having allocated less than maxHostileAlloc.
func TestReadHostileWorkbooks(t *testing.T) {
	want := map[string]struct {
		err  error
		says string
	}{
		"far-cells.xlsx":         {template.ErrTooLarge, `sheet "Sheet1" cell XFD8: 文件超出大小限制 (file exceeds the size limit): 单元格 XFD8 离表格主体太远`},
		"far-cells-comment.xlsx": {template.ErrTooLarge, `sheet "Sheet1" cell XFD8: 文件超出大小限制 (file exceeds the size limit): 单元格 XFD8 离表格主体太远`},
		// Empty cells cost the fast path nothing: it reads the label.
		"far-styled-cells.xlsx":         {nil, ""},
		"far-styled-cells-comment.xlsx": {template.ErrTooLarge, `sheet "Sheet1" cell XFD9: 文件超出大小限制 (file exceeds the size limit): 单元格 XFD9 离表格主体太远`},
		"shared-strings.xlsx":           {template.ErrTooLarge, "xl/sharedStrings.xml 含有超过 1000000 个共享字符串"},
		"shared-strings-comment.xlsx":   {template.ErrTooLarge, "xl/sharedStrings.xml 含有超过 1000000 个共享字符串"},
		"styles.xlsx":                   {template.ErrTooLarge, "xl/styles.xml 超过 32768000 字节，单元格样式过多"},
		"styles-comment.xlsx":           {template.ErrTooLarge, "xl/styles.xml 超过 32768000 字节，单元格样式过多"},
		"entity-bomb.xlsx":              {template.ErrUnsafeXML, "文件含有不允许的 XML 实体定义（可能是恶意文件）"},
	}
	for _, f := range hostile.All() {
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("%s: no expectation", f.Name)
			continue
		}
		var err error
		alloc := allocated(func() { _, err = template.Read(f.Name, f.Data, template.Limits{}) })
		t.Logf("%s (%d bytes): %d MB allocated: %v", f.Name, len(f.Data), alloc>>20, err)
		// Both paths give the same error: CheckReadPaths compares them
		// where the fast path reads the workbook.
		if _, err := template.CheckReadPaths(f.Name, f.Data, template.Limits{}); err != nil {
			t.Error(err)
		}
		if w.err == nil && err == nil {
			if alloc > maxHostileAlloc {
				t.Errorf("%s: allocated %d MB, bound %d MB", f.Name, alloc>>20, maxHostileAlloc>>20)
			}
			continue
		}
		if !errors.Is(err, w.err) || w.err == nil {
			t.Errorf("%s: err = %v, want %v", f.Name, err, w.err)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "read "+f.Name+": ") || !strings.Contains(msg, w.says) || strings.ContainsAny(msg, "\r\n") {
			t.Errorf("%s: error %q does not say %q", f.Name, msg, w.says)
		}
		if strings.Contains(msg, "合并单元格") {
			t.Errorf("%s: error %q blames merged cells", f.Name, msg)
		}
		if alloc > maxHostileAlloc {
			t.Errorf("%s: allocated %d MB, bound %d MB", f.Name, alloc>>20, maxHostileAlloc>>20)
		}
	}
}

// maxWithinAlloc bounds what reading a workbook just inside the bounds may
// allocate in all. excelize's reading of 64,000 cell styles allocates about
// 115 MB in all (encoding/xml's tokens and the slice of styles growing),
// of which it keeps about a quarter.
const maxWithinAlloc = 128 << 20

// TestReadWithinHostileBounds: the workbooks just inside the bounds that
// stop the hostile ones read, on both paths alike, within maxWithinAlloc:
// 7 rows of one cell in XFD (114,695 positions, under the sparse floor),
// or of an empty formatted one, 64,000 cell styles, 60,000 shared strings
// that cells use.
func TestReadWithinHostileBounds(t *testing.T) {
	used := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		for r := 1; r <= 60_000; r++ {
			f.SetCellStr("Sheet1", "A"+strconv.Itoa(r), "项目"+strconv.Itoa(r))
		}
		var b bytes.Buffer
		if _, err := f.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	for _, tc := range []struct {
		name  string
		data  []byte
		cells int
	}{
		{"far-7.xlsx", hostile.FarCells(7, false), 7},
		{"far-7-comment.xlsx", hostile.FarCells(7, true), 7},
		{"far-styled-7-comment.xlsx", hostile.FarStyledCells(7, true), 1},
		{"styles-64000.xlsx", hostile.Styles(64_000, false), 1},
		{"styles-64000-comment.xlsx", hostile.Styles(64_000, true), 1},
		{"shared-strings-used.xlsx", used, 60_000},
	} {
		var wb *mapping.Workbook
		var err error
		alloc := allocated(func() { wb, err = template.Read(tc.name, tc.data, template.Limits{}) })
		t.Logf("%s: %d MB allocated", tc.name, alloc>>20)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		n := 0
		for _, s := range wb.Sheets {
			for _, row := range s.Rows {
				for _, c := range row {
					if c.Text != "" {
						n++
					}
				}
			}
		}
		if n != tc.cells {
			t.Errorf("%s: %d cells read, want %d", tc.name, n, tc.cells)
		}
		if alloc > maxWithinAlloc {
			t.Errorf("%s: allocated %d MB, bound %d MB", tc.name, alloc>>20, maxWithinAlloc>>20)
		}
		if _, err := template.CheckReadPaths(tc.name, tc.data, template.Limits{}); err != nil {
			t.Error(err)
		}
	}
}

// TestReadLimitsApply: the bounds on shared strings, styles and area are
// the caller's Limits where set; on the excelize path, a shared strings
// table may hold only so many strings more than the cells that may use
// one, and a sheet only so many empty formatted cells.
func TestReadLimitsApply(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		lim  template.Limits
		says string // "" reads
	}{
		{"strings", hostile.SharedStrings(1000, false), template.Limits{MaxSharedStrings: 999}, "含有超过 999 个共享字符串"},
		{"strings", hostile.SharedStrings(1000, false), template.Limits{MaxSharedStrings: 1000}, ""},
		// Unused strings: at most sharedStringsFloor more than the cells
		// of type s.
		{"unused strings", hostile.SharedStrings(50_001, true), template.Limits{}, ""},
		{"unused strings", hostile.SharedStrings(50_002, true), template.Limits{},
			"xl/sharedStrings.xml 含有超过 50001 个共享字符串，而只有 1 个单元格可以使用共享字符串"},
		// The fast path reads them at 16 bytes each, not excelize's 1 KB.
		{"unused strings", hostile.SharedStrings(50_002, false), template.Limits{}, ""},
		{"styles", hostile.Styles(100, false), template.Limits{MaxStyles: 50}, "xl/styles.xml 含有超过 100 个单元格样式"},
		{"styles", hostile.Styles(100, false), template.Limits{MaxStyles: 5}, "xl/styles.xml 超过 2560 字节，单元格样式过多"},
		{"styles", hostile.Styles(200_000, false), template.Limits{}, "xl/styles.xml 含有超过 128000 个单元格样式"},
		// The same empty formatted cell written 200 times.
		// The same empty formatted cell written many times: excelize's
		// model holds each, up to a quarter of MaxArea; the fast path none.
		{"empty cells", emptyCells(26, true), template.Limits{MaxArea: 100}, `cell B1: 文件超出大小限制 (file exceeds the size limit): 空的有格式单元格超过 25 个`},
		{"empty cells", emptyCells(25, true), template.Limits{MaxArea: 100}, ""},
		{"empty cells", emptyCells(200, false), template.Limits{MaxArea: 100}, ""},
		// As excelize writes them, and with a value: not empty.
		{"empty cells", emptyCellsAs(26, true, `<c r="B1" s="0"></c>`), template.Limits{MaxArea: 100}, `空的有格式单元格超过 25 个`},
		{"empty cells", emptyCellsAs(26, true, "<c r=\"B1\" s=\"0\">\n</c>"), template.Limits{MaxArea: 100}, `空的有格式单元格超过 25 个`},
		{"empty cells", emptyCellsAs(26, true, `<c r="B1" s="0"><v>1</v></c>`), template.Limits{MaxArea: 100}, ""},
		{"styles", hostile.Styles(100, true), template.Limits{MaxStyles: 99}, "cellXfs 含有超过 99 项样式"},
		{"styles", hostile.Styles(100, true), template.Limits{MaxStyles: 100}, ""},
		{"area", hostile.FarCells(7, false), template.Limits{MaxArea: 100_000}, `cell XFD7: 文件超出大小限制 (file exceeds the size limit): 表格范围过大`},
		{"area", hostile.FarCells(7, true), template.Limits{MaxArea: 100_000}, `cell XFD7: 文件超出大小限制 (file exceeds the size limit): 表格范围过大`},
		{"area", hostile.FarCells(7, false), template.Limits{MaxArea: 120_000}, ""},
	} {
		_, err := template.Read(tc.name+".xlsx", tc.data, tc.lim)
		switch {
		case tc.says == "" && err != nil:
			t.Errorf("%s %+v: %v", tc.name, tc.lim, err)
		case tc.says != "" && (!errors.Is(err, template.ErrTooLarge) || !strings.Contains(err.Error(), tc.says)):
			t.Errorf("%s %+v: err = %v, want ErrTooLarge saying %q", tc.name, tc.lim, err, tc.says)
		}
	}
}

// emptyCells is a workbook of a label in A1 and n empty formatted cells
// all written at B1 as <c …/>, with an XML comment when comment.
func emptyCells(n int, comment bool) []byte {
	return emptyCellsAs(n, comment, `<c r="B1" s="0"/>`)
}

// emptyCellsAs is emptyCells with the cells written as cell.
func emptyCellsAs(n int, comment bool, cell string) []byte {
	c := ""
	if comment {
		c = "<!-- 注释 -->"
	}
	return hostile.Build(hostile.Parts{Sheet: hostile.Sheet(c + `<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c>` +
		strings.Repeat(cell, n) + `</row>`)})
}

// TestReadEmptyFile: a file of no bytes is 文件为空, not a damaged workbook.
func TestReadEmptyFile(t *testing.T) {
	for _, data := range [][]byte{nil, {}} {
		_, err := template.Read("空.xlsx", data, template.Limits{})
		if !errors.Is(err, template.ErrEmpty) || err.Error() != "read 空.xlsx: 文件为空 (empty file)" {
			t.Errorf("err = %v, want ErrEmpty 文件为空", err)
		}
	}
}

// BenchmarkHostile reads each hostile workbook of bench/hostile; besides
// time and allocations per read it reports the bytes allocated in all
// (MB-alloc/op, what TestReadHostileWorkbooks bounds).
func BenchmarkHostile(b *testing.B) {
	for _, f := range hostile.All() {
		b.Run(strings.TrimSuffix(f.Name, ".xlsx"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(f.Data)))
			var total uint64
			for range b.N {
				total += allocated(func() { template.Read(f.Name, f.Data, template.Limits{}) })
			}
			b.ReportMetric(float64(total)/float64(b.N)/(1<<20), "MB-alloc/op")
		})
	}
}
