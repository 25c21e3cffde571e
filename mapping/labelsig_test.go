package mapping

import (
	"strings"
	"testing"
)

// TestLabelSig checks the signature filter of detection: a cell holding a
// label (whole, at its start or inside) may match it, and a cell without
// one of the label's byte pairs is passed over.
func TestLabelSig(t *testing.T) {
	cells := []string{"项目名称:困难群众救助", "产出指标(40分)", "年度指标值", "一级指标", "ab", "a", "", "预算执行率(10分)", "\xff\xfe坏"}
	labels := []string{"项目名称", "产出指标", "指标值", "指标", "一级指标", "a", "b", "执行率", "坏", "\xfe坏"}
	for _, c := range cells {
		for _, l := range labels {
			n := needle{l, labelSig(l)}
			if strings.Contains(c, l) && !n.may(labelSig(c)) {
				t.Errorf("%q contains %q but its signature refuses it", c, l)
			}
		}
	}
	if n := (needle{"项目名称", labelSig("项目名称")}); n.may(labelSig("年度指标值")) {
		t.Error("年度指标值 may hold 项目名称: the filter passes over nothing")
	}
}
