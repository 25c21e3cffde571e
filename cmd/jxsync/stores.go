package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	sqlitedriver "modernc.org/sqlite"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/postgres"
	"github.com/jxsync/jxsync/store/s3"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
)

// storedService is a service wired to the configured stores; close releases
// them. Commands that only read use it.
func (g *globals) storedService(ctx context.Context) (*sync.Service, *Config, func(), error) {
	return g.openStores(ctx, false)
}

// writableService is storedService for commands that write (import, sync,
// user, serve): it first checks that the data folder can be written, so
// that a read-only folder is reported by name before any file is read.
func (g *globals) writableService(ctx context.Context) (*sync.Service, *Config, func(), error) {
	return g.openStores(ctx, true)
}

func (g *globals) openStores(ctx context.Context, write bool) (*sync.Service, *Config, func(), error) {
	cfg, err := g.config()
	if err != nil {
		return nil, nil, nil, err
	}
	svc, _, err := g.serviceFor(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	if write {
		if err := checkWritable(cfg); err != nil {
			return nil, nil, nil, err
		}
	}
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		return nil, nil, nil, readOnlyError(cfg, err)
	}
	db, err := openRecords(ctx, cfg)
	if err != nil {
		return nil, nil, nil, readOnlyError(cfg, err)
	}
	svc.Blobs, svc.Records, svc.Users, svc.Units, svc.Audit, svc.Tasks = blobs, db, db, db, db, db
	return svc, cfg, func() { db.Close() }, nil
}

// records is what a records store gives the service: records, accounts,
// the unit registry, the audit log, tasks and stored templates.
type records interface {
	store.Records
	store.Users
	store.Units
	store.Audit
	store.Tasks
	store.Templates
}

// openRecords opens the configured records store: the SQLite file, or the
// PostgreSQL database.
func openRecords(ctx context.Context, cfg *Config) (records, error) {
	if cfg.Store.Records == "postgres" {
		return postgres.Open(ctx, cfg.Postgres.URL)
	}
	return sqlite.Open(ctx, cfg.Store.Database)
}

// checkWritable returns a read-only error when the data folder, the blob
// folder, the database's folder or the database file exist but cannot be
// written (a folder on a read-only share or disc, a file marked read-only).
func checkWritable(cfg *Config) error {
	dirs := []string{cfg.DataDir}
	if cfg.Store.Records != "postgres" {
		dirs = append(dirs, filepath.Dir(cfg.Store.Database))
	}
	if cfg.Store.Blobs != "s3" {
		dirs = append(dirs, filepath.Join(cfg.DataDir, "blobs"))
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue // made when missing; an error then is reported as it comes
		}
		f, err := os.CreateTemp(d, ".jxsync-write-check-*")
		if err != nil {
			return readOnlyError(cfg, err)
		}
		f.Close()
		os.Remove(f.Name())
	}
	var files []string
	if cfg.Store.Records != "postgres" {
		files = []string{cfg.Store.Database, cfg.Store.Database + "-wal", cfg.Store.Database + "-shm"}
	}
	for _, p := range files {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return readOnlyError(cfg, err)
		}
		f.Close()
	}
	return nil
}

// readOnlyError says, in Chinese and naming the folder, that the data
// folder cannot be written when err is a permission error or SQLite's
// "attempt to write a readonly database"; other errors are returned as
// they are.
func readOnlyError(cfg *Config, err error) error {
	if !isReadOnly(err) {
		return err
	}
	dir, _ := filepath.Abs(cfg.DataDir)
	if dir == "" {
		dir = cfg.DataDir
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("数据目录“%s”是只读的，jxsync 无法写入其中的库文件 %s：请确认该文件夹和其中的文件可写"+
		"（不是只读文件、不在光盘或只读共享上，当前用户有写权限），或用 --data-dir 指定一个可写的文件夹 (the data folder is read-only: %v)",
		dir, filepath.Base(cfg.Store.Database), err)}
}

// isReadOnly reports whether err means the store cannot be written.
func isReadOnly(err error) bool {
	var se *sqlitedriver.Error
	if errors.As(err, &se) && se.Code()&0xff == 8 { // SQLITE_READONLY and its extended codes
		return true
	}
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// openBlobs opens the configured blob store.
func openBlobs(ctx context.Context, cfg *Config) (store.Blobs, error) {
	switch cfg.Store.Blobs {
	case "s3":
		return s3.Open(ctx, s3.Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, Region: cfg.S3.Region,
			AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, TLS: cfg.S3.TLS})
	default: // config validation admits local or s3 only
		return local.Open(filepath.Join(cfg.DataDir, "blobs"))
	}
}
