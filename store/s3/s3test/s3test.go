// Package s3test gives tests a real S3 server: the endpoint in
// JXSYNC_TEST_S3_ENDPOINT (with _ACCESS_KEY, _SECRET_KEY; MinIO works), or
// else a versitygw gateway started on loopback in a temporary folder with
// random credentials. Without either it skips the test, or fails it when
// CI=true.
package s3test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store/s3"
)

// Server is a running S3 endpoint.
type Server struct {
	// Config reaches the server, with a fresh bucket name.
	Config s3.Config
	cmd    *exec.Cmd
	dir    string
	args   []string
	env    []string
}

// Start returns a server for tb, stopped when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if ep := os.Getenv("JXSYNC_TEST_S3_ENDPOINT"); ep != "" {
		return &Server{Config: s3.Config{Endpoint: ep, Bucket: bucketName(),
			AccessKey: os.Getenv("JXSYNC_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("JXSYNC_TEST_S3_SECRET_KEY"),
			TLS: os.Getenv("JXSYNC_TEST_S3_TLS") == "true"}}
	}
	bin := Binary()
	if bin == "" {
		msg := "versitygw not found (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0) and JXSYNC_TEST_S3_ENDPOINT not set"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	dir := tb.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		tb.Fatal(err)
	}
	port := freePort(tb)
	s := &Server{dir: dir}
	access, secret := randHex(8), randHex(16)
	s.Config = s3.Config{Endpoint: fmt.Sprintf("127.0.0.1:%d", port), Bucket: bucketName(), AccessKey: access, SecretKey: secret}
	s.args = []string{bin, "--port", s.Config.Endpoint, "posix", data}
	s.env = append(os.Environ(), "ROOT_ACCESS_KEY="+access, "ROOT_SECRET_KEY="+secret)
	s.Restart(tb)
	tb.Cleanup(func() { s.Stop() })
	return s
}

// Binary returns the path of versitygw, or "".
func Binary() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	for _, d := range []string{os.Getenv("GOBIN"), filepath.Join(goPath(), "bin")} {
		if d == "" {
			continue
		}
		if p := filepath.Join(d, "versitygw"); isFile(p) {
			return p
		}
	}
	return ""
}

// Stop kills the server (for tests of a server that goes away).
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on the same port and folder.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if s.args == nil {
		tb.Skip("an external S3 endpoint cannot be restarted")
	}
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.Env = s.env
	log, err := os.Create(filepath.Join(s.dir, fmt.Sprintf("versitygw-%d.log", time.Now().UnixNano())))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start versitygw: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Config.Endpoint, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, _ := os.ReadFile(log.Name())
	s.Stop()
	tb.Fatalf("versitygw did not listen on %s: %s", s.Config.Endpoint, out)
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func bucketName() string { return "jxsync-test-" + strings.ToLower(randHex(4)) }

func goPath() string {
	if p := os.Getenv("GOPATH"); p != "" {
		return strings.Split(p, string(os.PathListSeparator))[0]
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "go")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
