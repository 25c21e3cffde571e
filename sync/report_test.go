package sync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// reportImport imports workbooks (given by bytes, keyed by file name).
func reportImport(t *testing.T, svc *jxsync.Service, name string, data []byte) *jxsync.ImportResult {
	t.Helper()
	ir, err := svc.Import(context.Background(), name, data, "test")
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return ir
}

// reportExamples imports the example workbooks shipped with the templates.
func reportExamples(t *testing.T, svc *jxsync.Service) {
	t.Helper()
	paths, err := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if err != nil || len(paths) < 8 {
		t.Fatalf("examples: %v %v", paths, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		reportImport(t, svc, filepath.Base(p), b)
	}
}

// projectWorkbook builds a 项目支出绩效自评表 (national-project@2020, the
// 最低生活保障 example) of unit, year and project; edit changes it further.
func projectWorkbook(t *testing.T, unit, year, project string, edit func(d *template.Data)) []byte {
	t.Helper()
	return testkit.ProjectWorkbook(t, unit, year, func(d *template.Data) {
		d.Fields["project_name"] = project
		if edit != nil {
			edit(d)
		}
	})
}

func unitRowOf(t *testing.T, sum *jxsync.Summary, unit, subject string) jxsync.UnitRow {
	t.Helper()
	for _, u := range sum.Units {
		if u.Unit == unit && u.Subject == subject {
			return u
		}
	}
	t.Fatalf("no unit row %s/%s in %+v", unit, subject, sum.Units)
	return jxsync.UnitRow{}
}

func indicatorOf(t *testing.T, sum *jxsync.Summary, unit, level3 string) jxsync.IndicatorRow {
	t.Helper()
	for _, r := range sum.Indicators {
		if r.Unit == unit && r.Level3 == level3 {
			return r
		}
	}
	t.Fatalf("no indicator %s/%s", unit, level3)
	return jxsync.IndicatorRow{}
}

func eqNum(p *float64, want float64) bool { return p != nil && *p == want }

func TestSummaryOfExamples(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	reportExamples(t, svc)

	// national-project 2021: four projects of one unit, all valid.
	sum, err := svc.Summary(ctx, "national-project", 2021, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Template != "national-project" || sum.TemplateTitle != "项目支出绩效自评表" || sum.Year != 2021 || sum.Grades != jxsync.DefaultGrades {
		t.Errorf("summary head = %q %q %d %+v", sum.Template, sum.TemplateTitle, sum.Year, sum.Grades)
	}
	var subjects []string
	for _, u := range sum.Units {
		subjects = append(subjects, u.Subject)
	}
	if len(sum.Units) != 4 || !slices.IsSorted(subjects) {
		t.Fatalf("units = %+v", sum.Units)
	}
	u := unitRowOf(t, sum, "乐昌市民政局", "最低生活保障")
	if u.Status != store.StatusValid || u.Errors != 0 || u.Warnings != 0 || u.Revision == 0 || u.Seq != 1 || u.Version != "2020" ||
		!eqNum(u.Budget, 4623.33) || !eqNum(u.Spent, 4623.33) || !eqNum(u.Rate, 100) || !eqNum(u.Score, 99.7) || u.Grade != "优" {
		t.Errorf("最低生活保障 row = %+v", u)
	}
	if len(sum.Indicators) != 33 {
		t.Errorf("indicators = %d, want 33", len(sum.Indicators))
	}
	ir := indicatorOf(t, sum, "乐昌市民政局", "低保动态管理信息报送准确率")
	if ir.Subject != "最低生活保障" || ir.Level1 != "产出指标" || ir.Level2 != "质量指标" || ir.Target != "≥95%" || ir.Actual != "90%" ||
		ir.Met == nil || *ir.Met || !eqNum(ir.Weight, 5) || !eqNum(ir.Score, 4.7) || ir.Revision != u.Revision {
		t.Errorf("indicator = %+v", ir)
	}
	if len(sum.Missing) != 0 || !strings.Contains(sum.ExpectedFrom, "2020") {
		t.Errorf("missing = %v (expected from %q)", sum.Missing, sum.ExpectedFrom)
	}

	// hubei-dept 2022: no 总分, so no grade; a rejected file is summarised
	// like the others; indicators carry their 年度目标.
	sum, err = svc.Summary(ctx, "hubei-dept", 2022, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Units) != 2 {
		t.Fatalf("units = %+v", sum.Units)
	}
	u = unitRowOf(t, sum, "武汉市蔡甸区救助管理站", "")
	if u.Status != store.StatusRejected || u.Errors != 1 || !eqNum(u.Budget, 110.36) || !eqNum(u.Spent, 110.36) ||
		!eqNum(u.Rate, 100) || u.Score != nil || u.Grade != "" {
		t.Errorf("救助管理站 row = %+v", u)
	}
	u = unitRowOf(t, sum, "蔡甸区民政局", "")
	if u.Status != store.StatusWarnings || !eqNum(u.Budget, 23367) {
		t.Errorf("民政局 row = %+v", u)
	}
	ir = indicatorOf(t, sum, "武汉市蔡甸区救助管理站", "流浪乞讨救助人次")
	if ir.Met == nil || *ir.Met || ir.Target != "100人次" || ir.Actual != "38人次" || !strings.HasPrefix(ir.Goal, "一、全面提高") || ir.Weight != nil {
		t.Errorf("indicator = %+v", ir)
	}
	if len(sum.Indicators) != 44 {
		t.Errorf("indicators = %d, want 44", len(sum.Indicators))
	}
	counts, ungraded := sum.GradeCounts()
	if !slices.Equal(counts, []int{0, 0, 0, 0}) || ungraded != 2 {
		t.Errorf("grade counts = %v, %d", counts, ungraded)
	}

	// minsheng-score 2020: a scoring table without targets; no budget.
	sum, err = svc.Summary(ctx, "minsheng-score", 2020, nil)
	if err != nil {
		t.Fatal(err)
	}
	u = unitRowOf(t, sum, "裕安区民政局", "")
	if u.Budget != nil || u.Rate != nil || !eqNum(u.Score, 95) || u.Grade != "优" {
		t.Errorf("minsheng row = %+v", u)
	}
	if len(sum.Indicators) == 0 || sum.Indicators[0].Met != nil || sum.Indicators[0].Weight == nil {
		t.Errorf("minsheng indicators = %+v", sum.Indicators)
	}

	// national-dept 2024: rejected, 总分 99.2.
	sum, err = svc.Summary(ctx, "national-dept", 2024, nil)
	if err != nil {
		t.Fatal(err)
	}
	u = unitRowOf(t, sum, "株洲市救助管理站", "")
	if u.Status != store.StatusRejected || !eqNum(u.Score, 99.2) || u.Grade != "优" || u.Budget == nil || u.Rate == nil {
		t.Errorf("national-dept row = %+v", u)
	}

	// A year without submissions is an empty summary.
	sum, err = svc.Summary(ctx, "national-project", 2030, nil)
	if err != nil || len(sum.Units) != 0 || len(sum.Indicators) != 0 || len(sum.Missing) != 0 {
		t.Errorf("empty year: %+v, %v", sum, err)
	}

	// The reporter lays a summary out.
	out, err := svc.Report(sum)
	if err != nil || len(out) == 0 {
		t.Errorf("report: %d bytes, %v", len(out), err)
	}
}

func TestSummaryMissingAndGrades(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	reportExamples(t, svc)
	// 2020: 乐昌 and 仁化 submitted; 2021: 乐昌 (the examples) and 南雄, whose
	// 总分 85 does not add up (rejected) but is graded all the same.
	reportImport(t, svc, "lechang-2020.xlsx", projectWorkbook(t, "乐昌市民政局", "2020", "最低生活保障", nil))
	reportImport(t, svc, "renhua-2020.xlsx", projectWorkbook(t, "仁化县民政局", "2020", "最低生活保障", nil))
	ir := reportImport(t, svc, "nanxiong-2021.xlsx", projectWorkbook(t, "南雄市民政局", "2021", "最低生活保障", func(d *template.Data) {
		d.Fields["total_score"] = "85"
	}))
	if ir.Outcome != jxsync.OutcomeRejected {
		t.Fatalf("南雄 import = %+v", ir)
	}
	reportImport(t, svc, "shaoguan-2021.xlsx", projectWorkbook(t, "韶关市民政局", "2021", "最低生活保障", func(d *template.Data) {
		d.Fields["total_score"] = "59.9"
	}))

	sum, err := svc.Summary(ctx, "national-project", 2021, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Missing, []string{"仁化县民政局"}) || !strings.Contains(sum.ExpectedFrom, "2020") {
		t.Errorf("missing by the year before = %v (%s)", sum.Missing, sum.ExpectedFrom)
	}
	if u := unitRowOf(t, sum, "南雄市民政局", "最低生活保障"); !eqNum(u.Score, 85) || u.Grade != "良" || u.Status != store.StatusRejected {
		t.Errorf("南雄 = %+v", u)
	}
	if u := unitRowOf(t, sum, "韶关市民政局", "最低生活保障"); u.Grade != "差" {
		t.Errorf("韶关 = %+v", u)
	}
	counts, ungraded := sum.GradeCounts()
	if !slices.Equal(counts, []int{4, 1, 0, 1}) || ungraded != 0 {
		t.Errorf("grade counts = %v, %d", counts, ungraded)
	}

	// A units list: names compared trimmed and width-folded, each listed once,
	// in the list's order.
	sum, err = svc.Summary(ctx, "national-project", 2021, []string{"乐平县民政局", " 乐昌市民政局 ", "", "南雄市民政局", "始兴县民政局", "乐平县民政局"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Missing, []string{"乐平县民政局", "始兴县民政局"}) || sum.ExpectedFrom != "单位名单" {
		t.Errorf("missing by list = %v (%s)", sum.Missing, sum.ExpectedFrom)
	}
	// An empty list expects nobody.
	if sum, err = svc.Summary(ctx, "national-project", 2021, []string{}); err != nil || len(sum.Missing) != 0 {
		t.Errorf("empty list: %v %v", sum.Missing, err)
	}
	// 2020 has no year before it: nothing is missing.
	if sum, err = svc.Summary(ctx, "national-project", 2020, nil); err != nil || len(sum.Missing) != 0 || len(sum.Units) != 2 {
		t.Errorf("2020: %+v %v", sum, err)
	}

	// Other cut-offs.
	sum, _ = svc.Summary(ctx, "national-project", 2021, nil)
	if err := sum.Regrade(jxsync.GradeScale{Excellent: 99.8, Good: 85, Pass: 59}); err != nil {
		t.Fatal(err)
	}
	if u := unitRowOf(t, sum, "乐昌市民政局", "最低生活保障"); u.Grade != "良" {
		t.Errorf("99.7 with 优 at 99.8 = %q", u.Grade)
	}
	if u := unitRowOf(t, sum, "韶关市民政局", "最低生活保障"); u.Grade != "中" {
		t.Errorf("59.9 with 中 at 59 = %q", u.Grade)
	}
	if err := sum.Regrade(jxsync.GradeScale{Excellent: 80, Good: 90, Pass: 60}); err == nil {
		t.Error("cut-offs out of order accepted")
	}
}

func TestGradeScale(t *testing.T) {
	g := jxsync.DefaultGrades
	for _, c := range []struct {
		score float64
		want  string
	}{{100, "优"}, {90, "优"}, {89.99, "良"}, {80, "良"}, {79.9, "中"}, {60, "中"}, {59.99, "差"}, {0, "差"}} {
		if got := g.Grade(&c.score); got != c.want {
			t.Errorf("Grade(%v) = %q, want %q", c.score, got, c.want)
		}
	}
	if got := g.Grade(nil); got != "" {
		t.Errorf("Grade(nil) = %q", got)
	}
}

func TestSummaryErrors(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	if _, err := svc.Summary(ctx, "nope", 2021, nil); !errors.Is(err, mapping.ErrNoTemplate) {
		t.Errorf("unknown template: %v", err)
	}
	if _, err := svc.Summary(ctx, "", 2021, nil); !errors.Is(err, mapping.ErrNoTemplate) {
		t.Errorf("no template: %v", err)
	}
	if _, err := svc.Summary(ctx, "hubei-dept@2022", 2022, nil); err == nil || !strings.Contains(err.Error(), "@VERSION") {
		t.Errorf("versioned ref: %v", err)
	}
	if _, err := svc.Summary(ctx, "hubei-dept", 0, nil); err == nil {
		t.Error("year 0 accepted")
	}
	if _, err := (&jxsync.Service{}).Report(&jxsync.Summary{}); err == nil {
		t.Error("report without a reporter")
	}
}
