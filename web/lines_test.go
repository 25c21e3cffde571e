package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

func TestDropGloss(t *testing.T) {
	for in, want := range map[string]string{
		"第9行实际完成值 为必填项，不能为空 (required cell is empty)":                "第9行实际完成值 为必填项，不能为空",
		"无法识别模板 (no template matches); 缺少标签 (missing labels): 年初目标值": "无法识别模板; 缺少标签: 年初目标值",
		// Not glosses: upper case, short, inside “cell text”, full-width.
		"执行率(B/A)应为 100%":             "执行率(B/A)应为 100%",
		"“救助人次(per year)”未完成目标":       "“救助人次(per year)”未完成目标",
		"单位(kg)不一致":                   "单位(kg)不一致",
		"预算数（A）与执行数（B）不符":             "预算数（A）与执行数（B）不符",
		"unclosed (gloss without end": "unclosed (gloss without end",
	} {
		if got := dropGloss(in); got != want {
			t.Errorf("dropGloss(%q) = %q, want %q", in, got, want)
		}
	}
}

func testServer() *Server {
	return &Server{svc: &sync.Service{Templates: []*mapping.Template{{ID: "hubei-dept", Version: "2022", Title: "部门整体绩效自评表"}}},
		knownID: map[string]bool{"hubei-dept": true}}
}

func TestPlain(t *testing.T) {
	s := testServer()
	for in, want := range map[string]string{
		"extract: 报表.xlsx: 无法识别模板 (no template matches); hubei-dept@2022 缺少标签": "报表.xlsx: 无法识别模板; 《部门整体绩效自评表》（2022 版） 缺少标签",
		"该文件由“某单位”的填报（hubei-dept，2022 年）生成":                                    "该文件由“某单位”的填报（《部门整体绩效自评表》，2022 年）生成",
		"文件 hubei-dept.xlsx 与 national-dept@2024 无关":                           "文件 hubei-dept.xlsx 与 national-dept@2024 无关", // not an id / unknown
	} {
		if got := s.plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
}

// required is the reading rule's finding of an empty cell.
func required(sheet, col string, row int) mapping.Finding {
	return mapping.Finding{Sheet: sheet, Cell: fmt.Sprintf("%s%d", col, row), Severity: mapping.SeverityError, Rule: "required",
		Message: fmt.Sprintf("第%d行分值 为必填项，不能为空 (required cell is empty)", row)}
}

// shown lists lines as "cell|message|count".
func shown(sfs []sheetFindings) string {
	var b strings.Builder
	for _, sf := range sfs {
		fmt.Fprintf(&b, "[%s]", sf.Sheet)
		for _, l := range sf.Lines {
			fmt.Fprintf(&b, " %s|%s|%d;", l.Cell, l.Message, l.Count)
		}
	}
	return b.String()
}

func TestLinesGroupRuns(t *testing.T) {
	s := testServer()
	none := func(string, string) string { return "" }
	var fs []mapping.Finding
	for r := 12; r <= 30; r++ {
		fs = append(fs, required("表", "G", r))
		if r == 20 {
			fs = append(fs, required("表", "H", r)) // another column between
		}
	}
	got := shown(s.lines(fs, none))
	want := "[表] G12–G30|第 12–30 行 分值 为必填项，不能为空|19; H20|第20行分值 为必填项，不能为空|1;"
	if got != want {
		t.Errorf("lines:\n got %s\nwant %s", got, want)
	}

	// Not grouped: a gap, another rule, severity, sheet, or message.
	other := required("表", "G", 13)
	other.Rule = "type"
	warn := required("表", "G", 14)
	warn.Severity = mapping.SeverityWarning
	msg := required("表", "G", 15)
	msg.Message = "第15行分值：无法读取“约5”"
	fs = []mapping.Finding{required("表", "G", 10), required("表", "G", 12), other, warn, msg, required("另表", "G", 13)}
	got = shown(s.lines(fs, none))
	if strings.Contains(got, "–") || strings.Count(got, "|1;") != 6 {
		t.Errorf("grouped what differs:\n%s", got)
	}

	// The same message without a row on consecutive rows: the run is named
	// before it; related cells are merged; the link is the first cell's.
	var same []mapping.Finding
	for r := 5; r <= 7; r++ {
		same = append(same, mapping.Finding{Sheet: "表", Cell: fmt.Sprintf("B%d", r), Severity: mapping.SeverityWarning, Rule: "level2-name",
			Message: "二级指标“产出效益”不是规范名称", Related: []string{"表!A20"}})
	}
	ls := s.lines(same, func(sheet, cell string) string { return "#cell-" + cell })
	if got := shown(ls); got != "[表] B5–B7|第 5–7 行：二级指标“产出效益”不是规范名称|3;" {
		t.Errorf("lines: %s", got)
	}
	if l := ls[0].Lines[0]; l.Href != "#cell-B5" || len(l.Related) != 1 || l.Related[0] != (cellLink{"A20", "#cell-A20"}) {
		t.Errorf("line links %q %+v", l.Href, l.Related)
	}
}
