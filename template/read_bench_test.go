package template

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// Benchmarks of Read (go test -bench Read ./template): the shipped
// examples, a form with 200 indicator rows, and the two paths Read has.

func benchExamples(b *testing.B) map[string][]byte {
	b.Helper()
	files, err := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if err != nil || len(files) == 0 {
		b.Fatal("no examples")
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".xlsx")] = data
	}
	return out
}

// rfProjectRows is the national-project example with n indicator rows.
func rfProjectRows(tb testing.TB, n int) []byte {
	tb.Helper()
	src, err := os.ReadFile("../templates/national-project/2020/examples/lechang-canji-2021.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	d, err := ParseData("lechang-canji-2021.yaml", src)
	if err != nil {
		tb.Fatal(err)
	}
	seed := d.Tables["indicators"]
	rows := make([]map[string]string, n)
	for i := range rows {
		r := map[string]string{}
		for k, v := range seed[i%len(seed)] {
			r[k] = v
		}
		if i >= len(seed) {
			r["level3"] += "（" + strconv.Itoa(i/len(seed)+1) + "）"
		}
		rows[i] = r
	}
	d.Tables["indicators"] = rows
	data, err := nationalProject2020.BuildBytes(d)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func BenchmarkRead(b *testing.B) {
	examples := benchExamples(b)
	for _, name := range []string{"caidian-jiuzhu-2022", "zhuzhou-jiuzhu-2024", "lechang-canji-2021", "yuan-jiuzhu-2020"} {
		data := examples[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(name, data, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	data := rfProjectRows(b, 200)
	b.Run("national-project-200-rows", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Read("200.xlsx", data, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadPaths compares Read's fast path with its excelize path on
// the same workbook, sniffing left out.
func BenchmarkReadPaths(b *testing.B) {
	data := rfProjectRows(b, 50)
	lim := Limits{}.withDefaults()
	parts, err := sniff(data, lim)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := readFast("x", "x", parts, lim); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("excelize", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readExcelize("x", "x", parts, lim); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Read's two paths must agree: on every workbook the fast path reads, its
// workbook (cells, merges, properties) or error is the excelize path's.

// rfBook builds a workbook with excelize.
func rfBook(tb testing.TB, fill func(f *excelize.File)) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// rfCases are workbooks with the kinds of cells, styles and merges real
// ones have; want tells whether the fast path must read it.
func rfCases(tb testing.TB) []struct {
	name string
	data []byte
	fast bool
} {
	general := func(f *excelize.File) int {
		id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			tb.Fatal(err)
		}
		return id
	}
	numbers := []any{0, 1, -1, 0.1, 0.30000000000000004, 2155.89, 110.36, 1e20, 1.5e-7, -123456789012.5, 123456789012345678,
		math.Pi, 99.96, 1234567.891, "12345678901234567890", true, false}
	type tc = struct {
		name string
		data []byte
		fast bool
	}
	out := []tc{
		{"numbers and booleans, no style", rfBook(tb, func(f *excelize.File) {
			for i, v := range numbers {
				f.SetCellValue("Sheet1", "A"+strconv.Itoa(i+1), v)
			}
		}), true},
		{"numbers and booleans, General style", rfBook(tb, func(f *excelize.File) {
			st := general(f)
			for i, v := range numbers {
				c := "B" + strconv.Itoa(i+2)
				f.SetCellValue("Sheet1", c, v)
				f.SetCellStyle("Sheet1", c, c, st)
			}
		}), true},
		{"percent style", rfBook(tb, func(f *excelize.File) {
			st, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
			f.SetCellFloat("Sheet1", "A1", 0.9996, -1, 64)
			f.SetCellStyle("Sheet1", "A1", "A1", st)
		}), false},
		{"text style on text", rfBook(tb, func(f *excelize.File) {
			st, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
			f.SetCellStr("Sheet1", "A1", "单位名称")
			f.SetCellStyle("Sheet1", "A1", "A1", st)
		}), false},
		{"strings, rich text, inline, formulas, sparse", rfBook(tb, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "A1", "单位名称")
			f.SetCellStr("Sheet1", "C1", "  前后空格  ")
			f.SetCellStr("Sheet1", "D1", "换行\r\n回车\r和&<>\"'")
			f.SetCellRichText("Sheet1", "A3", []excelize.RichTextRun{{Text: "产出"}, {Text: "指标", Font: &excelize.Font{Bold: true}}})
			f.SetCellFormula("Sheet1", "B5", "SUM(A1:A2)")
			f.SetCellInt("Sheet1", "Z9", 7)
			f.SetCellStr("Sheet1", "XFD12", "远")
			f.SetCellDefault("Sheet1", "E2", "1.2300")
			f.SetCellDefault("Sheet1", "E3", "内联文字")
		}), true},
		{"escaped string", rfBook(tb, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "F2", "_x0041_")
		}), false},
		{"merges, reversed and overlapping", rfBook(tb, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "A1", "标题")
			f.MergeCell("Sheet1", "A1", "D1")
			f.MergeCell("Sheet1", "C3", "B5")
			f.MergeCell("Sheet1", "F2", "G8")
			f.MergeCell("Sheet1", "G8", "H9")
		}), true},
		{"sheets, properties", rfBook(tb, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "A1", "一")
			f.NewSheet("第二页 (2)")
			f.SetCellStr("第二页 (2)", "B2", "二")
			f.NewSheet("空")
			f.SetCustomProps(excelize.CustomProperty{Name: mapping.PropUnit, Value: "蔡甸区民政局"})
			f.SetCustomProps(excelize.CustomProperty{Name: mapping.PropRevision, Value: "12"})
		}), true},
		{"non-string property", rfBook(tb, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "A1", "一")
			f.SetCustomProps(excelize.CustomProperty{Name: "n", Value: int32(3)})
		}), false},
		{"no cells", rfBook(tb, func(f *excelize.File) {}), true},
		{"form with 60 rows", rfProjectRows(tb, 60), true},
	}
	files, _ := filepath.Glob("../templates/*/*/examples/*.xlsx")
	files2, _ := filepath.Glob("../templates/*/*/template.xlsx")
	for _, p := range append(files, files2...) {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, tc{p, data, true})
	}
	return out
}

// rfCompare reads data both ways; it fails when the fast path reads it
// differently, and reports whether the fast path read it.
func rfCompare(t *testing.T, name string, data []byte, lim Limits) bool {
	t.Helper()
	fast, err := CheckReadPaths(name, data, lim)
	if err != nil {
		t.Error(err)
	}
	return fast
}

// rfPlain is a workbook without its Sheet caches.
func rfPlain(wb *mapping.Workbook) any { return plainWorkbook(wb) }

func TestReadFastPathMatchesExcelize(t *testing.T) {
	for _, c := range rfCases(t) {
		if got := rfCompare(t, c.name, c.data, Limits{}); got != c.fast {
			t.Errorf("%s: fast path taken = %v, want %v", c.name, got, c.fast)
		}
	}
	// Limits stop both paths at the same cell.
	data := rfProjectRows(t, 60)
	for _, lim := range []Limits{{MaxCells: 100}, {MaxCells: 400}, {MaxArea: 300}} {
		rfCompare(t, fmt.Sprintf("%+v", lim), data, lim)
	}
}

// FuzzReadFastPath mutates workbooks stored without checksums: whenever the
// fast path reads one, the excelize path must read it the same (or find it
// corrupt in a part the fast path does not read).
func FuzzReadFastPath(f *testing.F) {
	for _, c := range rfCases(f) {
		f.Add(storedZip(f, c.data))
	}
	f.Add(storedZip(f, formulaBook(f)))
	f.Add(storedZip(f, mutateWorkbook(f, styledBook(f, 10, "", 0.9996), xmlStyle{selfClose: true}, nil)))
	f.Fuzz(func(t *testing.T, data []byte) {
		rfCompare(t, "模糊.xlsx", data, fuzzLimits)
	})
}
