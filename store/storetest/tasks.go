package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
)

// TaskStore is what the tasks suite needs: the registry the tasks name
// units of, and the tasks.
type TaskStore interface {
	store.Units
	store.Tasks
}

// Tasks runs the shared suite of store.Tasks implementations. open returns
// an empty store.
func Tasks(t *testing.T, open func(t *testing.T) TaskStore) {
	ctx := context.Background()
	roster := []*store.Unit{
		{Code: "100", Name: "某市财政局"},
		{Code: "101", Name: "某市教育局", Parent: "100"},
		{Code: "101001", Name: "某市第一中学", Parent: "101"},
		{Code: "101002", Name: "某市第二中学", Parent: "101"},
	}
	due := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	task := func(tmpl string, year int, unit string) *store.Task {
		return &store.Task{TemplateID: tmpl, Year: year, UnitCode: unit, Due: due, CreatedBy: "caizheng"}
	}
	setup := func(t *testing.T) TaskStore {
		t.Helper()
		s := open(t)
		if _, err := s.SaveUnits(ctx, roster); err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Run("AddAndList", func(t *testing.T) {
		s := setup(t)
		n, err := s.AddTasks(ctx, []*store.Task{task("hubei-dept", 2024, "101002"), task("hubei-dept", 2024, "101001"),
			{TemplateID: "national-project", Year: 2024, UnitCode: "101", CreatedBy: "cli"}})
		if err != nil || n != 3 {
			t.Fatalf("add: %d %v, want 3 added", n, err)
		}
		got, err := s.Tasks(ctx, store.TaskFilter{})
		if err != nil || len(got) != 3 {
			t.Fatalf("tasks: %v %d", err, len(got))
		}
		first := got[0]
		if first.TemplateID != "hubei-dept" || first.UnitCode != "101001" || first.Unit != "某市第一中学" || first.Year != 2024 ||
			!first.Due.Equal(due) || first.CreatedBy != "caizheng" || first.CreatedAt.IsZero() || first.ID == 0 {
			t.Errorf("first task (by template, year, unit): %+v", first)
		}
		if !got[2].Due.IsZero() || got[2].TemplateID != "national-project" {
			t.Errorf("a task without due date: %+v", got[2])
		}
		for _, c := range []struct {
			f    store.TaskFilter
			want int
		}{
			{store.TaskFilter{Template: "hubei-dept"}, 2},
			{store.TaskFilter{Template: "hubei-dept", Year: 2023}, 0},
			{store.TaskFilter{Year: 2024, Unit: "101"}, 1},
			{store.TaskFilter{Unit: "101002"}, 1},
			{store.TaskFilter{Template: "minsheng-score"}, 0},
		} {
			if got, err := s.Tasks(ctx, c.f); err != nil || len(got) != c.want {
				t.Errorf("tasks %+v: %d %v, want %d", c.f, len(got), err, c.want)
			}
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		s := setup(t)
		if n, err := s.AddTasks(ctx, []*store.Task{task("hubei-dept", 2024, "101001")}); err != nil || n != 1 {
			t.Fatalf("add: %d %v", n, err)
		}
		again := task("hubei-dept", 2024, "101001")
		again.Due = time.Time{}
		n, err := s.AddTasks(ctx, []*store.Task{again, task("hubei-dept", 2025, "101001")})
		if err != nil || n != 1 {
			t.Errorf("the same task again is not added: %d %v, want 1 (the other year)", n, err)
		}
		got, _ := s.Tasks(ctx, store.TaskFilter{Year: 2024})
		if len(got) != 1 || !got[0].Due.Equal(due) {
			t.Errorf("the task as first recorded: %+v", got)
		}
	})
	t.Run("UnknownUnit", func(t *testing.T) {
		s := setup(t)
		_, err := s.AddTasks(ctx, []*store.Task{task("hubei-dept", 2024, "101001"), task("hubei-dept", 2024, "999")})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown unit: %v, want ErrNotFound", err)
		}
		if got, _ := s.Tasks(ctx, store.TaskFilter{}); len(got) != 0 {
			t.Errorf("a failed add records nothing: %+v", got)
		}
	})
}
