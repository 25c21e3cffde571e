package sync_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
)

func sourceNames(srcs []jxsync.Source) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return out
}

func refusals(bad []*jxsync.ImportResult) map[string]string {
	m := map[string]string{}
	for _, b := range bad {
		why := b.FirstError
		if b.Outcome != jxsync.OutcomeUnreadable {
			why += " (outcome " + b.Outcome + ")"
		}
		m[b.File] = why
	}
	return m
}

func writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCollectFoldersAndGlobs(t *testing.T) {
	dir := t.TempDir()
	wb := []byte("x")
	for _, n := range []string{"b.xlsx", "a.xlsx", "sub/c.xlsm", "sub/deeper/d.xls", "sub/~$c.xlsm", "~$a.xlsx",
		".hidden.xlsx", ".git/e.xlsx", "notes.txt", "sub/report.pdf", "报表[2022].xlsx"} {
		writeFile(t, filepath.Join(dir, n), wb)
	}
	j := func(n string) string { return filepath.Join(dir, n) }

	// A folder: workbooks at any depth, sorted; hidden and lock files and
	// other files passed over.
	srcs, bad := jxsync.Collect([]string{dir}, jxsync.CollectLimits{})
	want := []string{j("a.xlsx"), j("b.xlsx"), j("sub/c.xlsm"), j("sub/deeper/d.xls"), j("报表[2022].xlsx")}
	if !sameStrings(sourceNames(srcs), want) || len(bad) != 0 {
		t.Errorf("folder: %q, bad %v\nwant %q", sourceNames(srcs), refusals(bad), want)
	}
	if b, err := srcs[0].Read(); err != nil || string(b) != "x" {
		t.Errorf("read %s: %q %v", srcs[0].Name, b, err)
	}

	// A glob: its matches, without lock or hidden files; a folder matched is
	// walked; a path named twice is collected once.
	srcs, bad = jxsync.Collect([]string{j("*.xlsx"), j("s?b"), j("a.xlsx")}, jxsync.CollectLimits{})
	want = []string{j("a.xlsx"), j("b.xlsx"), j("报表[2022].xlsx"), j("sub/c.xlsm"), j("sub/deeper/d.xls")}
	if !sameStrings(sourceNames(srcs), want) || len(bad) != 0 {
		t.Errorf("glob: %q, bad %v\nwant %q", sourceNames(srcs), refusals(bad), want)
	}

	// A file whose name looks like a pattern is taken as named.
	srcs, bad = jxsync.Collect([]string{j("报表[2022].xlsx")}, jxsync.CollectLimits{})
	if !sameStrings(sourceNames(srcs), []string{j("报表[2022].xlsx")}) || len(bad) != 0 {
		t.Errorf("literal name with brackets: %q, bad %v", sourceNames(srcs), refusals(bad))
	}

	// What does not exist is refused with the reason.
	srcs, bad = jxsync.Collect([]string{j("*.xlsb"), j("missing.xlsx")}, jxsync.CollectLimits{})
	r := refusals(bad)
	if len(srcs) != 0 || len(bad) != 2 || !strings.Contains(r[j("*.xlsb")], "没有匹配的文件") || !strings.Contains(r[j("missing.xlsx")], "无法读取") {
		t.Errorf("missing: %q, bad %v", sourceNames(srcs), r)
	}
}

// zipEntry is one entry of a test archive; raw, when set, writes data as the
// already-deflated content with a forged uncompressed size.
type zipEntry struct {
	name     string
	data     []byte
	raw      bool
	declared uint64
}

func writeZip(t testing.TB, p string, entries []zipEntry) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if !e.raw {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.data)
			continue
		}
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestCompression)
		fw.Write(e.data)
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: e.declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, buf.Bytes())
}

func TestCollectZip(t *testing.T) {
	dir := t.TempDir()
	a := testkit.HubeiWorkbook(t, "压缩包单位甲", nil)
	b := testkit.HubeiWorkbook(t, "压缩包单位乙", nil)
	zeros := make([]byte, 4<<20)
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	w, _ := zw.Create("x.xlsx")
	w.Write(a)
	zw.Close()
	arch := filepath.Join(dir, "上报", "archive.zip")
	writeZip(t, arch, []zipEntry{
		{name: "a.xlsx", data: a},
		{name: "各单位/b.xlsx", data: b},
		{name: "各单位/"},
		{name: "../x.xlsx", data: a},
		{name: "/abs.xlsx", data: a},
		{name: `C:\x.xlsx`, data: a},
		{name: "dir/../../up.xlsx", data: a},
		{name: "inner.zip", data: inner.Bytes()},
		{name: "big.xlsx", data: zeros},
		{name: "bomb.xlsx", data: zeros, raw: true, declared: 1000},
		{name: "~$a.xlsx", data: []byte("lock")},
		{name: "__MACOSX/._a.xlsx", data: []byte("mac")},
		{name: "说明.txt", data: []byte("readme")},
	})
	lim := jxsync.CollectLimits{MaxEntryBytes: 1 << 20}
	srcs, bad := jxsync.Collect([]string{arch}, lim)
	want := []string{arch + "!a.xlsx", arch + "!各单位/b.xlsx", arch + "!bomb.xlsx"}
	if !sameStrings(sourceNames(srcs), want) {
		t.Errorf("sources %q\nwant %q", sourceNames(srcs), want)
	}
	r := refusals(bad)
	for name, why := range map[string]string{
		"../x.xlsx": "不安全", "/abs.xlsx": "不安全", `C:\x.xlsx`: "不安全", "dir/../../up.xlsx": "不安全",
		"inner.zip": "嵌套", "big.xlsx": "过大",
	} {
		if got, ok := r[arch+"!"+name]; !ok || !strings.Contains(got, why) {
			t.Errorf("%s: refused %v with %q, want a message with %q", name, ok, got, why)
		}
	}
	if len(bad) != 6 {
		t.Errorf("refused %d entries, want 6: %v", len(bad), r)
	}

	// The entries import as archive.zip!name; the bomb (declared 1000 bytes,
	// expanding to 4 MiB) is refused when read, without expanding it.
	svc := testkit.Service(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs := svc.ImportAll(ctx, srcs, 2, "test", nil)
	for i, wantUnit := range []string{"压缩包单位甲", "压缩包单位乙"} {
		if rs[i].Outcome != store.OutcomeImported || rs[i].File != want[i] || rs[i].Unit != wantUnit {
			t.Errorf("entry %d: %+v", i, rs[i])
			continue
		}
		rev, data, err := svc.Original(ctx, rs[i].Revision)
		if err != nil || rev.FileName != want[i] || !bytes.Equal(data, [][]byte{a, b}[i]) {
			t.Errorf("stored entry %d: %+v %v", i, rev, err)
		}
	}
	if rs[2].Outcome != jxsync.OutcomeUnreadable || rs[2].File != want[2] || !strings.Contains(rs[2].FirstError, "大于其声明的大小") {
		t.Errorf("bomb: %+v", rs[2])
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != 2 {
		t.Errorf("revisions = %d, want 2", n)
	}

	// An archive in a folder is opened too.
	srcs, _ = jxsync.Collect([]string{dir}, lim)
	if !sameStrings(sourceNames(srcs), want) {
		t.Errorf("folder with the archive: %q", sourceNames(srcs))
	}
}

// TestCollectZipLimits covers an entry whose header lies about its size,
// found when read, and an archive expanding beyond MaxArchiveBytes.
func TestCollectZipLimits(t *testing.T) {
	dir := t.TempDir()
	zeros := make([]byte, 256<<10)
	bomb := filepath.Join(dir, "bomb.zip")
	writeZip(t, bomb, []zipEntry{{name: "报表.xlsx", data: zeros, raw: true, declared: 100}})
	srcs, bad := jxsync.Collect([]string{bomb}, jxsync.CollectLimits{MaxEntryBytes: 64 << 10})
	if len(srcs) != 1 || len(bad) != 0 {
		t.Fatalf("bomb: %q %v", sourceNames(srcs), refusals(bad))
	}
	if data, err := srcs[0].Read(); err == nil || len(data) != 0 {
		t.Errorf("bomb read %d bytes, err %v", len(data), err)
	} else {
		t.Logf("bomb: %v", err)
	}

	// Entries within the entry limit but beyond the archive's: the rest is
	// refused.
	many := filepath.Join(dir, "many.zip")
	writeZip(t, many, []zipEntry{{name: "1.xlsx", data: zeros}, {name: "2.xlsx", data: zeros}, {name: "3.xlsx", data: zeros}})
	srcs, bad = jxsync.Collect([]string{many}, jxsync.CollectLimits{MaxEntryBytes: 300 << 10, MaxArchiveBytes: 600 << 10})
	r := refusals(bad)
	if !sameStrings(sourceNames(srcs), []string{many + "!1.xlsx", many + "!2.xlsx"}) || len(bad) != 1 || !strings.Contains(r[many+"!3.xlsx"], "过大") {
		t.Errorf("archive limit: %q, bad %v", sourceNames(srcs), r)
	}

	// Not a zip at all.
	fake := filepath.Join(dir, "fake.zip")
	writeFile(t, fake, []byte("not a zip"))
	srcs, bad = jxsync.Collect([]string{fake}, jxsync.CollectLimits{})
	if len(srcs) != 0 || len(bad) != 1 || !strings.Contains(bad[0].FirstError, "zip") {
		t.Errorf("fake zip: %q %v", sourceNames(srcs), refusals(bad))
	}
}
