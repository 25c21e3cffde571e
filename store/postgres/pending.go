package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jxsync/jxsync/store"
)

var _ store.PendingUnits = (*DB)(nil)

// isWaiting reports, within tx, whether revision id is in the 待确认单位
// queue and not assigned yet.
func isWaiting(ctx context.Context, tx pgx.Tx, id int64) (bool, error) {
	var waiting bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pending_units p WHERE p.revision_id = $1
		AND NOT EXISTS (SELECT 1 FROM unit_assignments a WHERE a.revision_id = p.revision_id))`, id).Scan(&waiting)
	return waiting, err
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
	rows, err := db.pool.Query(ctx, `SELECT p.revision_id, p.unit_name, p.year, p.subject FROM pending_units p `+where, args...)
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
	ps, err := db.pending(ctx, `WHERE p.revision_id = $1`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("pending revision %d: %w", id, err)
	}
	if len(ps) == 0 {
		return nil, nil, fmt.Errorf("pending revision %d: %w", id, store.ErrNotFound)
	}
	a := &store.Assignment{Revision: id}
	err = db.pool.QueryRow(ctx, `SELECT unit_code, filed_id, assigned_by, assigned_at FROM unit_assignments WHERE revision_id = $1`, id).
		Scan(&a.UnitCode, &a.Filed, &a.By, &a.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return ps[0], nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("pending revision %d: %w", id, err)
	}
	a.At = a.At.UTC()
	return ps[0], a, nil
}

// Assign implements store.PendingUnits. The waiting revision's queue row
// and the unit's submission are locked (SELECT … FOR UPDATE) so that two
// assignments of one revision, or a revision added to that submission at
// once, wait for each other; a transaction that conflicts with another
// runs again.
func (db *DB) Assign(ctx context.Context, revision int64, code, by string) (*store.Revision, error) {
	at := db.now().UTC().Truncate(time.Microsecond)
	var filed int64
	err := db.withRetry(ctx, func(tx pgx.Tx) error {
		var err error
		filed, err = assign(ctx, tx, revision, code, by, at)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("assign revision %d to unit %s: %w", revision, code, err)
	}
	return db.Revision(ctx, filed)
}

// assign does Assign's work within tx and returns the filed revision's
// id.
func assign(ctx context.Context, tx pgx.Tx, revision int64, code, by string, at time.Time) (int64, error) {
	var typed, subject, tmpl string
	var year int
	err := tx.QueryRow(ctx, `SELECT unit_name, year, subject, template_id FROM pending_units WHERE revision_id = $1 FOR UPDATE`, revision).
		Scan(&typed, &year, &subject, &tmpl)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("revision %d is not waiting for a unit: %w", revision, store.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	var done string
	err = tx.QueryRow(ctx, `SELECT unit_code FROM unit_assignments WHERE revision_id = $1`, revision).Scan(&done)
	if err == nil {
		return 0, fmt.Errorf("revision %d was assigned to unit %s already: %w", revision, done, store.ErrExists)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, err
	}
	var unit int64
	var name string
	err = tx.QueryRow(ctx, `SELECT id, name FROM units WHERE code = $1`, code).Scan(&unit, &name)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("unit %s: %w", code, store.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO submissions(unit_id, template_id, year, subject, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, unit, tmpl, year, subject, at); err != nil {
		return 0, fmt.Errorf("submission: %w", err)
	}
	// Locked as AddRevisionBatch locks it, so that revisions of the
	// submission are numbered one after the other.
	var sub int64
	if err := tx.QueryRow(ctx, `SELECT id FROM submissions WHERE unit_id = $1 AND template_id = $2 AND year = $3 AND subject = $4 FOR UPDATE`,
		unit, tmpl, year, subject).Scan(&sub); err != nil {
		return 0, fmt.Errorf("submission: %w", err)
	}
	// The same original is a revision of that submission already: the
	// assignment points at it.
	var filed int64
	err = tx.QueryRow(ctx, `SELECT r.id FROM revisions r, revisions o WHERE o.id = $1 AND r.submission_id = $2 AND r.blob_hash = o.blob_hash`,
		revision, sub).Scan(&filed)
	if errors.Is(err, pgx.ErrNoRows) {
		if filed, err = copyRevision(ctx, tx, revision, sub); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO unit_assignments(revision_id, unit_code, filed_id, assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5)`,
		revision, code, filed, by, at); err != nil {
		return 0, fmt.Errorf("assignment: %w", err)
	}
	if typed != name {
		// Another unit's name or alias stays that unit's: the assignment
		// holds without the alias.
		if _, err := addAlias(ctx, tx, unit, typed, at); err != nil && !errors.Is(err, store.ErrExists) {
			return 0, fmt.Errorf("alias: %w", err)
		}
	}
	return filed, nil
}

// copyRevision records, within tx, the next revision of submission sub as
// a copy of revision from (original, sheet, data, findings, status,
// uploader, upload time, values) and returns its id. The caller holds the
// submission's lock.
func copyRevision(ctx context.Context, tx pgx.Tx, from, sub int64) (int64, error) {
	var seq int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM revisions WHERE submission_id = $1`, sub).Scan(&seq); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO revisions(submission_id, seq, blob_hash, file_name, size,
		uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings, findings, data, total_score,
		sheet, fingerprint)
		SELECT $1, $2, blob_hash, file_name, size, uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings,
		findings, data, total_score, sheet, fingerprint FROM revisions WHERE id = $3 RETURNING id`, sub, seq, from).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO field_values(revision_id, path, type, raw, number, text, unit, cell)
		SELECT $1, path, type, raw, number, text, unit, cell FROM field_values WHERE revision_id = $2`, id, from); err != nil {
		return 0, fmt.Errorf("values: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO row_values(revision_id, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score)
		SELECT $1, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score FROM row_values WHERE revision_id = $2`, id, from); err != nil {
		return 0, fmt.Errorf("table rows: %w", err)
	}
	return id, nil
}
