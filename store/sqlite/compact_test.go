package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/storetest"
)

func f64(x float64) *float64 { return &x }

// form is storetest.Form.
func form(unit, content string) *store.NewRevision { return storetest.Form(unit, content) }

// addOld records nr as the store did before migration 0006: the result's
// JSON as text in revisions.data, every value's JSON in field_values.value,
// every row's values as JSON in table_rows.
func addOld(t *testing.T, db *DB, nr *store.NewRevision) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	stamp := nr.UploadedAt.Format(time.RFC3339Nano)
	must := func(q string, args ...any) sql.Result {
		t.Helper()
		r, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return r
	}
	must(`INSERT INTO templates(id, version, title) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, nr.TemplateID, nr.TemplateVersion, nr.TemplateTitle)
	must(`INSERT INTO units(name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, nr.Unit, stamp)
	must(`INSERT INTO submissions(unit_id, template_id, year, subject, created_at)
		SELECT id, ?, ?, '', ? FROM units WHERE name = ? ON CONFLICT DO NOTHING`, nr.TemplateID, nr.Year, stamp, nr.Unit)
	data, _ := json.Marshal(nr.Result)
	findings, _ := json.Marshal(nr.Findings)
	res := must(`INSERT INTO revisions(submission_id, seq, blob_hash, file_name, size, uploaded_at, uploaded_by,
		template_id, template_version, status, errors, warnings, findings, data, total_score, sheet, fingerprint)
		SELECT s.id, (SELECT count(*) + 1 FROM revisions WHERE submission_id = s.id), ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?
		FROM submissions s JOIN units u ON u.id = s.unit_id WHERE u.name = ?`,
		nr.BlobHash, nr.FileName, nr.Size, stamp, nr.UploadedBy, nr.TemplateID, nr.TemplateVersion, nr.Status,
		string(findings), string(data), nr.TotalScore, nr.Sheet, nr.Fingerprint, nr.Unit)
	id, _ := res.LastInsertId()
	fields := func(prefix string, vals map[string]mapping.Value) {
		for name, v := range vals {
			j, _ := json.Marshal(v)
			must(`INSERT INTO field_values(revision_id, path, type, raw, number, text, unit, cell, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, prefix+name, string(v.Type), v.Raw, v.Number, v.Text, v.Unit, v.Cell, string(j))
		}
	}
	tables := func(prefix string, block sql.NullInt64, ts map[string][]mapping.Row) {
		for name, rows := range ts {
			for i, r := range rows {
				j, _ := json.Marshal(r.Map())
				var m sql.NullBool
				if ok, has := nr.Met[prefix+name][i]; has {
					m = sql.NullBool{Bool: ok, Valid: true}
				}
				must(`INSERT INTO table_rows(revision_id, path, table_name, block_index, row_index, sheet_row, "values", met)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, prefix+name, name, block, i, r.Row, string(j), m)
			}
		}
	}
	fields("fields.", nr.Result.Fields)
	tables("tables.", sql.NullInt64{}, nr.Result.Tables)
	for name, insts := range nr.Result.Blocks {
		for i, b := range insts {
			prefix := fmt.Sprintf("blocks.%s[%d].", name, i)
			fields(prefix+"fields.", b.Fields)
			tables(prefix+"tables.", sql.NullInt64{Int64: int64(i), Valid: true}, b.Tables)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return id
}

// viewQueries read every column of the views, in a fixed order.
var viewQueries = []string{
	`SELECT unit, year, template, subject, latest_revision, revisions, version, status, errors, warnings, total_score,
		uploaded_at, file_name, sheet FROM submission_status ORDER BY unit`,
	`SELECT * FROM indicators ORDER BY unit, goal_index, sheet_row`,
	`SELECT revision_id, path, table_name, block_index, row_index, sheet_row, met,
		json_extract("values", '$.level1.text'), json_extract("values", '$.level2.text'), json_extract("values", '$.level3.text'),
		json_extract("values", '$.target.raw'), json_extract("values", '$.actual.raw'),
		json_extract("values", '$.weight.number'), json_extract("values", '$.score.number')
		FROM table_rows ORDER BY revision_id, path, row_index`,
	`SELECT revision_id, path, type, raw, number, text, unit, cell FROM field_values ORDER BY revision_id, path`,
}

// views returns what viewQueries return, typed as SQLite returns it.
func views(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	for _, q := range viewQueries {
		_, rows, err := db.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, r := range rows {
			var b strings.Builder
			for _, v := range r {
				fmt.Fprintf(&b, "%T(%v) ", v, v)
			}
			out = append(out, b.String())
		}
	}
	return out
}

func resultJSON(t *testing.T, res *mapping.Result) string {
	t.Helper()
	j, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// TestMigrateCompact: a store written before migration 0006 reads the same
// after it — every revision's data, every view row, every field value —
// and its documents are compressed, their revisions still refusing
// updates, the file compacted.
func TestMigrateCompact(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := open(ctx, path, 5)
	if err != nil {
		t.Fatal(err)
	}
	forms := []*store.NewRevision{form("甲", "a1"), form("甲", "a2"), form("乙", "b1")}
	forms[1].Result.Blocks["goals"][0].Tables["indicators"][0].Set("actual", mapping.Value{Type: mapping.TypeIndicator, Raw: "120人次", Number: f64(120), Unit: "人次", Cell: "x!F9"})
	var ids []int64
	for _, nr := range forms {
		ids = append(ids, addOld(t, old, nr))
	}
	before := views(t, old)
	if len(before) == 0 {
		t.Fatal("no view rows before the migration")
	}
	var textDocs int
	old.rw.QueryRowContext(ctx, `SELECT count(*) FROM revisions WHERE typeof(data) = 'text'`).Scan(&textDocs)
	if textDocs != len(forms) {
		t.Fatalf("old store has %d JSON documents, want %d", textDocs, len(forms))
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	after := views(t, db)
	if strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("views differ after the migration:\nbefore:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	for i, id := range ids {
		res, err := db.Data(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := resultJSON(t, res), resultJSON(t, forms[i].Result); got != want {
			t.Errorf("data of revision %d after the migration:\n%s\nwant\n%s", id, got, want)
		}
	}
	var blobs int
	db.rw.QueryRowContext(ctx, `SELECT count(*) FROM revisions WHERE typeof(data) = 'blob' AND substr(data, 1, 4) = ?`, []byte{0x28, 0xb5, 0x2f, 0xfd}).Scan(&blobs) // the zstd magic number
	if blobs != len(forms) {
		t.Errorf("%d compressed documents after the migration, want %d", blobs, len(forms))
	}
	if _, err := db.rw.ExecContext(ctx, `UPDATE revisions SET status = 'valid'`); err == nil || !strings.Contains(err.Error(), "never updated") {
		t.Errorf("update of a revision after the migration: %v", err)
	}
	if probs, err := db.Check(ctx); err != nil || len(probs) != 0 {
		t.Errorf("check: %+v %v", probs, err)
	}
	var free int
	db.rw.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free)
	if free != 0 {
		t.Errorf("%d free pages after the migration: the file was not compacted", free)
	}

	// What the migrated store holds is what the new code writes.
	fresh, err := Open(ctx, filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, nr := range forms {
		if _, _, err := fresh.AddRevision(ctx, nr); err != nil {
			t.Fatal(err)
		}
	}
	if got := views(t, fresh); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("views of a new store differ from the old store's:\nold:\n%s\nnew:\n%s", strings.Join(before, "\n"), strings.Join(got, "\n"))
	}
}

// TestMigrateCompactEmpty: a store without revisions migrates without
// rewriting anything.
func TestMigrateCompactEmpty(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := open(ctx, path, 5)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := old.rw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	rewrote, err := compactDocuments(ctx, tx)
	tx.Rollback()
	if err != nil || rewrote {
		t.Errorf("compact an empty store: rewrote %v, %v", rewrote, err)
	}
	old.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.rw.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = 'revisions_never_updated'`).Scan(&n)
	if n != 1 {
		t.Errorf("update trigger after migrating an empty store: %d", n)
	}
}
