package mapping

import (
	"strings"
	"testing"
)

// libTemplate is a template with the fields and indicator columns named,
// the rule set of roles added.
func libTemplate(t *testing.T, fields []Field, cols []Column, roles RuleRoles) (*Template, RuleSet) {
	t.Helper()
	tpl := &Template{ID: "lib", Version: "1", Detect: []string{"三级指标"}, Fields: fields,
		Tables: []Table{{Name: "indicators", Columns: cols}}}
	rs := RuleLibrary(roles)
	tpl.Rules = rs.Rules()
	if err := tpl.Validate(); err != nil {
		t.Fatalf("the library's checks do not compile: %v", err)
	}
	return tpl, rs
}

func ids(rs RuleSet) map[string]string {
	out := map[string]string{}
	for _, c := range rs.Checks {
		out[c.Check.ID] = c.Why
	}
	return out
}

func TestRuleLibraryFitsColumns(t *testing.T) {
	f := func(name string, ty Type) Field { return Field{Name: name, Type: ty, Label: Strings{name}} }
	c := func(name string, ty Type) Column { return Column{Name: name, Type: ty, Header: Strings{name}} }
	all := []Column{c("level1", TypeHeading), c("level2", TypeHeading), c("level3", TypeText), c("target", TypeIndicator),
		c("actual", TypeIndicator), c("weight", TypeScore), c("score", TypeScore), c("deviation", TypeText)}
	fields := []Field{f("budget_full", TypeAmount), f("spent", TypeAmount), f("rate", TypePercent), f("budget_weight", TypeScore),
		f("budget_score", TypeScore), f("total_weight", TypeScore), f("total_score", TypeScore)}
	roles := RuleRoles{Table: "indicators", Level1: "level1", Level2: "level2", Level3: "level3", Target: "target", Actual: "actual",
		Weight: "weight", Score: "score", Deviation: "deviation",
		Rates:        []RateRoles{{Title: "年度资金总额", Budget: "budget_full", Spent: "spent", Rate: "rate"}},
		BudgetWeight: "budget_weight", BudgetScore: "budget_score",
		TotalWeight: Total{Field: "total_weight"}, TotalScores: []Total{{Field: "total_score", IncludesBudget: true}},
		FullScore: 90, Vocabulary: "national"}
	_, rs := libTemplate(t, fields, all, roles)
	got := ids(rs)
	for _, want := range []string{"rate-formula", "budget-score", "score-range", "level1-weight", "level2-weight", "weight-total",
		"full-score", "score-total", "score-formula", "tier-score", "target-missed-reason", "over-achievement", "unit-mismatch",
		"level1-name", "level2-name", "level2-parent", "score-cap", "deviation-deduction"} {
		if got[want] == "" {
			t.Errorf("full form: no %s (or no reason for it)", want)
		}
	}
	for _, c := range rs.Checks {
		if c.Check.ID == "score-total" && !strings.HasPrefix(c.Check.Expected, "cap_score(budget_score + ") {
			t.Errorf("score-total counting the budget: expected %q", c.Check.Expected)
		}
	}
	settings := map[string]float64{}
	for _, s := range rs.Settings {
		settings[s.Name] = s.Value
	}
	if settings["full_score"] != 90 || settings["rate_slack"] == 0 || settings["over_factor"] == 0 {
		t.Errorf("settings: %v", settings)
	}
	if len(rs.Lists) != 6 {
		t.Errorf("lists: %+v", rs.Lists)
	}

	// A table of 一级/二级/三级, 指标值 and 实际完成值 only, one reason
	// field under it, no budget block: no score rule, the reason rule on
	// the field.
	few := []Column{c("level1", TypeHeading), c("level2", TypeHeading), c("level3", TypeText), c("target", TypeIndicator), c("actual", TypeIndicator)}
	_, rs = libTemplate(t, []Field{f("deviation_reason", TypeText)}, few, RuleRoles{Table: "indicators", Level1: "level1", Level2: "level2",
		Level3: "level3", Target: "target", Actual: "actual", Reason: "deviation_reason"})
	got = ids(rs)
	for _, absent := range []string{"rate-formula", "budget-score", "score-range", "level1-weight", "weight-total", "full-score",
		"score-total", "score-formula", "tier-score", "over-achievement", "level1-name", "score-cap", "deviation-deduction"} {
		if _, ok := got[absent]; ok {
			t.Errorf("a form without its columns has %s", absent)
		}
	}
	for _, want := range []string{"target-missed-reason", "unit-mismatch"} {
		if got[want] == "" {
			t.Errorf("no %s", want)
		}
	}
	// 分值/得分 and 备注 only (民生工程): a lost point asks for a note.
	_, rs = libTemplate(t, nil, []Column{c("level3", TypeText), c("weight", TypeScore), c("score", TypeScore), c("note", TypeText)},
		RuleRoles{Table: "indicators", Level3: "level3", Weight: "weight", Score: "score", Note: "note"})
	if got := ids(rs); got["score-note"] == "" || got["score-range"] == "" || got["target-missed-reason"] != "" {
		t.Errorf("minsheng-like: %v", got)
	}
	if rs := RuleLibrary(RuleRoles{}); len(rs.Checks) != 0 || len(rs.Settings) != 0 {
		t.Errorf("nothing to check: %+v", rs)
	}
}

func TestGuessVocabulary(t *testing.T) {
	if v, n := GuessVocabulary([]string{"产出指标", "效益", "满意度指标"}); v != "national" || n != 3 {
		t.Errorf("national: %s %d", v, n)
	}
	if v, n := GuessVocabulary([]string{"投入", "过程", "产出", "效果"}); v != "minsheng" || n < 3 {
		t.Errorf("minsheng: %s %d", v, n)
	}
	if v, n := GuessVocabulary([]string{"工作任务", "履职效能"}); v != "" || n != 0 {
		t.Errorf("unknown: %s %d", v, n)
	}
}
