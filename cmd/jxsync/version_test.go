package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestVersionCommand prints the values set with -ldflags -X, and without
// them a version that says it is a development build.
func TestVersionCommand(t *testing.T) {
	code, out, errs := jx(t, "version")
	if code != 0 || !strings.HasPrefix(out, "jxsync ") || !strings.Contains(out, "提交 (commit): ") ||
		!strings.Contains(out, "构建日期 (built): ") || !strings.Contains(out, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("version: exit %d\n%s%s", code, out, errs)
	}
	if b := currentBuild(); b.Version == "" || (version == "" && b.Version != "dev" && !strings.HasPrefix(b.Version, "v")) {
		t.Errorf("without -ldflags: version %q", b.Version)
	}
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "v1.4.0", "0123456789abcdef0123456789abcdef01234567", "2026-03-01T08:00:00Z"
	code, out, _ = jx(t, "version")
	for _, want := range []string{"jxsync v1.4.0\n", "提交 (commit): 0123456789abcdef0123456789abcdef01234567\n", "构建日期 (built): 2026-03-01T08:00:00Z\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("with -ldflags: output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := jx(t, "version", "x"); code != exitFailure || !strings.Contains(errs, "不接受参数") {
		t.Errorf("version x: exit %d: %s", code, errs)
	}
}

// TestWindowsBuild cross-compiles jxsync.exe as scripts/release.sh does
// (static, -trimpath, the version stamped in) and checks that it is a
// Windows executable (a PE file: "MZ", then "PE\0\0" where the header
// says) carrying its version. One build: seconds with a warm build cache,
// several minutes with a cold one (the pure-Go SQLite for windows);
// skipped with -short.
func TestWindowsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles jxsync.exe (about a minute)")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	exe := filepath.Join(t.TempDir(), "jxsync.exe")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute) // minutes with a cold build cache
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X main.version=v0.0.0-wintest -X main.commit=abc123", "-o", exe, ".")
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=windows go build: %v\n%s", err, out)
	}
	b := mustReadFile(t, exe)
	if len(b) < 0x40 || string(b[:2]) != "MZ" {
		t.Fatalf("jxsync.exe starts %q, want MZ", b[:min(2, len(b))])
	}
	pe := int(b[0x3c]) | int(b[0x3d])<<8 | int(b[0x3e])<<16 | int(b[0x3f])<<24
	if pe+6 > len(b) || string(b[pe:pe+4]) != "PE\x00\x00" || b[pe+4] != 0x64 || b[pe+5] != 0x86 { // machine 0x8664: amd64
		t.Errorf("jxsync.exe: no amd64 PE header at %#x", pe)
	}
	if !bytes.Contains(b, []byte("v0.0.0-wintest")) {
		t.Error("jxsync.exe does not carry the version given with -ldflags -X main.version")
	}
}

// TestReleaseScript checks scripts/release.sh is committed executable,
// parses, and builds the four platforms statically with the version
// stamped.
func TestReleaseScript(t *testing.T) {
	p := "../../scripts/release.sh"
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("%s is not executable (%v)", p, fi.Mode())
	}
	src := string(mustReadFile(t, p))
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-s -w", "-X main.version=", "-X main.commit=", "-X main.date=",
		"windows/amd64", "linux/amd64", "linux/arm64", "darwin/arm64", "SHA256SUMS", "dist"} {
		if !strings.Contains(src, want) {
			t.Errorf("%s lacks %q", p, want)
		}
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		if out, err := exec.Command(bash, "-n", p).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", p, err, out)
		}
	}
}
