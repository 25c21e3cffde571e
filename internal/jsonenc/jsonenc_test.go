package jsonenc

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
)

var texts = []string{"", "普通", `say "hi"`, `a\b`, "<b>", "a&b>", "tab\there\r\n", "\x01\x1f", "\x7f",
	"line\u2028\u2029end", "\u2027\u202a", "bad\xffbyte", "cut\xe4\xb8", "back\bspace", "form\ffeed", "\xe2\x80",
	// Three-byte sequences: the first and last of their lead bytes, overlong
	// (E0 80..9F) and surrogates (ED A0..BF), cut short, a continuation
	// byte missing or wrong; two- and four-byte ones.
	"\u0800\u1000\ud7ff\ue000\uffff", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
	"末\xe4", "末\xe4\xb8", "\xe4\xb8a", "\xe4a\xb8", "\xe4\xc0\x80", "\xe2\x80\xa7\xe2\x80\xaa\xe2\x81\xa8",
	"é", "😀", "\xf0\x9f\x98", "表!B9 <≥100人次> & \"好\""}

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

// BenchmarkAppendString: a cell reference, an indicator's target and a
// sentence of Chinese text, as the documents hold them.
func BenchmarkAppendString(b *testing.B) {
	for _, s := range []string{"项目支出绩效自评表!E16", "≥95%", "全年预算数2155.89万元，执行数2155.89万元，执行率100%。已全面完成困难残疾人生活补贴和重度残疾人护理补贴的提标工作；"} {
		b.Run(strconv.Itoa(len(s)), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			buf := make([]byte, 0, 1024)
			for b.Loop() {
				buf = AppendString(buf[:0], s)
			}
		})
	}
}
