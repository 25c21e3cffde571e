package doc

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/mapping"
)

func f64(x float64) *float64 { return &x }

// result is a form's data whose JSON repeats as real forms' does.
func result() *mapping.Result {
	res := &mapping.Result{Template: "hubei-dept", Version: "2022", Sheet: "表",
		Fields: map[string]mapping.Value{"unit_name": {Type: mapping.TypeText, Raw: "救助站", Text: "救助站", Cell: "表!B3"}},
		Tables: map[string][]mapping.Row{}}
	for i := range 20 {
		res.Tables["items"] = append(res.Tables["items"], mapping.NewRow(9+i, map[string]mapping.Value{
			"level1": {Type: mapping.TypeHeading, Raw: "产出指标（60分）", Text: "产出指标", Weight: f64(60), Cell: "表!B9"},
			"target": {Type: mapping.TypeIndicator, Raw: "≥100人次", Number: f64(100), Unit: "人次", Op: ">=", Cell: "表!E9"},
		}))
	}
	return res
}

func resultJSON(t *testing.T, res *mapping.Result) string {
	t.Helper()
	j, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// TestDocument: a document reads back as the result written, smaller than
// its JSON; JSON text (SQLite's format before migration 0006) reads too; a
// damaged document is an error.
func TestDocument(t *testing.T) {
	res := result()
	d, err := Encode(res)
	if err != nil {
		t.Fatal(err)
	}
	j := resultJSON(t, res)
	if len(d) >= len(j) {
		t.Errorf("document of %d bytes for %d bytes of JSON", len(d), len(j))
	}
	if strings.HasPrefix(string(d), "{") {
		t.Errorf("document is not compressed: %.20q", d)
	}
	for name, b := range map[string][]byte{"compressed": d, "JSON text": []byte(j)} {
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if resultJSON(t, got) != j {
			t.Errorf("%s reads as %s, want %s", name, resultJSON(t, got), j)
		}
	}
	damaged := append([]byte(nil), d...)
	damaged[len(damaged)/2] ^= 0xff
	for name, b := range map[string][]byte{"damaged": damaged, "cut": d[:len(d)/2], "not JSON": []byte("data")} {
		if _, err := Decode(b); err == nil {
			t.Errorf("%s document: no error", name)
		}
	}
}
