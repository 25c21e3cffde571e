package template

import (
	"fmt"
	"sort"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// Checking a mapping against its blank template and filled samples
// (`jxsync mapping check`): where each binding is found in each sample,
// its value and what is wrong with it.

// Sample is a filled workbook a mapping is checked against.
type Sample struct {
	Name string
	Data []byte
}

// MappingCheck is what CheckMapping finds.
type MappingCheck struct {
	Template *mapping.Template
	// Blank is the error of resolving the mapping in its template.xlsx;
	// nil when every binding resolves.
	Blank error
	// Samples are the samples in the order given.
	Samples []SampleCheck
	// Bindings are the mapping's bindings in the order of the mapping:
	// detection, fields, tables and their columns, blocks.
	Bindings []BindingCheck
}

// SampleCheck is one sample.
type SampleCheck struct {
	File string
	// Sheet is the sheet read as the form.
	Sheet string
	// Detected is the template the sample is recognised as among the known
	// templates and this one, as ID@VERSION ("" when none).
	Detected string
	// Missing lists what the sample's sheet lacks to be detected as this
	// template (detection labels, headers, title).
	Missing []string
	// Err says why the sample could not be read.
	Err error
	// Findings are the validation findings of the sample: rules that fire
	// (they do not fail the check: samples may carry real errors).
	Findings []mapping.Finding
}

// BindingCheck is one binding across the samples.
type BindingCheck struct {
	// Path names the binding: detect, fields.NAME, tables.NAME,
	// tables.NAME.COLUMN, blocks.NAME (block tables as blocks.B.tables.T).
	Path  string
	Title string
	// At holds the binding in each sample, by the index of Samples.
	At []BindingAt
	// Notes say what is wrong across the samples (found at different
	// places).
	Notes []string
}

// BindingAt is a binding in one sample.
type BindingAt struct {
	// Cell is where it was found: Sheet!A1, a row range for a table, a
	// column's cells.
	Cell string
	// Value is the value read (or how many rows).
	Value string
	// Problem says what is wrong; Fail marks a problem that fails the
	// check (not found, type mismatch, not detected).
	Problem string
	Fail    bool
}

// Failed counts the bindings that fail in any sample, and the blank when
// it does not resolve.
func (mc *MappingCheck) Failed() int {
	n := 0
	if mc.Blank != nil {
		n++
	}
	for _, b := range mc.Bindings {
		for _, at := range b.At {
			if at.Fail {
				n++
				break
			}
		}
	}
	return n
}

// CheckMapping loads a mapping (name is its path, for messages), resolves
// it in its blank template and reads each sample with it. known are the
// other templates, against which each sample's detection is checked. The
// error is for a mapping or blank that cannot be read at all.
func CheckMapping(name string, mappingYAML, blank []byte, samples []Sample, known []*mapping.Template) (*MappingCheck, error) {
	t, err := mapping.Load(name, mappingYAML)
	if err != nil {
		return nil, err
	}
	mc := &MappingCheck{Template: t}
	bwb, err := Read("template.xlsx", blank, Limits{})
	if err != nil {
		return nil, fmt.Errorf("check mapping %s: template.xlsx: %w", name, err)
	}
	mc.Blank = Check(t, bwb)
	var others []*mapping.Template
	for _, k := range known {
		if k.ID != t.ID || k.Version != t.Version {
			others = append(others, k)
		}
	}
	results := make([]*mapping.Result, len(samples))
	sheets := make([]*mapping.Sheet, len(samples))
	for i, smp := range samples {
		sc := SampleCheck{File: smp.Name}
		wb, err := Read(smp.Name, smp.Data, DefaultLimits)
		if err != nil {
			sc.Err = err
			mc.Samples = append(mc.Samples, sc)
			continue
		}
		forms := t.FormsOf(wb)
		if len(forms) == 0 {
			sc.Err = fmt.Errorf("%s: 工作簿没有工作表 (no sheet)", smp.Name)
			mc.Samples = append(mc.Samples, sc)
			continue
		}
		form := forms[0]
		sc.Sheet = form.Sheet.Name
		only := &mapping.Workbook{Name: wb.Name, Sheets: []*mapping.Sheet{form.Sheet}, Props: wb.Props}
		if det, err := mapping.DetectForms(only, append([]*mapping.Template{t}, others...)); err == nil {
			sc.Detected = det[0].Template.ID + "@" + det[0].Template.Version
		}
		if ok, _, missing := t.Match(form.Sheet); !ok {
			sc.Missing = missing
		}
		res, err := form.Extract(wb)
		if err != nil {
			sc.Err = err
			mc.Samples = append(mc.Samples, sc)
			continue
		}
		sc.Findings = t.Check(res)
		results[i], sheets[i] = res, form.Sheet
		mc.Samples = append(mc.Samples, sc)
	}
	mc.bindings(t, results, sheets)
	return mc, nil
}

// bindings fills mc.Bindings from the samples' results.
func (mc *MappingCheck) bindings(t *mapping.Template, results []*mapping.Result, sheets []*mapping.Sheet) {
	self := t.ID + "@" + t.Version
	det := BindingCheck{Path: "detect", Title: "识别 (detection)"}
	for i, smp := range mc.Samples {
		at := BindingAt{}
		switch {
		case smp.Err != nil:
			at.Problem, at.Fail = "无法读取 (unreadable): "+smp.Err.Error(), true
		case smp.Detected == self:
			at.Cell, at.Value = smp.Sheet, "识别为 "+self
			for _, p := range results[i].Problems {
				if p.Code == "detect-label-missing" {
					at.Problem = p.Message
				}
			}
		case smp.Detected == "":
			at.Cell, at.Problem, at.Fail = smp.Sheet, "未被识别 (not detected): 缺少 "+strings.Join(smp.Missing, "、"), true
		default:
			at.Cell, at.Value = smp.Sheet, "识别为 "+smp.Detected
			at.Problem, at.Fail = "被识别为另一模板 (detected as another template)", true
			if len(smp.Missing) > 0 {
				at.Problem += "；本模板缺少 " + strings.Join(smp.Missing, "、")
			}
		}
		det.At = append(det.At, at)
	}
	mc.Bindings = append(mc.Bindings, det)
	problems := func(res *mapping.Result, path string) []mapping.Problem {
		var out []mapping.Problem
		for _, p := range res.Problems {
			if p.Path == path || strings.HasPrefix(p.Path, path+"[") {
				out = append(out, p)
			}
		}
		return out
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		mc.Bindings = append(mc.Bindings, mc.field(f, "fields."+f.Name, results, sheets, func(res *mapping.Result) (mapping.Value, bool) {
			v, ok := res.Fields[f.Name]
			return v, ok
		}, problems))
	}
	for i := range t.Tables {
		tb := &t.Tables[i]
		mc.table(tb, "tables."+tb.Name, results, func(res *mapping.Result) [][]mapping.Row {
			return [][]mapping.Row{res.Tables[tb.Name]}
		}, problems)
	}
	for i := range t.Blocks {
		b := &t.Blocks[i]
		bc := BindingCheck{Path: "blocks." + b.Name, Title: b.Title}
		for k, res := range results {
			at := BindingAt{}
			if res == nil {
				bc.At = append(bc.At, at)
				continue
			}
			insts := res.Blocks[b.Name]
			var rows []string
			for _, in := range insts {
				rows = append(rows, fmt.Sprint(in.Row))
			}
			at.Value = fmt.Sprintf("%d 个", len(insts))
			if len(rows) > 0 {
				at.Cell = sheets[k].Name + " 第 " + strings.Join(rows, "、") + " 行"
			}
			if ps := problems(res, "blocks."+b.Name); len(insts) == 0 && len(ps) > 0 {
				at.Problem, at.Fail = ps[0].Message, true
			}
			bc.At = append(bc.At, at)
		}
		mc.Bindings = append(mc.Bindings, bc)
		for j := range b.Fields {
			f := &b.Fields[j]
			path := "blocks." + b.Name + ".fields." + f.Name
			mc.Bindings = append(mc.Bindings, mc.field(f, path, results, sheets, func(res *mapping.Result) (mapping.Value, bool) {
				insts := res.Blocks[b.Name]
				if len(insts) == 0 {
					return mapping.Value{}, false
				}
				v, ok := insts[0].Fields[f.Name]
				return v, ok
			}, func(res *mapping.Result, _ string) []mapping.Problem {
				var out []mapping.Problem
				for _, p := range res.Problems {
					if strings.HasPrefix(p.Path, "blocks."+b.Name+"[") && strings.HasSuffix(p.Path, ".fields."+f.Name) {
						out = append(out, p)
					}
				}
				return out
			}))
		}
		for j := range b.Tables {
			tb := &b.Tables[j]
			mc.table(tb, "blocks."+b.Name+".tables."+tb.Name, results, func(res *mapping.Result) [][]mapping.Row {
				var out [][]mapping.Row
				for _, in := range res.Blocks[b.Name] {
					out = append(out, in.Tables[tb.Name])
				}
				return out
			}, func(res *mapping.Result, _ string) []mapping.Problem {
				var out []mapping.Problem
				for _, p := range res.Problems {
					if strings.HasPrefix(p.Path, "blocks."+b.Name+"[") && strings.HasSuffix(p.Path, ".tables."+tb.Name) {
						out = append(out, p)
					}
				}
				return out
			})
		}
	}
}

// field checks one field in every sample.
func (mc *MappingCheck) field(f *mapping.Field, path string, results []*mapping.Result, sheets []*mapping.Sheet,
	get func(*mapping.Result) (mapping.Value, bool), problems func(*mapping.Result, string) []mapping.Problem) BindingCheck {
	bc := BindingCheck{Path: path, Title: f.Title}
	cells := map[string]bool{}
	for k, res := range results {
		at := BindingAt{}
		if res == nil {
			bc.At = append(bc.At, at)
			continue
		}
		v, ok := get(res)
		ps := problems(res, path)
		switch {
		case len(ps) > 0 && ps[0].Code != "pattern-no-match":
			at.Problem, at.Fail = ps[0].Message, !f.Optional
		case len(ps) > 0:
			at.Cell, at.Problem = strings.TrimPrefix(ps[0].Cell, sheets[k].Name+"!"), ps[0].Message
			at.Fail = f.Required
		case !ok:
			if !f.Optional {
				at.Problem = "未读到 (not read)"
			}
		case v.Error != "":
			at.Cell, at.Value = cellOnly(v.Cell), short(v.Raw)
			at.Problem, at.Fail = "类型不符 (type mismatch): "+v.Error, true
		default:
			at.Cell, at.Value = cellOnly(v.Cell), short(v.Raw)
			if v.Empty() && f.Required {
				at.Problem = "必填但为空 (required, empty)"
			}
		}
		if at.Cell != "" && !at.Fail {
			cells[at.Cell] = true
			if len(f.Label) > 0 && f.Cell == "" && f.Nth == 0 {
				if n := len(hits(sheets[k], f.Label[0], f.Match)); n > 1 && at.Problem == "" {
					at.Problem = fmt.Sprintf("标签出现 %d 次，取第一个 (ambiguous: label found %d times; set nth)", n, n)
				}
			}
		}
		bc.At = append(bc.At, at)
	}
	if len(cells) > 1 {
		var cs []string
		for c := range cells {
			cs = append(cs, c)
		}
		sort.Strings(cs)
		bc.Notes = append(bc.Notes, "各样本中位置不同 (found at different places): "+strings.Join(cs, "、"))
	}
	return bc
}

func cellOnly(ref string) string {
	if i := strings.LastIndexByte(ref, '!'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

// table checks a table and its columns in every sample; instances gives
// the table's rows (one list per block instance).
func (mc *MappingCheck) table(tb *mapping.Table, path string, results []*mapping.Result,
	instances func(*mapping.Result) [][]mapping.Row, problems func(*mapping.Result, string) []mapping.Problem) {
	bc := BindingCheck{Path: path, Title: tb.Title}
	cols := make([]BindingCheck, len(tb.Columns))
	for j, c := range tb.Columns {
		cols[j] = BindingCheck{Path: path + "." + c.Name, Title: c.Title}
	}
	for _, res := range results {
		if res == nil {
			bc.At = append(bc.At, BindingAt{})
			for j := range cols {
				cols[j].At = append(cols[j].At, BindingAt{})
			}
			continue
		}
		var rows []mapping.Row
		for _, in := range instances(res) {
			rows = append(rows, in...)
		}
		at := BindingAt{Value: fmt.Sprintf("%d 行", len(rows))}
		if len(rows) > 0 {
			at.Cell = fmt.Sprintf("第 %d–%d 行", rows[0].Row, rows[len(rows)-1].Row)
		}
		if ps := problems(res, path); len(ps) > 0 {
			for _, p := range ps {
				if p.Code == "header-not-found" {
					at.Problem, at.Fail = p.Message, true
					break
				}
				at.Problem = p.Message
			}
		} else if len(rows) == 0 {
			at.Problem = "没有数据行 (no rows)"
		}
		bc.At = append(bc.At, at)
		for j, c := range tb.Columns {
			cat := BindingAt{}
			filled, bad, col := 0, 0, ""
			var first, badText string
			for _, r := range rows {
				v, ok := r.Lookup(c.Name)
				if !ok {
					continue
				}
				if col == "" {
					col = strings.TrimRight(cellOnly(v.Cell), "0123456789")
				}
				if v.Empty() {
					continue
				}
				filled++
				if first == "" {
					first = short(v.Raw)
				}
				if v.Error != "" {
					bad++
					if badText == "" {
						badText = v.Error
					}
				}
			}
			if col != "" {
				cat.Cell = col + " 列"
			}
			if len(rows) > 0 {
				cat.Value = fmt.Sprintf("%d/%d 行有值", filled, len(rows))
			}
			if first != "" {
				cat.Value += "，如“" + first + "”"
			}
			switch {
			case col == "" && len(rows) > 0 && !c.Optional:
				cat.Problem, cat.Fail = "未找到此列 (column not found)", true
			case bad > 0 && bad*2 > filled:
				cat.Problem, cat.Fail = fmt.Sprintf("类型不符 (type mismatch): %d 行，如 %s", bad, badText), true
			case bad > 0:
				cat.Problem = fmt.Sprintf("%d 行值不符类型（样本错误？）: %s", bad, badText)
			case c.Required && filled < len(rows):
				cat.Problem = fmt.Sprintf("必填，%d 行为空 (required, %d empty)", len(rows)-filled, len(rows)-filled)
			}
			cols[j].At = append(cols[j].At, cat)
		}
	}
	mc.Bindings = append(mc.Bindings, bc)
	mc.Bindings = append(mc.Bindings, cols...)
}
