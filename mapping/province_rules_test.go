package mapping

import "testing"

// bands are the 执行率 bands of the 一体化 systems: below 80% at most 89,
// below 70% at most 79, below 60% at most 69.
var bands = map[string]float64{"score_cap_below_80": 89, "score_cap_below_70": 79, "score_cap_below_60": 69, "tolerance": 0.01}

func TestScoreCap(t *testing.T) {
	tests := []struct {
		settings map[string]float64
		rate     float64
		want     float64
		ok       bool
	}{
		{bands, 95, 0, false}, // no band applies
		{bands, 80, 0, false}, // 80% is not below 80
		{bands, 79.99, 89, true},
		{bands, 70, 89, true},
		{bands, 65, 79, true},
		{bands, 59.5, 69, true}, // the lowest cap that applies wins
		{nil, 10, 0, false},     // off unless set
		{map[string]float64{"score_cap_below_x": 50}, 10, 0, false},
	}
	for _, tt := range tests {
		got, ok := ScoreCap(tt.settings, tt.rate)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ScoreCap(%v, %v) = %v, %v; want %v, %v", tt.settings, tt.rate, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDeviationDeduction(t *testing.T) {
	on := map[string]float64{"deviation_threshold": 30, "deviation_points": 1}
	tests := []struct {
		settings       map[string]float64
		target, actual string
		want           float64
	}{
		{on, "≥100", "70", 1},  // 30% short
		{on, "≥100", "71", 0},  // 29% short
		{on, "≥600", "780", 1}, // 30% over
		{on, "≤5", "3", 1},     // 40% under a ceiling: a deviation all the same
		{on, "是", "否", 0},      // qualitative: no numbers to compare
		{on, "0", "2", 0},      // a zero target has no percentage
		{nil, "≥100", "10", 0}, // off unless set
		{map[string]float64{"deviation_threshold": 30}, "≥100", "10", 0},
	}
	for _, tt := range tests {
		if got := Deduction(tt.settings, ind(tt.target), ind(tt.actual)); got != tt.want {
			t.Errorf("Deduction(%v, %q, %q) = %v, want %v", tt.settings, tt.target, tt.actual, got, tt.want)
		}
	}
	if d, ok := Deviation(ind("≥600"), ind("780")); !ok || d != 30 {
		t.Errorf("Deviation(≥600, 780) = %v, %v; want 30, true", d, ok)
	}
}
