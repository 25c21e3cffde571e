package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
)

// jxStdin runs the CLI on the data folder dir with stdin as standard input.
func jxStdin(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runStdin(context.Background(), strings.NewReader(stdin), &out, &errb, append([]string{"--data-dir", dir}, args...))
	return code, out.String(), errb.String()
}

// runStdin is run with a standard input.
func runStdin(ctx context.Context, in io.Reader, stdout, stderr io.Writer, args []string) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			io.WriteString(stderr, "jxsync: "+ee.err.Error()+"\n")
		}
		return ee.code
	}
	io.WriteString(stderr, "jxsync: "+err.Error()+"\n")
	return exitFailure
}

// accounts opens the accounts of a data folder.
func userStore(t *testing.T, dir string) (*sync.Service, func()) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "jxsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	return &sync.Service{Records: db, Users: db}, func() { db.Close() }
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"secret-pass-1\n", []string{"user", "add", "jz", "--role", "agency", "--unit", "武汉市蔡甸区救助管理站"}, 0, "已添加预算单位账号 jz"},
		{"secret-pass-2\r\n", []string{"user", "add", "cz", "--role", "bureau"}, 0, "已添加财政局账号 cz"},
		{"secret-pass-3\n", []string{"user", "add", "jz", "--role", "agency", "--unit", "x"}, exitFailure, "already exists"},
		{"secret-pass-3\n", []string{"user", "add", "nounit", "--role", "agency"}, exitFailure, "--unit is required"},
		{"secret-pass-3\n", []string{"user", "add", "boss", "--role", "admin"}, exitFailure, "--role must be agency, department or bureau"},
		{"secret-pass-3\n", []string{"user", "add", "cz2", "--role", "bureau", "--unit", "x"}, exitFailure, "--unit is for agency and department accounts only"},
		{"short\n", []string{"user", "add", "weak", "--role", "bureau"}, exitFailure, "密码至少8位"},
		{"", []string{"user", "add", "empty", "--role", "bureau"}, exitFailure, "no password on standard input"},
		{"", []string{"user", "disable", "nobody"}, exitFailure, "not found"},
	} {
		code, out, errs := jxStdin(t, dir, tc.stdin, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s%s", tc.args, code, tc.code, tc.want, out, errs)
		}
	}
	code, out, _ := jxStdin(t, dir, "", "user", "list")
	if code != 0 || !strings.Contains(out, "jz") || !strings.Contains(out, "武汉市蔡甸区救助管理站") || !strings.Contains(out, "财政局") ||
		strings.Contains(out, "weak") || strings.Contains(out, "nounit") {
		t.Errorf("list: %d\n%s", code, out)
	}

	// The password of stdin is the account's (the line ending is not part
	// of it); a reset replaces it and ends the account's sessions.
	svc, done := userStore(t, dir)
	if _, err := svc.Authenticate(ctx, "cz", "secret-pass-2"); err != nil {
		t.Errorf("cz: %v", err)
	}
	u, err := svc.Authenticate(ctx, "jz", "secret-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.NewSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	done()
	if code, out, errs := jxStdin(t, dir, "new-secret-1\n", "user", "reset", "jz"); code != 0 || !strings.Contains(out, "已重设") {
		t.Errorf("reset: %d %s%s", code, out, errs)
	}
	svc, done = userStore(t, dir)
	if _, err := svc.Authenticate(ctx, "jz", "secret-pass-1"); !errors.Is(err, sync.ErrBadLogin) {
		t.Errorf("old password after reset: %v", err)
	}
	if _, err := svc.Authenticate(ctx, "jz", "new-secret-1"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, _, err := svc.SessionUser(ctx, token); err == nil {
		t.Error("a session survived the reset")
	}
	done()

	if code, out, _ := jxStdin(t, dir, "", "user", "disable", "jz"); code != 0 || !strings.Contains(out, "已停用") {
		t.Errorf("disable: %d %s", code, out)
	}
	if _, out, _ := jxStdin(t, dir, "", "user", "list"); !strings.Contains(out, "停用") {
		t.Errorf("list after disable:\n%s", out)
	}
	svc, done = userStore(t, dir)
	if _, err := svc.Authenticate(ctx, "jz", "new-secret-1"); !errors.Is(err, sync.ErrDisabled) {
		t.Errorf("disabled: %v", err)
	}
	done()
	if code, _, _ := jxStdin(t, dir, "", "user", "enable", "jz"); code != 0 {
		t.Errorf("enable: %d", code)
	}
	svc, done = userStore(t, dir)
	defer done()
	if _, err := svc.Authenticate(ctx, "jz", "new-secret-1"); err != nil {
		t.Errorf("enabled: %v", err)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := jxStdin(t, dir, "secret-pass-2\n", "user", "add", "cz", "--role", "bureau"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := jxStdin(t, dir, "", "import", hubeiExample); code > exitFindings {
		t.Fatal(errs)
	}
	if _, out, _ := jxStdin(t, dir, "", "serve", "--help"); !strings.Contains(out, "127.0.0.1:8080") {
		t.Errorf("serve does not default to loopback:\n%s", out)
	}
	if code, _, errs := jxStdin(t, dir, "", "serve", "--tls-cert", "x.pem"); code != exitFailure || !strings.Contains(errs, "--tls-key") {
		t.Errorf("cert without key: %d %s", code, errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errb lockedBuffer
	exited := make(chan int, 1)
	go func() {
		code := runStdin(ctx, strings.NewReader(""), pw, &errb, []string{"--data-dir", dir, "serve", "--addr", "127.0.0.1:0"})
		pw.Close()
		exited <- code
	}()
	lines := bufio.NewReader(pr)
	first, err := lines.ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v %s", err, errb.String())
	}
	rest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(lines); rest <- string(b) }()
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(first)
	if base == "" {
		t.Fatalf("no address in %q", first)
	}

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := hc.Get(base + "/login")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login: %v %v", res, err)
	}
	res.Body.Close()
	res, err = hc.Post(base+"/api/login", "application/json", strings.NewReader(`{"name":"cz","password":"secret-pass-2"}`))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %v %v", res, err)
	}
	res.Body.Close()
	res, err = hc.Get(base + "/api/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "武汉市蔡甸区救助管理站") {
		t.Errorf("dashboard over the CLI's store: %d %s", res.StatusCode, body)
	}
	res, err = hc.Get(base + "/blank?template=hubei-dept&year=2022")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("blank template: %d %v", res.StatusCode, res.Header)
	}

	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if out := <-rest; !strings.Contains(out, "已停止") {
		t.Errorf("serve output after stop: %q", out)
	}
}
