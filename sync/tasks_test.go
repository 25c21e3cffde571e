package sync_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

// tasksService is a service with testkit.Roster(9) imported: 51 units,
// the bureau 420114000 over five departments 420114100 … 420114500 with
// nine units each.
func tasksService(t *testing.T) *jxsync.Service {
	t.Helper()
	svc := testkit.Service(t)
	if _, err := svc.Units.SaveUnits(context.Background(), testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	return svc
}

// form is one hand-made hubei-dept form of a roster unit.
type form struct {
	code, content       string
	status              string
	budget, spent, rate *float64
	score               *float64
}

func fnum(x float64) *float64 { return &x }

// addForm stores f as the next revision of its unit's 2024 hubei-dept
// submission.
func addForm(t *testing.T, svc *jxsync.Service, f form) *store.Revision {
	t.Helper()
	ctx := context.Background()
	u, err := svc.Units.Unit(ctx, f.code)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]mapping.Value{"unit_name": {Type: mapping.TypeText, Raw: u.Name, Text: u.Name, Cell: "表!B3"}}
	for name, x := range map[string]*float64{"budget": f.budget, "spent": f.spent} {
		if x != nil {
			fields[name] = mapping.Value{Type: mapping.TypeAmount, Raw: fmt.Sprint(*x), Number: x, Unit: "万元", Cell: "表!D6"}
		}
	}
	if f.rate != nil {
		fields["rate"] = mapping.Value{Type: mapping.TypePercent, Raw: fmt.Sprint(*f.rate), Number: f.rate, Cell: "表!F6"}
	}
	status := f.status
	if status == "" {
		status = store.StatusValid
	}
	nr := &store.NewRevision{Unit: u.Name, UnitCode: u.Code, TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "部门整体绩效自评表",
		Year: 2024, BlobHash: store.Hash([]byte(f.code + f.content)), FileName: f.code + ".xlsx", Size: 1, UploadedBy: "import",
		Status: status, TotalScore: f.score,
		Result: &mapping.Result{Template: "hubei-dept", Version: "2022", Sheet: "表", Fields: fields}}
	if status == store.StatusRejected {
		nr.Findings = []mapping.Finding{{Sheet: "表", Cell: "D6", Severity: mapping.SeverityError, Rule: "x", Message: "x"}}
	}
	revs, _, err := svc.Records.AddRevisions(ctx, []*store.NewRevision{nr})
	if err != nil {
		t.Fatal(err)
	}
	return revs[0]
}

// review records a decision on r at level.
func review(t *testing.T, svc *jxsync.Service, r *store.Revision, level, status string) {
	t.Helper()
	if err := svc.Users.AddReview(context.Background(), &store.Review{Submission: r.SubmissionID, Revision: r.ID,
		Status: status, Comment: "意见", By: "reviewer", Level: level}); err != nil {
		t.Fatal(err)
	}
}

func TestAddTasks(t *testing.T) {
	ctx := context.Background()
	svc := tasksService(t)
	due := time.Date(2025, 6, 30, 0, 0, 0, 0, time.Local)
	// Units by code, exact name and alias (every second unit has its name
	// without 武汉市 as an alias).
	tasks, added, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Due: due, By: "caizheng",
		Units: []string{"42011410001", "武汉市蔡甸区第3中学", "蔡甸区第2中学", "42011410001"}})
	if err != nil || added != 3 || len(tasks) != 3 {
		t.Fatalf("add by code, name, alias: %d %v %+v", added, err, tasks)
	}
	var codes []string
	for _, tk := range tasks {
		codes = append(codes, tk.UnitCode)
	}
	if !slices.Equal(codes, []string{"42011410001", "42011410003", "42011410002"}) {
		t.Errorf("units = %v", codes)
	}
	// Under a department: it and its nine units; those already tasked are
	// not added again.
	tasks, added, err = svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Under: "武汉市蔡甸区教育局"})
	if err != nil || len(tasks) != 10 || added != 7 || tasks[0].UnitCode != "420114100" {
		t.Errorf("under the department: %d tasks, %d added, %v", len(tasks), added, err)
	}
	// Under the bureau: every department and unit, not the bureau itself.
	tasks, _, err = svc.AddTasks(ctx, jxsync.TaskRequest{Template: "national-project", Year: 2024, Under: testkit.RosterBureau})
	if err != nil || len(tasks) != 50 || slices.ContainsFunc(tasks, func(tk *store.Task) bool { return tk.UnitCode == testkit.RosterBureau }) {
		t.Errorf("under the bureau: %d tasks, %v", len(tasks), err)
	}
	// A past due date is accepted.
	if _, added, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "minsheng-score", Year: 2020, Units: []string{"42011420001"},
		Due: time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local)}); err != nil || added != 1 {
		t.Errorf("past due: %d %v", added, err)
	}
	for name, req := range map[string]jxsync.TaskRequest{
		"unknown unit":     {Template: "hubei-dept", Year: 2024, Units: []string{"42011410001", "武汉市蔡甸区第99中学"}},
		"unknown under":    {Template: "hubei-dept", Year: 2024, Under: "999"},
		"unknown template": {Template: "no-such", Year: 2024, Units: []string{"42011410001"}},
		"versioned":        {Template: "hubei-dept@2022", Year: 2024, Units: []string{"42011410001"}},
		"both":             {Template: "hubei-dept", Year: 2024, Units: []string{"42011410001"}, Under: "420114100"},
		"neither":          {Template: "hubei-dept", Year: 2024},
		"no year":          {Template: "hubei-dept", Units: []string{"42011410001"}},
	} {
		if _, _, err := svc.AddTasks(ctx, req); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, _, err = svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2023, Units: []string{"42011410001", "武汉市蔡甸区第99中学"}})
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "武汉市蔡甸区第99中学") {
		t.Errorf("unknown unit: %v", err)
	}
	if got, _ := svc.Tasks.Tasks(ctx, store.TaskFilter{Year: 2023}); len(got) != 0 {
		t.Errorf("a failed add records no task: %d", len(got))
	}
}

func TestTaskRows(t *testing.T) {
	ctx := context.Background()
	svc := tasksService(t)
	past, future := time.Date(2024, 3, 31, 0, 0, 0, 0, time.Local), time.Date(2025, 3, 31, 0, 0, 0, 0, time.Local)
	today := time.Date(2024, 6, 1, 12, 0, 0, 0, time.Local)
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Under: "420114200", Due: past}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Units: []string{"42011430001"}, Due: future}); err != nil {
		t.Fatal(err)
	}
	addForm(t, svc, form{code: "42011420001"})                                                              // submitted
	addForm(t, svc, form{code: "42011420002", status: store.StatusRejected})                                // errors
	review(t, svc, addForm(t, svc, form{code: "42011420003"}), store.LevelDepartment, store.ReviewReturned) // dept_returned
	review(t, svc, addForm(t, svc, form{code: "42011420004"}), store.LevelDepartment, store.ReviewAccepted) // dept_accepted
	rows, err := svc.TaskRows(ctx, store.TaskFilter{Template: "hubei-dept", Year: 2024}, today)
	if err != nil || len(rows) != 11 {
		t.Fatalf("rows: %d %v", len(rows), err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.UnitCode] = fmt.Sprintf("%s %v %s", r.State, r.Overdue, r.DepartmentName)
	}
	for code, want := range map[string]string{
		"420114200":   "missing true ",
		"42011420001": "submitted false 武汉市蔡甸区民政局",
		"42011420002": "errors true 武汉市蔡甸区民政局",
		"42011420003": "dept_returned true 武汉市蔡甸区民政局",
		"42011420004": "dept_accepted false 武汉市蔡甸区民政局",
		"42011420009": "missing true 武汉市蔡甸区民政局",
		"42011430001": "missing false 武汉市蔡甸区卫生健康局",
	} {
		if got[code] != want {
			t.Errorf("%s: %q, want %q", code, got[code], want)
		}
	}
	// Before the due day nothing is overdue.
	rows, _ = svc.TaskRows(ctx, store.TaskFilter{}, past)
	if slices.ContainsFunc(rows, func(r jxsync.TaskRow) bool { return r.Overdue }) {
		t.Error("overdue on the due day itself")
	}
}

func TestSummaryMissingFromTasks(t *testing.T) {
	ctx := context.Background()
	svc := tasksService(t)
	addForm(t, svc, form{code: "42011410001"})
	addForm(t, svc, form{code: "42011450001"})
	// Without tasks: the units that submitted the year before (none).
	sum, err := svc.Summary(ctx, "hubei-dept", 2024, nil)
	if err != nil || len(sum.Missing) != 0 || strings.Contains(sum.ExpectedFrom, "任务") {
		t.Fatalf("without tasks: %v %v %q", err, sum.Missing, sum.ExpectedFrom)
	}
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Units: []string{"42011410001", "42011410002", "42011410003"}}); err != nil {
		t.Fatal(err)
	}
	sum, err = svc.Summary(ctx, "hubei-dept", 2024, nil)
	if err != nil || !slices.Equal(sum.Missing, []string{"武汉市蔡甸区第2中学", "武汉市蔡甸区第3中学"}) ||
		!slices.Equal(sum.MissingCodes, []string{"42011410002", "42011410003"}) || sum.ExpectedFrom != "自评任务" {
		t.Errorf("with tasks: %v %v %v %q", err, sum.Missing, sum.MissingCodes, sum.ExpectedFrom)
	}
	if len(sum.Units) != 2 {
		t.Errorf("a unit without a task that submitted is still summarised: %d rows", len(sum.Units))
	}
	// Tasks of another year do not count: 2025 has none, so today's rule
	// (the units that submitted in 2024) holds.
	sum, _ = svc.Summary(ctx, "hubei-dept", 2025, nil)
	if !slices.Equal(sum.Missing, []string{"武汉市蔡甸区第1中学", "武汉市蔡甸区第1文化站"}) || strings.Contains(sum.ExpectedFrom, "任务") {
		t.Errorf("2025: missing %v from %q", sum.Missing, sum.ExpectedFrom)
	}
}

func TestSummaryRollup(t *testing.T) {
	ctx := context.Background()
	svc := tasksService(t)
	// 教育局: three units and its own form; 民政局: one unit; one unit
	// of no registry (typed name).
	r1 := addForm(t, svc, form{code: "42011410001", budget: fnum(100), spent: fnum(90), rate: fnum(90), score: fnum(95)})
	addForm(t, svc, form{code: "42011410002", budget: fnum(300), spent: fnum(240), rate: fnum(80), score: fnum(70)})
	addForm(t, svc, form{code: "42011410003", status: store.StatusRejected, budget: fnum(50), score: fnum(50)})
	r4 := addForm(t, svc, form{code: "420114100", budget: fnum(600), spent: fnum(570), rate: fnum(95)})
	addForm(t, svc, form{code: "42011420001", budget: fnum(10), spent: fnum(10), rate: fnum(100), score: fnum(88)})
	review(t, svc, r1, store.LevelDepartment, store.ReviewAccepted)
	review(t, svc, r4, store.LevelBureau, store.ReviewAccepted)
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Under: "420114100"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Units: []string{"42011420001", "42011420002"}}); err != nil {
		t.Fatal(err)
	}
	sum, err := svc.Summary(ctx, "hubei-dept", 2024, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Departments) != 2 || sum.Departments[0].Code != "420114100" || sum.Departments[1].Name != "武汉市蔡甸区民政局" {
		t.Fatalf("departments = %+v", sum.Departments)
	}
	edu := sum.Departments[0]
	// 执行率 weighted by budget over the rows with both: (90×100 + 80×300 +
	// 95×600) / (100+300+600) = 90000/1000 = 90; the rejected form has no
	// rate. 总分 average (95+70+50)/3.
	if edu.Forms != 4 || edu.Units != 4 || !eqNum(edu.Budget, 1050) || !eqNum(edu.Spent, 900) || !eqNum(edu.Rate, 90) ||
		!eqNum(edu.Score, math.Round(215.0/3*100)/100) {
		t.Errorf("教育局 = %+v", edu)
	}
	if !slices.Equal(edu.Grades, []int{1, 0, 1, 1}) || edu.Ungraded != 1 {
		t.Errorf("教育局 grades = %v ungraded %d", edu.Grades, edu.Ungraded)
	}
	wantStates := map[string]int{jxsync.StateDeptAccepted: 1, jxsync.StateSubmitted: 1, jxsync.StateErrors: 1, jxsync.StateAccepted: 1, jxsync.StateMissing: 6}
	if fmt.Sprint(edu.States) != fmt.Sprint(wantStates) {
		t.Errorf("教育局 states = %v, want %v", edu.States, wantStates)
	}
	// The whole: (90×100 + 80×300 + 95×600 + 100×10) / 1010.
	if sum.Total.Forms != 5 || !eqNum(sum.Total.Budget, 1060) || !eqNum(sum.Total.Rate, math.Round(91000.0/1010*100)/100) ||
		sum.Total.States[jxsync.StateMissing] != 7 {
		t.Errorf("total = %+v", sum.Total)
	}
	// Rows are grouped by department, in code order.
	var order []string
	for _, u := range sum.Units {
		order = append(order, u.UnitCode+":"+u.Department)
	}
	if want := []string{"420114100:420114100", "42011410001:420114100", "42011410002:420114100", "42011410003:420114100", "42011420001:420114200"}; !slices.Equal(order, want) {
		t.Errorf("rows = %v, want %v", order, want)
	}

	// --under one department: its rows, indicators and missing units only.
	sum, err = svc.SummaryUnder(ctx, "hubei-dept", 2024, nil, "武汉市蔡甸区民政局")
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Units) != 1 || sum.Units[0].UnitCode != "42011420001" || !slices.Equal(sum.Missing, []string{"武汉市蔡甸区第2救助管理站"}) ||
		len(sum.Departments) != 1 || sum.Total.Forms != 1 || !eqNum(sum.Total.Rate, 100) || sum.Under != "420114200" {
		t.Errorf("under 民政局: %+v", sum)
	}
	if _, err := svc.SummaryUnder(ctx, "hubei-dept", 2024, nil, "999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("under an unknown unit: %v", err)
	}
}

func TestSummaryRollupWithoutRegistry(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	for i, b := range []float64{100, 300} {
		name := fmt.Sprintf("单位%d", i)
		nr := &store.NewRevision{Unit: name, TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "表", Year: 2024,
			BlobHash: store.Hash([]byte(name)), FileName: "x.xlsx", Size: 1, UploadedBy: "import", Status: store.StatusValid,
			Result: &mapping.Result{Template: "hubei-dept", Version: "2022", Fields: map[string]mapping.Value{
				"budget": {Type: mapping.TypeAmount, Raw: "x", Number: fnum(b), Unit: "万元"},
				"rate":   {Type: mapping.TypePercent, Raw: "x", Number: fnum(float64(90 - 10*i))}}}}
		if _, _, err := svc.Records.AddRevisions(ctx, []*store.NewRevision{nr}); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := svc.Summary(ctx, "hubei-dept", 2024, nil)
	if err != nil {
		t.Fatal(err)
	}
	// (90×100 + 80×300) / 400 = 82.5.
	if len(sum.Departments) != 0 || sum.Total.Forms != 2 || !eqNum(sum.Total.Rate, 82.5) || sum.Total.States[jxsync.StateSubmitted] != 2 {
		t.Errorf("without registry: departments %+v, total %+v", sum.Departments, sum.Total)
	}
	if _, err := svc.SummaryUnder(ctx, "hubei-dept", 2024, nil, "单位0"); err == nil {
		t.Error("--under without a registry: no error")
	}
}
