package mapping

import (
	"fmt"
	"strings"
)

// The rule library: the checks the shipped mappings make, written once and
// fitted to the fields and columns a form has. `jxsync mapping scaffold`
// proposes them for a new form; each is included only when every field and
// column it reads exists.

// RuleRoles names the fields and columns of a template that play each part
// the library's checks read; an empty name is a part the form lacks.
type RuleRoles struct {
	// Table is the indicator table the row checks run over.
	Table string
	// Level1 .. Note are columns of Table.
	Level1, Level2, Level3 string
	Target, Actual         string
	Weight, Score          string
	Deviation              string
	// Note is a 备注 column: where a lost point is explained when the
	// table has no Deviation column.
	Note string
	// Titles are the Chinese captions of the columns and fields above, by
	// name, for messages.
	Titles map[string]string
	// Reason is a form-level field holding the reason for missed targets
	// when the table has no per-row Deviation column (偏差大或目标未完成原因分析).
	Reason string
	// Rates are the budget rows with an execution rate: 执行率 = 执行数 / 预算数.
	Rates []RateRoles
	// BudgetWeight and BudgetScore are the 分值 and 得分 of the budget
	// execution (预算执行), scored as 分值 × 执行率 with Rates[0].Rate.
	BudgetWeight, BudgetScore string
	// TotalWeight is the field of the form's total 分值; TotalScores the
	// fields holding its 总分 (a total row, a 自评总分 at the top).
	TotalWeight Total
	TotalScores []Total
	// FullScore is the total 分值 the form must reach (settings.full_score);
	// 0 means 100.
	FullScore float64
	// Vocabulary names the 一级/二级指标 names the form uses: a key of
	// Vocabularies, or empty for none.
	Vocabulary string
}

// Total is a field holding a total of the indicator table's 分值 or 得分.
type Total struct {
	Field string
	// IncludesBudget says it counts the budget execution's 分值/得分
	// besides the indicators' (项目支出 自评表: 10 + 90).
	IncludesBudget bool
}

// RateRoles are the fields of one budget row with an execution rate.
type RateRoles struct {
	// ID distinguishes the row's check ("" for the main row: rate-formula;
	// else ID-rate-formula).
	ID string
	// Title is the row's caption (年度资金总额, 当年财政拨款).
	Title               string
	Budget, Spent, Rate string
}

// RuleSet is what the library proposes for a form: settings, lists and
// checks, each with the reason it was chosen.
type RuleSet struct {
	Settings []LibrarySetting
	Lists    []LibraryList
	Checks   []LibraryCheck
}

// LibrarySetting is one proposed setting.
type LibrarySetting struct {
	Name  string
	Value float64
	Why   string
}

// LibraryList is one proposed vocabulary.
type LibraryList struct {
	Name  string
	Items []string
	Why   string
}

// LibraryCheck is one proposed check and why it fits the form.
type LibraryCheck struct {
	Check Check
	Why   string
}

// Rules returns the rule set as a mapping's Rules.
func (rs RuleSet) Rules() Rules {
	r := Rules{}
	if len(rs.Settings) > 0 {
		r.Settings = map[string]float64{}
		for _, s := range rs.Settings {
			r.Settings[s.Name] = s.Value
		}
	}
	if len(rs.Lists) > 0 {
		r.Lists = map[string][]string{}
		for _, l := range rs.Lists {
			r.Lists[l.Name] = l.Items
		}
	}
	for _, c := range rs.Checks {
		r.Checks = append(r.Checks, c.Check)
	}
	return r
}

// Vocabulary is a set of 一级/二级指标 names and which 二级 each 一级 admits.
type Vocabulary struct {
	Title  string
	Level1 []string
	Level2 []string
	// Under lists, per 一级指标, the 二级指标 it admits.
	Under []VocabularyGroup
}

// VocabularyGroup is a 一级指标 and the 二级指标 it admits.
type VocabularyGroup struct {
	Level1 string
	Level2 []string
}

// Vocabularies are the 指标 name sets of the shipped forms: national (财预
// 〔2020〕10号 and the 部门整体 forms) and minsheng (安徽 民生工程 得分表).
var Vocabularies = map[string]Vocabulary{
	"national": {
		Title:  "财预〔2020〕10号 一级/二级指标",
		Level1: []string{"产出指标", "效益指标", "满意度指标", "成本指标"},
		Level2: []string{"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
			"可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标"},
		Under: []VocabularyGroup{
			{"产出指标", []string{"数量指标", "质量指标", "时效指标", "成本指标"}},
			{"效益指标", []string{"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"}},
			{"满意度指标", []string{"服务对象满意度指标"}},
			{"成本指标", []string{"经济成本指标", "社会成本指标", "生态环境成本指标"}},
		},
	},
	"minsheng": {
		Title:  "民生工程绩效评价 一级/二级指标",
		Level1: []string{"投入", "过程", "产出", "效果"},
		Level2: []string{"项目立项", "资金落实", "项目管理", "财务管理", "项目产出", "项目效益"},
		Under: []VocabularyGroup{
			{"投入", []string{"项目立项", "资金落实"}},
			{"过程", []string{"项目管理", "财务管理"}},
			{"产出", []string{"项目产出"}},
			{"效果", []string{"项目效益"}},
		},
	},
}

// GuessVocabulary returns the key of the vocabulary most of names (一级指标
// as written) belong to, and how many of them it knows; "" when none knows
// any.
func GuessVocabulary(names []string) (string, int) {
	best, bestN := "", 0
	for _, key := range []string{"national", "minsheng"} {
		n := 0
		for _, name := range names {
			if _, ok := Nearest(Vocabularies[key].Level1, name); ok {
				n++
			}
		}
		if n > bestN {
			best, bestN = key, n
		}
	}
	return best, bestN
}

// RuleLibrary returns the settings, lists and checks of the library that
// fit roles: each check only when every name it reads is set.
func RuleLibrary(r RuleRoles) RuleSet {
	lb := &library{r: r, used: map[string]bool{}}
	lb.budget()
	lb.scores()
	lb.reasons()
	lb.names()
	lb.settings()
	return lb.out
}

type library struct {
	r    RuleRoles
	out  RuleSet
	used map[string]bool // settings the checks refer to
}

func (lb *library) title(name string) string {
	if t := lb.r.Titles[name]; t != "" {
		return t
	}
	return name
}

func (lb *library) add(why string, c Check) {
	for _, s := range []string{c.When, c.Assert, c.Found, c.Expected, c.Slack, c.Tolerance, c.Message} {
		for _, name := range []string{"tolerance", "pct_tolerance", "rate_slack", "score_slack", "over_factor", "full_score", "low_rate"} {
			if strings.Contains(s, "settings."+name) {
				lb.used[name] = true
			}
		}
	}
	lb.out.Checks = append(lb.out.Checks, LibraryCheck{Check: c, Why: why})
}

func allSet(names ...string) bool {
	for _, n := range names {
		if n == "" {
			return false
		}
	}
	return true
}

// budget adds 执行率 = 执行数/预算数 per budget row and the execution-rate
// score.
func (lb *library) budget() {
	r := lb.r
	for _, rt := range r.Rates {
		if !allSet(rt.Budget, rt.Spent, rt.Rate) {
			continue
		}
		id := "rate-formula"
		if rt.ID != "" {
			id = rt.ID + "-rate-formula"
		}
		lb.add(fmt.Sprintf("“%s”有%s、%s、%s三栏", rt.Title, lb.title(rt.Budget), lb.title(rt.Spent), lb.title(rt.Rate)), Check{
			ID: id, When: rt.Budget + " > 0", Found: rt.Rate, Expected: rt.Spent + " / " + rt.Budget + " * 100",
			Slack: "settings.rate_slack", Tolerance: "settings.pct_tolerance",
			At: Strings{rt.Rate, rt.Spent, rt.Budget},
			Message: fmt.Sprintf("%s执行率应为%s/%s = {fmt(%s)}/{fmt(%s)} = {fmt(%s / %s * 100)}%%，表中为 {fmt(%s)}%%",
				rt.Title, lb.title(rt.Spent), lb.title(rt.Budget), rt.Spent, rt.Budget, rt.Spent, rt.Budget, rt.Rate),
		})
	}
	if len(r.Rates) > 0 && allSet(r.BudgetWeight, r.BudgetScore, r.Rates[0].Rate) {
		rate := r.Rates[0].Rate
		exp := fmt.Sprintf("min(%s, %s * %s / 100)", r.BudgetWeight, r.BudgetWeight, rate)
		lb.add("预算执行有分值、执行率和得分：得分 = 分值 × 执行率（不超过分值）", Check{
			ID: "budget-score", Found: r.BudgetScore, Expected: exp, Slack: "settings.score_slack",
			At: Strings{r.BudgetScore, r.BudgetWeight, rate},
			Message: fmt.Sprintf("预算执行得分应为 分值 × 执行率 = {fmt(%s)} × {fmt(%s)}%% = {fmt(%s)}（不超过分值），表中为 {fmt(%s)}",
				r.BudgetWeight, rate, exp, r.BudgetScore),
		})
	}
}

// scores adds score ≤ weight, weights per 一级 (and 二级), the total 分值
// and 总分 = sum, and the directional and tier score formulas.
func (lb *library) scores() {
	r := lb.r
	tb := r.Table
	if tb == "" {
		return
	}
	label := lb.rowLabel()
	if allSet(r.Weight, r.Score) {
		lb.add(fmt.Sprintf("指标表有“%s”和“%s”两栏", lb.title(r.Score), lb.title(r.Weight)), Check{
			ID: "score-range", Each: tb,
			Assert: fmt.Sprintf("row.%s >= 0 and row.%s <= row.%s", r.Score, r.Score, r.Weight),
			At:     Strings{r.Score, r.Weight},
			Message: fmt.Sprintf("%s%s {fmt(row.%s)} 应在 0 与%s {fmt(row.%s)} 之间",
				label, lb.title(r.Score), r.Score, lb.title(r.Weight), r.Weight),
		})
	}
	for _, lv := range []struct{ id, col, name, eg string }{{"level1-weight", r.Level1, "一级指标", "产出指标(40分)"}, {"level2-weight", r.Level2, "二级指标", "项目立项(8分)"}} {
		if !allSet(lv.col, r.Weight) {
			continue
		}
		lb.add(fmt.Sprintf("%s可写分值（如“%s”），其下各指标的%s合计应与之相等", lv.name, lv.eg, lb.title(r.Weight)), Check{
			ID: lv.id, Each: tb, Group: lv.col,
			When:     fmt.Sprintf("head.weight != nil and all(group, {#.%s != nil})", r.Weight),
			Found:    fmt.Sprintf("total(group, %q)", r.Weight),
			Expected: "head.weight",
			At:       Strings{lv.col, r.Weight},
			Message: fmt.Sprintf("%s“{head.name}”标注 {fmt(head.weight)} 分，其下各三级指标%s合计 {fmt(total(group, %q))}",
				lv.name, lb.title(r.Weight), r.Weight),
		})
	}
	if tw := r.TotalWeight; allSet(r.Weight, tw.Field) {
		found := fmt.Sprintf("total(tables.%s, %q)", tb, r.Weight)
		at := Strings{tw.Field}
		msg := fmt.Sprintf("各指标%s合计 {fmt(%s)}，与%s {fmt(%s)} 不符", lb.title(r.Weight), found, lb.title(tw.Field), tw.Field)
		why := fmt.Sprintf("有“%s”：各指标%s之和应等于它", lb.title(tw.Field), lb.title(r.Weight))
		if tw.IncludesBudget && r.BudgetWeight != "" {
			found = r.BudgetWeight + " + " + found
			at = append(at, r.BudgetWeight)
			msg = fmt.Sprintf("预算执行分值 {fmt(%s)} + 各指标%s合计 = {fmt(%s)}，与%s {fmt(%s)} 不符",
				r.BudgetWeight, lb.title(r.Weight), found, lb.title(tw.Field), tw.Field)
			why += "（样本中它含预算执行的分值）"
		}
		lb.add(why, Check{
			ID: "weight-total", When: fmt.Sprintf("all(tables.%s, {#.%s != nil})", tb, r.Weight),
			Found: found, Expected: tw.Field, At: at, Message: msg,
		})
	}
	if tw := r.TotalWeight; tw.Field != "" {
		lb.add(fmt.Sprintf("有“%s”：满分为 settings.full_score", lb.title(tw.Field)), Check{
			ID: "full-score", Found: tw.Field, Expected: "settings.full_score", At: Strings{tw.Field},
			Message: fmt.Sprintf("%s应为 {fmt(settings.full_score)}，表中为 {fmt(%s)}", lb.title(tw.Field), tw.Field),
		})
	}
	if r.Score != "" {
		for i, ts := range r.TotalScores {
			id := "score-total"
			if i > 0 {
				id = fmt.Sprintf("score-total-%d", i+1)
			}
			exp := fmt.Sprintf("total(tables.%s, %q)", tb, r.Score)
			at := Strings{ts.Field}
			msg := fmt.Sprintf("%s {fmt(%s)} 与各指标%s合计 {fmt(%s)} 不符", lb.title(ts.Field), ts.Field, lb.title(r.Score), exp)
			why := fmt.Sprintf("有“%s”：应等于各指标%s之和", lb.title(ts.Field), lb.title(r.Score))
			if ts.IncludesBudget && r.BudgetScore != "" {
				exp = r.BudgetScore + " + " + exp
				at = append(at, r.BudgetScore)
				msg = fmt.Sprintf("%s {fmt(%s)} 与预算执行得分 {fmt(%s)} + 各指标%s = {fmt(%s)} 不符",
					lb.title(ts.Field), ts.Field, r.BudgetScore, lb.title(r.Score), exp)
				why += "（样本中它含预算执行得分）"
			}
			when := fmt.Sprintf("all(tables.%s, {#.%s != nil})", tb, r.Score)
			if i == 0 && len(r.Rates) > 0 && r.Rates[0].Rate != "" {
				// Under a 执行率 cap (score_cap_below_*) the total is the
				// capped sum; a total above its cap is score-cap's finding.
				rate := r.Rates[0].Rate
				when += fmt.Sprintf(" and %s <= cap_score(%s, %s) + settings.score_slack", ts.Field, ts.Field, rate)
				msg += fmt.Sprintf(`{cap_score(%[1]s, %[2]s) < %[1]s ? "（按执行率封顶为 " + fmt(cap_score(%[1]s, %[2]s)) + "）" : ""}`, exp, rate)
				exp = fmt.Sprintf("cap_score(%s, %s)", exp, rate)
			}
			lb.add(why, Check{
				ID: id, When: when,
				Found: ts.Field, Expected: exp, Slack: "0.001", Tolerance: "settings.score_slack", At: at, Message: msg,
			})
		}
	}
	if allSet(r.Weight, r.Score, r.Target, r.Actual) {
		exp := fmt.Sprintf("max(0, expected_score(row.%[1]s, row.%[2]s, row.%[3]s) - deduction(row.%[2]s, row.%[3]s))", r.Weight, r.Target, r.Actual)
		lb.add("指标表有分值、得分、指标值和实际完成值：定量指标按完成比例计分（开启 deviation_points 时减去偏差扣分）", Check{
			ID: "score-formula", Each: tb, Found: "row." + r.Score, Expected: exp,
			Slack: "settings.score_slack", At: Strings{r.Score, r.Actual, r.Target},
			Message: fmt.Sprintf("%s按目标 {row.%s}、实际 {row.%s} 计算得分应为 {fmt(%s)}，表中为 {fmt(row.%s)}",
				label, r.Target, r.Actual, exp, r.Score),
		})
		lb.add("省级规则（默认关闭）：实际完成值偏离目标 ≥ deviation_threshold% 时扣 deviation_points 分；在 settings 中设置这两项即开启", Check{
			ID: "deviation-deduction", Each: tb,
			When:   fmt.Sprintf("deduction(row.%s, row.%s) > 0", r.Target, r.Actual),
			Assert: fmt.Sprintf("row.%s <= row.%s - deduction(row.%s, row.%s) + settings.score_slack", r.Score, r.Weight, r.Target, r.Actual),
			At:     Strings{r.Score, r.Actual, r.Target},
			Message: fmt.Sprintf("%s实际 {row.%[2]s} 偏离目标 {row.%[3]s} {fmt(deviation(row.%[3]s, row.%[2]s))}%%（≥{fmt(settings.deviation_threshold)}%%），应扣 {fmt(deduction(row.%[3]s, row.%[2]s))} 分，得分至多 {fmt(row.%[4]s - deduction(row.%[3]s, row.%[2]s))}，表中为 {fmt(row.%[5]s)}",
				label, r.Actual, r.Target, r.Weight, r.Score),
		})
	}
	if len(r.TotalScores) > 0 && len(r.Rates) > 0 && r.Rates[0].Rate != "" {
		ts, rate := r.TotalScores[0].Field, r.Rates[0].Rate
		lb.add("省级规则（默认关闭）：执行率低于某档时总分设上限；在 settings 中设 score_cap_below_N: 上限 即开启", Check{
			ID:     "score-cap",
			Assert: fmt.Sprintf("%s <= score_cap(%s) + settings.score_slack", ts, rate),
			At:     Strings{ts, rate},
			Message: fmt.Sprintf("执行率 {fmt(%s)}%%，%s至多 {fmt(score_cap(%s))} 分，表中为 {fmt(%s)}",
				rate, lb.title(ts), rate, ts),
		})
	}
	if allSet(r.Weight, r.Score, r.Actual) {
		lb.add("指标表有分值、得分和实际完成值：定性指标（达成/部分达成/未达成）得分应在其档位内", Check{
			ID: "tier-score", Each: tb,
			Assert: fmt.Sprintf("row.%[1]s >= band(row.%[2]s)[0] * row.%[3]s - settings.score_slack and row.%[1]s <= band(row.%[2]s)[1] * row.%[3]s + settings.score_slack",
				r.Score, r.Actual, r.Weight),
			At: Strings{r.Score, r.Actual},
			Message: fmt.Sprintf("%s实际完成值为“{row.%[2]s}”，得分应在 {fmt(band(row.%[2]s)[0] * row.%[3]s)}–{fmt(band(row.%[2]s)[1] * row.%[3]s)} 分之间，表中为 {fmt(row.%[4]s)}",
				label, r.Actual, r.Weight, r.Score),
		})
	}
}

// rowLabel is the message prefix naming a row by its 三级指标.
func (lb *library) rowLabel() string {
	if lb.r.Level3 == "" {
		return "该行"
	}
	return fmt.Sprintf("“{row.%s}”", lb.r.Level3)
}

// reasons adds the reason a missed (or far exceeded) target needs, and the
// unit check of target and actual.
func (lb *library) reasons() {
	r := lb.r
	tb := r.Table
	if tb == "" {
		return
	}
	label := lb.rowLabel()
	if !allSet(r.Target, r.Actual) {
		if r.Deviation == "" {
			lb.scoreNote(label)
		}
		return
	}
	switch {
	case r.Deviation != "":
		when := fmt.Sprintf("not met(row.%s, row.%s)", r.Target, r.Actual)
		if allSet(r.Weight, r.Score) {
			when += fmt.Sprintf(" or (row.%[1]s != nil and row.%[2]s != nil and row.%[1]s < row.%[2]s)", r.Score, r.Weight)
		}
		lb.add(fmt.Sprintf("指标表有“%s”栏：未完成目标（或失分）的行须说明原因", lb.title(r.Deviation)), Check{
			ID: "target-missed-reason", Each: tb, When: when,
			Assert: fmt.Sprintf("not placeholder(row.%s)", r.Deviation),
			At:     Strings{r.Deviation, r.Actual},
			Message: fmt.Sprintf("%s未完成目标或失分（目标 {row.%s}，实际 {row.%s}），请在该行“%s”中说明原因",
				label, r.Target, r.Actual, lb.title(r.Deviation)),
		})
		lb.add("实际完成值远超目标（≥ over_factor 倍）时，提示说明目标是否偏低", Check{
			ID: "over-achievement", Severity: SeverityWarning, Each: tb,
			When:   fmt.Sprintf("over(row.%s, row.%s, settings.over_factor)", r.Target, r.Actual),
			Assert: fmt.Sprintf("not placeholder(row.%s)", r.Deviation),
			At:     Strings{r.Deviation, r.Actual, r.Target},
			Message: fmt.Sprintf("%s实际完成值 {row.%s} 远超目标 {row.%s}（≥{fmt(settings.over_factor)}倍），请在“%s”中说明原因（目标是否偏低）",
				label, r.Actual, r.Target, lb.title(r.Deviation)),
		})
	case r.Note != "" && allSet(r.Weight, r.Score):
		lb.scoreNote(label)
	case r.Reason != "":
		lb.add(fmt.Sprintf("指标表无偏差原因栏，表下有“%s”：未完成目标时它不能为空", lb.title(r.Reason)), Check{
			ID: "target-missed-reason", Each: tb,
			When:   fmt.Sprintf("not met(row.%s, row.%s)", r.Target, r.Actual),
			Assert: fmt.Sprintf("not placeholder(%s)", r.Reason),
			At:     Strings{r.Actual, r.Reason},
			Message: fmt.Sprintf("%s未完成目标（目标 {row.%s}，实际 {row.%s}），“%s”不能为“{%s ?? \"空\"}”",
				label, r.Target, r.Actual, lb.title(r.Reason), r.Reason),
		})
		if len(r.Rates) > 0 && r.Rates[0].Rate != "" {
			rate := r.Rates[0].Rate
			lb.add(fmt.Sprintf("有执行率和“%s”：执行率低于 low_rate 时须说明原因", lb.title(r.Reason)), Check{
				ID: "low-rate-reason", Severity: SeverityWarning, When: rate + " < settings.low_rate",
				Assert: fmt.Sprintf("not placeholder(%s)", r.Reason), At: Strings{r.Reason, rate},
				Message: fmt.Sprintf("执行率 {fmt(%s)}%% 低于 {fmt(settings.low_rate)}%%，请在“%s”中说明原因", rate, lb.title(r.Reason)),
			})
		}
	}
	lb.add("指标表有指标值和实际完成值：两者单位应一致", Check{
		ID: "unit-mismatch", Severity: SeverityWarning, Each: tb,
		Assert:  fmt.Sprintf("same_units(row.%s, row.%s)", r.Target, r.Actual),
		At:      Strings{r.Actual, r.Target},
		Message: fmt.Sprintf("%s目标值单位与实际完成值单位不一致：{row.%s} / {row.%s}", label, r.Target, r.Actual),
	})
}

// scoreNote adds the note a lost point needs in a table whose only text
// column for it is 备注.
func (lb *library) scoreNote(label string) {
	r := lb.r
	if !allSet(r.Table, r.Note, r.Weight, r.Score) {
		return
	}
	lb.add(fmt.Sprintf("指标表无偏差原因栏而有“%s”：失分的行须在其中说明扣分原因", lb.title(r.Note)), Check{
		ID: "score-note", Severity: SeverityWarning, Each: r.Table,
		When:   fmt.Sprintf("row.%s < row.%s", r.Score, r.Weight),
		Assert: fmt.Sprintf("not placeholder(row.%s)", r.Note),
		At:     Strings{r.Note, r.Score},
		Message: fmt.Sprintf("%s%s {fmt(row.%s)} 低于%s {fmt(row.%s)}，请在“%s”中说明扣分原因",
			label, lb.title(r.Score), r.Score, lb.title(r.Weight), r.Weight, lb.title(r.Note)),
	})
}

// names adds the 一级/二级指标 vocabulary checks and their lists.
func (lb *library) names() {
	r := lb.r
	voc, ok := Vocabularies[r.Vocabulary]
	if r.Table == "" || !ok || r.Level1 == "" {
		return
	}
	lb.out.Lists = append(lb.out.Lists, LibraryList{Name: "level1", Items: voc.Level1, Why: voc.Title + "（一级指标规范名称）"})
	lb.add("一级指标名称应为规范名称（lists.level1）", Check{
		ID: "level1-name", Severity: SeverityWarning, Each: r.Table, Group: r.Level1,
		Assert: `known("level1", head)`, At: Strings{r.Level1},
		Message: `一级指标“{replace(head.raw, "\n", "")}”不是规范名称，是否应为“{nearest("level1", head)}”？`,
	})
	if r.Level2 == "" {
		return
	}
	lb.out.Lists = append(lb.out.Lists, LibraryList{Name: "level2", Items: voc.Level2, Why: voc.Title + "（二级指标规范名称）"})
	for i, u := range voc.Under {
		why := ""
		if i == 0 {
			why = "各一级指标下允许的二级指标（level2-parent 查 under_ + 一级指标名）"
		}
		lb.out.Lists = append(lb.out.Lists, LibraryList{Name: "under_" + u.Level1, Items: u.Level2, Why: why})
	}
	lb.add("二级指标名称应为规范名称（lists.level2）", Check{
		ID: "level2-name", Severity: SeverityWarning, Each: r.Table, Group: r.Level2,
		Assert: `known("level2", head)`, At: Strings{r.Level2},
		Message: `二级指标“{replace(head.raw, "\n", "")}”不是规范名称，是否应为“{nearest("level2", head)}”？`,
	})
	lb.add("二级指标应属于其一级指标（lists.under_*）", Check{
		ID: "level2-parent", Severity: SeverityWarning, Each: r.Table, Group: r.Level2,
		When:   fmt.Sprintf(`known("level1", row.%s) and known("level2", head)`, r.Level1),
		Assert: fmt.Sprintf(`known("under_" + nearest("level1", row.%s), head)`, r.Level1),
		At:     Strings{r.Level2, r.Level1},
		Message: fmt.Sprintf(`二级指标“{nearest("level2", head)}”不属于一级指标“{nearest("level1", row.%s)}”（一级指标单元格是否漏填或合并错误？）`,
			r.Level1),
	})
}

func (lb *library) fullScore() float64 {
	if lb.r.FullScore > 0 {
		return lb.r.FullScore
	}
	return 100
}

// settings lists the settings the chosen checks use, with their defaults.
func (lb *library) settings() {
	full := "满分（总分的分值）"
	if lb.r.FullScore > 0 {
		full = "满分（总分的分值），取自样本"
	}
	for _, s := range []LibrarySetting{
		{"tolerance", 0.01, "万元：合计相差在此以内为舍入警告"},
		{"pct_tolerance", 0.01, "百分点：执行率相差在此以内为舍入警告"},
		{"rate_slack", 0.005, "执行率写到两位小数"},
		{"score_slack", 0.05, "得分写到一位小数"},
		{"over_factor", 1.2, "实际 ≥ 1.2 × 目标时提示说明"},
		{"full_score", lb.fullScore(), full},
		{"low_rate", 90, "执行率低于此值须说明原因"},
	} {
		if lb.used[s.Name] {
			lb.out.Settings = append(lb.out.Settings, s)
		}
	}
}
