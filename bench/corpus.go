// Package bench measures jxsync at bureau scale: a deterministic corpus of
// filled workbooks of every shipped template (generated, never committed),
// extract + validate throughput against peers (openpyxl, a plain excelize
// reader, and a floor that only unzips and scans the sheet XML), end-to-end
// import into the local and S3 stores, regenerate throughput, and one
// 100,000-row indicator sheet. scripts/bench.sh runs it all and writes
// bench/results.md; the Go benchmarks of this package and of the mapping,
// template and sync packages cover the hot paths for benchstat.
package bench

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/templates"
)

// Seed is one shipped example: the data a filled workbook of a template is
// built from.
type Seed struct {
	// Name is the example's file name without extension.
	Name string
	// Template is the mapping, Form the layout code of its version.
	Template *mapping.Template
	Form     *template.Form
	// Data is the example's content.
	Data *template.Data
}

// Ref is "id@version" of the seed's template.
func (s *Seed) Ref() string { return s.Template.ID + "@" + s.Template.Version }

// Rows is the number of indicator rows of the seed's main table.
func (s *Seed) Rows() int {
	n := 0
	for _, l := range mainTables(s.Template, s.Data) {
		n += len(l.rows(s.Data))
	}
	return n
}

// LoadTemplates loads the shipped templates.
func LoadTemplates() ([]*mapping.Template, error) {
	reg, err := template.LoadRegistry(templates.FS)
	if err != nil {
		return nil, err
	}
	return reg.Templates, nil
}

// LoadSeeds returns every shipped example of every template, grouped by
// template in the order of ts, each group sorted by name.
func LoadSeeds(ts []*mapping.Template) ([]*Seed, error) {
	var out []*Seed
	for _, t := range ts {
		fm, err := template.FindForm(t.ID, t.Version)
		if err != nil {
			return nil, err
		}
		dir := path.Join(t.ID, t.Version, "examples")
		names, err := fs.Glob(templates.FS, dir+"/*.yaml")
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := fs.ReadFile(templates.FS, n)
			if err != nil {
				return nil, err
			}
			d, err := template.ParseData(n, b)
			if err != nil {
				return nil, err
			}
			out = append(out, &Seed{Name: strings.TrimSuffix(path.Base(n), ".yaml"), Template: t, Form: fm, Data: d})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no examples found")
	}
	return out, nil
}

// tableLoc is where one instance of a table sits in a Data: a top-level
// table (block "") or the table of one block instance.
type tableLoc struct {
	block string
	inst  int
	table string
}

func (l tableLoc) rows(d *template.Data) []map[string]string {
	if l.block == "" {
		return d.Tables[l.table]
	}
	return d.Blocks[l.block][l.inst].Tables[l.table]
}

func (l tableLoc) set(d *template.Data, rows []map[string]string) {
	if l.block == "" {
		d.Tables[l.table] = rows
		return
	}
	d.Blocks[l.block][l.inst].Tables[l.table] = rows
}

// mainTables returns where the template's indicator table sits in d: the
// table with the most rows, with one location per block instance for a
// table inside a block (hubei-dept has one per 年度目标).
func mainTables(t *mapping.Template, d *template.Data) []tableLoc {
	var best []tableLoc
	bestN := -1
	consider := func(locs []tableLoc) {
		n := 0
		for _, l := range locs {
			n += len(l.rows(d))
		}
		if n > bestN {
			best, bestN = locs, n
		}
	}
	for _, tb := range t.Tables {
		if _, ok := d.Tables[tb.Name]; ok {
			consider([]tableLoc{{table: tb.Name}})
		}
	}
	for _, b := range t.Blocks {
		for _, tb := range b.Tables {
			var locs []tableLoc
			for i, inst := range d.Blocks[b.Name] {
				if _, ok := inst.Tables[tb.Name]; ok {
					locs = append(locs, tableLoc{block: b.Name, inst: i, table: tb.Name})
				}
			}
			if len(locs) > 0 {
				consider(locs)
			}
		}
	}
	return best
}

// cloneData deep-copies d.
func cloneData(d *template.Data) *template.Data {
	if d == nil {
		return nil
	}
	out := &template.Data{Fields: map[string]string{}, Tables: map[string][]map[string]string{}, Blocks: map[string][]template.Data{}}
	for k, v := range d.Fields {
		out.Fields[k] = v
	}
	for k, rows := range d.Tables {
		out.Tables[k] = cloneRows(rows)
	}
	for k, insts := range d.Blocks {
		for i := range insts {
			out.Blocks[k] = append(out.Blocks[k], *cloneData(&insts[i]))
		}
	}
	return out
}

func cloneRows(rows []map[string]string) []map[string]string {
	out := make([]map[string]string, len(rows))
	for i, r := range rows {
		m := make(map[string]string, len(r))
		for k, v := range r {
			m[k] = v
		}
		out[i] = m
	}
	return out
}

// districts and kinds make the unit names of the corpus: every workbook is
// a different unit's submission.
var (
	districts = []string{"蔡甸区", "江夏区", "黄陂区", "新洲区", "汉南区", "东西湖区", "裕安区", "金安区", "乐昌市", "株洲市", "荷塘区", "芦淞区"}
	kinds     = []string{"民政局", "救助管理站", "社会福利院", "残疾人联合会", "殡仪馆", "老年公寓", "儿童福利院"}
)

// UnitName is the unit name of corpus workbook i.
func UnitName(i int) string {
	return fmt.Sprintf("%s第%d%s", districts[i%len(districts)], i/len(districts)+1, kinds[(i/3)%len(kinds)])
}

// Vary returns the seed's data as unit i's submission with n indicator rows
// (n <= 0: as many as the seed has). Rows beyond the seed's repeat them with
// the 三级指标 name numbered (a fresh group of the fill-down columns each
// time round); fewer rows keep the first n. Rows are spread over the
// table's block instances in proportion to the seed's.
func Vary(s *Seed, i, n int) *template.Data {
	d := cloneData(s.Data)
	name := UnitName(i)
	for _, f := range s.Template.Identity.Unit {
		if d.Fields[f] != "" {
			d.Fields[f] = name
		}
	}
	if n <= 0 {
		return d
	}
	locs := mainTables(s.Template, d)
	total := 0
	for _, l := range locs {
		total += len(l.rows(d))
	}
	if total == 0 {
		return d
	}
	left := n
	for k, l := range locs {
		rows := l.rows(d)
		m := n * len(rows) / total
		if k == len(locs)-1 {
			m = left
		}
		m = max(m, 1)
		left -= m
		l.set(d, cycleRows(rows, m))
	}
	return d
}

// cycleRows returns m rows repeating rows, each repetition's 三级指标
// numbered and every 序号 renumbered.
func cycleRows(rows []map[string]string, m int) []map[string]string {
	out := make([]map[string]string, m)
	for j := range out {
		src := rows[j%len(rows)]
		r := make(map[string]string, len(src))
		for k, v := range src {
			r[k] = v
		}
		if round := j / len(rows); round > 0 {
			if v := r["level3"]; v != "" {
				r["level3"] = v + "（" + strconv.Itoa(round+1) + "）"
			}
		}
		if _, ok := r["seq"]; ok {
			r["seq"] = strconv.Itoa(j + 1)
		}
		out[j] = r
	}
	return out
}
