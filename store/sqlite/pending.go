package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jxsync/jxsync/store"
)

var _ store.PendingUnits = (*DB)(nil)

// isWaiting reports, within tx, whether revision id is in the 待确认单位
// queue and not assigned yet.
func isWaiting(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pending_units p WHERE p.revision_id = ?
		AND NOT EXISTS (SELECT 1 FROM unit_assignments a WHERE a.revision_id = p.revision_id)`, id).Scan(&n)
	return n > 0, err
}

// Pending implements store.PendingUnits.
func (db *DB) Pending(ctx context.Context) ([]*store.PendingRevision, error) {
	out, err := db.pending(ctx, `WHERE NOT EXISTS (SELECT 1 FROM unit_assignments a WHERE a.revision_id = p.revision_id) ORDER BY p.revision_id`)
	if err != nil {
		return nil, fmt.Errorf("pending units: %w", err)
	}
	return out, nil
}

// pending reads the queue's rows where selects, with their revisions.
func (db *DB) pending(ctx context.Context, where string, args ...any) ([]*store.PendingRevision, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT p.revision_id, p.unit_name, p.year, p.subject FROM pending_units p `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []*store.PendingRevision
	var ids []int64
	for rows.Next() {
		var id int64
		p := &store.PendingRevision{}
		if err := rows.Scan(&id, &p.UnitName, &p.Year, &p.Subject); err != nil {
			rows.Close()
			return nil, err
		}
		out, ids = append(out, p), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, id := range ids {
		if out[i].Revision, err = db.Revision(ctx, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PendingRevision implements store.PendingUnits.
func (db *DB) PendingRevision(ctx context.Context, id int64) (*store.PendingRevision, *store.Assignment, error) {
	ps, err := db.pending(ctx, `WHERE p.revision_id = ?`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("pending revision %d: %w", id, err)
	}
	if len(ps) == 0 {
		return nil, nil, fmt.Errorf("pending revision %d: %w", id, store.ErrNotFound)
	}
	a := &store.Assignment{Revision: id}
	var at string
	err = db.ro.QueryRowContext(ctx, `SELECT unit_code, filed_id, assigned_by, assigned_at FROM unit_assignments WHERE revision_id = ?`, id).
		Scan(&a.UnitCode, &a.Filed, &a.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return ps[0], nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("pending revision %d: %w", id, err)
	}
	a.At, _ = time.Parse(time.RFC3339Nano, at)
	return ps[0], a, nil
}

// Assign implements store.PendingUnits.
func (db *DB) Assign(ctx context.Context, revision int64, code, by string) (*store.Revision, error) {
	filed, err := db.assign(ctx, revision, code, by)
	if err != nil {
		return nil, fmt.Errorf("assign revision %d to unit %s: %w", revision, code, err)
	}
	return db.Revision(ctx, filed)
}

// assign does Assign's work in one transaction and returns the filed
// revision's id.
func (db *DB) assign(ctx context.Context, revision int64, code, by string) (int64, error) {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var typed, subject, tmpl string
	var year int
	err = tx.QueryRowContext(ctx, `SELECT unit_name, year, subject, template_id FROM pending_units WHERE revision_id = ?`, revision).
		Scan(&typed, &year, &subject, &tmpl)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("revision %d is not waiting for a unit: %w", revision, store.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	var done string
	err = tx.QueryRowContext(ctx, `SELECT unit_code FROM unit_assignments WHERE revision_id = ?`, revision).Scan(&done)
	if err == nil {
		return 0, fmt.Errorf("revision %d was assigned to unit %s already: %w", revision, done, store.ErrExists)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	var unit int64
	var name string
	err = tx.QueryRowContext(ctx, `SELECT id, name FROM units WHERE code = ?`, code).Scan(&unit, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("unit %s: %w", code, store.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	stamp := db.now().UTC().Format(time.RFC3339Nano)
	if _, err := tx.ExecContext(ctx, `INSERT INTO submissions(unit_id, template_id, year, subject, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, unit, tmpl, year, subject, stamp); err != nil {
		return 0, fmt.Errorf("submission: %w", err)
	}
	var sub int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM submissions WHERE unit_id = ? AND template_id = ? AND year = ? AND subject = ?`,
		unit, tmpl, year, subject).Scan(&sub); err != nil {
		return 0, fmt.Errorf("submission: %w", err)
	}
	// The same original is a revision of that submission already: the
	// assignment points at it.
	var filed int64
	err = tx.QueryRowContext(ctx, `SELECT r.id FROM revisions r, revisions o WHERE o.id = ? AND r.submission_id = ? AND r.blob_hash = o.blob_hash`,
		revision, sub).Scan(&filed)
	if errors.Is(err, sql.ErrNoRows) {
		if filed, err = copyRevision(ctx, tx, revision, sub); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO unit_assignments(revision_id, unit_code, filed_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?)`,
		revision, code, filed, by, stamp); err != nil {
		return 0, fmt.Errorf("assignment: %w", err)
	}
	if typed != name {
		// Another unit's name or alias stays that unit's: the assignment
		// holds without the alias.
		if _, err := addAlias(ctx, tx, unit, typed, stamp); err != nil && !errors.Is(err, store.ErrExists) {
			return 0, fmt.Errorf("alias: %w", err)
		}
	}
	return filed, tx.Commit()
}

// copyRevision records, within tx, the next revision of submission sub as
// a copy of revision from (original, sheet, data, findings, status,
// uploader, upload time, values) and returns its id.
func copyRevision(ctx context.Context, tx *sql.Tx, from, sub int64) (int64, error) {
	var seq int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM revisions WHERE submission_id = ?`, sub).Scan(&seq); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO revisions(submission_id, seq, blob_hash, file_name, size,
		uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings, findings, data, total_score,
		sheet, fingerprint)
		SELECT ?, ?, blob_hash, file_name, size, uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings,
		findings, data, total_score, sheet, fingerprint FROM revisions WHERE id = ?`, sub, seq, from)
	if err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO field_values(revision_id, path, type, raw, number, text, unit, cell)
		SELECT ?, path, type, raw, number, text, unit, cell FROM field_values WHERE revision_id = ?`, id, from); err != nil {
		return 0, fmt.Errorf("values: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO row_values(revision_id, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score)
		SELECT ?, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score FROM row_values WHERE revision_id = ?`, id, from); err != nil {
		return 0, fmt.Errorf("rows: %w", err)
	}
	return id, nil
}
