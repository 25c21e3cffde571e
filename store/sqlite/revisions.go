package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/internal/doc"
)

// AddRevision records one form; see AddRevisions.
func (db *DB) AddRevision(ctx context.Context, nr *store.NewRevision) (*store.Revision, string, error) {
	revs, outs, err := db.AddRevisions(ctx, []*store.NewRevision{nr})
	if err != nil {
		return nil, "", err
	}
	return revs[0], outs[0], nil
}

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
// transaction (one commit, one sync), in order.
func (db *DB) AddRevisionBatch(ctx context.Context, files [][]*store.NewRevision) ([][]*store.Revision, [][]string, error) {
	return db.addRevisionBatch(ctx, files, nil)
}

// addRevisionBatch is AddRevisionBatch; before is, when not nil, run
// within the transaction before it commits, with what was recorded.
func (db *DB) addRevisionBatch(ctx context.Context, files [][]*store.NewRevision,
	before func(tx *sql.Tx, revs [][]*store.Revision, outs [][]string) error) ([][]*store.Revision, [][]string, error) {
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
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("add revision %s: %w", file, err)
	}
	defer tx.Rollback()
	st, err := prepareInserts(ctx, tx)
	if err != nil {
		return nil, nil, fmt.Errorf("add revision %s: %w", file, err)
	}
	defer st.close()
	revs := make([][]*store.Revision, len(files))
	outs := make([][]string, len(files))
	for f, nrs := range files {
		revs[f] = make([]*store.Revision, len(nrs))
		outs[f] = make([]string, len(nrs))
		for i, nr := range nrs {
			if revs[f][i], outs[f][i], err = db.addRevision(ctx, tx, st, nr); err != nil {
				return nil, nil, fmt.Errorf("add revision %s: %w", nr.FileName, err)
			}
		}
	}
	if before != nil {
		if err := before(tx, revs, outs); err != nil {
			return nil, nil, fmt.Errorf("add revision %s: %w", file, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("add revision %s: commit: %w", file, err)
	}
	return revs, outs, nil
}

// addRevision records one form within tx and returns its revision (made
// from what was written, not read back) and the outcome.
func (db *DB) addRevision(ctx context.Context, tx *sql.Tx, st *inserts, nr *store.NewRevision) (*store.Revision, string, error) {
	at := nr.UploadedAt
	if at.IsZero() {
		at = db.now()
	}
	stamp := at.UTC().Format(time.RFC3339Nano)
	if _, err := tx.ExecContext(ctx, `INSERT INTO templates(id, version, title) VALUES (?, ?, ?)
		ON CONFLICT(id, version) DO NOTHING`, nr.TemplateID, nr.TemplateVersion, nr.TemplateTitle); err != nil {
		return nil, "", fmt.Errorf("template: %w", err)
	}
	var sub sql.NullInt64
	seq, outcome := 0, store.OutcomeImported
	var existing int64
	unitName, unitCode := nr.Unit, ""
	if filed(nr) {
		id, name, code, err := upsertSubmission(ctx, tx, nr, stamp)
		if err != nil {
			return nil, "", err
		}
		sub = sql.NullInt64{Int64: id, Valid: true}
		unitName, unitCode = name, code
		var latest int64
		var print string
		err = tx.QueryRowContext(ctx, `SELECT id, fingerprint FROM revisions WHERE submission_id = ? ORDER BY seq DESC LIMIT 1`, id).Scan(&latest, &print)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, "", err
		}
		if latest != 0 && nr.Fingerprint != "" && print == nr.Fingerprint {
			return existingRevision(ctx, tx, latest)
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM revisions WHERE submission_id = ? AND blob_hash = ?`, id, nr.BlobHash).Scan(&existing)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, "", err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM revisions WHERE submission_id = ?`, id).Scan(&seq); err != nil {
			return nil, "", err
		}
		if seq > 1 {
			outcome = store.OutcomeUpdated
		}
	} else {
		err := tx.QueryRowContext(ctx, `SELECT id FROM revisions WHERE submission_id IS NULL AND blob_hash = ? AND sheet = ?`,
			nr.BlobHash, nr.Sheet).Scan(&existing)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, "", err
		}
	}
	if existing != 0 {
		r, out, err := existingRevision(ctx, tx, existing)
		if err == nil && !filed(nr) && nr.PendingUnit != "" {
			if waiting, err := isWaiting(ctx, tx, existing); err != nil {
				return nil, "", err
			} else if waiting {
				out = store.OutcomePending
			}
		}
		return r, out, err
	}
	findings, err := json.Marshal(nonNil(nr.Findings))
	if err != nil {
		return nil, "", err
	}
	var data []byte
	if nr.Result != nil {
		if data, err = doc.Encode(nr.Result); err != nil {
			return nil, "", err
		}
	}
	errs, warns := count(nr.Findings)
	res, err := tx.ExecContext(ctx, `INSERT INTO revisions(submission_id, seq, blob_hash, file_name, size,
		uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings, findings, data, total_score,
		sheet, fingerprint)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub, seq, nr.BlobHash, nr.FileName, nr.Size, stamp, nr.UploadedBy, nr.TemplateID, nr.TemplateVersion,
		nr.Status, errs, warns, string(findings), data, nr.TotalScore, nr.Sheet, nr.Fingerprint)
	if err != nil {
		return nil, "", err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, "", err
	}
	if nr.Result != nil {
		if err := st.values(ctx, id, nr.Result, nr.Met); err != nil {
			return nil, "", err
		}
	}
	if !filed(nr) && nr.PendingUnit != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO pending_units(revision_id, unit_name, year, subject, template_id) VALUES (?, ?, ?, ?, ?)`,
			id, nr.PendingUnit, nr.Year, nr.Subject, nr.TemplateID); err != nil {
			return nil, "", fmt.Errorf("pending unit: %w", err)
		}
		outcome = store.OutcomePending
	}
	return &store.Revision{ID: id, SubmissionID: sub.Int64, Seq: seq, Unit: unitName, UnitCode: unitCode, TemplateID: nr.TemplateID,
		TemplateVersion: nr.TemplateVersion, Year: yearOf(nr), Subject: subjectOf(nr), BlobHash: nr.BlobHash, FileName: nr.FileName,
		Sheet: nr.Sheet, Size: nr.Size, UploadedAt: at.UTC(), UploadedBy: nr.UploadedBy, Status: nr.Status,
		Errors: errs, Warnings: warns, TotalScore: nr.TotalScore}, outcome, nil
}

// existingRevision reads, within tx, a revision a form turned out to be.
func existingRevision(ctx context.Context, tx *sql.Tx, id int64) (*store.Revision, string, error) {
	r, err := scanRevision(tx.QueryRowContext(ctx, `SELECT `+revisionColumns+revisionFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, "", fmt.Errorf("revision %d: %w", id, err)
	}
	return r, store.OutcomeUnchanged, nil
}

// yearOf and subjectOf are a new revision's year and subject as stored: a
// revision of no submission has neither.
func yearOf(nr *store.NewRevision) int {
	if !filed(nr) {
		return 0
	}
	return nr.Year
}

func subjectOf(nr *store.NewRevision) string {
	if !filed(nr) {
		return ""
	}
	return nr.Subject
}

// filed reports whether a new revision belongs to a submission (its unit
// is known).
func filed(nr *store.NewRevision) bool {
	return nr.Unit != "" || nr.UnitCode != ""
}

// upsertSubmission finds or creates, within tx, the submission of a new
// revision and returns it with its unit's name and code: the registered
// unit nr.UnitCode, else the unit named nr.Unit (created when missing).
func upsertSubmission(ctx context.Context, tx *sql.Tx, nr *store.NewRevision, stamp string) (int64, string, string, error) {
	var unit int64
	var name, code string
	if nr.UnitCode != "" {
		err := tx.QueryRowContext(ctx, `SELECT id, name, code FROM units WHERE code = ?`, nr.UnitCode).Scan(&unit, &name, &code)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", "", fmt.Errorf("unit %s: %w", nr.UnitCode, store.ErrNotFound)
		}
		if err != nil {
			return 0, "", "", fmt.Errorf("unit: %w", err)
		}
	} else {
		if _, err := tx.ExecContext(ctx, `INSERT INTO units(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING`, nr.Unit, stamp); err != nil {
			return 0, "", "", fmt.Errorf("unit: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT id, name, code FROM units WHERE name = ?`, nr.Unit).Scan(&unit, &name, &code); err != nil {
			return 0, "", "", fmt.Errorf("unit: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO submissions(unit_id, template_id, year, subject, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, unit, nr.TemplateID, nr.Year, nr.Subject, stamp); err != nil {
		return 0, "", "", fmt.Errorf("submission: %w", err)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM submissions WHERE unit_id = ? AND template_id = ? AND year = ? AND subject = ?`,
		unit, nr.TemplateID, nr.Year, nr.Subject).Scan(&id)
	if err != nil {
		return 0, "", "", fmt.Errorf("submission: %w", err)
	}
	return id, name, code, nil
}

// inserts are the statements writing a revision's values, prepared once
// per transaction, and the ids of the table paths and texts seen in it.
type inserts struct {
	fv, rv, findPath, addPath, findText, addText *sql.Stmt
	paths, texts                                 map[string]int64
}

func prepareInserts(ctx context.Context, tx *sql.Tx) (*inserts, error) {
	st := &inserts{paths: map[string]int64{}, texts: map[string]int64{}}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&st.fv, `INSERT INTO field_values(revision_id, path, type, raw, number, text, unit, cell) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.rv, `INSERT INTO row_values(revision_id, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.findPath, `SELECT id FROM table_paths WHERE path = ?`},
		{&st.addPath, `INSERT INTO table_paths(path, table_name, block_index) VALUES (?, ?, ?)`},
		{&st.findText, `SELECT id FROM texts WHERE text = ?`},
		{&st.addText, `INSERT INTO texts(text) VALUES (?)`},
	} {
		s, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, err
		}
		*p.stmt = s
	}
	return st, nil
}

func (st *inserts) close() {
	for _, s := range []*sql.Stmt{st.fv, st.rv, st.findPath, st.addPath, st.findText, st.addText} {
		if s != nil {
			s.Close()
		}
	}
}

// idOf returns the id of key: from cache, else what find (key) yields,
// else the row add (args) records.
func idOf(ctx context.Context, cache map[string]int64, find, add *sql.Stmt, key string, args ...any) (int64, error) {
	if id, ok := cache[key]; ok {
		return id, nil
	}
	var id int64
	err := find.QueryRowContext(ctx, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		var res sql.Result
		if res, err = add.ExecContext(ctx, args...); err == nil {
			id, err = res.LastInsertId()
		}
	}
	if err != nil {
		return 0, err
	}
	cache[key] = id
	return id, nil
}

// textID returns the id in texts of a row's column's Text; NULL when the
// row has no such column or its text is empty (as the JSON of the value
// omits it).
func (st *inserts) textID(ctx context.Context, vals map[string]mapping.Value, col string) (sql.NullInt64, error) {
	v, ok := vals[col]
	if !ok || v.Text == "" {
		return sql.NullInt64{}, nil
	}
	id, err := idOf(ctx, st.texts, st.findText, st.addText, v.Text, v.Text)
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("text %q: %w", v.Text, err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// values writes every field value and table row of res: the values as
// columns, the rows as the columns the views read (see migration 0006).
func (st *inserts) values(ctx context.Context, rev int64, res *mapping.Result, met map[string]map[int]bool) error {
	fields := func(prefix string, vals map[string]mapping.Value) error {
		for name, v := range vals {
			if _, err := st.fv.ExecContext(ctx, rev, prefix+name, string(v.Type), v.Raw, v.Number, v.Text, v.Unit, v.Cell); err != nil {
				return fmt.Errorf("value %s%s: %w", prefix, name, err)
			}
		}
		return nil
	}
	tables := func(prefix string, block sql.NullInt64, ts map[string][]mapping.Row) error {
		for name, rows := range ts {
			path := prefix + name
			id, err := idOf(ctx, st.paths, st.findPath, st.addPath, path, path, name, block)
			if err != nil {
				return fmt.Errorf("table %s: %w", path, err)
			}
			for i, r := range rows {
				var m sql.NullBool
				if ok, has := met[path][i]; has {
					m = sql.NullBool{Bool: ok, Valid: true}
				}
				v := r.Map()
				var levels [3]sql.NullInt64
				for l, col := range []string{"level1", "level2", "level3"} {
					if levels[l], err = st.textID(ctx, v, col); err != nil {
						return fmt.Errorf("row %s[%d]: %w", path, i, err)
					}
				}
				if _, err := st.rv.ExecContext(ctx, rev, id, i, r.Row, m, levels[0], levels[1], levels[2],
					raw(v, "target"), raw(v, "actual"), v["weight"].Number, v["score"].Number); err != nil {
					return fmt.Errorf("row %s[%d]: %w", path, i, err)
				}
			}
		}
		return nil
	}
	if err := fields("fields.", res.Fields); err != nil {
		return err
	}
	if err := tables("tables.", sql.NullInt64{}, res.Tables); err != nil {
		return err
	}
	for name, insts := range res.Blocks {
		for i, b := range insts {
			prefix := fmt.Sprintf("blocks.%s[%d].", name, i)
			if err := fields(prefix+"fields.", b.Fields); err != nil {
				return err
			}
			if err := tables(prefix+"tables.", sql.NullInt64{Int64: int64(i), Valid: true}, b.Tables); err != nil {
				return err
			}
		}
	}
	return nil
}

// raw is a row's column's Raw, NULL when the row has no such column.
func raw(vals map[string]mapping.Value, col string) sql.NullString {
	v, ok := vals[col]
	return sql.NullString{String: v.Raw, Valid: ok}
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

func nonNil(fs []mapping.Finding) []mapping.Finding {
	if fs == nil {
		return []mapping.Finding{}
	}
	return fs
}
