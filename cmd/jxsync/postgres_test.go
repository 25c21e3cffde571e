package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
