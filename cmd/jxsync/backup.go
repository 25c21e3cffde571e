package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/sqlite"
)

func newBackupCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "backup DIR",
		Short: "在线备份内置中心库 (back up the embedded store while it is in use)",
		Long: "先复制数据库在某一时刻的一致副本（导入可以同时进行），再复制该副本引用的每个原件（逐个核对哈希），最后写入 manifest.json。\n" +
			"DIR 必须不存在或为空；没有 manifest.json 的文件夹是未完成的备份，restore 会拒绝它。只适用于本地原件文件夹和 SQLite。\n" +
			"Copies a consistent snapshot of the database (imports may go on meanwhile), then every original it refers to, each checked\n" +
			"against its hash, and writes manifest.json last: a folder without it is an unfinished backup. DIR must be empty or not exist.",
		Args: argsN(1, 1, "备份文件夹，如 jxsync backup 备份/2024-06-30 (the backup folder)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackup(cmd.Context(), g, args[0])
		},
	}
}

// runBackup writes a backup of the embedded store into dir.
func runBackup(ctx context.Context, g *globals, dir string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := g.config()
	if err != nil {
		return err
	}
	if err := embeddedOnly(cfg, "backup"); err != nil {
		return err
	}
	if _, err := os.Stat(cfg.Store.Database); err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("没有可备份的中心库：数据库 %s 不存在（请用 --data-dir 指定数据目录）(no store to back up: %v)", cfg.Store.Database, err)}
	}
	if err := requireEmptyDir(dir, "备份文件夹"); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	m, err := writeBackup(ctx, g, cfg, dir)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("备份未完成，“%s”中没有 %s，不能用于恢复；请删除该文件夹后重新备份 (backup failed): %w",
			dir, backupManifestName, err)}
	}
	fmt.Fprintf(g.stdout, "备份完成 (backup written)：%s，%d 个修订 (revisions)，%d 个原件 (originals, %s)，数据库 (database) %s\n",
		dir, m.Revisions, m.Blobs, byteSize(m.BlobBytes), byteSize(m.DatabaseBytes))
	return nil
}

// writeBackup copies the database, then its originals, then writes the
// manifest, and returns it.
func writeBackup(ctx context.Context, g *globals, cfg *Config, dir string) (*backupManifest, error) {
	db, err := sqlite.Open(ctx, cfg.Store.Database)
	if err != nil {
		return nil, readOnlyError(cfg, err)
	}
	defer db.Close()
	dbCopy := filepath.Join(dir, backupDBName)
	fmt.Fprintln(g.stderr, "正在复制数据库 (copying the database)…")
	if err := db.Backup(ctx, dbCopy); err != nil {
		return nil, err
	}
	revisions, hashes, err := snapshotContents(ctx, dbCopy)
	if err != nil {
		return nil, err
	}
	size, sum, err := fileSHA256(dbCopy)
	if err != nil {
		return nil, fmt.Errorf("backup database: %w", err)
	}
	src, err := local.Open(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return nil, err
	}
	// Every original in the folder, not only those of revisions: the blank
	// workbooks of stored templates, bulk uploads and job results are
	// originals too. Those written after the database copy are extra and
	// harmless; every one the copy refers to was written before it.
	all, err := src.List(ctx)
	if err != nil {
		return nil, err
	}
	hashes = union(hashes, all)
	dst, err := local.Open(filepath.Join(dir, backupBlobsDir))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(g.stderr, "正在复制 %d 个原件 (copying %d originals)…\n", len(hashes), len(hashes))
	step, done := blobProgress(g, len(hashes), "正在复制原件")
	blobBytes, err := store.CopyBlobs(ctx, dst, src, hashes, step)
	done()
	if err != nil {
		return nil, err
	}
	b := currentBuild()
	m := &backupManifest{Format: backupFormat, FormatVersion: backupFormatV, JxsyncVersion: nameOr(b.Version, "(devel)"), JxsyncCommit: b.Commit,
		Created: time.Now().UTC().Truncate(time.Second), Database: backupDBName, DatabaseBytes: size, DatabaseSHA256: sum,
		Revisions: revisions, Blobs: len(hashes), BlobBytes: blobBytes}
	if err := writeManifest(dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

// snapshotContents opens a database file and returns how many revisions it
// holds and the hashes of the blobs they refer to, sorted.
func snapshotContents(ctx context.Context, path string) (n int64, hashes []string, err error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return 0, nil, err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
	}()
	_, rows, err := db.Query(ctx, `SELECT count(*) FROM revisions`)
	if err != nil {
		return 0, nil, fmt.Errorf("count revisions: %w", err)
	}
	n, _ = rows[0][0].(int64)
	blobs, err := db.Blobs(ctx)
	if err != nil {
		return 0, nil, err
	}
	hashes = make([]string, 0, len(blobs))
	for h := range blobs {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	return n, hashes, nil
}

// union returns the sorted hashes in a or b, once each.
func union(a, b []string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	var out []string
	for _, h := range append(append([]string{}, a...), b...) {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out
}
