package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	gosync "sync"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// TestConcurrentUploads has 50 agencies of 50 units upload at the same
// time over loopback: every upload succeeds and every revision is stored
// exactly once.
func TestConcurrentUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const n = 50
	e := newEnv(t, web.Options{})
	type agency struct {
		unit string
		c    *client
		wb   []byte
	}
	agencies := make([]*agency, n)
	for i := range agencies {
		unit := fmt.Sprintf("第%02d测试单位", i+1)
		name := fmt.Sprintf("unit%02d", i+1)
		e.addUser(name, store.RoleAgency, unit)
		agencies[i] = &agency{unit: unit, c: e.login(name),
			wb: hubeiWorkbook(t, func(d *template.Data) { forUnit(unit)(d); corrected(d) })}
	}
	var wg gosync.WaitGroup

	start := make(chan struct{})
	type outcome struct {
		status   int
		body     []byte
		revision int64
		outcome  string
	}
	results := make([]outcome, n)
	began := time.Now()
	for i, a := range agencies {
		wg.Go(func() {
			<-start
			res, body, err := a.c.tryUpload("/api/upload", a.unit+".xlsx", a.wb, false, true)
			if err != nil {
				results[i] = outcome{body: []byte(err.Error())}
				return
			}
			var up struct {
				Result struct {
					Status   string `json:"status"`
					Revision int64  `json:"revision"`
					Unit     string `json:"unit"`
				} `json:"result"`
			}
			json.Unmarshal(body, &up)
			results[i] = outcome{res.StatusCode, body, up.Result.Revision, up.Result.Status}
		})
	}
	close(start)
	wg.Wait()
	took := time.Since(began)
	t.Logf("%d concurrent uploads in %v", n, took)
	if took > 60*time.Second {
		t.Errorf("%d uploads took %v", n, took)
	}

	seen := map[int64]bool{}
	for i, r := range results {
		if r.status != http.StatusOK || r.outcome != store.OutcomeImported || r.revision == 0 {
			t.Errorf("%s: %d %s\n%s", agencies[i].unit, r.status, r.outcome, clip(r.body))
		}
		if seen[r.revision] {
			t.Errorf("revision %d answered twice", r.revision)
		}
		seen[r.revision] = true
	}

	// The store holds each upload exactly once: one submission per unit
	// with one revision, one blob each.
	ctx := context.Background()
	_, rows, err := e.db.Query(ctx, `SELECT u.name, count(DISTINCT s.id), count(r.id), count(DISTINCT r.blob_hash)
		FROM units u JOIN submissions s ON s.unit_id = u.id JOIN revisions r ON r.submission_id = s.id GROUP BY u.name`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Errorf("%d units stored, want %d", len(rows), n)
	}
	for _, row := range rows {
		if fmt.Sprint(row[1:]) != "[1 1 1]" {
			t.Errorf("unit %v: submissions, revisions, blobs = %v", row[0], row[1:])
		}
	}
	_, total, err := e.db.Query(ctx, `SELECT count(*) FROM revisions`)
	if err != nil || fmt.Sprint(total[0][0]) != fmt.Sprint(n) {
		t.Errorf("revisions in all: %v %v", total, err)
	}
	for _, a := range agencies {
		h, err := e.db.History(ctx, a.unit)
		if err != nil || len(h) != 1 || !seen[h[0].ID] {
			t.Errorf("%s: history %v %v", a.unit, h, err)
		}
	}
	if probs, err := e.svc.CheckStore(ctx); err != nil || len(probs) > 0 {
		t.Errorf("check store: %v %v", probs, err)
	}
}
