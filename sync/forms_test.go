package sync_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

const deptUnit = "乐昌市民政局"

// TestSeveralFormsOneWorkbook imports a department's workbook holding a
// 填表说明 sheet, its 部门整体 form and two 项目 forms: three revisions of
// three submissions, one original; the instructions sheet is skipped.
func TestSeveralFormsOneWorkbook(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	data := testkit.DepartmentBundle(t, deptUnit, nil)

	reps, err := svc.ValidateForms("dept.xlsx", data, jxsync.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reps {
		got = append(got, r.Sheet+"="+r.Template)
		for _, f := range r.Findings {
			if f.Sheet != r.Sheet {
				t.Errorf("finding of sheet %s reported on %s: %+v", r.Sheet, f.Sheet, f)
			}
		}
	}
	if strings.Join(got, ",") != "部门整体=hubei-dept,项目1 低保=national-project,项目2 残疾人=national-project" {
		t.Fatalf("forms: %v", got)
	}

	rs, err := svc.ImportFile(ctx, "dept.xlsx", data, jxsync.ImportOptions{By: "test"})
	if err != nil || len(rs) != 3 {
		t.Fatalf("import: %d results, %v", len(rs), err)
	}
	subjects := map[string]bool{}
	for _, r := range rs {
		if r.Revision == 0 || r.Unit != deptUnit || r.Year != 2022 || r.Outcome == jxsync.OutcomeFailed {
			t.Errorf("form %s: %+v", r.Sheet, r)
		}
		rev, err := svc.Records.Revision(ctx, r.Revision)
		if err != nil || rev.Sheet != r.Sheet || rev.BlobHash != store.Hash(data) {
			t.Errorf("revision of %s: %+v %v", r.Sheet, rev, err)
		} else {
			subjects[rev.TemplateID+"/"+rev.Subject] = true
		}
	}
	if len(subjects) != 3 {
		t.Errorf("want 3 submissions, got %v", subjects)
	}
	if n := testkit.QueryInt(t, svc.Records, `SELECT count(DISTINCT blob_hash) FROM revisions`); n != 1 {
		t.Errorf("%d blobs for one file", n)
	}

	// The same file again changes nothing.
	again, err := svc.ImportFile(ctx, "dept.xlsx", data, jxsync.ImportOptions{By: "test"})
	if err != nil || len(again) != 3 {
		t.Fatalf("re-import: %v", err)
	}
	for i, r := range again {
		if r.Outcome != store.OutcomeUnchanged || r.Revision != rs[i].Revision {
			t.Errorf("re-import of %s: %+v", r.Sheet, r)
		}
	}

	// A changed file updates only the form that changed.
	changed := testkit.DepartmentBundle(t, deptUnit, func(sheet string, d *template.Data) {
		if sheet == "项目2 残疾人" {
			d.Fields["spent"] = "2000.00"
		}
	})
	upd, err := svc.ImportFile(ctx, "dept-v2.xlsx", changed, jxsync.ImportOptions{By: "test"})
	if err != nil || len(upd) != 3 {
		t.Fatalf("import of the changed file: %v", err)
	}
	for i, r := range upd {
		want := store.OutcomeUnchanged
		if r.Sheet == "项目2 残疾人" {
			want = store.OutcomeUpdated
		}
		if r.Outcome != want && !(want == store.OutcomeUpdated && r.Outcome == jxsync.OutcomeRejected) {
			t.Errorf("changed file, form %s: outcome %s, want %s (%s)", r.Sheet, r.Outcome, want, r.FirstError)
		}
		if want == store.OutcomeUnchanged && r.Revision != rs[i].Revision {
			t.Errorf("changed file, unchanged form %s: revision %d, want %d", r.Sheet, r.Revision, rs[i].Revision)
		}
	}
	if n := testkit.QueryInt(t, svc.Records, `SELECT count(*) FROM revisions`); n != 4 {
		t.Errorf("%d revisions, want 4", n)
	}
}

// TestOnlyInstructionsIsNoForm: a workbook of a 填表说明 sheet alone is an
// unknown form that names what it lacks.
func TestOnlyInstructionsIsNoForm(t *testing.T) {
	svc := testkit.Service(t)
	data := testkit.Bundle(t, testkit.InstructionsPart())
	_, err := svc.ValidateForms("说明.xlsx", data, jxsync.ReadOptions{})
	var de *mapping.DetectError
	if !errors.As(err, &de) || !errors.Is(err, mapping.ErrUnknownTemplate) || !strings.Contains(err.Error(), "无法识别模板") ||
		!strings.Contains(err.Error(), "缺少标签") {
		t.Fatalf("instructions alone: %v", err)
	}
}

// TestSheetOption reads one named sheet, and names the sheets there are when
// it is not one of them.
func TestSheetOption(t *testing.T) {
	svc := testkit.Service(t)
	data := testkit.DepartmentBundle(t, deptUnit, nil)
	forms, err := svc.ExtractForms("dept.xlsx", data, jxsync.ReadOptions{Sheet: "项目2 残疾人"})
	if err != nil || len(forms) != 1 || forms[0].Sheet != "项目2 残疾人" || forms[0].Template != "national-project" {
		t.Fatalf("--sheet: %v %v", forms, err)
	}
	_, err = svc.ExtractForms("dept.xlsx", data, jxsync.ReadOptions{Sheet: "没有"})
	if !errors.Is(err, jxsync.ErrUnreadable) || !strings.Contains(err.Error(), "“项目1 低保”") {
		t.Fatalf("unknown sheet: %v", err)
	}
	// A forced template reads only the sheets of that form.
	forms, err = svc.ExtractForms("dept.xlsx", data, jxsync.ReadOptions{Template: "national-project"})
	if err != nil || len(forms) != 2 {
		t.Fatalf("--template national-project: %d forms, %v", len(forms), err)
	}
}

// TestDuplicateFormSheet: a sheet repeating an earlier sheet's submission is
// reported, not stored over it.
func TestDuplicateFormSheet(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	part := testkit.ExamplePart(t, "national-project/2020/examples/lechang-dibao-2021.yaml", "低保", nil)
	copyPart := part
	copyPart.Name = "低保 (2)"
	rs, err := svc.ImportFile(ctx, "twice.xlsx", testkit.Bundle(t, part, copyPart), jxsync.ImportOptions{By: "test"})
	if err != nil || len(rs) != 2 {
		t.Fatalf("import: %v", err)
	}
	if rs[0].Revision == 0 || rs[1].Outcome != jxsync.OutcomeDuplicate || rs[1].Revision != 0 || !strings.Contains(rs[1].FirstError, "“低保”") {
		t.Fatalf("duplicate sheet: %+v / %+v", rs[0], rs[1])
	}
}

// TestAgencyUploadOfAnotherUnitsSheet: one sheet of another unit refuses
// the whole upload, naming that sheet; nothing is stored.
func TestAgencyUploadOfAnotherUnitsSheet(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	agency := &store.User{Name: "lechang", Role: store.RoleAgency, Unit: deptUnit}
	data := testkit.DepartmentBundle(t, deptUnit, func(sheet string, d *template.Data) {
		if sheet == "项目2 残疾人" {
			d.Fields["implementer"] = "乐昌市残疾人联合会"
		}
	})
	_, _, err := svc.Upload(ctx, agency, "dept.xlsx", data)
	if !errors.Is(err, jxsync.ErrForbidden) || !strings.Contains(err.Error(), "项目2 残疾人") {
		t.Fatalf("upload with another unit's sheet: %v", err)
	}
	if n := testkit.QueryInt(t, svc.Records, `SELECT count(*) FROM revisions`); n != 0 {
		t.Errorf("%d revisions stored of a refused upload", n)
	}
	// Its own forms only: every form stored.
	irs, reps, err := svc.Upload(ctx, agency, "dept.xlsx", testkit.DepartmentBundle(t, deptUnit, nil))
	if err != nil || len(irs) != 3 || len(reps) != 3 {
		t.Fatalf("own upload: %d results, %v", len(irs), err)
	}
}

// TestUnidentifiedListed: a form whose unit cannot be read is stored and
// listed, for bureau staff and for the agency that uploaded it only.
func TestUnidentifiedListed(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	noUnit := testkit.HubeiWorkbook(t, "", nil)
	a := &store.User{Name: "a", Role: store.RoleAgency, Unit: "甲单位"}
	b := &store.User{Name: "b", Role: store.RoleAgency, Unit: "乙单位"}
	bureau := &store.User{Name: "cz", Role: store.RoleBureau}
	irs, _, err := svc.Upload(ctx, a, "无单位.xlsx", noUnit)
	if err != nil || len(irs) != 1 || irs[0].Revision == 0 || irs[0].Unit != "" || irs[0].Outcome != jxsync.OutcomeRejected {
		t.Fatalf("upload without unit: %+v %v", irs, err)
	}
	for _, c := range []struct {
		u    *store.User
		want int
	}{{a, 1}, {b, 0}, {bureau, 1}} {
		revs, err := svc.Unidentified(ctx, c.u)
		if err != nil || len(revs) != c.want {
			t.Errorf("unidentified for %s: %d, want %d (%v)", c.u.Name, len(revs), c.want, err)
		}
	}
	rev, err := svc.Records.Revision(ctx, irs[0].Revision)
	if err != nil {
		t.Fatal(err)
	}
	if !jxsync.CanSee(a, rev) || jxsync.CanSee(b, rev) || !jxsync.CanSee(bureau, rev) {
		t.Errorf("who sees the unidentified revision: a %v b %v bureau %v", jxsync.CanSee(a, rev), jxsync.CanSee(b, rev), jxsync.CanSee(bureau, rev))
	}
	unit, year, err := svc.TypedIdentity(ctx, rev)
	if err != nil || unit != "（空）" || year != "2022" {
		t.Errorf("typed identity: %q %q %v", unit, year, err)
	}
}

// TestSameUnit compares unit names as typed.
func TestSameUnit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"武汉市蔡甸区救助管理站", "武汉市蔡甸区救助管理站", true},
		{"武汉市蔡甸区救助管理站", " 武汉市 蔡甸区救助管理站", true},
		{"蔡甸区救助管理站", "武汉市蔡甸区救助管理站", true},
		{"湖北省武汉市蔡甸区救助管理站", "蔡甸区救助管理站", true},
		{"蔡甸区民政局", "武汉市蔡甸区救助管理站", false},
		{"民政局", "乐昌市民政局", false},
		{"", "", false},
		{"甲单位", "", false},
	} {
		if got := jxsync.SameUnit(c.a, c.b); got != c.want {
			t.Errorf("SameUnit(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestGeneratedWorkbookOfAnotherUnit: a workbook jxsync generated whose unit
// cell now names another unit is not filed under the submission its
// properties name. Its cells decide: a conflict, nothing stored; forced, it
// is stored as the other unit's form with a warning.
func TestGeneratedWorkbookOfAnotherUnit(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	first, err := svc.Import(ctx, "jiuzhu.xlsx", testkit.HubeiWorkbook(t, "武汉市蔡甸区救助管理站", nil), "test")
	if err != nil || first.Revision == 0 {
		t.Fatalf("import: %+v %v", first, err)
	}
	gen, _, err := svc.Export(ctx, first.Revision)
	if err != nil {
		t.Fatal(err)
	}
	other := regenerateWith(t, svc, gen, func(res *mapping.Result) {
		for _, name := range []string{"unit_name", "header_unit"} {
			v := res.Fields[name]
			v.Raw = "蔡甸区民政局"
			res.Fields[name] = v
		}
	})
	for _, by := range []string{"import", "bureau"} {
		var r *jxsync.ImportResult
		if by == "bureau" {
			irs, _, err := svc.Upload(ctx, &store.User{Name: "cz", Role: store.RoleBureau}, "gen.xlsx", other)
			if err != nil || len(irs) != 1 {
				t.Fatalf("bureau upload: %v", err)
			}
			r = irs[0]
		} else if r, err = svc.Import(ctx, "gen.xlsx", other, by); err != nil {
			t.Fatal(err)
		}
		if r.Outcome != jxsync.OutcomeConflict || r.Revision != 0 || !strings.Contains(r.FirstError, "蔡甸区民政局") ||
			!strings.Contains(r.FirstError, "武汉市蔡甸区救助管理站") {
			t.Errorf("%s: generated workbook of another unit: %+v", by, r)
		}
	}
	if n := testkit.QueryInt(t, svc.Records, `SELECT count(*) FROM revisions`); n != 1 {
		t.Fatalf("a conflict stored something: %d revisions", n)
	}
	forced, err := svc.ImportWith(ctx, "gen.xlsx", other, jxsync.ImportOptions{By: "test", Force: true})
	if err != nil || forced.Outcome != store.OutcomeImported && forced.Outcome != store.OutcomeUpdated || forced.Unit != "蔡甸区民政局" {
		t.Fatalf("forced: %+v %v", forced, err)
	}
	rev, err := svc.Records.Revision(ctx, forced.Revision)
	if err != nil || rev.Unit != "蔡甸区民政局" || rev.Seq != 1 || forced.Warnings == 0 {
		t.Errorf("forced revision: %+v %v", rev, err)
	}
	firstRev, err := svc.Records.Revision(ctx, first.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if latest, err := svc.Records.LatestOf(ctx, firstRev.SubmissionID); err != nil || latest.ID != first.Revision {
		t.Errorf("the generating submission changed: %+v %v", latest, err)
	}
}

// TestFormulaUnitWithoutValue: a unit cell holding a formula saved without
// its value (and one that cannot be computed) is reported as such at its
// cell — not as an empty required cell, and never as another unit's form.
func TestFormulaUnitWithoutValue(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	data := withFormulas(t, testkit.HubeiWorkbook(t, "甲单位", nil), map[string]string{"A2": "FOOBAR()", "B3": "FOOBAR()"})
	agency := &store.User{Name: "jia", Role: store.RoleAgency, Unit: "甲单位"}
	irs, reps, err := svc.Upload(ctx, agency, "formula.xlsx", data)
	if err != nil || len(irs) != 1 || len(reps) != 1 {
		t.Fatalf("upload: %v %v", irs, err)
	}
	var formula bool
	for _, f := range reps[0].Findings {
		if f.Cell == "B3" && f.Rule == "required" {
			t.Errorf("reported as empty: %+v", f)
		}
		if f.Cell == "B3" && (f.Rule == "formula-no-value" || f.Rule == "identity") && strings.Contains(f.Message, "公式") {
			formula = true
		}
	}
	if !formula || irs[0].Unit != "" || irs[0].Revision == 0 {
		t.Errorf("formula unit: %+v %+v", irs[0], reps[0].Findings)
	}
}

// withFormulas replaces cells of the first sheet by formulas saved without
// a value, as programs other than Excel write them.
func withFormulas(t *testing.T, data []byte, cells map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	for c, formula := range cells {
		if err := f.SetCellValue(sheet, c, nil); err != nil { // no stale value kept as its cached one
			t.Fatal(err)
		}
		if err := f.SetCellFormula(sheet, c, formula); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHiddenSheetForm: a hidden copy of a form beside the visible forms is
// not read; a workbook whose only form is on a hidden sheet is read.
func TestHiddenSheetForm(t *testing.T) {
	svc := testkit.Service(t)
	visible := testkit.ExamplePart(t, "national-project/2020/examples/lechang-dibao-2021.yaml", "低保", nil)
	old := testkit.ExamplePart(t, "national-project/2020/examples/lechang-canji-2021.yaml", "旧表", nil)
	old.Hidden = true
	forms, err := svc.ExtractForms("x.xlsx", testkit.Bundle(t, testkit.InstructionsPart(), visible, old), jxsync.ReadOptions{})
	if err != nil || len(forms) != 1 || forms[0].Sheet != "低保" {
		t.Fatalf("with a hidden copy: %d forms, %v", len(forms), err)
	}
	forms, err = svc.ExtractForms("y.xlsx", testkit.Bundle(t, testkit.InstructionsPart(), old), jxsync.ReadOptions{})
	if err != nil || len(forms) != 1 || forms[0].Sheet != "旧表" {
		t.Fatalf("only a hidden form: %d forms, %v", len(forms), err)
	}
}
