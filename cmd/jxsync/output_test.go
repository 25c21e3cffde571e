package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestProgressBar renders the import bar into a buffer: Chinese words, a
// bar of theme characters that keeps its width whatever the file's name,
// the count; a long name is cut, not the bar.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar, step := newProgress(&b, 4, 0)
	step("蔡甸区民政局.xlsx")
	step("武汉市蔡甸区救助管理站2022年度部门整体绩效自评表（最终修改版第三稿）.xlsx")
	frames := strings.Split(b.String(), "\r")
	var last string
	for _, f := range frames {
		if strings.Contains(f, "(2/4") {
			last = f
		}
	}
	if last == "" {
		t.Fatalf("no frame shows 2 of 4 files:\n%q", b.String())
	}
	m := regexp.MustCompile(`\|([█▌░]+)\|`).FindStringSubmatch(last)
	if m == nil || displayWidth(m[1]) != progressWidth || !strings.HasPrefix(m[1], "██") || !strings.HasSuffix(m[1], "░") {
		t.Errorf("bar in %q: want %d columns, half filled with █ and the rest ░", last, progressWidth)
	}
	for _, want := range []string{" 50%", "个文件/", "正在导入 武汉市蔡甸区", "…"} {
		if !strings.Contains(last, want) {
			t.Errorf("frame %q lacks %q", last, want)
		}
	}
	if strings.Contains(last, "最终修改版第三稿") {
		t.Errorf("the long name is not cut: %q", last)
	}
	if err := bar.Finish(); err != nil {
		t.Fatal(err)
	}
}

// TestCSVFilesCarryBOM writes query results as files (-o) and to standard
// output: CSV files start with the UTF-8 BOM Excel on a Chinese Windows
// needs, CSV on standard output and JSON files do not; -o never writes over
// a file.
func TestCSVFilesCarryBOM(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	importHubei2022(t, data)
	q := "SELECT unit, status FROM submission_status ORDER BY unit"
	want := [][]string{{"unit", "status"}, {"武汉市蔡甸区救助管理站", "rejected"}, {"蔡甸区民政局", "warnings"}}

	code, out, errs := cliIn(t, data, "sql", "--format", "csv", q)
	if code != 0 || strings.HasPrefix(out, utf8BOM) {
		t.Errorf("csv on stdout: exit %d, starts %q: %s", code, out[:min(6, len(out))], errs)
	}
	csvFile := filepath.Join(dir, "状态.csv")
	if code, out, errs := cliIn(t, data, "sql", "-o", csvFile, q); code != 0 || !strings.Contains(out, "2 行") {
		t.Fatalf("sql -o: exit %d\n%s%s", code, out, errs)
	}
	raw := mustReadFile(t, csvFile)
	body, ok := bytes.CutPrefix(raw, []byte(utf8BOM))
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if !ok || err != nil || len(recs) != 3 || strings.Join(recs[1], ",") != strings.Join(want[1], ",") || strings.Join(recs[2], ",") != strings.Join(want[2], ",") {
		t.Errorf("csv file: BOM %v, %v, %q", ok, err, recs)
	}
	jsonFile := filepath.Join(dir, "状态.json")
	if code, _, errs := cliIn(t, data, "sql", "-o", jsonFile, q); code != 0 {
		t.Fatalf("sql -o json: exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if raw := mustReadFile(t, jsonFile); bytes.HasPrefix(raw, []byte(utf8BOM)) || json.Unmarshal(raw, &rows) != nil || len(rows) != 2 {
		t.Errorf("json file: %q", raw)
	}
	code, _, errs = cliIn(t, data, "sql", "-o", csvFile, q)
	if code != exitFailure || !strings.Contains(errs, "已存在，不覆盖") || !bytes.Equal(mustReadFile(t, csvFile), raw) {
		t.Errorf("sql -o over a file: exit %d: %s", code, errs)
	}
}

// TestSQLTableAlignsChinese prints a table whose columns hold Chinese and
// Latin text: every column starts at the same terminal column on every
// line, counting a 汉字 as two.
func TestSQLTableAlignsChinese(t *testing.T) {
	data := t.TempDir()
	importHubei2022(t, data)
	code, out, errs := cliIn(t, data, "sql", "SELECT unit, template, status, year FROM submission_status ORDER BY unit")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and 2 rows:\n%s", out)
	}
	var starts []int
	for i, l := range lines {
		var cols []int
		w, prevSpace := 0, true
		for _, r := range l {
			if r != ' ' && prevSpace {
				cols = append(cols, w)
			}
			prevSpace = r == ' '
			w += displayWidth(string(r))
		}
		if len(cols) != 4 {
			t.Fatalf("line %q: %d columns", l, len(cols))
		}
		if i == 0 {
			starts = cols
		} else if !equalInts(cols, starts) {
			t.Errorf("line %q starts its columns at %v, the header at %v:\n%s", l, cols, starts, out)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "蔡甸区": 6, "＞100": 5, "e\u0301": 1, "a\u200bb": 2, "": 0} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
	if got := truncateWidth("蔡甸区民政局.xlsx", 8); got != "蔡甸区…" {
		t.Errorf("truncateWidth = %q", got)
	}
	if got := truncateWidth("a.xlsx", 8); got != "a.xlsx" {
		t.Errorf("truncateWidth of a short name = %q", got)
	}
}
