package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	gosync "sync"

	"github.com/jxsync/jxsync/mapping"
)

// corpusVersion changes whenever the generator's output changes, so that a
// cached corpus is rebuilt.
const corpusVersion = 4

// Config sizes the corpus.
type Config struct {
	// Import is the number of workbooks of the import set (10,000); the
	// first 1,000 of them are in a folder of their own.
	Import int
	// BigRows is the number of indicator rows of the consolidated sheet
	// (100,000).
	BigRows int
	// SeedCopies is the number of seed-sized workbooks per template.
	SeedCopies int
	// RowCounts are the indicator row counts of the per-template sets, and
	// RowCopies the number of workbooks of each.
	RowCounts []int
	RowCopies int
	// Workers build workbooks in parallel (default: GOMAXPROCS).
	Workers int
}

// DefaultConfig is the corpus scripts/bench.sh builds.
var DefaultConfig = Config{Import: 10_000, BigRows: 100_000, SeedCopies: 12, RowCounts: []int{10, 50, 100, 200}, RowCopies: 3}

// Manifest lists a generated corpus; paths are relative to its folder.
type Manifest struct {
	Version int    `json:"version"`
	Config  Config `json:"config"`
	// Groups are the per-template sets the throughput is measured on.
	Groups []Group `json:"groups"`
	// ImportSmall holds the first 1,000 (or fewer) workbooks of the import
	// set, ImportRest the others; ImportRows is their mean indicator rows.
	ImportSmall string  `json:"import_small"`
	ImportRest  string  `json:"import_rest"`
	ImportCount int     `json:"import_count"`
	ImportRows  float64 `json:"import_rows"`
	// ImportSeed holds as many seed-sized workbooks (7 to 34 indicator
	// rows, as the shipped examples have), SeedRows their mean rows.
	ImportSeed string  `json:"import_seed"`
	SeedRows   float64 `json:"seed_rows"`
	// Big is the consolidated workbook with Config.BigRows indicator rows.
	Big string `json:"big"`
}

// Group is a set of workbooks of one template of like size.
type Group struct {
	// Template is id@version; Kind is "seed" (the seed-sized forms) or
	// "rows" (forms of Rows indicator rows).
	Template string   `json:"template"`
	Kind     string   `json:"kind"`
	Rows     string   `json:"rows"`
	Files    []string `json:"files"`
}

// Name is how the group is shown: the template and its size.
func (g Group) Name() string {
	if g.Kind == "seed" {
		return g.Template + " seed (" + g.Rows + " rows)"
	}
	return g.Template + " " + g.Rows + " rows"
}

// ImportRowCount is the number of indicator rows of import workbook i:
// spread evenly over 10..200.
func ImportRowCount(i int) int { return 10 + (i*7919)%191 }

// LoadManifest reads dir/manifest.json.
func LoadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", dir, err)
	}
	return &m, nil
}

// Generate writes the corpus into dir, unless dir already holds one built
// by this generator with the same config. logf reports progress.
func Generate(dir string, cfg Config, logf func(string, ...any)) (*Manifest, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if m, err := LoadManifest(dir); err == nil && m.Version == corpusVersion && sameConfig(m.Config, cfg) {
		logf("corpus %s is up to date", dir)
		return m, nil
	}
	ts, err := LoadTemplates()
	if err != nil {
		return nil, err
	}
	seeds, err := LoadSeeds(ts)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	m := &Manifest{Version: corpusVersion, Config: cfg}
	var jobs []job
	unit := 0
	// Per template: seed-sized copies, then the row-count sets.
	for _, t := range ts {
		tseeds := seedsOf(seeds, t)
		if len(tseeds) == 0 {
			continue
		}
		ref := t.ID + "@" + t.Version
		g := Group{Template: ref, Kind: "seed"}
		lo, hi := 1<<30, 0
		for k := 0; k < cfg.SeedCopies; k++ {
			s := tseeds[k%len(tseeds)]
			lo, hi = min(lo, s.Rows()), max(hi, s.Rows())
			p := filepath.Join("seed", t.ID+"-"+t.Version, fmt.Sprintf("%s-%02d.xlsx", s.Name, k))
			jobs = append(jobs, job{path: p, seed: s, unit: unit, rows: 0})
			unit++
			g.Files = append(g.Files, p)
		}
		g.Rows = strconv.Itoa(lo)
		if hi != lo {
			g.Rows += "–" + strconv.Itoa(hi)
		}
		m.Groups = append(m.Groups, g)
		for _, n := range cfg.RowCounts {
			g := Group{Template: ref, Kind: "rows", Rows: strconv.Itoa(n)}
			for k := 0; k < cfg.RowCopies; k++ {
				s := tseeds[k%len(tseeds)]
				p := filepath.Join("rows", t.ID+"-"+t.Version, fmt.Sprintf("%03d-%s-%02d.xlsx", n, s.Name, k))
				jobs = append(jobs, job{path: p, seed: s, unit: unit, rows: n})
				unit++
				g.Files = append(g.Files, p)
			}
			m.Groups = append(m.Groups, g)
		}
	}
	// The import set: templates in turn, each cycling through its seeds,
	// 10..200 indicator rows.
	m.ImportSmall, m.ImportRest, m.ImportCount = "import/first", "import/rest", cfg.Import
	total := 0
	for i := 0; i < cfg.Import; i++ {
		t, s := ImportSeed(ts, seeds, i)
		sub := m.ImportRest
		if i < 1000 {
			sub = m.ImportSmall
		}
		n := ImportRowCount(i)
		total += n
		p := filepath.Join(sub, fmt.Sprintf("%05d-%s-%s.xlsx", i, t.ID, t.Version))
		jobs = append(jobs, job{path: p, seed: s, unit: 100_000 + i, rows: n})
	}
	if cfg.Import > 0 {
		m.ImportRows = float64(total) / float64(cfg.Import)
	}
	// The seed-sized import set: the same turn of templates and seeds.
	m.ImportSeed = "import/seed"
	total = 0
	for i := 0; i < cfg.Import; i++ {
		t, s := ImportSeed(ts, seeds, i)
		total += s.Rows()
		p := filepath.Join(m.ImportSeed, fmt.Sprintf("%05d-%s-%s.xlsx", i, t.ID, t.Version))
		jobs = append(jobs, job{path: p, seed: s, unit: 200_000 + i})
	}
	if cfg.Import > 0 {
		m.SeedRows = float64(total) / float64(cfg.Import)
	}
	logf("building %d workbooks in %s", len(jobs), dir)
	if err := build(dir, jobs, cfg.Workers); err != nil {
		return nil, err
	}
	if cfg.BigRows > 0 {
		var big *Seed
		for _, s := range seeds {
			if s.Template.ID == "national-project" {
				big = s
				break
			}
		}
		if big == nil {
			return nil, errors.New("bench: no national-project example for the consolidated sheet")
		}
		m.Big = fmt.Sprintf("big/%s-%d-rows.xlsx", big.Template.ID, cfg.BigRows)
		logf("building the %d-row sheet", cfg.BigRows)
		b, err := BigSheet(big, cfg.BigRows)
		if err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(dir, m.Big), b); err != nil {
			return nil, err
		}
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return m, writeFile(filepath.Join(dir, "manifest.json"), out)
}

// ImportSeed is the template and seed of import workbook i: the templates
// in turn, each cycling through its seeds. Every template of ts must have a
// seed.
func ImportSeed(ts []*mapping.Template, seeds []*Seed, i int) (*mapping.Template, *Seed) {
	t := ts[i%len(ts)]
	tseeds := seedsOf(seeds, t)
	return t, tseeds[(i/len(ts))%len(tseeds)]
}

func sameConfig(a, b Config) bool {
	a.Workers, b.Workers = 0, 0
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func seedsOf(seeds []*Seed, t *mapping.Template) []*Seed {
	var out []*Seed
	for _, s := range seeds {
		if s.Template == t {
			out = append(out, s)
		}
	}
	return out
}

// job is one workbook to build: seed varied as unit with rows indicator
// rows (0: as in the seed).
type job struct {
	path string
	seed *Seed
	unit int
	rows int
}

func build(dir string, jobs []job, workers int) error {
	ch := make(chan job)
	var (
		wg    gosync.WaitGroup
		mu    gosync.Mutex
		first error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				b, err := j.seed.Form.BuildBytes(Vary(j.seed, j.unit, j.rows))
				if err == nil {
					err = writeFile(filepath.Join(dir, j.path), b)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("build %s: %w", j.path, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	return first
}

func writeFile(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}
