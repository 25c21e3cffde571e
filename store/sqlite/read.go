package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/internal/doc"
)

const revisionColumns = `r.id, coalesce(r.submission_id, 0), r.seq, coalesce(u.name, ''), r.template_id, r.template_version,
	coalesce(s.year, 0), coalesce(s.subject, ''), r.blob_hash, r.file_name, r.size, r.uploaded_at, r.uploaded_by,
	r.status, r.errors, r.warnings, r.total_score, r.sheet, coalesce(u.code, '')`

const revisionFrom = ` FROM revisions r LEFT JOIN submissions s ON s.id = r.submission_id LEFT JOIN units u ON u.id = s.unit_id`

func scanRevision(row interface{ Scan(...any) error }) (*store.Revision, error) {
	var r store.Revision
	var at string
	var score sql.NullFloat64
	err := row.Scan(&r.ID, &r.SubmissionID, &r.Seq, &r.Unit, &r.TemplateID, &r.TemplateVersion, &r.Year, &r.Subject,
		&r.BlobHash, &r.FileName, &r.Size, &at, &r.UploadedBy, &r.Status, &r.Errors, &r.Warnings, &score, &r.Sheet, &r.UnitCode)
	if err != nil {
		return nil, err
	}
	r.UploadedAt, _ = time.Parse(time.RFC3339Nano, at)
	if score.Valid {
		r.TotalScore = &score.Float64
	}
	return &r, nil
}

// Revision implements store.Records.
func (db *DB) Revision(ctx context.Context, id int64) (*store.Revision, error) {
	r, err := scanRevision(db.ro.QueryRowContext(ctx, `SELECT `+revisionColumns+revisionFrom+` WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("revision %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("revision %d: %w", id, err)
	}
	return r, nil
}

func (db *DB) revisions(ctx context.Context, where string, args ...any) ([]*store.Revision, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT `+revisionColumns+revisionFrom+` `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Data implements store.Records. It reads documents compressed or not (see
// doc.Encode).
func (db *DB) Data(ctx context.Context, id int64) (*mapping.Result, error) {
	var data []byte
	err := db.ro.QueryRowContext(ctx, `SELECT data FROM revisions WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) || err == nil && data == nil {
		return nil, fmt.Errorf("data of revision %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("data of revision %d: %w", id, err)
	}
	res, err := doc.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("data of revision %d: %w", id, err)
	}
	return res, nil
}

// History implements store.Records.
func (db *DB) History(ctx context.Context, unit string) ([]*store.Revision, error) {
	var n int
	if err := db.ro.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE name = ?`, unit).Scan(&n); err != nil {
		return nil, fmt.Errorf("history %s: %w", unit, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("history %s: %w", unit, store.ErrNotFound)
	}
	out, err := db.revisions(ctx, `WHERE u.name = ? ORDER BY s.template_id, s.year, s.subject, r.seq`, unit)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", unit, err)
	}
	return out, nil
}

// Unidentified implements store.Records.
func (db *DB) Unidentified(ctx context.Context, by string) ([]*store.Revision, error) {
	out, err := db.revisions(ctx, `WHERE r.submission_id IS NULL AND r.id NOT IN (SELECT revision_id FROM pending_units) AND (? = '' OR r.uploaded_by = ?) ORDER BY r.id DESC`, by, by)
	if err != nil {
		return nil, fmt.Errorf("unidentified revisions: %w", err)
	}
	return out, nil
}

// LatestOf implements store.Records.
func (db *DB) LatestOf(ctx context.Context, submission int64) (*store.Revision, error) {
	revs, err := db.revisions(ctx, `WHERE r.submission_id = ? ORDER BY r.seq DESC LIMIT 1`, submission)
	if err != nil {
		return nil, fmt.Errorf("latest revision of submission %d: %w", submission, err)
	}
	if len(revs) == 0 {
		return nil, fmt.Errorf("latest revision of submission %d: %w", submission, store.ErrNotFound)
	}
	return revs[0], nil
}

// Latest implements store.Records.
func (db *DB) Latest(ctx context.Context, templateID string) ([]*store.Revision, error) {
	out, err := db.revisions(ctx, `WHERE r.submission_id IS NOT NULL
		AND r.seq = (SELECT max(seq) FROM revisions x WHERE x.submission_id = r.submission_id)
		AND (? = '' OR r.template_id = ?) ORDER BY u.name, s.year, r.template_id, s.subject`, templateID, templateID)
	if err != nil {
		return nil, fmt.Errorf("latest revisions: %w", err)
	}
	return out, nil
}

// Blobs implements store.Records.
func (db *DB) Blobs(ctx context.Context) (map[string][]int64, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT blob_hash, id FROM revisions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list blobs: %w", err)
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var h string
		var id int64
		if err := rows.Scan(&h, &id); err != nil {
			return nil, fmt.Errorf("list blobs: %w", err)
		}
		out[h] = append(out[h], id)
	}
	return out, rows.Err()
}

// Check implements store.Records.
func (db *DB) Check(ctx context.Context) ([]store.Problem, error) {
	var out []store.Problem
	queries := []struct{ sql, msg string }{
		{`SELECT 0, 'integrity: ' || integrity_check FROM pragma_integrity_check WHERE integrity_check != 'ok'`, ""},
		{`SELECT DISTINCT revision_id, 'field value without revision' FROM field_values WHERE revision_id NOT IN (SELECT id FROM revisions)`, ""},
		{`SELECT DISTINCT revision_id, 'table row without revision' FROM row_values WHERE revision_id NOT IN (SELECT id FROM revisions)`, ""},
		{`SELECT id, 'revision of a missing submission' FROM revisions WHERE submission_id IS NOT NULL AND submission_id NOT IN (SELECT id FROM submissions)`, ""},
		{`SELECT max(id), 'revision numbers of submission ' || submission_id || ' have gaps' FROM revisions
			WHERE submission_id IS NOT NULL GROUP BY submission_id HAVING count(*) != max(seq)`, ""},
	}
	for _, q := range queries {
		rows, err := db.ro.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("check records: %w", err)
		}
		for rows.Next() {
			var p store.Problem
			if err := rows.Scan(&p.Revision, &p.Message); err != nil {
				rows.Close()
				return nil, fmt.Errorf("check records: %w", err)
			}
			out = append(out, p)
		}
		rows.Close()
	}
	return out, nil
}

// Query implements store.Records. It runs on a read-only connection
// (query_only), so a statement that writes fails in SQLite itself.
func (db *DB) Query(ctx context.Context, q string) ([]string, [][]any, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil, errors.New("query: empty statement")
	}
	rows, err := db.ro.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("query: %w", err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	return cols, out, nil
}
