package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
)

func newRestoreCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "restore DIR",
		Short: "由备份恢复内置中心库到空的数据目录 (restore a backup into an empty data directory)",
		Long: "核对 DIR 中的 manifest.json 和数据库副本，复制数据库和每个原件（逐个核对哈希）到数据目录，然后做与 jxsync check 相同的一致性检查。\n" +
			"数据目录必须不存在或为空。退出码：0 已恢复且一致，1 已恢复但检查发现问题，2 无法恢复。\n" +
			"Checks the backup's manifest and database copy, copies the database and every original (each checked against its hash) into\n" +
			"the data directory, which must be empty or not exist, then runs the same check as jxsync check. Exit 0: restored and consistent;\n" +
			"1: restored, the check found problems; 2: not restored.",
		Args: argsN(1, 1, "jxsync backup 写出的备份文件夹 (a folder written by jxsync backup)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRestore(cmd.Context(), g, args[0])
		},
	}
}

// runRestore restores the backup in dir into the configured, empty, data
// directory and checks the result.
func runRestore(ctx context.Context, g *globals, dir string) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	if err := embeddedOnly(cfg, "restore"); err != nil {
		return err
	}
	m, err := readManifest(dir)
	if err != nil {
		return err
	}
	if err := requireEmptyDir(cfg.DataDir, "数据目录"); err != nil {
		return err
	}
	if _, err := os.Lstat(cfg.Store.Database); err == nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("数据库 %s 已存在，恢复不会覆盖它 (the database exists; restore does not overwrite)", cfg.Store.Database)}
	}
	made, err := restoreFiles(ctx, g, cfg, dir, m)
	if err != nil {
		for _, p := range made {
			os.RemoveAll(p)
		}
		return &exitError{code: exitFailure, err: fmt.Errorf("恢复失败，已删除写入的文件 (restore failed): %w", err)}
	}
	fmt.Fprintf(g.stdout, "已恢复 (restored)：%s → %s，%d 个修订 (revisions)，%d 个原件 (originals, %s)，备份于 (backed up) %s\n",
		dir, cfg.DataDir, m.Revisions, m.Blobs, byteSize(m.BlobBytes), m.Created.Local().Format("2006-01-02 15:04:05"))
	return runCheck(ctx, g, false)
}

// restoreFiles checks the database copy against the manifest, copies it
// and the originals it refers to into the data directory, and returns what
// it created (to be removed when it fails).
func restoreFiles(ctx context.Context, g *globals, cfg *Config, dir string, m *backupManifest) ([]string, error) {
	var made []string
	dbCopy := filepath.Join(dir, m.Database)
	size, sum, err := fileSHA256(dbCopy)
	if err != nil {
		return made, fmt.Errorf("备份中的数据库无法读取 (backup database): %w", err)
	}
	if size != m.DatabaseBytes || sum != m.DatabaseSHA256 {
		return made, fmt.Errorf("备份中的数据库 %s 与清单不符，已损坏 (backup database does not match the manifest: %w)", dbCopy, store.ErrCorrupt)
	}
	if _, err := os.Stat(cfg.DataDir); errors.Is(err, os.ErrNotExist) {
		made = append(made, cfg.DataDir)
	}
	blobDir := filepath.Join(cfg.DataDir, "blobs")
	made = append(made, blobDir, cfg.Store.Database, cfg.Store.Database+"-wal", cfg.Store.Database+"-shm")
	if err := os.MkdirAll(filepath.Dir(cfg.Store.Database), 0o755); err != nil {
		return made, err
	}
	fmt.Fprintln(g.stderr, "正在复制数据库 (copying the database)…")
	if err := copyFileSynced(cfg.Store.Database, dbCopy); err != nil {
		return made, fmt.Errorf("restore database: %w", err)
	}
	revisions, refs, err := snapshotContents(ctx, cfg.Store.Database)
	if err != nil {
		return made, err
	}
	srcDir := filepath.Join(dir, backupBlobsDir)
	if fi, err := os.Stat(srcDir); len(refs) > 0 && (err != nil || !fi.IsDir()) {
		return made, fmt.Errorf("备份中缺少原件文件夹 %s (backup has no blob folder)", srcDir)
	}
	src, err := local.Open(srcDir)
	if err != nil {
		return made, err
	}
	// Every original the backup holds: those of revisions and the others
	// (stored templates' blanks, bulk uploads, job results).
	hashes, err := src.List(ctx)
	if err != nil {
		return made, err
	}
	if revisions != m.Revisions || len(hashes) != m.Blobs {
		return made, fmt.Errorf("备份中的数据库有 %d 个修订、%d 个原件，清单记为 %d、%d (database does not match the manifest)",
			revisions, len(hashes), m.Revisions, m.Blobs)
	}
	if missing := len(union(refs, hashes)) - len(hashes); missing > 0 {
		return made, fmt.Errorf("备份中缺少 %d 个修订引用的原件 (the backup lacks %d originals its revisions refer to): %w", missing, missing, store.ErrNotFound)
	}
	dst, err := local.Open(blobDir)
	if err != nil {
		return made, err
	}
	fmt.Fprintf(g.stderr, "正在复制并核对 %d 个原件 (copying and verifying %d originals)…\n", len(hashes), len(hashes))
	step, done := blobProgress(g, len(hashes), "正在恢复原件")
	_, err = store.CopyBlobs(ctx, dst, src, hashes, step)
	done()
	if errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrNotFound) {
		return made, fmt.Errorf("备份中的原件已损坏或缺失 (an original in the backup is damaged or missing): %w", err)
	}
	return made, err
}
