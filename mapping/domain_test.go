package mapping

import (
	"math"
	"testing"
)

func ind(s string) *Indicator {
	v := Parse(TypeIndicator, "", Cell{Text: s})
	return asIndicator(valueOf(v))
}

func TestMet(t *testing.T) {
	tests := []struct {
		target, actual string
		want           bool
	}{
		{"≥7500", "5577", false},
		{"≥156", "156", true},
		{"=100", "99.96", false},
		{"100人次", "38人次", false},
		{"100%", "100%", true},
		{"≤3‰", "2‰", true},
		{"≤3‰", "4‰", false},
		{"<5", "5", false},
		{"0", "0", true},
		{"0", "2", false}, // 安全事故发生率: a zero target is a ceiling
		{"=0", "0.5", false},
		{"是", "是", true},
		{"是", "否", false},
		{"全年", "全年", true},
		{"提升", "部分达成年度指标并具有一定效果", false},
		{"提升", "达成年度指标", true},
		{"2024年", "2024", true},
	}
	for _, tt := range tests {
		if got := Met(ind(tt.target), ind(tt.actual)); got != tt.want {
			t.Errorf("Met(%q, %q) = %v, want %v", tt.target, tt.actual, got, tt.want)
		}
	}
	if !Met(nil, ind("1")) || !Met(ind("1"), nil) {
		t.Error("Met with a missing side should not fail")
	}
}

func TestExpectedScore(t *testing.T) {
	tests := []struct {
		w              float64
		target, actual string
		want           float64
		ok             bool
	}{
		{3, "≥7500", "5577", 2.2308, true},
		{3, "≥156", "200", 3, true},
		{20, "=100", "99.96", 19.992, true},
		{10, "≤10", "15", 5, true},
		{10, "≤10", "25", 0, true},
		{10, "≤10", "8", 10, true},
		{10, "提升", "提升", 0, false},
		{10, "0", "0", 10, true},
		{10, "0", "1", 0, true},
	}
	for _, tt := range tests {
		got, ok := ExpectedScore(tt.w, ind(tt.target), ind(tt.actual))
		if ok != tt.ok || math.Abs(got-tt.want) > 0.0001 {
			t.Errorf("ExpectedScore(%v, %q, %q) = %v, %v; want %v, %v", tt.w, tt.target, tt.actual, got, ok, tt.want, tt.ok)
		}
	}
}

func TestOverAndUnits(t *testing.T) {
	if !Over(ind("≥600"), ind("780"), 1.2) || Over(ind("≥600"), ind("700"), 1.2) || Over(ind("≤3"), ind("10"), 1.2) ||
		Over(ind("100%"), ind("130%"), 1.2) {
		t.Error("Over")
	}
	if !SameUnits(ind("≥100个"), ind("122张")) || SameUnits(ind("至少1人"), ind("1个")) || !SameUnits(ind("90%"), ind("90")) {
		t.Error("SameUnits")
	}
	lo, hi := TierBand("部分达成")
	if lo != 0.6 || hi != 0.8 {
		t.Errorf("TierBand(部分达成) = %v, %v", lo, hi)
	}
}

func TestNearest(t *testing.T) {
	l1 := []string{"产出指标", "效益指标", "满意度指标", "成本指标"}
	tests := []struct {
		name, want string
		exact      bool
	}{
		{"产出指标", "产出指标", true},
		{"满意度\n指标", "满意度指标", true},
		{"满意度", "满意度指标", true},
		{"产出效益", "产出指标", false},
		{"社会效益", "效益指标", false},
	}
	for _, tt := range tests {
		got, exact := Nearest(l1, tt.name)
		if got != tt.want || exact != tt.exact {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.name, got, exact, tt.want, tt.exact)
		}
	}
}
