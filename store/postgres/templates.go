package postgres

import (
	"context"
	"fmt"

	"github.com/jxsync/jxsync/store"
)

// AddTemplate implements store.Templates.
func (db *DB) AddTemplate(ctx context.Context, t *store.CustomTemplate) error {
	if !store.ValidHash(t.BlankHash) {
		return fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, store.ErrBadHash)
	}
	at := t.AddedAt
	if at.IsZero() {
		at = db.now()
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO templates_custom(id, version, mapping_yaml, template_blob_hash, added_at, added_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.Version, string(t.MappingYAML), t.BlankHash, at, t.AddedBy)
	if isUnique(err) {
		return fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, err)
	}
	return nil
}

// CustomTemplates implements store.Templates.
func (db *DB) CustomTemplates(ctx context.Context) ([]*store.CustomTemplate, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, version, mapping_yaml, template_blob_hash, added_at, added_by
		FROM templates_custom ORDER BY id, version`)
	if err != nil {
		return nil, fmt.Errorf("stored templates: %w", err)
	}
	defer rows.Close()
	var out []*store.CustomTemplate
	for rows.Next() {
		var t store.CustomTemplate
		var yaml string
		if err := rows.Scan(&t.ID, &t.Version, &yaml, &t.BlankHash, &t.AddedAt, &t.AddedBy); err != nil {
			return nil, fmt.Errorf("stored templates: %w", err)
		}
		t.MappingYAML = []byte(yaml)
		t.AddedAt = t.AddedAt.UTC()
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stored templates: %w", err)
	}
	return out, nil
}
