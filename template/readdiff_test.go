package template

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// The fast path is kept only while it reads every workbook the tests and
// benchmarks touch as excelize does. TestReadPathsAgree reads them all both
// ways (CheckReadPaths), and each again with its XML written the other ways
// programs write it (mutations).

// namedBook is a workbook of the differential corpus.
type namedBook struct {
	name string
	data []byte
}

// diffCorpus is every workbook the tests read: the shipped templates and
// examples, the examples laid out again from their data and exported from
// their extraction, the golden tests' variants of them, the workbooks under
// the module's testdata folders (and its fuzz seeds), the fast-path and
// formula cases, and n generated ones.
func diffCorpus(t *testing.T, n int) []namedBook {
	var out []namedBook
	add := func(name string, data []byte) { out = append(out, namedBook{name, data}) }
	// Shipped templates and examples.
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".xlsx") {
			return err
		}
		b, err := fs.ReadFile(templates.FS, p)
		add("templates/"+p, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The examples laid out again (as internal/testkit builds them), their
	// extractions exported, and the golden variants.
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range reg.Templates {
		fm, err := FindForm(tpl.ID, tpl.Version)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range reg.Examples(tpl) {
			data, err := fs.ReadFile(templates.FS, ex)
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(ex, ".xlsx")
			if src, err := fs.ReadFile(templates.FS, base+".yaml"); err == nil {
				d, err := ParseData(path.Base(base)+".yaml", src)
				if err != nil {
					t.Fatal(err)
				}
				built, err := fm.BuildBytes(d)
				if err != nil {
					t.Fatal(err)
				}
				add(base+" (built)", built)
			}
			orig := extractDetected(t, reg, path.Base(ex), data, tpl)
			exported, err := Export(tpl, orig, map[string]string{mapping.PropUnit: "蔡甸区民政局", mapping.PropRevision: "3"})
			if err != nil {
				t.Fatal(err)
			}
			add(base+" (exported)", exported)
			for _, v := range variants {
				vb, err := makeVariant(data, tpl, orig, v)
				if err != nil {
					t.Fatal(err)
				}
				add(base+" ("+v.name+")", vb)
			}
		}
	}
	// The module's testdata folders.
	err = filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == ".git" || n == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return nil
		}
		switch {
		case strings.EqualFold(filepath.Ext(p), ".xlsx"):
			b, err := os.ReadFile(p)
			add(filepath.ToSlash(p), b)
			return err
		case strings.Contains(filepath.ToSlash(p), "/testdata/fuzz/"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if data, ok := fuzzBytes(b); ok {
				add(filepath.ToSlash(p), data)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 40 {
		t.Fatalf("only %d workbooks found", len(out))
	}
	// The cases of the other tests.
	for _, c := range rfCases(t) {
		add(c.name, c.data)
	}
	fb := formulaBook(t)
	add("formulas", fb)
	add("formulas, openpyxl", openpyxlFormulas(t, fb))
	for _, f := range []int{9, 10, 14, 22} {
		add(fmt.Sprintf("styled %d", f), styledBook(t, f, "", 0.9996))
	}
	// Generated workbooks.
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range n {
		add(fmt.Sprintf("generated %d", i), randomBook(t, rng))
	}
	return out
}

// fuzzBytes decodes a fuzz corpus file of one []byte value.
func fuzzBytes(b []byte) ([]byte, bool) {
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" {
		return nil, false
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(lines[1]), "[]byte(")
	if !ok {
		return nil, false
	}
	s, err := strconv.Unquote(strings.TrimSuffix(v, ")"))
	if err != nil {
		return nil, false
	}
	return []byte(s), true
}

// randomFormats are the number formats generated cells are shown in: none
// (General, a bold style, a custom General as LibreOffice writes), built-in
// ones (0, 0%, 0.00%, a date, a date and time) and custom ones agencies use.
var randomFormats = []excelize.Style{
	{}, {Font: &excelize.Font{Bold: true}}, {CustomNumFmt: ptr("General")}, {NumFmt: 1}, {NumFmt: 9}, {NumFmt: 10}, {NumFmt: 14}, {NumFmt: 22},
	{CustomNumFmt: ptr("0.00_ ")}, {CustomNumFmt: ptr("#,##0.00")}, {CustomNumFmt: ptr("0.0%")}, {CustomNumFmt: ptr(`0.00"万元"`)},
}

func ptr[T any](v T) *T { return &v }

// randomTexts are texts as forms have them.
var randomTexts = []string{"单位名称", "产出指标", "数量指标", "≥95%", "100%", "  前后空格  ", "换行\n第二行", "A&B<C>\"'", "001", "1.50",
	"2022年度", "是", "否", "达成预期指标", "万元", "TRUE", "=SUM(A1)", "", "_x0041_", "😀", "第一季度\t合计"}

// randomBook generates a workbook of one to three sheets with numbers in
// the formats above, shared, inline and rich strings, booleans, formulas
// with and without a cached value, merges, hidden rows and empty cells.
func randomBook(tb testing.TB, rng *rand.Rand) []byte {
	tb.Helper()
	// A third without number formats (the fast path's), a third with one
	// (as a form with a percent column), a third with all of them.
	formats := randomFormats[:3]
	switch rng.IntN(3) {
	case 1:
		formats = append(formats[:3:3], randomFormats[3+rng.IntN(len(randomFormats)-3)])
	case 2:
		formats = randomFormats
	}
	data := rfBook(tb, func(f *excelize.File) {
		var styles []int
		for _, st := range formats {
			id, err := f.NewStyle(&st)
			if err != nil {
				tb.Fatal(err)
			}
			styles = append(styles, id)
		}
		sheets := []string{"Sheet1"}
		for i := range rng.IntN(3) {
			name := []string{"第二页", "数据 (2)", "Sheet3"}[i]
			f.NewSheet(name)
			sheets = append(sheets, name)
		}
		for _, sh := range sheets {
			rows, cols := 1+rng.IntN(30), 1+rng.IntN(8)
			for r := 1; r <= rows; r++ {
				for c := 1; c <= cols; c++ {
					cell, _ := excelize.CoordinatesToCellName(c, r)
					randomCell(f, sh, cell, rng, sheets)
					if rng.IntN(4) == 0 {
						f.SetCellStyle(sh, cell, cell, styles[rng.IntN(len(styles))])
					}
				}
				if rng.IntN(10) == 0 {
					f.SetRowVisible(sh, r, false)
				}
			}
			for range rng.IntN(4) {
				r, c := 1+rng.IntN(rows), 1+rng.IntN(cols)
				a, _ := excelize.CoordinatesToCellName(c, r)
				b, _ := excelize.CoordinatesToCellName(c+rng.IntN(3), r+rng.IntN(3))
				f.MergeCell(sh, a, b)
			}
		}
		if rng.IntN(3) == 0 {
			f.SetCustomProps(excelize.CustomProperty{Name: mapping.PropUnit, Value: randomTexts[rng.IntN(len(randomTexts))]})
		}
	})
	// Formulas whose cached value is written: excelize writes none.
	return editParts(tb, data, func(name string, b []byte) []byte {
		if !strings.HasPrefix(name, "xl/worksheets/") {
			return b
		}
		return cachedFormula.ReplaceAll(b, []byte(`<c r="$1"$2><f>ROUND($3,2)</f><v>$3</v></c>`))
	})
}

// cachedFormula matches the formulas randomCell writes to have a cached
// value: ROUND(x,2), whose value x is written after it.
var cachedFormula = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="str"><f>ROUND\(([0-9.]+),2\)</f></c>`)

// randomCell sets one cell of a generated workbook.
func randomCell(f *excelize.File, sh, cell string, rng *rand.Rand, sheets []string) {
	switch k := rng.IntN(20); {
	case k < 5: // empty
	case k < 9:
		v := []float64{0, 1, -1, 0.9996, 0.5, 2155.89, 110.36, 1e20, 1.5e-7, 44927, 123456789012.5, 0.30000000000000004}[rng.IntN(12)]
		if rng.IntN(2) == 0 {
			v = float64(rng.IntN(100000)) / float64([]int{1, 10, 100, 1000}[rng.IntN(4)])
		}
		f.SetCellFloat(sh, cell, v, -1, 64)
	case k < 13:
		f.SetCellStr(sh, cell, randomTexts[rng.IntN(len(randomTexts))])
	case k < 14:
		f.SetCellDefault(sh, cell, randomTexts[rng.IntN(len(randomTexts))]) // inline string
	case k < 15:
		f.SetCellBool(sh, cell, rng.IntN(2) == 0)
	case k < 16:
		f.SetCellRichText(sh, cell, []excelize.RichTextRun{{Text: "产出"}, {Text: "指标", Font: &excelize.Font{Bold: true}}})
	case k < 18: // a formula with a cached value
		f.SetCellFormula(sh, cell, fmt.Sprintf("ROUND(%d.%02d,2)", rng.IntN(1000), rng.IntN(100)))
	case k < 19: // a formula without one
		other := sheets[rng.IntN(len(sheets))]
		f.SetCellFormula(sh, cell, []string{"SUM(A1:B3)", "A1*2", "'" + other + "'!A1", "FOOBAR(1)", "A1/B1", `IF(A1>1,"是","否")`}[rng.IntN(6)])
	default:
		f.SetCellInt(sh, cell, int64(rng.IntN(1000)))
	}
}

// TestReadPathsAgree reads every workbook of the corpus, and each with its
// XML parts mutated (every empty element written <x/>, every one written
// <x></x>, attributes in reverse order, the default namespace as a prefix,
// indented, cells without references), with both of Read's paths: whenever the fast path reads one,
// it reads it as excelize does. A mutation that only changes how the XML
// is written must not make the fast path give up on a workbook it reads.
// With -short, the mutations run on one generated workbook in five.
func TestReadPathsAgree(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 60
	}
	corpus := diffCorpus(t, n)
	fast, mutated, mutatedFast := 0, map[string]int{}, map[string]int{}
	for i, wb := range corpus {
		read := rfCompare(t, wb.name, wb.data, Limits{})
		if read {
			fast++
		}
		if testing.Short() && strings.HasPrefix(wb.name, "generated ") && i%5 != 0 {
			continue
		}
		if _, err := sniff(wb.data, Limits{}.withDefaults()); err != nil {
			continue // not a workbook
		}
		for _, m := range mutations {
			data := mutateWorkbook(t, wb.data, m.style, nil)
			mutated[m.name]++
			if rfCompare(t, wb.name+" ("+m.name+")", data, Limits{}) {
				mutatedFast[m.name]++
			} else if read && m.name != "prefixed" && m.name != "no-cell-refs" {
				t.Errorf("%s (%s): the fast path gives up on it", wb.name, m.name)
			}
		}
	}
	t.Logf("%d workbooks, %d read by the fast path; mutations (read by the fast path / tried): %v / %v", len(corpus), fast, mutatedFast, mutated)
	if fast < len(corpus)/3 {
		t.Errorf("the fast path read only %d of %d workbooks", fast, len(corpus))
	}
	for _, m := range mutations {
		if mutatedFast[m.name] == 0 {
			t.Errorf("the fast path read no workbook mutated %s", m.name)
		}
	}
}

// TestRandomBookCovers checks that the generator makes what the corpus
// claims: formulas with and without values, inline strings, merges, hidden
// rows, number formats.
func TestRandomBookCovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var all bytes.Buffer
	for range 40 {
		data := randomBook(t, rng)
		all.Write(zipPart(t, data, "xl/worksheets/sheet1.xml"))
		all.Write(zipPart(t, data, "xl/styles.xml"))
	}
	for _, want := range []string{`formatCode="General"`, `<f>ROUND(`, `</f><v>`, `t="str"><f>`, `t="inlineStr"`, `<mergeCell `, `hidden="true"`, `numFmtId="10"`, `numFmtId="14"`, `t="b"`, `t="s"`} {
		if !bytes.Contains(all.Bytes(), []byte(want)) {
			t.Errorf("no generated workbook has %s", want)
		}
	}
}
