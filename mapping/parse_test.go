package mapping

import (
	"math"
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
		{"110.36万元", "元", 1103600, "元"},
		{"-5", "", -5, "万元"},
		{"１１０．３６", "", 110.36, "万元"}, // full-width digits
	}
	for _, tt := range tests {
		v := Parse(TypeAmount, tt.unit, Cell{Text: tt.in})
		if v.Error != "" || num(v) != tt.want || v.Unit != tt.wantUnit {
			t.Errorf("amount %q (%s) = %v %s err %q, want %v %s", tt.in, tt.unit, num(v), v.Unit, v.Error, tt.want, tt.wantUnit)
		}
	}
	for _, bad := range []string{"约100", "100万美元", "1.2.3", "NaN", "Inf", "1e999", "0x10", "壹佰", "12,34,5a"} {
		if v := Parse(TypeAmount, "", Cell{Text: bad}); v.Error == "" {
			t.Errorf("amount %q: no error, got %v", bad, num(v))
		}
	}
	for _, blank := range []string{"", "  ", "—", "/", "-", "无"} {
		v := Parse(TypeAmount, "", Cell{Text: blank})
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
		{Cell{Text: "80 %"}, 80},
	}
	for _, tt := range tests {
		v := Parse(TypePercent, "", tt.in)
		if v.Error != "" || num(v) != tt.want || v.Unit != "%" {
			t.Errorf("percent %+v = %v err %q, want %v", tt.in, num(v), v.Error, tt.want)
		}
	}
	if v := Parse(TypePercent, "", Cell{Text: "百分之百"}); v.Error == "" {
		t.Errorf("percent 百分之百: want error")
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		unit string
	}{
		{"38人次", 38, "人次"}, {"1次", 1, "次"}, {"122张", 122, "张"}, {"24", 24, ""}, {"526 人", 526, "人"},
	}
	for _, tt := range tests {
		v := Parse(TypeCount, "", Cell{Text: tt.in})
		if v.Error != "" || num(v) != tt.want || v.Unit != tt.unit {
			t.Errorf("count %q = %v %q err %q", tt.in, num(v), v.Unit, v.Error)
		}
	}
	for _, bad := range []string{"约38人", "三十八人", "38人次以上还有"} {
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
	}
	for _, tt := range tests {
		v := Parse(TypeDate, "", tt.in)
		if v.Error != "" || v.Text != tt.want {
			t.Errorf("date %+v = %q err %q, want %q", tt.in, v.Text, v.Error, tt.want)
		}
	}
	for _, bad := range []string{"2022.2.30", "2022年13月1日", "去年", "44640"} {
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

func TestPlaceholder(t *testing.T) {
	for _, s := range []string{"无", " / ", "—", "——", "-", "无。"} {
		if !IsPlaceholder(s) {
			t.Errorf("IsPlaceholder(%q) = false", s)
		}
	}
	for _, s := range []string{"无法完成", "人数减少", "0"} {
		if IsPlaceholder(s) {
			t.Errorf("IsPlaceholder(%q) = true", s)
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
