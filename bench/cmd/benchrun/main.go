// Command benchrun runs the phases of scripts/bench.sh: it builds the
// corpus, measures extract + validate throughput against the Go peers,
// end-to-end imports (as child processes of the jxsync binary), regenerate
// and the consolidated sheet, and renders bench/results.md from what the
// phases wrote to the results folder.
//
//	benchrun corpus     -corpus DIR [-n 10000] [-big 100000]
//	benchrun crosscheck -corpus DIR
//	benchrun throughput -corpus DIR -results DIR [-min 1s]
//	benchrun import     -corpus DIR -results DIR -jxsync BIN -work DIR [-base BIN -basework DIR]
//	benchrun portal     -corpus DIR -results DIR -jxsync BIN -work DIR [-clients 16] [-uploads 1000]
//	benchrun regenerate -results DIR -work DIR [-max 2000]
//	benchrun bigsheet   -corpus DIR -results DIR
//	benchrun env        -results DIR COMMAND OPENPYXL-VERSION
//	benchrun report     -results DIR -out bench/results.md
//	benchrun hostile    -out DIR
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jxsync/jxsync/bench"
	"github.com/jxsync/jxsync/bench/hostile"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchrun corpus|crosscheck|throughput|import|portal|regenerate|bigsheet|report|hostile [flags]")
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	corpus := fs.String("corpus", "", "corpus folder")
	results := fs.String("results", "", "results folder")
	n := fs.Int("n", bench.DefaultConfig.Import, "workbooks of the import set")
	big := fs.Int("big", bench.DefaultConfig.BigRows, "indicator rows of the consolidated sheet")
	minCPU := fs.Duration("min", time.Second, "CPU time per reader and group")
	bin := fs.String("jxsync", "", "jxsync binary")
	work := fs.String("work", "", "folder for data folders and the S3 server")
	baseBin := fs.String("base", "", "jxsync binary of the base code, run beside -jxsync")
	baseWork := fs.String("basework", "", "folder for the base's data folders")
	maxRegen := fs.Int("max", 2000, "revisions to regenerate")
	repeat := fs.Int("repeat", 1, "rounds of this code's imports, regenerations and reads of the large sheet (the report takes the median)")
	out := fs.String("out", "", "output file")
	clients := fs.Int("clients", 16, "concurrent portal clients")
	uploads := fs.Int("uploads", 1000, "portal uploads per configuration (at most the seed-sized set)")
	fs.Parse(args)
	var err error
	switch cmd {
	case "corpus":
		cfg := bench.DefaultConfig
		cfg.Import, cfg.BigRows = *n, *big
		_, err = bench.Generate(*corpus, cfg, logf)
	case "crosscheck":
		err = crosscheck(*corpus)
	case "throughput":
		err = throughput(*corpus, *results, *minCPU)
	case "import":
		err = imports(*corpus, *results, []code{{"", *bin, *work}, {"base", *baseBin, *baseWork}}, *repeat)
	case "portal":
		err = portal(*corpus, *results, *bin, *work, *clients, *uploads)
	case "regenerate":
		err = regenerate(*results, *work, *maxRegen, *repeat)
	case "bigsheet":
		err = bigsheet(*corpus, *results, *repeat)
	case "bigsheet-child":
		err = bigsheetChild(fs.Arg(0), fs.Arg(1))
	case "env":
		err = writeEnv(*results, fs.Args())
	case "hostile":
		err = writeHostile(*out)
	case "report":
		var md string
		if md, err = bench.Report(*results); err == nil {
			err = os.WriteFile(*out, []byte(md), 0o644)
		}
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchrun %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

// writeHostile writes the hostile workbooks of bench/hostile into dir, for
// measuring `jxsync validate` on each (time and peak RSS).
func writeHostile(dir string) error {
	if dir == "" {
		return errors.New("-out: no folder")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range hostile.All() {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
		logf("%-28s %8d bytes  %s", f.Name, len(f.Data), f.What)
	}
	return nil
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "  "+format+"\n", a...)
}

func manifest(dir string) (*bench.Manifest, error) {
	m, err := bench.LoadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("no corpus in %s (run benchrun corpus): %w", dir, err)
	}
	return m, nil
}

func abs(dir string, files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Join(dir, f)
	}
	return out
}

// throughput measures every reader on every group on one core.
func throughput(corpus, results string, minCPU time.Duration) error {
	runtime.GOMAXPROCS(1)
	m, err := manifest(corpus)
	if err != nil {
		return err
	}
	ts, err := bench.LoadTemplates()
	if err != nil {
		return err
	}
	readers := []bench.Reader{bench.JxsyncValidate(ts), bench.ExcelizePlain, bench.Floor}
	var out []bench.GroupRates
	for _, g := range m.Groups {
		gr := bench.GroupRates{Group: g, Rates: map[string]bench.Rate{}}
		files := abs(corpus, g.Files)
		line := ""
		for _, rd := range readers {
			r, err := bench.Throughput(rd, files, minCPU)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", rd.Name, g.Name(), err)
			}
			gr.Rates[rd.Name] = r
			line += fmt.Sprintf("  %s %.0f/s", rd.Name, r.PerCPUSecond())
		}
		logf("%-40s%s", g.Name(), line)
		out = append(out, gr)
	}
	return bench.WriteJSON(results, "throughput.json", out)
}

// child runs cmd and measures it.
func child(cmd *exec.Cmd) (bench.Child, error) {
	t0 := time.Now()
	err := cmd.Run()
	c := bench.Child{Wall: time.Since(t0)}
	if cmd.ProcessState != nil {
		c.User, c.System = cmd.ProcessState.UserTime(), cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			c.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	return c, err
}

// summaryRE matches the import summary of this code and of the base
// (退回 rejected there, 有错误 rejected here).
var summaryRE = regexp.MustCompile(`共 (\d+) 个文件 \(files\), \d+ 张表 \(forms\): 新增 imported (\d+), 更新 updated (\d+), 未变 unchanged (\d+), \S+ rejected (\d+), 无法读取 unreadable (\d+)`)

// code is a jxsync binary to measure: this code (name "") or the base, and
// the folder for its data folders.
type code struct{ name, bin, work string }

// imports runs jxsync import of the 10–200-row set (1,000 of it — a tenth
// when the set has no more than 1,000 — then all of it) and of the
// seed-sized set into a fresh local store and a fresh S3 bucket each time,
// with each binary of codes in turn on the same files; the seed-sized set
// also into PostgreSQL + S3 (store "postgres+s3", this code only: a fresh
// database on one durable server started for the phase). The local data
// folders of the whole sets are kept for regenerate (data-local-mix,
// data-local-seed in each code's folder), and their records measured.
// This code's imports run repeat times each (rounds), the base's once.
func imports(corpus, results string, codes []code, repeat int) error {
	m, err := manifest(corpus)
	if err != nil {
		return err
	}
	type plan struct {
		set   string
		n     int
		paths []string
		rows  float64
	}
	var plans []plan
	if m.ImportCount > 1000 {
		plans = append(plans, plan{"mix", 1000, []string{m.ImportSmall}, meanRows(1000)})
	} else if k := m.ImportCount / 10; k > 0 {
		names, err := filepath.Glob(filepath.Join(corpus, m.ImportSmall, "*.xlsx"))
		if err != nil {
			return err
		}
		sort.Strings(names)
		if len(names) < k {
			return fmt.Errorf("%d workbooks in %s", len(names), m.ImportSmall)
		}
		for i := range names[:k] {
			names[i], _ = filepath.Rel(corpus, names[i])
		}
		plans = append(plans, plan{"mix", k, names[:k], meanRows(k)})
	}
	whole := []string{m.ImportSmall}
	if m.ImportCount > 1000 { // the first 1,000 are in ImportSmall
		whole = append(whole, m.ImportRest)
	}
	plans = append(plans, plan{"mix", m.ImportCount, whole, m.ImportRows},
		plan{"seed", m.ImportCount, []string{m.ImportSeed}, m.SeedRows})
	pg, err := bench.StartPostgres()
	if err != nil {
		return err
	}
	defer pg.Stop()
	var runs []bench.ImportRun
	for _, p := range plans {
		stores := []string{"local", "s3"}
		if p.set == "seed" {
			stores = append(stores, storePostgres)
		}
		for _, st := range stores {
			for _, c := range codes {
				if c.bin == "" || st == storePostgres && c.name != "" {
					continue
				}
				rounds := 1
				if c.name == "" {
					rounds = max(repeat, 1)
				}
				for round := range rounds {
					run, err := importRun(corpus, c, pg, p.set, p.n, p.paths, p.rows, st, p.n == m.ImportCount && st == "local", round)
					if err != nil {
						return err
					}
					run.Round = round
					runs = append(runs, run)
				}
			}
		}
	}
	return bench.WriteJSON(results, "imports.json", runs)
}

// storePostgres is the store of records on PostgreSQL and originals on S3.
const storePostgres = "postgres+s3"

// importRun runs one import of paths (under corpus) by c into a fresh
// store (for storePostgres a fresh database on pg); keep measures its
// local data folder's records (and names it data-local-SET in its first
// round, for regenerate).
//
// Each run (and round) has folders of its own, and none is removed before
// the bench ends (scripts/bench.sh removes the work folder): ext4 without
// a journal (this VM's /tmp) passes over the inodes freed in the last 30
// seconds one by one each time it makes a file, so an import right after
// thousands of files were removed spends several times as long making its
// blobs.
func importRun(corpus string, c code, pg *bench.PGServer, set string, n int, paths []string, rows float64, st string, keep bool, round int) (bench.ImportRun, error) {
	name := fmt.Sprintf("%s-%s-%d", st, set, n)
	if round > 0 {
		name += fmt.Sprintf("-r%d", round+1)
	}
	label := name
	if c.name != "" {
		label = c.name + " " + name
	}
	dataDir := filepath.Join(c.work, "data-"+name)
	if keep && round == 0 {
		dataDir = filepath.Join(c.work, "data-local-"+set)
	}
	if _, err := os.Stat(dataDir); err == nil {
		return bench.ImportRun{}, fmt.Errorf("import %s: %s exists (use a fresh -work folder)", label, dataDir)
	}
	env := append(os.Environ(), "GOMAXPROCS=2")
	var srv *bench.S3Server
	var err error
	if st == "s3" || st == storePostgres {
		if srv, err = bench.StartS3(filepath.Join(c.work, "s3-"+name)); err != nil {
			return bench.ImportRun{}, err
		}
		env = append(env, srv.Env()...)
	}
	if st == storePostgres {
		u, err := pg.NewDatabase(fmt.Sprintf("bench_import_%s_%d_%s", set, n, randSuffix()))
		if err != nil {
			srv.Stop()
			return bench.ImportRun{}, err
		}
		env = append(env, "JXSYNC_STORE_RECORDS=postgres", "JXSYNC_POSTGRES_URL="+u)
	}
	logPath := filepath.Join(c.work, "import-"+name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return bench.ImportRun{}, err
	}
	args := []string{"import"}
	var originals int64
	for _, d := range paths {
		args = append(args, filepath.Join(corpus, d))
		originals += treeSize(filepath.Join(corpus, d))
	}
	args = append(args, "--workers", "2", "--data-dir", dataDir)
	cmd := exec.Command(c.bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
	var s3CPU, pgCPU time.Duration
	if srv != nil {
		s3CPU = srv.CPU()
	}
	if st == storePostgres {
		pgCPU = pg.CPU()
	}
	ch, err := child(cmd)
	logFile.Close()
	if srv != nil {
		ch.Other = srv.CPU() - s3CPU
		srv.Stop()
	}
	if st == storePostgres {
		time.Sleep(300 * time.Millisecond) // the postmaster reaps the closed backends
		ch.Postgres = pg.CPU() - pgCPU
	}
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return bench.ImportRun{}, fmt.Errorf("import %s: %v (see %s)", label, err, logPath)
	}
	run := bench.ImportRun{Code: c.name, Set: set, Store: st, Workbooks: n, Workers: 2, Rows: rows, Child: ch, Outcomes: map[string]int{}}
	b, _ := os.ReadFile(logPath)
	sm := summaryRE.FindSubmatch(b)
	if sm == nil {
		return run, fmt.Errorf("import %s: no summary in %s", label, logPath)
	}
	for i, k := range []string{"files", "imported", "updated", "unchanged", "rejected", "unreadable"} {
		v, _ := strconv.Atoi(string(sm[i+1]))
		if v > 0 {
			run.Outcomes[k] = v
		}
	}
	// The base does not know the templates added since: those files are
	// unreadable to it.
	if run.Outcomes["files"] != n || run.Outcomes["imported"]+run.Outcomes["rejected"] != n && c.name == "" ||
		run.Outcomes["imported"]+run.Outcomes["rejected"]+run.Outcomes["unreadable"] != n {
		return run, fmt.Errorf("import %s: the summary counts %v (see %s)", label, run.Outcomes, logPath)
	}
	delete(run.Outcomes, "files")
	if keep {
		growth, err := bench.RecordsGrowth(filepath.Join(dataDir, "jxsync.db"))
		if err != nil {
			return run, fmt.Errorf("import %s: %w", label, err)
		}
		run.Storage = &bench.Storage{Originals: originals, Records: growth}
	}
	pgNote := ""
	if st == storePostgres {
		pgNote = fmt.Sprintf("  PostgreSQL CPU %.1f s", ch.Postgres.Seconds())
	}
	logf("import %-24s %6.1f s  %5.0f/s  (CPU-bound %5.0f/s)  peak RSS %4d MB  %v%s", label, ch.Wall.Seconds(), run.Rate(), run.CPURate(), ch.MaxRSS>>20, run.Outcomes, pgNote)
	return run, nil
}

// treeSize is the size of a file, or of the files under a folder.
func treeSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func meanRows(n int) float64 {
	t := 0
	for i := 0; i < n; i++ {
		t += bench.ImportRowCount(i)
	}
	return float64(t) / float64(n)
}

// regenerate exports stored revisions with 2 workers, from the data folders
// of the local imports of both sets, repeat times each (rounds).
func regenerate(results, work string, limit, repeat int) error {
	runtime.GOMAXPROCS(2)
	var out []bench.RegenRun
	for _, set := range []string{"mix", "seed"} {
		for round := range max(repeat, 1) {
			r, err := regenerateSet(filepath.Join(work, "data-local-"+set), limit)
			if err != nil {
				return fmt.Errorf("%s: %w", set, err)
			}
			r.Set, r.Round = set, round
			logf("regenerate %-4s %d (round %d): %.1f s, %.0f/s", set, r.Workbooks, round+1, r.Wall.Seconds(), float64(r.Workbooks)/r.Wall.Seconds())
			out = append(out, r)
		}
	}
	return bench.WriteJSON(results, "regenerate.json", out)
}

func regenerateSet(data string, limit int) (bench.RegenRun, error) {
	ctx := context.Background()
	ts, err := bench.LoadTemplates()
	if err != nil {
		return bench.RegenRun{}, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(data, "jxsync.db"))
	if err != nil {
		return bench.RegenRun{}, err
	}
	defer db.Close()
	revs, err := db.Latest(ctx, "")
	if err != nil {
		return bench.RegenRun{}, err
	}
	if len(revs) > limit {
		revs = revs[:limit]
	}
	if len(revs) == 0 {
		return bench.RegenRun{}, errors.New("no stored revisions")
	}
	svc := &sync.Service{Templates: ts, Records: db, Exporter: timedExporter{}}
	const workers = 2
	var (
		wg    gosync.WaitGroup
		next  atomic.Int64
		bytes atomic.Int64
		rows  atomic.Int64
		first error
		mu    gosync.Mutex
	)
	exportNS.Store(0)
	c0, w0 := bench.CPUTime(), time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(revs) {
					return
				}
				out, _, err := svc.Export(ctx, revs[i].ID)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					continue
				}
				bytes.Add(int64(len(out)))
			}
		}()
	}
	wg.Wait()
	r := bench.RegenRun{Workbooks: len(revs), Workers: workers, Wall: time.Since(w0), CPU: bench.CPUTime() - c0,
		Bytes: bytes.Load(), ExportCPU: time.Duration(exportNS.Load())}
	if first != nil {
		return r, first
	}
	// Mean indicator rows of what was regenerated.
	for _, rev := range revs {
		if res, err := db.Data(ctx, rev.ID); err == nil {
			n := 0
			for _, t := range res.Tables {
				n = max(n, len(t))
			}
			for _, insts := range res.Blocks {
				k := 0
				for _, bl := range insts {
					for _, t := range bl.Tables {
						k += len(t)
					}
				}
				n = max(n, k)
			}
			rows.Add(int64(n))
		}
	}
	r.Rows = float64(rows.Load()) / float64(len(revs))
	return r, nil
}

// exportNS sums the time spent in template.Export, measured per goroutine
// by wall time (the workers never wait inside it).
var exportNS atomic.Int64

type timedExporter struct{}

func (timedExporter) Export(t *mapping.Template, res *mapping.Result, props map[string]string) ([]byte, error) {
	t0 := time.Now()
	b, err := template.Export(t, res, props)
	exportNS.Add(int64(time.Since(t0)))
	return b, err
}

// bigsheet reads the consolidated sheet in child processes: jxsync, then the
// plain excelize reader.
func bigsheet(corpus, results string, repeat int) error {
	m, err := manifest(corpus)
	if err != nil {
		return err
	}
	if m.Big == "" {
		return errors.New("the corpus has no consolidated sheet")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var runs []bench.BigRun
	readers := []string{"jxsync", "jxsync GOMEMLIMIT=256MiB", "excelize"}
	for range max(repeat, 1) - 1 {
		readers = append(readers, "jxsync") // more rounds of the judged reader
	}
	rounds := map[string]int{}
	for _, reader := range readers {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		name, limit, _ := strings.Cut(reader, " ")
		cmd := exec.CommandContext(ctx, self, "bigsheet-child", name, filepath.Join(corpus, m.Big))
		cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
		if limit != "" {
			cmd.Env = append(cmd.Env, limit)
		}
		cmd.Stderr = os.Stderr
		outFile := filepath.Join(results, "bigsheet-"+name+".out")
		f, err := os.Create(outFile)
		if err != nil {
			return err
		}
		cmd.Stdout = f
		c, err := child(cmd)
		f.Close()
		run := bench.BigRun{Reader: reader, Rows: m.Config.BigRows, Child: c, Round: rounds[reader]}
		rounds[reader]++
		if err != nil {
			run.Error = err.Error()
		} else {
			b, _ := os.ReadFile(outFile)
			if err := json.Unmarshal(b, &run); err != nil {
				return fmt.Errorf("%s: %w", outFile, err)
			}
			run.Child, run.Reader = c, reader
			if name != "jxsync" {
				run.Rows = m.Config.BigRows
			} else if run.Rows != m.Config.BigRows {
				run.Error = fmt.Sprintf("extracted %d indicator rows, want %d", run.Rows, m.Config.BigRows)
			}
		}
		os.Remove(outFile)
		logf("%d-row sheet, %-8s: %.2f s (inside %.2f s), peak RSS %d MB %s", run.Rows, reader, c.Wall.Seconds(), run.Inner.Seconds(), c.MaxRSS>>20, run.Error)
		runs = append(runs, run)
	}
	return bench.WriteJSON(results, "bigsheet.json", runs)
}

// bigsheetChild reads one file and prints what it found as JSON.
func bigsheetChild(reader, path string) error {
	var run bench.BigRun
	switch reader {
	case "jxsync":
		ts, err := bench.LoadTemplates()
		if err != nil {
			return err
		}
		svc := &sync.Service{Templates: ts, Reader: template.Reader{}}
		t0 := time.Now()
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rep, err := svc.Validate(path, data, "")
		if err != nil {
			return err
		}
		run.Inner = time.Since(t0)
		run.Findings = len(rep.Findings)
		for _, rows := range rep.Result.Tables {
			run.Rows += len(rows)
		}
	case "excelize":
		t0 := time.Now()
		if _, err := bench.ExcelizePlain.Read(path); err != nil {
			return err
		}
		run.Inner = time.Since(t0)
	default:
		return fmt.Errorf("unknown reader %q", reader)
	}
	return json.NewEncoder(os.Stdout).Encode(run)
}

// writeEnv records what the run ran on.
func writeEnv(results string, args []string) error {
	env := map[string]string{"go": runtime.Version(), "cores": strconv.Itoa(runtime.NumCPU()),
		"date": time.Now().UTC().Format("2006-01-02 15:04 UTC")}
	if len(args) > 0 {
		env["command"] = args[0]
	}
	if len(args) > 1 {
		env["openpyxl"] = args[1]
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/xuri/excelize/v2" {
				env["excelize"] = d.Version
			}
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(b); m != nil {
			env["cpu"] = string(m[1])
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			env["load"] = strings.Join(f[:3], " ")
		}
	}
	return bench.WriteJSON(results, "env.json", env)
}
