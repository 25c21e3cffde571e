package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// cobraEnglish are the messages cobra and pflag write themselves, as they
// write them; none must reach a user.
var cobraEnglish = []string{"requires at least", "arg(s)", "unknown flag:", "unknown shorthand flag:", "flag needs an argument:",
	"invalid argument \"", "required flag(s) \"", "unknown command \"", "Did you mean"}

// TestUsageErrorsInChinese misuses every kind of argument and flag: each is
// exit 2 with a Chinese message naming what is wrong and the command's
// usage line, and none of cobra's English; used rightly, the same commands
// run.
// han matches a message that starts in Chinese.
var han = regexp.MustCompile(`^jxsync: \p{Han}`)

func TestUsageErrorsInChinese(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"import"}, []string{"缺少参数", "要导入的文件、文件夹或 .zip", "用法 (usage): jxsync import PATH..."}},
		{[]string{"extract"}, []string{"缺少参数", "要读取的工作簿文件"}},
		{[]string{"validate"}, []string{"缺少参数", "要校验的工作簿文件"}},
		{[]string{"diff", "1"}, []string{"缺少参数", "两个修订号，或两个工作簿文件", "用法 (usage): jxsync diff A B"}},
		{[]string{"diff", "1", "2", "3"}, []string{"参数过多", "多出了 “3”"}},
		{[]string{"history"}, []string{"缺少参数", "一个单位名称，或用 --unidentified"}},
		{[]string{"history", "蔡甸区", "民政局"}, []string{"参数过多", "多出了 “民政局”", "加引号"}},
		{[]string{"original", "-o", "x.xlsx"}, []string{"缺少参数", "一个修订号"}},
		{[]string{"sql"}, []string{"缺少参数", "一条 SQL 查询语句"}},
		{[]string{"sync"}, []string{"缺少参数", "一个文件夹"}},
		{[]string{"export", "1", "2", "-o", "x.xlsx"}, []string{"参数过多", "多出了 “2”"}},
		{[]string{"user", "add", "--role", "bureau"}, []string{"缺少参数", "一个用户名"}},
		{[]string{"check", "now"}, []string{"命令 jxsync check 不接受参数", "多出了 “now”"}},
		{[]string{"report", "--template", "hubei-dept"}, []string{"缺少必需的选项", "-o/--output（输出文件", "--year（年度"}},
		{[]string{"import", "--workers", "abc", "x.xlsx"}, []string{"选项 --workers 的值“abc”无效", "整数"}},
		{[]string{"import", "x.xlsx", "--workers"}, []string{"选项 --workers 后面要给出值", "并行数"}},
		{[]string{"import", "--bogus", "x.xlsx"}, []string{"没有选项 --bogus", "用法 (usage): jxsync import"}},
		{[]string{"original", "-x", "1"}, []string{"没有选项 -x"}},
		{[]string{"export", "-o"}, []string{"选项 -o 后面要给出值", "输出文件"}},
		{[]string{"export", "-o", filepath.Join(t.TempDir(), "x.xlsx")}, []string{"请给出一个修订号，或同时给出 --unit、--year 和 --template"}},
		{[]string{"improt", "x.xlsx"}, []string{"没有命令“improt”", "是否指 import"}},
		{[]string{"nosuch"}, []string{"没有命令“nosuch”", "jxsync --help"}},
		{[]string{"template", "new", "--template", "hubei-dept", "--unit", "x", "--year", "24", "-o", "x.xlsx"}, []string{"--year 2024"}},
	} {
		code, out, errs := cliIn(t, data, c.args...)
		if code != exitFailure || !han.MatchString(errs) {
			t.Errorf("%q: exit %d, want %d and a message in Chinese\n%s%s", c.args, code, exitFailure, out, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%q: stderr lacks %q:\n%s", c.args, w, errs)
			}
		}
		for _, en := range cobraEnglish {
			if strings.Contains(errs, en) {
				t.Errorf("%q: cobra's English %q reached the user:\n%s", c.args, en, errs)
			}
		}
	}
	// Help is in Chinese too.
	for _, args := range [][]string{{"--help"}, {"import", "--help"}, {"help", "diff"}} {
		code, out, errs := cliIn(t, data, args...)
		if code != 0 || !strings.Contains(out, "用法 (usage):") || !strings.Contains(out, "选项 (") || !strings.Contains(out, "显示帮助") ||
			strings.Contains(out, "Usage:") || strings.Contains(out, "Flags:") {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errs)
		}
	}
	// The same commands used rightly.
	for _, args := range [][]string{{"check"}, {"sql", "SELECT 1"}, {"history", "--unidentified"}, {"import", "--workers", "2", hubeiExample}} {
		if code, out, errs := cliIn(t, data, args...); code != 0 {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errs)
		}
	}
}

// TestRevisionNotFound names a missing revision once, in Chinese, for
// every command taking one, and a revision that is not a number; an
// existing revision is found.
func TestRevisionNotFound(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	if code, _, errs := cliIn(t, data, "import", hubeiExample); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	for _, args := range [][]string{
		{"original", "999", "-o", filepath.Join(dir, "a.xlsx")},
		{"export", "999", "-o", filepath.Join(dir, "b.xlsx")},
		{"diff", "999", "1"},
		{"diff", "1", "999"},
	} {
		code, _, errs := cliIn(t, data, args...)
		if code != exitFailure || !strings.Contains(errs, "库中没有修订 999 (no revision 999)") || strings.Count(errs, "999") != 2 ||
			strings.Contains(errs, "not found") {
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
	}
	if code, _, errs := cliIn(t, data, "original", "abc", "-o", filepath.Join(dir, "c.xlsx")); code != exitFailure || !strings.Contains(errs, "修订号应为正整数，而不是“abc”") {
		t.Errorf("original abc: exit %d: %s", code, errs)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written for missing revisions: %v", entries)
	}
	if code, out, errs := cliIn(t, data, "original", "1", "-o", filepath.Join(dir, "d.xlsx")); code != 0 {
		t.Errorf("original 1: exit %d\n%s%s", code, out, errs)
	}
}

// TestUnitNotFoundSuggests names the stored unit nearest to one that is not
// stored: a name without its city, a name with a character mistyped; a
// name like none is said to have no submission.
func TestUnitNotFoundSuggests(t *testing.T) {
	data := t.TempDir()
	importHubei2022(t, data)
	for _, c := range []struct{ unit, want string }{
		{"蔡甸区救助管理站", "没有单位“蔡甸区救助管理站”，是否指“武汉市蔡甸区救助管理站”？"},
		{"蔡甸区民证局", "没有单位“蔡甸区民证局”，是否指“蔡甸区民政局”？"},
		{"株洲市救助管理站", "没有单位“株洲市救助管理站”的填报"},
	} {
		code, out, errs := cliIn(t, data, "history", c.unit)
		if code != exitFailure || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("history %s: exit %d, want %q\n%s%s", c.unit, code, c.want, out, errs)
		}
	}
	// export of a unit's year it did not submit names the years it did.
	code, _, errs := cliIn(t, data, "export", "--unit", minzhengUnit, "--year", "2023", "--template", "hubei-dept", "-o", filepath.Join(t.TempDir(), "x.xlsx"))
	if code != exitFailure || !strings.Contains(errs, "库中没有“蔡甸区民政局” 2023 年度的 hubei-dept 填报") || !strings.Contains(errs, "该单位有：2022 年度 hubei-dept") {
		t.Errorf("export of a missing year: exit %d: %s", code, errs)
	}
	if code, out, errs := cliIn(t, data, "history", jiuzhuUnit); code != 0 || !strings.Contains(out, "hubei-dept@2022") {
		t.Errorf("history %s: exit %d\n%s%s", jiuzhuUnit, code, out, errs)
	}
}

func TestNearNames(t *testing.T) {
	units := []string{"武汉市蔡甸区救助管理站", "蔡甸区民政局", "乐昌市民政局", "株洲市救助管理站"}
	for _, c := range []struct {
		name string
		want []string
	}{
		{"蔡甸区救助管理站", []string{"武汉市蔡甸区救助管理站"}},
		{"蔡甸区 民证局", []string{"蔡甸区民政局"}},                // a space and a wrong character
		{"救助管理站", []string{"株洲市救助管理站", "武汉市蔡甸区救助管理站"}}, // containment, by name
		{"裕安区民政局", nil}, // 3 of 6 characters differ
		{"", nil},
	} {
		if got := nearNames(c.name, units); !slices.Equal(got, c.want) {
			t.Errorf("nearNames(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestTemplateNotFoundListsTemplates names the known templates for a
// template that does not exist.
func TestTemplateNotFoundListsTemplates(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"template", "new", "--template", "hubei", "--unit", "x", "--year", "2024", "-o", filepath.Join(t.TempDir(), "x.xlsx")},
		{"report", "--template", "hubei", "--year", "2024", "-o", filepath.Join(t.TempDir(), "y.xlsx")},
		{"regenerate", "--template", "hubei", "-o", t.TempDir()},
		{"revalidate", "--template", "hubei"},
	} {
		code, _, errs := cliIn(t, data, args...)
		if code != exitFailure || !strings.Contains(errs, "没有模板“hubei” (no such template)") || !strings.Contains(errs, "hubei-dept（部门整体绩效自评表）") {
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
	}
}

// TestTemplateNewPicksVersionForYear fills the form of the version in force
// in the year asked for — the newest not after it, the oldest before the
// first — unless a version is named.
func TestTemplateNewPicksVersionForYear(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []struct {
		ref     string
		year    int
		version string
	}{
		{"hubei-dept", 2022, "2022"},
		{"hubei-dept", 2023, "2023"},
		{"hubei-dept", 2025, "2023"},
		{"hubei-dept", 2021, "2022"},
		{"hubei-dept@2022", 2024, "2022"},
	} {
		out := filepath.Join(dir, fmt.Sprintf("%d.xlsx", i))
		code, stdout, errs := jx(t, "template", "new", "--template", c.ref, "--unit", "测试单位", "--year", fmt.Sprint(c.year), "-o", out)
		if code != 0 || !strings.Contains(stdout, "hubei-dept@"+c.version) {
			t.Errorf("%s --year %d: exit %d, want hubei-dept@%s\n%s%s", c.ref, c.year, code, c.version, stdout, errs)
			continue
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		props := map[string]string{}
		cps, err := f.GetCustomProps()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range cps {
			props[p.Name] = fmt.Sprint(p.Value)
		}
		if props[mapping.PropVersion] != c.version || props[mapping.PropYear] != fmt.Sprint(c.year) {
			t.Errorf("%s --year %d: the workbook is marked %v", c.ref, c.year, props)
		}
	}
}
