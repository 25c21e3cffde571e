package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// jsonFingerprint is Fingerprint as it was first written — the flattened
// map, encoding/json and fmt — which every stored fingerprint was made
// with: the reference Fingerprint must agree with.
func jsonFingerprint(r *Result) string {
	flat := r.Flatten()
	keys := make([]string, 0, len(flat))
	for k, v := range flat {
		if !v.Empty() || v.Error != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	fmt.Fprintf(h, "%s@%s\n", r.Template, r.Version)
	for _, k := range keys {
		v := flat[k]
		v.Cell = ""
		v.Raw = strings.TrimSpace(v.Raw)
		b, _ := json.Marshal(v)
		fmt.Fprintf(h, "%s=%s\n", k, b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// trickyValues are values whose JSON escapes, number formats and emptiness
// are easy to get wrong.
func trickyValues() []Value {
	texts := []string{"", " ", "  \t", "—", "¥ -", "无", "a<b>&c", "引号\"反斜杠\\", "ctl\x01\x1f\x7f\b\f\n\r\t",
		"bad\xff\xfeutf8", "sep\u2028\u2029", "  110.36万元 ", "≥95%", "emoji😀", "\u200b"}
	nums := []*float64{nil, f64(0), f64(-0.0), f64(1e-7), f64(-2.5e-9), f64(1e21), f64(123456789012345678901.0),
		f64(110.36), f64(1e20), f64(0.000001), f64(math.NaN()), f64(math.Inf(1))}
	types := []Type{TypeText, TypeAmount, TypePercent, TypeIndicator, TypeHeading, TypeDate}
	var out []Value
	for i, s := range texts {
		for j, n := range nums {
			v := Value{Type: types[(i+j)%len(types)], Raw: s, Cell: "表!A" + strconv.Itoa(i+1), Number: n}
			switch (i + j) % 5 {
			case 1:
				v.Text, v.Unit, v.Op, v.Approx = strings.TrimSpace(s), "万元", ">=", true
			case 2:
				v.Weight, v.Number, v.Qualitative, v.Tier = n, nil, true, "部分达成"
			case 3:
				v.Error, v.Unit = "不是金额 (not an amount) <"+s+">", "人次"
			case 4:
				v.Weight = f64(40)
			}
			out = append(out, v)
		}
	}
	return out
}

// TestFingerprintMatchesJSON checks Fingerprint against the way the
// stored fingerprints were computed, on results of every shape: fields,
// compact and map rows, blocks and tables of more than ten rows (whose
// paths sort [10] before [2]), values that are empty, in error, or need
// escaping.
func TestFingerprintMatchesJSON(t *testing.T) {
	vals := trickyValues()
	for n, res := range map[string]*Result{
		"hubei":   extract(t, hubeiLike),
		"empty":   {Template: "t", Version: "1"},
		"tricky":  trickyResult(vals),
		"escaped": {Template: "a<b", Version: "&\"", Fields: map[string]Value{"x": vals[20]}},
	} {
		if got, want := res.Fingerprint(), jsonFingerprint(res); got != want {
			t.Errorf("%s: Fingerprint %s, want %s", n, got, want)
		}
	}
	// A changed value changes it, as it did before.
	res := trickyResult(vals)
	before := res.Fingerprint()
	res.Fields["f3"] = Value{Type: TypeText, Raw: "changed"}
	if res.Fingerprint() == before || res.Fingerprint() != jsonFingerprint(res) {
		t.Error("fingerprint of a changed field")
	}
}

// trickyResult spreads vals over fields, compact and map table rows and
// block instances.
func trickyResult(vals []Value) *Result {
	res := &Result{Template: "national-project", Version: "2020", Fields: map[string]Value{},
		Tables: map[string][]Row{}, Blocks: map[string][]BlockResult{}}
	for i, v := range vals[:40] {
		res.Fields["f"+strconv.Itoa(i)] = v
	}
	rc := &rowCols{names: []string{"level1", "level3", "target", "actual"}, sheet: "表"}
	var compact, mapped []Row
	for i := 0; i*4 < len(vals); i++ {
		row := rc.newRow(i + 5)
		m := map[string]Value{}
		for c := 0; c < 4 && i*4+c < len(vals); c++ {
			rc.set(row, c, vals[i*4+c], i+4, c)
			m[rc.names[c]] = vals[len(vals)-1-i*4-c]
		}
		compact = append(compact, row)
		mapped = append(mapped, NewRow(i+5, m))
	}
	res.Tables["indicators"] = compact
	res.Tables["other"] = mapped[:12]
	// A table whose two columns have one name: the last value of the
	// path counts, as in Flatten's map.
	dup := &rowCols{names: []string{"a", "a", "b"}, sheet: "表"}
	for i := 0; i < 3; i++ {
		row := dup.newRow(i + 1)
		dup.set(row, 0, vals[72+i], i, 0)
		dup.set(row, 1, vals[84+i], i, 1)
		dup.set(row, 2, vals[3*i], i, 2)
		res.Tables["dup"] = append(res.Tables["dup"], row)
	}
	for i := 0; i < 12; i++ {
		res.Blocks["goals"] = append(res.Blocks["goals"], BlockResult{Row: i,
			Fields: map[string]Value{"name": vals[i*7%len(vals)], "n2": vals[(i*7+3)%len(vals)]},
			Tables: map[string][]Row{"rows": compact[i : i+11]}})
	}
	return res
}
