package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

const (
	jiuzhu   = "武汉市蔡甸区救助管理站"
	minzheng = "蔡甸区民政局"
)

// importFiles imports shipped example workbooks (paths under templates/).
func importFiles(t *testing.T, ctx context.Context, svc *jxsync.Service, paths ...string) map[string]*jxsync.ImportResult {
	t.Helper()
	out := map[string]*jxsync.ImportResult{}
	for _, p := range paths {
		r, err := svc.Import(ctx, filepath.Base(p), testkit.Example(t, p), "test")
		if err != nil || r.Revision == 0 {
			t.Fatalf("import %s: %+v %v", p, r, err)
		}
		out[r.Unit] = r
	}
	return out
}

// summary shows results without their workbook bytes.
func summary(rs []jxsync.RegenResult) string {
	var b strings.Builder
	for _, r := range rs {
		rev := int64(0)
		if r.Revision != nil {
			rev = r.Revision.ID
		}
		fmt.Fprintf(&b, "\n  %s %d %s %s→%s revision %d, %d bytes, notes %q, err %v", r.Unit, r.Year, r.Template, r.From, r.To,
			rev, len(r.Data), r.Notes, r.Err)
	}
	return b.String()
}

func byUnit(rs []jxsync.RegenResult) map[string]*jxsync.RegenResult {
	m := map[string]*jxsync.RegenResult{}
	for i := range rs {
		m[rs[i].Unit] = &rs[i]
	}
	return m
}

// indicatorRows lists a result's indicator rows over all goals as
// level3|target|actual.
func indicatorRows(res *mapping.Result) []string {
	var out []string
	for _, g := range res.Blocks["goals"] {
		for _, r := range g.Tables["indicators"] {
			out = append(out, r.Value("level3").Raw+"|"+r.Value("target").Raw+"|"+r.Value("actual").Raw)
		}
	}
	return out
}

func TestRegenerateOntoNewVersion(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	svc := testkit.Service(t)
	imported := importFiles(t, ctx, svc, "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx",
		"hubei-dept/2022/examples/caidian-minzheng-2022.xlsx", "national-dept/2024/examples/zhuzhou-jiuzhu-2024.xlsx")

	var calls []int
	rs, err := svc.Regenerate(ctx, "hubei-dept@2023", 0, nil, func(done, total int, r *jxsync.RegenResult) {
		if total != 2 || r == nil {
			t.Errorf("progress(%d, %d, %v)", done, total, r)
		}
		calls = append(calls, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || len(calls) != 2 || calls[1] != 2 {
		t.Fatalf("%d results, progress %v; want the 2 hubei-dept submissions", len(rs), calls)
	}
	got := byUnit(rs)
	for _, unit := range []string{jiuzhu, minzheng} {
		r := got[unit]
		if r == nil {
			t.Fatalf("no result for %s", unit)
		}
		if r.Err != nil {
			t.Fatalf("%s: %v", unit, r.Err)
		}
		src, _ := svc.Records.Data(ctx, imported[unit].Revision)
		if r.Year != 2022 || r.Template != "hubei-dept" || r.From != "2022" || r.To != "2023" || r.Revision.ID != imported[unit].Revision {
			t.Errorf("%s:%s", unit, summary([]jxsync.RegenResult{*r}))
		}
		if want := unit + "-2022-hubei-dept-2023.xlsx"; r.FileName() != want {
			t.Errorf("file name %q, want %q", r.FileName(), want)
		}
		// The header's unit name has no place on the 2023 form.
		if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "header_unit") || !strings.Contains(r.Notes[0], "dropped") {
			t.Errorf("%s notes: %q", unit, r.Notes)
		}

		// The workbook opens as the 2023 form, with the stored values in
		// their new places and the submission's identity.
		res, err := svc.Extract(r.FileName(), r.Data, "")
		if err != nil {
			t.Fatalf("%s: read back: %v", unit, err)
		}
		if res.Template != "hubei-dept" || res.Version != "2023" || len(res.Problems) != 0 {
			t.Errorf("%s: read back as %s@%s, problems %+v", unit, res.Template, res.Version, res.Problems)
		}
		for _, name := range []string{"unit_name", "budget", "spent", "rate", "basic_total", "project_total", "deviation_reason"} {
			if res.Fields[name].Raw != src.Fields[name].Raw {
				t.Errorf("%s: %s = %q, stored %q", unit, name, res.Fields[name].Raw, src.Fields[name].Raw)
			}
		}
		if res.Fields["measures"].Raw != src.Fields["improvement"].Raw || res.Fields["contact"].Raw != "" ||
			res.Fields["budget_weight"].Raw != "10" || res.Fields["total_weight"].Raw != "100" || !res.Fields["budget_score"].Empty() {
			t.Errorf("%s: measures %q (improvement %q), contact %q, budget 分值 %q, 总分 分值 %q, budget 得分 %q", unit,
				res.Fields["measures"].Raw, src.Fields["improvement"].Raw, res.Fields["contact"].Raw,
				res.Fields["budget_weight"].Raw, res.Fields["total_weight"].Raw, res.Fields["budget_score"].Raw)
		}
		if a, b := strings.Join(indicatorRows(res), "\n"), strings.Join(indicatorRows(src), "\n"); a != b || a == "" {
			t.Errorf("%s: indicators\n%s\nstored\n%s", unit, a, b)
		}
		if len(res.Blocks["goals"]) != len(src.Blocks["goals"]) {
			t.Errorf("%s: %d goals, stored %d", unit, len(res.Blocks["goals"]), len(src.Blocks["goals"]))
		}
		if u, y, _ := findTemplate(t, svc, "hubei-dept@2023").Who(res); u != unit || y != 2022 {
			t.Errorf("%s: read back as %s %d", unit, u, y)
		}
		want := map[string]string{
			mapping.PropTemplate: "hubei-dept", mapping.PropVersion: "2023", mapping.PropUnit: unit, mapping.PropYear: "2022",
			mapping.PropSubmission: strconv.FormatInt(r.Revision.SubmissionID, 10), mapping.PropRevision: strconv.FormatInt(r.Revision.ID, 10),
		}
		for k, v := range want {
			if res.Props[k] != v {
				t.Errorf("%s: property %s = %q, want %q", unit, k, res.Props[k], v)
			}
		}
	}

	// Filters: year, unit, template.
	if rs, err := svc.Regenerate(ctx, "hubei-dept@2023", 2021, nil, nil); err != nil || len(rs) != 0 {
		t.Errorf("year 2021: %d results, %v", len(rs), err)
	}
	if rs, err := svc.Regenerate(ctx, "hubei-dept@2023", 2022, []string{minzheng}, nil); err != nil || len(rs) != 1 || rs[0].Unit != minzheng {
		t.Errorf("unit filter: %s, %v", summary(rs), err)
	}
	if _, err := svc.Regenerate(ctx, "hubei-dept@2030", 0, nil, nil); err == nil {
		t.Error("an unknown version regenerated")
	}
	// The latest version is the default; the stored version itself is
	// exported as it is.
	if rs, err := svc.Regenerate(ctx, "hubei-dept", 0, []string{jiuzhu}, nil); err != nil || len(rs) != 1 || rs[0].To != "2023" {
		t.Errorf("hubei-dept: %s, %v", summary(rs), err)
	}
	if rs, err := svc.Regenerate(ctx, "hubei-dept@2022", 0, []string{jiuzhu}, nil); err != nil || len(rs) != 1 || rs[0].Err != nil ||
		rs[0].From != "2022" || rs[0].To != "2022" || len(rs[0].Notes) != 0 {
		t.Errorf("hubei-dept@2022: %s, %v", summary(rs), err)
	}
}

func findTemplate(t *testing.T, svc *jxsync.Service, ref string) *mapping.Template {
	t.Helper()
	tpl, err := mapping.Find(svc.Templates, ref)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// TestRegeneratedReimport uploads a regenerated workbook, filled in: it is a
// new revision (of the new version) of the same submission, and a second
// regeneration starts from it.
func TestRegeneratedReimport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	svc := testkit.Service(t)
	imported := importFiles(t, ctx, svc, "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx")
	first := imported[jiuzhu]
	rs, err := svc.Regenerate(ctx, "hubei-dept@2023", 2022, []string{jiuzhu}, nil)
	if err != nil || len(rs) != 1 || rs[0].Err != nil {
		t.Fatalf("regenerate: %s %v", summary(rs), err)
	}
	// The unit fills in its 联系人 and types its name without the city: the
	// identity properties tie the upload to the submission, its cells
	// still name the same unit.
	filled := editCells(t, rs[0].Data, map[string]string{"B3": "蔡甸区救助管理站", "B4": "王某"})
	r, err := svc.Import(ctx, rs[0].FileName(), filled, "test")
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != store.OutcomeUpdated && r.Outcome != jxsync.OutcomeRejected || r.Revision == first.Revision || r.Version != "2023" {
		t.Fatalf("re-import: %+v", r)
	}
	rev, err := svc.Records.Revision(ctx, r.Revision)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := svc.Records.Revision(ctx, first.Revision)
	if rev.SubmissionID != src.SubmissionID || rev.Seq != 2 || rev.TemplateVersion != "2023" {
		t.Errorf("re-imported revision: submission %d seq %d version %s; source submission %d", rev.SubmissionID, rev.Seq,
			rev.TemplateVersion, src.SubmissionID)
	}
	hist, err := svc.Records.History(ctx, jiuzhu)
	if err != nil || len(hist) != 2 || hist[0].TemplateVersion != "2022" || hist[1].TemplateVersion != "2023" {
		t.Errorf("history: %+v %v", hist, err)
	}
	if _, err := svc.Records.History(ctx, "蔡甸区救助管理站"); err == nil {
		t.Error("the upload made a submission of the unit name it typed")
	}
	again, err := svc.Regenerate(ctx, "hubei-dept@2023", 2022, nil, nil)
	if err != nil || len(again) != 1 || again[0].Err != nil || again[0].From != "2023" || again[0].Revision.ID != r.Revision ||
		len(again[0].Notes) != 0 {
		t.Errorf("regenerate again: %s %v", summary(again), err)
	}
}

// editCells sets cells of a workbook's first sheet, as a person filling it
// in would.
func editCells(t *testing.T, data []byte, cells map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	for c, v := range cells {
		if err := f.SetCellStr(sheet, c, v); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRevalidate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	svc := testkit.Service(t)
	importFiles(t, ctx, svc, "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx", "hubei-dept/2022/examples/caidian-minzheng-2022.xlsx")
	rs, err := svc.Revalidate(ctx, "hubei-dept@2023", 2022)
	if err != nil || len(rs) != 2 {
		t.Fatalf("revalidate: %d results, %v", len(rs), err)
	}
	for _, r := range rs {
		if r.Err != nil || r.Report == nil {
			t.Fatalf("%s: %v", r.Unit, r.Err)
		}
		if r.Report.Template != "hubei-dept" || r.Report.Version != "2023" || r.Report.Errors == 0 {
			t.Errorf("%s: report %s@%s with %d errors", r.Unit, r.Report.Template, r.Report.Version, r.Report.Errors)
		}
		has := func(rule, cell string) bool {
			for _, f := range r.Report.Findings {
				if f.Rule == rule && (cell == "" || f.Cell == cell) {
					return true
				}
			}
			return false
		}
		// The new required field, the budget's 得分, the first row's 分值
		// and 得分 and the 总分: at their cells on the 2023 form.
		for _, c := range []string{"B4", "H7", "G10", "H10"} {
			if !has("required", c) {
				t.Errorf("%s: no required finding at %s:%s", r.Unit, c, findingList(r.Report.Findings))
			}
		}
		if has("budget-score", "") || has("full-score", "") {
			t.Errorf("%s: a check ran on an empty 得分 or on the default 分值:%s", r.Unit, findingList(r.Report.Findings))
		}
	}
	// 救助管理站 missed a target; 2022 took the form's reason (无, an error
	// already), 2023 wants the row's own.
	jz := rs[0]
	if jz.Unit != jiuzhu {
		jz = rs[1]
	}
	found := false
	for _, f := range jz.Report.Findings {
		if f.Rule == "target-missed-reason" && f.Cell == "I10" && f.Severity == mapping.SeverityError {
			found = true
		}
	}
	if !found {
		t.Errorf("no target-missed-reason at I10:%s", findingList(jz.Report.Findings))
	}
	if rs, err := svc.Revalidate(ctx, "hubei-dept@2023", 2019); err != nil || len(rs) != 0 {
		t.Errorf("year 2019: %d results, %v", len(rs), err)
	}
}

func findingList(fs []mapping.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  " + f.Rule + "@" + f.Cell + ":" + f.Severity + " " + f.Message)
	}
	return b.String()
}

func TestRegenerateWithoutStoredData(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	hash, err := svc.Blobs.Put(ctx, []byte("not kept"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.Records.AddRevisions(ctx, []*store.NewRevision{{Unit: "无数据单位", TemplateID: "hubei-dept", TemplateVersion: "2022",
		Year: 2022, BlobHash: hash, FileName: "x.xlsx", Size: 8, UploadedBy: "test", Status: store.StatusRejected}})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := svc.Regenerate(ctx, "hubei-dept@2023", 0, nil, nil)
	if err != nil || len(rs) != 1 || rs[0].Err == nil || rs[0].Data != nil || !strings.Contains(rs[0].Err.Error(), "no stored data") {
		t.Errorf("regenerate: %s %v", summary(rs), err)
	}
}

// TestUpgradeChain carries data over two versions and refuses to go back.
func TestUpgradeChain(t *testing.T) {
	load := func(version, upgrade string) *mapping.Template {
		tpl, err := mapping.Load("c.yaml", []byte(`
id: c
version: "`+version+`"
detect: [单位]
`+upgrade+`
fields:
  - {name: unit, label: 单位}
  - {name: `+map[string]string{"1": "a", "2": "b", "3": "c"}[version]+`, label: 甲}
  - {name: gone`+version+`, label: 乙}
`))
		if err != nil {
			t.Fatal(err)
		}
		return tpl
	}
	v1 := load("1", "")
	v2 := load("2", "upgrade: {from: \"1\", renamed: {b: a}, dropped: [gone1]}")
	v3 := load("3", "upgrade: {from: \"2\", renamed: {c: b}, defaults: {gone3: 新}}")
	ts := []*mapping.Template{v3, v1, v2}
	res := &mapping.Result{Template: "c", Version: "1", Fields: map[string]mapping.Value{
		"unit": {Type: mapping.TypeText, Raw: "单位甲", Text: "单位甲"}, "a": {Type: mapping.TypeText, Raw: "值", Text: "值"},
		"gone1": {Type: mapping.TypeText, Raw: "旧", Text: "旧"},
	}}
	out, notes, err := jxsync.Upgrade(ts, res, v3)
	if err != nil {
		t.Fatal(err)
	}
	if out.Version != "3" || out.Fields["c"].Raw != "值" || out.Fields["unit"].Raw != "单位甲" || out.Fields["gone3"].Raw != "新" {
		t.Errorf("upgraded: %+v", out)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "gone1") {
		t.Errorf("notes %q, want gone1 dropped", notes)
	}
	if _, _, err := jxsync.Upgrade(ts, out, v1); err == nil || !strings.Contains(err.Error(), "no upgrade path from version 3") {
		t.Errorf("3 → 1: %v", err)
	}
	if _, _, err := jxsync.Upgrade(ts[:1], res, v3); err == nil {
		t.Error("upgraded without version 2")
	}
}
