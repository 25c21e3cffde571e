package mapping

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Parse reads a cell as type t. unit is the amount unit the form uses
// (default 万元). The returned Value has Raw set and, when the text is not of
// the type, Error set; it never panics on any input. A blank or a
// placeholder (无, —, /) in a numeric or date cell is Empty, never an error.
func Parse(t Type, unit string, c Cell) Value {
	if t == "" {
		t = TypeText
	}
	v := Value{Type: t, Raw: c.Text}
	if v.Empty() {
		return v
	}
	if t == TypeText {
		v.Text = strings.TrimFunc(c.Text, unicode.IsSpace)
		return v
	}
	s := Fold(dropInvisible(c.Text))
	switch t {
	case TypeHeading:
		v.Text, v.Weight = parseHeading(s)
	case TypeAmount:
		parseAmount(&v, s, unit)
	case TypePercent:
		n, err := parseNumber(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, "%")), "百分比"))
		if err != nil {
			v.Error = fmt.Sprintf("不是百分比 (not a percentage): %q", c.Text)
			break
		}
		v.Number, v.Unit = f64(n), "%"
	case TypeCount:
		q, ok := readQuantity(s)
		if !ok || q.words != "" {
			v.Error = fmt.Sprintf("不是数量 (not a count): %q", c.Text)
			break
		}
		v.Number, v.Unit, v.Op, v.Approx = f64(q.n), q.unit, q.op, q.approx
	case TypeScore, TypeNumber:
		n, err := parseNumber(strings.TrimSpace(strings.TrimSuffix(s, "分")))
		if err != nil {
			v.Error = fmt.Sprintf("不是数值 (not a number): %q", c.Text)
			break
		}
		v.Number = f64(n)
	case TypeDate:
		d, month, ok := parseDate(s, c.Raw)
		if !ok {
			v.Error = fmt.Sprintf("不是日期 (not a date): %q", c.Text)
			break
		}
		v.Text, v.Approx = d, month
	case TypeIndicator:
		parseIndicator(&v, s)
	default:
		v.Error = fmt.Sprintf("unknown type %q", t)
	}
	return v
}

var numberRE = regexp.MustCompile(`^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$`)

// parseNumber reads a decimal number, allowing thousands separators
// ("22,577.06") and surrounding spaces, and nothing else.
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		s = stripThousands(s)
	}
	if !numberRE.MatchString(s) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return n, nil
}

// stripThousands removes commas that sit between digits.
func stripThousands(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseAmount reads "110.36", "110.36万元", "22,577.06", "1,103,600元",
// "110.36（万元）" or "￥1,103,600" (元 when a currency sign or 人民币 comes
// first and no unit follows) into the form's unit. A bare number is taken
// as written in the form's unit, however large.
func parseAmount(v *Value, s, unit string) {
	if unit == "" {
		unit = "万元"
	}
	t := strings.ReplaceAll(s, " ", "")
	currency := false
	for _, c := range []string{"¥", "人民币", "RMB"} {
		if strings.HasPrefix(t, c) {
			currency, t = true, strings.TrimPrefix(t, c)
			break
		}
	}
	written := ""
	for _, u := range []string{"(万元)", "(元)", "万元", "元", "万"} {
		if strings.HasSuffix(t, u) {
			written, t = strings.Trim(u, "()"), strings.TrimSuffix(t, u)
			break
		}
	}
	n, err := parseNumber(t)
	if err != nil {
		v.Error = fmt.Sprintf("不是金额 (not an amount): %q", v.Raw)
		return
	}
	switch {
	case written == "万":
		written = "万元"
	case written == "" && currency:
		written = "元"
	}
	switch {
	case written == "元" && unit == "万元":
		n /= 10000
	case written == "万元" && unit == "元":
		n *= 10000
	}
	v.Number, v.Unit = f64(round(n, 6)), unit
}

func round(x float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(x*p) / p
}

var weightRE = regexp.MustCompile(`\((?:分值)?\s*([0-9]+(?:\.[0-9]+)?)\s*分\)`)

// parseHeading splits "产出指标(40分)" into its name and weight.
func parseHeading(s string) (string, *float64) {
	var w *float64
	if m := weightRE.FindStringSubmatchIndex(s); m != nil {
		if n, err := strconv.ParseFloat(s[m[2]:m[3]], 64); err == nil {
			w = f64(n)
		}
		s = s[:m[0]] + s[m[1]:]
	}
	return NormLabel(s), w
}

// units lists the units recognised after a number, longest first where one
// is a prefix of another.
var units = []string{
	"个工作日", "百分比", "人天次", "平方米", "工作日", "人次", "户次", "节次", "场次", "万元", "万人",
	"小时", "公里", "个月",
	"%", "‰", "元", "人", "户", "个", "张", "次", "对", "年", "天", "日", "月", "项", "所", "家",
	"间", "座", "台", "套", "份", "篇", "场", "批", "分", "亩", "辆", "本", "期", "件", "名", "位",
	"条", "处", "床", "周", "季", "类", "支", "部",
}

// quantityRE is what splitQuantity reads: a number, then the rest. It
// is applied by scanQuantity, by hand (the test holds the two equal).
var quantityRE = regexp.MustCompile(`^([+-]?(?:\d[\d,]*(?:\.\d+)?|\.\d+))\s*(.*)$`)

// scanQuantity splits s as quantityRE does, without running it: the
// number (group 1) and what follows it past ASCII spaces (group 2); found
// is false where quantityRE does not match.
func scanQuantity(s string) (num, rest string, found bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	switch {
	case i < len(s) && isDigit(s[i]):
		for i < len(s) && (isDigit(s[i]) || s[i] == ',') {
			i++
		}
		if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
			i++
			digits()
		}
	case i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]):
		i++
		digits()
	default:
		return "", "", false
	}
	num = s[:i]
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	if strings.IndexByte(s[i:], '\n') >= 0 {
		return "", "", false // (.*)$ does not cross a line break
	}
	return num, s[i:], true
}

// splitQuantity reads a number followed by an optional unit and returns the
// words left after the unit. A 余 or 多 between the number and the unit
// (500余份, 300多人次) makes it approximate and is no part of the unit. ok
// is false when s does not start with a number.
func splitQuantity(s string) (n float64, unit, rest string, approx, ok bool) {
	num, after, found := scanQuantity(strings.TrimSpace(s))
	if !found {
		return 0, "", "", false, false
	}
	n, err := parseNumber(num)
	if err != nil {
		return 0, "", "", false, false
	}
	rest = strings.TrimSpace(after)
	for _, w := range []string{"余", "多"} {
		if strings.HasPrefix(rest, w) {
			approx, rest = true, strings.TrimSpace(strings.TrimPrefix(rest, w))
			break
		}
	}
	for _, u := range units {
		if strings.HasPrefix(rest, u) {
			return n, u, strings.TrimSpace(rest[len(u):]), approx, true
		}
	}
	if rest != "" && len([]rune(rest)) <= 3 && !strings.ContainsAny(rest, "0123456789") {
		return n, rest, "", approx, true
	}
	return n, "", rest, approx, true
}

// opWords maps the ways forms write a comparison, longest first, to its
// canonical operator.
var opWords = []struct{ word, op string }{
	{"大于等于", ">="}, {"小于等于", "<="}, {"大于或等于", ">="}, {"小于或等于", "<="},
	{"不低于", ">="}, {"不少于", ">="}, {"不小于", ">="}, {"至少", ">="}, {"最少", ">="},
	{"不高于", "<="}, {"不超过", "<="}, {"不多于", "<="}, {"不大于", "<="}, {"至多", "<="}, {"最多", "<="},
	{"大于", ">"}, {"高于", ">"}, {"超过", ">"}, {"多于", ">"},
	{"小于", "<"}, {"低于", "<"}, {"少于", "<"}, {"等于", "="},
	{">=", ">="}, {"<=", "<="}, {"=>", ">="}, {"=<", "<="}, {"==", "="},
	{"≥", ">="}, {"≧", ">="}, {"⩾", ">="}, {"≤", "<="}, {"≦", "<="}, {"⩽", "<="},
	{">", ">"}, {"<", "<"}, {"=", "="},
}

// approxWords are the words before a number that make it approximate.
var approxWords = []string{"大约", "约"}

// Words after a quantity: a bound (以上 is at least, 以下 and 以内 at
// most, 及以上 / 及以下 the same, optionally confirmed by （含）) or an
// approximation (左右).
var (
	boundWords = []struct{ word, op string }{
		{"及以上", ">="}, {"以上", ">="}, {"及以下", "<="}, {"以下", "<="}, {"以内", "<="},
	}
	inclusiveWords = []string{"(含)", "(含本数)"}
	aroundWords    = []string{"左右"}
)

// quantity is a number as a form writes it, with its qualifiers.
type quantity struct {
	n      float64
	unit   string
	op     string // from a leading sign or word, or a trailing 以上 / 以下 / 以内
	approx bool   // 约, 余, 多 or 左右
	words  string // the words after the unit that are no qualifier
}

// readQuantity reads "≥4000户", "4000户以上", "约100人", "500余份",
// "1000余人以上", "500份左右" or "至少1个小区" (words 小区). ok is false when
// no number follows the leading sign or words.
func readQuantity(s string) (q quantity, ok bool) {
	rest := strings.TrimSpace(s)
	// Leading signs and words, in either order: ≥约100, 约≥100.
	for i := 0; i < 2; i++ {
		if q.op == "" {
			for _, w := range opWords {
				if strings.HasPrefix(rest, w.word) {
					q.op, rest = w.op, strings.TrimSpace(rest[len(w.word):])
					break
				}
			}
		}
		if !q.approx {
			for _, w := range approxWords {
				if after := strings.TrimSpace(strings.TrimPrefix(rest, w)); after != rest && (startsNumber(after) || q.op == "" && startsOp(after)) {
					q.approx, rest = true, after
					break
				}
			}
		}
	}
	// Trailing qualifiers on the whole text: 4000户以上, 5000册以内（含）.
	body, op, around := trailingQualifiers(rest)
	n, unit, words, approx, ok := splitQuantity(body)
	if !ok {
		return quantity{op: q.op}, false
	}
	q.n, q.unit, q.approx = n, unit, q.approx || approx || around
	q.words, op = mergeBound(q.op, op, words)
	if q.op == "" {
		q.op = op
	}
	return q, true
}

// startsNumber reports whether s starts with a digit, a sign or a decimal
// point.
func startsNumber(s string) bool {
	return s != "" && (isDigit(s[0]) || s[0] == '+' || s[0] == '-' || s[0] == '.')
}

// startsOp reports whether s starts with a comparison sign or word.
func startsOp(s string) bool {
	for _, w := range opWords {
		if strings.HasPrefix(s, w.word) {
			return true
		}
	}
	return false
}

// trailingQualifiers strips a bound (以上, 以内 …, with an optional （含）)
// and a 左右 from the end of s and returns what is left, the bound's
// operator and whether 左右 was there.
func trailingQualifiers(s string) (body, op string, around bool) {
	body = s
	for _, w := range aroundWords {
		if t := strings.TrimSuffix(body, w); t != body {
			body, around = strings.TrimSpace(t), true
			break
		}
	}
	t := body
	for _, w := range inclusiveWords {
		t = strings.TrimSpace(strings.TrimSuffix(t, w))
	}
	for _, w := range boundWords {
		if u := strings.TrimSuffix(t, w.word); u != t {
			return strings.TrimSpace(u), w.op, around
		}
	}
	return body, "", around
}

// mergeBound combines the operator written before a number (lead) with a
// bound written after it: either the one trailingQualifiers found (trail) or
// one starting words (90%以上的群众). A bound that says the same as lead
// (≥90%以上) is dropped; one that contradicts it stays in the words. It
// returns the words left and the bound's operator.
func mergeBound(lead, trail, words string) (string, string) {
	op := trail
	if op == "" {
		for _, w := range boundWords {
			if strings.HasPrefix(words, w.word) {
				op, words = w.op, strings.TrimSpace(strings.TrimPrefix(words, w.word))
				break
			}
		}
		if op == "" {
			return words, ""
		}
	}
	if lead == "" || lead[0] == op[0] {
		return words, op
	}
	// A contradiction (≥90%以下): keep the bound as written.
	bound := "以上"
	if op == "<=" {
		bound = "以下"
	}
	if trail == "" {
		return strings.TrimSpace(bound + words), ""
	}
	return strings.TrimSpace(words + bound), ""
}

// parseIndicator reads a 指标值: "≥7500", "＝100%", "至少1人", "≤3‰", "100%",
// "20个", "90%以上", "5000元以内", "约100人", "500余份", or qualitative text
// such as 是, 提升, 全年 and the tiers 达成年度指标 / 部分达成年度指标并具有
// 一定效果 / 未达成年度指标且效果较差.
func parseIndicator(v *Value, s string) {
	s = strings.TrimSpace(s)
	q, ok := readQuantity(s)
	if !ok {
		v.Op = q.op
		rest := s
		for _, w := range opWords {
			if strings.HasPrefix(rest, w.word) {
				rest = strings.TrimSpace(rest[len(w.word):])
				break
			}
		}
		v.Qualitative = true
		v.Text = rest
		if v.Text == "" {
			v.Text = s
		}
		v.Tier = Tier(v.Text)
		return
	}
	v.Number, v.Unit, v.Text, v.Op, v.Approx = f64(q.n), q.unit, q.words, q.op, q.approx
}

// Tier returns the 定性 grade that text names (达成, 部分达成 or 未达成), or "".
func Tier(text string) string {
	t := NormLabel(text)
	switch {
	case strings.Contains(t, "未达成") || strings.Contains(t, "未完成"):
		return "未达成"
	case strings.Contains(t, "部分达成") || strings.Contains(t, "部分完成"):
		return "部分达成"
	case strings.HasPrefix(t, "达成") || t == "完成" || t == "已完成":
		return "达成"
	}
	return ""
}

var (
	dateREs = []*regexp.Regexp{
		regexp.MustCompile(`^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*[日号]?` +
			`(?:(?:\s+|\s*T\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`),
		regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`),
	}
	monthRE = regexp.MustCompile(`^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?$`)
)

// parseDate reads "2022.3.20", "2022年3月20日", "2022-03-20", "2022/3/20"
// (with or without a time after it), or an Excel date serial (raw number
// shown as a date) into YYYY-MM-DD. A month alone — "2022年3月", "2022.03",
// "2022-03" — is its first day, with month true; a cell showing a month
// whose raw value is a serial is that serial's day. Text that shows the raw
// number itself (44931, 44,931.00: a number format) is not a date.
func parseDate(s, raw string) (date string, month, ok bool) {
	s = strings.TrimSpace(s)
	for _, re := range dateREs {
		if m := re.FindStringSubmatch(s); m != nil {
			d, ok := ymd(m[1], m[2], m[3])
			return d, false, ok
		}
	}
	if d, serial, ok := excelDate(raw); ok && strings.TrimSpace(raw) != s {
		if n, err := parseNumber(s); err != nil || n != serial {
			return d, false, true
		}
	}
	if m := monthRE.FindStringSubmatch(s); m != nil {
		d, ok := ymd(m[1], m[2], "1")
		return d, true, ok
	}
	return "", false, false
}

// ymd checks a year, month and day and formats them as YYYY-MM-DD.
func ymd(year, month, day string) (string, bool) {
	y, _ := strconv.Atoi(year)
	mo, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// excelDate reads an Excel date serial in the 1900 date system: serial 1 is
// 1900-01-01, and 60 the 1900-02-29 Excel counts but the calendar has not.
// A fraction (the time of day) is dropped.
func excelDate(raw string) (string, float64, bool) {
	serial, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || serial < 1 || serial >= 2958466 || serial >= 60 && serial < 61 {
		return "", 0, false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if serial < 60 {
		base = base.AddDate(0, 0, 1)
	}
	return base.AddDate(0, 0, int(serial)).Format("2006-01-02"), serial, true
}
