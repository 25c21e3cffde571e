package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store"
)

var _ store.Tasks = (*DB)(nil)

// AddTasks implements store.Tasks.
func (db *DB) AddTasks(ctx context.Context, tasks []*store.Task) (int, error) {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("add tasks: %w", err)
	}
	defer tx.Rollback()
	stamp := db.now().UTC().Format(time.RFC3339Nano)
	added := 0
	for _, t := range tasks {
		var unit int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = ?`, t.UnitCode).Scan(&unit)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("add tasks: unit %s: %w", t.UnitCode, store.ErrNotFound)
		}
		if err != nil {
			return 0, fmt.Errorf("add tasks: %w", err)
		}
		due := ""
		if !t.Due.IsZero() {
			due = t.Due.Format(store.DueLayout)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tasks(template_id, year, unit_id, due, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(template_id, year, unit_id) DO NOTHING`,
			t.TemplateID, t.Year, unit, due, stamp, t.CreatedBy)
		if err != nil {
			return 0, fmt.Errorf("add tasks: %s %d %s: %w", t.TemplateID, t.Year, t.UnitCode, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("add tasks: %w", err)
	}
	return added, nil
}

// Tasks implements store.Tasks.
func (db *DB) Tasks(ctx context.Context, f store.TaskFilter) ([]*store.Task, error) {
	var where []string
	var args []any
	if f.Template != "" {
		where, args = append(where, `t.template_id = ?`), append(args, f.Template)
	}
	if f.Year != 0 {
		where, args = append(where, `t.year = ?`), append(args, f.Year)
	}
	if f.Unit != "" {
		where, args = append(where, `u.code = ?`), append(args, f.Unit)
	}
	q := `SELECT t.id, t.template_id, t.year, u.code, u.name, t.due, t.created_at, t.created_by
		FROM tasks t JOIN units u ON u.id = t.unit_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := db.ro.QueryContext(ctx, q+` ORDER BY t.template_id, t.year, u.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []*store.Task
	for rows.Next() {
		t := &store.Task{}
		var due, at string
		if err := rows.Scan(&t.ID, &t.TemplateID, &t.Year, &t.UnitCode, &t.Unit, &due, &at, &t.CreatedBy); err != nil {
			return nil, fmt.Errorf("tasks: %w", err)
		}
		if due != "" {
			if t.Due, err = time.Parse(store.DueLayout, due); err != nil {
				return nil, fmt.Errorf("tasks: task %d: due %q: %w", t.ID, due, err)
			}
		}
		t.CreatedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return out, nil
}
