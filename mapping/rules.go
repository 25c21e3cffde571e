package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr/vm"
)

// Rules is the validation section of a mapping.yaml: settings that differ
// between provinces, and the checks a bureau makes.
type Rules struct {
	// Settings are named numbers the checks refer to as settings.NAME, e.g.
	// tolerance (万元, default 0.01), pct_tolerance (percentage points,
	// default 0.01), over_factor (default 1.2), low_rate (percent, default
	// 90), score_slack (default 0.05).
	//
	// Two provincial rules seen in the 一体化 performance systems are off
	// unless set here. score_cap_below_N: M caps the 总分 at M when the
	// 执行率 is below N percent (score_cap_below_80: 89, score_cap_below_70:
	// 79, score_cap_below_60: 69: the lowest cap that applies wins), read by
	// score_cap(rate) in the score-cap check. deviation_threshold (percent)
	// and deviation_points deduct deviation_points from an indicator whose
	// actual deviates from its target by deviation_threshold percent or more
	// either way (30 and 1: 1 point off at ≥30%), read by deduction(target,
	// actual) in the deviation-deduction check.
	Settings map[string]float64 `mapstructure:"settings"`
	// Lists are named vocabularies the checks refer to by name, e.g. level1
	// and level2 for the 一级/二级指标 names.
	Lists map[string][]string `mapstructure:"lists"`
	// Checks are evaluated in order on every workbook of the template.
	Checks []Check `mapstructure:"checks"`
}

// Check is one rule. Its expressions are written in expr
// (https://expr-lang.org) over the extracted values: each field by name (a
// number for numeric types, a string for text and dates, a map with op,
// number, unit, text, qualitative and tier for an indicator, a map with name
// and weight for a heading; nil when empty or unreadable), settings.NAME,
// tables.NAME (every row of a table, across blocks), and in row scope row
// (the row's values) and block (its block's fields), in group scope group
// (the group's rows) and head (the grouping value). An expression that meets
// a nil value is not applicable and the check is skipped for it: the
// reading rules already report empty and unreadable cells.
type Check struct {
	// ID names the check in findings, e.g. rate-formula.
	ID string `mapstructure:"id"`
	// Severity is error (the default) or warning. For a Found/Expected
	// check, a difference within Tolerance is always a warning.
	Severity string `mapstructure:"severity"`
	// Each evaluates the check once per row of the named table.
	Each string `mapstructure:"each"`
	// Group, with Each, evaluates it once per group of rows sharing the
	// value of this column (e.g. level1).
	Group string `mapstructure:"group"`
	// When is a condition; the check applies only where it is true.
	When string `mapstructure:"when"`
	// Assert is a condition that must hold.
	Assert string `mapstructure:"assert"`
	// Found and Expected are numbers that must agree: equal within Slack is
	// fine, within Tolerance a warning (a rounding difference), beyond it a
	// finding of Severity.
	Found    string `mapstructure:"found"`
	Expected string `mapstructure:"expected"`
	// Slack is an expression for the difference that is no finding at all
	// (default 0.000001).
	Slack string `mapstructure:"slack"`
	// Tolerance is an expression for the difference that is only a warning
	// (default 0).
	Tolerance string `mapstructure:"tolerance"`
	// At names the cells the finding concerns: fields, or in row and group
	// scope columns of the row (the group's first row). Without Cell the
	// finding points at the first of them that was read (the cell to
	// correct), the others are its Related cells.
	At Strings `mapstructure:"at"`
	// Cell, when the cell to edit is not the value that breaks the rule,
	// names the field or column whose cell the finding points at: a reason
	// check names the 偏差原因 column or field (cell: deviation) and lists
	// the indicator's values in At, which become Related. When Cell was not
	// read (its label or column is missing) the first cell of At is used.
	Cell string `mapstructure:"cell"`
	// Message is the Chinese message people read: what is wrong, with the
	// values and the captions of the cells concerned, and what to do,
	// followed by a short English gloss in parentheses, e.g. “执行率应为 …，
	// 表中为 …，请改正 (rate should be spent / budget)”. {expression} parts
	// are replaced by their value.
	Message string `mapstructure:"message"`
}

// compiledCheck holds a check's compiled expressions.
type compiledCheck struct {
	*Check
	when, assert, found, expected, slack, tolerance *vm.Program
	message                                         []messagePart
	// rowCols are the columns its expressions read as row.NAME, each from
	// the environment name in rowKeys (compileExpr); rowIdx are their
	// indexes in Template.rowCols.
	rowCols, rowKeys []string
	rowIdx           []int
	// names are the environment names its programs read, when they read
	// the environment only by name (envNames); sets the scope names among
	// them. In row scope it is evaluated in an environment of these names.
	names []string
	sets  int
}

type messagePart struct {
	text string
	prog *vm.Program
}

var interpRE = regexp.MustCompile(`\{([^{}]+)\}`)

// compileRules compiles every check against a sample environment of the
// template, so that a misspelt field or function is an error at load time.
func (t *Template) compileRules() ([]*compiledCheck, error) {
	var out []*compiledCheck
	var errs []string
	readsEnv := t.Rules.readsEnv()
	t.hiddenNames, t.rowCols = !readsEnv, nil
	for i := range t.Rules.Checks {
		c := &t.Rules.Checks[i]
		key := fmt.Sprintf("rules.checks[%d] (%s)", i, c.ID)
		env := t.sampleEnv(c)
		cc := &compiledCheck{Check: c}
		comp := func(name, src string, dst **vm.Program) {
			if src == "" {
				return
			}
			p, err := compileExpr(src, !readsEnv, c.Each != "", &cc.rowCols, exprOptions(env)...)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s.%s: %v", key, name, oneLine(err)))
				return
			}
			*dst = p
		}
		switch {
		case c.ID == "":
			errs = append(errs, key+".id: is required")
		case c.Severity != "" && c.Severity != SeverityError && c.Severity != SeverityWarning:
			errs = append(errs, fmt.Sprintf("%s.severity: must be error or warning, got %q", key, c.Severity))
		case c.Assert == "" && (c.Found == "" || c.Expected == ""):
			errs = append(errs, key+": needs assert, or found and expected")
		case c.Group != "" && c.Each == "":
			errs = append(errs, key+".group: needs each")
		case c.Message == "":
			errs = append(errs, key+".message: is required")
		}
		if c.Each != "" && t.table(c.Each) == nil {
			errs = append(errs, fmt.Sprintf("%s.each: no table %q", key, c.Each))
			continue
		}
		comp("when", c.When, &cc.when)
		comp("assert", c.Assert, &cc.assert)
		comp("found", c.Found, &cc.found)
		comp("expected", c.Expected, &cc.expected)
		comp("slack", c.Slack, &cc.slack)
		comp("tolerance", c.Tolerance, &cc.tolerance)
		last := 0
		for _, m := range interpRE.FindAllStringSubmatchIndex(c.Message, -1) {
			cc.message = append(cc.message, messagePart{text: c.Message[last:m[0]]})
			var p *vm.Program
			comp("message", c.Message[m[2]:m[3]], &p)
			cc.message = append(cc.message, messagePart{prog: p})
			last = m[1]
		}
		cc.message = append(cc.message, messagePart{text: c.Message[last:]})
		for _, a := range c.At {
			if !t.hasName(c, a) {
				errs = append(errs, fmt.Sprintf("%s.at: no field or column %q", key, a))
			}
		}
		if c.Cell != "" && !t.hasName(c, c.Cell) {
			errs = append(errs, fmt.Sprintf("%s.cell: no field or column %q", key, c.Cell))
		}
		for _, col := range cc.rowCols {
			cc.rowKeys = append(cc.rowKeys, rowKey(col))
			k := slices.Index(t.rowCols, col)
			if k < 0 {
				k = len(t.rowCols)
				t.rowCols = append(t.rowCols, col)
			}
			cc.rowIdx = append(cc.rowIdx, k)
		}
		cc.names, cc.sets = cc.envNames()
		out = append(out, cc)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// table returns the table named name, at top level or in a block.
func (t *Template) table(name string) *Table {
	for i := range t.Tables {
		if t.Tables[i].Name == name {
			return &t.Tables[i]
		}
	}
	for i := range t.Blocks {
		for j := range t.Blocks[i].Tables {
			if t.Blocks[i].Tables[j].Name == name {
				return &t.Blocks[i].Tables[j]
			}
		}
	}
	return nil
}

// hasName reports whether a is a field, or in row scope a column, of t.
func (t *Template) hasName(c *Check, a string) bool {
	if c.Each != "" {
		for _, col := range t.table(c.Each).Columns {
			if col.Name == a {
				return true
			}
		}
	}
	for _, f := range t.allFields() {
		if f.Name == a {
			return true
		}
	}
	return false
}

// allFields lists top-level and block fields.
func (t *Template) allFields() []*Field {
	var out []*Field
	for i := range t.Fields {
		out = append(out, &t.Fields[i])
	}
	for i := range t.Blocks {
		for j := range t.Blocks[i].Fields {
			out = append(out, &t.Blocks[i].Fields[j])
		}
	}
	return out
}

// sampleEnv is the environment a check's expressions see, with every name
// present (values are placeholders), for compile-time name checks.
func (t *Template) sampleEnv(c *Check) map[string]any {
	env := map[string]any{}
	for _, f := range t.Fields {
		env[f.Name] = sampleOf(f.Type)
	}
	env["settings"] = t.settings()
	env["lists"] = t.Rules.Lists
	tables := map[string]any{}
	for _, name := range t.tableNames() {
		tables[name] = []any{}
	}
	env["tables"] = tables
	if c.Each != "" {
		env["row"] = map[string]any{}
		env["block"] = map[string]any{}
		env["rows"] = []any{}
		if c.Group != "" {
			env["group"] = []any{}
			env["head"] = map[string]any{}
		}
	}
	return env
}

// sampleOf is a value of the Go type check expressions see for type ty.
func sampleOf(ty Type) any {
	switch ty {
	case TypeAmount, TypePercent, TypeCount, TypeScore, TypeNumber:
		return 0.0
	case TypeIndicator, TypeHeading:
		return map[string]any{}
	default:
		return ""
	}
}

func (t *Template) tableNames() []string {
	var out []string
	for _, tb := range t.Tables {
		out = append(out, tb.Name)
	}
	for _, b := range t.Blocks {
		for _, tb := range b.Tables {
			out = append(out, tb.Name)
		}
	}
	return out
}

// defaultSettings are the settings a mapping need not repeat.
var defaultSettings = map[string]float64{
	"tolerance":     0.01,
	"pct_tolerance": 0.01,
	"over_factor":   1.2,
	"low_rate":      90,
	"score_slack":   0.05,
	"full_score":    100,
}

// settings returns the template's settings over the defaults.
func (t *Template) settings() map[string]float64 {
	s := map[string]float64{}
	for k, v := range defaultSettings {
		s[k] = v
	}
	for k, v := range t.Rules.Settings {
		s[k] = v
	}
	return s
}
