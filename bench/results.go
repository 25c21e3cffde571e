package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The measurements of one scripts/bench.sh run, each phase written to a
// JSON file of the results folder and rendered together by Report.

// GroupRates are the one-core throughputs of the readers on one group.
type GroupRates struct {
	Group Group           `json:"group"`
	Rates map[string]Rate `json:"rates"`
}

// PeerRate is a throughput measured outside Go (openpyxl): CPU and wall
// seconds.
type PeerRate struct {
	Workbooks int     `json:"workbooks"`
	CPU       float64 `json:"cpu_s"`
	Wall      float64 `json:"wall_s"`
}

// Child is what a measured child process used.
type Child struct {
	Wall   time.Duration `json:"wall_ns"`
	User   time.Duration `json:"user_ns"`
	System time.Duration `json:"system_ns"`
	// MaxRSS is the peak resident set size in bytes.
	MaxRSS int64 `json:"max_rss"`
	// Other is CPU time of a server the child used (versitygw).
	Other time.Duration `json:"other_ns,omitempty"`
	// Postgres is the CPU time of the PostgreSQL server's processes while
	// the child ran (records on PostgreSQL); not in CPURate, as a
	// deployment runs PostgreSQL on a machine of its own.
	Postgres time.Duration `json:"postgres_ns,omitempty"`
}

// ImportRun is one end-to-end import.
type ImportRun struct {
	// Code is "" for this code, "base" for the code the targets are
	// compared with (BENCH_BASE of scripts/bench.sh).
	Code string `json:"code,omitempty"`
	// Set is "mix" (10 to 200 indicator rows) or "seed" (seed-sized).
	Set       string         `json:"set"`
	Store     string         `json:"store"`
	Workbooks int            `json:"workbooks"`
	Workers   int            `json:"workers"`
	Rows      float64        `json:"mean_rows"`
	Outcomes  map[string]int `json:"outcomes"`
	Child     Child          `json:"child"`
	// Storage, for the local imports of whole sets, is what the records
	// take.
	Storage *Storage `json:"storage,omitempty"`
	// Round numbers the repeats of the same import, from 0 (see
	// medianImports).
	Round int `json:"round,omitempty"`
	// Rounds, in a median of rounds, is how many there were.
	Rounds int `json:"-"`
}

// Rate is workbooks per second of wall time.
func (r ImportRun) Rate() float64 { return float64(r.Workbooks) / r.Child.Wall.Seconds() }

// CPURate is workbooks per second if the CPU time the import (and the S3
// server) used were spread over the workers' cores with nothing else
// running: the rate on a quiet machine when the run is CPU-bound.
func (r ImportRun) CPURate() float64 {
	cpu := r.Child.User + r.Child.System + r.Child.Other
	return float64(r.Workbooks) / (cpu.Seconds() / float64(r.Workers))
}

// RegenRun is the regenerate measurement.
type RegenRun struct {
	Set       string        `json:"set"`
	Rows      float64       `json:"mean_rows"`
	Workbooks int           `json:"workbooks"`
	Workers   int           `json:"workers"`
	Wall      time.Duration `json:"wall_ns"`
	CPU       time.Duration `json:"cpu_ns"`
	Bytes     int64         `json:"bytes"`
	// ExportCPU is the CPU time spent in template.Export (the rest reads
	// the revisions from the store).
	ExportCPU time.Duration `json:"export_cpu_ns"`
	// Round numbers the repeats of the same set, from 0 (see medianRegens).
	Round int `json:"round,omitempty"`
	// Rounds, in a median of rounds, is how many there were.
	Rounds int `json:"-"`
}

// Rate is revisions per second of wall time.
func (r RegenRun) Rate() float64 { return float64(r.Workbooks) / r.Wall.Seconds() }

// CPURate is revisions per CPU-second times the workers: the rate on a
// quiet machine when the run is CPU-bound.
func (r RegenRun) CPURate() float64 {
	return float64(r.Workbooks) / (r.CPU.Seconds() / float64(r.Workers))
}

// BigRun is the consolidated sheet, read by jxsync (and by the plain
// excelize reader) in a child process.
type BigRun struct {
	Reader   string        `json:"reader"`
	Rows     int           `json:"rows"`
	Findings int           `json:"findings"`
	Inner    time.Duration `json:"inner_ns"`
	Child    Child         `json:"child"`
	Error    string        `json:"error,omitempty"`
	// Round numbers the repeats of the same reader, from 0 (see
	// medianBig).
	Round int `json:"round,omitempty"`
	// Rounds, in a median of rounds, is how many there were.
	Rounds int `json:"-"`
}

// WriteJSON writes v to dir/name.
func WriteJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// ReadJSON reads dir/name into v; a missing file leaves v as it is.
func ReadJSON(dir, name string, v any) (bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

// Targets of issue 7 (extract + validate against the peers) and of issue
// 12 (speed, measured).
const (
	TargetVsOpenpyxl = 10.0
	TargetVsExcelize = 1.5
	// TargetImportLocal and TargetImportS3 are seed-sized workbooks per
	// second on 2 cores; TargetImportRows is 10–200-row ones, either store.
	TargetImportLocal = 1000.0
	TargetImportS3    = 500.0
	TargetImportRows  = 300.0
	TargetRegenerate  = 500.0
	TargetBigTime     = 3 * time.Second
	TargetBigRSS      = 200 << 20
	// FlatRSS is how much the peak RSS may grow from 1,000 to 10,000
	// workbooks and still count as independent of the count.
	FlatRSS = 1.1
	// TargetStorage is the most the records may grow per byte of the
	// originals.
	TargetStorage = 2.0
)

func passMiss(ok bool) string {
	if ok {
		return "**PASS**"
	}
	return "**MISS**"
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// setName describes an import set.
func setName(set string, rows float64) string {
	if set == "seed" {
		return fmt.Sprintf("seed-sized (mean %.0f rows)", rows)
	}
	return fmt.Sprintf("10–200 rows (mean %.0f)", rows)
}

// Report renders the results found in dir as the Markdown of
// bench/results.md.
func Report(dir string) (string, error) {
	var (
		env        map[string]string
		groups     []GroupRates
		openpyxl   map[string]PeerRate
		imports    []ImportRun
		regens     []RegenRun
		bigs       []BigRun
		baseEnv    map[string]string
		baseRegens []RegenRun
		baseBigs   []BigRun
		portal     []PortalRun
	)
	for _, f := range []struct {
		name string
		v    any
	}{{"env.json", &env}, {"throughput.json", &groups}, {"openpyxl.json", &openpyxl}, {"imports.json", &imports},
		{"regenerate.json", &regens}, {"bigsheet.json", &bigs},
		{"base/env.json", &baseEnv}, {"base/regenerate.json", &baseRegens}, {"base/bigsheet.json", &baseBigs}, {"portal.json", &portal}} {
		if _, err := ReadJSON(dir, f.name, f.v); err != nil {
			return "", fmt.Errorf("%s: %w", f.name, err)
		}
	}
	allImports, allRegens := imports, regens
	imports, regens, baseRegens = medianImports(imports), medianRegens(regens), medianRegens(baseRegens)
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# jxsync benchmark results\n\n")
	w("Written by `%s` on %s: %s, %s cores, Go %s, excelize %s, openpyxl %s (Debian python3-openpyxl).\n",
		env["command"], env["date"], env["cpu"], env["cores"], env["go"], env["excelize"], env["openpyxl"])
	w("Load average when the run started: %s. Rates on one core are per CPU-second of the reading process,\n", env["load"])
	w("so that other work on the machine does not change them; import and regenerate rates are per wall-clock second.\n\n")

	// Summary of the targets.
	base := "the base"
	if baseEnv["ref"] != "" {
		base = fmt.Sprintf("the base (`%s`, %s)", baseEnv["ref"], baseEnv["commit"])
	}
	w("## Targets\n\n")
	w("Each target beside %s, measured in the same run on the same files. ", base)
	w("*CPU-bound* is the rate per CPU-second of the process (and of versitygw) times the 2 cores: the rate on a quiet machine when the work is CPU-bound; ")
	w("the machine is shared, so the verdict says when only the CPU-bound rate meets the target.")
	if rounds := maxRounds(imports, regens); rounds > 1 {
		w(" This code's imports, regenerations and reads of the large sheet ran %d times each (rounds, one after the other); its figures are the median over the rounds, each figure on its own; the base ran once.", rounds)
	}
	w("\n\n")
	w("| target | measured | CPU-bound | base | base CPU-bound | × base | |\n|---|---|---|---|---|---|---|\n")
	row := func(target, measured, cpu, bm, bcpu, ratio, verdict string) {
		w("| %s | %s | %s | %s | %s | %s | %s |\n", target, measured, cpu, bm, bcpu, ratio, verdict)
	}
	rateVerdict := func(rate, cpu, target float64) string {
		switch {
		case rate >= target:
			return passMiss(true)
		case cpu >= target:
			return passMiss(false) + " (CPU-bound PASS)"
		}
		return passMiss(false)
	}
	type key struct{ code, set, store string }
	runs := map[key][]ImportRun{}
	for _, r := range imports {
		k := key{r.Code, r.Set, r.Store}
		runs[k] = append(runs[k], r)
	}
	for _, rs := range runs {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Workbooks < rs[j].Workbooks })
	}
	lastOf := func(code, set, st string) (ImportRun, bool) {
		rs := runs[key{code, set, st}]
		if len(rs) == 0 {
			return ImportRun{}, false
		}
		return rs[len(rs)-1], true
	}
	rate := func(r ImportRun, ok bool) (string, string) {
		if !ok {
			return "–", "–"
		}
		return fmt.Sprintf("%.0f/s", r.Rate()), fmt.Sprintf("%.0f/s", r.CPURate())
	}
	ratio := func(a, b float64) string {
		if !(a > 0 && b > 0) || math.IsInf(a, 0) || math.IsInf(b, 0) {
			return "–"
		}
		return fmt.Sprintf("%.2f×", a/b)
	}
	for _, set := range []string{"seed", "mix"} {
		for _, st := range []string{"local", "s3"} {
			cur, ok := lastOf("", set, st)
			if !ok {
				continue
			}
			bs, bok := lastOf("base", set, st)
			target := TargetImportRows
			if set == "seed" {
				target = TargetImportLocal
				if st == "s3" {
					target = TargetImportS3
				}
			}
			m, c := rate(cur, true)
			bm, bc := rate(bs, bok)
			if bok && bs.Outcomes["unreadable"] > 0 {
				bm += fmt.Sprintf(" (%d unreadable to it)", bs.Outcomes["unreadable"])
			}
			row(fmt.Sprintf("import of %d workbooks, %s, into %s ≥ %.0f/s on 2 cores", cur.Workbooks, setName(set, cur.Rows), st, target),
				m, c, bm, bc, ratio(cur.CPURate(), bs.CPURate()), rateVerdict(cur.Rate(), cur.CPURate(), target))
		}
	}
	for _, st := range []string{"local", "s3"} {
		growth := func(code string) (string, float64, bool) {
			rs := runs[key{code, "mix", st}]
			if len(rs) < 2 {
				return "–", 0, false
			}
			a, z := rs[0], rs[len(rs)-1]
			g := float64(z.Child.MaxRSS) / float64(a.Child.MaxRSS)
			return fmt.Sprintf("%s → %s (%.2f×)", mb(a.Child.MaxRSS), mb(z.Child.MaxRSS), g), g, true
		}
		m, g, ok := growth("")
		if !ok {
			continue
		}
		bm, bg, _ := growth("base")
		rs := runs[key{"", "mix", st}]
		row(fmt.Sprintf("peak RSS independent of the count (10–200 rows, %s, %d → %d workbooks; ≤ %.2f×)", st, rs[0].Workbooks, rs[len(rs)-1].Workbooks, FlatRSS),
			m, "–", bm, "–", ratio(g, bg), passMiss(g <= FlatRSS))
	}
	bigOf := func(bs []BigRun) (BigRun, bool) {
		var js []BigRun
		for _, b := range bs {
			if b.Reader == "jxsync" {
				js = append(js, b)
			}
		}
		if len(js) == 0 {
			return BigRun{}, false
		}
		return medianBig(js), true
	}
	if bg, ok := bigOf(bigs); ok {
		bm := "–"
		var bt float64
		if bb, bok := bigOf(baseBigs); bok {
			bm, bt = fmt.Sprintf("%.2f s, %s", bb.Child.Wall.Seconds(), mb(bb.Child.MaxRSS)), bb.Child.Wall.Seconds()
			if bb.Error != "" {
				bm = bb.Error
			}
		}
		ok := bg.Error == "" && bg.Child.Wall < TargetBigTime && bg.Child.MaxRSS < TargetBigRSS
		m := fmt.Sprintf("%.2f s, %s", bg.Child.Wall.Seconds(), mb(bg.Child.MaxRSS))
		if bg.Error != "" {
			m = bg.Error
		}
		row(fmt.Sprintf("%d-row sheet: extract + validate < %s and < %s", bg.Rows, TargetBigTime, mb(TargetBigRSS)),
			m, fmt.Sprintf("%.2f s CPU", (bg.Child.User+bg.Child.System).Seconds()), bm, "–", ratio(bt, bg.Child.Wall.Seconds()), passMiss(ok))
	}
	regenOf := func(rs []RegenRun, set string) (RegenRun, bool) {
		for _, r := range rs {
			if r.Set == set {
				return r, true
			}
		}
		return RegenRun{}, false
	}
	for _, set := range []string{"seed", "mix"} {
		rg, ok := regenOf(regens, set)
		if !ok {
			continue
		}
		r, c := rg.Rate(), rg.CPURate()
		bm, bc, br := "not measured", "–", 0.0
		if b, bok := regenOf(baseRegens, set); bok {
			bm, bc, br = fmt.Sprintf("%.0f/s", b.Rate()), fmt.Sprintf("%.0f/s", b.CPURate()), b.CPURate()
		}
		verdict := rateVerdict(r, c, TargetRegenerate)
		target := fmt.Sprintf("regenerate ≥ %.0f/s on 2 cores, %s", TargetRegenerate, setName(set, rg.Rows))
		if set != "seed" {
			target, verdict = fmt.Sprintf("regenerate on 2 cores, %s (no target)", setName(set, rg.Rows)), ""
		}
		row(target, fmt.Sprintf("%.0f/s", r), fmt.Sprintf("%.0f/s", c), bm, bc, ratio(c, br), verdict)
	}
	for _, set := range []string{"mix", "seed"} {
		cur, ok := lastOf("", set, "local")
		if !ok || cur.Storage == nil {
			continue
		}
		bm, bg := "–", 0.0
		if bs, bok := lastOf("base", set, "local"); bok && bs.Storage != nil {
			bg = bs.Storage.Growth()
			bm = fmt.Sprintf("%.2f×", bg)
		}
		g := cur.Storage.Growth()
		row(fmt.Sprintf("records growth ≤ %.0f× the originals (%d workbooks, %s, %s of originals)", TargetStorage, cur.Workbooks, setName(set, cur.Rows), mb(cur.Storage.Originals)),
			fmt.Sprintf("%.2f× (%s)", g, mb(cur.Storage.Records)), "–", bm, "–", ratio(g, bg), passMiss(g <= TargetStorage))
	}
	minOf := func(kind, peer string) (float64, string) {
		best, at := 0.0, ""
		for _, g := range groups {
			if g.Group.Kind != kind {
				continue
			}
			j := g.Rates["jxsync"].PerCPUSecond()
			var p float64
			if peer == "openpyxl" {
				if o, ok := openpyxl[g.Group.Name()]; ok && o.CPU > 0 {
					p = float64(o.Workbooks) / o.CPU
				}
			} else {
				p = g.Rates[peer].PerCPUSecond()
			}
			if p <= 0 {
				continue
			}
			if r := j / p; at == "" || r < best {
				best, at = r, g.Group.Template
			}
		}
		return best, at
	}
	if r, at := minOf("seed", "openpyxl"); at != "" {
		row(fmt.Sprintf("extract + validate ≥ %.0f× openpyxl (seed-sized forms, one core; issue 7)", TargetVsOpenpyxl), fmt.Sprintf("%.1f× at the least (%s)", r, at), "–", "not measured", "–", "–", passMiss(r >= TargetVsOpenpyxl))
	}
	if r, at := minOf("seed", "excelize"); at != "" {
		row(fmt.Sprintf("extract + validate ≥ %.1f× the plain excelize reader (seed-sized forms, one core; issue 7)", TargetVsExcelize), fmt.Sprintf("%.1f× at the least (%s)", r, at), "–", "not measured", "–", "–", passMiss(r >= TargetVsExcelize))
	}
	w("\n*× base* compares the CPU-bound rates (for the sheet: the base's time over this code's; for RSS and storage: this code's figure over the base's).\n")

	// Throughput per template.
	if len(groups) > 0 {
		w("\n## Extract + validate on one core (workbooks per CPU-second)\n\n")
		w("jxsync reads, recognises, extracts and validates (`sync.Service.Validate`, what import does before storing); ")
		w("openpyxl runs `load_workbook(data_only=True)` and reads every cell value and the merged ranges; ")
		w("excelize runs `OpenFile`, `GetRows` and `GetMergeCells`; the floor only unzips the worksheets and shared strings and scans their bytes. ")
		w("*seed* rows are the shipped examples' sizes, each file a different unit.\n\n")
		w("| forms | files | jxsync | openpyxl | excelize | floor | × openpyxl | × excelize | of floor |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, g := range groups {
			j := g.Rates["jxsync"].PerCPUSecond()
			e := g.Rates["excelize"].PerCPUSecond()
			fl := g.Rates["floor"].PerCPUSecond()
			o, op := "–", "–"
			if p, ok := openpyxl[g.Group.Name()]; ok && p.CPU > 0 {
				rate := float64(p.Workbooks) / p.CPU
				o, op = fmt.Sprintf("%.1f", rate), fmt.Sprintf("%.1f×", j/rate)
			}
			w("| %s | %d | %.0f | %s | %.0f | %.0f | %s | %.1f× | %.0f%% |\n", g.Group.Name(), len(g.Group.Files), j, o, e, fl, op, j/e, 100*j/fl)
		}
	}
	codeName := func(c string) string {
		if c == "" {
			return "this code"
		}
		return "base"
	}
	if len(imports) > 0 {
		w("\n## Import, end to end\n\n`jxsync import DIR… --workers 2 --data-dir FRESH` as a child process (peak RSS from its rusage), this code's binary and the base's in turn on the same files; S3 is versitygw on loopback, ")
		w("sharing the 2 cores. *CPU-bound rate* is workbooks per CPU-second of the import (and of versitygw) times 2 cores: the rate on a quiet machine when the run is CPU-bound. ")
		w("Every workbook is a different unit's; those rejected (the repeated rows break the forms' weight totals) are stored like the others; ")
		w("the forms of templates added after the base are unreadable to it.\n\n")
		w("| code | workbooks | store | count | round | wall | workbooks/s | CPU-bound rate | peak RSS | outcomes |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, r := range allImports {
			var oc []string
			for k, v := range r.Outcomes {
				oc = append(oc, fmt.Sprintf("%s %d", k, v))
			}
			sort.Strings(oc)
			w("| %s | %s | %s | %d | %d | %.1f s | %.0f | %.0f | %s | %s |\n", codeName(r.Code), setName(r.Set, r.Rows), r.Store, r.Workbooks, r.Round+1, r.Child.Wall.Seconds(), r.Rate(), r.CPURate(), mb(r.Child.MaxRSS), strings.Join(oc, ", "))
		}
		w("\n")
		for _, c := range []string{"", "base"} {
			for _, st := range []string{"local", "s3"} {
				rs := runs[key{c, "mix", st}]
				if len(rs) > 1 {
					a, z := rs[0], rs[len(rs)-1]
					w("%s, %s, %d → %d workbooks: rate ×%.2f, peak RSS ×%.2f (%+.1f MB per 1,000 workbooks).\n", codeName(c), st, a.Workbooks, z.Workbooks, z.Rate()/a.Rate(),
						float64(z.Child.MaxRSS)/float64(a.Child.MaxRSS), float64(z.Child.MaxRSS-a.Child.MaxRSS)/(1<<20)/float64(z.Workbooks-a.Workbooks)*1000)
				}
			}
		}
	}
	reportScale(w, imports, portal)
	if len(regens) > 0 {
		w("\n## Regenerate\n\n`sync.Service.Export` (read a revision and its data from the store, then `template.Export`: lay the form out filled, write the .xlsx) of stored revisions, 2 workers; ")
		w("the base's own benchrun does the same on the store its import wrote.\n\n")
		w("| code | revisions | count | round | wall | workbooks/s | CPU-bound rate | template.Export alone, per CPU-second | size |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, c := range []struct {
			name string
			rs   []RegenRun
		}{{"this code", allRegens}, {"base", baseRegens}} {
			for _, rg := range c.rs {
				w("| %s | %s | %d | %d | %.1f s | %.0f | %.0f | %.0f | %.0f KB |\n", c.name, setName(rg.Set, rg.Rows), rg.Workbooks, rg.Round+1, rg.Wall.Seconds(), rg.Rate(),
					rg.CPURate(), float64(rg.Workbooks)/rg.ExportCPU.Seconds(), float64(rg.Bytes)/float64(rg.Workbooks)/1024)
			}
		}
	}
	if len(bigs) > 0 {
		w("\n## The consolidated sheet (a child process each)\n\n| code | reader | round | indicator rows | wall | inside | CPU | peak RSS | |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, c := range []struct {
			name string
			bs   []BigRun
		}{{"this code", bigs}, {"base", baseBigs}} {
			for _, bg := range c.bs {
				note := fmt.Sprintf("%d findings", bg.Findings)
				if bg.Reader == "excelize" {
					note = "reads the cells only"
				}
				if bg.Error != "" {
					note = bg.Error
				}
				w("| %s | %s | %d | %d | %.2f s | %.2f s | %.2f s | %s | %s |\n", c.name, bg.Reader, bg.Round+1, bg.Rows, bg.Child.Wall.Seconds(), bg.Inner.Seconds(),
					(bg.Child.User + bg.Child.System).Seconds(), mb(bg.Child.MaxRSS), note)
			}
		}
		w("\n*inside* is the time the child measured around the work itself (jxsync: read, detect, extract and validate), without starting up and loading the templates.\n")
	}
	return b.String(), nil
}

// maxRounds is the most rounds any median import or regeneration had.
func maxRounds(imports []ImportRun, regens []RegenRun) int {
	n := 0
	for _, r := range imports {
		n = max(n, r.Rounds)
	}
	for _, r := range regens {
		n = max(n, r.Rounds)
	}
	return n
}
