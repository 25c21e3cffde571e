package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// A backup folder holds the database copy, the blob folder and, written
// last, the manifest: a folder without one is a backup that did not finish.
const (
	backupDBName       = "jxsync.db"
	backupBlobsDir     = "blobs"
	backupManifestName = "manifest.json"
	backupFormat       = "jxsync-backup"
	backupFormatV      = 1
)

// backupManifest describes a finished backup.
type backupManifest struct {
	Format         string    `json:"format"`
	FormatVersion  int       `json:"format_version"`
	JxsyncVersion  string    `json:"jxsync_version"`
	JxsyncCommit   string    `json:"jxsync_commit,omitempty"`
	Created        time.Time `json:"created"`
	Database       string    `json:"database"`
	DatabaseBytes  int64     `json:"database_bytes"`
	DatabaseSHA256 string    `json:"database_sha256"`
	Revisions      int64     `json:"revisions"`
	Blobs          int       `json:"blobs"`
	BlobBytes      int64     `json:"blob_bytes"`
}

// writeManifest writes m into dir through a temporary file, synced and
// renamed, then syncs the folder: the manifest is there whole or not at all.
func writeManifest(dir string, m *backupManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".manifest-*")
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write manifest: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write manifest: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write manifest: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, backupManifestName)); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return syncDir(dir)
}

// readManifest reads the manifest of the backup in dir; a folder without
// one, or with one jxsync cannot read, is refused by name.
func readManifest(dir string) (*backupManifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, backupManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("“%s”不是完整的 jxsync 备份：缺少 %s（备份未完成，或不是备份文件夹），不能用于恢复 "+
			"(not a finished backup: %s is missing)", dir, backupManifestName, backupManifestName)}
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m backupManifest
	if err := json.Unmarshal(b, &m); err != nil || m.Format != backupFormat || m.Database == "" || filepath.Base(m.Database) != m.Database {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("“%s”中的 %s 不是 jxsync 备份清单 (not a jxsync backup manifest)", dir, backupManifestName)}
	}
	if m.FormatVersion > backupFormatV {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("备份“%s”由较新的 jxsync %s 写出（格式 %d），请用该版本或更新的版本恢复 (backup format %d is newer than this jxsync)",
			dir, m.JxsyncVersion, m.FormatVersion, m.FormatVersion)}
	}
	return &m, nil
}

// requireEmptyDir returns nil when dir does not exist or is an empty
// folder, and an error naming it (what says whose folder it is) otherwise.
func requireEmptyDir(dir, what string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, dir, err)
	}
	if len(entries) > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%s“%s”不是空的（有 %d 项，如 %s）：请指定一个不存在或空的文件夹 (%s is not empty)",
			what, dir, len(entries), entries[0].Name(), dir)}
	}
	return nil
}

// fileSHA256 returns the size and hex SHA-256 of the file at path.
func fileSHA256(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// copyFileSynced copies src to a new file dst through a temporary file in
// dst's folder, synced and renamed.
func copyFileSynced(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

// syncDir fsyncs a folder where the platform can.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// blobProgress returns, for copying n originals, the function to call
// after each and the one to call at the end: a progress bar on standard
// error when it is a terminal, else nothing.
func blobProgress(g *globals, n int, what string) (func(string, int64), func()) {
	f, ok := osFile(g.stderr)
	if !ok || !term.IsTerminal(int(f.Fd())) || n < 2 {
		return nil, func() {}
	}
	opts := append(progressOptions(g.stderr, 100*time.Millisecond),
		progressbar.OptionSetDescription(what), progressbar.OptionSetItsString("个原件"))
	bar := progressbar.NewOptions(n, opts...)
	return func(string, int64) { bar.Add(1) }, func() { bar.Finish() }
}

// byteSize writes n bytes for people: 12.3 MiB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// embeddedOnly refuses to back up or restore (op) a configuration whose
// originals are not in the local blob folder: the bucket keeps them, and
// its own replication or versioning is the way to back them up.
func embeddedOnly(cfg *Config, op string) error {
	if cfg.Store.Records == "postgres" {
		return &exitError{code: exitFailure, err: fmt.Errorf("jxsync %s 只用于内置存储（本地原件文件夹 + SQLite 数据库）；配置 store.records: postgres 时请用 pg_dump 备份数据库，原件用存储桶的复制或版本管理 "+
			"(%s covers the embedded store only; with store.records: postgres use pg_dump, and the bucket's replication for the originals)", op, op)}
	}
	if cfg.Store.Blobs == "local" {
		return nil
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("jxsync %s 只用于内置存储（本地原件文件夹 + SQLite 数据库）；配置 store.blobs: %s 时原件在存储桶中，"+
		"请用存储桶的复制（replication）或版本管理备份原件，数据库另行备份（PostgreSQL 用 pg_dump） "+
		"(%s covers the embedded store only; with store.blobs: %s use the bucket's replication, and pg_dump for a PostgreSQL database)",
		op, cfg.Store.Blobs, op, cfg.Store.Blobs)}
}
