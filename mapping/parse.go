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
// the type, Error set; it never panics on any input.
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
	s := Fold(c.Text)
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
		n, u, rest, ok := splitQuantity(s)
		if !ok || rest != "" {
			v.Error = fmt.Sprintf("不是数量 (not a count): %q", c.Text)
			break
		}
		v.Number, v.Unit = f64(n), u
	case TypeScore, TypeNumber:
		n, err := parseNumber(strings.TrimSpace(strings.TrimSuffix(s, "分")))
		if err != nil {
			v.Error = fmt.Sprintf("不是数值 (not a number): %q", c.Text)
			break
		}
		v.Number = f64(n)
	case TypeDate:
		d, ok := parseDate(s, c.Raw)
		if !ok {
			v.Error = fmt.Sprintf("不是日期 (not a date): %q", c.Text)
			break
		}
		v.Text = d
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

// parseAmount reads "110.36", "110.36万元", "22,577.06" or "1,103,600元"
// into the form's unit.
func parseAmount(v *Value, s, unit string) {
	if unit == "" {
		unit = "万元"
	}
	t := strings.ReplaceAll(s, " ", "")
	written := ""
	for _, u := range []string{"万元", "元", "万"} {
		if strings.HasSuffix(t, u) {
			written, t = u, strings.TrimSuffix(t, u)
			break
		}
	}
	n, err := parseNumber(t)
	if err != nil {
		v.Error = fmt.Sprintf("不是金额 (not an amount): %q", v.Raw)
		return
	}
	if written == "万" {
		written = "万元"
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
	"百分比", "人天次", "平方米", "人次", "户次", "节次", "场次", "万元", "万人", "小时", "公里",
	"%", "‰", "元", "人", "户", "个", "张", "次", "对", "年", "天", "日", "月", "项", "所", "家",
	"间", "座", "台", "套", "份", "篇", "场", "批", "分", "亩", "辆", "本", "期", "件", "名", "位",
	"条", "处", "床", "周", "季", "类", "支", "部",
}

var quantityRE = regexp.MustCompile(`^([+-]?(?:\d[\d,]*(?:\.\d+)?|\.\d+))\s*(.*)$`)

// splitQuantity reads a number followed by an optional unit and returns the
// words left after the unit. ok is false when s does not start with a number.
func splitQuantity(s string) (n float64, unit, rest string, ok bool) {
	m := quantityRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, "", "", false
	}
	n, err := parseNumber(m[1])
	if err != nil {
		return 0, "", "", false
	}
	rest = strings.TrimSpace(m[2])
	for _, u := range units {
		if strings.HasPrefix(rest, u) {
			return n, u, strings.TrimSpace(rest[len(u):]), true
		}
	}
	if rest != "" && len([]rune(rest)) <= 3 && !strings.ContainsAny(rest, "0123456789") {
		return n, rest, "", true
	}
	return n, "", rest, true
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
	{"≥", ">="}, {"≧", ">="}, {"≤", "<="}, {"≦", "<="}, {">", ">"}, {"<", "<"}, {"=", "="},
}

// parseIndicator reads a 指标值: "≥7500", "＝100%", "至少1人", "≤3‰", "100%",
// "20个", "90%以上", or qualitative text such as 是, 提升, 全年 and the tiers
// 达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差.
func parseIndicator(v *Value, s string) {
	s = strings.TrimSpace(s)
	rest := s
	for _, w := range opWords {
		if strings.HasPrefix(rest, w.word) {
			v.Op, rest = w.op, strings.TrimSpace(rest[len(w.word):])
			break
		}
	}
	n, unit, words, ok := splitQuantity(rest)
	if !ok {
		v.Qualitative = true
		v.Text = strings.TrimSpace(rest)
		if v.Text == "" {
			v.Text = s
		}
		v.Tier = Tier(v.Text)
		return
	}
	switch {
	case v.Op == "" && strings.HasPrefix(words, "以上"):
		v.Op, words = ">=", strings.TrimPrefix(words, "以上")
	case v.Op == "" && (strings.HasPrefix(words, "以下") || strings.HasPrefix(words, "以内")):
		v.Op, words = "<=", words[len("以下"):]
	}
	v.Number, v.Unit, v.Text = f64(n), unit, strings.TrimSpace(words)
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

var dateREs = []*regexp.Regexp{
	regexp.MustCompile(`^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?$`),
	regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`),
}

// parseDate reads "2022.3.20", "2022年3月20日", "2022-03-20", "2022/3/20" or
// an Excel date serial (raw number shown as a date) into YYYY-MM-DD.
func parseDate(s, raw string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	for _, re := range dateREs {
		if m := re.FindStringSubmatch(s); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
				return "", false
			}
			return t.Format("2006-01-02"), true
		}
	}
	if serial, err := strconv.ParseFloat(strings.TrimSpace(raw), 64); err == nil && raw != s && serial >= 1 && serial < 2958466 {
		// Excel's 1900 date system: serial 1 is 1900-01-01, with the
		// fictitious 1900-02-29 counted.
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		return base.AddDate(0, 0, int(serial)).Format("2006-01-02"), true
	}
	return "", false
}
