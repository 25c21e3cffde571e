package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

func seeds(tb testing.TB) ([]*mapping.Template, []*Seed) {
	tb.Helper()
	ts, err := LoadTemplates()
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := LoadSeeds(ts)
	if err != nil {
		tb.Fatal(err)
	}
	return ts, ss
}

// TestVary: a varied seed is read back as its template, with the unit name
// and the number of indicator rows asked for.
func TestVary(t *testing.T) {
	ts, ss := seeds(t)
	svc := &sync.Service{Templates: ts, Reader: template.Reader{}}
	for _, s := range ss {
		for _, n := range []int{0, 10, 37} {
			data, err := s.Form.BuildBytes(Vary(s, 42, n))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := svc.Validate("x.xlsx", data, "")
			if err != nil {
				t.Fatalf("%s %d rows: %v", s.Name, n, err)
			}
			if got := rep.Template + "@" + rep.Version; got != s.Ref() {
				t.Errorf("%s: read as %s", s.Name, got)
			}
			if unit, _, _ := s.Template.Who(rep.Result); unit != UnitName(42) {
				t.Errorf("%s: unit %q, want %q", s.Name, unit, UnitName(42))
			}
			want := n
			if n == 0 {
				want = s.Rows()
			}
			if got := rows(rep.Result); got != want {
				t.Errorf("%s, %d rows asked: %d read", s.Name, n, got)
			}
		}
	}
}

func rows(res *mapping.Result) int {
	best := 0
	for _, r := range res.Tables {
		best = max(best, len(r))
	}
	for _, insts := range res.Blocks {
		n := 0
		for _, b := range insts {
			for _, r := range b.Tables {
				n += len(r)
			}
		}
		best = max(best, n)
	}
	return best
}

// TestGenerate builds a small corpus twice: the same files, the manifest
// lists them, and the consolidated sheet reads with all its rows.
func TestGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a corpus")
	}
	cfg := Config{Import: 12, BigRows: 300, SeedCopies: 2, RowCounts: []int{10}, RowCopies: 1, Workers: 2}
	dir := t.TempDir()
	m, err := Generate(dir, cfg, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*.xlsx"))
	// Per shipped form: SeedCopies seed-sized and one per row count; then
	// the two import sets.
	if want := len(template.Forms)*(2+1) + 2*12; len(files) != want {
		t.Errorf("%d files, want %d", len(files), want)
	}
	first, err := os.ReadFile(filepath.Join(dir, m.Groups[0].Files[0]))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "manifest.json"))
	if _, err := Generate(dir, cfg, t.Logf); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(dir, m.Groups[0].Files[0]))
	if !bytes.Equal(first, again) {
		t.Error("the corpus is not deterministic")
	}
	ts, _ := seeds(t)
	for _, rd := range []Reader{JxsyncValidate(ts), ExcelizePlain, Floor} {
		if _, err := rd.Read(filepath.Join(dir, m.Big)); err != nil {
			t.Errorf("%s: %v", rd.Name, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, m.Big))
	rep, err := (&sync.Service{Templates: ts, Reader: template.Reader{}}).Validate("big.xlsx", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows(rep.Result); got != cfg.BigRows {
		t.Errorf("the consolidated sheet reads with %d rows, want %d", got, cfg.BigRows)
	}
}

// BenchmarkValidate is extract + validate of varied forms of every
// template, as the throughput phase measures them.
func BenchmarkValidate(b *testing.B) {
	ts, ss := seeds(b)
	svc := &sync.Service{Templates: ts, Reader: template.Reader{}}
	done := map[string]bool{}
	for _, s := range ss {
		if done[s.Ref()] {
			continue
		}
		done[s.Ref()] = true
		for _, n := range []int{0, 200} {
			data, err := s.Form.BuildBytes(Vary(s, 1, n))
			if err != nil {
				b.Fatal(err)
			}
			name := s.Ref() + "/seed"
			if n > 0 {
				name = s.Ref() + "/200-rows"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := svc.Validate("x.xlsx", data, ""); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBigSheet is extract + validate of a national-project form of
// 20,000 indicator rows (the suite's consolidated sheet has 100,000).
func BenchmarkBigSheet(b *testing.B) {
	ts, ss := seeds(b)
	var s *Seed
	for _, x := range ss {
		if x.Template.ID == "national-project" {
			s = x
			break
		}
	}
	data, err := BigSheet(s, 20_000)
	if err != nil {
		b.Fatal(err)
	}
	svc := &sync.Service{Templates: ts, Reader: template.Reader{}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Validate("big.xlsx", data, ""); err != nil {
			b.Fatal(err)
		}
	}
}
