package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jxsync/jxsync/store/postgres/pgtest"
)

// PGServer is a PostgreSQL server for the benchmark, started as the tests
// of store/postgres start theirs but durable (fsync, synchronous commit and
// full-page writes on, as a deployment runs it).
type PGServer struct {
	srv *pgtest.Server
}

// StartPostgres starts a durable PostgreSQL server from Debian's package.
func StartPostgres() (*PGServer, error) {
	s, err := pgtest.Start("fsync=on", "synchronous_commit=on", "full_page_writes=on", "shared_buffers=128MB")
	if err != nil {
		return nil, err
	}
	return &PGServer{srv: s}, nil
}

// NewDatabase creates the empty database name and returns its URL.
func (p *PGServer) NewDatabase(name string) (string, error) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, p.srv.URL)
	if err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(p.srv.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// CPU is the CPU time the server's processes have used so far: the
// postmaster's own and that of the children it has reaped (backends of
// closed connections), and the running children's.
func (p *PGServer) CPU() time.Duration {
	total := procTreeCPU(p.srv.Pid)
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == p.srv.Pid {
			continue
		}
		if ppid(pid) == p.srv.Pid {
			total += procCPU(pid)
		}
	}
	return total
}

// Stop stops the server and removes its folder.
func (p *PGServer) Stop() { p.srv.Stop() }

// ppid is a process's parent's id, or 0.
func ppid(pid int) int {
	f := statFields(pid)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// procTreeCPU is a process's user and system time with that of its reaped
// children (cutime, cstime).
func procTreeCPU(pid int) time.Duration {
	f := statFields(pid)
	if len(f) < 15 {
		return 0
	}
	var t int64
	for _, s := range f[11:15] {
		v, _ := strconv.ParseInt(s, 10, 64)
		t += v
	}
	return time.Duration(t) * time.Second / clockTicks
}

// statFields are the fields of /proc/PID/stat after the command: state,
// ppid, … (field 3 onwards of proc(5), from 0).
func statFields(pid int) []string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

// clockTicks is USER_HZ on Linux.
const clockTicks = 100

// PeakRSS is a running process's peak resident set size (VmHWM), in bytes.
func PeakRSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ProcCPU is a running process's user and system time.
func ProcCPU(pid int) time.Duration { return procCPU(pid) }
