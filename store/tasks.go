package store

import (
	"context"
	"time"
)

// Task is a 自评任务: a unit owes a template's form (any version) for a
// year, by a due date.
type Task struct {
	ID int64
	// TemplateID is the bare template id (no @VERSION).
	TemplateID string
	Year       int
	// UnitCode is the code of the unit that owes the form; Unit its name
	// (filled when read).
	UnitCode string
	Unit     string
	// Due is the day the form is due (zero: no due date).
	Due time.Time
	// CreatedAt is when the task was recorded, CreatedBy who recorded it.
	CreatedAt time.Time
	CreatedBy string
}

// DueLayout is how due dates are written and stored.
const DueLayout = "2006-01-02"

// TaskFilter selects tasks; zero fields select all.
type TaskFilter struct {
	// Template is a bare template id.
	Template string
	Year     int
	// Unit is a unit code.
	Unit string
}

// Tasks keeps the 自评任务.
type Tasks interface {
	// AddTasks records tasks in one transaction and says how many were new:
	// a task of a template, year and unit already recorded is left as it
	// is (its due date too). Errors: ErrNotFound when a task's unit code
	// is no unit's (nothing is recorded).
	AddTasks(ctx context.Context, tasks []*Task) (added int, err error)
	// Tasks returns the tasks f selects, by template, year and unit code.
	Tasks(ctx context.Context, f TaskFilter) ([]*Task, error)
}
