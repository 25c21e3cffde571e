package template

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit/office"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/templates"
)

// Kinds of workbook jxsync writes.
const (
	kindTemplate  = "template"  // a shipped blank template.xlsx
	kindExample   = "example"   // a shipped example workbook
	kindExport    = "export"    // Export: jxsync export, template new, regenerate, the portal's downloads
	kindReport    = "report"    // Report: jxsync report, the portal's summary
	kindAnnotated = "annotated" // Annotate: <input>.校验.xlsx
	kindBundle    = "bundle"    // BuildBundle: several forms in one workbook
	kindInput     = "input"     // not written by jxsync: the input of an annotated copy
)

// outputFile is one workbook jxsync writes, saved for the outside tools.
type outputFile struct {
	kind string
	path string // in a temporary folder, its base name unique
	// input is, for an annotated copy, the path of the workbook annotated.
	input string
	// form is, for a form's workbook (blank, example, export), the form;
	// example the base name of the example it holds, if any.
	form    *Form
	example string
}

// writeOutputs writes into a temporary folder a representative set of every
// kind of workbook jxsync writes: every shipped template and example, an
// export of one example per form, reports of a summary with and without
// scores and of an empty one, annotated copies of two examples with
// findings (and of a bundle), and a bundle of forms.
func writeOutputs(t *testing.T) []outputFile {
	t.Helper()
	dir := t.TempDir()
	var out []outputFile
	save := func(kind, name string, b []byte, fm *Form, input string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, outputFile{kind: kind, path: p, input: input, form: fm})
		return p
	}
	// holds records the example a form's workbook just saved holds.
	holds := func(example string) { out[len(out)-1].example = example }
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	examples := map[*Form]string{} // the first example of each form
	for _, tpl := range reg.Templates {
		fm, err := FindForm(tpl.ID, tpl.Version)
		if err != nil {
			t.Fatal(err)
		}
		b, err := reg.Blank(tpl)
		if err != nil {
			t.Fatal(err)
		}
		save(kindTemplate, fmt.Sprintf("%s@%s.xlsx", tpl.ID, tpl.Version), b, fm, "")
		for _, ex := range reg.Examples(tpl) {
			b, err := fs.ReadFile(templates.FS, ex)
			if err != nil {
				t.Fatal(err)
			}
			p := save(kindExample, path.Base(ex), b, fm, "")
			holds(path.Base(ex))
			if examples[fm] == "" {
				examples[fm] = p
				res := extractDetected(t, reg, path.Base(ex), b, tpl)
				props := map[string]string{mapping.PropTemplate: tpl.ID, mapping.PropRevision: "7", mapping.PropDataHash: res.Fingerprint()}
				exp, err := Export(tpl, res, props)
				if err != nil {
					t.Fatal(err)
				}
				save(kindExport, fmt.Sprintf("export-%s@%s.xlsx", tpl.ID, tpl.Version), exp, fm, "")
				holds(path.Base(ex))
			}
		}
	}

	unscored := sampleSummary()
	for i := range unscored.Units {
		unscored.Units[i].Score, unscored.Units[i].Grade = nil, ""
	}
	for name, sum := range map[string]*sync.Summary{"report.xlsx": sampleSummary(), "report-unscored.xlsx": unscored,
		"report-empty.xlsx":       {Template: "hubei-dept", Year: 2030, Grades: sync.DefaultGrades},
		"report-departments.xlsx": departmentSummary()} {
		b, err := Report(sum)
		if err != nil {
			t.Fatal(err)
		}
		save(kindReport, name, b, nil, "")
	}

	bundle, err := BuildBundle([]SheetPart{
		{Name: "填表说明", Rows: [][]string{{"填表说明"}, {"1. 金额以万元为单位。"}}},
		{Form: hubeiDept2022, Data: exampleData(t, "hubei-dept/2022/examples/caidian-jiuzhu-2022.yaml")},
		{Name: "项目1", Form: nationalProject2020, Data: exampleData(t, "national-project/2020/examples/lechang-dibao-2021.yaml")},
		{Name: "项目2", Form: nationalProject2020},
	})
	if err != nil {
		t.Fatal(err)
	}
	bundlePath := save(kindBundle, "bundle.xlsx", bundle, nil, "")

	// Annotated copies: the Hubei example with its findings, the same as
	// LibreOffice writes it (a legacy .xls converted), the 民生 example with
	// findings on merged and unmerged cells, and the bundle.
	data, findings := checkExample(t)
	annotateTo := func(input string, data []byte, findings []mapping.Finding) {
		b, err := Annotator{}.Annotate(data, findings)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(input), ".xlsx") + ".校验.xlsx"
		save(kindAnnotated, name, b, nil, input)
	}
	annotateTo(filepath.Join(dir, path.Base(hubeiExample)), data, findings)
	lo := themeless(t, data)
	annotateTo(save(kindInput, "caidian-jiuzhu-2022-lo.xlsx", lo, nil, ""), lo, findings)
	minsheng := filepath.Join(dir, "yuan-jiuzhu-2020.xlsx")
	data, err = os.ReadFile(minsheng)
	if err != nil {
		t.Fatal(err)
	}
	annotateTo(minsheng, data, []mapping.Finding{
		{Sheet: minsheng2020.Sheet, Cell: "B4", Severity: mapping.SeverityError, Rule: "sum", Message: "分值合计不符", Related: []string{"E4", "E5"}},
		{Sheet: minsheng2020.Sheet, Cell: "F6", Severity: mapping.SeverityWarning, Rule: "score", Message: "得分低于分值", Expected: "4", Found: "3"},
	})
	annotateTo(bundlePath, bundle, []mapping.Finding{
		{Sheet: "项目1", Cell: "B3", Severity: mapping.SeverityWarning, Rule: "name", Message: "项目名称"},
	})
	return out
}

// exampleData reads the data of a shipped example.
func exampleData(t *testing.T, rel string) *Data {
	t.Helper()
	b, err := fs.ReadFile(templates.FS, rel)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseData(rel, b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOutputsValid checks every kind of workbook jxsync writes with tools
// other than excelize: no error of the Open XML SDK's schema validation
// (an annotated copy: none its input did not have), and openpyxl opens it.
// (LibreOffice converts each in TestOutputsPrint.)
func TestOutputsValid(t *testing.T) {
	t.Parallel()
	files := writeOutputs(t)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	schema := office.ValidateOOXML(t, paths...)
	for _, f := range files {
		if f.kind == kindInput {
			continue
		}
		errs := schema[f.path]
		if f.kind == kindAnnotated {
			errs = newErrors(errs, schema[f.input])
		}
		for i, e := range errs {
			if i == 5 {
				t.Errorf("%s (%s): … %d schema errors in all", filepath.Base(f.path), f.kind, len(errs))
				break
			}
			t.Errorf("%s (%s): %s", filepath.Base(f.path), f.kind, e)
		}
	}
	for p, msg := range office.OpenpyxlErrors(t, paths...) {
		t.Errorf("openpyxl cannot open %s: %s", filepath.Base(p), msg)
	}
}

// newErrors are the errors of got that want does not have, compared by id
// and description (an annotated copy's parts may be renumbered).
func newErrors(got, want []office.SchemaError) []office.SchemaError {
	left := map[string]int{}
	for _, e := range want {
		left[e.ID+"\x00"+e.Description]++
	}
	var out []office.SchemaError
	for _, e := range got {
		k := e.ID + "\x00" + e.Description
		if left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, e)
	}
	return out
}

// TestNewErrors checks that an annotated copy is charged only with the
// schema errors its input did not have.
func TestNewErrors(t *testing.T) {
	e := func(id, desc string) office.SchemaError { return office.SchemaError{ID: id, Description: desc} }
	in := []office.SchemaError{e("a", "x"), e("b", "y")}
	if got := newErrors([]office.SchemaError{e("a", "x"), e("b", "y")}, in); len(got) != 0 {
		t.Errorf("the input's own errors counted: %v", got)
	}
	got := newErrors([]office.SchemaError{e("a", "x"), e("a", "x"), e("c", "z")}, in)
	if want := []office.SchemaError{e("a", "x"), e("c", "z")}; !slices.Equal(got, want) {
		t.Errorf("new errors = %v, want %v", got, want)
	}
}
