package mapping

import (
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Check validates an extraction against the template: the reading rules
// (reading.go: the unit or year unreadable, labels and headers not found,
// required cells empty, values not of their type, table gaps), then the
// template's checks in their order.
func (t *Template) Check(res *Result) []Finding {
	if t.compiled == nil {
		if err := t.Provision(); err != nil {
			return []Finding{{Sheet: res.Sheet, Severity: SeverityError, Rule: "mapping", Message: err.Error()}}
		}
	}
	v := &validation{t: t, res: res, insts: map[string][]instance{}}
	v.reading()
	if len(t.checks) > 0 {
		v.base = v.env()
		if t.hiddenNames {
			v.base[indicatorsKey] = &v.inds
		}
	}
	for _, c := range t.checks {
		v.check(c)
	}
	return v.out
}

type validation struct {
	t   *Template
	res *Result
	out []Finding
	// base is the document-scope environment and insts each table's
	// instances, built once: expressions and domain functions do not
	// change what they are given. vm runs every expression; shared holds
	// the maps of equal indicator and heading values (valueOf) by their
	// text, inds their Indicators, groups the groupings of rows.
	base   map[string]any
	insts  map[string][]instance
	vm     vm.VM
	shared map[string][]sharedValue
	inds   indicators
	groups map[groupingKey]*grouping
	// skip holds the paths of fields (fields.NAME, blocks.B[i].fields.NAME)
	// whose reading is already reported: their values are not checked again.
	skip map[string]bool
}

func (v *validation) add(f Finding) {
	if f.Sheet == "" {
		f.Sheet = v.res.Sheet
	}
	v.out = append(v.out, f)
}

// at splits "Sheet!A1" into a finding's place.
func at(ref string) (string, string) {
	s, c, ok := strings.Cut(ref, "!")
	if !ok {
		return "", ""
	}
	return s, c
}

// scope is one evaluation of a check: its environment and where its At
// names resolve: the row's columns (in row scope), then the block's
// fields, then the document's.
type scope struct {
	env   map[string]any
	row   Row
	inRow bool
	block map[string]Value
}

// vals returns the value name resolves to in sc.
func (v *validation) vals(sc *scope, name string) (Value, bool) {
	if sc.inRow {
		if val, ok := sc.row.Lookup(name); ok {
			return val, true
		}
	}
	if val, ok := sc.block[name]; ok {
		return val, true
	}
	val, ok := v.res.Fields[name]
	return val, ok
}

// check evaluates c in each of its scopes. In row and group scope one
// environment is set up per check and its row, rows, block, group and head
// entries (and the names compileExpr reads row's columns from) are replaced
// for each evaluation.
func (v *validation) check(c *compiledCheck) {
	base := v.base
	if c.Each == "" {
		v.eval(c, scope{env: base})
		return
	}
	env, sets := base, scopeAll
	if c.names != nil {
		// The check's own environment holds the names its programs read.
		env, sets = make(map[string]any, len(c.names)), c.sets
		for _, n := range c.names {
			if val, ok := base[n]; ok {
				env[n] = val
			}
		}
	} else {
		// The row-scope names are set in the document environment itself
		// and put back as they were afterwards (a field may bear one of
		// the names).
		defer restoreScope(env, saveScope(env))
	}
	insts := v.instances(c.Each)
	for n := range insts {
		inst := &insts[n]
		if c.Group == "" {
			for i, r := range inst.rows {
				v.setScope(env, sets&^(scopeGroup|scopeHead), c, inst, i, nil, Row{})
				v.eval(c, scope{env: env, row: r, inRow: true, block: inst.fields})
			}
			continue
		}
		g := v.grouping(c.Each, n, c.Group)
		for k, idx := range g.rows {
			var grp []any
			if sets&scopeGroup != 0 {
				grp = g.envs(inst, k)
			}
			first := inst.rows[idx[0]]
			v.setScope(env, sets, c, inst, idx[0], grp, first)
			v.eval(c, scope{env: env, row: first, inRow: true, block: inst.fields})
		}
	}
}

// grouping is an instance's rows grouped by the value of a column: the
// indexes of each group's rows (groups in the order of their first row;
// rows with the column empty in none), and each group's row environments
// once a check reads them.
type grouping struct {
	rows [][]int
	list [][]any
}

// groupingKey names the grouping of instance inst of table by col.
type groupingKey struct {
	table, col string
	inst       int
}

// grouping returns the rows of instance n of table grouped by col, made
// once for all the checks that group them so.
func (v *validation) grouping(table string, n int, col string) *grouping {
	k := groupingKey{table, col, n}
	if g, ok := v.groups[k]; ok {
		return g
	}
	rows := v.insts[table][n].rows
	of := make([]int, len(rows))
	index := map[string]int{}
	var counts []int
	for i, r := range rows {
		val := r.get(col)
		key := val.Text
		if val.Empty() || key == "" {
			of[i] = -1
			continue
		}
		j, ok := index[key]
		if !ok {
			j = len(counts)
			index[key] = j
			counts = append(counts, 0)
		}
		of[i] = j
		counts[j]++
	}
	g := &grouping{rows: make([][]int, len(counts)), list: make([][]any, len(counts))}
	all := make([]int, 0, len(rows))
	for j, c := range counts {
		g.rows[j] = all[len(all) : len(all) : len(all)+c]
		all = all[:len(all)+c]
	}
	for i, j := range of {
		if j >= 0 {
			g.rows[j] = append(g.rows[j], i)
		}
	}
	if v.groups == nil {
		v.groups = map[groupingKey]*grouping{}
	}
	v.groups[k] = g
	return g
}

// envs returns the row environments of group k of inst.
func (g *grouping) envs(inst *instance, k int) []any {
	if g.list[k] == nil {
		idx := g.rows[k]
		l := make([]any, len(idx))
		for j, i := range idx {
			l[j] = inst.envs[i]
		}
		g.list[k] = l
	}
	return g.list[k]
}

// The scope names (scopeNames) a check's programs read.
const (
	scopeRow = 1 << iota
	scopeRows
	scopeBlock
	scopeGroup
	scopeHead
	scopeAll = scopeRow | scopeRows | scopeBlock | scopeGroup | scopeHead
)

// setScope sets in env the scope names of sets for row i of inst: row,
// rows, block, and in group scope the group's rows grp and the head of
// its first row first; then the names c's programs read row's columns
// from (compileExpr), nil for a column the row has none in.
func (v *validation) setScope(env map[string]any, sets int, c *compiledCheck, inst *instance, i int, grp []any, first Row) {
	if sets&scopeGroup != 0 {
		env["group"] = grp
	}
	if sets&scopeHead != 0 {
		env["head"] = v.valueOf(first.get(c.Group))
	}
	if sets&scopeRow != 0 {
		env["row"] = inst.envs[i]
	}
	if sets&scopeRows != 0 {
		env["rows"] = inst.list
	}
	if sets&scopeBlock != 0 {
		env["block"] = inst.blockEnv
	}
	if len(c.rowKeys) > 0 {
		vals := inst.vals[i*len(v.t.rowCols):]
		for k, key := range c.rowKeys {
			env[key] = vals[c.rowIdx[k]]
		}
	}
}

// instance is a table's rows within one block instance (or the top level),
// with the environments of its rows (envs, and list holding envs) and of
// its block's fields, and the values of its rows' columns the checks read
// as row.NAME (vals: len(Template.rowCols) for each row).
type instance struct {
	rows     []Row
	fields   map[string]Value
	envs     []any
	list     any
	blockEnv map[string]any
	vals     []any
}

func (v *validation) instances(table string) []instance {
	if out, ok := v.insts[table]; ok {
		return out
	}
	var out []instance
	if rows, ok := v.res.Tables[table]; ok {
		out = append(out, instance{rows: rows})
	}
	// Blocks by name: another kind of block may hold a table of the same
	// name, and findings come in the same order on every run.
	for _, name := range slices.Sorted(maps.Keys(v.res.Blocks)) {
		for _, b := range v.res.Blocks[name] {
			if rows, ok := b.Tables[table]; ok {
				out = append(out, instance{rows: rows, fields: b.Fields})
			}
		}
	}
	for i := range out {
		inst := &out[i]
		inst.envs = make([]any, len(inst.rows))
		for j, r := range inst.rows {
			inst.envs[j] = v.rowEnv(r)
		}
		inst.list = inst.envs
		if cols := v.t.rowCols; len(cols) > 0 {
			inst.vals = make([]any, len(inst.rows)*len(cols))
			for j := range inst.rows {
				m := inst.envs[j].(map[string]any)
				for k, col := range cols {
					inst.vals[j*len(cols)+k] = m[col]
				}
			}
		}
		inst.blockEnv = make(map[string]any, len(inst.fields))
		for k, val := range inst.fields {
			inst.blockEnv[k] = v.valueOf(val)
		}
	}
	v.insts[table] = out
	return out
}

// env is the document-scope environment.
func (v *validation) env() map[string]any {
	env := map[string]any{"settings": v.t.settings(), "lists": v.t.Rules.Lists}
	for _, f := range v.t.Fields {
		env[f.Name] = nil
	}
	for name, val := range v.res.Fields {
		env[name] = v.valueOf(val)
	}
	tables := map[string]any{}
	for _, name := range v.t.tableNames() {
		var all []any
		for _, inst := range v.instances(name) {
			all = append(all, inst.envs...)
		}
		tables[name] = all
	}
	env["tables"] = tables
	return env
}

// scopeNames are the names row and group scope add to the document
// environment.
var scopeNames = [...]string{"row", "rows", "block", "group", "head"}

// savedScope is what the document environment held under scopeNames.
type savedScope [len(scopeNames)]struct {
	val any
	ok  bool
}

func saveScope(env map[string]any) savedScope {
	var s savedScope
	for i, k := range scopeNames {
		s[i].val, s[i].ok = env[k]
	}
	return s
}

func restoreScope(env map[string]any, s savedScope) {
	for i, k := range scopeNames {
		if s[i].ok {
			env[k] = s[i].val
		} else {
			delete(env, k)
		}
	}
}

func (v *validation) rowEnv(r Row) map[string]any {
	m := make(map[string]any, r.Len())
	r.each(func(k string, val Value) {
		m[k] = v.valueOf(val)
	})
	return m
}

// valueKey is what an indicator's or a heading's map holds.
type valueKey struct {
	typ                       Type
	op, unit, text, tier, raw string
	qualitative, hasNumber    bool
	number                    uint64 // math.Float64bits
}

// valueOf is valueOf, with the maps of equal indicators and headings
// shared: many rows hold the same target (100%, ≥95%) or 一级/二级 heading,
// and expressions never change what they are given.
func (v *validation) valueOf(val Value) any {
	if val.Type != TypeIndicator && val.Type != TypeHeading {
		return valueOf(val)
	}
	if val.Error != "" || val.Empty() {
		return nil
	}
	k := valueKey{typ: val.Type, op: val.Op, unit: val.Unit, text: val.Text, tier: val.Tier,
		raw: strings.TrimSpace(val.Raw), qualitative: val.Qualitative}
	n := val.Number
	if val.Type == TypeHeading {
		n = val.Weight
	}
	if n != nil {
		k.hasNumber, k.number = true, math.Float64bits(*n)
	}
	// By the text first: one string to hash.
	list := v.shared[k.raw]
	for i := range list {
		if list[i].k == k {
			return list[i].m
		}
	}
	m := valueOf(val)
	if v.shared == nil {
		v.shared = map[string][]sharedValue{}
	}
	v.shared[k.raw] = append(list, sharedValue{k, m})
	v.inds.add(m.(map[string]any), val)
	return m
}

// sharedValue is a map valueOf shares and its key.
type sharedValue struct {
	k valueKey
	m any
}

// valueOf is a value as check expressions see it; nil when empty or
// unreadable.
func valueOf(v Value) any {
	if v.Error != "" || v.Empty() {
		return nil
	}
	switch v.Type {
	case TypeAmount, TypePercent, TypeCount, TypeScore, TypeNumber:
		if v.Number == nil {
			return nil
		}
		return *v.Number
	case TypeIndicator:
		m := map[string]any{"op": v.Op, "unit": v.Unit, "text": v.Text, "qualitative": v.Qualitative,
			"tier": v.Tier, "raw": strings.TrimSpace(v.Raw), "number": nil}
		if v.Number != nil {
			m["number"] = *v.Number
		}
		return m
	case TypeHeading:
		m := map[string]any{"name": v.Text, "raw": strings.TrimSpace(v.Raw), "weight": nil}
		if v.Weight != nil {
			m["weight"] = *v.Weight
		}
		return m
	default:
		return v.Text
	}
}

// eval runs one check in one scope and records its finding.
func (v *validation) eval(c *compiledCheck, sc scope) {
	if c.when != nil {
		ok, err := v.run(c.when, sc.env)
		if err != nil || ok != true {
			return
		}
	}
	sev := c.Severity
	if sev == "" {
		sev = SeverityError
	}
	var expected, found string
	if c.assert != nil {
		ok, err := v.run(c.assert, sc.env)
		if err != nil || ok != false {
			return
		}
	} else {
		f, err1 := v.runNumber(c.found, sc.env)
		e, err2 := v.runNumber(c.expected, sc.env)
		if err1 != nil || err2 != nil {
			return
		}
		slack, tol := 1e-6, 0.0
		if c.slack != nil {
			if s, err := v.runNumber(c.slack, sc.env); err == nil {
				slack = s
			}
		}
		if c.tolerance != nil {
			if s, err := v.runNumber(c.tolerance, sc.env); err == nil {
				tol = s
			}
		}
		d := math.Abs(f - e)
		switch {
		case d <= slack+1e-9:
			return
		case d <= tol+1e-9:
			sev = SeverityWarning
		}
		expected, found = display(e), display(f)
	}
	fd := Finding{Severity: sev, Rule: c.ID, Message: v.message(c, sc.env), Expected: expected, Found: found}
	v.place(&fd, c, sc)
	v.add(fd)
}

// place points a check's finding at its cell: c.Cell's, or the first of
// c.At that was read; the other cells of c.At are related. An assert
// check's Found is the text of the cell it points at.
func (v *validation) place(fd *Finding, c *compiledCheck, sc scope) {
	names := c.At
	if c.Cell != "" {
		names = append([]string{c.Cell}, c.At...)
	}
	placed := false
	for i, name := range names {
		if i > 0 && name == c.Cell {
			continue
		}
		val, ok := v.vals(&sc, name)
		if !ok || val.Cell == "" {
			continue
		}
		if !placed {
			placed = true
			fd.Sheet, fd.Cell = at(val.Cell)
			if fd.Found == "" {
				fd.Found = oneLineText(val.Raw)
			}
			continue
		}
		if !contains(fd.Related, val.Cell) && val.Cell != fd.Sheet+"!"+fd.Cell {
			fd.Related = append(fd.Related, val.Cell)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// oneLineText joins a cell's lines for a message: "社会效\n\n益指标" reads
// 社会效益指标.
func oneLineText(s string) string {
	return strings.TrimSpace(lineBreaks.Replace(s))
}

// lineBreaks removes a cell's line breaks.
var lineBreaks = strings.NewReplacer("\r", "", "\n", "")

// run evaluates p with the validation's virtual machine, which is reused
// from one evaluation to the next instead of being allocated for each.
func (v *validation) run(p *vm.Program, env map[string]any) (any, error) {
	if p == nil {
		return expr.Run(p, env)
	}
	return v.vm.Run(p, env)
}

func (v *validation) runNumber(p *vm.Program, env map[string]any) (float64, error) {
	out, err := v.run(p, env)
	if err != nil {
		return 0, err
	}
	switch x := out.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	}
	return 0, errNotApplicable
}

// message renders c's message with its {expression} parts.
func (v *validation) message(c *compiledCheck, env map[string]any) string {
	var b strings.Builder
	for _, p := range c.message {
		if p.prog == nil {
			b.WriteString(p.text)
			continue
		}
		out, err := v.run(p.prog, env)
		if err != nil {
			b.WriteString("?")
			continue
		}
		b.WriteString(display(out))
	}
	return b.String()
}

// isUncached reports whether ref (Sheet!A1) is a formula cell with no
// calculated value.
func (v *validation) isUncached(ref string) bool {
	_, c := at(ref)
	for _, u := range v.res.Uncached {
		if u == c {
			return true
		}
	}
	return false
}
