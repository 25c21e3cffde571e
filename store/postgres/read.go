package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/internal/doc"
)

const revisionColumns = `r.id, coalesce(r.submission_id, 0), r.seq, coalesce(u.name, ''), r.template_id, r.template_version,
	coalesce(s.year, 0), coalesce(s.subject, ''), r.blob_hash, r.file_name, r.size, r.uploaded_at, r.uploaded_by,
	r.status, r.errors, r.warnings, r.total_score, r.sheet, coalesce(u.code, '')`

const revisionFrom = ` FROM revisions r LEFT JOIN submissions s ON s.id = r.submission_id LEFT JOIN units u ON u.id = s.unit_id`

func scanRevision(row pgx.Row) (*store.Revision, error) {
	var r store.Revision
	err := row.Scan(&r.ID, &r.SubmissionID, &r.Seq, &r.Unit, &r.TemplateID, &r.TemplateVersion, &r.Year, &r.Subject,
		&r.BlobHash, &r.FileName, &r.Size, &r.UploadedAt, &r.UploadedBy, &r.Status, &r.Errors, &r.Warnings, &r.TotalScore, &r.Sheet, &r.UnitCode)
	if err != nil {
		return nil, err
	}
	r.UploadedAt = r.UploadedAt.UTC()
	return &r, nil
}

// Revision implements store.Records.
func (db *DB) Revision(ctx context.Context, id int64) (*store.Revision, error) {
	r, err := scanRevision(db.pool.QueryRow(ctx, `SELECT `+revisionColumns+revisionFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("revision %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("revision %d: %w", id, err)
	}
	return r, nil
}

func (db *DB) revisions(ctx context.Context, where string, args ...any) ([]*store.Revision, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+revisionColumns+revisionFrom+` `+where, args...)
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

// Data implements store.Records.
func (db *DB) Data(ctx context.Context, id int64) (*mapping.Result, error) {
	var data []byte
	err := db.pool.QueryRow(ctx, `SELECT data FROM revisions WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && data == nil {
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
	var found bool
	if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE name = $1)`, unit).Scan(&found); err != nil {
		return nil, fmt.Errorf("history %s: %w", unit, err)
	}
	if !found {
		return nil, fmt.Errorf("history %s: %w", unit, store.ErrNotFound)
	}
	out, err := db.revisions(ctx, `WHERE u.name = $1 ORDER BY s.template_id, s.year, s.subject, r.seq`, unit)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", unit, err)
	}
	return out, nil
}

// Unidentified implements store.Records.
func (db *DB) Unidentified(ctx context.Context, by string) ([]*store.Revision, error) {
	out, err := db.revisions(ctx, `WHERE r.submission_id IS NULL AND NOT EXISTS (SELECT 1 FROM pending_units p WHERE p.revision_id = r.id)
		AND ($1 = '' OR r.uploaded_by = $1) ORDER BY r.id DESC`, by)
	if err != nil {
		return nil, fmt.Errorf("unidentified revisions: %w", err)
	}
	return out, nil
}

// LatestOf implements store.Records.
func (db *DB) LatestOf(ctx context.Context, submission int64) (*store.Revision, error) {
	revs, err := db.revisions(ctx, `WHERE r.submission_id = $1 ORDER BY r.seq DESC LIMIT 1`, submission)
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
		AND ($1 = '' OR r.template_id = $1) ORDER BY u.name, s.year, r.template_id, s.subject`, templateID)
	if err != nil {
		return nil, fmt.Errorf("latest revisions: %w", err)
	}
	return out, nil
}

// Blobs implements store.Records.
func (db *DB) Blobs(ctx context.Context) (map[string][]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT blob_hash, id FROM revisions ORDER BY id`)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list blobs: %w", err)
	}
	return out, nil
}

// Check implements store.Records.
func (db *DB) Check(ctx context.Context) ([]store.Problem, error) {
	var out []store.Problem
	for _, q := range []string{
		`SELECT DISTINCT revision_id, 'field value without revision' FROM field_values WHERE revision_id NOT IN (SELECT id FROM revisions)`,
		`SELECT DISTINCT revision_id, 'table row without revision' FROM row_values WHERE revision_id NOT IN (SELECT id FROM revisions)`,
		`SELECT id, 'revision of a missing submission' FROM revisions WHERE submission_id IS NOT NULL AND submission_id NOT IN (SELECT id FROM submissions)`,
		`SELECT max(id), 'revision numbers of submission ' || submission_id || ' have gaps' FROM revisions
			WHERE submission_id IS NOT NULL GROUP BY submission_id HAVING count(*) != max(seq)`,
	} {
		rows, err := db.pool.Query(ctx, q)
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
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("check records: %w", err)
		}
	}
	return out, nil
}

// Query implements store.Records. It runs in a READ ONLY transaction that
// is rolled back, so a statement that writes fails in PostgreSQL itself;
// one statement only (the extended protocol refuses several). Values come
// back as the SQLite store's do: integers as int64, numbers as float64,
// times as RFC 3339 text in UTC, JSON as its text, bytes as a string.
func (db *DB) Query(ctx context.Context, q string) ([]string, [][]any, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil, errors.New("query: empty statement")
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var cols []string
	for _, f := range rows.FieldDescriptions() {
		cols = append(cols, f.Name)
	}
	var out [][]any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, nil, fmt.Errorf("query: %w", err)
		}
		for i, v := range vals {
			vals[i] = plain(v)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	return cols, out, nil
}

// plain is a value of Query as the SQLite store gives it.
func plain(v any) any {
	switch x := v.(type) {
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float32:
		return float64(x)
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		return f.Float64
	case map[string]any, []any:
		j, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(j)
	}
	return v
}
