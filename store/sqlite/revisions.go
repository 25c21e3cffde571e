package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jxsync/jxsync/store/internal/ids"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
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
	if err := db.prepareWrites(ctx); err != nil {
		return nil, nil, fmt.Errorf("add revision %s: %w", file, err)
	}
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("add revision %s: %w", file, err)
	}
	defer tx.Rollback()
	st := db.newInserts(ctx, tx)
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
	db.ids.Keep(st.fresh[1], st.fresh[0])
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
	if tk := [2]string{nr.TemplateID, nr.TemplateVersion}; !st.templates[tk] {
		if _, err := st.exec(qTemplate, nr.TemplateID, nr.TemplateVersion, nr.TemplateTitle); err != nil {
			return nil, "", fmt.Errorf("template: %w", err)
		}
		st.templates[tk] = true
	}
	var sub sql.NullInt64
	seq, outcome := 0, store.OutcomeImported
	var existing int64
	unitName, unitCode := nr.Unit, ""
	if filed(nr) {
		id, name, code, created, err := upsertSubmission(st, nr, stamp)
		if err != nil {
			return nil, "", err
		}
		sub = sql.NullInt64{Int64: id, Valid: true}
		unitName, unitCode = name, code
		seq = 1
		if !created { // a submission just added has no revision yet
			var latest int64
			var print string
			var last int
			err = st.queryRow(qLatest, id).Scan(&latest, &print, &last)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, "", err
			}
			if latest != 0 && nr.Fingerprint != "" && print == nr.Fingerprint {
				return existingRevision(ctx, tx, latest)
			}
			if latest != 0 {
				err = st.queryRow(qByBlob, id, nr.BlobHash).Scan(&existing)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return nil, "", err
				}
			}
			seq = last + 1
		}
		if seq > 1 {
			outcome = store.OutcomeUpdated
		}
	} else {
		err := st.queryRow(qUnfiledByBlob, nr.BlobHash, nr.Sheet).Scan(&existing)
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
	enc, err := nr.Encoding()
	if err != nil {
		return nil, "", err
	}
	errs, warns := count(nr.Findings)
	res, err := st.exec(qAddRevision,
		sub, seq, nr.BlobHash, nr.FileName, nr.Size, stamp, nr.UploadedBy, nr.TemplateID, nr.TemplateVersion,
		nr.Status, errs, warns, string(enc.Findings), enc.Data, nr.TotalScore, nr.Sheet, nr.Fingerprint)
	if err != nil {
		return nil, "", err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, "", err
	}
	if nr.Result != nil {
		if err := st.values(id, nr.Result, nr.Met); err != nil {
			return nil, "", err
		}
	}
	if !filed(nr) && nr.PendingUnit != "" {
		if _, err := st.exec(qAddPending, id, nr.PendingUnit, nr.Year, nr.Subject, nr.TemplateID); err != nil {
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
// revision and returns it with its unit's name and code and whether it was
// created: the registered unit nr.UnitCode, else the unit named nr.Unit
// (created when missing).
func upsertSubmission(st *inserts, nr *store.NewRevision, stamp string) (int64, string, string, bool, error) {
	var unit int64
	var name, code string
	newUnit := false
	if nr.UnitCode != "" {
		err := st.queryRow(qUnitByCode, nr.UnitCode).Scan(&unit, &name, &code)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", "", false, fmt.Errorf("unit %s: %w", nr.UnitCode, store.ErrNotFound)
		}
		if err != nil {
			return 0, "", "", false, fmt.Errorf("unit: %w", err)
		}
	} else {
		err := st.queryRow(qUnitByName, nr.Unit).Scan(&unit, &name, &code)
		if errors.Is(err, sql.ErrNoRows) {
			// The unit's code is set by a trigger after the insert:
			// read it back.
			res, aerr := st.exec(qAddUnit, nr.Unit, stamp)
			if aerr != nil {
				return 0, "", "", false, fmt.Errorf("unit: %w", aerr)
			}
			if added, aerr := res.RowsAffected(); aerr == nil && added == 1 {
				newUnit = true
			}
			err = st.queryRow(qUnitByName, nr.Unit).Scan(&unit, &name, &code)
		}
		if err != nil {
			return 0, "", "", false, fmt.Errorf("unit: %w", err)
		}
	}
	var id int64
	if !newUnit { // a unit just added has no submission yet
		err := st.queryRow(qSubmission, unit, nr.TemplateID, nr.Year, nr.Subject).Scan(&id)
		if err == nil {
			return id, name, code, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", "", false, fmt.Errorf("submission: %w", err)
		}
	}
	if err := st.queryRow(qAddSubmisson, unit, nr.TemplateID, nr.Year, nr.Subject, stamp).Scan(&id); err != nil {
		return 0, "", "", false, fmt.Errorf("submission: %w", err)
	}
	return id, name, code, true, nil
}

// inserts are the statements of one transaction writing revisions and
// the ids of the table paths and texts seen in it.
type inserts struct {
	*txStmts
	ids          *ids.Committed
	paths, texts map[string]int64
	// fresh are those of texts (0) and table paths (1) not among the
	// committed ids: read or written in the transaction, kept once it
	// commits.
	fresh     [2]map[string]int64
	templates map[[2]string]bool
	// args is reused for the arguments of multi-row INSERTs.
	args []any
}

func (db *DB) newInserts(ctx context.Context, tx *sql.Tx) *inserts {
	return &inserts{txStmts: db.txStmts(ctx, tx), ids: &db.ids,
		paths: map[string]int64{}, texts: map[string]int64{}, fresh: [2]map[string]int64{{}, {}},
		templates: map[[2]string]bool{}}
}

// idOf returns the id of key: from the transaction's cache, else the
// committed ids, else what find (key) yields, else the row add (args)
// records.
func (st *inserts) idOf(path bool, find, add string, key string, args ...any) (int64, error) {
	cache := st.texts
	if path {
		cache = st.paths
	}
	if id, ok := cache[key]; ok {
		return id, nil
	}
	if id, ok := st.ids.Lookup(path, key); ok {
		cache[key] = id
		return id, nil
	}
	var id int64
	err := st.queryRow(find, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		var res sql.Result
		if res, err = st.exec(add, args...); err == nil {
			id, err = res.LastInsertId()
		}
	}
	if err != nil {
		return 0, err
	}
	cache[key] = id
	if path {
		st.fresh[1][key] = id
	} else {
		st.fresh[0][key] = id
	}
	return id, nil
}

// textID returns the id in texts (an int64) of a row's column's Text; nil
// (NULL) when the row has no such column or its text is empty (as the
// JSON of the value omits it).
func (st *inserts) textID(v mapping.Value, ok bool) (any, error) {
	if !ok || v.Text == "" {
		return nil, nil
	}
	id, err := st.idOf(false, qFindText, qAddText, v.Text, v.Text)
	if err != nil {
		return nil, fmt.Errorf("text %q: %w", v.Text, err)
	}
	return id, nil
}

// insertMany writes the rows of args (cols values each) with the
// multi-row INSERTs qs (one per size of chunks), as few as chunks allow,
// in order.
func (st *inserts) insertMany(qs *[len(chunks)]string, cols int, args []any) error {
	for len(args) > 0 {
		n := len(args) / cols
		q := ""
		for i, c := range chunks {
			if c <= n {
				n, q = c, qs[i]
				break
			}
		}
		if _, err := st.exec(q, args[:n*cols]...); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// values writes every field value and table row of res: the values as
// columns, the rows as the columns the views read (see migration 0006).
// The arguments are the values database/sql hands the driver as they are
// (int64, float64, string, bool or nil): a sql.Null* or pointer would be
// converted, by reflection, argument by argument.
func (st *inserts) values(rev int64, res *mapping.Result, met map[string]map[int]bool) error {
	args := st.args[:0]
	revArg := any(rev) // boxed once for all its rows
	fields := func(prefix string, vals map[string]mapping.Value) {
		for name, v := range vals {
			args = append(args, revArg, prefix+name, string(v.Type), v.Raw, number(v.Number), v.Text, v.Unit, v.Cell)
		}
	}
	fields("fields.", res.Fields)
	for name, insts := range res.Blocks {
		for i, b := range insts {
			fields(fmt.Sprintf("blocks.%s[%d].fields.", name, i), b.Fields)
		}
	}
	if err := st.insertMany(&fieldInserts, fieldCols, args); err != nil {
		return fmt.Errorf("values: %w", err)
	}
	args = args[:0]
	tables := func(prefix string, block sql.NullInt64, ts map[string][]mapping.Row) error {
		for name, rows := range ts {
			path := prefix + name
			id, err := st.idOf(true, qFindPath, qAddPath, path, path, name, block)
			if err != nil {
				return fmt.Errorf("table %s: %w", path, err)
			}
			idArg, rowMet := any(id), met[path]
			for i, r := range rows {
				var m any
				if ok, has := rowMet[i]; has {
					m = ok
				}
				var levels [3]any
				for l, col := range [3]string{"level1", "level2", "level3"} {
					if levels[l], err = st.textID(r.Peek(col)); err != nil {
						return fmt.Errorf("row %s[%d]: %w", path, i, err)
					}
				}
				weight, _ := r.Peek("weight")
				score, _ := r.Peek("score")
				args = append(args, revArg, idArg, int64(i), int64(r.Row), m, levels[0], levels[1], levels[2],
					raw(r, "target"), raw(r, "actual"), number(weight.Number), number(score.Number))
			}
		}
		return nil
	}
	if err := tables("tables.", sql.NullInt64{}, res.Tables); err != nil {
		return err
	}
	for name, insts := range res.Blocks {
		for i, b := range insts {
			if err := tables(fmt.Sprintf("blocks.%s[%d].tables.", name, i), sql.NullInt64{Int64: int64(i), Valid: true}, b.Tables); err != nil {
				return err
			}
		}
	}
	if err := st.insertMany(&rowInserts, rowCols, args); err != nil {
		return fmt.Errorf("table rows: %w", err)
	}
	clear(args)
	st.args = args[:0]
	return nil
}

// raw is a row's column's Raw, nil (NULL) when the row has no such column.
func raw(r mapping.Row, col string) any {
	if v, ok := r.Peek(col); ok {
		return v.Raw
	}
	return nil
}

// number is a value's number, nil (NULL) when it has none.
func number(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
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
