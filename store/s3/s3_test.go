package s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/s3"
	"github.com/jxsync/jxsync/store/s3/s3test"
	"github.com/jxsync/jxsync/store/storetest"
)

func TestBlobs(t *testing.T) {
	srv := s3test.Start(t)
	n := 0
	var cfg s3.Config
	storetest.Blobs(t, func(t *testing.T) store.Blobs {
		n++
		cfg = srv.Config
		cfg.Bucket = srv.Config.Bucket + "-" + string(rune('a'+n%26))
		b, err := s3.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, func(t *testing.T, _ store.Blobs, hash string) {
		c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.PutObject(context.Background(), cfg.Bucket, "blobs/"+hash, strings.NewReader("tampered"), 8, minio.PutObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestServerDown(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	b, err := s3.Open(ctx, srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	h, err := b.Put(ctx, []byte("before"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	tctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Put(tctx, []byte("during")); err == nil {
		t.Fatal("Put with the server down: no error")
	}
	srv.Restart(t)
	if got, err := b.Get(ctx, h); err != nil || string(got) != "before" {
		t.Fatalf("after restart: %q, %v", got, err)
	}
	if _, err := b.Get(ctx, store.Hash([]byte("during"))); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the failed put left something: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := s3.Open(context.Background(), s3.Config{Bucket: "b"}); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("no endpoint: %v", err)
	}
	if _, err := s3.Open(context.Background(), s3.Config{Endpoint: "127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "bucket") {
		t.Errorf("no bucket: %v", err)
	}
}
