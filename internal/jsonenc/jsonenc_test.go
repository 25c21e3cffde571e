package jsonenc

import (
	"encoding/json"
	"math"
	"testing"
)

var texts = []string{"", "普通", `say "hi"`, `a\b`, "<b>", "a&b>", "tab\there\r\n", "\x01\x1f", "\x7f",
	"line\u2028\u2029end", "\u2027\u202a", "bad\xffbyte", "cut\xe4\xb8", "back\bspace", "form\ffeed", "\xe2\x80"}

var floats = []float64{0, 1, -1, 0.5, 1e-7, -1e-7, 1e-6, 1e20, 1e21, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64}

// TestAsEncodingJSON: strings and numbers are the bytes json.Marshal writes.
func TestAsEncodingJSON(t *testing.T) {
	for _, s := range texts {
		checkString(t, s)
	}
	for _, f := range floats {
		want, _ := json.Marshal(f)
		if got := AppendFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}

func checkString(t *testing.T, s string) {
	t.Helper()
	want, _ := json.Marshal(s)
	if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
		t.Errorf("%q: got %s, want x%s", s, got, want)
	}
}

// FuzzAppendString compares AppendString with json.Marshal.
func FuzzAppendString(f *testing.F) {
	for _, s := range texts {
		f.Add(s)
	}
	f.Fuzz(checkString)
}

// FuzzAppendFloat compares AppendFloat with json.Marshal on finite numbers.
func FuzzAppendFloat(f *testing.F) {
	for _, x := range floats {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return
		}
		want, _ := json.Marshal(x)
		if got := AppendFloat(nil, x); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", x, got, want)
		}
	})
}
