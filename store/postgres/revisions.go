package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jxsync/jxsync/store/internal/ids"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// AddRevisions implements store.Records.
func (db *DB) AddRevisions(ctx context.Context, nrs []*store.NewRevision) ([]*store.Revision, []string, error) {
	if len(nrs) == 0 {
		return nil, nil, nil
	}
	revs, outs, err := db.AddRevisionBatch(ctx, [][]*store.NewRevision{nrs})
	if err != nil {
		return nil, nil, err
	}
	return revs[0], outs[0], nil
}

// AddRevisionBatch implements store.Records: the forms of many files in one
// transaction, in order. Each submission a form belongs to is locked
// (SELECT … FOR UPDATE) before its latest revision is read, so that
// several servers adding revisions of one submission at once number them
// one after the other; a transaction that conflicts with another (a
// deadlock, a unit or text both add) runs again.
func (db *DB) AddRevisionBatch(ctx context.Context, files [][]*store.NewRevision) ([][]*store.Revision, [][]string, error) {
	return db.addRevisionBatch(ctx, files, nil)
}

// addRevisionBatch is AddRevisionBatch running also, when not nil, before
// the transaction ends.
func (db *DB) addRevisionBatch(ctx context.Context, files [][]*store.NewRevision,
	also func(tx pgx.Tx, revs [][]*store.Revision, outs [][]string) error) ([][]*store.Revision, [][]string, error) {
	file := ""
	for _, nrs := range files {
		for _, nr := range nrs {
			if file == "" {
				file = nr.FileName
			}
			if !store.ValidHash(nr.BlobHash) {
				return nil, nil, fmt.Errorf("add revision %s: %w", nr.FileName, store.ErrBadHash)
			}
		}
	}
	now := db.now()
	var revs [][]*store.Revision
	var outs [][]string
	var ids *idCache
	err := db.withRetry(ctx, func(tx pgx.Tx) error {
		ids = &idCache{paths: map[string]int64{}, texts: map[string]int64{}, committed: &db.ids}
		revs = make([][]*store.Revision, len(files))
		outs = make([][]string, len(files))
		for f, nrs := range files {
			revs[f] = make([]*store.Revision, len(nrs))
			outs[f] = make([]string, len(nrs))
			for i, nr := range nrs {
				var err error
				if revs[f][i], outs[f][i], err = addRevision(ctx, tx, ids, nr, now); err != nil {
					return fmt.Errorf("add revision %s: %w", nr.FileName, err)
				}
			}
		}
		if also != nil {
			return also(tx, revs, outs)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	db.ids.Keep(ids.paths, ids.texts)
	return revs, outs, nil
}

// addRevision records one form within tx and returns its revision (made
// from what was written, not read back) and the outcome.
func addRevision(ctx context.Context, tx pgx.Tx, ids *idCache, nr *store.NewRevision, now time.Time) (*store.Revision, string, error) {
	at := nr.UploadedAt
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Microsecond) // what timestamptz keeps
	if _, err := tx.Exec(ctx, `INSERT INTO templates(id, version, title) VALUES ($1, $2, $3)
		ON CONFLICT (id, version) DO NOTHING`, nr.TemplateID, nr.TemplateVersion, nr.TemplateTitle); err != nil {
		return nil, "", fmt.Errorf("template: %w", err)
	}
	var sub *int64
	seq, outcome := 0, store.OutcomeImported
	var existing int64
	unitName, unitCode := nr.Unit, ""
	if nr.Unit != "" || nr.UnitCode != "" {
		id, name, code, created, err := upsertSubmission(ctx, tx, nr, at)
		if err != nil {
			return nil, "", err
		}
		sub = &id
		unitName, unitCode = name, code
		seq = 1
		if !created { // a submission just added has no revision yet
			var latest int64
			var print string
			var last int
			err = tx.QueryRow(ctx, `SELECT id, fingerprint, seq FROM revisions WHERE submission_id = $1 ORDER BY seq DESC LIMIT 1`, id).Scan(&latest, &print, &last)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, "", err
			}
			if latest != 0 && nr.Fingerprint != "" && print == nr.Fingerprint {
				return existingRevision(ctx, tx, latest)
			}
			if latest != 0 {
				err = tx.QueryRow(ctx, `SELECT id FROM revisions WHERE submission_id = $1 AND blob_hash = $2`, id, nr.BlobHash).Scan(&existing)
				if err != nil && !errors.Is(err, pgx.ErrNoRows) {
					return nil, "", err
				}
			}
			seq = last + 1
		}
		if seq > 1 {
			outcome = store.OutcomeUpdated
		}
	} else {
		err := tx.QueryRow(ctx, `SELECT id FROM revisions WHERE submission_id IS NULL AND blob_hash = $1 AND sheet = $2`,
			nr.BlobHash, nr.Sheet).Scan(&existing)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, "", err
		}
	}
	if existing != 0 {
		r, out, err := existingRevision(ctx, tx, existing)
		if err == nil && sub == nil && nr.PendingUnit != "" {
			// The same form again is still waiting, unless it was
			// assigned meanwhile.
			waiting, err := isWaiting(ctx, tx, existing)
			if err != nil {
				return nil, "", err
			}
			if waiting {
				out = store.OutcomePending
			}
		}
		return r, out, err
	}
	enc, err := nr.Encoding()
	if err != nil {
		return nil, "", err
	}
	errs, warns := count(nr.Findings)
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO revisions(submission_id, seq, blob_hash, file_name, size,
		uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings, findings, data, total_score,
		sheet, fingerprint)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		sub, seq, nr.BlobHash, nr.FileName, nr.Size, at, nr.UploadedBy, nr.TemplateID, nr.TemplateVersion,
		nr.Status, errs, warns, string(enc.Findings), enc.Data, nr.TotalScore, nr.Sheet, nr.Fingerprint).Scan(&id)
	if err != nil {
		return nil, "", err
	}
	if nr.Result != nil {
		if err := writeValues(ctx, tx, ids, id, nr.Result, nr.Met); err != nil {
			return nil, "", err
		}
	}
	if sub == nil && nr.PendingUnit != "" {
		if _, err := tx.Exec(ctx, `INSERT INTO pending_units(revision_id, unit_name, year, subject, template_id) VALUES ($1, $2, $3, $4, $5)`,
			id, nr.PendingUnit, nr.Year, nr.Subject, nr.TemplateID); err != nil {
			return nil, "", fmt.Errorf("pending unit: %w", err)
		}
		outcome = store.OutcomePending
	}
	r := &store.Revision{ID: id, Seq: seq, Unit: unitName, UnitCode: unitCode, TemplateID: nr.TemplateID,
		TemplateVersion: nr.TemplateVersion, BlobHash: nr.BlobHash, FileName: nr.FileName,
		Sheet: nr.Sheet, Size: nr.Size, UploadedAt: at, UploadedBy: nr.UploadedBy, Status: nr.Status,
		Errors: errs, Warnings: warns, TotalScore: nr.TotalScore}
	if sub != nil {
		r.SubmissionID, r.Year, r.Subject = *sub, nr.Year, nr.Subject
	}
	return r, outcome, nil
}

// existingRevision reads, within tx, a revision a form turned out to be.
func existingRevision(ctx context.Context, tx pgx.Tx, id int64) (*store.Revision, string, error) {
	r, err := scanRevision(tx.QueryRow(ctx, `SELECT `+revisionColumns+revisionFrom+` WHERE r.id = $1`, id))
	if err != nil {
		return nil, "", fmt.Errorf("revision %d: %w", id, err)
	}
	return r, store.OutcomeUnchanged, nil
}

// upsertSubmission returns the id of nr's submission, its unit's name
// and code and whether it was added, adding the submission (and, filed by
// name, the unit) when missing, and locks it until tx ends: the registered
// unit nr.UnitCode, else the unit named nr.Unit.
func upsertSubmission(ctx context.Context, tx pgx.Tx, nr *store.NewRevision, at time.Time) (int64, string, string, bool, error) {
	var unit int64
	var name, code string
	if nr.UnitCode != "" {
		err := tx.QueryRow(ctx, `SELECT id, name, code FROM units WHERE code = $1`, nr.UnitCode).Scan(&unit, &name, &code)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, "", "", false, fmt.Errorf("unit %s: %w", nr.UnitCode, store.ErrNotFound)
		}
		if err != nil {
			return 0, "", "", false, fmt.Errorf("unit: %w", err)
		}
	} else {
		if _, err := tx.Exec(ctx, `INSERT INTO units(name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, nr.Unit, at); err != nil {
			return 0, "", "", false, fmt.Errorf("unit: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT id, name, code FROM units WHERE name = $1`, nr.Unit).Scan(&unit, &name, &code); err != nil {
			return 0, "", "", false, fmt.Errorf("unit: %w", err)
		}
	}
	// A row this transaction added is its own until it ends.
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO submissions(unit_id, template_id, year, subject, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`, unit, nr.TemplateID, nr.Year, nr.Subject, at).Scan(&id)
	if err == nil {
		return id, name, code, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, "", "", false, fmt.Errorf("submission: %w", err)
	}
	err = tx.QueryRow(ctx, `SELECT id FROM submissions WHERE unit_id = $1 AND template_id = $2 AND year = $3 AND subject = $4 FOR UPDATE`,
		unit, nr.TemplateID, nr.Year, nr.Subject).Scan(&id)
	if err != nil {
		return 0, "", "", false, fmt.Errorf("submission: %w", err)
	}
	return id, name, code, false, nil
}

// idCache holds the ids of the table paths and texts a transaction has
// seen, and those of committed transactions.
type idCache struct {
	paths, texts map[string]int64
	committed    *ids.Committed
}

// known reports whether the id of key is in cache (or, then copied
// there, among the committed ones of paths or texts).
func (c *idCache) known(cache map[string]int64, paths bool, key string) bool {
	if _, ok := cache[key]; ok {
		return true
	}
	if c.committed == nil {
		return false
	}
	id, ok := c.committed.Lookup(paths, key)
	if ok {
		cache[key] = id
	}
	return ok
}

// tablePath is a table a row was read from.
type tablePath struct {
	path, name string
	block      pgtype.Int4
}

// writeValues writes every field value and table row of res (see
// migration 0006), with COPY.
func writeValues(ctx context.Context, tx pgx.Tx, ids *idCache, rev int64, res *mapping.Result, met map[string]map[int]bool) error {
	var fields [][]any
	type table struct {
		tablePath
		rows []mapping.Row
	}
	var tables []table
	addFields := func(prefix string, vals map[string]mapping.Value) {
		for name, v := range vals {
			fields = append(fields, []any{rev, prefix + name, string(v.Type), v.Raw, v.Number, v.Text, v.Unit, v.Cell})
		}
	}
	addTables := func(prefix string, block pgtype.Int4, ts map[string][]mapping.Row) {
		for name, rows := range ts {
			tables = append(tables, table{tablePath{prefix + name, name, block}, rows})
		}
	}
	addFields("fields.", res.Fields)
	addTables("tables.", pgtype.Int4{}, res.Tables)
	for name, insts := range res.Blocks {
		for i, b := range insts {
			prefix := fmt.Sprintf("blocks.%s[%d].", name, i)
			addFields(prefix+"fields.", b.Fields)
			addTables(prefix+"tables.", pgtype.Int4{Int32: int32(i), Valid: true}, b.Tables)
		}
	}
	var paths []tablePath
	var texts []string
	for _, t := range tables {
		paths = append(paths, t.tablePath)
		for _, r := range t.rows {
			for _, col := range []string{"level1", "level2", "level3"} {
				if v := r.Value(col); v.Text != "" {
					texts = append(texts, v.Text)
				}
			}
		}
	}
	if err := ids.resolvePaths(ctx, tx, paths); err != nil {
		return err
	}
	if err := ids.resolveTexts(ctx, tx, texts); err != nil {
		return err
	}
	var rows [][]any
	for _, t := range tables {
		for i, r := range t.rows {
			var m *bool
			if ok, has := met[t.path][i]; has {
				m = &ok
			}
			v := r.Map()
			row := []any{rev, ids.paths[t.path], int32(i), int32(r.Row), m}
			for _, col := range []string{"level1", "level2", "level3"} {
				var id *int64
				if s := v[col].Text; s != "" {
					n := ids.texts[s]
					id = &n
				}
				row = append(row, id)
			}
			rows = append(rows, append(row, raw(v, "target"), raw(v, "actual"), v["weight"].Number, v["score"].Number))
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"field_values"},
		[]string{"revision_id", "path", "type", "raw", "number", "text", "unit", "cell"}, pgx.CopyFromRows(fields)); err != nil {
		return fmt.Errorf("values: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"row_values"},
		[]string{"revision_id", "path_id", "row_index", "sheet_row", "met", "level1", "level2", "level3", "target", "actual", "weight", "score"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("table rows: %w", err)
	}
	return nil
}

// resolvePaths adds the ids of paths to the cache, adding the paths not
// stored yet (in the order of their names, so that two transactions take
// their locks in one order).
func (c *idCache) resolvePaths(ctx context.Context, tx pgx.Tx, paths []tablePath) error {
	var names, tables []string
	var blocks []pgtype.Int4
	seen := map[string]bool{}
	sort.Slice(paths, func(i, j int) bool { return paths[i].path < paths[j].path })
	for _, p := range paths {
		if seen[p.path] || c.known(c.paths, true, p.path) {
			continue
		}
		seen[p.path] = true
		names, tables, blocks = append(names, p.path), append(tables, p.name), append(blocks, p.block)
	}
	if len(names) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO table_paths(path, table_name, block_index)
		SELECT * FROM unnest($1::text[], $2::text[], $3::integer[]) ON CONFLICT (path) DO NOTHING`, names, tables, blocks); err != nil {
		return fmt.Errorf("table paths: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT path, id FROM table_paths WHERE path = ANY($1)`, names)
	if err != nil {
		return fmt.Errorf("table paths: %w", err)
	}
	return collectIDs(rows, c.paths, len(names), "table paths")
}

// resolveTexts is resolvePaths for texts.
func (c *idCache) resolveTexts(ctx context.Context, tx pgx.Tx, texts []string) error {
	var add []string
	seen := map[string]bool{}
	sort.Strings(texts)
	for _, t := range texts {
		if seen[t] || c.known(c.texts, false, t) {
			continue
		}
		seen[t] = true
		add = append(add, t)
	}
	if len(add) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO texts(text) SELECT unnest($1::text[]) ON CONFLICT ((md5(text))) DO NOTHING`, add); err != nil {
		return fmt.Errorf("texts: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT text, id FROM texts WHERE md5(text) IN (SELECT md5(t) FROM unnest($1::text[]) t)`, add)
	if err != nil {
		return fmt.Errorf("texts: %w", err)
	}
	return collectIDs(rows, c.texts, len(add), "texts")
}

// collectIDs adds the (key, id) rows to cache and checks that want keys
// were read.
func collectIDs(rows pgx.Rows, cache map[string]int64, want int, what string) error {
	n := 0
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", what, err)
		}
		cache[k] = id
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n != want {
		return fmt.Errorf("%s: %d of %d found", what, n, want)
	}
	return nil
}

// raw is a row's column's Raw, NULL when the row has no such column.
func raw(vals map[string]mapping.Value, col string) *string {
	v, ok := vals[col]
	if !ok {
		return nil
	}
	return &v.Raw
}

func count(fs []mapping.Finding) (errs, warns int) {
	for _, f := range fs {
		if f.Severity == mapping.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return
}
