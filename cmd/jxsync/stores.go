package main

import (
	"context"
	"path/filepath"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	"github.com/jxsync/jxsync/store/s3"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
)

// storedService is a service wired to the configured stores; close releases
// them.
func (g *globals) storedService(ctx context.Context) (*sync.Service, *Config, func(), error) {
	cfg, err := g.config()
	if err != nil {
		return nil, nil, nil, err
	}
	svc, _, err := g.serviceFor(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	var blobs store.Blobs
	switch cfg.Store.Blobs {
	case "s3":
		blobs, err = s3.Open(ctx, s3.Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, Region: cfg.S3.Region,
			AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, TLS: cfg.S3.TLS})
	default:
		blobs, err = local.Open(filepath.Join(cfg.DataDir, "blobs"))
	}
	if err != nil {
		return nil, nil, nil, err
	}
	db, err := sqlite.Open(ctx, cfg.Store.Database)
	if err != nil {
		return nil, nil, nil, err
	}
	svc.Blobs, svc.Records, svc.Users = blobs, db, db
	return svc, cfg, func() { db.Close() }, nil
}
