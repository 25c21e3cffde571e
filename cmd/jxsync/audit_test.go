package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestAuditCommand: imports, with and without --by, and account changes
// are listed by `audit`, one line per entry, filtered by unit and date, as
// text, CSV and JSON; the log is readable with `sql` and not writable.
func TestAuditCommand(t *testing.T) {
	data := t.TempDir()
	in := t.TempDir()
	a := writeFile(t, in, "a.xlsx", genWorkbook(t, "审计甲单位", ""))
	b := writeFile(t, in, "b.xlsx", genWorkbook(t, "审计乙单位", ""))
	bad := writeFile(t, in, "bad.xlsx", []byte("not a workbook"))
	if code, _, errs := cliIn(t, data, "import", a); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	if code, _, errs := cliIn(t, data, "import", bad); code != 1 {
		t.Fatalf("import of an unreadable file: exit %d: %s", code, errs)
	}
	if code, _, errs := cliIn(t, data, "import", "--by", "张三", b); code != 0 {
		t.Fatalf("import --by: exit %d: %s", code, errs)
	}
	if code, _, errs := jxStdin(t, data, "secret-pass-1\n", "user", "add", "jia", "--role", "agency", "--unit", "审计甲单位", "--by", "李四"); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errs)
	}
	if code, _, errs := jxStdin(t, data, "", "user", "disable", "jia"); code != 0 {
		t.Fatalf("user disable: exit %d: %s", code, errs)
	}

	code, out, errs := cliIn(t, data, "audit")
	if code != 0 {
		t.Fatalf("audit: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	me := osUser()
	want := []struct{ parts []string }{
		{[]string{me + "(cli)", " import ", "审计甲单位", " #1 ", "a.xlsx"}},
		{[]string{me + "(cli)", " import ", " - ", "bad.xlsx", "unreadable"}},
		{[]string{"张三(cli)", " import ", "审计乙单位", " #2 ", "b.xlsx"}},
		{[]string{"李四(cli)", " account ", "审计甲单位", "add jia (agency)"}},
		{[]string{me + "(cli)", " account ", "审计甲单位", "disable jia"}},
	}
	if len(lines) != len(want) {
		t.Fatalf("audit printed %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		for _, p := range w.parts {
			if !strings.Contains(lines[i], p) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i], p)
			}
		}
	}

	// --unit keeps that unit's entries; --since a date.
	if _, out, _ := cliIn(t, data, "audit", "--unit", "审计乙单位"); strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "b.xlsx") {
		t.Errorf("audit --unit:\n%s", out)
	}
	if _, out, _ := cliIn(t, data, "audit", "--since", "2999-01-01"); !strings.Contains(out, "没有符合条件的记录") {
		t.Errorf("audit --since the future:\n%s", out)
	}
	if _, out, _ := cliIn(t, data, "audit", "--since", "2000-01-01"); len(strings.Split(strings.TrimSpace(out), "\n")) != len(want) {
		t.Errorf("audit --since the past:\n%s", out)
	}
	if code, _, errs := cliIn(t, data, "audit", "--since", "yesterday"); code != exitFailure || !strings.Contains(errs, "YYYY-MM-DD") {
		t.Errorf("bad --since: exit %d: %s", code, errs)
	}

	// CSV: the columns of audit_log, one record per entry.
	_, out, _ = cliIn(t, data, "audit", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want)+1 || strings.Join(recs[0], ",") != "at,actor,role,address,action,unit_code,revision,detail" ||
		recs[3][1] != "张三" || recs[3][6] != "2" || recs[2][6] != "" {
		t.Errorf("csv:\n%s", out)
	}
	// JSON.
	_, out, _ = cliIn(t, data, "audit", "--format", "json", "--unit", "审计甲单位")
	var js []map[string]any
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(js) != 3 || js[0]["action"] != "import" || js[0]["revision"] != float64(1) || js[1]["revision"] != nil || js[2]["detail"] != "disable jia" {
		t.Errorf("json: %v", js)
	}

	// sql reads the table; it cannot change it.
	if n := sqlCount(t, data, "SELECT count(*) FROM audit_log WHERE action = 'import'"); n != 3 {
		t.Errorf("sql: %d import rows, want 3", n)
	}
	if code, _, _ := cliIn(t, data, "sql", "DELETE FROM audit_log"); code == 0 {
		t.Error("sql DELETE FROM audit_log succeeded")
	}
	if n := sqlCount(t, data, "SELECT count(*) FROM audit_log"); n != len(want) {
		t.Errorf("after DELETE: %d rows", n)
	}
}

// TestAuditUnknownUnit: --unit naming no unit is an error, not an empty
// list.
func TestAuditUnknownUnit(t *testing.T) {
	data := t.TempDir()
	in := t.TempDir()
	a := writeFile(t, in, "a.xlsx", genWorkbook(t, "审计甲单位", ""))
	if code, _, errOut := cliIn(t, data, "import", a); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	if code, out, _ := cliIn(t, data, "audit", "--unit", "审计甲单位"); code != 0 || !strings.Contains(out, "a.xlsx") {
		t.Errorf("audit --unit of a known unit: exit %d\n%s", code, out)
	}
	if code, _, errOut := cliIn(t, data, "audit", "--unit", "没有这个单位"); code != exitFailure || !strings.Contains(errOut, "没有单位") {
		t.Errorf("audit --unit of no unit: exit %d: %s", code, errOut)
	}
}
