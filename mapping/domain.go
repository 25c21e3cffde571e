package mapping

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/agnivade/levenshtein"
	"github.com/expr-lang/expr"
)

// exprOptions are the compile options of every check expression: the
// environment and the domain functions, written once here.
func exprOptions(env map[string]any) []expr.Option {
	fn := func(name string, f func(args ...any) (any, error)) expr.Option {
		return expr.Function(name, f)
	}
	// ind declares a function of indicators: called by a program of
	// compileExpr, it is given the validation's indicators after its
	// arguments.
	ind := func(name string, f func(c *indicators, args []any) (any, error)) expr.Option {
		return expr.Function(name, func(a ...any) (any, error) {
			var c *indicators
			if n := len(a); n > 0 {
				if x, ok := a[n-1].(*indicators); ok {
					c, a = x, a[:n-1]
				}
			}
			return f(c, a)
		})
	}
	near := &nearestMemo{}
	return []expr.Option{
		expr.Env(env),
		// total(rows, "col"): the sum of a numeric column, empty cells skipped.
		fn("total", func(a ...any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("total(rows, column) takes 2 arguments")
			}
			col, _ := a[1].(string)
			sum := 0.0
			for _, r := range asList(a[0]) {
				if m, ok := r.(map[string]any); ok {
					if x, ok := m[col].(float64); ok {
						sum += x
					}
				}
			}
			return sum, nil
		}),
		// approx(a, b, tol): |a-b| <= tol.
		fn("approx", func(a ...any) (any, error) {
			x, y, tol, err := three(a)
			if err != nil {
				return nil, err
			}
			return math.Abs(x-y) <= tol+1e-9, nil
		}),
		// met(target, actual): whether an indicator's actual meets its target.
		ind("met", func(c *indicators, a []any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("met(target, actual) takes 2 arguments")
			}
			return Met(c.of(a[0]), c.of(a[1])), nil
		}),
		// expected_score(weight, target, actual): the directional formula, nil
		// when it does not apply (qualitative rows).
		ind("expected_score", func(c *indicators, a []any) (any, error) {
			if len(a) != 3 {
				return nil, fmt.Errorf("expected_score(weight, target, actual) takes 3 arguments")
			}
			w, ok := a[0].(float64)
			if !ok {
				return nil, errNotApplicable
			}
			s, ok := ExpectedScore(w, c.of(a[1]), c.of(a[2]))
			if !ok {
				return nil, errNotApplicable
			}
			return s, nil
		}),
		// over(target, actual, factor): actual beyond factor × a ≥ target.
		ind("over", func(c *indicators, a []any) (any, error) {
			if len(a) != 3 {
				return nil, fmt.Errorf("over(target, actual, factor) takes 3 arguments")
			}
			f, _ := a[2].(float64)
			return Over(c.of(a[0]), c.of(a[1]), f), nil
		}),
		// same_units(target, actual): units equal or equivalent (个/张).
		ind("same_units", func(c *indicators, a []any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("same_units(target, actual) takes 2 arguments")
			}
			return SameUnits(c.of(a[0]), c.of(a[1])), nil
		}),
		// band(actual): the [low, high] share of 分值 a qualitative tier earns.
		ind("band", func(c *indicators, a []any) (any, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("band(actual) takes 1 argument")
			}
			x := c.of(a[0])
			if x == nil || x.Tier == "" {
				return nil, errNotApplicable
			}
			lo, hi := TierBand(x.Tier)
			return []any{lo, hi}, nil
		}),
		// placeholder(x): empty, or a mark such as 无, /, —.
		fn("placeholder", func(a ...any) (any, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("placeholder(text) takes 1 argument")
			}
			s, _ := a[0].(string)
			return IsPlaceholder(s), nil
		}),
		// known(list, name): name is in the list, matched leniently.
		fn("known", func(a ...any) (any, error) {
			ln, list, name, err := listName(env, a)
			if err != nil {
				return nil, err
			}
			_, exact := near.nearest(ln, list, name)
			return exact, nil
		}),
		// nearest(list, name): the closest valid name.
		fn("nearest", func(a ...any) (any, error) {
			ln, list, name, err := listName(env, a)
			if err != nil {
				return nil, err
			}
			n, _ := near.nearest(ln, list, name)
			return n, nil
		}),
		// score_cap(rate): the highest 总分 the 执行率 allows under the
		// settings score_cap_below_N (N a percent, the value the cap); not
		// applicable when no band is set or none applies.
		fn("score_cap", func(a ...any) (any, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("score_cap(rate) takes 1 argument")
			}
			rate, ok := a[0].(float64)
			if !ok {
				return nil, errNotApplicable
			}
			c, ok := ScoreCap(envSettings(env), rate)
			if !ok {
				return nil, errNotApplicable
			}
			return c, nil
		}),
		// cap_score(score, rate): score capped by the 执行率 band of
		// score_cap(rate); score itself when no band applies.
		fn("cap_score", func(a ...any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("cap_score(score, rate) takes 2 arguments")
			}
			x, ok := a[0].(float64)
			if !ok {
				return nil, errNotApplicable
			}
			if rate, ok := a[1].(float64); ok {
				if c, ok := ScoreCap(envSettings(env), rate); ok {
					return math.Min(x, c), nil
				}
			}
			return x, nil
		}),
		// deviation(target, actual): how far actual is from target, in
		// percent of the target; not applicable without two numbers.
		ind("deviation", func(c *indicators, a []any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("deviation(target, actual) takes 2 arguments")
			}
			d, ok := Deviation(c.of(a[0]), c.of(a[1]))
			if !ok {
				return nil, errNotApplicable
			}
			return d, nil
		}),
		// deduction(target, actual): the points settings.deviation_points
		// takes off an indicator whose deviation reaches
		// settings.deviation_threshold; 0 when it does not, or when the
		// settings are not set.
		ind("deduction", func(c *indicators, a []any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("deduction(target, actual) takes 2 arguments")
			}
			return Deduction(envSettings(env), c.of(a[0]), c.of(a[1])), nil
		}),
		// fmt(x): a number without trailing zeros.
		fn("fmt", func(a ...any) (any, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("fmt(x) takes 1 argument")
			}
			return display(a[0]), nil
		}),
	}
}

// errNotApplicable makes a check skip a value it cannot judge.
var errNotApplicable = fmt.Errorf("not applicable")

func three(a []any) (float64, float64, float64, error) {
	if len(a) != 3 {
		return 0, 0, 0, fmt.Errorf("takes 3 numbers")
	}
	x, ok1 := a[0].(float64)
	y, ok2 := a[1].(float64)
	z, ok3 := a[2].(float64)
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, errNotApplicable
	}
	return x, y, z, nil
}

func asList(v any) []any {
	switch l := v.(type) {
	case []any:
		return l
	case []map[string]any:
		out := make([]any, len(l))
		for i := range l {
			out[i] = l[i]
		}
		return out
	}
	return nil
}

// listName returns the list named by a[0] (and its name) and the name
// a[1] holds.
func listName(env map[string]any, a []any) (string, []string, string, error) {
	if len(a) != 2 {
		return "", nil, "", fmt.Errorf("takes a list name and a name")
	}
	ln, _ := a[0].(string)
	lists, _ := env["lists"].(map[string][]string)
	list, ok := lists[ln]
	if !ok {
		return "", nil, "", fmt.Errorf("no list %q in rules.lists", ln)
	}
	switch v := a[1].(type) {
	case string:
		return ln, list, v, nil
	case map[string]any: // a heading
		s, _ := v["name"].(string)
		return ln, list, s, nil
	}
	return "", nil, "", errNotApplicable
}

// nearestMemo remembers Nearest's answers for one compiled expression's
// lists, which do not change: forms repeat the same 一级/二级 names row
// after row and workbook after workbook. Checks of several workbooks run
// at once, hence the lock; at most nearestMemoSize answers are kept.
type nearestMemo struct {
	mu sync.Mutex
	m  map[[2]string]nearestAnswer
}

type nearestAnswer struct {
	name  string
	exact bool
}

const nearestMemoSize = 4096

func (n *nearestMemo) nearest(listName string, list []string, name string) (string, bool) {
	k := [2]string{listName, name}
	n.mu.Lock()
	a, ok := n.m[k]
	n.mu.Unlock()
	if ok {
		return a.name, a.exact
	}
	a.name, a.exact = Nearest(list, name)
	n.mu.Lock()
	if n.m == nil {
		n.m = map[[2]string]nearestAnswer{}
	}
	if len(n.m) < nearestMemoSize {
		n.m[k] = a
	}
	n.mu.Unlock()
	return a.name, a.exact
}

// Indicator is an indicator value as the domain functions see it.
type Indicator struct {
	Op          string
	Number      *float64
	Unit        string
	Text        string
	Qualitative bool
	Tier        string
}

// indicatorBox holds an Indicator and its number in one allocation.
type indicatorBox struct {
	ind Indicator
	n   float64
}

func asIndicator(v any) *Indicator {
	m, ok := v.(map[string]any)
	if !ok {
		if x, ok := v.(float64); ok {
			b := &indicatorBox{n: x}
			b.ind.Number = &b.n
			return &b.ind
		}
		return nil
	}
	b := &indicatorBox{}
	ind := &b.ind
	ind.Op, _ = m["op"].(string)
	if x, ok := m["number"].(float64); ok {
		b.n = x
		ind.Number = &b.n
	}
	ind.Unit, _ = m["unit"].(string)
	ind.Text, _ = m["text"].(string)
	ind.Qualitative, _ = m["qualitative"].(bool)
	ind.Tier, _ = m["tier"].(string)
	return ind
}

// direction returns the operator a target is judged by: the written one,
// with a bare or = target of 0 (安全事故发生率 0) read as "at most 0" and any
// other bare or = target as "at least".
func direction(target *Indicator) string {
	if (target.Op == "" || target.Op == "=") && target.Number != nil && *target.Number == 0 {
		return "<="
	}
	return target.Op
}

// Met reports whether actual meets target: by the target's operator for
// numbers (a bare or = target is met when reached, a zero one when not
// exceeded), by tier or equal text for qualitative ones. It is true when it
// cannot tell.
func Met(target, actual *Indicator) bool {
	if target == nil || actual == nil {
		return true
	}
	if actual.Tier == "未达成" || actual.Tier == "部分达成" {
		return false
	}
	if target.Number != nil && actual.Number != nil {
		t, a := *target.Number, *actual.Number
		switch direction(target) {
		case "<=":
			return a <= t+1e-9
		case "<":
			return a < t || (t == 0 && a == 0)
		default:
			return a >= t-1e-9
		}
	}
	if target.Qualitative && actual.Qualitative {
		return !(notDone[NormLabel(actual.Text)] && !notDone[NormLabel(target.Text)])
	}
	return true
}

// notDone holds the answers of a qualitative target or actual that say it was
// not done.
var notDone = map[string]bool{"否": true, "未完成": true, "未达到": true, "无": true}

// ExpectedScore is the 得分 the directional formula gives (DOMAIN.md): for
// ≥, > and = targets full weight when reached, else weight × actual/target;
// for ≤ and < full when within, 0 at twice the target, linear between. ok
// is false for rows it does not apply to (qualitative, no numbers).
func ExpectedScore(weight float64, target, actual *Indicator) (float64, bool) {
	if target == nil || actual == nil || target.Number == nil || actual.Number == nil {
		return 0, false
	}
	t, a := *target.Number, *actual.Number
	switch direction(target) {
	case "<=", "<":
		switch {
		case a <= t:
			return weight, true
		case t <= 0 || a >= 2*t:
			return 0, true
		default:
			return weight * (1 - (a-t)/t), true
		}
	default:
		switch {
		case a >= t:
			return weight, true
		case t <= 0:
			return weight, true
		default:
			return weight * a / t, true
		}
	}
}

// Over reports whether actual exceeds factor × target on a ≥, > or = target.
func Over(target, actual *Indicator, factor float64) bool {
	if target == nil || actual == nil || target.Number == nil || actual.Number == nil || factor <= 0 {
		return false
	}
	if target.Op == "<=" || target.Op == "<" || *target.Number <= 0 {
		return false
	}
	if target.Unit == "%" && *target.Number >= 100 {
		return false
	}
	return *actual.Number >= factor**target.Number-1e-9
}

// unitGroups lists units that are interchangeable between target and actual.
var unitGroups = [][]string{
	{"个", "张", "所", "家", "座", "间", "台", "套", "处", "床", "件", "项", "部", "支"},
	{"人", "名", "位"},
	{"%", "百分比"},
	{"年", "年度"},
}

// SameUnits reports whether target and actual are in the same or
// interchangeable units; a missing unit on either side is taken as the same.
func SameUnits(target, actual *Indicator) bool {
	if target == nil || actual == nil || target.Unit == "" || actual.Unit == "" || target.Unit == actual.Unit {
		return true
	}
	for _, g := range unitGroups {
		in := func(u string) bool {
			for _, x := range g {
				if x == u {
					return true
				}
			}
			return false
		}
		if in(target.Unit) && in(actual.Unit) {
			return true
		}
	}
	return false
}

// TierBand is the share of 分值 a qualitative tier earns: 达成 80–100%,
// 部分达成 60–80%, 未达成 0–60%.
func TierBand(tier string) (float64, float64) {
	switch tier {
	case "达成":
		return 0.8, 1
	case "部分达成":
		return 0.6, 0.8
	default:
		return 0, 0.6
	}
}

// Nearest returns the name in list closest to name after normalising, and
// whether name matches one leniently (equal, or equal but for a missing or
// extra trailing 指标). Closest is the smallest edit distance, then the
// longest shared run of characters (社会效益 is nearer 效益指标 than 产出指标).
func Nearest(list []string, name string) (string, bool) {
	n := NormLabel(name)
	best, bestD, bestL := "", math.MaxInt, -1
	for _, cand := range list {
		c := NormLabel(cand)
		if n == c || n+"指标" == c || n == c+"指标" {
			return cand, true
		}
		d, l := levenshtein.ComputeDistance(n, c), commonRun(n, c)
		if d < bestD || d == bestD && l > bestL {
			best, bestD, bestL = cand, d, l
		}
	}
	return best, false
}

// commonRun is the length in runes of the longest run a and b share.
func commonRun(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	best := 0
	for i := range ra {
		for j := range rb {
			k := 0
			for i+k < len(ra) && j+k < len(rb) && ra[i+k] == rb[j+k] {
				k++
			}
			best = max(best, k)
		}
	}
	return best
}

// display renders an expression value in a message.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return "（空）"
	case float64:
		return FormatNumber(math.Round(x*10000) / 10000)
	case string:
		return x
	case bool:
		if x {
			return "是"
		}
		return "否"
	case map[string]any:
		if raw, ok := x["raw"].(string); ok {
			return raw
		}
		if n, ok := x["name"].(string); ok {
			return n
		}
	case []any:
		parts := make([]string, len(x))
		for i := range x {
			parts[i] = display(x[i])
		}
		sort.Strings(parts)
		return fmt.Sprint(parts)
	}
	return fmt.Sprint(v)
}

// envSettings returns the settings of a check environment.
func envSettings(env map[string]any) map[string]float64 {
	s, _ := env["settings"].(map[string]float64)
	return s
}

// scoreCapPrefix starts the name of a 执行率 band setting:
// score_cap_below_80: 89 caps the 总分 at 89 when the 执行率 is below 80%.
const scoreCapPrefix = "score_cap_below_"

// ScoreCap is the highest 总分 a 执行率 of rate percent allows under the
// score_cap_below_N settings: the lowest cap among the bands whose N the
// rate is below. ok is false when no band is set or none applies.
func ScoreCap(settings map[string]float64, rate float64) (float64, bool) {
	best, ok := 0.0, false
	for k, v := range settings {
		if !strings.HasPrefix(k, scoreCapPrefix) {
			continue
		}
		below, err := strconv.ParseFloat(strings.TrimPrefix(k, scoreCapPrefix), 64)
		if err != nil || rate >= below-1e-9 {
			continue
		}
		if !ok || v < best {
			best, ok = v, true
		}
	}
	return best, ok
}

// Deviation is how far actual is from target, in percent of the target,
// either way. ok is false without two numbers or with a zero target.
func Deviation(target, actual *Indicator) (float64, bool) {
	if target == nil || actual == nil || target.Number == nil || actual.Number == nil || *target.Number == 0 {
		return 0, false
	}
	return math.Abs(*actual.Number-*target.Number) / math.Abs(*target.Number) * 100, true
}

// Deduction is the points an indicator loses for deviating from its target
// by settings.deviation_threshold percent or more: settings.deviation_points,
// else 0. Both settings must be positive for any deduction.
func Deduction(settings map[string]float64, target, actual *Indicator) float64 {
	th, pts := settings["deviation_threshold"], settings["deviation_points"]
	if th <= 0 || pts <= 0 {
		return 0
	}
	if d, ok := Deviation(target, actual); ok && d >= th-1e-9 {
		return pts
	}
	return 0
}
