package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// importExamples name 8 example workbooks shipped with the templates (one
// argument a glob): 6 are imported, 2 rejected.
var importExamples = []string{
	"../../templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx",
	"../../templates/hubei-dept/2022/examples/caidian-minzheng-2022.xlsx",
	"../../templates/minsheng-score/2020/examples/yuan-jiuzhu-2020.xlsx",
	"../../templates/national-dept/2024/examples/zhuzhou-jiuzhu-2024.xlsx",
	"../../templates/national-project/2020/examples/lechang-*-2021.xlsx", // 4 files
}

// withArgs returns args followed by more.
func withArgs(args []string, more ...string) []string {
	return append(append([]string(nil), args...), more...)
}

// cliIn runs the CLI on the store in dataDir.
func cliIn(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, append([]string{"--data-dir", dataDir}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// genWorkbook builds a hubei-dept@2022 workbook (the 蔡甸区民政局 example,
// warnings only) for unit; fillDate, when set, replaces its 填报日期.
func genWorkbook(t testing.TB, unit, fillDate string) []byte {
	t.Helper()
	return testkit.HubeiWorkbook(t, unit, func(d *template.Data) {
		if fillDate != "" {
			d.Fields["fill_date"] = fillDate
		}
	})
}

// importReportLine is one line of an import --report .json.
type importReportLine struct {
	Path       string `json:"path"`
	Unit       string `json:"unit"`
	Template   string `json:"template"`
	Year       int    `json:"year"`
	Status     string `json:"status"`
	Revision   int64  `json:"revision"`
	Errors     int    `json:"errors"`
	Warnings   int    `json:"warnings"`
	FirstError string `json:"first_error"`
}

func readJSONReport(t *testing.T, p string) []importReportLine {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var out []importReportLine
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v\n%s", p, err, b)
	}
	return out
}

func statusCounts(lines []importReportLine) map[string]int {
	m := map[string]int{}
	for _, l := range lines {
		m[l.Status]++
	}
	return m
}

// sqlCount runs a one-number query through the CLI.
func sqlCount(t *testing.T, dataDir, q string) int {
	t.Helper()
	code, out, errs := cliIn(t, dataDir, "sql", "--format", "csv", q)
	if code != 0 {
		t.Fatalf("sql %s: exit %d: %s", q, code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	n, err := strconv.Atoi(strings.TrimSpace(lines[len(lines)-1]))
	if err != nil || len(lines) != 2 {
		t.Fatalf("sql %s: %q", q, out)
	}
	return n
}

// TestHelperImport is not a test: it runs the CLI with the arguments in
// JXSYNC_TEST_HELPER_ARGS when the tests below start it as a child process.
func TestHelperImport(t *testing.T) {
	raw := os.Getenv("JXSYNC_TEST_HELPER_ARGS")
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
}

// helperProcess returns the test binary set to run the CLI with args.
func helperProcess(ctx context.Context, t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperImport$", "-test.count=1", "-test.timeout=90s")
	cmd.Env = append(os.Environ(), "JXSYNC_TEST_HELPER_ARGS="+string(b))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// TestKillMidImport kills a bulk import (SIGKILL) twice part-way: each time
// the store is consistent, and the last run completes it with exactly one
// revision per workbook. Each killed run is killed once it has stored
// step more revisions; a commit records up to sync.MaxBatch (128) files at
// once, so the count seen can jump by a batch between two looks and
// another batch may commit before the kill lands: n leaves room for both
// after each kill.
func TestKillMidImport(t *testing.T) {
	const step, kills = 30, 2
	const n = kills*(step+2*sync.MaxBatch) + sync.MaxBatch
	in := filepath.Join(t.TempDir(), "in")
	start := time.Now()
	testkit.WriteWorkbooks(t, in, n)
	t.Logf("generated %d workbooks: %v", n, time.Since(start))
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Second)
	defer cancel()
	for range kills {
		killAt := step
		if _, err := os.Stat(filepath.Join(data, "jxsync.db")); err == nil {
			killAt += sqlCount(t, data, "SELECT count(*) FROM revisions")
		}
		start := time.Now()
		report := filepath.Join(t.TempDir(), "acked.csv")
		stored := killImport(ctx, t, data, in, killAt, report)
		t.Logf("killed at %d revisions after %v", stored, time.Since(start))
		// Every file the report acknowledged as stored is stored.
		acked := ackedRevisions(t, report)
		if len(acked) == 0 {
			t.Errorf("the report of the killed import acknowledged nothing")
		}
		for _, id := range acked {
			if n := sqlCount(t, data, "SELECT count(*) FROM revisions WHERE id = "+id); n != 1 {
				t.Errorf("acknowledged revision %s is not stored", id)
			}
		}
		if stored >= n {
			t.Fatalf("all %d files were imported before the kill", n)
		}
		code, out, errs := cliIn(t, data, "check")
		if code != 0 || !strings.Contains(out, "中心库一致") {
			t.Fatalf("check after the kill: exit %d\n%s%s", code, out, errs)
		}
		if got := sqlCount(t, data, "SELECT count(*) FROM revisions"); got < stored || got >= n {
			t.Fatalf("revisions after the kill = %d (seen %d)", got, stored)
		}
	}
	before := sqlCount(t, data, "SELECT count(*) FROM revisions")
	rep := filepath.Join(t.TempDir(), "r.json")
	start = time.Now()
	code, out, errs := cliIn(t, data, "import", "--workers", "2", "--report", rep, in)
	t.Logf("completing run: %v", time.Since(start))
	if code != 0 {
		t.Fatalf("re-run: exit %d\n%s%s", code, out, errs)
	}
	got := statusCounts(readJSONReport(t, rep))
	if got["unchanged"] != before || got["imported"] != n-before {
		t.Errorf("re-run outcomes %v, want %d unchanged and %d imported", got, before, n-before)
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM revisions":                       n,
		"SELECT count(DISTINCT blob_hash) FROM revisions":      n,
		"SELECT count(*) FROM submissions":                     n,
		"SELECT count(*) FROM revisions WHERE seq != 1":        0,
		"SELECT count(*) FROM submission_status":               n,
		"SELECT count(DISTINCT revision_id) FROM field_values": n,
	} {
		if got := sqlCount(t, data, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	if code, out, errs := cliIn(t, data, "check"); code != 0 {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
}

// ackedRevisions returns the revisions an import's CSV report (perhaps cut
// off by a kill) acknowledged as stored.
func ackedRevisions(t *testing.T, report string) []string {
	t.Helper()
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	return parseAcked(b)
}

// parseAcked returns the revisions acknowledged in the text of an import's
// CSV report, leaving out the header and a last line that may be cut.
func parseAcked(b []byte) []string {
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return nil
	}
	var ids []string
	for _, l := range lines[1 : len(lines)-1] {
		f := strings.Split(l, ",")
		if len(f) >= 7 && (f[5] == "imported" || f[5] == "rejected" || f[5] == "updated") {
			ids = append(ids, f[6])
		}
	}
	return ids
}

// killImport starts an import of in into data in a child process, writing
// its CSV report to report, and kills it once at least killAt revisions are
// committed and the report has acknowledged one (a batch is committed
// before its files' lines are written, so a kill between the two would
// leave a report acknowledging nothing); it returns how many revisions it
// saw.
func killImport(ctx context.Context, t *testing.T, data, in string, killAt int, report string) int {
	t.Helper()
	cmd, out := helperProcess(ctx, t, "--data-dir", data, "import", "--workers", "2", "--report", report, in)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	dbPath := filepath.Join(data, "jxsync.db")
	var db *sql.DB
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the import ended before it was killed (%v):\n%s", err, out)
		case <-ctx.Done():
			t.Fatalf("no %d revisions before the deadline:\n%s", killAt, out)
		case <-time.After(5 * time.Millisecond):
		}
		if db == nil {
			if _, err := os.Stat(dbPath); err != nil {
				continue
			}
			var err error
			if db, err = sql.Open("sqlite", "file:"+dbPath+"?mode=ro"); err != nil {
				t.Fatal(err)
			}
		}
		var c int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM revisions").Scan(&c); err != nil {
			continue // not created yet, or busy
		}
		if b, _ := os.ReadFile(report); c >= killAt && len(parseAcked(b)) > 0 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			if err := <-exited; err == nil {
				t.Fatalf("the import ended normally before it was killed:\n%s", out)
			}
			exited <- nil
			return c
		}
	}
}

// TestConcurrentImportProcesses runs two imports of one folder into one
// store at once in two processes: both succeed, each workbook is stored
// once.
func TestConcurrentImportProcesses(t *testing.T) {
	const n = 40
	in := filepath.Join(t.TempDir(), "in")
	testkit.WriteWorkbooks(t, in, n)
	data := t.TempDir()
	// The store is created first: two first opens of a new SQLite file at
	// once can fail (PRAGMA journal_mode=WAL gets SQLITE_BUSY without
	// waiting), a store/sqlite issue of its own.
	if code, _, errs := cliIn(t, data, "check"); code != 0 {
		t.Fatalf("check of the new store: exit %d: %s", code, errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Second)
	defer cancel()
	reports := []string{filepath.Join(t.TempDir(), "a.json"), filepath.Join(t.TempDir(), "b.json")}
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	start := time.Now()
	for _, rep := range reports {
		cmd, out := helperProcess(ctx, t, "--data-dir", data, "import", "--workers", "2", "--report", rep, in)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("import %d: %v (context: %v)\n%s", i, err, ctx.Err(), outs[i])
		}
	}
	t.Logf("two concurrent imports of %d files: %v", n, time.Since(start))
	imported := map[string]int{}
	for _, rep := range reports {
		for _, l := range readJSONReport(t, rep) {
			switch l.Status {
			case "imported":
				imported[l.Path]++
			case "unchanged":
			default:
				t.Errorf("%s: %+v", rep, l)
			}
		}
	}
	for p, c := range imported {
		if c != 1 {
			t.Errorf("%s imported %d times", p, c)
		}
	}
	if len(imported) != n {
		t.Errorf("%d files imported, want %d", len(imported), n)
	}
	if got := sqlCount(t, data, "SELECT count(*) FROM revisions"); got != n {
		t.Errorf("revisions = %d, want %d", got, n)
	}
	if code, out, errs := cliIn(t, data, "check"); code != 0 {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
}

func TestImportReport(t *testing.T) {
	data := t.TempDir()
	bad := filepath.Join(t.TempDir(), "汇总.xlsx")
	os.WriteFile(bad, []byte("单位,得分\n"), 0o644)
	rcsv := filepath.Join(t.TempDir(), "r.csv")
	code, out, errs := cliIn(t, data, withArgs([]string{"import", "--report", rcsv}, withArgs(importExamples, bad)...)...)
	if code != exitFindings {
		t.Errorf("exit %d, want %d (a file could not be read): %s", code, exitFindings, errs)
	}
	for _, want := range []string{"新增 imported 6", "有错误 rejected 2", "无法读取 unreadable 1", "汇总.xlsx", "报告 (report): " + rcsv} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The report file starts with the UTF-8 BOM Excel needs (the summary on
	// standard output has none).
	raw := mustReadFile(t, rcsv)
	body, ok := bytes.CutPrefix(raw, []byte(utf8BOM))
	if !ok || strings.HasPrefix(out, utf8BOM) {
		t.Errorf("report file starts %q, stdout %q: want the BOM in the file only", raw[:min(8, len(raw))], out[:min(8, len(out))])
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 10 {
		t.Fatalf("csv: %d lines, want a header and 9:\n%q", len(recs), recs)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"path", "unit", "template", "status", "revision", "errors", "first_error"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("csv header %q lacks %s", recs[0], h)
		}
	}
	byName := map[string][]string{}
	for _, r := range recs[1:] {
		byName[filepath.Base(r[col["path"]])] = r
	}
	jz := byName["caidian-jiuzhu-2022.xlsx"]
	if jz == nil || jz[col["unit"]] != "武汉市蔡甸区救助管理站" || jz[col["template"]] != "hubei-dept" || jz[col["status"]] != "rejected" ||
		jz[col["revision"]] == "0" || jz[col["errors"]] != "1" || !strings.Contains(jz[col["first_error"]], "B19") {
		t.Errorf("caidian-jiuzhu line: %q", jz)
	}
	mz := byName["caidian-minzheng-2022.xlsx"]
	if mz == nil || mz[col["status"]] != "imported" || mz[col["errors"]] != "0" || mz[col["first_error"]] != "" || mz[col["revision"]] == "0" {
		t.Errorf("caidian-minzheng line: %q", mz)
	}
	if b := byName["汇总.xlsx"]; b == nil || b[col["status"]] != "unreadable" || b[col["revision"]] != "0" || b[col["first_error"]] == "" {
		t.Errorf("unreadable line: %q", b)
	}

	// Again, as JSON: everything unchanged, same revisions.
	rjson := filepath.Join(t.TempDir(), "r.json")
	code, out, errs = cliIn(t, data, withArgs([]string{"import", "--report", rjson}, importExamples...)...)
	if code != 0 || !strings.Contains(out, "未变 unchanged 8") {
		t.Errorf("second import: exit %d\n%s%s", code, out, errs)
	}
	lines := readJSONReport(t, rjson)
	if len(lines) != 8 {
		t.Fatalf("json: %d lines, want 8", len(lines))
	}
	for _, l := range lines {
		c := byName[filepath.Base(l.Path)]
		if l.Status != "unchanged" || c == nil || strconv.FormatInt(l.Revision, 10) != c[col["revision"]] || l.Unit != c[col["unit"]] ||
			l.Template != c[col["template"]] || strconv.Itoa(l.Errors) != c[col["errors"]] {
			t.Errorf("json line %+v, csv line %q", l, c)
		}
	}
	if got := sqlCount(t, data, "SELECT count(*) FROM revisions"); got != 8 {
		t.Errorf("revisions = %d, want 8", got)
	}
}

func TestHistoryAndOriginal(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	const unit = "测试历史单位"
	v1, v2 := genWorkbook(t, unit, "2022.3.15"), genWorkbook(t, unit, "2022.4.1")
	p1, p2 := filepath.Join(dir, "第一版.xlsx"), filepath.Join(dir, "第二版.xlsx")
	os.WriteFile(p1, v1, 0o644)
	os.WriteFile(p2, v2, 0o644)
	var revs []int64
	for i, p := range []string{p1, p2} {
		rep := filepath.Join(t.TempDir(), "r.json")
		code, out, errs := cliIn(t, data, "import", "--report", rep, p)
		lines := readJSONReport(t, rep)
		want := []string{"imported", "updated"}[i]
		if code != 0 || len(lines) != 1 || lines[0].Status != want {
			t.Fatalf("import %s: exit %d, %+v\n%s%s", p, code, lines, out, errs)
		}
		revs = append(revs, lines[0].Revision)
	}

	code, out, errs := cliIn(t, data, "history", unit)
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("history: want 2 header lines and 2 revisions:\n%s", out)
	}
	for i, l := range lines[2:] {
		f := strings.Fields(l)
		if f[0] != strconv.FormatInt(revs[i], 10) || f[1] != "hubei-dept@2022" || f[2] != "2022" || f[3] != strconv.Itoa(i+1) ||
			!strings.HasSuffix(l, []string{p1, p2}[i]) {
			t.Errorf("history line %d: %q", i, l)
		}
	}
	if code, _, errs := cliIn(t, data, "history", "没有这个单位"); code != exitFailure || !strings.Contains(errs, "没有单位“没有这个单位”的填报") {
		t.Errorf("history of an unknown unit: exit %d: %s", code, errs)
	}

	// original writes the verified bytes, and never over a file.
	outDir := t.TempDir()
	for i, want := range [][]byte{v1, v2} {
		o := filepath.Join(outDir, fmt.Sprintf("out%d.xlsx", i))
		code, out, errs := cliIn(t, data, "original", strconv.FormatInt(revs[i], 10), "-o", o)
		if code != 0 || !strings.Contains(out, store.Hash(want)) {
			t.Fatalf("original %d: exit %d\n%s%s", revs[i], code, out, errs)
		}
		if got, err := os.ReadFile(o); err != nil || !bytes.Equal(got, want) {
			t.Errorf("original %d: %d bytes, %v; want the bytes imported", revs[i], len(got), err)
		}
	}
	existing := filepath.Join(outDir, "out0.xlsx")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	code, _, errs = cliIn(t, data, "original", strconv.FormatInt(revs[1], 10), "-o", existing)
	if got, _ := os.ReadFile(existing); code == 0 || string(got) != "keep me" || !strings.Contains(errs, "exists") {
		t.Errorf("original over an existing file: exit %d, file %q: %s", code, got, errs)
	}
	for _, args := range [][]string{{"original", "999", "-o", filepath.Join(outDir, "x.xlsx")}, {"original", "abc", "-o", filepath.Join(outDir, "y.xlsx")}, {"original", "1"}} {
		if code, _, errs := cliIn(t, data, args...); code == 0 || errs == "" {
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(outDir, "x.xlsx")); err == nil {
		t.Error("original of a missing revision created its output file")
	}
}

func TestSQLCommand(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := cliIn(t, data, withArgs([]string{"import"}, importExamples...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	q := "SELECT unit, year, template, status, revisions FROM submission_status ORDER BY file_name"
	code, out, errs := cliIn(t, data, "sql", q)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 9 || strings.Join(strings.Fields(lines[0]), " ") != "unit year template status revisions" ||
		strings.Join(strings.Fields(lines[1]), " ") != "武汉市蔡甸区救助管理站 2022 hubei-dept rejected 1" {
		t.Errorf("table: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs = cliIn(t, data, "sql", "--format", "csv", q)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 9 || strings.Join(recs[0], ",") != "unit,year,template,status,revisions" ||
		strings.Join(recs[2], ",") != "蔡甸区民政局,2022,hubei-dept,warnings,1" {
		t.Errorf("csv: exit %d, %v\n%s%s", code, err, out, errs)
	}

	code, out, errs = cliIn(t, data, "sql", "--format", "json", q)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) != 8 ||
		rows[1]["unit"] != "蔡甸区民政局" || rows[1]["year"] != float64(2022) || rows[1]["status"] != "warnings" {
		t.Errorf("json: exit %d, %v\n%s%s", code, err, out, errs)
	}

	if code, _, errs := cliIn(t, data, "sql", "--format", "xml", q); code != exitFailure || !strings.Contains(errs, "--format") {
		t.Errorf("--format xml: exit %d: %s", code, errs)
	}
	if code, _, errs := cliIn(t, data, "sql", "SELECT * FROM nope"); code != exitFailure || !strings.Contains(errs, "no such table") {
		t.Errorf("bad query: exit %d: %s", code, errs)
	}

	values := sqlCount(t, data, "SELECT count(*) FROM field_values")
	for _, stmt := range []string{
		"DELETE FROM revisions",
		"DELETE FROM field_values",
		"UPDATE units SET name = 'x'",
		"PRAGMA query_only = 0; DELETE FROM field_values",
		"DROP VIEW indicators",
		"INSERT INTO units(name, created_at) VALUES ('x', 'y')",
	} {
		code, out, errs := cliIn(t, data, "sql", stmt)
		if code != exitFailure || errs == "" {
			t.Errorf("%s: exit %d\n%s%s", stmt, code, out, errs)
		}
	}
	if got := sqlCount(t, data, "SELECT count(*) FROM revisions"); got != 8 {
		t.Errorf("revisions = %d after refused statements, want 8", got)
	}
	if got := sqlCount(t, data, "SELECT count(*) FROM field_values"); got != values {
		t.Errorf("field values = %d after refused statements, want %d", got, values)
	}
	if got := sqlCount(t, data, "SELECT count(*) FROM units WHERE name = 'x'"); got != 0 {
		t.Errorf("a unit was written")
	}
}

func TestSyncDir(t *testing.T) {
	data := t.TempDir()
	rep := filepath.Join(t.TempDir(), "all.json")
	if code, _, errs := cliIn(t, data, withArgs([]string{"import", "--report", rep}, importExamples...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	all := readJSONReport(t, rep)
	// The folder holds two of the importExamples and a new workbook.
	dir := t.TempDir()
	present := map[string]bool{"caidian-minzheng-2022.xlsx": true, "lechang-canji-2021.xlsx": true}
	for _, l := range all {
		if present[filepath.Base(l.Path)] {
			b, err := os.ReadFile(l.Path)
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "sub", filepath.Base(l.Path)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "新单位.xlsx"), genWorkbook(t, "同步新单位", ""), 0o644)
	rep2 := filepath.Join(t.TempDir(), "sync.json")
	code, out, errs := cliIn(t, data, "sync", "--report", rep2, dir)
	if code != 0 {
		t.Fatalf("sync: exit %d\n%s%s", code, out, errs)
	}
	if got := statusCounts(readJSONReport(t, rep2)); got["imported"] != 1 || got["unchanged"] != 2 || len(got) != 2 {
		t.Errorf("sync outcomes %v", got)
	}
	if !strings.Contains(out, "库中有、文件夹") {
		t.Fatalf("sync lists no missing submission:\n%s", out)
	}
	listed := out[strings.Index(out, "库中有、文件夹"):]
	for _, l := range all {
		mark := fmt.Sprintf("最新修订 %d (%s)", l.Revision, l.Path)
		if got := strings.Contains(listed, mark); got == present[filepath.Base(l.Path)] {
			t.Errorf("%s listed %v, want %v:\n%s", l.Path, got, !got, listed)
		}
	}
	if strings.Contains(listed, "同步新单位") {
		t.Errorf("the new workbook is listed as missing:\n%s", listed)
	}
	if n := strings.Count(listed, "最新修订"); n != 6 {
		t.Errorf("%d submissions listed, want 6:\n%s", n, listed)
	}
}

func TestCheckFindsTamperedBlob(t *testing.T) {
	data := t.TempDir()
	rep := filepath.Join(t.TempDir(), "r.json")
	if code, _, errs := cliIn(t, data, withArgs([]string{"import", "--report", rep}, importExamples...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	if code, out, errs := cliIn(t, data, "check"); code != 0 || !strings.Contains(out, "中心库一致") {
		t.Fatalf("check of a sound store: exit %d\n%s%s", code, out, errs)
	}
	lines := readJSONReport(t, rep)
	tampered, removed := lines[2], lines[5]
	blob := func(l importReportLine) string {
		h := store.Hash(mustReadFile(t, l.Path))
		return filepath.Join(data, "blobs", h[:2], h)
	}
	b := mustReadFile(t, blob(tampered))
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(blob(tampered), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blob(removed)); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cliIn(t, data, "check")
	if code != exitFindings || !strings.Contains(errs, "2 problem(s)") {
		t.Errorf("check: exit %d, want %d\n%s%s", code, exitFindings, out, errs)
	}
	// One line per problem, naming the revision, its unit, template, year
	// and file.
	probs := strings.Split(strings.TrimSpace(out), "\n")
	if len(probs) != 2 {
		t.Fatalf("check: want 2 lines:\n%s", out)
	}
	cases := []struct {
		l    importReportLine
		what string
	}{{tampered, "原件已损坏"}, {removed, "原件缺失"}}
	if removed.Revision < tampered.Revision { // lines are in revision order
		cases[0], cases[1] = cases[1], cases[0]
	}
	for i, c := range cases {
		for _, want := range []string{fmt.Sprintf("修订 %d（%s，%s@", c.l.Revision, c.l.Unit, c.l.Template), fmt.Sprintf("%d 年度", c.l.Year),
			"文件 " + c.l.Path, c.what} {
			if !strings.Contains(probs[i], want) {
				t.Errorf("check line %d lacks %q:\n%s", i, want, probs[i])
			}
		}
	}
	// The original of the tampered revision is refused, not written.
	o := filepath.Join(t.TempDir(), "o.xlsx")
	if code, _, errs := cliIn(t, data, "original", strconv.FormatInt(tampered.Revision, 10), "-o", o); code == 0 || !strings.Contains(errs, "does not match") {
		t.Errorf("original of a tampered blob: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(o); err == nil {
		t.Error("original of a tampered blob wrote a file")
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInterruptedImport: SIGINT part-way through a bulk import finishes the
// files in hand, prints the summary of what was done, leaves the report of
// every file it finished and exits non-zero; the store stays consistent.
func TestInterruptedImport(t *testing.T) {
	const n = 200
	in := filepath.Join(t.TempDir(), "in")
	testkit.WriteWorkbooks(t, in, n)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Second)
	defer cancel()
	report := filepath.Join(t.TempDir(), "r.csv")
	cmd, out := helperProcess(ctx, t, "--data-dir", data, "import", "--workers", "2", "--report", report, in)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(40 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(report); err == nil && strings.Count(string(b), "\n") > 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress:\n%s", out)
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "个文件 (files)") || !strings.Contains(out.String(), "导入已中断") {
		t.Errorf("no summary or no word of the interruption:\n%s", out)
	}
	acked := ackedRevisions(t, report)
	stored := sqlCount(t, data, "SELECT count(*) FROM revisions")
	if len(acked) != stored || stored == 0 || stored >= n {
		t.Errorf("%d acknowledged, %d stored of %d", len(acked), stored, n)
	}
	if code, out, errs := cliIn(t, data, "check"); code != 0 {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
}
