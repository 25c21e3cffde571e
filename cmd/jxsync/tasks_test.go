package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/template"
)

// rosterDataDir returns a data folder whose registry is testkit.Roster(9):
// 51 units, five departments of nine units under the bureau 420114000.
func rosterDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "jxsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SaveUnits(context.Background(), testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// rosterWorkbook writes the 2022 部门整体绩效自评表 of a roster unit with
// the amounts given (万元; basic + project = spent) into dir.
func rosterWorkbook(t *testing.T, dir, unit, budget, spent, rate, basic, project string) string {
	t.Helper()
	p := filepath.Join(dir, unit+".xlsx")
	b := testkit.HubeiWorkbook(t, unit, func(d *template.Data) {
		d.Fields["budget"], d.Fields["spent"], d.Fields["rate"] = budget, spent, rate
		d.Fields["basic_total"], d.Fields["project_total"] = basic, project
	})
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// taskLines are the lines of `tasks list` output after its two header
// lines.
func taskLines(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "单位编码") {
		t.Fatalf("tasks list output:\n%s", out)
	}
	return lines[2:]
}

func TestTasksCommands(t *testing.T) {
	data := rosterDataDir(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--units", "42011420001,不存在的单位"}, "不存在的单位"},
		{[]string{"--units", "42011420001", "--under", "420114100"}, "--units 或 --under"},
		{[]string{}, "--units 或 --under"},
		{[]string{"--under", "420114100", "--due", "2022/6/30"}, "YYYY-MM-DD"},
		{[]string{"--under", "999"}, "999"},
	} {
		args := append([]string{"tasks", "add", "--template", "hubei-dept", "--year", "2022"}, c.args...)
		if code, out, errs := cliIn(t, data, args...); code != exitFailure || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, want %d and %q\n%s%s", c.args, code, exitFailure, c.want, out, errs)
		}
	}
	if code, out, _ := cliIn(t, data, "tasks", "list"); code != 0 || !strings.Contains(out, "没有自评任务") {
		t.Errorf("no tasks after failed adds: exit %d\n%s", code, out)
	}

	// --under: the department and its nine units, due in the past.
	code, out, errs := cliIn(t, data, "tasks", "add", "--template", "hubei-dept", "--year", "2022", "--under", "武汉市蔡甸区教育局",
		"--due", "2020-01-01", "--by", "caizheng")
	if code != 0 || !strings.Contains(out, "10 个单位，新增任务 10 项") || !strings.Contains(out, "逾期") {
		t.Fatalf("tasks add --under: exit %d\n%s%s", code, out, errs)
	}
	// --units by code and alias, due in the future; again: nothing new.
	for _, want := range []string{"新增任务 2 项", "新增任务 0 项 (added)，已有 2 项"} {
		code, out, errs = cliIn(t, data, "tasks", "add", "--template", "hubei-dept", "--year", "2022",
			"--units", "42011420001，蔡甸区第2救助管理站", "--due", "2999-12-31")
		if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "逾期") {
			t.Errorf("tasks add --units: exit %d, want %q\n%s%s", code, want, out, errs)
		}
	}

	// Forms of a unit with a past-due task, one with a future task and one
	// without a task.
	in := t.TempDir()
	rosterWorkbook(t, in, "武汉市蔡甸区第1中学", "1000", "800", "80%", "100", "700")
	rosterWorkbook(t, in, "武汉市蔡甸区第1救助管理站", "3000", "2850", "95%", "850", "2000")
	rosterWorkbook(t, in, "武汉市蔡甸区第1卫生院", "23,367.00", "23,367.00", "100%", "789.94", "22,577.06")
	if code, out, errs := cliIn(t, data, "import", in); code != 0 && code != exitFindings {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs = cliIn(t, data, "tasks", "list", "--template", "hubei-dept", "--year", "2022")
	if code != 0 {
		t.Fatalf("tasks list: exit %d\n%s", code, errs)
	}
	lines := taskLines(t, out)
	if len(lines) != 12 {
		t.Fatalf("tasks list: %d tasks, want 12\n%s", len(lines), out)
	}
	fields := func(line string) string { return strings.Join(strings.Fields(line), " ") }
	for _, want := range []string{
		"420114100 武汉市蔡甸区教育局 - hubei-dept 2022 2020-01-01 未提交 逾期 overdue",
		"42011410002 武汉市蔡甸区第2中学 武汉市蔡甸区教育局 hubei-dept 2022 2020-01-01 未提交 逾期 overdue",
		"42011420001 武汉市蔡甸区第1救助管理站 武汉市蔡甸区民政局 hubei-dept 2022 2999-12-31 ",
		"42011420002 武汉市蔡甸区第2救助管理站 武汉市蔡甸区民政局 hubei-dept 2022 2999-12-31 未提交",
	} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(fields(l)+" ", want) || fields(l) == want }) {
			t.Errorf("tasks list lacks %q:\n%s", want, out)
		}
	}
	first := lines[slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "42011410001 ") })]
	if strings.Contains(first, "未提交") || strings.Contains(first, "逾期") {
		t.Errorf("a submitted form is neither missing nor overdue: %q", first)
	}

	// --overdue: the reminder list, the nine past-due units that did not
	// submit.
	code, out, _ = cliIn(t, data, "tasks", "list", "--overdue")
	lines = taskLines(t, out)
	if code != 0 || len(lines) != 9 || slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "42011410001 ") || strings.Contains(l, "救助管理站")
	}) {
		t.Errorf("tasks list --overdue: exit %d, %d lines\n%s", code, len(lines), out)
	}
	if code, out, _ := cliIn(t, data, "tasks", "list", "--year", "2023", "--overdue"); code != 0 || !strings.Contains(out, "没有逾期未交的任务") {
		t.Errorf("no overdue tasks in 2023: exit %d\n%s", code, out)
	}
}

func TestReportRollup(t *testing.T) {
	data := rosterDataDir(t)
	in, outDir := t.TempDir(), t.TempDir()
	rosterWorkbook(t, in, "武汉市蔡甸区第1中学", "1000", "800", "80%", "100", "700")
	rosterWorkbook(t, in, "武汉市蔡甸区第2中学", "500", "450", "90%", "50", "400")
	rosterWorkbook(t, in, "武汉市蔡甸区第1救助管理站", "3000", "2850", "95%", "850", "2000")
	if code, out, errs := cliIn(t, data, "import", in); code != 0 && code != exitFindings {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	report := func(name string, args ...string) (string, string) {
		t.Helper()
		p := filepath.Join(outDir, name)
		code, out, errs := cliIn(t, data, append([]string{"report", "--template", "hubei-dept", "--year", "2022", "-o", p}, args...)...)
		if code != 0 {
			t.Fatalf("report %q: exit %d\n%s%s", args, code, out, errs)
		}
		return p, out
	}
	// Without tasks: today's rule (no unit submitted in 2021: none missing).
	_, out := report("before.xlsx")
	if !strings.Contains(out, "3 份自评表") || !strings.Contains(out, "未提交 0 个单位") {
		t.Errorf("report without tasks:\n%s", out)
	}
	if code, out, errs := cliIn(t, data, "tasks", "add", "--template", "hubei-dept", "--year", "2022", "--units",
		"42011410001,42011410002,42011410003,42011420001,42011420002"); code != 0 {
		t.Fatalf("tasks add: exit %d\n%s%s", code, out, errs)
	}
	p, out := report("summary.xlsx")
	if !strings.Contains(out, "未提交 2 个单位") || !strings.Contains(out, "未提交 missing  武汉市蔡甸区第3中学") ||
		!strings.Contains(out, "未提交 missing  武汉市蔡甸区第2救助管理站") {
		t.Errorf("report with tasks:\n%s", out)
	}
	// 执行率 weighted by budget, by hand: 教育局 (80×1000 + 90×500) / 1500;
	// the whole (80×1000 + 90×500 + 95×3000) / 4500.
	edu := math.Round((80.0*1000+90*500)/1500*100) / 100
	whole := math.Round((80.0*1000+90*500+95*3000)/4500*100) / 100
	f := openReport(t, p)
	rows, err := f.GetRows("部门汇总", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("部门汇总 has %d rows, want title, note, header, 2 departments, 合计:\n%q", len(rows), rows)
	}
	check := func(row []string, name, code, units, forms, budget, spent string, rate float64, missing string) {
		t.Helper()
		if len(row) < 15 || row[1] != name || row[2] != code || row[3] != units || row[4] != forms || row[5] != budget || row[6] != spent ||
			row[7] != fmt.Sprint(rate) || row[14] != missing {
			t.Errorf("部门汇总 row %q, want %s %s units %s forms %s budget %s spent %s rate %v missing %s",
				row, name, code, units, forms, budget, spent, rate, missing)
		}
	}
	check(rows[3], "武汉市蔡甸区教育局", "420114100", "2", "2", "1500", "1250", edu, "1")
	check(rows[4], "武汉市蔡甸区民政局", "420114200", "1", "1", "3000", "2850", 95, "1")
	check(rows[5], "合计", "", "3", "3", "4500", "4100", whole, "2")
	if got := columnOf(t, f, "单位汇总", 1); !slices.Equal(got, []string{"武汉市蔡甸区第1中学", "武汉市蔡甸区第2中学", "武汉市蔡甸区第1救助管理站"}) {
		t.Errorf("unit rows by department: %q", got)
	}
	for _, want := range []string{"武汉市蔡甸区教育局（420114100）", "合计 total"} {
		if !strings.Contains(out, want) {
			t.Errorf("report output lacks %q:\n%s", want, out)
		}
	}

	// --under one department.
	p, out = report("under.xlsx", "--under", "420114200")
	if !strings.Contains(out, "1 份自评表") || !strings.Contains(out, "未提交 1 个单位") || strings.Contains(out, "中学") {
		t.Errorf("report --under:\n%s", out)
	}
	f = openReport(t, p)
	if rows, _ := f.GetRows("部门汇总", excelize.Options{RawCellValue: true}); len(rows) != 5 || rows[3][1] != "武汉市蔡甸区民政局" {
		t.Errorf("部门汇总 --under: %q", rows)
	}
	if code, _, errs := cliIn(t, data, "report", "--template", "hubei-dept", "--year", "2022", "--under", "999",
		"-o", filepath.Join(outDir, "x.xlsx")); code != exitFailure || !strings.Contains(errs, "999") {
		t.Errorf("--under an unknown unit: exit %d %s", code, errs)
	}
}
