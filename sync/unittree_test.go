package sync

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/store"
)

func TestUnitTree(t *testing.T) {
	units := []*store.Unit{
		{Code: "100", Name: "财政局"},
		{Code: "101", Name: "教育局", Parent: "100"},
		{Code: "101001", Name: "一中", Parent: "101"},
		{Code: "101002", Name: "二中", Parent: "101"},
		{Code: "101002-1", Name: "二中分校", Parent: "101002"},
		{Code: "102", Name: "民政局", Parent: "100"},
		{Code: "900", Name: "独立单位"},
		{Code: "800", Name: "卫健委"},
		{Code: "800001", Name: "医院", Parent: "800"},
	}
	tr, err := NewUnitTree(units)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"100", "800", "900"}; !reflect.DeepEqual(tr.Roots, want) {
		t.Errorf("roots %v, want %v", tr.Roots, want)
	}
	if got, want := tr.Subtree("101"), []string{"101", "101001", "101002", "101002-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("subtree %v, want %v", got, want)
	}
	for code, want := range map[string]string{
		"101001": "101", "101002-1": "101002", // below a department
		"101": "", "102": "", // directly under the bureau
		"100": "", "900": "", // at the top
		"800001": "800", // a roster without the bureau: the top units are departments
	} {
		if got := tr.Department(code); got != want {
			t.Errorf("department of %s: %q, want %q", code, got, want)
		}
	}
	if !tr.IsBureau("100") || tr.IsBureau("800") || tr.IsBureau("101") {
		t.Error("bureau level: only a top unit with units two levels below")
	}
	if !tr.Contains("101", "101002-1") || tr.Contains("101", "102") || !tr.Contains("101", "101") {
		t.Error("contains")
	}
	if tr.Subtree("nope") != nil {
		t.Error("unknown code has no subtree")
	}
	_, err = NewUnitTree([]*store.Unit{{Code: "a", Name: "甲", Parent: "b"}, {Code: "b", Name: "乙", Parent: "a"}, {Code: "c", Name: "丙"}})
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
}
