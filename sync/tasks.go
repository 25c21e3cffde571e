package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// TaskRequest says which 自评任务 AddTasks records: a template's form for a
// year, owed by the named units or by a department and every unit below it.
type TaskRequest struct {
	// Template is a bare template id: a task covers every version.
	Template string
	Year     int
	// Units are units by code, exact registered name or alias; Under is one
	// unit (a department) whose whole subtree owes the form. Exactly one
	// of them is given.
	Units []string
	Under string
	// Due is the day the form is due (zero: none). A day already past is
	// accepted: the tasks are overdue at once.
	Due time.Time
	// By names who adds them (an account, or the CLI's --by).
	By string
	// Actor is who the audit log records (empty Name: By, role cli;
	// "jxsync" when both are empty).
	Actor Actor
}

// ErrBadTask wraps the errors of AddTasks that are the request's fault:
// no units, both units and under, a versioned template id, a bad year.
var ErrBadTask = errors.New("bad task request")

// overdueStates are the states in which a task past its due day is
// overdue: nothing valid awaits review or has been accepted.
var overdueStates = map[string]bool{StateMissing: true, StateErrors: true, StateDeptReturned: true, StateReturned: true}

// TaskOverdue reports whether a task due on due, whose submission is in
// state, is overdue on today: its due day has passed and the unit has not
// submitted a valid form (missing, errors) or must submit again (returned).
func TaskOverdue(due time.Time, state string, today time.Time) bool {
	if due.IsZero() {
		return false
	}
	return today.Format(store.DueLayout) > due.Format(store.DueLayout) && overdueStates[state]
}

// AddTasks records the tasks req asks for, one per unit, and returns them
// with the number newly added (a task already recorded is left as it is).
// With Under, the unit and every unit below it owe the form, but not the
// bureau level itself (UnitTree.IsBureau). Errors: an unknown template or
// unit (wrapping mapping.ErrNoTemplate, store.ErrNotFound), no registry.
func (s *Service) AddTasks(ctx context.Context, req TaskRequest) ([]*store.Task, int, error) {
	if s.Tasks == nil || s.Units == nil {
		return nil, 0, errors.New("add tasks: no task store")
	}
	if strings.Contains(req.Template, "@") {
		return nil, 0, fmt.Errorf("add tasks: 请给出不带版本的模板ID，任务适用于该模板的各个版本 (give a template id without @VERSION), got %q: %w", req.Template, ErrBadTask)
	}
	if _, err := mapping.Find(s.Templates, req.Template); err != nil {
		return nil, 0, fmt.Errorf("add tasks: %w", err)
	}
	if req.Year < 1900 || req.Year > 3000 {
		return nil, 0, fmt.Errorf("add tasks: 年度无效 (bad year) %d: %w", req.Year, ErrBadTask)
	}
	if (len(req.Units) == 0) == (req.Under == "") {
		return nil, 0, fmt.Errorf("add tasks: 请给出单位 (units) 或一个主管部门 (under)，二者取其一 (give units or under, not both): %w", ErrBadTask)
	}
	var codes []string
	if req.Under != "" {
		u, err := s.taskUnit(ctx, req.Under)
		if err != nil {
			return nil, 0, err
		}
		tree, err := s.unitTree(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("add tasks: %w", err)
		}
		for _, c := range tree.Subtree(u.Code) {
			if !tree.IsBureau(c) {
				codes = append(codes, c)
			}
		}
	} else {
		for _, key := range req.Units {
			u, err := s.taskUnit(ctx, key)
			if err != nil {
				return nil, 0, err
			}
			codes = append(codes, u.Code)
		}
	}
	if len(codes) == 0 {
		return nil, 0, fmt.Errorf("add tasks: %s 之下没有单位 (no units under it): %w", req.Under, ErrBadTask)
	}
	var tasks []*store.Task
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] {
			continue
		}
		seen[c] = true
		tasks = append(tasks, &store.Task{TemplateID: req.Template, Year: req.Year, UnitCode: c, Due: req.Due, CreatedBy: req.By})
	}
	n, err := s.Tasks.AddTasks(ctx, tasks)
	if err != nil {
		return nil, 0, fmt.Errorf("add tasks: %w", err)
	}
	if n > 0 {
		a := req.Actor
		if a.Name == "" {
			a = Actor{Name: req.By, Role: store.RoleCLI}
		}
		if a.Name == "" {
			a.Name = "jxsync"
		}
		due := "no due date"
		if !req.Due.IsZero() {
			due = "due " + req.Due.Format(store.DueLayout)
		}
		what := "units " + strings.Join(codes, ",")
		if req.Under != "" {
			what = "under " + req.Under
		}
		unit := ""
		if len(codes) == 1 {
			unit = codes[0]
		} else if req.Under != "" {
			unit = codes[0] // the department the tasks were added under
		}
		detail := fmt.Sprintf("add %s %d, %s: %d tasks added (%s)", req.Template, req.Year, what, n, due)
		if err := s.Record(ctx, a, store.ActionTask, unit, 0, detail); err != nil {
			return tasks, n, err
		}
	}
	return tasks, n, nil
}

// taskUnit finds a unit by code, exact registered name or alias.
func (s *Service) taskUnit(ctx context.Context, key string) (*store.Unit, error) {
	key = strings.TrimSpace(key)
	u, err := s.Units.Unit(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("add tasks: 没有单位 %q：请给出单位编码、登记的单位名称或别名 (no such unit): %w", key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("add tasks: %w", err)
	}
	return u, nil
}

// unitTree is the registry as a tree (an empty tree without a registry).
func (s *Service) unitTree(ctx context.Context) (*UnitTree, error) {
	if s.Units == nil {
		return NewUnitTree(nil)
	}
	units, err := s.Units.Units(ctx)
	if err != nil {
		return nil, err
	}
	return NewUnitTree(units)
}

// TaskRow is a task with the state of the unit's submission.
type TaskRow struct {
	*store.Task
	// Department and DepartmentName are the unit's department
	// (UnitTree.Department; empty when 财政 alone reviews it).
	Department, DepartmentName string
	// State is the submission's state (StateMissing without one); Latest
	// its latest revision. With several submissions (projects) of the
	// unit, template and year, the one uploaded last counts.
	State  string
	Latest *store.Revision
	// Overdue: see TaskOverdue.
	Overdue bool
}

// TaskRows returns the tasks f selects with their states on today.
func (s *Service) TaskRows(ctx context.Context, f store.TaskFilter, today time.Time) ([]TaskRow, error) {
	if s.Tasks == nil {
		return nil, nil
	}
	tasks, err := s.Tasks.Tasks(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return nil, nil
	}
	tree, err := s.unitTree(ctx)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	latest, err := s.Records.Latest(ctx, f.Template)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	type key struct {
		tmpl, unit string
		year       int
	}
	last := map[key]*store.Revision{}
	for _, r := range latest {
		k := key{r.TemplateID, r.UnitCode, r.Year}
		if p := last[k]; p == nil || r.ID > p.ID {
			last[k] = r
		}
	}
	var out []TaskRow
	for _, t := range tasks {
		row := TaskRow{Task: t, State: StateMissing, Department: tree.Department(t.UnitCode)}
		if d := tree.Unit(row.Department); d != nil {
			row.DepartmentName = d.Name
		}
		if r := last[key{t.TemplateID, t.UnitCode, t.Year}]; r != nil {
			row.Latest = r
			if row.State, err = s.stateOf(ctx, r); err != nil {
				return nil, fmt.Errorf("tasks: %w", err)
			}
		}
		row.Overdue = TaskOverdue(t.Due, row.State, today)
		out = append(out, row)
	}
	return out, nil
}

// stateOf is the state of the submission whose latest revision is r.
func (s *Service) stateOf(ctx context.Context, r *store.Revision) (string, error) {
	var reviews []*store.Review
	if s.Users != nil && r.SubmissionID != 0 {
		var err error
		if reviews, err = s.Users.Reviews(ctx, r.SubmissionID); err != nil {
			return "", err
		}
	}
	st, _ := SubmissionState(r, reviews)
	return st, nil
}

// TaskUnits returns the tasks of a template and year, by unit code; nil
// when there are none (the units expected are then as before tasks).
func (s *Service) TaskUnits(ctx context.Context, template string, year int) ([]*store.Task, error) {
	if s.Tasks == nil {
		return nil, nil
	}
	tasks, err := s.Tasks.Tasks(ctx, store.TaskFilter{Template: template, Year: year})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].UnitCode < tasks[j].UnitCode })
	return tasks, nil
}
