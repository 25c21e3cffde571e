package mapping_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

// Benchmarks of the mapping engine's hot paths (go test -bench . ./mapping):
// value parsing, detection, table reading (Extract) and rule evaluation
// (Check), on the shipped examples and on a national-project form with 200
// indicator rows.

var parseCases = []struct {
	name string
	typ  mapping.Type
	text string
}{
	{"text", mapping.TypeText, "符合条件的困难残疾人生活补贴发放覆盖率"},
	{"amount", mapping.TypeAmount, "22,577.06万元"},
	{"percent", mapping.TypePercent, "99.96%"},
	{"count", mapping.TypeCount, "38人次"},
	{"score", mapping.TypeScore, "9.5分"},
	{"date", mapping.TypeDate, "2022年3月20日"},
	{"indicator-quantitative", mapping.TypeIndicator, "≥95%"},
	{"indicator-words", mapping.TypeIndicator, "不低于7500人"},
	{"indicator-tier", mapping.TypeIndicator, "部分达成年度指标并具有一定效果"},
	{"heading", mapping.TypeHeading, "产出指标(40分)"},
	{"placeholder", mapping.TypeAmount, "——"},
}

func BenchmarkParse(b *testing.B) {
	for _, c := range parseCases {
		cell := mapping.Cell{Text: c.text, Raw: c.text}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mapping.Parse(c.typ, "", cell)
			}
		})
	}
}

// benchForm is a read workbook and its template.
type benchForm struct {
	name string
	wb   *mapping.Workbook
	t    *mapping.Template
	s    *mapping.Sheet
	res  *mapping.Result
}

func loadTemplates(b *testing.B) []*mapping.Template {
	b.Helper()
	reg, err := template.LoadRegistry(os.DirFS("../templates"))
	if err != nil {
		b.Fatal(err)
	}
	return reg.Templates
}

// benchForms reads the shipped examples and a 200-row national-project form.
func benchForms(b *testing.B, ts []*mapping.Template) []benchForm {
	b.Helper()
	files, err := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if err != nil || len(files) == 0 {
		b.Fatal("no examples")
	}
	datas := map[string][]byte{}
	for _, f := range files {
		if datas[filepath.Base(f)], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	datas["national-project-200-rows"] = testkit.ProjectRows(b, 200)
	var out []benchForm
	for _, name := range []string{"caidian-minzheng-2022.xlsx", "zhuzhou-jiuzhu-2024.xlsx", "lechang-canji-2021.xlsx",
		"yuan-jiuzhu-2020.xlsx", "national-project-200-rows"} {
		wb, err := template.Read(name, datas[name], template.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		t, s, err := mapping.Detect(wb, ts)
		if err != nil {
			b.Fatal(err)
		}
		res, err := t.Extract(wb, s)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, benchForm{name, wb, t, s, res})
	}
	return out
}

func BenchmarkDetect(b *testing.B) {
	ts := loadTemplates(b)
	for _, f := range benchForms(b, ts) {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := mapping.Detect(f.wb, ts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExtract reads the fields, tables and blocks: label search and
// table reading.
func BenchmarkExtract(b *testing.B) {
	for _, f := range benchForms(b, loadTemplates(b)) {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.t.Extract(f.wb, f.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheck evaluates the reading rules and every check of the
// template's rules.
func BenchmarkCheck(b *testing.B) {
	for _, f := range benchForms(b, loadTemplates(b)) {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.t.Check(f.res)
			}
		})
	}
}

// largeTable is the 200-row national-project form with its indicator rows
// repeated to n rows, as a consolidated sheet holds them: the merges of
// the 一级/二级 groups repeated with the rows, a label beside the table
// grown with it, the rows below moved down.
func largeTable(b *testing.B, n int) (*mapping.Template, *mapping.Workbook, *mapping.Sheet) {
	b.Helper()
	ts := loadTemplates(b)
	wb, err := template.Read("big.xlsx", testkit.ProjectRows(b, 200), template.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	t, s, err := mapping.Detect(wb, ts)
	if err != nil {
		b.Fatal(err)
	}
	res, err := t.Extract(wb, s)
	if err != nil {
		b.Fatal(err)
	}
	rows := res.Tables["indicators"]
	first, last := rows[0].Row-1, rows[len(rows)-1].Row-1
	k := last - first + 1
	big := &mapping.Sheet{Name: s.Name}
	big.Rows = append(big.Rows, s.Rows[:first]...)
	for i := 0; i < n; i++ {
		big.Rows = append(big.Rows, s.Rows[first+i%k])
	}
	big.Rows = append(big.Rows, s.Rows[last+1:]...)
	shift := n - k
	for _, m := range s.Merges {
		switch {
		case m.Bottom < first:
			big.Merges = append(big.Merges, m)
		case m.Top > last:
			big.Merges = append(big.Merges, mapping.Range{Top: m.Top + shift, Left: m.Left, Bottom: m.Bottom + shift, Right: m.Right})
		case m.Top >= first && m.Bottom <= last:
			for base := 0; base+m.Bottom-first < n; base += k {
				big.Merges = append(big.Merges, mapping.Range{Top: m.Top + base, Left: m.Left, Bottom: m.Bottom + base, Right: m.Right})
			}
		default:
			big.Merges = append(big.Merges, mapping.Range{Top: m.Top, Left: m.Left, Bottom: m.Bottom + shift, Right: m.Right})
		}
	}
	return t, &mapping.Workbook{Name: "big.xlsx", Sheets: []*mapping.Sheet{big}}, big
}

// BenchmarkLargeTable reads and checks a national-project form of 20,000
// indicator rows (issue 12): the sheet is built once, each iteration
// reads it afresh (a copy without the view detection caches) and checks
// what it read.
func BenchmarkLargeTable(b *testing.B) {
	t, wb, s := largeTable(b, 20_000)
	b.ReportAllocs()
	for b.Loop() {
		fresh := &mapping.Sheet{Name: s.Name, Rows: s.Rows, Merges: s.Merges}
		res, err := t.Extract(&mapping.Workbook{Name: wb.Name, Sheets: []*mapping.Sheet{fresh}}, fresh)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(res.Tables["indicators"]); n != 20_000 {
			b.Fatalf("read %d rows, want 20000", n)
		}
		t.Check(res)
	}
}

// BenchmarkFingerprint hashes the read results, as an import does for
// every workbook.
func BenchmarkFingerprint(b *testing.B) {
	for _, f := range benchForms(b, loadTemplates(b)) {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.res.Fingerprint()
			}
		})
	}
}
