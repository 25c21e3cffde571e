package template

import (
	"io/fs"
	"path"
	"strconv"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// Benchmarks of Export (go test -run x -bench Export ./template): for every
// shipped form, the extraction of its first example exported as seeded and
// with its table grown to 100 rows. Besides ns/op they report the CPU time
// an export takes (cpu-ns/op, all threads, the garbage collector's too) and
// its inverse, exports per CPU-second.

// benchRows is d with its largest table (in a form with blocks, its first
// block's largest table) grown to n rows, repeating its rows and numbering
// the repeated 三级指标 so that they stay distinct.
func benchRows(d *Data, n int) *Data {
	out := &Data{Fields: d.Fields, Tables: map[string][]map[string]string{}, Blocks: map[string][]Data{}}
	for name, insts := range d.Blocks {
		out.Blocks[name] = append([]Data(nil), insts...)
	}
	big := ""
	for name, rows := range d.Tables {
		out.Tables[name] = rows
		if big == "" || len(rows) > len(d.Tables[big]) || len(rows) == len(d.Tables[big]) && name < big {
			big = name
		}
	}
	if big == "" {
		for name, insts := range out.Blocks {
			if len(insts) > 0 && len(insts[0].Tables) > 0 {
				insts[0] = *benchRows(&insts[0], n)
				out.Blocks[name] = insts
				return out
			}
		}
		return out
	}
	seed := d.Tables[big]
	rows := make([]map[string]string, n)
	for i := range rows {
		r := map[string]string{}
		for k, v := range seed[i%len(seed)] {
			r[k] = v
		}
		if i >= len(seed) && r["level3"] != "" {
			r["level3"] += "（" + strconv.Itoa(i/len(seed)+1) + "）"
		}
		rows[i] = r
	}
	out.Tables[big] = rows
	return out
}

// benchExportCase is a template and an extraction to export onto it.
type benchExportCase struct {
	name string
	tpl  *mapping.Template
	res  *mapping.Result
}

// benchExportCases builds, per shipped form, its first example's extraction
// as seeded and grown to 100 rows.
func benchExportCases(tb testing.TB) []benchExportCase {
	tb.Helper()
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		tb.Fatal(err)
	}
	var out []benchExportCase
	for _, fm := range Forms {
		examples, _ := fs.Glob(templates.FS, path.Join(fm.ID, fm.Version, "examples", "*.yaml"))
		if len(examples) == 0 {
			tb.Fatalf("%s@%s: no example", fm.ID, fm.Version)
		}
		src, _ := fs.ReadFile(templates.FS, examples[0])
		d, err := ParseData(examples[0], src)
		if err != nil {
			tb.Fatal(err)
		}
		for _, c := range []struct {
			size string
			d    *Data
		}{{"seed", d}, {"100-rows", benchRows(d, 100)}} {
			data, err := fm.BuildBytes(c.d)
			if err != nil {
				tb.Fatal(err)
			}
			wb, err := Read("bench.xlsx", data, Limits{})
			if err != nil {
				tb.Fatal(err)
			}
			tpl, sheet, err := mapping.Detect(wb, reg.Templates)
			if err != nil {
				tb.Fatal(err)
			}
			res, err := tpl.Extract(wb, sheet)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, benchExportCase{fm.ID + "@" + fm.Version + "/" + c.size, tpl, res})
		}
	}
	return out
}

func BenchmarkExport(b *testing.B) {
	props := map[string]string{mapping.PropUnit: "x", mapping.PropTemplate: "t", mapping.PropRevision: "3", mapping.PropDataHash: "abc"}
	for _, c := range benchExportCases(b) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, err := Export(c.tpl, c.res, props); err != nil {
					b.Fatal(err)
				}
			}
			cpu := float64(cpuTime()-start) / float64(b.N)
			b.ReportMetric(cpu, "cpu-ns/op")
			if cpu > 0 {
				b.ReportMetric(1e9/cpu, "exports/cpu-s")
			}
		})
	}
}
