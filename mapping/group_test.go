package mapping

import (
	"fmt"
	"testing"
)

func emptyAt(col string, row int) Finding {
	return Finding{Sheet: "表", Cell: fmt.Sprintf("%s%d", col, row), Severity: SeverityError, Rule: "required",
		Message: fmt.Sprintf("第%d行 分值 为空，请填写 (required cell is empty)", row)}
}

func TestGroupFindings(t *testing.T) {
	fs := []Finding{
		{Sheet: "表", Severity: SeverityError, Rule: RuleIdentity, Message: "表头缺少标题行"},
		emptyAt("G", 12), emptyAt("G", 13), emptyAt("G", 14), // consecutive: one group
		emptyAt("G", 16), // a gap: a group of its own
		emptyAt("H", 17), // another column
		{Sheet: "表", Cell: "I12", Severity: SeverityError, Rule: "target-missed-reason", Message: "“甲”未完成目标"},
		{Sheet: "表", Cell: "I13", Severity: SeverityError, Rule: "target-missed-reason", Message: "“乙”未完成目标"}, // another message
		{Sheet: "表", Cell: "B4", Severity: SeverityWarning, Rule: "level1-name", Message: "一级指标不规范"},
		{Sheet: "表", Cell: "B5", Severity: SeverityWarning, Rule: "level1-name", Message: "一级指标不规范"}, // same message, no row: merged
		{Sheet: "表2", Cell: "G15", Severity: SeverityError, Rule: "required", Message: "第15行 分值 为空，请填写 (required cell is empty)"},
	}
	gs := GroupFindings(fs)
	type want struct {
		cells, rows, msg string
		n                int
	}
	wants := []want{
		{"", "", "表头缺少标题行", 1},
		{"G12:G14", "第12–14行", "第12–14行 分值 为空，请填写 (required cell is empty)", 3},
		{"G16", "第16行", "第16行 分值 为空，请填写 (required cell is empty)", 1},
		{"H17", "第17行", "第17行 分值 为空，请填写 (required cell is empty)", 1},
		{"I12", "第12行", "“甲”未完成目标", 1},
		{"I13", "第13行", "“乙”未完成目标", 1},
		{"B4:B5", "第4–5行", "一级指标不规范", 2},
		{"G15", "第15行", "第15行 分值 为空，请填写 (required cell is empty)", 1},
	}
	if len(gs) != len(wants) {
		t.Fatalf("%d groups, want %d: %+v", len(gs), len(wants), gs)
	}
	for i, w := range wants {
		g := gs[i]
		if g.Cells != w.cells || g.Rows() != w.rows || g.Message != w.msg || len(g.Findings) != w.n {
			t.Errorf("group %d = %s %q %q (%d findings), want %s %q %q (%d)", i, g.Cells, g.Rows(), g.Message, len(g.Findings), w.cells, w.rows, w.msg, w.n)
		}
	}
	if g := gs[1]; g.Sheet != "表" || g.Rule != "required" || g.Severity != SeverityError || g.Cell != "G12" ||
		g.FirstRow != 12 || g.LastRow != 14 || g.Ref() != "表!G12:G14" {
		t.Errorf("group = %+v", g)
	}
	if gs[0].Ref() != "表" || gs[7].Sheet != "表2" {
		t.Errorf("groups without a cell or on another sheet: %+v %+v", gs[0], gs[7])
	}
	if GroupFindings(nil) != nil {
		t.Error("no findings, groups")
	}
}

// The rows of a message are those of its own cell: a message naming
// another row is not rewritten, and keeps findings apart.
func TestGroupFindingsOtherRow(t *testing.T) {
	a := Finding{Sheet: "表", Cell: "G12", Severity: SeverityError, Rule: "x", Message: "第3行 的合计不符"}
	b := Finding{Sheet: "表", Cell: "G13", Severity: SeverityError, Rule: "x", Message: "第3行 的合计不符"}
	gs := GroupFindings([]Finding{a, b})
	if len(gs) != 1 || gs[0].Message != "第3行 的合计不符" || gs[0].Cells != "G12:G13" {
		t.Errorf("groups = %+v", gs)
	}
	b.Message = "第13行 的合计不符"
	if gs := GroupFindings([]Finding{a, b}); len(gs) != 2 {
		t.Errorf("a message of its own row and one of another: %+v", gs)
	}
}
