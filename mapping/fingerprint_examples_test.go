package mapping_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

// exampleFingerprints are the fingerprints of the shipped example
// workbooks as stored revisions hold them: a stored revision is compared
// with a new import by its fingerprint, so these must never move.
var exampleFingerprints = map[string]string{
	"caidian-jiuzhu-2022.xlsx":   "74c89ee8ab13413514580a5d8968e38c08bf005e2212c11ef5f154f795787f66",
	"caidian-minzheng-2022.xlsx": "fa3fff77cb6bac80b981eda8729324d80fc0faea2fea6ee2887efdbc05a7ea52",
	"caidian-jiuzhu-2023.xlsx":   "a4de69869b7c1e06ae2522159c6bbe91b6a27c71a5556e45d1be7f3c938014b1",
	"chaling-nongye-2025.xlsx":   "ad991f922b99d1649cc63fa02a444574397bebb6e8918b46bcb4b6b1172beb14",
	"yuan-jiuzhu-2020.xlsx":      "880cb44c72a12581639980d4144c3a9f0e4fbec484026a248c55751d7f2c7d9b",
	"zhuzhou-jiuzhu-2024.xlsx":   "41e2e56b235fcfb33eeed5b7572af4e3a32770401205940cd6a2b9c32ed81cf2",
	"lechang-canji-2021.xlsx":    "603e1c3f1603a74ef8d6317c56ff57a687a45c9929e7b947c829f3c12fc28554",
	"lechang-dibao-2021.xlsx":    "bdf077991432314876b3c3a188a08fd79c8495a0db0730f2f8ee59ed4c53e310",
	"lechang-linshi-2021.xlsx":   "083f8d54634de526dd26203a321310bb001bbed1044d92b3703f082d9c7a2187",
	"lechang-tekun-2021.xlsx":    "9187b0dac699aaad2a19e2dfcb01bc11ba9b963ed2888a874d9d72e9bd552ae4",
}

// TestExampleFingerprints pins Result.Fingerprint of every shipped example
// workbook to the value stored revisions were written with.
func TestExampleFingerprints(t *testing.T) {
	reg, err := template.LoadRegistry(os.DirFS("../templates"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../templates/*/*/examples/*.xlsx")
	if err != nil || len(files) == 0 {
		t.Fatal("no examples")
	}
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := template.Read(name, data, template.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		tm, s, err := mapping.Detect(wb, reg.Templates)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res, err := tm.Extract(wb, s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := res.Fingerprint()
		want, ok := exampleFingerprints[name]
		if !ok {
			t.Errorf("%s: no pinned fingerprint (got %q)", name, got)
			continue
		}
		seen++
		if got != want {
			t.Errorf("%s: fingerprint %s, want %s", name, got, want)
		}
	}
	if seen != len(exampleFingerprints) {
		t.Errorf("checked %d examples, %d pinned", seen, len(exampleFingerprints))
	}
}
