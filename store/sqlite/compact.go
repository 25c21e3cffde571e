package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jxsync/jxsync/store/internal/doc"
)

// compactDocuments is the Go step of migration 0006: it compresses the
// documents (revisions.data) stored as JSON text before it. Revisions are
// never updated, so the trigger refusing it is dropped for the rewrite and
// recreated as it was, all within the migration's transaction.
func compactDocuments(ctx context.Context, tx *sql.Tx) (bool, error) {
	var trigger string
	err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'revisions_never_updated'`).Scan(&trigger)
	if err != nil {
		return false, fmt.Errorf("compact data: trigger: %w", err)
	}
	ids, err := textDocuments(ctx, tx)
	if err != nil || len(ids) == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DROP TRIGGER revisions_never_updated`); err != nil {
		return false, fmt.Errorf("compact data: %w", err)
	}
	for _, id := range ids {
		var j []byte
		if err := tx.QueryRowContext(ctx, `SELECT data FROM revisions WHERE id = ?`, id).Scan(&j); err != nil {
			return false, fmt.Errorf("compact data of revision %d: %w", id, err)
		}
		d, err := doc.CompressJSON(j)
		if err != nil {
			return false, fmt.Errorf("compact data of revision %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE revisions SET data = ? WHERE id = ?`, d, id); err != nil {
			return false, fmt.Errorf("compact data of revision %d: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, trigger); err != nil {
		return false, fmt.Errorf("compact data: restore trigger: %w", err)
	}
	return true, nil
}

// textDocuments lists the revisions whose document is JSON text.
func textDocuments(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM revisions WHERE typeof(data) = 'text' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("compact data: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("compact data: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("compact data: %w", err)
	}
	return ids, nil
}
