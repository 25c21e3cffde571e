package sync

import (
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

func TestMatchByUnitCode(t *testing.T) {
	a := &store.Unit{Code: "42011410001", Name: "武汉市蔡甸区第1中学", Registered: true}
	b := &store.Unit{Code: "42011410002", Name: "武汉市蔡甸区第2中学", Registered: true}
	x := &unitIndex{units: []*store.Unit{a, b}, byCode: map[string]*store.Unit{a.Code: a, b.Code: b}, registered: true}
	res := &mapping.Result{Fields: map[string]mapping.Value{FieldUnitCode: {Raw: "42011410002", Text: " 42011410002 "}}}
	if u := x.match(unitCodeOf(res), "武汉市蔡甸区第1中学"); u != b {
		t.Errorf("the code decides: %v", u)
	}
	if u := x.match("999", "武汉市蔡甸区第1中学"); u != a {
		t.Errorf("an unknown code falls back to the name: %v", u)
	}
	if u := x.match(unitCodeOf(&mapping.Result{}), "某单位"); u != nil {
		t.Errorf("no code, unknown name: %v", u)
	}
	nr := &store.NewRevision{Unit: "某单位"}
	x.fileUnder(nr, &ImportResult{}, "")
	if nr.Unit != "" || nr.PendingUnit != "某单位" {
		t.Errorf("unknown unit not queued: %+v", nr)
	}
	nr = &store.NewRevision{Unit: "某单位"}
	(*unitIndex)(nil).fileUnder(nr, &ImportResult{}, "")
	if nr.Unit != "某单位" || nr.PendingUnit != "" {
		t.Errorf("without a registry the name stays: %+v", nr)
	}
}
