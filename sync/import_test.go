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
	"sync"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/s3"
	"github.com/jxsync/jxsync/store/s3/s3test"
	"github.com/jxsync/jxsync/store/sqlite"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/templates"
)

// Test helpers shared by the tests of this package.

var (
	regOnce sync.Once
	reg     *template.Registry
	regErr  error
)

// newService returns a service reading the embedded templates, storing
// originals in blobs and records in a SQLite file at dbPath (opened here,
// closed when t ends).
func newService(t testing.TB, blobs store.Blobs, dbPath string) *jxsync.Service {
	t.Helper()
	svc, err := openService(blobs, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Records.Close() })
	return svc
}

// openService is newService for any goroutine: the caller closes
// svc.Records.
func openService(blobs store.Blobs, dbPath string) (*jxsync.Service, error) {
	regOnce.Do(func() { reg, regErr = template.LoadRegistry(templates.FS) })
	if regErr != nil {
		return nil, regErr
	}
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		return nil, err
	}
	return &jxsync.Service{Templates: reg.Templates, Reader: template.Reader{}, Blobs: blobs, Records: db}, nil
}

func localBlobs(t testing.TB) store.Blobs {
	t.Helper()
	b, err := local.Open(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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

// exampleFiles are 8 example workbooks shipped with the templates: 6 are
// imported, 2 rejected.
var exampleFiles = []string{
	"hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx",
	"hubei-dept/2022/examples/caidian-minzheng-2022.xlsx",
	"minsheng-score/2020/examples/yuan-jiuzhu-2020.xlsx",
	"national-dept/2024/examples/zhuzhou-jiuzhu-2024.xlsx",
	"national-project/2020/examples/lechang-canji-2021.xlsx",
	"national-project/2020/examples/lechang-dibao-2021.xlsx",
	"national-project/2020/examples/lechang-linshi-2021.xlsx",
	"national-project/2020/examples/lechang-tekun-2021.xlsx",
}

// examples returns the paths of exampleFiles.
func examples(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, f := range exampleFiles {
		out = append(out, filepath.Join("..", "templates", f))
	}
	return out
}

// hubeiWorkbook builds a 部门整体绩效自评表 (hubei-dept@2022, the 蔡甸区民政局
// example: warnings only) for unit; edit, when not nil, changes the data
// further.
func hubeiWorkbook(t testing.TB, unit string, edit func(d *template.Data)) []byte {
	t.Helper()
	fm, err := template.FindForm("hubei-dept", "2022")
	if err != nil {
		t.Fatal(err)
	}
	y, err := fs.ReadFile(templates.FS, "hubei-dept/2022/examples/caidian-minzheng-2022.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := template.ParseData("caidian-minzheng-2022.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	d.Fields["unit_name"], d.Fields["header_unit"] = unit, unit
	if edit != nil {
		edit(d)
	}
	b, err := fm.BuildBytes(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeWorkbooks writes n workbooks of distinct units into dir and returns
// their paths in order.
func writeWorkbooks(t testing.TB, dir string, n int) []string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("wb-%03d.xlsx", i))
		if err := os.WriteFile(p, hubeiWorkbook(t, fmt.Sprintf("测试单位%03d", i), nil), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// count returns the integer a one-value query yields.
func queryInt(t testing.TB, svc *jxsync.Service, q string) int64 {
	t.Helper()
	_, rows, err := svc.Records.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%s: rows %v", q, rows)
	}
	n, ok := rows[0][0].(int64)
	if !ok {
		t.Fatalf("%s: %T %v", q, rows[0][0], rows[0][0])
	}
	return n
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
	if n := queryInt(t, svc, "SELECT count(*) FROM revisions"); n != want {
		t.Errorf("revisions = %d, want %d", n, want)
	}
	if n := queryInt(t, svc, "SELECT count(DISTINCT submission_id) FROM revisions"); n != want {
		t.Errorf("submissions with revisions = %d, want %d", n, want)
	}
	if n := queryInt(t, svc, "SELECT count(*) FROM revisions WHERE seq != 1"); n != 0 {
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
		testImportOutcomes(t, localBlobs(t))
	})
	t.Run("s3", func(t *testing.T) {
		testImportOutcomes(t, s3Blobs(t, s3test.Start(t)))
	})
}

func testImportOutcomes(t *testing.T, blobs store.Blobs) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	svc := newService(t, blobs, filepath.Join(t.TempDir(), "jxsync.db"))

	// The examples: 6 imported, 2 rejected (kept with their findings).
	srcs, bad := jxsync.Collect(examples(t), jxsync.CollectLimits{})
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
	if n := queryInt(t, svc, "SELECT count(*) FROM revisions"); n != 8 {
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
	if n := queryInt(t, svc, "SELECT count(*) FROM revisions"); n != 8 {
		t.Fatalf("revisions after re-import = %d, want 8", n)
	}

	// The rejected example is stored with its status and findings.
	var rejected *jxsync.ImportResult
	for _, r := range first {
		if strings.HasSuffix(r.File, "caidian-jiuzhu-2022.xlsx") {
			rejected = r
		}
	}
	if rejected == nil || rejected.Outcome != jxsync.OutcomeRejected || rejected.Errors != 1 || !strings.Contains(rejected.FirstError, "F9") {
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
		if f.Rule == "target-missed-reason" && f.Severity == "error" && f.Cell == "F9" {
			found = true
		}
	}
	if !found {
		t.Errorf("stored findings lack target-missed-reason at F9: %+v", findings)
	}
	if _, data, err := svc.Original(ctx, rejected.Revision); err != nil || !bytes.Equal(data, mustRead(t, rejected.File)) {
		t.Errorf("original of the rejected file: %v", err)
	}

	// A changed workbook of the same unit, template and year: a new revision;
	// the old one and its original stay.
	const unit = "测试修订单位"
	v1 := hubeiWorkbook(t, unit, nil)
	v2 := hubeiWorkbook(t, unit, func(d *template.Data) { d.Fields["improvement"] = "进一步加强预算绩效管理。" })
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
	before := queryInt(t, svc, "SELECT count(*) FROM revisions")
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
	if n := queryInt(t, svc, "SELECT count(*) FROM revisions"); n != before {
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
