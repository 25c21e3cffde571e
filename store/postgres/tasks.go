package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jxsync/jxsync/store"
)

var _ store.Tasks = (*DB)(nil)

// AddTasks implements store.Tasks.
func (db *DB) AddTasks(ctx context.Context, tasks []*store.Task) (int, error) {
	at := db.now().UTC().Truncate(time.Microsecond)
	added := 0
	err := db.withRetry(ctx, func(tx pgx.Tx) error {
		added = 0
		for _, t := range tasks {
			var unit int64
			err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1`, t.UnitCode).Scan(&unit)
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("unit %s: %w", t.UnitCode, store.ErrNotFound)
			}
			if err != nil {
				return err
			}
			due := ""
			if !t.Due.IsZero() {
				due = t.Due.Format(store.DueLayout)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO tasks(template_id, year, unit_id, due, created_at, created_by)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (template_id, year, unit_id) DO NOTHING`,
				t.TemplateID, t.Year, unit, due, at, t.CreatedBy)
			if err != nil {
				return fmt.Errorf("%s %d %s: %w", t.TemplateID, t.Year, t.UnitCode, err)
			}
			added += int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("add tasks: %w", err)
	}
	return added, nil
}

// Tasks implements store.Tasks.
func (db *DB) Tasks(ctx context.Context, f store.TaskFilter) ([]*store.Task, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Template != "" {
		add(`t.template_id = $%d`, f.Template)
	}
	if f.Year != 0 {
		add(`t.year = $%d`, f.Year)
	}
	if f.Unit != "" {
		add(`u.code = $%d`, f.Unit)
	}
	q := `SELECT t.id, t.template_id, t.year, u.code, u.name, t.due, t.created_at, t.created_by
		FROM tasks t JOIN units u ON u.id = t.unit_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := db.pool.Query(ctx, q+` ORDER BY t.template_id, t.year, u.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []*store.Task
	for rows.Next() {
		t := &store.Task{}
		var due string
		if err := rows.Scan(&t.ID, &t.TemplateID, &t.Year, &t.UnitCode, &t.Unit, &due, &t.CreatedAt, &t.CreatedBy); err != nil {
			return nil, fmt.Errorf("tasks: %w", err)
		}
		if due != "" {
			if t.Due, err = time.Parse(store.DueLayout, due); err != nil {
				return nil, fmt.Errorf("tasks: task %d: due %q: %w", t.ID, due, err)
			}
		}
		t.CreatedAt = t.CreatedAt.UTC()
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return out, nil
}
