package template

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// ScaffoldOptions say which form Scaffold reads and what it names it.
type ScaffoldOptions struct {
	// Sheet is the form's sheet; empty: the first sheet with an indicator
	// table (else the first sheet).
	Sheet string
	// ID and Version name the new template version.
	ID, Version string
	// Known are the templates jxsync already knows, and Blank returns the
	// blank workbook of one of them: detection labels are chosen that no
	// known blank carries. Both may be nil.
	Known []*mapping.Template
	Blank func(*mapping.Template) ([]byte, error)
}

// ScaffoldResult is a proposed template version: what `jxsync mapping
// scaffold` writes.
type ScaffoldResult struct {
	// Mapping is mapping.yaml, every guess commented with its reason.
	Mapping []byte
	// Blank is template.xlsx: the form's sheet with its values cleared.
	Blank []byte
	// Template is Mapping loaded; it resolves against Blank.
	Template *mapping.Template
	// Sheet is the sheet the form was read from.
	Sheet string
	// Notes list what a person must look at: values not placed, bindings
	// that did not resolve as intended, detection caveats.
	Notes []string
}

var scaffoldIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Scaffold reads a blank or filled form (the workbook data, file name
// name) and proposes a template version for it: a mapping.yaml binding
// its fields, grids, indicator tables and goal blocks, with detection
// labels, identity and the rules of the library that fit its columns, and
// the blank template.xlsx. The mapping is checked before it is returned:
// it loads, resolves against the blank, and reads the sample's values at
// the cells they were found at; what does not is in Notes (and at the top
// of the mapping).
func Scaffold(name string, data []byte, o ScaffoldOptions) (*ScaffoldResult, error) {
	if !scaffoldIDRE.MatchString(o.ID) {
		return nil, fmt.Errorf("scaffold: --id must be lower-case letters, digits and dashes, got %q", o.ID)
	}
	if strings.TrimSpace(o.Version) == "" {
		return nil, errors.New("scaffold: --version is required (e.g. 2025)")
	}
	wb, err := Read(name, data, Limits{})
	if err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	s, err := formSheet(wb, o.Sheet)
	if err != nil {
		return nil, err
	}
	sc := newScaffolder(s)
	sc.findTables()
	sc.findTotals()
	sc.findTitle()
	sc.findGrids()
	sc.findFields()
	sc.finishTitle()
	sc.goals()
	sc.name()
	if len(sc.tables) == 0 {
		sc.note("未找到指标表（表头须含三级指标、指标值、实际完成值、分值、得分中的至少三个）：未提议 tables (no indicator table found)")
	}
	blank, err := blankWorkbook(data, s.Name, sc.clear)
	if err != nil {
		return nil, err
	}
	blankWB, err := Read("template.xlsx", blank, Limits{})
	if err != nil {
		return nil, fmt.Errorf("scaffold: blank template: %w", err)
	}
	blankSheet := blankWB.Sheet(s.Name)
	var known []knownBlank
	if o.Blank != nil {
		for _, t := range o.Known {
			b, err := o.Blank(t)
			if err != nil {
				continue
			}
			kwb, err := Read(t.ID+"/template.xlsx", b, Limits{})
			if err != nil {
				continue
			}
			ks, _ := t.SheetOf(kwb)
			if ks == nil && len(kwb.Sheets) > 0 {
				ks = kwb.Sheets[0]
			}
			if ks != nil {
				known = append(known, knownBlank{t: t, sheet: ks})
			}
		}
	}
	title := "绩效自评表"
	if sc.title != nil && sc.title.core != "" {
		title = sc.title.core
	}
	p := &proposal{id: o.ID, version: o.Version, title: title, sheet: s.Name, file: filepath.Base(name)}
	sc.identify(p)
	sc.detection(p, blankSheet, known)
	p.rules = mapping.RuleLibrary(sc.ruleRoles())
	sample := &mapping.Workbook{Name: wb.Name, Sheets: []*mapping.Sheet{s}, Props: wb.Props}
	var t *mapping.Template
	var y []byte
	for pass := 0; ; pass++ {
		p.fields = nil
		for _, f := range sc.fields {
			if f.block == nil {
				p.fields = append(p.fields, f)
			}
		}
		p.tables = nil
		for _, tb := range sc.tables {
			if tb.block == nil {
				p.tables = append(p.tables, tb)
			}
		}
		p.blocks = sc.blocks
		if y, err = p.yaml(nil); err != nil {
			return nil, err
		}
		if t, err = mapping.Load(filepath.Join(o.ID, o.Version, "mapping.yaml"), y); err != nil {
			return nil, fmt.Errorf("scaffold: the proposed mapping does not load (a bug; please report it with the workbook): %w", err)
		}
		if !sc.fix(t, sample, s, blankWB) || pass == 2 {
			break
		}
	}
	sc.verify(t, sample, s, blankWB, known)
	notes := dedupe(sc.notes)
	if y, err = p.yaml(notes); err != nil {
		return nil, err
	}
	if t, err = mapping.Load(filepath.Join(o.ID, o.Version, "mapping.yaml"), y); err != nil {
		return nil, fmt.Errorf("scaffold: the proposed mapping does not load: %w", err)
	}
	return &ScaffoldResult{Mapping: y, Blank: blank, Template: t, Sheet: s.Name, Notes: notes}, nil
}

// formSheet picks the sheet of the form: the named one, else the first
// with an indicator table header, else the first.
func formSheet(wb *mapping.Workbook, name string) (*mapping.Sheet, error) {
	if len(wb.Sheets) == 0 {
		return nil, fmt.Errorf("scaffold: %s: 工作簿没有工作表 (no sheet)", wb.Name)
	}
	if name != "" {
		if s := wb.Sheet(name); s != nil {
			return s, nil
		}
		names := make([]string, len(wb.Sheets))
		for i, s := range wb.Sheets {
			names[i] = "“" + s.Name + "”"
		}
		return nil, fmt.Errorf("scaffold: %s: 没有名为“%s”的工作表，现有 %s (no sheet %q)", wb.Name, name, strings.Join(names, "、"), name)
	}
	for _, s := range wb.Sheets {
		sc := newScaffolder(s)
		for r := 0; r < sc.rows; r++ {
			if sc.isIndicatorHeader(r) {
				return s, nil
			}
		}
	}
	return wb.Sheets[0], nil
}

// hits returns the cells of s whose text matches label in mode, in
// reading order (as the mapping engine searches them).
func hits(s *mapping.Sheet, label string, mode mapping.MatchMode) []pos {
	nl := mapping.NormLabel(label)
	var out []pos
	for r, row := range s.Rows {
		for c, cell := range row {
			t := mapping.NormLabel(cell.Text)
			if t == "" {
				continue
			}
			ok := t == nl
			switch mode {
			case mapping.MatchPrefix:
				ok = strings.HasPrefix(t, nl)
			case mapping.MatchContains:
				ok = strings.Contains(t, nl)
			}
			if ok {
				out = append(out, pos{r, c})
			}
		}
	}
	return out
}

// fix extracts the sample with t and corrects what reads another cell than
// the one the value was found at: a label found earlier elsewhere gets nth;
// a binding that does not resolve in the blank is dropped. It reports
// whether it changed anything.
func (sc *scaffolder) fix(t *mapping.Template, sample *mapping.Workbook, s *mapping.Sheet, blank *mapping.Workbook) bool {
	changed := false
	res, err := t.Extract(sample, s)
	if err != nil {
		return false
	}
	for _, f := range sc.fields {
		if f.block != nil || f.sample == "" || f.f.Cell != "" {
			continue
		}
		got, ok := res.Fields[f.f.Name]
		if ok && got.Cell == s.Name+"!"+f.at.String() {
			continue
		}
		if f.f.Nth > 0 {
			continue
		}
		hs := hits(s, f.f.Label[0], f.f.Match)
		for i, h := range hs {
			if h == f.label && i > 0 {
				f.f.Nth = i + 1
				f.why = append(f.why, fmt.Sprintf("标签在表中出现 %d 次，取第 %d 个（nth）", len(hs), i+1))
				changed = true
			}
		}
	}
	if err := Check(t, blank); err != nil {
		for _, f := range sc.fields {
			if f.block == nil && strings.Contains(err.Error(), "fields."+f.f.Name+":") {
				sc.note("字段 %s（%s）在空白表中找不到，已删除 (dropped: does not resolve in the blank)", f.f.Name, f.f.Title)
				sc.drop(f)
				changed = true
			}
		}
	}
	return changed
}

// drop removes field f from the proposal.
func (sc *scaffolder) drop(f *sField) {
	out := sc.fields[:0]
	for _, x := range sc.fields {
		if x != f {
			out = append(out, x)
		}
	}
	sc.fields = out
}

// verify notes what the final mapping does not read as found: fields at
// other cells or with problems, table rows missed, a blank that does not
// resolve, a sample another template would claim.
func (sc *scaffolder) verify(t *mapping.Template, sample *mapping.Workbook, s *mapping.Sheet, blank *mapping.Workbook, known []knownBlank) {
	if err := Check(t, blank); err != nil {
		sc.note("映射在空白表中未能全部解析 (does not resolve in template.xlsx): %v", err)
	}
	res, err := t.Extract(sample, s)
	if err != nil {
		sc.note("读取样本失败 (extract failed): %v", err)
		return
	}
	for _, f := range sc.fields {
		if f.block != nil || f.sample == "" {
			continue
		}
		want := s.Name + "!" + f.at.String()
		got, ok := res.Fields[f.f.Name]
		switch {
		case !ok:
			sc.note("字段 %s（%s）未能读取，样本中其值在 %s (not read; the sample has it at %s)", f.f.Name, f.f.Title, f.at, f.at)
		case got.Cell != want:
			sc.note("字段 %s（%s）读到 %s，而样本中其值在 %s：请核对标签 (read at another cell)", f.f.Name, f.f.Title, got.Cell, f.at)
		case got.Error != "":
			sc.note("字段 %s（%s）：%s", f.f.Name, f.f.Title, got.Error)
		}
	}
	for _, pr := range res.Problems {
		if pr.Code == "pattern-no-match" && strings.HasSuffix(pr.Path, ".year") {
			continue
		}
		sc.note("%s：%s", pr.Path, pr.Message)
	}
	check := func(tb *sTable, b *sBody, rows []mapping.Row, where string) {
		got := map[int]bool{}
		for _, r := range rows {
			got[r.Row-1] = true
		}
		var missed []string
		for _, r := range b.rows {
			if !got[r] {
				missed = append(missed, fmt.Sprint(r+1))
			}
		}
		if len(missed) > 0 {
			sc.note("%s 未读到样本第 %s 行 (rows not read)", where, strings.Join(missed, "、"))
		}
	}
	for _, tb := range sc.tables {
		if tb.block == nil {
			check(tb, tb.bodies[0], res.Tables[tb.name], "tables."+tb.name)
			continue
		}
		inst := res.Blocks[tb.block.name]
		for i, b := range tb.bodies {
			if i >= len(inst) {
				sc.note("blocks.%s 只读到 %d 个块，样本中有 %d 个 (blocks missed)", tb.block.name, len(inst), len(tb.bodies))
				break
			}
			check(tb, b, inst[i].Tables[tb.name], fmt.Sprintf("blocks.%s[%d].tables.%s", tb.block.name, i, tb.name))
		}
	}
	if len(known) > 0 {
		ts := []*mapping.Template{t}
		for _, k := range known {
			ts = append(ts, k.t)
		}
		if forms, err := mapping.DetectForms(sample, ts); err != nil {
			sc.note("样本未被识别为本模板 (the sample is not detected): %v", err)
		} else if forms[0].Template != t {
			sc.note("样本被识别为已知模板 %s@%s 而非本模板：请在 detect 中加入本表独有的标签 (the sample is detected as %s@%s)",
				forms[0].Template.ID, forms[0].Template.Version, forms[0].Template.ID, forms[0].Template.Version)
		}
	}
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// WriteScaffold writes r into dir (created with its parents):
// mapping.yaml and template.xlsx. Existing files are kept unless force.
func WriteScaffold(dir string, r *ScaffoldResult, force bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{{"mapping.yaml", r.Mapping}, {"template.xlsx", r.Blank}}
	if !force {
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(dir, f.name)); err == nil {
				return nil, fmt.Errorf("scaffold: %s 已存在，不覆盖（加 --force 覆盖） (exists; use --force)", filepath.Join(dir, f.name))
			}
		}
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := writeFileAtomic(p, f.data); err != nil {
			return written, fmt.Errorf("scaffold: %w", err)
		}
		written = append(written, p)
	}
	return written, nil
}
