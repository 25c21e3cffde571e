package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/internal/testkit/office"
)

// reportExamples are the example workbooks shipped with the templates.
const reportExamples = "../../templates/*/*/examples/*.xlsx"

// reportProjectWorkbook writes a 项目支出绩效自评表 (national-project@2020,
// the 最低生活保障 example) of another unit and year into dir.
func reportProjectWorkbook(t *testing.T, dir, unit, year string) string {
	t.Helper()
	p := filepath.Join(dir, unit+"-"+year+".xlsx")
	if err := os.WriteFile(p, testkit.ProjectWorkbook(t, unit, year, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// openReport opens a written report.
func openReport(t *testing.T, p string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// columnOf returns the values of a sheet's column from row 4 (the data) to
// the 合计 row closing it.
func columnOf(t *testing.T, f *excelize.File, sheet string, col int) []string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows[min(3, len(rows)):] {
		if slices.Contains(r, "合计") {
			break
		}
		if col < len(r) {
			out = append(out, r[col])
		} else {
			out = append(out, "")
		}
	}
	return out
}

func TestReportCommand(t *testing.T) {
	data, in, outDir := t.TempDir(), t.TempDir(), t.TempDir()
	// 2020: 乐昌 and 仁化 submitted a 项目支出绩效自评表; 2021: 乐昌 only (the
	// examples).
	reportProjectWorkbook(t, in, "乐昌市民政局", "2020")
	reportProjectWorkbook(t, in, "仁化县民政局", "2020")
	if code, _, errs := cliIn(t, data, "import", reportExamples, in); code != 0 && code != exitFindings {
		t.Fatalf("import: exit %d: %s", code, errs)
	}

	out := filepath.Join(outDir, "summary.xlsx")
	code, stdout, errs := cliIn(t, data, "report", "--template", "national-project", "--year", "2021", "-o", out)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	for _, want := range []string{"summary.xlsx: national-project 2021", "4 份自评表", "未提交 1 个单位", "未提交 missing  仁化县民政局"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	f := openReport(t, out)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"单位汇总", "指标明细", "得分分布", "未提交单位", "部门汇总"}) {
		t.Errorf("sheets = %v", got)
	}
	if got := columnOf(t, f, "单位汇总", 2); !slices.Equal(got, []string{"临时救助", "最低生活保障", "残疾人补贴", "特困人员救助供养"}) {
		t.Errorf("subjects = %v", got)
	}
	if got := columnOf(t, f, "单位汇总", 11); !slices.Equal(got, []string{"优", "优", "优", "优"}) {
		t.Errorf("grades = %v", got)
	}
	if got := columnOf(t, f, "未提交单位", 1); !slices.Equal(got, []string{"仁化县民政局"}) {
		t.Errorf("missing units = %v", got)
	}
	if got := columnOf(t, f, "指标明细", 0); len(got) != 33 {
		t.Errorf("indicator rows = %d, want 33", len(got))
	}

	// The output is never overwritten.
	before, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = cliIn(t, data, "report", "--template", "national-project", "--year", "2021", "-o", out)
	if code != exitFailure || !strings.Contains(errs, "already exists") {
		t.Errorf("existing output: exit %d: %s", code, errs)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(after, before) {
		t.Error("existing output was changed")
	}

	// A units list (here in GBK, as Windows Notepad may save it) instead of
	// the year before; and other grade cut-offs.
	list, err := simplifiedchinese.GBK.NewEncoder().String("# 应提交单位\n乐昌市民政局\r\n\r\n始兴县民政局\n")
	if err != nil {
		t.Fatal(err)
	}
	units := filepath.Join(outDir, "units.txt")
	if err := os.WriteFile(units, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(outDir, "summary2.xlsx")
	code, stdout, errs = cliIn(t, data, "report", "--template", "national-project", "--year", "2021", "--units", units,
		"--grades", "99.8,85,60", "-o", out2)
	if code != 0 || !strings.Contains(stdout, "未提交 missing  始兴县民政局") || strings.Contains(stdout, "仁化县民政局") {
		t.Fatalf("--units: exit %d\n%s%s", code, stdout, errs)
	}
	f2 := openReport(t, out2)
	if got := columnOf(t, f2, "未提交单位", 1); !slices.Equal(got, []string{"始兴县民政局"}) {
		t.Errorf("missing units by list = %v", got)
	}
	if note, _ := f2.GetCellValue("未提交单位", "A2"); !strings.Contains(note, "units.txt") {
		t.Errorf("missing note = %q", note)
	}
	// With 优 at 99.8, 最低生活保障 (99.7) is 良; 100, 100 and 99.9 stay 优.
	if got := columnOf(t, f2, "单位汇总", 11); !slices.Equal(got, []string{"优", "良", "优", "优"}) {
		t.Errorf("grades with 99.8/85/60 = %v", got)
	}

	// LibreOffice opens the report (last: it may skip the test).
	toPDFCLI(t, out)
}

func TestReportCommandErrors(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	out := filepath.Join(dir, "x.xlsx")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--template", "nope", "--year", "2021", "-o", out}, "no such template"},
		{[]string{"report", "--template", "hubei-dept", "-o", out}, "year"},
		{[]string{"report", "--template", "hubei-dept", "--year", "2022"}, "output"},
		{[]string{"report", "--template", "hubei-dept", "--year", "2022", "--grades", "80,90,60", "-o", out}, "--grades"},
		{[]string{"report", "--template", "hubei-dept", "--year", "2022", "--units", filepath.Join(dir, "none.txt"), "-o", out}, "none.txt"},
	} {
		code, _, errs := cliIn(t, data, c.args...)
		if code != exitFailure || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d: %s", c.args, code, errs)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q wrote its output", c.args)
		}
	}
	// A year without submissions: nothing to report, nothing written.
	code, _, errs := cliIn(t, data, "report", "--template", "hubei-dept", "--year", "2022", "-o", out)
	if code != exitFailure || !strings.Contains(errs, "库中没有 hubei-dept 2022 年度的任何提交，未写出") {
		t.Errorf("empty year: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a report without submissions was written")
	}
}

// toPDFCLI converts a report to PDF with LibreOffice headless, as a check
// that it opens outside excelize, and looks for its titles in the PDF's
// text when pdftotext is installed. Without soffice the test is skipped,
// except on CI where it fails.
func toPDFCLI(t *testing.T, xlsx string) {
	t.Helper()
	b, err := os.ReadFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	text := office.ToPDF(t, b, strings.TrimSuffix(filepath.Base(xlsx), filepath.Ext(xlsx)))
	if !office.HasPDFToText() {
		return
	}
	for _, want := range []string{"项目支出绩效自评表汇总", "得分分布", "仁化县民政局"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}

// TestReportBeforeAnySubmission: a department whose units owe the form
// and have sent nothing yet gets its report — the reminder of who is
// missing — rather than an error; with nobody owing anything it is still
// an error.
func TestReportBeforeAnySubmission(t *testing.T) {
	data := t.TempDir()
	roster := writeFile(t, t.TempDir(), "roster.csv", testkit.RosterCSV(testkit.Roster(3)))
	if code, _, errOut := cliIn(t, data, "units", "import", roster); code != 0 {
		t.Fatalf("units import: %d %s", code, errOut)
	}
	out := filepath.Join(t.TempDir(), "r.xlsx")
	if code, _, errOut := cliIn(t, data, "report", "--template", "hubei-dept", "--year", "2022", "--under", "420114100", "-o", out); code != exitFailure || !strings.Contains(errOut, "未写出") {
		t.Errorf("report with no tasks and no submissions: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cliIn(t, data, "tasks", "add", "--template", "hubei-dept", "--year", "2022", "--under", "420114100"); code != 0 {
		t.Fatalf("tasks add: %d %s", code, errOut)
	}
	code, stdout, errOut := cliIn(t, data, "report", "--template", "hubei-dept", "--year", "2022", "--under", "420114100", "-o", out)
	if code != 0 || !strings.Contains(stdout, "未提交 4 个单位") || !strings.Contains(stdout, "武汉市蔡甸区第3中学") {
		t.Fatalf("report of a department before any submission: exit %d\n%s%s", code, stdout, errOut)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no report written: %v", err)
	}
}
