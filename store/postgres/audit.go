package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jxsync/jxsync/store"
)

var (
	_ store.Audit        = (*DB)(nil)
	_ store.AuditedBatch = (*DB)(nil)
)

// Append implements store.Audit.
func (db *DB) Append(ctx context.Context, e *store.AuditEntry) error {
	return db.AppendBatch(ctx, []*store.AuditEntry{e})
}

// AppendBatch implements store.Audit.
func (db *DB) AppendBatch(ctx context.Context, es []*store.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return db.appendAudit(ctx, tx, es) })
}

// appendAudit writes entries within tx.
func (db *DB) appendAudit(ctx context.Context, tx pgx.Tx, es []*store.AuditEntry) error {
	now := db.now()
	for _, e := range es {
		if e.Action == "" || e.Actor == "" {
			return fmt.Errorf("append audit: an entry needs its actor and action (%q, %q)", e.Actor, e.Action)
		}
		if e.At.IsZero() {
			e.At = now
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		var rev *int64
		if e.Revision != 0 {
			rev = &e.Revision
		}
		err := tx.QueryRow(ctx, `INSERT INTO audit_log(at, actor, role, address, action, unit_code, revision, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			e.At, e.Actor, e.Role, e.Address, e.Action, e.UnitCode, rev, e.Detail).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
	}
	return nil
}

// List implements store.Audit.
func (db *DB) List(ctx context.Context, f store.AuditFilter) ([]*store.AuditEntry, error) {
	var where []string
	var args []any
	if f.Unit != "" {
		args = append(args, f.Unit)
		where = append(where, fmt.Sprintf("unit_code = $%d", len(args)))
	}
	if !f.Since.IsZero() {
		args = append(args, f.Since.UTC())
		where = append(where, fmt.Sprintf("at >= $%d", len(args)))
	}
	q := `SELECT id, at, actor, role, address, action, unit_code, coalesce(revision, 0), detail FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []*store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Role, &e.Address, &e.Action, &e.UnitCode, &e.Revision, &e.Detail); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	// Oldest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// AddRevisionBatchAudited implements store.AuditedBatch: AddRevisionBatch
// writing the entries in the batch's transaction.
func (db *DB) AddRevisionBatchAudited(ctx context.Context, files [][]*store.NewRevision,
	entries func(revs [][]*store.Revision, outcomes [][]string) []*store.AuditEntry) ([][]*store.Revision, [][]string, error) {
	return db.addRevisionBatch(ctx, files, func(tx pgx.Tx, revs [][]*store.Revision, outs [][]string) error {
		return db.appendAudit(ctx, tx, entries(revs, outs))
	})
}
