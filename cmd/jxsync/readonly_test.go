//go:build linux || darwin

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// unprivileged runs the CLI with args as a user the file permissions bind:
// in this process when the tests do not run as root, else as nobody in a
// copy of the test binary (root writes into read-only folders and files).
// dir holds everything the child reads; it is made readable by all.
func unprivileged(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, &out, &errb)
		return code, out.String(), errb.String()
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "jxsync.test")
	if _, err := os.Stat(bin); err != nil {
		src, err := os.Open(self)
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for d := dir; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := json.Marshal(args)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestHelperImport$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "JXSYNC_TEST_HELPER_ARGS="+string(raw))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("run as nobody: %v\n%s", err, errb.String())
	}
	return code, out.String(), errb.String()
}

// TestReadOnlyDataDir runs writing commands on a data folder that cannot be
// written — a database file marked read-only (SQLite's "attempt to write a
// readonly database (8)"), then the whole folder read-only — and expects
// a Chinese message naming the folder, exit 2 and nothing imported; once
// writable again, the same import succeeds.
func TestReadOnlyDataDir(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "数据")
	wb := filepath.Join(dir, "蔡甸区民政局.xlsx")
	if err := os.WriteFile(wb, mustReadFile(t, "../../templates/hubei-dept/2022/examples/caidian-minzheng-2022.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A store with one revision, made by the tests' own user.
	if code, _, errs := cliIn(t, data, "import", "../../templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	chmodAll := func(dirMode, fileMode os.FileMode) {
		t.Helper()
		err := filepath.Walk(data, func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if fi.IsDir() {
				return os.Chmod(p, dirMode)
			}
			return os.Chmod(p, fileMode)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { chmodAll(0o755, 0o644) })
	abs, _ := filepath.Abs(data)
	want := "数据目录“" + abs + "”是只读的"

	for _, c := range []struct {
		name              string
		dirMode, fileMode os.FileMode
	}{
		{"read-only database file", 0o777, 0o444},
		{"read-only folder", 0o555, 0o444},
	} {
		chmodAll(c.dirMode, c.fileMode)
		for _, args := range [][]string{
			{"import", wb},
			{"user", "add", "caizheng", "--role", "bureau"},
		} {
			code, out, errs := unprivileged(t, dir, append([]string{"--data-dir", data}, args...)...)
			if code != exitFailure || !strings.Contains(errs, want) {
				t.Errorf("%s: %q: exit %d, want %d and %q\n%s%s", c.name, args, code, exitFailure, want, out, errs)
			}
		}
	}
	chmodAll(0o777, 0o666) // writable by the unprivileged user too
	if got := sqlCount(t, data, "SELECT count(*) FROM revisions"); got != 1 {
		t.Errorf("%d revisions after the refused imports, want 1", got)
	}
	// Writable again: the same import as the same user succeeds.
	if code, out, errs := unprivileged(t, dir, "--data-dir", data, "import", wb); code != 0 || !strings.Contains(out, "新增 imported 1") {
		t.Errorf("import into the writable folder: exit %d\n%s%s", code, out, errs)
	}
}
