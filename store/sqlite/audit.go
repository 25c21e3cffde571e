package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store"
)

var (
	_ store.Audit        = (*DB)(nil)
	_ store.AuditedBatch = (*DB)(nil)
)

// auditTime is the layout of audit_log.at: UTC, fixed width, so that the
// text order is the time order.
const auditTime = "2006-01-02T15:04:05.000000Z"

// Append implements store.Audit.
func (db *DB) Append(ctx context.Context, e *store.AuditEntry) error {
	return db.AppendBatch(ctx, []*store.AuditEntry{e})
}

// AppendBatch implements store.Audit.
func (db *DB) AppendBatch(ctx context.Context, es []*store.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	defer tx.Rollback()
	if err := db.appendAudit(ctx, tx, es); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append audit: commit: %w", err)
	}
	return nil
}

// appendAudit writes entries within tx.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, es []*store.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	st, err := db.txStmts(ctx, tx).get(qAudit) // closed with tx
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	now := db.now()
	for _, e := range es {
		if e.Action == "" || e.Actor == "" {
			return fmt.Errorf("append audit: an entry needs its actor and action (%q, %q)", e.Actor, e.Action)
		}
		if e.At.IsZero() {
			e.At = now
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		rev := sql.NullInt64{Int64: e.Revision, Valid: e.Revision != 0}
		res, err := st.ExecContext(ctx, e.At.Format(auditTime), e.Actor, e.Role, e.Address, e.Action, e.UnitCode, rev, e.Detail)
		if err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
		e.ID, _ = res.LastInsertId()
	}
	return nil
}

// List implements store.Audit.
func (db *DB) List(ctx context.Context, f store.AuditFilter) ([]*store.AuditEntry, error) {
	var where []string
	var args []any
	if f.Unit != "" {
		where, args = append(where, "unit_code = ?"), append(args, f.Unit)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since.UTC().Format(auditTime))
	}
	q := `SELECT id, at, actor, role, address, action, unit_code, revision, detail FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.ro.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []*store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at string
		var rev sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Role, &e.Address, &e.Action, &e.UnitCode, &rev, &e.Detail); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At, _ = time.Parse(auditTime, at)
		e.Revision = rev.Int64
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
	return db.addRevisionBatch(ctx, files, func(tx *sql.Tx, revs [][]*store.Revision, outs [][]string) error {
		return db.appendAudit(ctx, tx, entries(revs, outs))
	})
}
