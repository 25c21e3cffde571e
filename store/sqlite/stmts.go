package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
)

// The statements recording revisions. They are prepared once on the write
// connection (writeStmts) and run in each transaction through
// Tx.StmtContext, which reuses what the connection prepared: an import
// parses no SQL per file.
const (
	qTemplate = `INSERT INTO templates(id, version, title) VALUES (?, ?, ?)
		ON CONFLICT(id, version) DO NOTHING`
	qUnitByCode   = `SELECT id, name, code FROM units WHERE code = ?`
	qUnitByName   = `SELECT id, name, code FROM units WHERE name = ?`
	qAddUnit      = `INSERT INTO units(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING`
	qSubmission   = `SELECT id FROM submissions WHERE unit_id = ? AND template_id = ? AND year = ? AND subject = ?`
	qAddSubmisson = `INSERT INTO submissions(unit_id, template_id, year, subject, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`
	qLatest        = `SELECT id, fingerprint, seq FROM revisions WHERE submission_id = ? ORDER BY seq DESC LIMIT 1`
	qByBlob        = `SELECT id FROM revisions WHERE submission_id = ? AND blob_hash = ?`
	qUnfiledByBlob = `SELECT id FROM revisions WHERE submission_id IS NULL AND blob_hash = ? AND sheet = ?`
	qAddRevision   = `INSERT INTO revisions(submission_id, seq, blob_hash, file_name, size,
		uploaded_at, uploaded_by, template_id, template_version, status, errors, warnings, findings, data, total_score,
		sheet, fingerprint)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qAddPending = `INSERT INTO pending_units(revision_id, unit_name, year, subject, template_id) VALUES (?, ?, ?, ?, ?)`
	qFindPath   = `SELECT id FROM table_paths WHERE path = ?`
	qAddPath    = `INSERT INTO table_paths(path, table_name, block_index) VALUES (?, ?, ?)`
	qFindText   = `SELECT id FROM texts WHERE text = ?`
	qAddText    = `INSERT INTO texts(text) VALUES (?)`
	qAudit      = `INSERT INTO audit_log(at, actor, role, address, action, unit_code, revision, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
)

// fieldCols and rowCols are the columns of a field value's and a table
// row's row; chunks the numbers of rows one multi-row INSERT writes, largest
// first (a revision's rows go in as few statements as these sizes allow).
const (
	fieldCols = 8
	rowCols   = 12
)

// chunks are powers of two: a revision of n rows takes as many INSERTs as
// n has bits set (150 rows: 128, 16, 4, 2), at most 128 × 12 variables
// each (SQLite allows 32,766).
var chunks = [...]int{128, 64, 32, 16, 8, 4, 2, 1}

// fieldInserts and rowInserts are the INSERTs of a chunk of field values
// and of table rows, one per size of chunks.
var fieldInserts, rowInserts = func() (f, r [len(chunks)]string) {
	for i, n := range chunks {
		f[i] = insertRows("field_values", fieldColumns, fieldCols, n)
		r[i] = insertRows("row_values", rowColumns, rowCols, n)
	}
	return f, r
}()

// insertRows is the INSERT of n rows of cols columns into table(columns).
func insertRows(table, columns string, cols, n int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return "INSERT INTO " + table + "(" + columns + ") VALUES " + one + strings.Repeat(", "+one, n-1)
}

const (
	fieldColumns = `revision_id, path, type, raw, number, text, unit, cell`
	rowColumns   = `revision_id, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score`
)

// writeStmts are the statements of db.rw prepared once.
type writeStmts struct {
	mu gosync.Mutex
	m  map[string]*sql.Stmt
}

// allWriteQueries are the statements writeStmts prepares.
func allWriteQueries() []string {
	qs := []string{qTemplate, qUnitByCode, qUnitByName, qAddUnit, qSubmission, qAddSubmisson, qLatest, qByBlob,
		qUnfiledByBlob, qAddRevision, qAddPending, qFindPath, qAddPath, qFindText, qAddText, qAudit}
	qs = append(qs, fieldInserts[:]...)
	return append(qs, rowInserts[:]...)
}

// prepareWrites prepares, when not done yet, the statements recording
// revisions on db.rw. Call it outside a transaction: the write connection
// is the only one.
func (db *DB) prepareWrites(ctx context.Context) error {
	w := &db.writes
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m != nil {
		return nil
	}
	m := map[string]*sql.Stmt{}
	for _, q := range allWriteQueries() {
		s, err := db.rw.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range m {
				s.Close()
			}
			return fmt.Errorf("prepare: %w", err)
		}
		m[q] = s
	}
	w.m = m
	return nil
}

// close closes the prepared statements.
func (w *writeStmts) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for _, s := range w.m {
		errs = append(errs, s.Close())
	}
	w.m = nil
	return errors.Join(errs...)
}

// txStmts are the prepared statements of one transaction, each taken
// from db.writes (or prepared in tx when it has none) on first use.
type txStmts struct {
	ctx context.Context
	tx  *sql.Tx
	db  *DB
	m   map[string]*sql.Stmt
}

func (db *DB) txStmts(ctx context.Context, tx *sql.Tx) *txStmts {
	return &txStmts{ctx: ctx, tx: tx, db: db, m: map[string]*sql.Stmt{}}
}

// get returns the statement q bound to the transaction.
func (t *txStmts) get(q string) (*sql.Stmt, error) {
	if s := t.m[q]; s != nil {
		return s, nil
	}
	t.db.writes.mu.Lock()
	p := t.db.writes.m[q]
	t.db.writes.mu.Unlock()
	var s *sql.Stmt
	if p != nil {
		s = t.tx.StmtContext(t.ctx, p)
	} else {
		var err error
		if s, err = t.tx.PrepareContext(t.ctx, q); err != nil {
			return nil, err
		}
	}
	t.m[q] = s
	return s, nil
}

// exec runs statement q.
func (t *txStmts) exec(q string, args ...any) (sql.Result, error) {
	s, err := t.get(q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(t.ctx, args...)
}

// queryRow runs statement q for one row.
func (t *txStmts) queryRow(q string, args ...any) *sql.Row {
	s, err := t.get(q)
	if err != nil {
		// A statement that cannot be prepared fails as the query would.
		return t.tx.QueryRowContext(t.ctx, q, args...)
	}
	return s.QueryRowContext(t.ctx, args...)
}
