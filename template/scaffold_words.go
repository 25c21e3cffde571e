package template

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jxsync/jxsync/mapping"
)

// The words the scaffold reads a form by: which texts are labels, which
// are table headers of what kind, what a label's value is typed as and
// named. They are the vocabulary of the 绩效自评表 forms of the provinces
// jxsync knows; a word missing here makes a guess weaker, never wrong.

// labelWords are parts of texts that name something on a form rather than
// being a value typed into it.
var labelWords = []string{
	"名称", "单位", "部门", "年度", "日期", "时间", "总额", "预算", "执行", "资金", "金额", "拨款", "收入", "支出",
	"目标", "情况", "分析", "措施", "原因", "总分", "合计", "小计", "得分", "分值", "指标", "联系人", "电话", "负责人",
	"填表人", "填报人", "审核", "备注", "说明", "项目", "姓名", "意见", "结论", "等级", "评价", "地址", "主管", "实施",
	"自评", "万元", "数", "率", "类型", "性质", "来源", "内容",
}

// notePrefixes begin printed notes (备注：1.…), which stay in the blank.
var notePrefixes = []string{"备注", "附注", "注", "说明", "填表说明"}

// prefixWords stand before the label in a breakdown cell ("其中：一般公共预算：").
var prefixWords = []string{"其中", "含", "包括", "另"}

// totalLabels begin a table's total row.
var totalLabels = []string{"总分", "合计", "总计", "自评总分", "综合得分", "得分合计", "分值合计"}

// tableFooters begin the signature lines under a form.
var tableFooters = []string{"填表人", "填报人", "制表人", "经办人", "审核人", "复核人", "单位负责人", "财务负责人", "负责人", "填报日期", "填表日期", "联系电话", "联系人", "盖章"}

// knownInlineLabels are labels that may follow a value without a space
// ("单位名称：蔡甸区民政局填报日期：2022.3.15").
var knownInlineLabels = []string{"填报日期", "填表日期", "联系电话", "联系人", "评价年度", "填表人", "填报人", "审核人", "单位负责人", "负责人"}

// headerRole is the part a table header plays: the column's name, type,
// whether it is filled down, required and the key, and why.
type headerRole struct {
	name     string
	typ      mapping.Type
	filldown bool
	required bool
	optional bool
	why      string
}

// roleRules map header texts to roles, first match wins; each is a list
// of words the normalised header contains.
var roleRules = []struct {
	words []string
	role  headerRole
}{
	{[]string{"一级指标"}, headerRole{"level1", mapping.TypeHeading, true, true, false, "一级指标：合并单元格向下填充，可带分值（产出指标(40分)）"}},
	{[]string{"二级指标"}, headerRole{"level2", mapping.TypeHeading, true, true, false, "二级指标：合并单元格向下填充"}},
	{[]string{"三级指标"}, headerRole{"level3", mapping.TypeText, false, true, false, "三级指标：每行一个，作为行的关键列"}},
	{[]string{"指标解释", "指标说明", "解释说明", "指标内涵"}, headerRole{"explanation", mapping.TypeText, false, false, false, "指标解释：文字"}},
	{[]string{"评分标准", "评分办法", "评分细则", "计分方法", "评分方法"}, headerRole{"criteria", mapping.TypeText, false, false, false, "评分标准：文字"}},
	{[]string{"偏差", "原因分析", "未完成原因", "改进措施"}, headerRole{"deviation", mapping.TypeText, false, false, false, "偏差原因：文字，未完成目标时须填写"}},
	{[]string{"序号"}, headerRole{"seq", mapping.TypeNumber, false, false, false, "序号：数字"}},
	{[]string{"分值", "权重", "标准分"}, headerRole{"weight", mapping.TypeScore, false, true, false, "分值：数字（分）"}},
	{[]string{"得分", "评分"}, headerRole{"score", mapping.TypeScore, false, true, false, "得分：数字（分）"}},
	{[]string{"实际完成值", "实际值", "完成值", "实际完成", "实际达到值", "全年实际"}, headerRole{"actual", mapping.TypeIndicator, false, true, false, "实际完成值：指标值类型（≥、数量与单位、定性档次）"}},
	{[]string{"指标值", "目标值", "计划值", "预期值", "年度目标"}, headerRole{"target", mapping.TypeIndicator, false, true, false, "指标值：指标值类型（≥7500、100%、定性描述）"}},
	{[]string{"备注"}, headerRole{"note", mapping.TypeText, false, false, true, "备注：文字，可有可无（optional）"}},
}

// roleOf returns the role of header text nl (normalised), ok false for a
// header the scaffold does not know.
func roleOf(nl string) (headerRole, bool) {
	for _, rr := range roleRules {
		for _, w := range rr.words {
			if strings.Contains(nl, w) {
				return rr.role, true
			}
		}
	}
	return headerRole{}, false
}

// nameRules name a field by the words its label contains, first match wins.
var nameRules = []struct{ word, name string }{
	{"自评总分", "total_score"}, {"单位名称", "unit_name"}, {"部门名称", "unit_name"}, {"(单位)名称", "unit_name"},
	{"预算单位", "unit_name"}, {"评价单位", "unit"}, {"被评价单位", "unit"}, {"填报单位", "unit"}, {"实施单位", "implementer"},
	{"主管部门", "department"}, {"项目名称", "project_name"}, {"填报日期", "fill_date"}, {"填表日期", "fill_date"},
	{"评价年度", "year"}, {"联系人", "contact"}, {"联系电话", "phone"}, {"电话", "phone"}, {"填表人", "filler"},
	{"填报人", "filler"}, {"审核人", "reviewer"}, {"负责人", "head"}, {"基本支出总额", "basic_total"},
	{"项目支出总额", "project_total"}, {"基本支出", "expense_basic"}, {"项目支出", "expense_project"},
	{"一般公共预算", "income_general"}, {"政府性基金", "income_fund"}, {"非税收入", "income_nontax"},
	{"其他资金", "income_other"}, {"预期目标", "goal_expected"}, {"实际完成情况", "goal_actual"},
	{"偏差", "deviation_reason"}, {"改进措施", "measures"}, {"年度目标", "goal"}, {"总体目标", "goal"},
	{"总分", "total_score"}, {"日期", "date"}, {"年度", "year"},
}

// columnNames name the column headers of a budget grid.
var columnNames = []struct{ word, name string }{
	{"年初预算数", "budget_initial"}, {"全年预算数", "budget_full"}, {"调整后预算数", "budget_full"}, {"预算数", "budget"},
	{"全年执行数", "spent"}, {"执行数", "spent"}, {"实际支出", "spent"}, {"执行率", "rate"}, {"分值", "weight"},
	{"得分", "score"}, {"结余", "balance"},
}

// rowNames name the row labels of a budget grid; "" is the main row.
var rowNames = []struct{ word, name string }{
	{"资金总额", ""}, {"支出总额", ""}, {"整体支出", ""}, {"合计", ""}, {"总计", ""}, {"财政拨款", "fiscal"}, {"上年结转", "carryover"},
	{"结转", "carryover"}, {"其他资金", "other"}, {"基本支出", "basic"}, {"项目支出", "project"},
	{"一般公共预算", "general"}, {"政府性基金", "fund"}, {"非税收入", "nontax"},
}

// nameBy returns the name of the first rule whose word nl contains.
func nameBy(nl string, rules []struct{ word, name string }) (string, bool) {
	for _, r := range rules {
		if strings.Contains(nl, mapping.NormLabel(r.word)) {
			return r.name, true
		}
	}
	return "", false
}

// typeOfLabel returns the type a label's value is, and why, from what the
// label says; ok false when it says nothing (text).
func typeOfLabel(nl string) (mapping.Type, string, bool) {
	has := func(ws ...string) string {
		for _, w := range ws {
			if strings.Contains(nl, w) {
				return w
			}
		}
		return ""
	}
	switch {
	case has("名称", "联系人", "姓名", "电话", "地址") != "":
		return mapping.TypeText, "标签含“" + has("名称", "联系人", "姓名", "电话", "地址") + "”，是文字", true
	case strings.HasSuffix(nl, "单位") || strings.HasSuffix(nl, "部门"):
		return mapping.TypeText, "标签是单位或部门，是文字", true
	case has("日期", "时间") != "":
		return mapping.TypeDate, "标签含“" + has("日期", "时间") + "”", true
	case has("率", "比例", "占比") != "":
		return mapping.TypePercent, "标签含“" + has("率", "比例", "占比") + "”", true
	case has("分值", "得分", "总分", "分数") != "":
		return mapping.TypeScore, "标签含“" + has("分值", "得分", "总分", "分数") + "”", true
	case has("万元", "金额", "总额", "预算", "执行数", "支出", "拨款", "收入", "资金", "结转", "成本") != "":
		return mapping.TypeAmount, "标签含“" + has("万元", "金额", "总额", "预算", "执行数", "支出", "拨款", "收入", "资金", "结转", "成本") + "”", true
	case strings.HasSuffix(nl, "年度") || strings.HasSuffix(nl, "年份"):
		return mapping.TypeNumber, "标签为年度", true
	}
	return "", "", false
}

// typeOfValue returns the type a sample value shows by its own marks (%,
// 万元, a date), and why; ok false for plain text or a bare number.
func typeOfValue(text string) (mapping.Type, string, bool) {
	t := strings.TrimSpace(mapping.Fold(text))
	switch {
	case t == "":
		return "", "", false
	case dateRE.MatchString(t):
		return mapping.TypeDate, "样本值“" + t + "”是日期", true
	case pctRE.MatchString(t):
		return mapping.TypePercent, "样本值“" + t + "”是百分比", true
	case amountRE.MatchString(t):
		return mapping.TypeAmount, "样本值“" + t + "”是金额", true
	}
	return "", "", false
}

var (
	dateRE   = regexp.MustCompile(`^\d{4}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?)$`)
	pctRE    = regexp.MustCompile(`^[+-]?\d+(?:\.\d+)?\s*%$`)
	amountRE = regexp.MustCompile(`^[+-]?[\d,]+(?:\.\d+)?\s*万?元$`)
	numRE    = regexp.MustCompile(`^[+-]?(?:[\d,]+(?:\.\d*)?|\.\d+)\s*(?:%|万元|元|分)?$`)
)

// valueLike reports whether text reads as a value rather than a label: a
// number, an amount, a percentage, a date, a placeholder (—, 无) or a long
// text.
func valueLike(text string) bool {
	t := strings.TrimSpace(mapping.Fold(text))
	if t == "" {
		return false
	}
	if mapping.IsPlaceholder(t) || numRE.MatchString(t) || dateRE.MatchString(t) {
		return true
	}
	return utf8.RuneCountInString(t) > 30
}

// labelLike reports whether text reads as a label of the form: it ends
// with a colon, or it is short and holds a label word, and is no value.
func labelLike(text string) bool {
	t := strings.TrimSpace(mapping.Fold(text))
	if t == "" || valueLike(t) {
		return false
	}
	if strings.HasSuffix(t, ":") {
		return true
	}
	if utf8.RuneCountInString(t) > 25 {
		return false
	}
	nl := mapping.NormLabel(t)
	for _, w := range labelWords {
		if strings.Contains(nl, w) {
			return true
		}
	}
	return false
}

// labelled reports whether nl (normalised) starts with one of words on its
// own: the whole text, or followed by something other than a letter.
func labelled(nl string, words []string) bool {
	for _, w := range words {
		rest, ok := strings.CutPrefix(nl, mapping.NormLabel(w))
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// isTotalLabel reports whether nl is a total row's label (总分, 合计…).
func isTotalLabel(nl string) bool {
	for _, w := range totalLabels {
		if nl == w || strings.HasPrefix(nl, w) && !unicode.IsLetter(firstRune(nl[len(w):])) {
			return true
		}
	}
	return false
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// hasCJK reports whether s holds a Han character.
func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// labelPattern is a regular expression matching label l in text folded to
// half-width forms, tolerating white space between its characters.
func labelPattern(l string) string {
	var b strings.Builder
	for i, r := range []rune(string(foldRunes(l))) {
		if unicode.IsSpace(r) {
			continue
		}
		if i > 0 {
			b.WriteString(`\s*`)
		}
		b.WriteString(regexp.QuoteMeta(string(r)))
	}
	return strings.TrimPrefix(b.String(), `\s*`)
}

// foldRunes folds full-width ASCII forms and the ideographic space to
// half-width, rune for rune (as mapping does before applying a pattern).
func foldRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			rs[i] = r - 0xFF01 + '!'
		case r == 0x3000:
			rs[i] = ' '
		}
	}
	return rs
}

// segment is one "label：value" part of a cell's text.
type segment struct {
	label, value string
	// labelEnd is the rune offset after the label; valueStart and
	// valueEnd delimit the value (trimmed), in runes of the text.
	labelStart, labelEnd, valueStart, valueEnd int
	// prefix marks a word such as 其中 before the label, with no value.
	prefix bool
}

// segments splits a cell's text into its "label：value" parts: each colon
// preceded by a word with a Chinese character (not a number, at most 20
// characters) ends a label, the text up to the next label is its value.
// Text before the first label, or no label at all, gives nil.
func segments(text string) []segment {
	rs := []rune(text)
	fr := foldRunes(text)
	isSpace := func(r rune) bool { return unicode.IsSpace(r) }
	type lab struct{ start, end, colon int }
	var labs []lab
	prevEnd := 0
	for k, r := range fr {
		if r != ':' {
			continue
		}
		e := k
		for e > prevEnd && isSpace(fr[e-1]) {
			e--
		}
		s := e
		for s > prevEnd && !isSpace(fr[s-1]) && fr[s-1] != ':' {
			s--
		}
		token := string(rs[s:e])
		if s == e || !hasCJK(token) || utf8.RuneCountInString(token) > 20 || unicode.IsDigit(fr[s]) ||
			strings.ContainsAny(token, "，。；,;") {
			continue
		}
		for _, kl := range knownInlineLabels {
			if n := utf8.RuneCountInString(kl); strings.HasSuffix(token, kl) && e-n > s {
				s = e - n
				break
			}
		}
		labs = append(labs, lab{s, e, k})
		prevEnd = k + 1
	}
	if len(labs) == 0 || strings.TrimSpace(string(rs[:labs[0].start])) != "" {
		return nil
	}
	out := make([]segment, len(labs))
	for i, l := range labs {
		vs, ve := l.colon+1, len(rs)
		if i+1 < len(labs) {
			ve = labs[i+1].start
		}
		for vs < ve && isSpace(rs[vs]) {
			vs++
		}
		for ve > vs && isSpace(rs[ve-1]) {
			ve--
		}
		out[i] = segment{label: string(rs[l.start:l.end]), value: string(rs[vs:ve]),
			labelStart: l.start, labelEnd: l.end, valueStart: vs, valueEnd: ve}
		if out[i].value == "" && i+1 < len(labs) {
			for _, w := range prefixWords {
				if mapping.NormLabel(out[i].label) == w {
					out[i].prefix = true
				}
			}
		}
	}
	return out
}
