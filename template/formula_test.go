package template

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit/office"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// formulaBook is a form whose formulas excelize writes without a value
// (<c t="str"><f>…</f></c>): a sum, a ratio shown as 0.00%, a reference to
// another sheet, a shared formula, and formulas no engine can compute.
func formulaBook(tb testing.TB) []byte { return formulaBookStyled(tb, true) }

// formulaBookStyled is formulaBook, its ratio in General unless percent.
func formulaBookStyled(tb testing.TB, percent bool) []byte {
	tb.Helper()
	return rfBook(tb, func(f *excelize.File) {
		const s = "Sheet1"
		f.SetSheetName(s, "自评表")
		const sh = "自评表"
		f.NewSheet("数据")
		f.SetCellInt("数据", "A1", 7)
		f.SetCellStr(sh, "A1", "项目")
		f.SetCellFloat(sh, "B2", 2155.89, -1, 64)
		f.SetCellFloat(sh, "B3", 110.36, -1, 64)
		f.SetCellFormula(sh, "B4", "SUM(B2:B3)")
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		f.SetCellFormula(sh, "C2", "B3/B2")
		if percent {
			f.SetCellStyle(sh, "C2", "C2", pct)
		}
		f.SetCellFormula(sh, "D2", "数据!A1*2")
		f.SetCellFormula(sh, "E2", "FOOBAR(B2)")              // unknown function
		f.SetCellFormula(sh, "E3", "E4+1")                    // circular
		f.SetCellFormula(sh, "E4", "E3+1")                    // circular
		f.SetCellFormula(sh, "E5", "[1]Sheet1!A1")            // another workbook
		f.SetCellFormula(sh, "E6", "SUM(A1:A1000000)")        // too many cells
		f.SetCellFormula(sh, "E7", "IF(B2>1,\"达标\",\"未达标\")") // text
		f.MergeCell(sh, "F1", "G1")
		f.SetCellFormula(sh, "G1", "B2") // under the merge: not shown
		shared, ref := excelize.STCellFormulaTypeShared, "H2:H4"
		f.SetCellFormula(sh, "H2", "B2*2", excelize.FormulaOpts{Type: &shared, Ref: &ref})
	})
}

// formulaWant is what formulaBook reads as: cells (A1) computed, and those
// listed as uncached.
var formulaWant = struct {
	cells    map[string]mapping.Cell
	uncached []string
}{
	cells: map[string]mapping.Cell{
		"B4": {Text: "2266.25", Raw: "2266.25"},
		"C2": {Text: "5.12%", Raw: "0.0511899957790054"},
		"D2": {Text: "14", Raw: "14"},
		"E7": {Text: "达标", Raw: "达标"},
		"G1": {},
		"H2": {Text: "4311.78", Raw: "4311.78"},
		"H3": {Text: "220.72", Raw: "220.72"},
		"H4": {Text: "4532.5", Raw: "4532.5"},
	},
	uncached: []string{"E2", "E3", "E4", "E5", "E6"},
}

// openpyxlFormulas rewrites a workbook's formula cells as openpyxl writes
// them: no type, and an empty value (<v></v>, or <v/> once self-closed).
func openpyxlFormulas(tb testing.TB, data []byte) []byte {
	tb.Helper()
	typed := regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="str"><f([^>]*)>`)
	formula := regexp.MustCompile(`(<f[^>]*>[^<]*</f>|<f[^>]*/>)</c>`)
	return editParts(tb, data, func(name string, x []byte) []byte {
		if name != "xl/worksheets/sheet1.xml" {
			return x
		}
		x = typed.ReplaceAll(x, []byte(`<c r="$1"$2><f$3>`))
		x = formula.ReplaceAll(x, []byte(`$1<v></v></c>`))
		if bytes.Contains(x, []byte(`t="str"`)) || !bytes.Contains(x, []byte(`<f>SUM(B2:B3)</f><v></v></c>`)) {
			tb.Fatalf("not rewritten as openpyxl writes formulas:\n%s", x)
		}
		return x
	})
}

// readBothPaths reads a workbook with the fast path, which must take it,
// and with the excelize path; they must read it the same.
func readBothPaths(t *testing.T, name string, data []byte) *mapping.Workbook {
	t.Helper()
	lim := Limits{}.withDefaults()
	parts, err := sniff(data, lim)
	if err != nil {
		t.Fatal(err)
	}
	fast, ok, err := readFast(name, name, parts, lim)
	if !ok || err != nil {
		t.Fatalf("%s: the fast path did not read it (%v, %v)", name, ok, err)
	}
	slow, err := readExcelize(name, name, parts, lim)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := rfPlain(fast), rfPlain(slow); !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: the paths differ:\nfast     %+v\nexcelize %+v", name, a, b)
	}
	return fast
}

// TestReadFormulasWithoutValues: formulas written without a value read as
// excelize's engine computes them, shown in the cell's format, on both
// paths, whichever way the cells are written; those it cannot compute read
// as empty and are listed as uncached.
func TestReadFormulasWithoutValues(t *testing.T) {
	data := formulaBook(t)
	opx := openpyxlFormulas(t, data)
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"excelize", data},
		{"openpyxl", opx},
		{"openpyxl, self-closing", mutateWorkbook(t, opx, xmlStyle{selfClose: true}, nil)},
	} {
		wb := readBothPaths(t, c.name+".xlsx", c.data)
		s := wb.Sheets[0]
		for ref, want := range formulaWant.cells {
			r, col, _ := mapping.ParseCellName(ref)
			if got := s.At(r, col); got != want {
				t.Errorf("%s: %s = %+v, want %+v", c.name, ref, got, want)
			}
		}
		if !slices.Equal(s.Uncached, formulaWant.uncached) {
			t.Errorf("%s: uncached %v, want %v", c.name, s.Uncached, formulaWant.uncached)
		}
		for _, ref := range formulaWant.uncached {
			r, col, _ := mapping.ParseCellName(ref)
			if got := s.At(r, col); got != (mapping.Cell{}) {
				t.Errorf("%s: uncomputed %s = %+v, want empty", c.name, ref, got)
			}
		}
	}
	// The formula cells count as cells: a limit stops both paths at the
	// same one.
	for _, lim := range []Limits{{MaxCells: 5}, {MaxCells: 7}} {
		rfCompare(t, "limits", data, lim)
		if _, err := Read("limits.xlsx", data, lim); err == nil {
			t.Errorf("%+v: no error", lim)
		}
	}
}

// TestReadLibreOfficeFormulas: LibreOffice Calc calculates a workbook's
// formulas and writes their values (and every cell's format as a custom
// "General"); they read as written, on both paths, and nothing is
// uncached. A workbook it wrote is read by the fast path unless a value is
// shown in a number format.
func TestReadLibreOfficeFormulas(t *testing.T) {
	books := office.ToXLSX(t, formulaBookStyled(t, false), formulaBookStyled(t, true))
	for i, percent := range []bool{false, true} {
		data := books[i]
		sheet := zipPart(t, data, "xl/worksheets/sheet1.xml")
		if !regexp.MustCompile(`<f[^>]*>SUM\(B2:B3\)</f><v>2266.25</v>`).Match(sheet) {
			t.Fatalf("LibreOffice wrote no value for B4:\n%s", sheet)
		}
		if !bytes.Contains(zipPart(t, data, pathStyles), []byte(`formatCode="General"`)) {
			t.Errorf("LibreOffice wrote no custom General format")
		}
		var wbs []*mapping.Workbook
		if percent {
			lim := Limits{}.withDefaults()
			parts, err := sniff(data, lim)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := readExcelize("lo.xlsx", "lo.xlsx", parts, lim)
			if err != nil {
				t.Fatal(err)
			}
			if rfCompare(t, "lo.xlsx", data, lim) {
				t.Error("the fast path read a percent cell")
			}
			wbs = append(wbs, slow)
		} else {
			wbs = append(wbs, readBothPaths(t, "lo.xlsx", data))
		}
		wb, err := Read("lo.xlsx", data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range append(wbs, wb) {
			s := w.Sheets[0]
			for _, ref := range []string{"B4", "C2", "D2", "E7", "H2", "H3", "H4"} {
				if ref == "C2" && !percent {
					continue
				}
				r, col, _ := mapping.ParseCellName(ref)
				if got, want := s.At(r, col), formulaWant.cells[ref]; got.Text != want.Text {
					t.Errorf("percent %v: %s = %+v, want %+v", percent, ref, got, want)
				}
			}
			if len(s.Uncached) > 0 {
				t.Errorf("percent %v: uncached %v: LibreOffice's values were not read", percent, s.Uncached)
			}
		}
	}
}

// TestReadPathsAgreeLibreOffice: workbooks saved by LibreOffice Calc (a
// shipped example, generated ones) read the same on both paths, and those
// without number formats are read by the fast path.
func TestReadPathsAgreeLibreOffice(t *testing.T) {
	example, err := fs.ReadFile(templates.FS, "hubei-dept/2022/examples/caidian-minzheng-2022.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	cases := []struct {
		name string
		data []byte
		fast bool
	}{
		{"example", example, false},
		{"generated", randomBook(t, rng), false},
		{"numbers and text", rfBook(t, func(f *excelize.File) {
			bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
			for i, v := range []any{"单位名称", 2155.89, 0.9996, -1, 1e20, 1.5e-7, 123456789012.5, true, "001", "  空格  "} {
				cell := "B" + strconv.Itoa(i+1)
				f.SetCellValue("Sheet1", cell, v)
				f.SetCellStyle("Sheet1", cell, cell, bold)
			}
			f.MergeCell("Sheet1", "C1", "D2")
		}), true},
	}
	var books [][]byte
	for _, c := range cases {
		books = append(books, c.data)
	}
	for i, data := range office.ToXLSX(t, books...) {
		c := cases[i]
		fast := rfCompare(t, c.name, data, Limits{})
		if c.fast && !fast {
			t.Errorf("%s: the fast path does not read it", c.name)
		}
		for _, m := range mutations {
			rfCompare(t, c.name+" ("+m.name+")", mutateWorkbook(t, data, m.style, nil), Limits{})
		}
	}
}
