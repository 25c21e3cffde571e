package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/postgres/pgtest"
	"github.com/jxsync/jxsync/store/s3/s3test"
)

// childEnv makes the test binary run as jxsync (TestMain).
const childEnv = "JXSYNC_TEST_AS_JXSYNC"

// child is a jxsync process: the test binary run as jxsync.
type child struct {
	cmd   *exec.Cmd
	out   lockedBuffer
	first chan string
	done  chan struct{}
}

// startChild runs jxsync args in a process of its own (with the test's
// environment) and waits for its first line of output.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), first: make(chan string, 1), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), childEnv+"=1")
	c.cmd.Stderr = &c.out
	pr, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		n := 0
		for sc.Scan() {
			if n == 0 {
				c.first <- sc.Text()
			}
			n++
			fmt.Fprintln(&c.out, sc.Text())
		}
		c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() { c.kill() })
	select {
	case line := <-c.first:
		c.first <- line
	case <-c.done:
		t.Fatalf("jxsync %s exited: %s", strings.Join(args, " "), c.out.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("jxsync %s printed nothing: %s", strings.Join(args, " "), c.out.String())
	}
	return c
}

// base is the portal address a serve child printed.
func (c *child) base(t *testing.T) string {
	line := <-c.first
	c.first <- line
	b := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if b == "" {
		t.Fatalf("no address in %q", line)
	}
	return b
}

// kill ends the process at once (SIGKILL) and waits for it.
func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// stop asks the process to stop (SIGTERM) and waits for it.
func (c *child) stop(t *testing.T) {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(time.Minute):
		t.Errorf("jxsync did not stop: %s", c.out.String())
	}
}

// portal is a signed-in client of one account.
type portal struct {
	hc   *http.Client
	csrf string
}

func signIn(t *testing.T, base, name string) *portal {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	p := &portal{hc: &http.Client{Jar: jar, Timeout: 2 * time.Minute}}
	res, err := p.hc.Post(base+"/api/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"secret-pass-2"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var s struct{ CSRF string }
	if err := json.Unmarshal(body, &s); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in %s: %d %v %s", name, res.StatusCode, err, body)
	}
	p.csrf = s.CSRF
	return p
}

// on is the same browser (cookies, token) talking to another server.
func (p *portal) on(t *testing.T, from, to string) *portal {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	fu, _ := url.Parse(from)
	tu, _ := url.Parse(to)
	jar.SetCookies(tu, p.hc.Jar.Cookies(fu))
	return &portal{hc: &http.Client{Jar: jar, Timeout: 2 * time.Minute}, csrf: p.csrf}
}

// post sends files as multipart field file with the CSRF header.
func (p *portal) post(url string, files map[string][]byte) (int, []byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, data := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", url, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", p.csrf)
	res, err := p.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

func (p *portal) getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := p.hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v %s", url, err, body)
		}
	}
	return res.StatusCode
}

// scaleJob is what the job API answers.
type scaleJob struct {
	State   string         `json:"state"`
	Attempt int            `json:"attempt"`
	Total   int            `json:"total"`
	Done    int            `json:"done"`
	Counts  map[string]int `json:"counts"`
}

// TestSeveralServers: two `jxsync serve` and one `jxsync worker`, each a
// process of its own, on one PostgreSQL and one S3 bucket (versitygw). A
// session opened on one server is used on the other; 100 uploads spread
// over both at once are all stored; a bulk import whose worker is killed
// (SIGKILL) part-way is taken up again by a new worker and completes with
// every file stored once; `jxsync check` finds nothing wrong.
func TestSeveralServers(t *testing.T) {
	if testing.Short() {
		t.Skip("several processes on PostgreSQL and S3")
	}
	pg := pgtest.URL(t)
	s3 := s3test.Start(t)
	data := t.TempDir()
	for k, v := range map[string]string{
		"JXSYNC_STORE_RECORDS": "postgres", "JXSYNC_POSTGRES_URL": pg,
		"JXSYNC_STORE_BLOBS": "s3", "JXSYNC_S3_ENDPOINT": s3.Config.Endpoint, "JXSYNC_S3_BUCKET": s3.Config.Bucket,
		"JXSYNC_S3_ACCESS_KEY": s3.Config.AccessKey, "JXSYNC_S3_SECRET_KEY": s3.Config.SecretKey,
		"JXSYNC_DATA_DIR": data, "JXSYNC_JOBS_RESCUE_AFTER": "4s", "JXSYNC_JOBS_WORKERS": "1",
	} {
		t.Setenv(k, v)
	}
	const accounts = 5 // 20 uploads each, under the 30 a minute of one account
	for i := 0; i < accounts; i++ {
		if code, _, errs := jxStdin(t, data, "secret-pass-2\n", "user", "add", fmt.Sprintf("cz%d", i), "--role", "bureau"); code != 0 {
			t.Fatal(errs)
		}
	}
	a := startChild(t, "serve", "--addr", "127.0.0.1:0")
	b := startChild(t, "serve", "--addr", "127.0.0.1:0")
	worker := startChild(t, "worker")
	baseA, baseB := a.base(t), b.base(t)

	// A session opened on A is good on B, CSRF token included.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve A:\n%s\nserve B:\n%s\nworker:\n%s", a.out.String(), b.out.String(), worker.out.String())
		}
	})
	sessA := signIn(t, baseA, "cz0")
	sessB := sessA.on(t, baseA, baseB)
	var me struct{ CSRF string }
	if code := sessB.getJSON(t, baseB+"/api/me", &me); code != http.StatusOK || me.CSRF != sessA.csrf {
		t.Fatalf("session of A on B: %d, csrf %q want %q", code, me.CSRF, sessA.csrf)
	}

	// 100 uploads at once, spread over both servers.
	const uploads = 100
	clients := make([][2]*portal, accounts)
	for i := range clients {
		p := signIn(t, baseA, fmt.Sprintf("cz%d", i))
		clients[i] = [2]*portal{p, p.on(t, baseA, baseB)}
	}
	books := make([][]byte, uploads)
	for i := range books {
		books[i] = testkit.HubeiWorkbook(t, fmt.Sprintf("上传单位%03d", i), nil)
	}
	var wg gosync.WaitGroup
	errs := make(chan string, uploads)
	sem := make(chan struct{}, 16)
	for i := 0; i < uploads; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			base := []string{baseA, baseB}[i%2]
			code, body, err := clients[i%accounts][i%2].post(base+"/api/upload", map[string][]byte{fmt.Sprintf("wb-%03d.xlsx", i): books[i]})
			if err != nil || code != http.StatusOK {
				errs <- fmt.Sprintf("upload %d to %s: %d %v %.200s", i, base, code, err, body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if t.Failed() {
		t.FailNow()
	}
	if n := countOf(t, data, "SELECT count(*) FROM revisions"); n != uploads {
		t.Fatalf("%d revisions after %d uploads", n, uploads)
	}

	// A bulk import whose worker is killed part-way.
	const bulk = 120
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for i := 0; i < bulk; i++ {
		w, _ := zw.Create(fmt.Sprintf("收到/wb-%03d.xlsx", i))
		w.Write(testkit.HubeiWorkbook(t, fmt.Sprintf("批量单位%03d", i), nil))
	}
	zw.Close()
	code, body, err := sessB.post(baseB+"/api/bulk", map[string][]byte{"全部.zip": zb.Bytes()})
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("bulk upload: %d %v %s", code, err, body)
	}
	var started struct{ Job int64 }
	json.Unmarshal(body, &started)
	jobURL := baseA + "/api/jobs/" + strconv.FormatInt(started.Job, 10)
	var j scaleJob
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if code := sessA.getJSON(t, jobURL, &j); code != http.StatusOK {
			t.Fatalf("job: %d", code)
		}
		if j.Done >= 3 || time.Now().After(deadline) {
			break
		}
	}
	worker.kill()
	sessA.getJSON(t, jobURL, &j)
	if j.Done >= bulk || j.State == "completed" {
		t.Fatalf("the job finished before the worker was killed: %+v", j)
	}
	t.Logf("worker killed at %d of %d files", j.Done, j.Total)
	worker = startChild(t, "worker")
	for deadline := time.Now().Add(4 * time.Minute); j.State != "completed"; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the job did not complete after the worker was restarted: %+v\n%s", j, worker.out.String())
		}
		sessA.getJSON(t, jobURL, &j)
		if j.State == "discarded" || j.State == "cancelled" {
			t.Fatalf("job %+v\n%s", j, worker.out.String())
		}
	}
	if j.Total != bulk || j.Done != bulk || j.Counts["imported"]+j.Counts["unchanged"] != bulk || j.Attempt < 2 {
		t.Errorf("job after the restart: %+v", j)
	}
	revs := countOf(t, data, "SELECT count(*) FROM revisions")
	forms := countOf(t, data, "SELECT count(*) FROM submission_status")
	if revs != uploads+bulk || forms != revs {
		t.Errorf("%d revisions of %d submissions, want %d of %d", revs, forms, uploads+bulk, uploads+bulk)
	}
	if code, out, errs := jxStdin(t, data, "", "check"); code != 0 {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
	worker.stop(t)
	a.stop(t)
	b.stop(t)
}

// countOf answers a count query with `jxsync sql`.
func countOf(t *testing.T, data, q string) int {
	t.Helper()
	code, out, errs := jxStdin(t, data, "", "sql", "--format", "csv", q)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("%s: exit %d %s%s", q, code, out, errs)
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(lines[1], "\ufeff")))
	if err != nil {
		t.Fatalf("%s: %q", q, out)
	}
	return n
}

// TestServeWorksJobsOnSQLite: on the embedded default store `jxsync serve`
// works the jobs itself — a bulk upload completes with no worker running
// and its forms are stored in the SQLite file.
func TestServeWorksJobsOnSQLite(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JXSYNC_DATA_DIR", data)
	if code, _, errs := jxStdin(t, data, "secret-pass-2\n", "user", "add", "cz", "--role", "bureau"); code != 0 {
		t.Fatal(errs)
	}
	srv := startChild(t, "serve", "--addr", "127.0.0.1:0")
	base := srv.base(t)
	p := signIn(t, base, "cz")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for i := 0; i < 5; i++ {
		w, _ := zw.Create(fmt.Sprintf("wb-%d.xlsx", i))
		w.Write(testkit.HubeiWorkbook(t, fmt.Sprintf("本地单位%d", i), nil))
	}
	zw.Close()
	code, body, err := p.post(base+"/api/bulk", map[string][]byte{"收到.zip": zb.Bytes()})
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("bulk upload: %d %v %s", code, err, body)
	}
	var started struct{ URL string }
	json.Unmarshal(body, &started)
	var j scaleJob
	for deadline := time.Now().Add(2 * time.Minute); j.State != "completed"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("job did not complete: %+v\n%s", j, srv.out.String())
		}
		if code := p.getJSON(t, base+started.URL, &j); code != http.StatusOK {
			t.Fatalf("job: %d", code)
		}
	}
	if j.Done != 5 || j.Counts["imported"] != 5 {
		t.Errorf("job: %+v", j)
	}
	srv.stop(t)
	if n := countOf(t, data, "SELECT count(*) FROM revisions"); n != 5 {
		t.Errorf("%d revisions in the SQLite file, want 5", n)
	}
	if code, out, errs := jxStdin(t, data, "", "check"); code != 0 {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
}
