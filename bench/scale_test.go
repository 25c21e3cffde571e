package bench

import (
	"strings"
	"testing"
	"time"
)

// TestReportScale: the seed-sized imports of this code are shown on the
// three stores side by side, PostgreSQL's CPU per workbook beside the
// CPU-bound rate it is not part of; portal runs show uploads per second,
// the CPU-bound rate of the portal and versitygw, and what failed.
func TestReportScale(t *testing.T) {
	dir := t.TempDir()
	imp := func(code, st string, wall, cpu, s3, pg time.Duration) ImportRun {
		return ImportRun{Code: code, Set: "seed", Store: st, Workbooks: 1000, Workers: 2, Rows: 16,
			Outcomes: map[string]int{"imported": 750, "rejected": 250}, Child: Child{Wall: wall, User: cpu, Other: s3, Postgres: pg, MaxRSS: 50 << 20}}
	}
	imports := []ImportRun{
		imp("", "postgres+s3", 20*time.Second, 4*time.Second, time.Second, 3*time.Second),
		imp("", "local", 10*time.Second, 4*time.Second, 0, 0),
		imp("base", "local", 10*time.Second, 8*time.Second, 0, 0),
	}
	portal := []PortalRun{
		{Store: "local", Instances: 1, Clients: 16, Uploads: 100, Statuses: map[string]int{"200": 100}, Wall: 5 * time.Second,
			Serve: 2 * time.Second, Client: time.Second, MaxRSS: 60 << 20, P50: 80 * time.Millisecond, P95: 200 * time.Millisecond},
		{Store: "postgres+s3", Instances: 2, Clients: 16, Uploads: 100, Statuses: map[string]int{"200": 96, "503": 3, "error": 1},
			FirstFailure: "503 服务器繁忙", Wall: 8 * time.Second, Serve: 3 * time.Second, S3: time.Second, Postgres: 2 * time.Second,
			MaxRSS: 70 << 20, P50: 90 * time.Millisecond, P95: 300 * time.Millisecond},
	}
	if err := WriteJSON(dir, "imports.json", imports); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(dir, "portal.json", portal); err != nil {
		t.Fatal(err)
	}
	md, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## Import into PostgreSQL + S3, beside SQLite",
		// 1000 workbooks in 20 s; 5 CPU-seconds on 2 cores: 400/s.
		"| SQLite + local | 1000 | 10.0 s | 100 | 500 | 4.0 ms | – | – | 50 MB | imported 750, rejected 250 |\n| PostgreSQL + S3 | 1000 | 20.0 s | 50 | 400 | 4.0 ms | 1.0 ms | 3.0 ms | 50 MB | imported 750, rejected 250 |",
		"| SQLite + local | 1 | 16 | 100 | 5.0 s | 20.0 | 100 | 20.0 ms | – | – | 1.0 s | 80 / 200 ms | 60 MB | 0 |",
		// 96 stored in 8 s; 4 CPU-seconds of portal and versitygw on 2 cores: 48/s.
		"| PostgreSQL + S3 | 2 | 16 | 100 | 8.0 s | 12.0 | 48 | 31.2 ms | 10.4 ms | 20.8 ms | 0.0 s | 90 / 300 ms | 70 MB | 4 (503 ×3, error ×1) |",
		"First failure, PostgreSQL + S3 with 2 instance(s): `503 服务器繁忙`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no line\n%s\nin\n%s", want, md)
		}
	}
	// The base's import (8 CPU-seconds: 8.0 ms a workbook) is not in the section.
	section, _, _ := strings.Cut(md[strings.Index(md, "## Import into"):], "## Portal uploads")
	if strings.Contains(section, "8.0 ms") {
		t.Errorf("the base's import is in the PostgreSQL section:\n%s", section)
	}
}

// TestReportWithoutScale: a run without PostgreSQL or portal measurements
// has neither section.
func TestReportWithoutScale(t *testing.T) {
	dir := t.TempDir()
	imports := []ImportRun{{Set: "seed", Store: "local", Workbooks: 10, Workers: 2, Child: Child{Wall: time.Second, User: time.Second}}}
	if err := WriteJSON(dir, "imports.json", imports); err != nil {
		t.Fatal(err)
	}
	md, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{"## Import into PostgreSQL", "## Portal uploads"} {
		if strings.Contains(md, no) {
			t.Errorf("%q in a report without its measurements", no)
		}
	}
}
