package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/sqlite"
)

// MustOpenDB opens a records store in a fresh SQLite file, closed with tb.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "jxsync.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func f64(x float64) *float64 { return &x }

func revision(unit string, content string) *store.NewRevision {
	res := &mapping.Result{Template: "hubei-dept", Version: "2022", Sheet: "表",
		Fields: map[string]mapping.Value{
			"unit_name": {Type: mapping.TypeText, Raw: unit, Text: unit, Cell: "表!B3"},
			"budget":    {Type: mapping.TypeAmount, Raw: "110.36万元", Number: f64(110.36), Unit: "万元", Cell: "表!D6"},
		},
		Tables: map[string][]mapping.Row{},
		Blocks: map[string][]mapping.BlockResult{"goals": {{Row: 7,
			Fields: map[string]mapping.Value{"goal": {Type: mapping.TypeText, Raw: "目标", Text: "目标", Cell: "表!A7"}},
			Tables: map[string][]mapping.Row{"indicators": {
				mapping.NewRow(9, map[string]mapping.Value{
					"level1": {Type: mapping.TypeHeading, Raw: "产出指标", Text: "产出指标", Cell: "表!B9"},
					"level3": {Type: mapping.TypeText, Raw: "人次", Text: "人次", Cell: "表!D9"},
					"target": {Type: mapping.TypeIndicator, Raw: "100人次", Number: f64(100), Unit: "人次", Cell: "表!E9"},
					"actual": {Type: mapping.TypeIndicator, Raw: "38人次", Number: f64(38), Unit: "人次", Cell: "表!F9"},
				}),
			}},
		}}},
	}
	return &store.NewRevision{Unit: unit, TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "部门整体绩效自评表",
		Year: 2022, BlobHash: store.Hash([]byte(content)), FileName: unit + ".xlsx", Size: int64(len(content)),
		UploadedBy: "import", Status: store.StatusRejected,
		Findings: []mapping.Finding{{Sheet: "表", Cell: "F9", Severity: "error", Rule: "target-missed-reason", Message: "x"}},
		Result:   res, Met: map[string]map[int]bool{"blocks.goals[0].tables.indicators": {0: false}}}
}

func TestAddRevisionOutcomes(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	r1, out, err := db.AddRevision(ctx, revision("救助站", "v1"))
	if err != nil || out != store.OutcomeImported || r1.Seq != 1 || r1.Unit != "救助站" || r1.Errors != 1 {
		t.Fatalf("first: %+v %s %v", r1, out, err)
	}
	again, out, err := db.AddRevision(ctx, revision("救助站", "v1"))
	if err != nil || out != store.OutcomeUnchanged || again.ID != r1.ID {
		t.Fatalf("same bytes: %+v %s %v", again, out, err)
	}
	r2, out, err := db.AddRevision(ctx, revision("救助站", "v2"))
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
	// A file whose unit could not be read is kept without a submission.
	orphan := revision("", "unreadable unit")
	if r, out, err := db.AddRevision(ctx, orphan); err != nil || out != store.OutcomeImported || r.SubmissionID != 0 {
		t.Fatalf("orphan: %+v %s %v", r, out, err)
	}
	if _, out, _ := db.AddRevision(ctx, revision("", "unreadable unit")); out != store.OutcomeUnchanged {
		t.Errorf("orphan again: %s", out)
	}
	if probs, err := db.Check(ctx); err != nil || len(probs) != 0 {
		t.Errorf("check: %+v %v", probs, err)
	}
}

func TestRevisionsAreImmutable(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, _, err := db.AddRevision(ctx, revision("甲", "x")); err != nil {
		t.Fatal(err)
	}
	// The read-only connection refuses writes; the schema refuses them too.
	for _, q := range []string{"UPDATE revisions SET status = 'valid'", "DELETE FROM revisions", "DROP TABLE units"} {
		if _, _, err := db.Query(ctx, q); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
}

func TestViews(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	db.AddRevision(ctx, revision("甲", "a1"))
	db.AddRevision(ctx, revision("甲", "a2"))
	db.AddRevision(ctx, revision("乙", "b1"))
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
}

// TestTwoWriters imports into one file from two connections at once: no
// corruption, no deadlock, every revision stored once.
func TestTwoWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	a, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i, db := range []*sqlite.DB{a, b} {
		wg.Add(1)
		go func(i int, db *sqlite.DB) {
			defer wg.Done()
			for j := 0; j < 40; j++ {
				unit := string(rune('甲' + j%5))
				if _, _, err := db.AddRevision(ctx, revision(unit, fmt.Sprintf("%s%d-%d", unit, j/5, j%3))); err != nil {
					errs <- err
				}
			}
		}(i, db)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, rows, err := a.Query(ctx, "SELECT count(*), count(DISTINCT blob_hash || submission_id) FROM revisions")
	if err != nil || rows[0][0] != rows[0][1] {
		t.Fatalf("duplicate revisions: %v %v", rows, err)
	}
	if probs, err := a.Check(ctx); err != nil || len(probs) != 0 {
		t.Errorf("check: %+v %v", probs, err)
	}
}
