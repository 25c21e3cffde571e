package testkit

import (
	"strconv"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// BenchForm is a form read and checked as an import reads it, for the
// benchmarks of what is stored of it.
type BenchForm struct {
	// Name says what the form is: "seed" (the 蔡甸区民政局 example of
	// hubei-dept@2022, 10 indicator rows) or "rows-N" (a national-project
	// form with N indicator rows).
	Name   string
	Report *jxsync.Report
}

// BenchForms returns the seed-sized form and national-project forms with
// each of rows indicator rows, read and checked.
func BenchForms(tb testing.TB, rows ...int) []BenchForm {
	tb.Helper()
	svc := &jxsync.Service{Templates: Registry(tb).Templates, Reader: template.Reader{}}
	read := func(name string, data []byte) BenchForm {
		rep, err := svc.Validate(name+".xlsx", data, "")
		if err != nil {
			tb.Fatal(err)
		}
		return BenchForm{Name: name, Report: rep}
	}
	out := []BenchForm{read("seed", HubeiWorkbook(tb, "测试单位", nil))}
	for _, n := range rows {
		out = append(out, read("rows-"+strconv.Itoa(n), ProjectRows(tb, n)))
	}
	return out
}

// ProjectRows builds the 乐昌 残疾人 example of national-project@2020 with
// n indicator rows: the example's rows over and over, the third-level
// names of the repeats numbered (（2）, （3）, …) as a long form's are
// distinct.
func ProjectRows(tb testing.TB, n int) []byte {
	tb.Helper()
	return BuildExample(tb, "national-project/2020/examples/lechang-canji-2021.yaml", func(d *template.Data) {
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
	})
}

// Rows counts the table rows of a result, in blocks too.
func Rows(res *mapping.Result) int {
	n := 0
	for _, t := range res.Tables {
		n += len(t)
	}
	for _, insts := range res.Blocks {
		for _, b := range insts {
			for _, t := range b.Tables {
				n += len(t)
			}
		}
	}
	return n
}
