package mapping

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func num(v Value) float64 {
	if v.Number == nil {
		return math.NaN()
	}
	return *v.Number
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, unit string
		want     float64
		wantUnit string
	}{
		{"110.36", "", 110.36, "万元"},
		{"110.36万元", "", 110.36, "万元"},
		{"22,577.06", "", 22577.06, "万元"},
		{"23,367.00", "万元", 23367, "万元"},
		{" 30.22 万元 ", "", 30.22, "万元"},
		{"1,103,600元", "万元", 110.36, "万元"},
		{"1,103,600.00元", "万元", 110.36, "万元"},
		{"110.36 万元", "万元", 110.36, "万元"},
		{"110.36万元", "元", 1103600, "元"},
		{"110.36万", "元", 1103600, "元"},
		{"-5", "", -5, "万元"},
		{"１１０．３６", "", 110.36, "万元"},           // full-width digits
		{"１，１０３，６００元", "万元", 110.36, "万元"},     // full-width digits and commas
		{"1103600", "万元", 1103600, "万元"},       // a bare number is as typed, however large
		{"0.00", "万元", 0, "万元"},                // a zero sub-row is zero, not an error
		{"￥1,103,600", "万元", 110.36, "万元"},     // a currency sign means 元
		{"¥1,103,600.00", "元", 1103600, "元"},   // … also in a 元 cell
		{"￥ 110.36万元", "万元", 110.36, "万元"},     // … unless a unit is written
		{"人民币1,103,600元", "万元", 110.36, "万元"},  // 人民币 as the sign
		{"110.36（万元）", "元", 1103600, "元"},      // the unit in brackets
		{"1,103,600\u200b", "元", 1103600, "元"}, // a zero-width space pasted from a web page
	}
	for _, tt := range tests {
		v := Parse(TypeAmount, tt.unit, Cell{Text: tt.in})
		if v.Error != "" || num(v) != tt.want || v.Unit != tt.wantUnit {
			t.Errorf("amount %q (%s) = %v %s err %q, want %v %s", tt.in, tt.unit, num(v), v.Unit, v.Error, tt.want, tt.wantUnit)
		}
	}
	for _, bad := range []string{"约100", "100余万元", "100万美元", "1.2.3", "NaN", "Inf", "1e999", "0x10", "壹佰", "12,34,5a", "$100", "(元)", "¥¥5"} {
		if v := Parse(TypeAmount, "", Cell{Text: bad}); v.Error == "" {
			t.Errorf("amount %q: no error, got %v", bad, num(v))
		}
	}
	// What a funds sub-row (上年结转资金, 其他资金) holds when there is none.
	for _, blank := range []string{"", "  ", "\u3000", "\u200b", "—", "/", "-", "无", "——", "--", "－", "／", "――", "—\u3000", "-/-", "无。", "¥ -", "￥－", "暂无"} {
		v := Parse(TypeAmount, "万元", Cell{Text: blank})
		if !v.Empty() || v.Error != "" || v.Number != nil {
			t.Errorf("amount %q: want empty, got %+v", blank, v)
		}
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   Cell
		want float64
	}{
		{Cell{Text: "100%"}, 100},
		{Cell{Text: "99.96"}, 99.96},
		{Cell{Text: "99.96%", Raw: "0.9996"}, 99.96}, // a 0.9996 cell formatted as %
		{Cell{Text: "９０％"}, 90},
		{Cell{Text: "99.96％"}, 99.96}, // full-width per cent sign
		{Cell{Text: "80 %"}, 80},
		{Cell{Text: "0.9996"}, 0.9996}, // no % format: as typed, not guessed
	}
	for _, tt := range tests {
		v := Parse(TypePercent, "", tt.in)
		if v.Error != "" || num(v) != tt.want || v.Unit != "%" {
			t.Errorf("percent %+v = %v err %q, want %v", tt.in, num(v), v.Error, tt.want)
		}
	}
	for _, bad := range []string{"百分之百", "百分之九十", "约99%"} {
		if v := Parse(TypePercent, "", Cell{Text: bad}); v.Error == "" {
			t.Errorf("percent %s: want error, got %v", bad, num(v))
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in     string
		want   float64
		unit   string
		op     string
		approx bool
	}{
		{"38人次", 38, "人次", "", false}, {"1次", 1, "次", "", false}, {"122张", 122, "张", "", false},
		{"24", 24, "", "", false}, {"526 人", 526, "人", "", false},
		{"约38人", 38, "人", "", true},
		{"500余份", 500, "份", "", true},
		{"300多人次", 300, "人次", "", true},
		{"1,000余人", 1000, "人", "", true},
		{"4000户以上", 4000, "户", ">=", false},
		{"至少38人", 38, "人", ">=", false},
		{"500份左右", 500, "份", "", true},
		{"５００余份", 500, "份", "", true},
	}
	for _, tt := range tests {
		v := Parse(TypeCount, "", Cell{Text: tt.in})
		if v.Error != "" || num(v) != tt.want || v.Unit != tt.unit || v.Op != tt.op || v.Approx != tt.approx {
			t.Errorf("count %q = %v %q op %q approx %v err %q, want %v %q op %q approx %v",
				tt.in, num(v), v.Unit, v.Op, v.Approx, v.Error, tt.want, tt.unit, tt.op, tt.approx)
		}
	}
	for _, bad := range []string{"三十八人", "38人次以上还有", "约", "约三十人", "余38人", "38人左右还有"} {
		if v := Parse(TypeCount, "", Cell{Text: bad}); v.Error == "" {
			t.Errorf("count %q: want error, got %v %q", bad, num(v), v.Unit)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   Cell
		want string
	}{
		{Cell{Text: "2022.3.20"}, "2022-03-20"},
		{Cell{Text: "2022年3月20日"}, "2022-03-20"},
		{Cell{Text: "2022-03-20"}, "2022-03-20"},
		{Cell{Text: "2022/3/20"}, "2022-03-20"},
		{Cell{Text: "2022 年 3 月 15 日"}, "2022-03-15"},
		{Cell{Text: "20220315"}, "2022-03-15"},
		{Cell{Text: "3/20/22", Raw: "44640"}, "2022-03-20"}, // an Excel date
		{Cell{Text: "2023/1/5"}, "2023-01-05"},
		{Cell{Text: "2023-01-05"}, "2023-01-05"},
		{Cell{Text: "2023.1.5"}, "2023-01-05"},
		{Cell{Text: "2023年1月5日"}, "2023-01-05"},
		{Cell{Text: "2023年01月05号"}, "2023-01-05"},
		{Cell{Text: "２０２３年１月５日"}, "2023-01-05"},
		{Cell{Text: "2023-01-05 10:30"}, "2023-01-05"},            // a date and time typed as text
		{Cell{Text: "2023-01-05T10:30:00"}, "2023-01-05"},         // … or ISO
		{Cell{Text: "2023/1/5 0:00", Raw: "44931"}, "2023-01-05"}, // a date-time format
		{Cell{Text: "44931.00", Raw: "44931"}, ""},                // a number format, not a date
		{Cell{Text: "2023年1月5日星期四", Raw: "44931"}, "2023-01-05"},  // a long date format
		{Cell{Text: "Jan-23", Raw: "44927"}, "2023-01-01"},
		{Cell{Text: "2023年1月", Raw: "44931"}, "2023-01-05"}, // a month format keeps its serial's day
		{Cell{Text: "2023.01", Raw: "44931"}, "2023-01-05"},
		{Cell{Text: "44,931", Raw: "44931"}, ""},
		{Cell{Text: "1900/1/1", Raw: "1"}, "1900-01-01"},
		{Cell{Text: "1-Jan", Raw: "1"}, "1900-01-01"}, // serials before Excel's 1900-02-29
		{Cell{Text: "1-Mar", Raw: "61"}, "1900-03-01"},
		{Cell{Text: "29-Feb", Raw: "60"}, ""}, // the day Excel counts and the calendar has not
	}
	for _, tt := range tests {
		v := Parse(TypeDate, "", tt.in)
		if tt.want == "" {
			if v.Error == "" {
				t.Errorf("date %+v: want error, got %q", tt.in, v.Text)
			}
			continue
		}
		if v.Error != "" || v.Text != tt.want || v.Approx {
			t.Errorf("date %+v = %q approx %v err %q, want %q", tt.in, v.Text, v.Approx, v.Error, tt.want)
		}
	}
	// A month alone is its first day, marked approximate.
	for _, in := range []string{"2023年1月", "2023.01", "2023-01", "2023/1", "2023 年 1 月", "２０２３．０１"} {
		v := Parse(TypeDate, "", Cell{Text: in, Raw: in})
		if v.Error != "" || v.Text != "2023-01-01" || !v.Approx {
			t.Errorf("date %q = %q approx %v err %q, want 2023-01-01 approx", in, v.Text, v.Approx, v.Error)
		}
	}
	for _, blank := range []string{"", "/", "无", "——"} {
		if v := Parse(TypeDate, "", Cell{Text: blank, Raw: blank}); !v.Empty() || v.Error != "" {
			t.Errorf("date %q: want empty, got %+v", blank, v)
		}
	}
	for _, bad := range []string{"2022.2.30", "2022年13月1日", "去年", "44640", "2023年13月", "2023.0", "2023年", "2023", "23.1", "2023.1.5.1"} {
		if v := Parse(TypeDate, "", Cell{Text: bad, Raw: bad}); v.Error == "" {
			t.Errorf("date %q: want error, got %q", bad, v.Text)
		}
	}
}

func TestParseScoreAndHeading(t *testing.T) {
	if v := Parse(TypeScore, "", Cell{Text: "2.2"}); num(v) != 2.2 {
		t.Errorf("score 2.2 = %v", num(v))
	}
	if v := Parse(TypeScore, "", Cell{Text: "3分"}); num(v) != 3 {
		t.Errorf("score 3分 = %v", num(v))
	}
	if v := Parse(TypeScore, "", Cell{Text: "满分"}); v.Error == "" {
		t.Errorf("score 满分: want error")
	}
	tests := []struct {
		in, name string
		weight   float64
	}{
		{"产出指标\n\n(40分)", "产出指标", 40},
		{"满意度\n\n指标\n\n（10分）", "满意度指标", 10},
		{"投入(18分)", "投入", 18},
		{"项目立项(分值8分)", "项目立项", 8},
		{"社会效\n\n益指标", "社会效益指标", math.NaN()},
	}
	for _, tt := range tests {
		v := Parse(TypeHeading, "", Cell{Text: tt.in})
		w := math.NaN()
		if v.Weight != nil {
			w = *v.Weight
		}
		if v.Text != tt.name || !(w == tt.weight || math.IsNaN(w) && math.IsNaN(tt.weight)) {
			t.Errorf("heading %q = %q %v, want %q %v", tt.in, v.Text, w, tt.name, tt.weight)
		}
	}
}

func TestParseIndicator(t *testing.T) {
	tests := []struct {
		in, op string
		n      float64
		unit   string
		text   string
		qual   bool
		tier   string
	}{
		{"≥7500", ">=", 7500, "", "", false, ""},
		{"＝100", "=", 100, "", "", false, ""},
		{"=100", "=", 100, "", "", false, ""},
		{"≥100个", ">=", 100, "个", "", false, ""},
		{"至少1人", ">=", 1, "人", "", false, ""},
		{"至少1个小区", ">=", 1, "个", "小区", false, ""},
		{"≤3‰", "<=", 3, "‰", "", false, ""},
		{"＜5%", "<", 5, "%", "", false, ""},
		{"不超过10天", "<=", 10, "天", "", false, ""},
		{"不低于95%", ">=", 95, "%", "", false, ""},
		{"90%以上", ">=", 90, "%", "", false, ""},
		{"100%", "", 100, "%", "", false, ""},
		{"20个", "", 20, "个", "", false, ""},
		{"100%保障", "", 100, "%", "保障", false, ""},
		{"0", "", 0, "", "", false, ""},
		{"2024年", "", 2024, "年", "", false, ""},
		{"5577", "", 5577, "", "", false, ""},
		{"是", "", 0, "", "是", true, ""},
		{"全年", "", 0, "", "全年", true, ""},
		{"及时发放到位", "", 0, "", "及时发放到位", true, ""},
		{"达成年度指标", "", 0, "", "达成年度指标", true, "达成"},
		{"部分达成年度指标并具有一定效果", "", 0, "", "部分达成年度指标并具有一定效果", true, "部分达成"},
		{"未达成年度指标且效果较差", "", 0, "", "未达成年度指标且效果较差", true, "未达成"},
	}
	for _, tt := range tests {
		v := Parse(TypeIndicator, "", Cell{Text: tt.in})
		if v.Error != "" || v.Op != tt.op || v.Unit != tt.unit || v.Text != tt.text || v.Qualitative != tt.qual || v.Tier != tt.tier {
			t.Errorf("indicator %q = op %q n %v unit %q text %q qual %v tier %q", tt.in, v.Op, num(v), v.Unit, v.Text, v.Qualitative, v.Tier)
			continue
		}
		if !tt.qual && num(v) != tt.n {
			t.Errorf("indicator %q number = %v, want %v", tt.in, num(v), tt.n)
		}
	}
}

// TestParseIndicatorQualifiers covers the words agencies put around an
// indicator's number: bounds after it (以上, 以内, 以下), approximations
// (约, 余, 多, 左右) that are never part of the unit, and their
// combinations with a sign before it.
func TestParseIndicatorQualifiers(t *testing.T) {
	tests := []struct {
		in, op string
		n      float64
		unit   string
		text   string
		approx bool
	}{
		{"4000户以上", ">=", 4000, "户", "", false},
		{"5000元以内", "<=", 5000, "元", "", false},
		{"3天以内", "<=", 3, "天", "", false},
		{"10%以下", "<=", 10, "%", "", false},
		{"90%及以上", ">=", 90, "%", "", false},
		{"90%以上（含）", ">=", 90, "%", "", false},
		{"5000册以上", ">=", 5000, "册", "", false}, // a unit not in the list
		{"3个月以内", "<=", 3, "个月", "", false},     // 个月 is one unit
		{"10个工作日以内", "<=", 10, "个工作日", "", false},
		{"90%以上的群众满意", ">=", 90, "%", "的群众满意", false}, // a bound starting the words
		{"500余份", "", 500, "份", "", true},
		{"约100人", "", 100, "人", "", true},
		{"大约100人", "", 100, "人", "", true},
		{"300多人次", "", 300, "人次", "", true},
		{"500份左右", "", 500, "份", "", true},
		{"100余", "", 100, "", "", true},
		{"1,000余人", "", 1000, "人", "", true},
		{"1000多万元", "", 1000, "万元", "", true},
		{"1000余人以上", ">=", 1000, "人", "", true},
		{"至少500余份", ">=", 500, "份", "", true},
		{"≥约100人", ">=", 100, "人", "", true},
		{"约≥100人", ">=", 100, "人", "", true},
		{"≥90%以上", ">=", 90, "%", "", false},   // the bound repeats the sign
		{"≥90%以下", ">=", 90, "%", "以下", false}, // … or contradicts it: kept as written
		{"≥95%", ">=", 95, "%", "", false},
		{"＞＝90%", ">=", 90, "%", "", false},
		{"≥９５％", ">=", 95, "%", "", false},
		{"⩾95%", ">=", 95, "%", "", false},
		{"⩽3天", "<=", 3, "天", "", false},
		{"＜＝５０００元", "<=", 5000, "元", "", false},
		{"不超过3天", "<=", 3, "天", "", false},
		{"不低于95%", ">=", 95, "%", "", false},
		{"≥100\u200b个", ">=", 100, "个", "", false}, // a zero-width space
	}
	for _, tt := range tests {
		v := Parse(TypeIndicator, "", Cell{Text: tt.in})
		if v.Error != "" || v.Qualitative || v.Op != tt.op || num(v) != tt.n || v.Unit != tt.unit || v.Text != tt.text || v.Approx != tt.approx {
			t.Errorf("indicator %q = op %q n %v unit %q text %q approx %v qual %v err %q, want op %q n %v unit %q text %q approx %v",
				tt.in, v.Op, num(v), v.Unit, v.Text, v.Approx, v.Qualitative, v.Error, tt.op, tt.n, tt.unit, tt.text, tt.approx)
		}
	}
	// 约 and 余 that start words are words.
	for _, in := range []string{"约定俗成", "约", "余额充足", "≥良好", "近100人"} {
		v := Parse(TypeIndicator, "", Cell{Text: in})
		if !v.Qualitative || v.Number != nil || v.Approx {
			t.Errorf("indicator %q = n %v approx %v qual %v, want qualitative", in, num(v), v.Approx, v.Qualitative)
		}
	}
}

// TestQualifiedUnits checks that a target and an actual written with
// qualifiers compare by their plain units in the check functions.
func TestQualifiedUnits(t *testing.T) {
	ind := func(s string) *Indicator { return asIndicator(valueOf(Parse(TypeIndicator, "", Cell{Text: s}))) }
	tests := []struct {
		target, actual string
		same, met      bool
	}{
		{"500余份", "520份", true, true},
		{"300多人次", "280人次", true, false},
		{"4000户以上", "4100户", true, true},
		{"3天以内", "5天", true, false},
		{"5000元以内", "4800元", true, true},
		{"约100人", "100名", true, true},
		{"500余份", "520人", false, true},
	}
	for _, tt := range tests {
		tg, ac := ind(tt.target), ind(tt.actual)
		if got := SameUnits(tg, ac); got != tt.same {
			t.Errorf("SameUnits(%s, %s) = %v, want %v", tt.target, tt.actual, got, tt.same)
		}
		if got := Met(tg, ac); got != tt.met {
			t.Errorf("Met(%s, %s) = %v, want %v", tt.target, tt.actual, got, tt.met)
		}
	}
}

// TestValueApproxJSON pins the stored name of the approximation mark and
// that an exact value does not carry it.
func TestValueApproxJSON(t *testing.T) {
	for in, want := range map[string]bool{"500余份": true, "500份": false} {
		b, err := json.Marshal(Parse(TypeIndicator, "", Cell{Text: in}))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), `"approx":true`); got != want {
			t.Errorf("%s: %s, want approx %v", in, b, want)
		}
		if strings.Contains(string(b), "余") && !strings.Contains(string(b), `"raw":"500余份"`) {
			t.Errorf("%s: %s", in, b)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	for _, s := range []string{"无", " / ", "—", "——", "-", "无。", "――", "－－", "-/-", "\u200b", "—\u00a0"} {
		if !IsPlaceholder(s) {
			t.Errorf("IsPlaceholder(%q) = false", s)
		}
	}
	for _, s := range []string{"无法完成", "人数减少", "0", "-5", "—无—", "0.00"} {
		if IsPlaceholder(s) {
			t.Errorf("IsPlaceholder(%q) = true", s)
		}
	}
}

// TestValueEmpty: a value is empty when its cell holds nothing but blanks or
// a placeholder (numeric types; "¥ -" for an amount), whatever its type; a
// digit anywhere makes it not empty.
func TestValueEmpty(t *testing.T) {
	empty := []Value{
		{Type: TypeAmount, Raw: "¥ -"}, {Type: TypeAmount, Raw: " \u200b"}, {Type: TypePercent, Raw: "——"},
		{Type: TypeCount, Raw: "无"}, {Type: TypeText, Raw: "\u3000 "}, {Type: TypeIndicator, Raw: ""},
	}
	for _, v := range empty {
		if !v.Empty() {
			t.Errorf("Value{%s %q}.Empty() = false", v.Type, v.Raw)
		}
	}
	full := []Value{
		{Type: TypeAmount, Raw: "¥ 0"}, {Type: TypeAmount, Raw: "-5"}, {Type: TypePercent, Raw: "—0—"},
		{Type: TypeCount, Raw: "１２"}, {Type: TypeText, Raw: "无"}, {Type: TypeIndicator, Raw: "≥95%"},
		{Type: TypeScore, Raw: " 10 "}, {Type: TypeDate, Raw: "2024年"},
	}
	for _, v := range full {
		if v.Empty() {
			t.Errorf("Value{%s %q}.Empty() = true", v.Type, v.Raw)
		}
	}
}

func TestNormLabel(t *testing.T) {
	pairs := [][2]string{
		{"改进措施及\n结果应用方案", "改进措施及结果应用方案"},
		{"预算数（A）", "预算数(A)"},
		{" 单位名称： ", "单位名称"},
		{"一级\n指标", "一级指标"},
		{"执行率（B/A）", "执行率(B/A)"},
	}
	for _, p := range pairs {
		if got, want := NormLabel(p[0]), NormLabel(p[1]); got != want {
			t.Errorf("NormLabel(%q) = %q, NormLabel(%q) = %q", p[0], got, p[1], want)
		}
	}
}

func TestCellName(t *testing.T) {
	for _, tt := range []struct {
		name string
		r, c int
	}{{"A1", 0, 0}, {"Z10", 9, 25}, {"AA3", 2, 26}, {"XFD1048576", 1048575, 16383}} {
		r, c, err := ParseCellName(tt.name)
		if err != nil || r != tt.r || c != tt.c {
			t.Errorf("ParseCellName(%q) = %d,%d,%v", tt.name, r, c, err)
		}
		if got := CellName(tt.r, tt.c); got != tt.name {
			t.Errorf("CellName(%d,%d) = %q, want %q", tt.r, tt.c, got, tt.name)
		}
	}
	for _, bad := range []string{"", "A", "1", "A0", "XFE1", "A1048577", "A-1", "A+1", "Ä1"} {
		if _, _, err := ParseCellName(bad); err == nil {
			t.Errorf("ParseCellName(%q): want error", bad)
		}
	}
}

// TestDateYear checks that every way a 填报日期 is written gives the
// submission's year (Template.Who reads the first four characters of a
// date).
func TestDateYear(t *testing.T) {
	tpl := &Template{Identity: Identity{Year: Strings{"fill_date"}}}
	for _, c := range []Cell{
		{Text: "2023/1/5"}, {Text: "2023-01-05"}, {Text: "2023.1.5"}, {Text: "2023年1月5日"},
		{Text: "2023年1月"}, {Text: "2023.01"}, {Text: "2023-01"}, {Text: "Jan-23", Raw: "44927"},
	} {
		res := &Result{Fields: map[string]Value{"fill_date": Parse(TypeDate, "", c)}}
		if _, y, _ := tpl.Who(res); y != 2023 {
			t.Errorf("date %+v: year %d, want 2023", c, y)
		}
	}
	res := &Result{Fields: map[string]Value{"fill_date": Parse(TypeDate, "", Cell{Text: "2023年13月"})}}
	if _, y, _ := tpl.Who(res); y != 0 {
		t.Errorf("date 2023年13月: year %d, want none", y)
	}
}
