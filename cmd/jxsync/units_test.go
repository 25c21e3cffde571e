package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/template"
)

func TestUnitsImportAndList(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	small := []*store.Unit{
		{Code: "100", Name: "某区财政局"},
		{Code: "110", Name: "某区教育局", Parent: "100", Aliases: []string{"教育局", "区教育局"}},
		{Code: "11001", Name: "某区第一中学", Parent: "110"},
		{Code: "120", Name: "某区民政局", Parent: "100"},
	}
	roster := writeFile(t, dir, "units.csv", testkit.RosterCSV(small))
	code, out, errs := cliIn(t, data, "units", "import", roster)
	if code != 0 || !strings.Contains(out, "4 个单位 (units): 新增 added 4, 更新 updated 0, 未变 unchanged 0") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, out, _ = cliIn(t, data, "units", "list")
	want := "" +
		"单位编码  单位名称      上级单位编码  别名\n" +
		"code      name          parent        aliases\n" +
		"100       某区财政局\n" +
		"110       某区教育局    100           区教育局；教育局\n" +
		"11001     某区第一中学  110\n" +
		"120       某区民政局    100\n"
	if code != 0 || out != want {
		t.Errorf("list:\n%s\nwant:\n%s", out, want)
	}
	code, out, _ = cliIn(t, data, "units", "list", "--tree")
	want = "" +
		"单位编码   单位名称      上级单位编码  别名\n" +
		"code       name          parent        aliases\n" +
		"100        某区财政局\n" +
		"  110      某区教育局    100           区教育局；教育局\n" +
		"    11001  某区第一中学  110\n" +
		"  120      某区民政局    100\n"
	if code != 0 || out != want {
		t.Errorf("list --tree:\n%s\nwant:\n%s", out, want)
	}
	// Re-import: a rename and an alias update; nothing is deleted.
	small[2].Name, small[2].Aliases = "某区一中", []string{"第一中学"}
	roster = writeFile(t, dir, "units-2.csv", testkit.RosterCSV(small[:3]))
	code, out, errs = cliIn(t, data, "units", "import", roster)
	if code != 0 || !strings.Contains(out, "新增 added 0, 更新 updated 1, 未变 unchanged 2") {
		t.Fatalf("re-import: %d %q %q", code, out, errs)
	}
	_, out, _ = cliIn(t, data, "units", "list")
	if !strings.Contains(out, "11001     某区一中    110           第一中学\n") || !strings.Contains(out, "120       某区民政局") {
		t.Errorf("list after re-import:\n%s", out)
	}
	// A command taking a unit takes its code or alias.
	for _, key := range []string{"11001", "第一中学"} {
		code, out, errs = cliIn(t, data, "template", "new", "--template", "hubei-dept", "--unit", key, "--year", "2024",
			"-o", filepath.Join(dir, "blank-"+key+".xlsx"))
		if code != 0 || !strings.Contains(out, "某区一中 2024") {
			t.Errorf("template new --unit %s: %d %q %q", key, code, out, errs)
		}
	}
}

func TestUnitsImportProblems(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	bad := writeFile(t, dir, "bad.csv", []byte("单位编码,单位名称,上级单位编码,别名\n1,甲,,\n1,乙,,\n2,,9,\n"))
	code, out, errs := cliIn(t, data, "units", "import", bad)
	if code != exitFindings || out != "" {
		t.Errorf("bad roster: %d %q", code, out)
	}
	for _, w := range []string{"bad.csv 行 3：单位编码 1 与行 2 重复", "bad.csv 行 4：单位名称为空", "bad.csv 行 4：上级单位编码 9 不在名单中", "未导入任何单位"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	if _, out, _ := cliIn(t, data, "units", "list"); !strings.Contains(out, "还没有单位") {
		t.Errorf("units saved from a bad roster:\n%s", out)
	}
}

// TestImportWithRoster imports workbooks whose units are typed as people
// type them against testkit.Roster(9): matched ones are filed under their
// unit, an unknown one waits until `units assign` files it and records
// the name as an alias.
func TestImportWithRoster(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	if code, _, errs := cliIn(t, data, "units", "import", writeFile(t, dir, "roster.csv", testkit.RosterCSV(testkit.Roster(9)))); code != 0 {
		t.Fatal(errs)
	}
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	for i, unit := range []string{
		"武汉市蔡甸区第1中学",   // exact
		"蔡甸区第3救助管理站",   // without 武汉市
		"武汉市蔡甸区　第5卫生院", // full-width space
		"蔡甸区第2农技推广站",   // alias
		"蔡甸区城关中学",      // unknown
	} {
		writeFile(t, in, fmt.Sprintf("wb-%d.xlsx", i), testkit.HubeiWorkbook(t, unit, nil))
	}
	rep := filepath.Join(dir, "report.json")
	code, out, errs := cliIn(t, data, "import", "--report", rep, in)
	if code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	for _, w := range []string{"新增 imported 4", "待确认单位 pending 1", "待确认单位 pending  " + filepath.Join(in, "wb-4.xlsx")} {
		if !strings.Contains(out, w) {
			t.Errorf("summary lacks %q:\n%s", w, out)
		}
	}
	lines := readJSONReport(t, rep)
	pending := 0
	for _, l := range lines {
		if l.Status == "pending" {
			pending++
		}
	}
	if pending != 1 {
		t.Errorf("report: %d pending, want 1: %+v", pending, lines)
	}
	_, out, _ = cliIn(t, data, "history", "42011430005") // by code
	if !strings.Contains(out, "wb-2.xlsx") {
		t.Errorf("history by code:\n%s", out)
	}
	_, out, _ = cliIn(t, data, "history", "蔡甸区第2农技推广站") // by alias
	if !strings.Contains(out, "wb-3.xlsx") {
		t.Errorf("history by alias:\n%s", out)
	}
	code, out, _ = cliIn(t, data, "units", "pending")
	m := regexp.MustCompile(`(?m)^(\d+)\s+蔡甸区城关中学\s+hubei-dept@2022\s+2022\s+\S*wb-4\.xlsx$`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("units pending:\n%s", out)
	}
	code, out, errs = cliIn(t, data, "units", "assign", m[1], "42011410002", "--by", "张三")
	if code != 0 || !strings.Contains(out, "已归入 42011410002 武汉市蔡甸区第2中学") {
		t.Fatalf("assign: %d %s %s", code, out, errs)
	}
	code, _, errs = cliIn(t, data, "units", "assign", m[1], "42011410003")
	if code != exitFailure || !strings.Contains(errs, "不能再次归入") {
		t.Errorf("assign twice: %d %s", code, errs)
	}
	if _, out, _ = cliIn(t, data, "units", "pending"); !strings.Contains(out, "没有待确认单位") {
		t.Errorf("pending after assign:\n%s", out)
	}
	// The name is the unit's alias now: a corrected form of it is filed.
	next := writeFile(t, dir, "next.xlsx", testkit.HubeiWorkbook(t, "蔡甸区城关中学", func(d *template.Data) { d.Fields["fill_date"] = "2023-03-01" }))
	code, out, _ = cliIn(t, data, "import", next)
	if code != 0 || !strings.Contains(out, "更新 updated 1") {
		t.Errorf("next upload of the alias:\n%s", out)
	}
	_, out, _ = cliIn(t, data, "history", "42011410002")
	if !strings.Contains(out, "wb-4.xlsx") || !strings.Contains(out, "next.xlsx") {
		t.Errorf("history of the assigned unit:\n%s", out)
	}
	_, out, _ = cliIn(t, data, "units", "list")
	if !strings.Contains(out, "42011410002  武汉市蔡甸区第2中学") || !strings.Contains(out, "蔡甸区城关中学") {
		t.Errorf("alias not listed:\n%s", out)
	}
}
