package sync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

// TestViewsMatchGo: the views' review_state and department are
// SubmissionState's and UnitTree.Department's, over a roster of 51 units
// with reviews at both levels, reviews of older revisions, several reviews
// of one revision and re-uploads; task_status is TaskRows'.
func TestViewsMatchGo(t *testing.T) {
	ctx := context.Background()
	svc := tasksService(t)
	units, err := svc.Units.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := jxsync.NewUnitTree(units)
	if err != nil {
		t.Fatal(err)
	}
	levels := []string{store.LevelDepartment, store.LevelBureau}
	decisions := []string{store.ReviewAccepted, store.ReviewReturned}
	for i, u := range units {
		if i%7 == 6 {
			continue // no submission
		}
		status := store.StatusValid
		if i%5 == 0 {
			status = store.StatusRejected
		}
		r := addForm(t, svc, form{code: u.Code, content: "v1", status: status})
		switch i % 6 {
		case 1: // one review
			review(t, svc, r, levels[i%2], decisions[(i/2)%2])
		case 2: // department then bureau: the last decides
			review(t, svc, r, store.LevelDepartment, store.ReviewAccepted)
			review(t, svc, r, store.LevelBureau, decisions[(i/3)%2])
		case 3: // reviewed, then uploaded again: the review is of an older revision
			review(t, svc, r, levels[(i/3)%2], decisions[i%2])
			r2 := addForm(t, svc, form{code: u.Code, content: "v2", status: store.StatusRejected})
			if i%4 == 3 {
				review(t, svc, r2, store.LevelDepartment, store.ReviewReturned)
			}
		case 4: // a bureau decision, then a department one
			review(t, svc, r, store.LevelBureau, store.ReviewReturned)
			review(t, svc, r, store.LevelDepartment, store.ReviewAccepted)
		}
	}
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "hubei-dept", Year: 2024, Under: "420114000",
		Due: time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddTasks(ctx, jxsync.TaskRequest{Template: "national-project", Year: 2024, Under: "420114300"}); err != nil {
		t.Fatal(err)
	}

	latest, err := svc.Records.Latest(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	states := map[string]bool{}
	for _, r := range latest {
		reviews, err := svc.Users.Reviews(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := jxsync.SubmissionState(r, reviews)
		states[st] = true
		dept, name := tree.Department(r.UnitCode), ""
		if d := tree.Unit(dept); d != nil {
			name = d.Name
		}
		want[r.UnitCode] = fmt.Sprintf("%s %s %s %s %s %d", r.Unit, r.TemplateID, st, dept, name, r.ID)
	}
	if len(states) != 6 {
		t.Fatalf("the roster's submissions reach %d states, want every state but missing: %v", len(states), states)
	}
	_, rows, err := svc.Records.Query(ctx, `SELECT unit_code, unit, template, review_state, department_code, department, latest_revision FROM submission_status`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) || len(rows) < 40 {
		t.Fatalf("submission_status has %d rows, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		got := fmt.Sprintf("%v %v %v %v %v %v", r[1], r[2], r[3], r[4], r[5], r[6])
		if got != want[fmt.Sprint(r[0])] {
			t.Errorf("submission_status %v: %q, want %q", r[0], got, want[fmt.Sprint(r[0])])
		}
	}

	tasks, err := svc.TaskRows(ctx, store.TaskFilter{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wantTasks := map[string]string{}
	for _, tk := range tasks {
		due := ""
		if !tk.Due.IsZero() {
			due = tk.Due.Format(store.DueLayout)
		}
		overdue := 0
		if tk.Overdue {
			overdue = 1
		}
		wantTasks[tk.UnitCode+" "+tk.TemplateID] = fmt.Sprintf("%s %s %d %s %s %d", tk.Unit, tk.DepartmentName, tk.Year, due, tk.State, overdue)
	}
	_, rows, err = svc.Records.Query(ctx, `SELECT unit_code, template, unit, department, year, due, state, overdue FROM task_status`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 60 || len(rows) != len(tasks) {
		t.Fatalf("task_status has %d rows, want 60 (%d tasks)", len(rows), len(tasks))
	}
	overdue := 0
	for _, r := range rows {
		key := fmt.Sprintf("%v %v", r[0], r[1])
		got := fmt.Sprintf("%v %v %v %v %v %v", r[2], r[3], r[4], r[5], r[6], r[7])
		if got != wantTasks[key] {
			t.Errorf("task_status %s: %q, want %q", key, got, wantTasks[key])
		}
		if fmt.Sprint(r[7]) == "1" {
			overdue++
		}
		if strings.Contains(fmt.Sprint(r[1]), "@") {
			t.Errorf("task_status template %v is not a bare id", r[1])
		}
	}
	if overdue == 0 || overdue == 50 {
		t.Errorf("%d overdue tasks: want some but not all of the past-due ones", overdue)
	}
}
