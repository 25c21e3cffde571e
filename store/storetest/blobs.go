// Package storetest is the test suite every store.Blobs implementation
// passes; each implementation's tests call it with a constructor.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jxsync/jxsync/store"
)

// Blobs runs the shared suite. open returns an empty store; corrupt, when
// not nil, changes the stored bytes of hash behind the store's back.
func Blobs(t *testing.T, open func(t *testing.T) store.Blobs, corrupt func(t *testing.T, b store.Blobs, hash string)) {
	ctx := context.Background()
	t.Run("PutGet", func(t *testing.T) {
		b := open(t)
		data := []byte("PK\x03\x04 工作簿 bytes")
		h, err := b.Put(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		if h != store.Hash(data) {
			t.Fatalf("hash = %s, want %s", h, store.Hash(data))
		}
		got, err := b.Get(ctx, h)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Get = %q, %v", got, err)
		}
		if n, err := b.Size(ctx, h); err != nil || n != int64(len(data)) {
			t.Fatalf("Size = %d, %v", n, err)
		}
	})
	t.Run("PutTwice", func(t *testing.T) {
		b := open(t)
		h1, err1 := b.Put(ctx, []byte("same"))
		h2, err2 := b.Put(ctx, []byte("same"))
		if err1 != nil || err2 != nil || h1 != h2 {
			t.Fatalf("%s %v / %s %v", h1, err1, h2, err2)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		b := open(t)
		h, err := b.Put(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := b.Get(ctx, h); err != nil || len(got) != 0 {
			t.Fatalf("Get = %q, %v", got, err)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		b := open(t)
		h := store.Hash([]byte("never stored"))
		if _, err := b.Get(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get: %v, want ErrNotFound", err)
		}
		if _, err := b.Size(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Size: %v, want ErrNotFound", err)
		}
	})
	t.Run("BadHash", func(t *testing.T) {
		b := open(t)
		for _, h := range []string{"", "../../etc/passwd", "ABC", store.Hash(nil)[:63] + "G"} {
			if _, err := b.Get(ctx, h); !errors.Is(err, store.ErrBadHash) {
				t.Errorf("Get(%q): %v, want ErrBadHash", h, err)
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		b := open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				data := []byte(fmt.Sprintf("blob %d", i%4))
				h, err := b.Put(ctx, data)
				if err == nil {
					var got []byte
					got, err = b.Get(ctx, h)
					if err == nil && !bytes.Equal(got, data) {
						err = fmt.Errorf("got %q", got)
					}
				}
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
	if corrupt != nil {
		t.Run("Corrupt", func(t *testing.T) {
			b := open(t)
			h, err := b.Put(ctx, []byte("original"))
			if err != nil {
				t.Fatal(err)
			}
			corrupt(t, b, h)
			if _, err := b.Get(ctx, h); !errors.Is(err, store.ErrCorrupt) {
				t.Fatalf("Get after corruption: %v, want ErrCorrupt", err)
			}
		})
	}
}
