package bench

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jxsync/jxsync/store/s3"
	"github.com/jxsync/jxsync/store/s3/s3test"
)

// S3Server is a versitygw gateway on loopback over a folder, as s3test
// starts one for the tests.
type S3Server struct {
	Config s3.Config
	cmd    *exec.Cmd
	log    *os.File
}

// StartS3 starts versitygw (found as s3test finds it) with a posix backend
// in dir on a free loopback port, with random credentials and bucket name.
func StartS3(dir string) (*S3Server, error) {
	bin := s3test.Binary()
	if bin == "" {
		return nil, errors.New("versitygw not found (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	access, secret := randHex(8), randHex(16)
	s := &S3Server{Config: s3.Config{Endpoint: addr, Bucket: "jxsync-bench-" + randHex(4), AccessKey: access, SecretKey: secret}}
	s.log, err = os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		return nil, err
	}
	// Keep-alive, as AWS S3 and MinIO keep connections (versitygw closes
	// each one after a request without it), and no log line per request.
	s.cmd = exec.Command(bin, "--keep-alive", "--quiet", "--port", addr, "posix", data)
	s.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+access, "ROOT_SECRET_KEY="+secret)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return s, nil
		}
	}
	s.Stop()
	out, _ := os.ReadFile(s.log.Name())
	return nil, fmt.Errorf("versitygw did not listen on %s: %s", addr, out)
}

// Env is the environment that points jxsync's blob store at the server.
func (s *S3Server) Env() []string {
	return []string{"JXSYNC_STORE_BLOBS=s3", "JXSYNC_S3_ENDPOINT=" + s.Config.Endpoint, "JXSYNC_S3_BUCKET=" + s.Config.Bucket,
		"JXSYNC_S3_ACCESS_KEY=" + s.Config.AccessKey, "JXSYNC_S3_SECRET_KEY=" + s.Config.SecretKey, "JXSYNC_S3_TLS=false"}
}

// CPU is the CPU time the gateway has used so far (it is not a child the
// import waits for, so it is read from /proc).
func (s *S3Server) CPU() time.Duration {
	return procCPU(s.cmd.Process.Pid)
}

// Stop kills the gateway.
func (s *S3Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
	if s.log != nil {
		s.log.Close()
	}
}

// procCPU reads a process's user and system time from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command (which may hold spaces) in parentheses.
	i := len(b) - 1
	for i > 0 && b[i] != ')' {
		i--
	}
	var state string
	var f [13]int64
	if _, err := fmt.Sscan(string(b[i+1:]), &state, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11], &f[12]); err != nil {
		return 0
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration(f[10]+f[11]) * time.Second / hz
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
