// Package s3 keeps blobs in an S3-compatible bucket (AWS S3, MinIO,
// versitygw) with minio-go, one object per blob under blobs/<hash>.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/jxsync/jxsync/store"
)

var _ store.Blobs = (*Blobs)(nil)

// Config says how to reach the bucket. Every field can be set in
// jxsync.yaml under s3: or as JXSYNC_S3_<FIELD>.
type Config struct {
	// Endpoint is host:port of the S3 service, e.g. 127.0.0.1:7070 or
	// s3.amazonaws.com.
	Endpoint string
	// Bucket holds the blobs; it is created when missing.
	Bucket string
	// Region of the bucket; optional for MinIO and versitygw.
	Region string
	// AccessKey and SecretKey are the credentials.
	AccessKey string
	SecretKey string
	// TLS uses https.
	TLS bool
	// Prefix is prepended to object names (default "blobs/").
	Prefix string
}

// Blobs is a bucket of content-addressed objects.
type Blobs struct {
	c      *minio.Client
	bucket string
	prefix string
}

// Open connects to the bucket, creating it when missing.
func Open(ctx context.Context, cfg Config) (*Blobs, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, errors.New("open s3: endpoint: must not be empty")
	case cfg.Bucket == "":
		return nil, errors.New("open s3: bucket: must not be empty")
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS, Region: cfg.Region,
		// Few retries: with the server down a file must fail in seconds, and
		// the import is re-run rather than stalled for minutes.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("open s3 %s: %w", cfg.Endpoint, err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("open s3 %s/%s: %w", cfg.Endpoint, cfg.Bucket, err)
	}
	if !ok {
		err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err != nil {
			if exists, err2 := c.BucketExists(ctx, cfg.Bucket); err2 != nil || !exists {
				return nil, fmt.Errorf("open s3: create bucket %s: %w", cfg.Bucket, err)
			}
		}
	}
	prefix := cfg.Prefix
	if prefix == "" {
		prefix = "blobs/"
	}
	return &Blobs{c: c, bucket: cfg.Bucket, prefix: prefix}, nil
}

func (b *Blobs) key(hash string) string { return b.prefix + hash }

// Put implements store.Blobs. A single PUT with a known length is atomic in
// S3: the object exists whole or not at all. It is not asked first whether
// the object exists: the key is the content's hash, so writing it again
// writes the same bytes, and import only puts files whose forms it stores
// (one round trip per original instead of two).
func (b *Blobs) Put(ctx context.Context, data []byte) (string, error) {
	hash := store.Hash(data)
	_, err := b.c.PutObject(ctx, b.bucket, b.key(hash), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	return hash, nil
}

// Get implements store.Blobs.
func (b *Blobs) Get(ctx context.Context, hash string) ([]byte, error) {
	if !store.ValidHash(hash) {
		return nil, fmt.Errorf("get blob %q: %w", hash, store.ErrBadHash)
	}
	obj, err := b.c.GetObject(ctx, b.bucket, b.key(hash), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, mapErr(err))
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, mapErr(err))
	}
	if store.Hash(data) != hash {
		return nil, fmt.Errorf("get blob %s: %w", hash, store.ErrCorrupt)
	}
	return data, nil
}

// Size implements store.Blobs.
func (b *Blobs) Size(ctx context.Context, hash string) (int64, error) {
	if !store.ValidHash(hash) {
		return 0, fmt.Errorf("stat blob %q: %w", hash, store.ErrBadHash)
	}
	info, err := b.c.StatObject(ctx, b.bucket, b.key(hash), minio.StatObjectOptions{})
	if err != nil {
		return 0, fmt.Errorf("stat blob %s: %w", hash, mapErr(err))
	}
	return info.Size, nil
}

// mapErr turns a missing object into store.ErrNotFound.
func mapErr(err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code == "NoSuchKey" || resp.StatusCode == 404 {
		return fmt.Errorf("%w: %v", store.ErrNotFound, err)
	}
	return err
}
