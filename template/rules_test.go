package template

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// A rules file, testdata/rules/<template-id>.yaml, lists cases that edit a
// shipped example and say which findings validation must give:
//
//	example: templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx
//	cases:
//	  - name: rate wrong
//	    set: {F6: "95%"}               # a string is typed as text, a number as a number, null or "" empties the cell
//	    want: [rate-formula@F6:error]  # rule[@cell[+related]][:severity] that must appear
//	    absent: [low-rate-reason]      # rule[@cell] that must not appear
//
// A want may name a related cell after the cell: target-missed-reason@B19+F9
// is the finding at the reason cell B19 that has the indicator's F9 among its
// related cells.
//
// A case may name its own example, and may re-merge cells first
// (merge: [B13:B29]: every merge overlapping the range is undone, then the
// range is merged), to correct a form whose merges are wrong.
type rulesFile struct {
	Example string      `yaml:"example"`
	Cases   []rulesCase `yaml:"cases"`
}

type rulesCase struct {
	Name    string         `yaml:"name"`
	Example string         `yaml:"example"`
	Merge   []string       `yaml:"merge"`
	Set     map[string]any `yaml:"set"`
	Want    []string       `yaml:"want"`
	Absent  []string       `yaml:"absent"`
}

// rulesDir holds the case files; the example paths in them are relative to
// the repository root, one level up.
const rulesDir = "testdata/rules"

func loadRulesFiles(t *testing.T) map[string]*rulesFile {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(rulesDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*rulesFile{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var rf rulesFile
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&rf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[strings.TrimSuffix(filepath.Base(name), ".yaml")] = &rf
	}
	return out
}

// expectation is one want or absent entry: rule[@cell[+related]][:severity].
type expectation struct {
	rule, cell, related, severity string
}

func parseExpectation(s string) expectation {
	var e expectation
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s, e.severity = s[:i], s[i+1:]
	}
	e.rule, e.cell, _ = strings.Cut(s, "@")
	e.cell, e.related, _ = strings.Cut(e.cell, "+")
	return e
}

func (e expectation) String() string {
	s := e.rule
	if e.cell != "" {
		s += "@" + e.cell
	}
	if e.related != "" {
		s += "+" + e.related
	}
	if e.severity != "" {
		s += ":" + e.severity
	}
	return s
}

func (e expectation) matches(f mapping.Finding) bool {
	return f.Rule == e.rule && (e.cell == "" || f.Cell == e.cell) && (e.severity == "" || f.Severity == e.severity) &&
		(e.related == "" || relates(f, e.related))
}

// relates reports whether cell (A1) is among f's related cells (Sheet!A1).
func relates(f mapping.Finding, cell string) bool {
	for _, r := range f.Related {
		if _, c, _ := strings.Cut(r, "!"); c == cell || r == cell {
			return true
		}
	}
	return false
}

// exampleBytes reads an example by its path from the repository root, from the
// embedded template tree.
func exampleBytes(p string) ([]byte, error) {
	rel, ok := strings.CutPrefix(filepath.ToSlash(p), "templates/")
	if !ok {
		return nil, fmt.Errorf("example %q: must be a path under templates/", p)
	}
	return fs.ReadFile(templates.FS, rel)
}

// runRulesCase edits the example as the case says and validates it, giving
// the detected template and the findings.
func runRulesCase(reg *Registry, example string, c rulesCase) (*mapping.Template, []mapping.Finding, error) {
	data, err := exampleBytes(example)
	if err != nil {
		return nil, nil, err
	}
	wb, err := Read(example, data, Limits{})
	if err != nil {
		return nil, nil, err
	}
	_, sheet, err := mapping.Detect(wb, reg.Templates)
	if err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	for _, r := range c.Merge {
		from, to, ok := strings.Cut(r, ":")
		if !ok {
			return nil, nil, fmt.Errorf("merge %q: want a range such as B13:B29", r)
		}
		if err := f.UnmergeCell(sheet.Name, from, to); err != nil {
			return nil, nil, fmt.Errorf("merge %q: %w", r, err)
		}
		if err := f.MergeCell(sheet.Name, from, to); err != nil {
			return nil, nil, fmt.Errorf("merge %q: %w", r, err)
		}
	}
	cells := make([]string, 0, len(c.Set))
	for cell := range c.Set {
		cells = append(cells, cell)
	}
	sort.Strings(cells)
	for _, cell := range cells {
		if _, _, err := excelize.CellNameToCoordinates(cell); err != nil {
			return nil, nil, fmt.Errorf("set %s: %w", cell, err)
		}
		switch v := c.Set[cell].(type) {
		case nil:
			err = f.SetCellDefault(sheet.Name, cell, "")
		case string:
			err = f.SetCellStr(sheet.Name, cell, v)
		case int:
			err = f.SetCellInt(sheet.Name, cell, int64(v))
		case float64:
			err = f.SetCellFloat(sheet.Name, cell, v, -1, 64)
		default:
			err = fmt.Errorf("value %v (%T): want a string, a number or null", v, v)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("set %s: %w", cell, err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, nil, err
	}
	wb, err = Read(example, buf.Bytes(), Limits{})
	if err != nil {
		return nil, nil, err
	}
	tpl, sheet, err := mapping.Detect(wb, reg.Templates)
	if err != nil {
		return nil, nil, err
	}
	res, err := tpl.Extract(wb, sheet)
	if err != nil {
		return nil, nil, err
	}
	return tpl, tpl.Check(res), nil
}

func formatFindings(fs []mapping.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s@%s:%s  %s", f.Rule, f.Cell, f.Severity, f.Message)
		if len(f.Related) > 0 {
			fmt.Fprintf(&b, "  related %v", f.Related)
		}
	}
	if len(fs) == 0 {
		b.WriteString(" none")
	}
	return b.String()
}

// TestRules runs every case of testdata/rules: each edited example must
// give the findings the case wants and none it says are absent.
func TestRules(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	files := loadRulesFiles(t)
	if len(files) == 0 {
		t.Fatalf("no case files in %s", rulesDir)
	}
	ids := make([]string, 0, len(files))
	for id := range files {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rf := files[id]
		for _, c := range rf.Cases {
			t.Run(id+"/"+c.Name, func(t *testing.T) {
				example := c.Example
				if example == "" {
					example = rf.Example
				}
				tpl, findings, err := runRulesCase(reg, example, c)
				if err != nil {
					t.Fatal(err)
				}
				if tpl.ID != id && tpl.ID+"-"+tpl.Version != id {
					t.Fatalf("%s detected as %s@%s, but the cases are in %s.yaml", example, tpl.ID, tpl.Version, id)
				}
				if len(c.Want) == 0 && len(c.Absent) == 0 {
					t.Fatal("case has neither want nor absent")
				}
				for _, w := range c.Want {
					e := parseExpectation(w)
					found := false
					for _, f := range findings {
						if e.matches(f) {
							found = true
							break
						}
					}
					if !found {
						t.Errorf("want %s; findings:%s", e, formatFindings(findings))
					}
				}
				for _, a := range c.Absent {
					e := parseExpectation(a)
					for _, f := range findings {
						if e.matches(f) {
							t.Errorf("want no %s, got %s@%s:%s  %s", e, f.Rule, f.Cell, f.Severity, f.Message)
						}
					}
				}
			})
		}
	}
}

// readingRules are the built-in rules of mapping.Template.Check that some
// case file must exercise besides the templates' own checks.
var readingRules = []string{"required", "type", "identity"}

// TestRulesCoverage makes sure every check of every shipped mapping.yaml
// is tested both ways: some case of its template's file wants it (the
// check fails where it should) and some case has it absent without a cell
// (it passes where it should: no finding of it anywhere). A check added
// without cases fails here, and so does a case file for no shipped
// template or a want of a rule its template does not declare.
func TestRulesCoverage(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	files := loadRulesFiles(t)
	shipped := map[string]bool{}
	wantAny := map[string]bool{}
	for _, tpl := range reg.Templates {
		shipped[tpl.ID], shipped[tpl.ID+"-"+tpl.Version] = true, true
		rf := files[tpl.ID+"-"+tpl.Version]
		if rf == nil {
			rf = files[tpl.ID]
		}
		if rf == nil {
			t.Errorf("%s@%s: no %s/%s.yaml", tpl.ID, tpl.Version, rulesDir, tpl.ID)
			continue
		}
		fail, pass := map[string]bool{}, map[string]bool{}
		for _, c := range rf.Cases {
			for _, w := range c.Want {
				fail[parseExpectation(w).rule] = true
				wantAny[parseExpectation(w).rule] = true
			}
			for _, a := range c.Absent {
				if e := parseExpectation(a); e.cell == "" {
					pass[e.rule] = true
				}
			}
		}
		declared := map[string]bool{}
		for _, c := range tpl.Rules.Checks {
			declared[c.ID] = true
			if !fail[c.ID] {
				t.Errorf("%s@%s: check %s has no failing case (no case wants it)", tpl.ID, tpl.Version, c.ID)
			}
			if !pass[c.ID] {
				t.Errorf("%s@%s: check %s has no passing case (no case has it absent)", tpl.ID, tpl.Version, c.ID)
			}
		}
		for id := range fail {
			if !declared[id] && !isReadingRule(id) {
				t.Errorf("%s.yaml wants %s, which %s@%s does not declare", tpl.ID, id, tpl.ID, tpl.Version)
			}
		}
	}
	for id := range files {
		if !shipped[id] {
			t.Errorf("%s/%s.yaml: no shipped template %s", rulesDir, id, id)
		}
	}
	for _, r := range readingRules {
		if !wantAny[r] {
			t.Errorf("reading rule %s: no case wants it", r)
		}
	}
}

func isReadingRule(id string) bool {
	switch id {
	case "identity", "required", "type", "binding", "table-gap", "formula-no-value", "detect-label-missing":
		return true
	}
	return false
}

// TestRemovedTitleOneFinding removes the title row of every shipped example
// (the notitle variant): the fields it held (表名, 年度…) are one finding
// that says to type the title back, not one per field, and when the year
// cannot be read otherwise that finding is the identity error itself.
func TestRemovedTitleOneFinding(t *testing.T) {
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	notitle := variants[1]
	if notitle.name != "notitle" {
		t.Fatalf("variant %s, want notitle", notitle.name)
	}
	seen := map[string]bool{}
	for _, tpl := range reg.Templates {
		for _, ex := range reg.Examples(tpl) {
			t.Run(strings.TrimSuffix(filepath.Base(ex), ".xlsx"), func(t *testing.T) {
				data, err := fs.ReadFile(templates.FS, ex)
				if err != nil {
					t.Fatal(err)
				}
				orig := extractDetected(t, reg, filepath.Base(ex), data, tpl)
				vb, err := makeVariant(data, tpl, orig, notitle)
				if err != nil {
					t.Fatal(err)
				}
				got := extractDetected(t, reg, "notitle.xlsx", vb, tpl)
				before := map[string]int{}
				for _, f := range tpl.Check(orig) {
					before[f.Rule+"\x00"+f.Message]++
				}
				var extra []mapping.Finding
				for _, f := range tpl.Check(got) {
					if k := f.Rule + "\x00" + f.Message; before[k] > 0 {
						before[k]--
					} else {
						extra = append(extra, f)
					}
				}
				lost := len(withoutRow1Fields(orig).Fields) < len(orig.Fields)
				if !lost {
					if len(extra) != 0 {
						t.Errorf("title row held no field, yet findings:%s", formatFindings(extra))
					}
					return
				}
				if len(extra) != 1 {
					t.Fatalf("want one finding for the missing title row, got:%s", formatFindings(extra))
				}
				f := extra[0]
				seen[f.Rule] = true
				if !strings.Contains(f.Message, "标题行") || !strings.Contains(f.Message, "请在表格第一行填写标题，如“") ||
					!strings.Contains(f.Message, tpl.Title+"”") {
					t.Errorf("message does not say what to type: %s", f.Message)
				}
				_, year, _ := tpl.Who(got)
				if year == 0 && (f.Rule != mapping.RuleIdentity || f.Severity != mapping.SeverityError || !strings.Contains(f.Message, "无法确定年度")) {
					t.Errorf("year unreadable: want the identity error, got %s:%s %s", f.Rule, f.Severity, f.Message)
				}
				if year != 0 && f.Rule == mapping.RuleIdentity {
					t.Errorf("year %d read from another field, yet an identity finding: %s", year, f.Message)
				}
			})
		}
	}
	if !seen[mapping.RuleIdentity] || !seen["binding"] {
		t.Errorf("the examples no longer cover both a title holding the only year and one that does not: %v", seen)
	}
}
