package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// Records runs the shared suite of store.Records implementations.
func Records(t *testing.T, e Engine) {
	ctx := context.Background()
	t.Run("Outcomes", func(t *testing.T) {
		db := e.Open(t)
		r1, out, err := add(ctx, db, Revision("救助站", "v1"))
		if err != nil || out != store.OutcomeImported || r1.Seq != 1 || r1.Unit != "救助站" || r1.Errors != 1 {
			t.Fatalf("first: %+v %s %v", r1, out, err)
		}
		again, out, err := add(ctx, db, Revision("救助站", "v1"))
		if err != nil || out != store.OutcomeUnchanged || again.ID != r1.ID {
			t.Fatalf("same bytes: %+v %s %v", again, out, err)
		}
		r2, out, err := add(ctx, db, Revision("救助站", "v2"))
		if err != nil || out != store.OutcomeUpdated || r2.Seq != 2 || r2.SubmissionID != r1.SubmissionID {
			t.Fatalf("changed: %+v %s %v", r2, out, err)
		}
		hist, err := db.History(ctx, "救助站")
		if err != nil || len(hist) != 2 || hist[0].ID != r1.ID || hist[1].ID != r2.ID {
			t.Fatalf("history: %+v %v", hist, err)
		}
		if _, err := db.History(ctx, "没有的单位"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("history of unknown unit: %v", err)
		}
		latest, err := db.Latest(ctx, "")
		if err != nil || len(latest) != 1 || latest[0].ID != r2.ID {
			t.Fatalf("latest: %+v %v", latest, err)
		}
		if l, err := db.LatestOf(ctx, r1.SubmissionID); err != nil || l.ID != r2.ID {
			t.Errorf("latest of submission: %+v %v", l, err)
		}
		if _, err := db.LatestOf(ctx, r1.SubmissionID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("latest of no submission: %v", err)
		}
		if probs, err := db.Check(ctx); err != nil || len(probs) != 0 {
			t.Errorf("check: %+v %v", probs, err)
		}
	})
	t.Run("ReadBack", func(t *testing.T) {
		db := e.Open(t)
		nr := Form("甲", "a1")
		rev := mustAdd(t, db, nr)
		got, err := db.Revision(ctx, rev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TotalScore == nil || *got.TotalScore != 81.5 {
			t.Errorf("total score read back: %v", got.TotalScore)
		}
		g, w := *got, *rev
		g.TotalScore, w.TotalScore = nil, nil
		if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
			t.Errorf("revision read back:\n%+v\nwant\n%+v", g, w)
		}
		if !got.UploadedAt.Equal(nr.UploadedAt) || got.Year != 2022 || got.Sheet != nr.Sheet || got.Warnings != 1 {
			t.Errorf("revision read back: %+v", got)
		}
		if _, err := db.Revision(ctx, rev.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no such revision: %v", err)
		}
	})
	t.Run("FingerprintUnchanged", func(t *testing.T) {
		// Another file (other bytes) whose form has the data of the
		// latest revision is unchanged for it.
		db := e.Open(t)
		a := Form("甲", "a1")
		r1 := mustAdd(t, db, a)
		b := Form("甲", "a2")
		b.Fingerprint = a.Fingerprint
		if r, out, err := add(ctx, db, b); err != nil || out != store.OutcomeUnchanged || r.ID != r1.ID {
			t.Errorf("same data in other bytes: %+v %s %v", r, out, err)
		}
		c := Form("甲", "a3")
		if r, out, err := add(ctx, db, c); err != nil || out != store.OutcomeUpdated || r.Seq != 2 {
			t.Errorf("other data: %+v %s %v", r, out, err)
		}
	})
	t.Run("Unidentified", func(t *testing.T) {
		// A file whose unit could not be read is kept without a
		// submission, once per blob and sheet.
		db := e.Open(t)
		orphan := Revision("", "unreadable unit")
		orphan.UploadedBy = "jiuzhu"
		r, out, err := add(ctx, db, orphan)
		if err != nil || out != store.OutcomeImported || r.SubmissionID != 0 || r.Year != 0 {
			t.Fatalf("orphan: %+v %s %v", r, out, err)
		}
		if again, out, _ := add(ctx, db, orphan); out != store.OutcomeUnchanged || again.ID != r.ID {
			t.Errorf("orphan again: %+v %s", again, out)
		}
		other := Revision("", "unreadable unit")
		other.Sheet = "表2"
		mustAdd(t, db, other)
		mustAdd(t, db, Revision("甲", "fine"))
		all, err := db.Unidentified(ctx, "")
		if err != nil || len(all) != 2 || all[0].Sheet != "表2" {
			t.Fatalf("unidentified: %+v %v", all, err)
		}
		mine, err := db.Unidentified(ctx, "jiuzhu")
		if err != nil || len(mine) != 1 || mine[0].ID != r.ID {
			t.Errorf("unidentified by jiuzhu: %+v %v", mine, err)
		}
		if probs, err := db.Check(ctx); err != nil || len(probs) != 0 {
			t.Errorf("check: %+v %v", probs, err)
		}
	})
	t.Run("Batch", func(t *testing.T) {
		// A batch is recorded whole or not at all.
		db := e.Open(t)
		bad := Revision("乙", "b1")
		bad.Status = "bogus"
		if _, _, err := db.AddRevisionBatch(ctx, [][]*store.NewRevision{{Revision("甲", "a1")}, {bad}}); err == nil {
			t.Fatal("batch with a bad status: no error")
		}
		if latest, err := db.Latest(ctx, ""); err != nil || len(latest) != 0 {
			t.Fatalf("after a failed batch: %+v %v", latest, err)
		}
		revs, outs, err := db.AddRevisionBatch(ctx, [][]*store.NewRevision{{Revision("甲", "a1")}, {Revision("甲", "a2"), Revision("乙", "b1")}})
		if err != nil || len(revs) != 2 || len(revs[1]) != 2 || outs[1][0] != store.OutcomeUpdated || outs[1][1] != store.OutcomeImported {
			t.Fatalf("batch: %+v %v %v", revs, outs, err)
		}
		if _, _, err := db.AddRevisionBatch(ctx, [][]*store.NewRevision{{{Unit: "丙", BlobHash: "nothex", Status: store.StatusValid}}}); !errors.Is(err, store.ErrBadHash) {
			t.Errorf("bad hash: %v", err)
		}
	})
	t.Run("Data", func(t *testing.T) {
		// Data returns the result a revision was written with; a revision
		// written without one, or no revision, has no data.
		db := e.Open(t)
		nr := Form("甲", "a1")
		want := resultJSON(t, nr.Result)
		rev := mustAdd(t, db, nr)
		res, err := db.Data(ctx, rev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := resultJSON(t, res); got != want {
			t.Errorf("data read back:\n%s\nwant\n%s", got, want)
		}
		bare := Form("乙", "b1")
		bare.Result = nil
		rev = mustAdd(t, db, bare)
		for _, id := range []int64{rev.ID, rev.ID + 1} {
			if _, err := db.Data(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("data of revision %d: %v, want not found", id, err)
			}
		}
	})
	t.Run("Blobs", func(t *testing.T) {
		db := e.Open(t)
		a := mustAdd(t, db, Revision("甲", "shared"))
		b := mustAdd(t, db, Revision("乙", "shared"))
		c := mustAdd(t, db, Revision("乙", "own"))
		got, err := db.Blobs(ctx)
		want := map[string][]int64{store.Hash([]byte("shared")): {a.ID, b.ID}, store.Hash([]byte("own")): {c.ID}}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("blobs: %v %v, want %v", got, err, want)
		}
	})
	t.Run("QueryReadOnly", func(t *testing.T) {
		db := e.Open(t)
		mustAdd(t, db, Revision("甲", "x"))
		for _, q := range []string{"UPDATE revisions SET status = 'valid'", "DELETE FROM revisions", "DROP TABLE units",
			"INSERT INTO units(name, created_at) VALUES ('乙', '2023-01-01T00:00:00Z')", "", "SELEC 1"} {
			if _, _, err := db.Query(ctx, q); err == nil {
				t.Errorf("%q: no error", q)
			}
		}
		if n := queryInt(t, db, "SELECT count(*) FROM units"); n != 1 {
			t.Errorf("%d units after refused writes", n)
		}
	})
	t.Run("AppendOnly", func(t *testing.T) {
		// The schema itself refuses to change a revision.
		db := e.Open(t)
		mustAdd(t, db, Revision("甲", "x"))
		for _, q := range []string{"UPDATE revisions SET status = 'valid'", "DELETE FROM revisions"} {
			if err := e.Exec(t, db, q); err == nil || !strings.Contains(err.Error(), "never") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if err := e.Exec(t, db, "UPDATE units SET name = '乙'"); err != nil {
			t.Errorf("update of a unit (not append-only): %v", err)
		}
	})
	t.Run("Views", func(t *testing.T) {
		db := e.Open(t)
		mustAdd(t, db, Revision("甲", "a1"))
		mustAdd(t, db, Revision("甲", "a2"))
		mustAdd(t, db, Revision("乙", "b1"))
		cols, rows, err := db.Query(ctx, "SELECT unit, revisions, status FROM submission_status ORDER BY unit")
		if err != nil || len(cols) != 3 || len(rows) != 2 || rows[1][0] != "甲" || rows[1][1] != int64(2) {
			t.Fatalf("submission_status: %v %v %v", cols, rows, err)
		}
		_, rows, err = db.Query(ctx, "SELECT unit, goal, level1, level3, target, actual, met FROM indicators ORDER BY unit")
		if err != nil || len(rows) != 2 {
			t.Fatalf("indicators: %v %v", rows, err)
		}
		if got, want := fmt.Sprint(rows[1]), "[甲 目标 产出指标 人次 100人次 38人次 0]"; got != want {
			t.Errorf("indicator row = %s, want %s", got, want)
		}
		// The README's query.
		if n := queryInt(t, db, "SELECT count(*) FROM indicators WHERE met = 0"); n != 2 {
			t.Errorf("indicators not met: %d, want 2", n)
		}
	})
	t.Run("ViewValues", func(t *testing.T) {
		// Every kind of value reaches the views: weights and scores,
		// qualitative targets, missing columns, rows of two goals.
		db := e.Open(t)
		rev := mustAdd(t, db, Form("甲", "a1"))
		_, rows, err := db.Query(ctx, `SELECT goal_index, goal, level1, level2, level3, target, actual, met, weight, score, sheet_row
			FROM indicators ORDER BY sheet_row`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprint(r))
		}
		want := []string{
			"[0 目标一 产出指标 数量指标 救助人次 ≥100人次 约38人次 0 20 7.6 9]",
			"[0 目标一 产出指标 <nil> 服务质量 优 良 1 <nil> <nil> 10]",
			"[1 目标二 满意度指标 <nil> 救助人次 100 — 1 <nil> <nil> 22]",
			"[<nil> <nil> 投入 <nil> 绩效目标合理性 <nil> <nil> <nil> 4 3.5 30]",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("indicators:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if n := queryInt(t, db, fmt.Sprintf("SELECT count(*) FROM table_rows WHERE revision_id = %d", rev.ID)); n != 4 {
			t.Errorf("table_rows: %d rows, want 4", n)
		}
		if n := queryInt(t, db, fmt.Sprintf("SELECT count(*) FROM field_values WHERE revision_id = %d", rev.ID)); n != 5 {
			t.Errorf("field_values: %d rows, want 5", n)
		}
	})
	t.Run("IDsOfFailedBatch", func(t *testing.T) {
		// The texts and table paths a batch wrote before it failed are
		// gone with it: the next batch writes them again and its rows
		// name them.
		db := e.Open(t)
		nr := Revision("甲", "a1")
		row := nr.Result.Blocks["goals"][0].Tables["indicators"][0]
		row.Set("level1", mapping.Value{Type: mapping.TypeHeading, Raw: "新的一级指标", Text: "新的一级指标"})
		nr.Result.Blocks["goals"][0].Tables["indicators"][0] = row
		bad := Revision("乙", "b1")
		bad.Status = "bogus"
		if _, _, err := db.AddRevisionBatch(ctx, [][]*store.NewRevision{{nr}, {bad}}); err == nil {
			t.Fatal("batch with a bad status: no error")
		}
		if n := queryInt(t, db, "SELECT count(*) FROM texts WHERE text = '新的一级指标'"); n != 0 {
			t.Fatalf("%d texts left by the failed batch", n)
		}
		mustAdd(t, db, nr)
		mustAdd(t, db, Revision("乙", "b1"))
		if n := queryInt(t, db, "SELECT count(*) FROM indicators WHERE level1 = '新的一级指标'"); n != 1 {
			t.Errorf("%d indicators with the new text, want 1", n)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM indicators WHERE level1 = '产出指标'"); n != 1 {
			t.Errorf("%d indicators with the other text, want 1", n)
		}
	})
	t.Run("ManyRows", func(t *testing.T) {
		// A table of many rows is stored whole, each row once, in order.
		db := e.Open(t)
		nr := Form("甲", "a1")
		var rows []mapping.Row
		for i := range 90 {
			rows = append(rows, mapping.NewRow(100+i, map[string]mapping.Value{
				"level3": {Type: mapping.TypeText, Raw: fmt.Sprintf("指标%d", i%7), Text: fmt.Sprintf("指标%d", i%7)},
				"score":  {Type: mapping.TypeScore, Raw: fmt.Sprint(i), Number: f64(float64(i))},
			}))
		}
		nr.Result.Tables["items"] = rows
		nr.Met = nil
		rev := mustAdd(t, db, nr)
		q := fmt.Sprintf("SELECT count(*) FROM row_values WHERE revision_id = %d AND sheet_row = row_index + 100 AND score = row_index", rev.ID)
		if n := queryInt(t, db, q); n != 90 {
			t.Errorf("%d rows stored as given, want 90", n)
		}
		if n := queryInt(t, db, fmt.Sprintf("SELECT count(DISTINCT level3) FROM row_values WHERE revision_id = %d AND sheet_row >= 100", rev.ID)); n != 7 {
			t.Errorf("%d texts of level3, want 7", n)
		}
		if got, err := db.Data(ctx, rev.ID); err != nil || resultJSON(t, got) != resultJSON(t, nr.Result) {
			t.Errorf("data: %v", err)
		}
	})
	t.Run("EncodedBeforehand", func(t *testing.T) {
		// A revision encoded before it is added (as an import's workers
		// do) is stored as one the store encodes.
		var stored []string
		for _, early := range []bool{false, true} {
			db := e.Open(t)
			nr := Form("甲", "a1")
			nr.UploadedAt = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
			if early {
				if err := nr.Encode(); err != nil {
					t.Fatal(err)
				}
			}
			mustAdd(t, db, nr)
			_, rows, err := db.Query(ctx, "SELECT findings, data, errors, warnings FROM revisions")
			if err != nil || len(rows) != 1 {
				t.Fatalf("%v %v", rows, err)
			}
			stored = append(stored, fmt.Sprint(rows[0]))
		}
		if stored[0] != stored[1] {
			t.Errorf("stored encoded beforehand:\n%s\nby the store:\n%s", stored[1], stored[0])
		}
	})
	t.Run("TwoWriters", func(t *testing.T) {
		// Two stores on one database add revisions of the same units at
		// once: no error, every revision stored once, numbered without
		// gaps.
		a := e.Open(t)
		b := e.Again(t, a)
		var wg gosync.WaitGroup
		errs := make(chan error, 100)
		for _, db := range []Store{a, b} {
			wg.Add(1)
			go func(db Store) {
				defer wg.Done()
				for j := 0; j < 40; j++ {
					unit := string(rune('甲' + j%5))
					if _, _, err := add(ctx, db, Revision(unit, fmt.Sprintf("%s%d-%d", unit, j/5, j%3))); err != nil {
						errs <- err
					}
				}
			}(db)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n, d := queryInt(t, a, "SELECT count(*) FROM revisions"), queryInt(t, a, "SELECT count(*) FROM (SELECT DISTINCT blob_hash, submission_id FROM revisions) x"); n != d || n == 0 {
			t.Errorf("%d revisions of %d distinct files", n, d)
		}
		if probs, err := a.Check(ctx); err != nil || len(probs) != 0 {
			t.Errorf("check: %+v %v", probs, err)
		}
	})
}

// queryInt returns the one integer q yields.
func queryInt(t *testing.T, db store.Records, q string) int64 {
	t.Helper()
	_, rows, err := db.Query(context.Background(), q)
	if err != nil || len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%s: %v %v", q, rows, err)
	}
	n, ok := rows[0][0].(int64)
	if !ok {
		t.Fatalf("%s: %T %v", q, rows[0][0], rows[0][0])
	}
	return n
}

func resultJSON(t *testing.T, res *mapping.Result) string {
	t.Helper()
	j, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}
