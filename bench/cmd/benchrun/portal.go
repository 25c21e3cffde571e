package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"syscall"
	"time"

	"github.com/jxsync/jxsync/bench"
)

// portal measures uploads through the portal's API: bureau accounts made
// with `jxsync user add`, clients concurrent clients, each signing in
// (POST /api/login) and uploading seed-sized workbooks (POST /api/upload);
// on two `jxsync serve` instances over one PostgreSQL and one versitygw
// bucket (a client signs in on one and sends its uploads to both in turn,
// so every session is used on both instances), and on one instance over
// SQLite and local blobs.
func portal(corpus, results, bin, work string, clients, uploads int) error {
	m, err := manifest(corpus)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(corpus, m.ImportSeed, "*.xlsx"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	if len(files) > uploads {
		files = files[:uploads]
	}
	if len(files) == 0 {
		return errors.New("no seed-sized workbooks in the corpus")
	}
	pg, err := bench.StartPostgres()
	if err != nil {
		return err
	}
	defer pg.Stop()
	var runs []bench.PortalRun
	for _, cfg := range []struct {
		store     string
		instances int
	}{{"local", 1}, {storePostgres, 2}} {
		run, err := portalRun(bin, work, pg, cfg.store, cfg.instances, clients, files)
		if err != nil {
			return fmt.Errorf("%s, %d instances: %w", cfg.store, cfg.instances, err)
		}
		logf("portal %-12s %d instance(s), %d clients: %d uploads in %.1f s, %.1f/s (CPU-bound %.1f/s), failures %d %v, PostgreSQL CPU %.1f s",
			run.Store, run.Instances, run.Clients, run.Uploads, run.Wall.Seconds(), run.Rate(), run.CPURate(), run.Failures(), run.Statuses, run.Postgres.Seconds())
		runs = append(runs, run)
	}
	return bench.WriteJSON(results, "portal.json", runs)
}

// instance is one running `jxsync serve`.
type instance struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
}

// portalRun runs one configuration with fresh stores.
func portalRun(bin, work string, pg *bench.PGServer, st string, instances, clients int, files []string) (bench.PortalRun, error) {
	run := bench.PortalRun{Store: st, Instances: instances, Clients: clients, Statuses: map[string]int{}}
	dir := filepath.Join(work, "portal-"+strings.ReplaceAll(st, "+", "-"))
	os.RemoveAll(dir)
	env := os.Environ()
	var s3 *bench.S3Server
	if st == storePostgres {
		var err error
		if s3, err = bench.StartS3(filepath.Join(dir, "s3")); err != nil {
			return run, err
		}
		defer s3.Stop()
		u, err := pg.NewDatabase("bench_portal_" + randSuffix())
		if err != nil {
			return run, err
		}
		env = append(env, s3.Env()...)
		env = append(env, "JXSYNC_STORE_RECORDS=postgres", "JXSYNC_POSTGRES_URL="+u)
	}
	// Each instance has a data folder of its own: with PostgreSQL and S3
	// nothing is shared through it.
	dataDir := func(i int) string {
		if st == storePostgres {
			return filepath.Join(dir, fmt.Sprintf("data-%d", i))
		}
		return filepath.Join(dir, "data")
	}
	accounts := max(clients, (len(files)+bench.PortalPerAccount-1)/bench.PortalPerAccount)
	passwords := make([]string, accounts)
	for a := range accounts {
		passwords[a] = "bench-" + randSuffix()
		cmd := exec.Command(bin, "user", "add", accountName(a), "--role", "bureau", "--by", "bench", "--data-dir", dataDir(0))
		cmd.Env, cmd.Stdin = env, strings.NewReader(passwords[a]+"\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			return run, fmt.Errorf("user add %s: %v: %s", accountName(a), err, out)
		}
	}
	var insts []*instance
	defer func() {
		for _, in := range insts {
			in.stop()
		}
	}()
	for i := range instances {
		in, err := startServe(bin, env, dataDir(i), filepath.Join(dir, fmt.Sprintf("serve-%d.log", i)))
		if err != nil {
			return run, err
		}
		insts = append(insts, in)
	}
	// Accounts in turn, each with its share of the files.
	type job struct {
		account int
		files   []string
	}
	jobs := make(chan job, accounts)
	for a := range accounts {
		lo, hi := a*len(files)/accounts, (a+1)*len(files)/accounts
		jobs <- job{a, files[lo:hi]}
	}
	close(jobs)
	hc := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	var (
		mu        gosync.Mutex
		latencies []time.Duration
		firstErr  string
		wg        gosync.WaitGroup
	)
	note := func(status string, d time.Duration, msg string) {
		mu.Lock()
		defer mu.Unlock()
		run.Statuses[status]++
		if status == "200" {
			latencies = append(latencies, d)
		} else if firstErr == "" {
			firstErr = status + " " + msg
		}
	}
	cpu0 := serveCPU(insts)
	var s3CPU0, pgCPU0 time.Duration
	if s3 != nil {
		s3CPU0, pgCPU0 = s3.CPU(), pg.CPU()
	}
	self0, t0 := bench.CPUTime(), time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				home := insts[(c+j.account)%len(insts)]
				sess, err := login(hc, home.base, accountName(j.account), passwords[j.account])
				if err != nil {
					for range j.files {
						note("login", 0, err.Error())
					}
					continue
				}
				for k, f := range j.files {
					in := insts[(c+j.account+k)%len(insts)]
					t := time.Now()
					status, msg := upload(hc, in.base, sess, f)
					note(status, time.Since(t), msg)
				}
			}
		}()
	}
	wg.Wait()
	run.Wall = time.Since(t0)
	run.Client = bench.CPUTime() - self0
	run.Serve = serveCPU(insts) - cpu0
	if s3 != nil {
		run.S3 = s3.CPU() - s3CPU0
		run.Postgres = pg.CPU() - pgCPU0
	}
	for _, in := range insts {
		run.MaxRSS = max(run.MaxRSS, bench.PeakRSS(in.cmd.Process.Pid))
	}
	run.Uploads = len(files)
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	if n := len(latencies); n > 0 {
		run.P50, run.P95 = latencies[n/2], latencies[min(n-1, n*95/100)]
	}
	run.FirstFailure = firstErr
	if run.Statuses["200"] == 0 {
		return run, fmt.Errorf("no upload succeeded (the logs are in %s): %s", dir, firstErr)
	}
	return run, nil // the folder stays until the bench ends (see importRun)
}

func accountName(a int) string { return fmt.Sprintf("bench-bureau-%03d", a) }

func randSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// serveCPU sums the CPU time of the instances so far.
func serveCPU(insts []*instance) time.Duration {
	var t time.Duration
	for _, in := range insts {
		t += bench.ProcCPU(in.cmd.Process.Pid)
	}
	return t
}

// startServe starts `jxsync serve` on a free loopback port and waits until
// it answers.
func startServe(bin string, env []string, dataDir, logPath string) (*instance, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	in := &instance{base: "http://" + addr, log: log}
	in.cmd = exec.Command(bin, "serve", "--addr", addr, "--data-dir", dataDir)
	in.cmd.Env, in.cmd.Stdout, in.cmd.Stderr = env, log, log
	in.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := in.cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start serve: %w", err)
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if r, err := http.Get(in.base + "/login"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return in, nil
			}
		}
		if in.cmd.ProcessState != nil {
			break
		}
	}
	in.stop()
	out, _ := os.ReadFile(logPath)
	return nil, fmt.Errorf("serve on %s did not answer: %s", addr, out)
}

// stop ends the instance (SIGTERM: a graceful shutdown).
func (in *instance) stop() {
	if in.cmd.Process != nil {
		in.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { in.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			in.cmd.Process.Kill()
			<-done
		}
	}
	in.log.Close()
}

// session is a signed-in client: its cookie and CSRF token.
type session struct{ cookie, csrf string }

// login signs in through the JSON API.
func login(hc *http.Client, base, name, password string) (*session, error) {
	body, _ := json.Marshal(map[string]string{"name": name, "password": password})
	r, err := hc.Post(base+"/api/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	var s struct {
		CSRF  string `json:"csrf"`
		Error string `json:"error"`
	}
	json.NewDecoder(r.Body).Decode(&s)
	if r.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login %s: %s %s", name, r.Status, s.Error)
	}
	for _, c := range r.Cookies() {
		if c.Name == "jxsync_session" {
			return &session{cookie: c.Name + "=" + c.Value, csrf: s.CSRF}, nil
		}
	}
	return nil, fmt.Errorf("login %s: no session cookie", name)
}

// upload sends one workbook and returns the status (or "error") and, on
// failure, what the server said.
func upload(hc *http.Client, base string, s *session, path string) (string, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "error", err.Error()
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filepath.Base(path))
	fw.Write(data)
	mw.Close()
	rq, _ := http.NewRequest(http.MethodPost, base+"/api/upload", &buf)
	rq.Header.Set("Content-Type", mw.FormDataContentType())
	rq.Header.Set("Cookie", s.cookie)
	rq.Header.Set("X-CSRF-Token", s.csrf)
	r, err := hc.Do(rq)
	if err != nil {
		return "error", err.Error()
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(bufio.NewReader(io.LimitReader(r.Body, 4096)))
	if r.StatusCode == http.StatusOK {
		return "200", ""
	}
	return fmt.Sprint(r.StatusCode), strings.TrimSpace(string(b))
}
