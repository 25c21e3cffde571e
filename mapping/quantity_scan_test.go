package mapping

import "testing"

// TestScanQuantity holds scanQuantity to what quantityRE matches: the
// number, the rest past spaces, and no match before a number or across a
// line break.
func TestScanQuantity(t *testing.T) {
	cases := []string{
		"", "1", "100", "+5", "-3.5", ".5", "5.", "5.x", "1,000,000.25元", "1,,2", ",1", "+", "-.", "+.5万元",
		"100 人", "100\t\r\f 人", "100\n", "100 \n 户", "100户\n以上", "100\n户\nx", "1.2.3", "12.5%", "约100",
		"≥95%", "好", "500余份", "0.5 ", "1e5", "3１", "100\v人", "\xff", "1\xff", "12　万元", "1.", "-",
		"９９", "1,000.", "1..2", ".", "..5", "+-1", "100 多人次",
	}
	for _, s := range cases {
		num, rest, ok := scanQuantity(s)
		m := quantityRE.FindStringSubmatch(s)
		if ok != (m != nil) || ok && (num != m[1] || rest != m[2]) {
			t.Errorf("scanQuantity(%q) = %q, %q, %v; quantityRE: %q", s, num, rest, ok, m)
		}
	}
}

// FuzzScanQuantity compares scanQuantity with quantityRE on any text.
func FuzzScanQuantity(f *testing.F) {
	f.Add("1,000.5 万元")
	f.Add("100\n户")
	f.Fuzz(func(t *testing.T, s string) {
		num, rest, ok := scanQuantity(s)
		m := quantityRE.FindStringSubmatch(s)
		if ok != (m != nil) || ok && (num != m[1] || rest != m[2]) {
			t.Errorf("scanQuantity(%q) = %q, %q, %v; quantityRE: %q", s, num, rest, ok, m)
		}
	})
}
