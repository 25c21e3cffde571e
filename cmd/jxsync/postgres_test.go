package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/postgres/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		// The test binary run as jxsync itself (scale_test.go).
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

// TestRecordsOnPostgres imports every shipped example with store.records
// postgres (from the environment) and with the default SQLite file: `jxsync
// sql` on submission_status answers the same on both, `jxsync check` finds
// nothing wrong, and with postgres no jxsync.db is made.
func TestRecordsOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	examples, err := filepath.Glob(filepath.Join(testkit.TemplatesDir(t), "*", "*", "examples", "*.xlsx"))
	if err != nil || len(examples) < 8 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	in := t.TempDir()
	for _, f := range examples {
		if err := os.WriteFile(filepath.Join(in, filepath.Base(f)), mustReadFile(t, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	q := "SELECT unit, year, template, subject, revisions, version, status, errors, warnings, total_score, file_name, sheet " +
		"FROM submission_status ORDER BY unit, template, year, subject"
	answer := func(data string) string {
		t.Helper()
		if code, out, errs := cliIn(t, data, "import", in); code != 0 && code != 1 || !strings.Contains(out, "imported") {
			t.Fatalf("import: exit %d\n%s%s", code, out, errs)
		}
		code, out, errs := cliIn(t, data, "sql", "--format", "csv", q)
		if code != 0 {
			t.Fatalf("sql: exit %d\n%s%s", code, out, errs)
		}
		if code, out, errs := cliIn(t, data, "check"); code != 0 {
			t.Errorf("check: exit %d\n%s%s", code, out, errs)
		}
		return out
	}
	want := answer(t.TempDir())
	if n := strings.Count(want, "\n"); n < 9 {
		t.Fatalf("SQLite: %d lines:\n%s", n, want)
	}

	t.Setenv("JXSYNC_STORE_RECORDS", "postgres")
	t.Setenv("JXSYNC_POSTGRES_URL", url)
	data := t.TempDir()
	if got := answer(data); got != want {
		t.Errorf("submission_status on PostgreSQL:\n%s\nwant (SQLite)\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(data, "jxsync.db")); !os.IsNotExist(err) {
		t.Errorf("jxsync.db with store.records postgres: %v", err)
	}
	// The records are in PostgreSQL: a command run in another data folder
	// sees them.
	code, out, errs := cliIn(t, t.TempDir(), "sql", "--format", "csv", "SELECT count(*) AS n FROM submission_status")
	if n := strings.Count(want, "\n") - 1; code != 0 || out != fmt.Sprintf("n\n%d\n", n) {
		t.Errorf("sql from another folder: exit %d, %q, want %d submissions: %s", code, out, n, errs)
	}
}

// TestRecordsConfig: store.records admits sqlite and postgres, postgres
// only with a URL.
func TestRecordsConfig(t *testing.T) {
	for _, c := range []struct {
		records, url, want string
	}{
		{"mysql", "", "store.records: must be sqlite or postgres"},
		{"postgres", "", "postgres.url: required"},
	} {
		t.Setenv("JXSYNC_STORE_RECORDS", c.records)
		t.Setenv("JXSYNC_POSTGRES_URL", c.url)
		if code, _, errs := cliIn(t, t.TempDir(), "sql", "SELECT 1"); code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("records %q url %q: exit %d: %s", c.records, c.url, code, errs)
		}
	}
}

// TestPendingOnPostgres imports a roster and workbooks, one of an unknown
// unit, with store.records postgres and with the default SQLite file: the
// unknown one waits in `units pending` until `units assign` files it,
// `check` finds nothing wrong, and every command says the same on both
// (revision numbers aside: PostgreSQL does not reuse the numbers of a
// transaction run again).
func TestPendingOnPostgres(t *testing.T) {
	dir := t.TempDir()
	roster := writeFile(t, dir, "roster.csv", testkit.RosterCSV(testkit.Roster(9)))
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, unit := range []string{"武汉市蔡甸区第1中学", "蔡甸区第2农技推广站", "蔡甸区城关中学"} {
		writeFile(t, in, fmt.Sprintf("wb-%d.xlsx", i), testkit.HubeiWorkbook(t, unit, nil))
	}
	pendingLine := regexp.MustCompile(`(?m)^(\d+)\s+蔡甸区城关中学\s+hubei-dept@2022\s+2022\s+\S*wb-2\.xlsx$`)
	filedAs := regexp.MustCompile(`新修订 (\d+) \(revision \d+ filed as revision \d+\)`)
	transcript := func(data string) string {
		t.Helper()
		var b strings.Builder
		step := func(want int, args ...string) string {
			t.Helper()
			code, out, errs := cliIn(t, data, args...)
			if code != want {
				t.Fatalf("%s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errs)
			}
			fmt.Fprintf(&b, "$ %s\n%s%s", strings.Join(args, " "), out, errs)
			return out
		}
		step(0, "units", "import", roster)
		step(0, "import", in)
		out := step(0, "units", "pending")
		m := pendingLine.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("units pending lacks wb-2.xlsx:\n%s", out)
		}
		out = step(0, "units", "assign", m[1], "42011410002", "--by", "张三")
		f := filedAs.FindStringSubmatch(out)
		if f == nil || !strings.Contains(out, "已归入 42011410002 武汉市蔡甸区第2中学") {
			t.Fatalf("units assign:\n%s", out)
		}
		step(exitFailure, "units", "assign", m[1], "42011410003", "--by", "张三")
		step(0, "units", "pending")
		step(0, "check")
		step(0, "sql", "--format", "csv", "SELECT unit, year, template, revisions, file_name FROM submission_status ORDER BY unit")
		step(0, "units", "list")
		// The revision numbers where they are named, and when assigned.
		names := map[string]string{m[1]: "<待确认修订>", f[1]: "<新修订>"}
		s := regexp.MustCompile(`(?m)(修订 |revision |assign |^)(\d+)\b`).ReplaceAllStringFunc(b.String(), func(x string) string {
			i := strings.LastIndexAny(x, " \n") + 1
			if n, ok := names[x[i:]]; ok {
				return x[:i] + n
			}
			return x
		})
		return regexp.MustCompile(`已于 \S+ \S+ 由`).ReplaceAllString(s, "已于 <时间> 由")
	}
	want := transcript(t.TempDir())
	for _, w := range []string{"没有待确认单位的修订", "中心库一致 (store is consistent)", "不能再次归入", "武汉市蔡甸区第2中学,2022,hubei-dept,1," + filepath.Join(in, "wb-2.xlsx"),
		"42011410002  武汉市蔡甸区第2中学        420114100     蔡甸区城关中学；蔡甸区第2中学"} {
		if !strings.Contains(want, w) {
			t.Errorf("SQLite transcript lacks %q:\n%s", w, want)
		}
	}

	t.Setenv("JXSYNC_STORE_RECORDS", "postgres")
	t.Setenv("JXSYNC_POSTGRES_URL", pgtest.URL(t))
	if got := transcript(t.TempDir()); got != want {
		t.Errorf("on PostgreSQL:\n%s\nwant (SQLite):\n%s", got, want)
	}
}
