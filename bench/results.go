package bench

import (
	"encoding/json"
	"fmt"
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
}

// ImportRun is one end-to-end import.
type ImportRun struct {
	// Set is "mix" (10 to 200 indicator rows) or "seed" (seed-sized).
	Set       string         `json:"set"`
	Store     string         `json:"store"`
	Workbooks int            `json:"workbooks"`
	Workers   int            `json:"workers"`
	Rows      float64        `json:"mean_rows"`
	Outcomes  map[string]int `json:"outcomes"`
	Child     Child          `json:"child"`
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
	// ExportOnly is the share of the time spent in template.Export (the
	// rest reads the revisions from the store).
	ExportCPU time.Duration `json:"export_cpu_ns"`
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
}

// WriteJSON writes v to dir/name.
func WriteJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), b, 0o644)
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

// Targets of issue 7.
const (
	TargetVsOpenpyxl  = 10.0
	TargetVsExcelize  = 1.5
	TargetImportLocal = 500.0
	TargetImportS3    = 200.0
	TargetRegenerate  = 500.0
	TargetBigTime     = 5 * time.Second
	TargetBigRSS      = 300 << 20
	// FlatRSS is how much the peak RSS may grow from 1,000 to 10,000
	// workbooks and still count as independent of the count.
	FlatRSS = 1.25
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
		env      map[string]string
		groups   []GroupRates
		openpyxl map[string]PeerRate
		imports  []ImportRun
		regens   []RegenRun
		bigs     []BigRun
	)
	for _, f := range []struct {
		name string
		v    any
	}{{"env.json", &env}, {"throughput.json", &groups}, {"openpyxl.json", &openpyxl}, {"imports.json", &imports},
		{"regenerate.json", &regens}, {"bigsheet.json", &bigs}} {
		if _, err := ReadJSON(dir, f.name, f.v); err != nil {
			return "", fmt.Errorf("%s: %w", f.name, err)
		}
	}
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# jxsync benchmark results\n\n")
	w("Written by `%s` on %s: %s, %s cores, Go %s, excelize %s, openpyxl %s (Debian python3-openpyxl).\n",
		env["command"], env["date"], env["cpu"], env["cores"], env["go"], env["excelize"], env["openpyxl"])
	w("Load average when the run started: %s. Rates on one core are per CPU-second of the reading process,\n", env["load"])
	w("so that other work on the machine does not change them; import and regenerate rates are per wall-clock second.\n\n")

	// Summary of the targets.
	w("## Targets\n\n| target | measured | |\n|---|---|---|\n")
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
		w("| extract + validate ≥ %.0f× openpyxl (seed-sized forms, one core) | %.1f× at the least (%s) | %s |\n", TargetVsOpenpyxl, r, at, passMiss(r >= TargetVsOpenpyxl))
	}
	if r, at := minOf("seed", "excelize"); at != "" {
		w("| extract + validate ≥ %.1f× the plain excelize reader (seed-sized forms, one core) | %.1f× at the least (%s) | %s |\n", TargetVsExcelize, r, at, passMiss(r >= TargetVsExcelize))
	}
	type key struct{ set, store string }
	runs := map[key][]ImportRun{}
	for _, r := range imports {
		k := key{r.Set, r.Store}
		runs[k] = append(runs[k], r)
	}
	for _, set := range []string{"mix", "seed"} {
		for _, st := range []string{"local", "s3"} {
			rs := runs[key{set, st}]
			if len(rs) == 0 {
				continue
			}
			sort.Slice(rs, func(i, j int) bool { return rs[i].Workbooks < rs[j].Workbooks })
			last := rs[len(rs)-1]
			target := TargetImportLocal
			if st == "s3" {
				target = TargetImportS3
			}
			w("| import of %d workbooks, %s, into %s ≥ %.0f/s on 2 cores | %.0f/s | %s |\n", last.Workbooks, setName(set, last.Rows), st, target, last.Rate(), passMiss(last.Rate() >= target))
			if len(rs) > 1 {
				first := rs[0]
				g := float64(last.Child.MaxRSS) / float64(first.Child.MaxRSS)
				w("| peak RSS independent of the count (%s, %d → %d workbooks; ≤ %.2f×) | %s → %s (%.2f×) | %s |\n", st, first.Workbooks, last.Workbooks,
					FlatRSS, mb(first.Child.MaxRSS), mb(last.Child.MaxRSS), g, passMiss(g <= FlatRSS))
			}
		}
	}
	for _, rg := range regens {
		r := float64(rg.Workbooks) / rg.Wall.Seconds()
		w("| regenerate ≥ %.0f/s on 2 cores, %s | %.0f/s | %s |\n", TargetRegenerate, setName(rg.Set, rg.Rows), r, passMiss(r >= TargetRegenerate))
	}
	for _, bg := range bigs {
		if bg.Reader != "jxsync" {
			continue
		}
		ok := bg.Error == "" && bg.Child.Wall < TargetBigTime && bg.Child.MaxRSS < TargetBigRSS
		w("| %d-row sheet: extract + validate < %s and < %s | %.2f s, %s | %s |\n", bg.Rows, TargetBigTime, mb(TargetBigRSS),
			bg.Child.Wall.Seconds(), mb(bg.Child.MaxRSS), passMiss(ok))
	}

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
	if len(imports) > 0 {
		w("\n## Import, end to end\n\n`jxsync import DIR… --workers 2 --data-dir FRESH` as a child process (peak RSS from its rusage); S3 is versitygw on loopback, ")
		w("sharing the 2 cores. *CPU-bound rate* is workbooks per CPU-second of the import (and of versitygw) times 2 cores: the rate on a quiet machine when the run is CPU-bound. ")
		w("Every workbook is a different unit's; those rejected (the repeated rows break the forms' weight totals) are stored like the others.\n\n")
		w("| workbooks | store | count | wall | workbooks/s | CPU-bound rate | peak RSS | outcomes |\n|---|---|---|---|---|---|---|---|\n")
		for _, r := range imports {
			var oc []string
			for k, v := range r.Outcomes {
				oc = append(oc, fmt.Sprintf("%s %d", k, v))
			}
			sort.Strings(oc)
			w("| %s | %s | %d | %.1f s | %.0f | %.0f | %s | %s |\n", setName(r.Set, r.Rows), r.Store, r.Workbooks, r.Child.Wall.Seconds(), r.Rate(), r.CPURate(), mb(r.Child.MaxRSS), strings.Join(oc, ", "))
		}
		w("\n")
		for _, st := range []string{"local", "s3"} {
			rs := runs[key{"mix", st}]
			if len(rs) > 1 {
				a, z := rs[0], rs[len(rs)-1]
				w("%s, %d → %d workbooks: rate ×%.2f, peak RSS ×%.2f (%+.1f MB per 1,000 workbooks).\n", st, a.Workbooks, z.Workbooks, z.Rate()/a.Rate(),
					float64(z.Child.MaxRSS)/float64(a.Child.MaxRSS), float64(z.Child.MaxRSS-a.Child.MaxRSS)/(1<<20)/float64(z.Workbooks-a.Workbooks)*1000)
			}
		}
	}
	if len(regens) > 0 {
		w("\n## Regenerate\n\n`sync.Service.Export` (read a revision and its data from the store, then `template.Export`: lay the form out filled, write the .xlsx) of stored revisions, 2 workers.\n\n")
		w("| revisions | count | wall | workbooks/s | per CPU-second | template.Export alone, per CPU-second | size |\n|---|---|---|---|---|---|---|\n")
		for _, rg := range regens {
			w("| %s | %d | %.1f s | %.0f | %.0f | %.0f | %.0f KB |\n", setName(rg.Set, rg.Rows), rg.Workbooks, rg.Wall.Seconds(), float64(rg.Workbooks)/rg.Wall.Seconds(),
				float64(rg.Workbooks)/rg.CPU.Seconds(), float64(rg.Workbooks)/rg.ExportCPU.Seconds(), float64(rg.Bytes)/float64(rg.Workbooks)/1024)
		}
	}
	if len(bigs) > 0 {
		w("\n## The consolidated sheet (a child process each)\n\n| reader | indicator rows | wall | inside | CPU | peak RSS | |\n|---|---|---|---|---|---|---|\n")
		for _, bg := range bigs {
			note := fmt.Sprintf("%d findings", bg.Findings)
			if bg.Reader == "excelize" {
				note = "reads the cells only"
			}
			if bg.Error != "" {
				note = bg.Error
			}
			w("| %s | %d | %.2f s | %.2f s | %.2f s | %s | %s |\n", bg.Reader, bg.Rows, bg.Child.Wall.Seconds(), bg.Inner.Seconds(),
				(bg.Child.User + bg.Child.System).Seconds(), mb(bg.Child.MaxRSS), note)
		}
		w("\n*inside* is the time the child measured around the work itself (jxsync: read, detect, extract and validate), without starting up and loading the templates.\n")
	}
	return b.String(), nil
}
