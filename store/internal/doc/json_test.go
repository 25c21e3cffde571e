package doc

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/jxsync/jxsync/mapping"
)

// TestAppendResultWritesWhatEncodingJSONWrites: the JSON of results with
// every kind of field, omitted or not, nil and empty maps, rows without
// values and numbers of every magnitude is byte for byte json.Marshal's.
func TestAppendResultWritesWhatEncodingJSONWrites(t *testing.T) {
	res := result()
	res.File = "乙.xlsx"
	res.Fields["amount"] = mapping.Value{Type: mapping.TypeAmount, Raw: "1.5万元", Number: f64(1.5), Unit: "万元", Cell: "表!C4"}
	res.Fields["date"] = mapping.Value{Type: mapping.TypeDate, Raw: "2023年1月", Text: "2023-01-01", Approx: true, Cell: "表!C5"}
	res.Fields["bad"] = mapping.Value{Type: mapping.TypeAmount, Raw: "约", Error: "不是金额 (not an amount)", Cell: "表!C6"}
	res.Fields["actual"] = mapping.Value{Type: mapping.TypeIndicator, Raw: "基本达成", Qualitative: true, Tier: "部分达成", Cell: "表!C7"}
	res.Tables["empty"] = []mapping.Row{}
	res.Tables["none"] = nil
	res.Tables["odd"] = []mapping.Row{mapping.NewRow(3, nil), mapping.NewRow(4, map[string]mapping.Value{})}
	for i, x := range []float64{0, math.Copysign(0, -1), 1e-7, -1e-7, 1e-6, 0.1, 123456789.125, 1e20, 1e21, 1.5e300, -2.5e-300, 99.96} {
		res.Tables["numbers"] = append(res.Tables["numbers"], mapping.NewRow(i+1, map[string]mapping.Value{
			"score": {Type: mapping.TypeScore, Raw: "x", Number: f64(x)}, "weight": {Type: mapping.TypeHeading, Raw: "y", Weight: f64(x)}}))
	}
	res.Blocks = map[string][]mapping.BlockResult{
		"goals": {{Row: 12, Fields: map[string]mapping.Value{"name": {Type: mapping.TypeText, Raw: "甲", Text: "甲"}},
			Tables: map[string][]mapping.Row{"indicators": res.Tables["items"][:2]}}, {Row: 20}},
		"none": nil,
	}
	res.Problems = []mapping.Problem{{Code: "label-not-found", Path: "fields.x", Message: "未找到"}, {Code: "table-gap", Path: "tables.items", Cell: "表!A9", Message: "空行"}}
	res.Uncached = []string{"B3", "C4"}
	res.Props = map[string]string{"jxsync.revision": "12", "jxsync.submission": "3"}
	bare := &mapping.Result{Template: "t", Version: "1", Sheet: "s"}
	for name, r := range map[string]*mapping.Result{"full": res, "bare": bare} {
		got, err := appendResult(nil, r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := resultJSON(t, r); string(got) != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

// TestUnusualDocumentsAreEncodingJSONs: strings to escape (quotes, HTML,
// control characters, U+2028, \b, \f, bytes that are no UTF-8) are written
// as json.Marshal writes them (jsonenc), and Encode's document is
// json.Marshal's.
func TestUnusualDocumentsAreEncodingJSONs(t *testing.T) {
	unusual := map[string]bool{} // none: every string is written as json.Marshal writes it
	for _, raw := range []string{`say "hi"`, `a\b`, "<b>", "a&b>", "tab\there\r\n", "\x01\x1f", "line\u2028\u2029end",
		"\u2027\u202a", "\x7f", "普通", "bad\xffbyte", "cut\xe4\xb8", "back\bspace", "form\ffeed"} {
		res := result()
		res.Fields["x"] = mapping.Value{Type: mapping.TypeText, Raw: raw, Cell: "表!A1"}
		res.Fields[raw] = mapping.Value{Type: mapping.TypeText, Raw: "键 (key)", Cell: "表!A2"}
		got, err := appendResult(nil, res)
		if unusual[raw] != (err != nil) {
			t.Errorf("%q: appendResult error %v", raw, err)
		}
		if want := resultJSON(t, res); err == nil && string(got) != want {
			t.Errorf("%q:\n got %s\nwant %s", raw, got, want)
		}
		d, err := Encode(res)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		dec, _ := decoder()
		j, err := dec.DecodeAll(d, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := resultJSON(t, res); string(j) != want {
			t.Errorf("%q: document\n%s\nwant\n%s", raw, j, want)
		}
	}
	res := result()
	res.Fields["x"] = mapping.Value{Type: mapping.TypeNumber, Raw: "inf", Number: f64(math.Inf(1))}
	if _, err := appendResult(nil, res); err == nil {
		t.Error("an infinite number: no error from appendResult")
	}
	if _, err := Encode(res); err == nil {
		t.Error("an infinite number: no error from Encode")
	}
	if _, err := json.Marshal(res); err == nil {
		t.Error("an infinite number: no error from json.Marshal")
	}
}
