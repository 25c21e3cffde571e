package mapping

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

// manyRows is checkGrid with n indicator rows: row i (1-based, sheet row
// i+2) has weight 5 and score 6 (above its weight) when i%7 == 3, no score
// when i%7 == 4, else score 5.
func manyRows(n int) (string, map[int]bool) {
	var b strings.Builder
	b.WriteString("预算数|100|执行数|100|原因|无\n一级指标|三级指标|分值|得分\n")
	over := map[int]bool{}
	for i := 1; i <= n; i++ {
		score := "5"
		switch i % 7 {
		case 3:
			score = "6"
			over[i+2] = true
		case 4:
			score = ""
		}
		head := ""
		if i == 1 {
			head = "产出指标"
		}
		fmt.Fprintf(&b, "%s|指标%d|5|%s\n", head, i, score)
	}
	b.WriteString("合计")
	return b.String(), over
}

// rowsWith returns the sheet rows of the findings of rule, and their
// messages.
func rowsWith(fs []Finding, rule string) (map[int]bool, []string) {
	rows := map[int]bool{}
	var msgs []string
	for _, f := range fs {
		if f.Rule != rule {
			continue
		}
		r, _, err := ParseCellName(f.Cell)
		if err != nil {
			continue
		}
		rows[r+1] = true
		msgs = append(msgs, f.Message)
	}
	return rows, msgs
}

// A row-scope check reads each row's own values: a value of the row before
// never stands in for one the row lacks, over many rows.
func TestCheckRowValuesPerRow(t *testing.T) {
	grid, over := manyRows(150)
	for _, assert := range []string{"row.score <= row.weight", `row["score"] <= row["weight"]`} {
		tpl := checkTemplate(t, `
rules:
  checks:
    - {id: within, each: rows, assert: '`+assert+`', at: [score], message: "“{row.name}”得分 {fmt(row.score)} 高于分值 {fmt(row.weight)}"}
`)
		if !tpl.hiddenNames || len(tpl.checks[0].rowKeys) != 3 {
			t.Fatalf("%s: row names not read from the environment: %+v", assert, tpl.checks[0])
		}
		rows, msgs := rowsWith(findings(t, tpl, grid), "within")
		if !reflect.DeepEqual(rows, over) {
			t.Errorf("%s: findings on rows %v, want %v", assert, rows, over)
		}
		if len(msgs) == 0 || msgs[0] != "“指标3”得分 6 高于分值 5" {
			t.Errorf("%s: messages %v", assert, msgs)
		}
	}
}

// A check may read a column the table does not have: it is nil in every
// row.
func TestCheckMissingColumn(t *testing.T) {
	grid, _ := manyRows(20)
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: absent, each: rows, assert: row.bonus == nil, at: [score], message: 有加分}
    - {id: present, each: rows, assert: 'row.bonus != nil', at: [name], message: "“{row.name}”无加分{row.bonus}"}
`)
	fs := findings(t, tpl, grid)
	if rows, _ := rowsWith(fs, "absent"); len(rows) != 0 {
		t.Errorf("row.bonus == nil failed on rows %v", rows)
	}
	rows, msgs := rowsWith(fs, "present")
	if len(rows) != 20 || msgs[1] != "“指标2”无加分（空）" {
		t.Errorf("row.bonus != nil: %d findings, messages %v", len(rows), msgs)
	}
}

// Rules reading $env see the environment they saw before: no names are
// added to it, and they find what the same rule without $env finds.
func TestCheckEnvWhole(t *testing.T) {
	grid, over := manyRows(30)
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: within, each: rows, assert: '$env.row.score <= row.weight', at: [score], message: "“{row.name}”得分高于分值"}
    - {id: names, each: rows, assert: 'all(keys($env), {# not startsWith "\u0000"})', at: [score], message: 有隐藏名称}
`)
	if tpl.hiddenNames || tpl.checks[0].rowKeys != nil || tpl.checks[0].names != nil {
		t.Fatalf("a rule reads $env: want no environment names added, got %+v", tpl.checks[0])
	}
	fs := findings(t, tpl, grid)
	if rows, _ := rowsWith(fs, "within"); !reflect.DeepEqual(rows, over) {
		t.Errorf("findings on rows %v, want %v", rows, over)
	}
	if rows, _ := rowsWith(fs, "names"); len(rows) != 0 {
		t.Errorf("hidden names in $env on rows %v", rows)
	}
}

// compileExpr fails as expr.Compile does, with the same message.
func TestCompileExprErrors(t *testing.T) {
	tpl := checkTemplate(t, "")
	env := tpl.sampleEnv(&Check{Each: "rows"})
	for _, src := range []string{"row.score >", "nosuch(row.score)", "budget + ", `budget + "x"`, "met(row.target)(1)", "reason.x.y > 1", "let row = 1; row"} {
		_, want := expr.Compile(src, exprOptions(env)...)
		var cols []string
		_, got := compileExpr(src, true, true, &cols, exprOptions(env)...)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%s: error %v, want %v", src, got, want)
		}
	}
	var cols []string
	if _, err := compileExpr("row.score <= row.weight", true, true, &cols, exprOptions(env)...); err != nil || len(cols) != 2 {
		t.Errorf("row.score <= row.weight: %v, columns %v", err, cols)
	}
}

// The Indicators the domain functions are given are those asIndicator reads
// from the values' maps; a map the validation did not make is read as it is.
func TestIndicatorOf(t *testing.T) {
	var c indicators
	for _, s := range []string{"≥95%", "不低于7500人", "100%", "<=0", "部分达成年度指标并具有一定效果", "达成", "无", "约100人", "5个"} {
		for _, ty := range []Type{TypeIndicator, TypeHeading} {
			val := Parse(ty, "", Cell{Text: s, Raw: s})
			m, ok := valueOf(val).(map[string]any)
			if !ok {
				continue
			}
			want := asIndicator(m)
			if got := indicatorOf(val); !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: indicatorOf = %+v, want %+v", ty, s, got, want)
			}
			c.add(m, val)
			if got := c.of(m); !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: of = %+v, want %+v", ty, s, got, want)
			}
		}
	}
	other := map[string]any{"op": "<=", "number": 3.0, "tier": "达成"}
	if got, want := c.of(other), asIndicator(other); !reflect.DeepEqual(got, want) || got.Op != "<=" {
		t.Errorf("a map of a rule: of = %+v, want %+v", got, want)
	}
	if got := (*indicators)(nil).of(4.0); got == nil || *got.Number != 4 {
		t.Errorf("a number: of = %+v", got)
	}
}

// Member accesses read what the virtual machine's reads: the value of a
// map's key, nil or zero for a key it lacks, an error (the check skipped,
// "?" in a message) on a value that has no members.
func TestCheckMemberAccess(t *testing.T) {
	grid, _ := manyRows(30)
	tpl := checkTemplate(t, `
rules:
  checks:
    - {id: all-within, assert: 'all(tables.rows, {#.score == nil or #.score <= #.weight})', at: [budget], message: 有得分高于分值}
    - {id: all-within-1, assert: 'all(tables.rows, {#.score == nil or #.score <= #["weight"] + 1})', at: [budget], message: 有得分高于分值}
    - {id: members, assert: "false", at: [budget], message: '{tables.rows[2].weight.x}|{settings.nosuch}|{settings.tolerance}|{lists.nosuch}|{tables.rows[2].name}|{tables.nosuch}'}
    - {id: heads, each: rows, group: level1, assert: 'head.weight != nil', at: [level1], message: '{head.name}{head.nosuch}|{group[0].name}|{len(group)}'}
    - {id: nil-member, each: rows, assert: 'row.nosuch.x == nil', at: [score], message: 无}
`)
	fs := findings(t, tpl, grid)
	msgs := map[string][]string{}
	for _, f := range fs {
		msgs[f.Rule] = append(msgs[f.Rule], f.Message)
	}
	want := map[string][]string{
		"all-within": {"有得分高于分值"},
		"members":    {"?|0|0.01|[]|指标3|（空）"},
		"heads":      {"产出指标（空）|指标1|30"},
	}
	if !reflect.DeepEqual(msgs, want) {
		t.Errorf("messages %v, want %v", msgs, want)
	}
}
