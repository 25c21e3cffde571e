package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/s3"
	"github.com/jxsync/jxsync/store/s3/s3test"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// Test helpers shared by the tests of this package; the service, workbooks
// and example paths come from internal/testkit.

// s3Blobs opens a blob store on the S3 server srv (for testkit.WithBlobs).
func s3Blobs(t testing.TB, srv *s3test.Server) store.Blobs {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := s3.Open(ctx, srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func outcomeCounts(rs []*jxsync.ImportResult) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		m[r.Outcome]++
	}
	return m
}

// assertNoDuplicates checks that the store holds exactly want revisions,
// one per submission, and that CheckStore finds nothing wrong.
func assertNoDuplicates(t testing.TB, svc *jxsync.Service, want int64) {
	t.Helper()
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != want {
		t.Errorf("revisions = %d, want %d", n, want)
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(DISTINCT submission_id) FROM revisions"); n != want {
		t.Errorf("submissions with revisions = %d, want %d", n, want)
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions WHERE seq != 1"); n != 0 {
		t.Errorf("%d revisions with seq != 1", n)
	}
	probs, err := svc.CheckStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) > 0 {
		t.Errorf("CheckStore: %q", probs)
	}
}

// TestImportOutcomes runs one body against both blob stores.
func TestImportOutcomes(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		testImportOutcomes(t)
	})
	t.Run("s3", func(t *testing.T) {
		testImportOutcomes(t, testkit.WithBlobs(s3Blobs(t, s3test.Start(t))))
	})
}

// testImportOutcomes imports into testkit.Service(t, opts...).
func testImportOutcomes(t *testing.T, opts ...testkit.Option) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	svc := testkit.Service(t, opts...)
	blobs := svc.Blobs

	// The examples: 6 imported, 2 rejected (kept with their findings).
	srcs, bad := jxsync.Collect(testkit.Examples(t), jxsync.CollectLimits{})
	if len(bad) != 0 || len(srcs) != 8 {
		t.Fatalf("collect: %d sources, bad %v", len(srcs), bad)
	}
	first := svc.ImportAll(ctx, srcs, 2, "test", nil)
	if got := outcomeCounts(first); got[store.OutcomeImported] != 6 || got[jxsync.OutcomeRejected] != 2 {
		t.Fatalf("first import: %v", got)
	}
	for i, r := range first {
		if r.File != srcs[i].Name || r.Revision == 0 || r.Unit == "" || r.Template == "" || r.Year == 0 {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != 8 {
		t.Fatalf("revisions = %d, want 8", n)
	}

	// Again: unchanged, the same revisions, nothing new.
	again := svc.ImportAll(ctx, srcs, 2, "test", nil)
	if got := outcomeCounts(again); got[store.OutcomeUnchanged] != 8 {
		t.Fatalf("second import: %v", got)
	}
	for i, r := range again {
		if r.Revision != first[i].Revision {
			t.Errorf("%s: revision %d, first time %d", r.File, r.Revision, first[i].Revision)
		}
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != 8 {
		t.Fatalf("revisions after re-import = %d, want 8", n)
	}

	// The rejected example is stored with its status and findings.
	var rejected *jxsync.ImportResult
	for _, r := range first {
		if strings.HasSuffix(r.File, "caidian-jiuzhu-2022.xlsx") {
			rejected = r
		}
	}
	if rejected == nil || rejected.Outcome != jxsync.OutcomeRejected || rejected.Errors != 1 || !strings.Contains(rejected.FirstError, "B19") {
		t.Fatalf("caidian-jiuzhu: %+v", rejected)
	}
	rev, err := svc.Records.Revision(ctx, rejected.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Status != store.StatusRejected || rev.Errors != 1 || rev.Unit != "武汉市蔡甸区救助管理站" || rev.Year != 2022 {
		t.Errorf("rejected revision = %+v", rev)
	}
	_, rows, err := svc.Records.Query(ctx, fmt.Sprintf("SELECT findings FROM revisions WHERE id = %d", rejected.Revision))
	if err != nil {
		t.Fatal(err)
	}
	var findings []struct{ Rule, Severity, Cell string }
	if err := json.Unmarshal([]byte(rows[0][0].(string)), &findings); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range findings {
		if f.Rule == "target-missed-reason" && f.Severity == "error" && f.Cell == "B19" {
			found = true
		}
	}
	if !found {
		t.Errorf("stored findings lack target-missed-reason at B19: %+v", findings)
	}
	if _, data, err := svc.Original(ctx, rejected.Revision); err != nil || !bytes.Equal(data, mustRead(t, rejected.File)) {
		t.Errorf("original of the rejected file: %v", err)
	}

	// A changed workbook of the same unit, template and year: a new revision;
	// the old one and its original stay.
	const unit = "测试修订单位"
	v1 := testkit.HubeiWorkbook(t, unit, nil)
	v2 := testkit.HubeiWorkbook(t, unit, func(d *template.Data) { d.Fields["improvement"] = "进一步加强预算绩效管理。" })
	r1, err := svc.Import(ctx, "v1.xlsx", v1, "test")
	if err != nil || r1.Outcome != store.OutcomeImported {
		t.Fatalf("v1: %+v %v", r1, err)
	}
	r2, err := svc.Import(ctx, "v2.xlsx", v2, "test")
	if err != nil || r2.Outcome != store.OutcomeUpdated || r2.Revision == r1.Revision {
		t.Fatalf("v2: %+v %v", r2, err)
	}
	old, err := svc.Records.Revision(ctx, r1.Revision)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := svc.Records.Revision(ctx, r2.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if old.Seq != 1 || cur.Seq != 2 || cur.SubmissionID != old.SubmissionID || cur.Unit != unit || cur.Year != 2022 {
		t.Errorf("revisions: old %+v, new %+v", old, cur)
	}
	for _, c := range []struct {
		id   int64
		want []byte
		name string
	}{{r1.Revision, v1, "v1.xlsx"}, {r2.Revision, v2, "v2.xlsx"}} {
		rev, data, err := svc.Original(ctx, c.id)
		if err != nil {
			t.Fatalf("original %d: %v", c.id, err)
		}
		if !bytes.Equal(data, c.want) || rev.FileName != c.name || rev.BlobHash != store.Hash(c.want) {
			t.Errorf("original %d: %d bytes, file %s, want the bytes of %s", c.id, len(data), rev.FileName, c.name)
		}
	}
	hist, err := svc.Records.History(ctx, unit)
	if err != nil || len(hist) != 2 || hist[0].ID != r1.Revision || hist[1].ID != r2.Revision {
		t.Errorf("history: %+v %v", hist, err)
	}
	latest, err := svc.Records.Latest(ctx, "hubei-dept")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range latest {
		if l.Unit == unit && l.ID != r2.Revision {
			t.Errorf("latest of %s = %d, want %d", unit, l.ID, r2.Revision)
		}
	}
	// The old bytes once more are a revision that submission already has.
	if r, err := svc.Import(ctx, "v1-again.xlsx", v1, "test"); err != nil || r.Outcome != store.OutcomeUnchanged || r.Revision != r1.Revision {
		t.Errorf("v1 again: %+v %v", r, err)
	}

	// An unreadable file is reported with why, and nothing is stored.
	before := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions")
	text := []byte("单位,年度,得分\n测试,2022,90\n")
	ur, err := svc.Import(ctx, "报表.xlsx", text, "test")
	if err != nil || ur.Outcome != jxsync.OutcomeUnreadable || ur.Revision != 0 || !strings.Contains(ur.FirstError, "不是Excel工作簿") {
		t.Errorf("text file: %+v %v", ur, err)
	}
	dir := t.TempDir()
	txt := filepath.Join(dir, "汇总.xlsx")
	os.WriteFile(txt, text, 0o644)
	srcs, _ = jxsync.Collect([]string{txt}, jxsync.CollectLimits{})
	rs := svc.ImportAll(ctx, append(srcs, jxsync.Source{Name: "gone.xlsx", Read: func() ([]byte, error) { return nil, fs.ErrNotExist }}), 1, "test", nil)
	if len(rs) != 2 || rs[0].Outcome != jxsync.OutcomeUnreadable || rs[0].File != txt || rs[0].FirstError == "" ||
		rs[1].Outcome != jxsync.OutcomeUnreadable || rs[1].File != "gone.xlsx" || rs[1].FirstError == "" {
		t.Errorf("unreadable batch: %+v %+v", rs[0], rs[1])
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != before {
		t.Errorf("revisions after unreadable files: %d, want %d", n, before)
	}
	if _, err := blobs.Size(ctx, store.Hash(text)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the unreadable file's bytes were stored: %v", err)
	}
	if probs, err := svc.CheckStore(ctx); err != nil || len(probs) != 0 {
		t.Errorf("CheckStore: %q %v", probs, err)
	}
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
