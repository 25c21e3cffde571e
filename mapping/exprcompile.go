package mapping

import (
	"errors"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/vm"
	"github.com/expr-lang/expr/vm/runtime"
)

// rowKeyPrefix starts the environment name a row-scope check's row.NAME is
// read from (rowKey): the validation sets it for each row beside row, so
// that the virtual machine loads the value by name from the environment
// map instead of fetching it from the row's map by reflection. No name a
// rule writes can hold the NUL byte.
const rowKeyPrefix = "\x00row."

// rowKey is the environment name of row.name in a compiled row-scope check.
func rowKey(name string) string { return rowKeyPrefix + name }

// indicatorsKey is the environment name of the validation's indicators,
// which compileExpr gives the domain functions of indicators
// (indicatorFuncs) after their arguments.
const indicatorsKey = "\x00indicators"

// indicatorFuncs are the domain functions that read indicators.
var indicatorFuncs = map[string]bool{"met": true, "expected_score": true, "over": true, "same_units": true,
	"band": true, "deviation": true, "deduction": true}

// compileExpr compiles src as expr.Compile does (the same options, checks
// and errors). With hidden set it then lets the program read what it
// reads most often without reflection, through environment names no rule
// can write (they hold a NUL byte):
//
//   - each row.NAME and row["NAME"] in row scope (rowScope set) becomes
//     the name rowKey(NAME), and NAME is added to *cols: the validation
//     sets the name to the row's value beside row, nil when the row has
//     none, as the row's map yields nil for a column it lacks.
//   - any other member access x.NAME or x["NAME"] becomes a call of fetch,
//     which reads the maps checks see without reflection and yields what
//     the virtual machine's member access yields.
//   - each call of a function of indicators (indicatorFuncs) is given the
//     environment's indicatorsKey after its arguments: the validation's
//     indicators as Indicator values, made once.
//
// Names a let variable may shadow are left as they are. The program keeps
// no source text: its run-time errors (a nil value, a domain function not
// applicable) only make a check skip a value or a message show "?", and
// binding them to the source for their text cost as much as the
// evaluation that failed.
func compileExpr(src string, hidden, rowScope bool, cols *[]string, opts ...expr.Option) (*vm.Program, error) {
	config := conf.CreateNew()
	for _, op := range opts {
		op(config)
	}
	for name := range config.Disabled {
		delete(config.Builtins, name)
	}
	config.Check()
	tree, err := checker.ParseCheck(src, config)
	if err != nil {
		return nil, err
	}
	if config.Optimize {
		if err := optimizer.Optimize(&tree.Node, config); err != nil {
			var fileError *file.Error
			if errors.As(err, &fileError) {
				return nil, fileError.Bind(tree.Source)
			}
			return nil, err
		}
	}
	if hidden {
		lets := letNames{}
		ast.Walk(&tree.Node, lets)
		ast.Walk(&tree.Node, &hider{row: rowScope && !lets["row"], lets: lets, cols: cols, funcs: config.Functions})
		if config.Functions == nil {
			config.Functions = conf.FunctionsTable{}
		}
		config.Functions[fetchName] = &builtin.Function{Name: fetchName, Func: fetch}
	}
	tree.Source = file.NewSource("")
	return compiler.Compile(tree, config)
}

// fetchName is the function compileExpr calls for a member access
// (x.NAME, x["NAME"]): fetch.
const fetchName = "\x00fetch"

// fetch is what the virtual machine's member access (runtime.Fetch) yields
// for a[0].(a[1]), read from the maps the checks see without reflection.
func fetch(a ...any) (any, error) {
	name, _ := a[1].(string)
	switch m := a[0].(type) {
	case map[string]any:
		return m[name], nil
	case map[string]float64:
		return m[name], nil
	}
	return runtime.Fetch(a[0], a[1]), nil
}

// letNames are the names an expression declares with let.
type letNames map[string]bool

func (l letNames) Visit(node *ast.Node) {
	if d, ok := (*node).(*ast.VariableDeclaratorNode); ok {
		l[d.Name] = true
	}
}

// hider rewrites an expression as compileExpr says.
type hider struct {
	row   bool
	lets  letNames
	cols  *[]string
	funcs conf.FunctionsTable
}

func (h *hider) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || n.Optional || n.Method {
			return
		}
		id, ok := n.Node.(*ast.IdentifierNode)
		if !ok || id.Value != "row" || !h.row {
			if !ok || id.Value != "$env" {
				call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fetchName}, Arguments: []ast.Node{n.Node, prop}}
				call.SetNature(*n.Nature())
				ast.Patch(node, call)
			}
			return
		}
		name := &ast.IdentifierNode{Value: rowKey(prop.Value)}
		name.SetNature(*n.Nature())
		ast.Patch(node, name)
		if !slices.Contains(*h.cols, prop.Value) {
			*h.cols = append(*h.cols, prop.Value)
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || !indicatorFuncs[id.Value] || h.lets[id.Value] || h.funcs[id.Value] == nil {
			return
		}
		arg := &ast.IdentifierNode{Value: indicatorsKey}
		arg.SetLocation(n.Location())
		n.Arguments = append(n.Arguments, arg)
	}
}

// readsEnv reports whether an expression of the rules may read the
// environment as a whole ($env), where the names rowKey adds would show.
func (r *Rules) readsEnv() bool {
	for _, c := range r.Checks {
		for _, s := range []string{c.When, c.Assert, c.Found, c.Expected, c.Slack, c.Tolerance, c.Message} {
			if strings.Contains(s, "$env") {
				return true
			}
		}
	}
	return false
}

// envNames returns the environment names c's programs read, and which of
// them are scope names (scopeNames), when every program reads the
// environment only by name (OpLoadFast: not as a whole, $env); nil
// otherwise. A program computes the same in any environment that holds
// these names as its environment does.
func (c *compiledCheck) envNames() ([]string, int) {
	progs := []*vm.Program{c.when, c.assert, c.found, c.expected, c.slack, c.tolerance}
	for _, p := range c.message {
		progs = append(progs, p.prog)
	}
	names := []string{}
	for _, p := range progs {
		if p == nil {
			continue
		}
		for i, op := range p.Bytecode {
			switch op {
			case vm.OpLoadFast:
				name, ok := p.Constants[p.Arguments[i]].(string)
				if !ok {
					return nil, 0
				}
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			case vm.OpLoadConst, vm.OpLoadField, vm.OpLoadMethod, vm.OpLoadEnv:
				return nil, 0
			}
		}
	}
	sets := 0
	for i, n := range scopeNames {
		if slices.Contains(names, n) {
			sets |= 1 << i
		}
	}
	return names, sets
}
