package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/local"
)

// readBackupManifest reads the manifest of the backup in dir.
func readBackupManifest(t *testing.T, dir string) backupManifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, backupManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m backupManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// revisionCount is what `jxsync sql` says the store in dataDir holds.
func revisionCount(t *testing.T, dataDir string) int64 {
	t.Helper()
	code, out, errOut := cliIn(t, dataDir, "sql", "SELECT count(*) AS n FROM revisions", "--format", "csv")
	if code != 0 {
		t.Fatalf("sql: exit %d: %s", code, errOut)
	}
	lines := strings.Fields(out)
	n, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("sql output %q: %v", out, err)
	}
	return n
}

// backedUpStore imports the shipped examples into a new store and backs it
// up; it returns the data and backup folders.
func backedUpStore(t *testing.T) (string, string) {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := cliIn(t, data, withArgs([]string{"import"}, testkit.Examples(t)...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	if code, out, errOut := cliIn(t, data, "backup", backup); code != 0 || !strings.Contains(out, "备份完成 (backup written)") {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}
	return data, backup
}

// TestBackupWhileImporting backs the store up while an import of the
// shipped examples and of generated workbooks runs; the backup restored
// into an empty folder checks clean and holds the revisions the manifest
// counts, with the same history as the store.
func TestBackupWhileImporting(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	gen := t.TempDir()
	first := testkit.WriteWorkbooks(t, filepath.Join(gen, "first"), 5)
	if code, _, errOut := cliIn(t, data, withArgs([]string{"import"}, first...)...); code != 0 {
		t.Fatalf("first import: exit %d: %s", code, errOut)
	}
	examples, err := filepath.Glob(filepath.Join(testkit.TemplatesDir(t), "*", "*", "examples", "*.xlsx"))
	if err != nil || len(examples) < 8 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	more := testkit.WriteWorkbooks(t, filepath.Join(gen, "more"), 40) // the first 5 are unchanged
	type result struct {
		code      int
		out, errs string
	}
	imported := make(chan result)
	go func() {
		code, out, errOut := cliIn(t, data, withArgs(withArgs([]string{"import", "--workers", "2"}, examples...), more...)...)
		imported <- result{code, out, errOut}
	}()
	// Back up once the import has stored something (it may have finished
	// by then, which the checks below allow).
	for revisionCount(t, data) <= 5 {
		time.Sleep(5 * time.Millisecond)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	code, out, errOut := cliIn(t, data, "backup", backup)
	r := <-imported
	if r.code != 0 {
		t.Fatalf("import: exit %d: %s%s", r.code, r.out, r.errs)
	}
	if code != 0 {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}
	m := readBackupManifest(t, backup)
	total := revisionCount(t, data)
	t.Logf("backup holds %d of %d revisions", m.Revisions, total)
	if m.Revisions <= 5 || m.Revisions > total || m.Blobs <= 5 {
		t.Fatalf("manifest: %+v; want 6 to %d revisions", m, total)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	code, out, errOut = cliIn(t, restored, "restore", backup)
	if code != 0 || !strings.Contains(out, "中心库一致 (store is consistent)") {
		t.Fatalf("restore: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := cliIn(t, restored, "check"); code != 0 {
		t.Fatalf("check of the restored store: exit %d: %s%s", code, out, errOut)
	}
	if n := revisionCount(t, restored); n != m.Revisions {
		t.Errorf("restored store holds %d revisions; the manifest says %d", n, m.Revisions)
	}
	_, want, _ := cliIn(t, data, "history", "测试单位000")
	_, got, _ := cliIn(t, restored, "history", "测试单位000")
	if got != want || !strings.Contains(got, "wb-000.xlsx") {
		t.Errorf("history after restore:\n%s\nwant:\n%s", got, want)
	}
}

// TestBackupRefusesNonEmptyFolder: a backup is only written into an empty
// or new folder.
func TestBackupRefusesNonEmptyFolder(t *testing.T) {
	data, _ := backedUpStore(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "笔记.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cliIn(t, data, "backup", dir)
	if code != exitFailure || !strings.Contains(errOut, dir) || !strings.Contains(errOut, "不是空的") {
		t.Fatalf("backup into a non-empty folder: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cliIn(t, data, "backup", t.TempDir()); code != 0 {
		t.Fatalf("backup into an empty folder: exit %d: %s", code, errOut)
	}
}

// TestBackupRefusesS3 names the setting and the way to back a bucket up.
func TestBackupRefusesS3(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "jxsync.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  blobs: s3\ns3:\n  endpoint: 127.0.0.1:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"backup", "restore"} {
		dir := t.TempDir()
		code, _, errOut := cliIn(t, t.TempDir(), "--config", cfg, cmd, dir)
		if code != exitFailure || !strings.Contains(errOut, "store.blobs: s3") || !strings.Contains(errOut, "replication") {
			t.Errorf("%s with s3 blobs: exit %d: %s", cmd, code, errOut)
		}
	}
}

// TestRestoreRefusesNonEmptyDataDir: restore writes only into an empty or
// new data folder and names the folder it refuses.
func TestRestoreRefusesNonEmptyDataDir(t *testing.T) {
	_, backup := backedUpStore(t)
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "别的文件.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cliIn(t, busy, "restore", backup)
	if code != exitFailure || !strings.Contains(errOut, busy) || !strings.Contains(errOut, "数据目录") {
		t.Fatalf("restore into a non-empty data folder: exit %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(busy, "别的文件.txt")); err != nil || string(b) != "keep" {
		t.Errorf("file in the refused folder: %q %v", b, err)
	}
	if code, _, errOut := cliIn(t, t.TempDir(), "restore", backup); code != 0 {
		t.Fatalf("restore into an empty data folder: exit %d: %s", code, errOut)
	}
}

// TestRestoreRefusesBackupWithoutManifest: a backup that did not finish
// (no manifest) is not restored.
func TestRestoreRefusesBackupWithoutManifest(t *testing.T) {
	_, backup := backedUpStore(t)
	if code, _, errOut := cliIn(t, filepath.Join(t.TempDir(), "ok"), "restore", backup); code != 0 {
		t.Fatalf("restore of a finished backup: exit %d: %s", code, errOut)
	}
	if err := os.Remove(filepath.Join(backup, backupManifestName)); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "data")
	code, _, errOut := cliIn(t, target, "restore", backup)
	if code != exitFailure || !strings.Contains(errOut, backupManifestName) || !strings.Contains(errOut, "备份未完成") {
		t.Fatalf("restore without manifest: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("restore without manifest created %s: %v", target, err)
	}
}

// TestRestoreDetectsCorruptBlob: an original changed in the backup is
// found by its hash; nothing is left in the data folder.
func TestRestoreDetectsCorruptBlob(t *testing.T) {
	_, backup := backedUpStore(t)
	var blob string
	filepath.WalkDir(filepath.Join(backup, backupBlobsDir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && blob == "" {
			blob = p
		}
		return err
	})
	if blob == "" {
		t.Fatal("no blob in the backup")
	}
	if err := os.WriteFile(blob, []byte("PK\x03\x04 改过的内容"), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "data")
	code, _, errOut := cliIn(t, target, "restore", backup)
	if code != exitFailure || !strings.Contains(errOut, filepath.Base(blob)) || !strings.Contains(errOut, "已损坏") {
		t.Fatalf("restore with a corrupt blob: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("failed restore left %s: %v", target, err)
	}
}

// TestRestoreDetectsCorruptDatabase: a database copy that no longer
// matches the manifest is refused.
func TestRestoreDetectsCorruptDatabase(t *testing.T) {
	_, backup := backedUpStore(t)
	f, err := os.OpenFile(filepath.Join(backup, backupDBName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "多出来的字节")
	f.Close()
	code, _, errOut := cliIn(t, filepath.Join(t.TempDir(), "data"), "restore", backup)
	if code != exitFailure || !strings.Contains(errOut, "与清单不符") {
		t.Fatalf("restore with a changed database: exit %d: %s", code, errOut)
	}
}

// TestBackupKeepsEveryOriginal: originals no revision refers to (the blank
// of a stored template, a bulk upload, a job's result) are backed up and
// restored too; a backup missing an original its revisions refer to is
// refused.
func TestBackupKeepsEveryOriginal(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := cliIn(t, data, withArgs([]string{"import"}, testkit.Examples(t)...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	blobs, err := local.Open(filepath.Join(data, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	extra, err := blobs.Put(context.Background(), []byte("一个不属于任何修订的原件 (an original of no revision)"))
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	if code, out, errOut := cliIn(t, data, "backup", backup); code != 0 {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}
	target := filepath.Join(t.TempDir(), "data")
	if code, out, errOut := cliIn(t, target, "restore", backup); code != 0 {
		t.Fatalf("restore: exit %d: %s%s", code, out, errOut)
	}
	restored, err := local.Open(filepath.Join(target, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restored.Get(context.Background(), extra); err != nil {
		t.Errorf("the original of no revision was not restored: %v", err)
	}

	// The failing case: an original a revision refers to taken out of the
	// backup (and the manifest's count made to agree) is refused.
	_, rows, err := openSQL(t, data, "SELECT blob_hash FROM revisions LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	ref := rows
	if err := os.Remove(filepath.Join(backup, backupBlobsDir, ref[:2], ref)); err != nil {
		t.Fatal(err)
	}
	m := readBackupManifest(t, backup)
	m.Blobs--
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(backup, backupManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cliIn(t, filepath.Join(t.TempDir(), "data"), "restore", backup)
	if code == 0 || !strings.Contains(errOut, "缺少") {
		t.Errorf("restore of a backup missing a referred original: exit %d: %s", code, errOut)
	}
}

// openSQL returns the first cell of what `jxsync sql` answers to q.
func openSQL(t *testing.T, dataDir, q string) (int, string, error) {
	t.Helper()
	code, out, errOut := cliIn(t, dataDir, "sql", q, "--format", "csv")
	if code != 0 {
		return code, "", fmt.Errorf("sql: exit %d: %s", code, errOut)
	}
	lines := strings.Fields(out)
	return code, lines[len(lines)-1], nil
}
