// Package local is the default blob store: a folder on disk, one file per
// blob under <dir>/<hash[0:2]>/<hash>.
package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store"
)

var (
	_ store.Blobs    = (*Blobs)(nil)
	_ store.Sweeper  = (*Blobs)(nil)
	_ store.Deferred = (*Blobs)(nil)
)

// Blobs is a folder of content-addressed files.
type Blobs struct {
	dir string
}

// Open returns the blob store in dir, creating the folder when missing.
func Open(dir string) (*Blobs, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open blob folder: %w", err)
	}
	return &Blobs{dir: dir}, nil
}

func (b *Blobs) path(hash string) string { return filepath.Join(b.dir, hash[:2], hash) }

// Put implements store.Blobs: a temporary file in the target folder, fsync,
// rename, fsync of the folder.
func (b *Blobs) Put(ctx context.Context, data []byte) (string, error) {
	return b.put(ctx, data, true)
}

// PutDeferred implements store.Deferred: Put without the fsyncs, which
// Flush does for many blobs at once.
func (b *Blobs) PutDeferred(ctx context.Context, data []byte) (string, error) {
	if os.Getenv("JX_PUT") == "old" {
		return b.putOld(ctx, data, false)
	}
	return b.put(ctx, data, false)
}

// Flush implements store.Deferred: one sync of the file system where the
// platform has it (Linux syncfs), else an fsync of every blob and folder.
func (b *Blobs) Flush(ctx context.Context, hashes []string) error {
	if len(hashes) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("flush blobs: %w", err)
	}
	if ok, err := syncFS(b.dir); ok {
		if err != nil {
			return fmt.Errorf("flush blobs: %w", err)
		}
		return nil
	}
	dirs := map[string]bool{}
	for _, h := range hashes {
		p := b.path(h)
		if err := syncPath(p); err != nil {
			return fmt.Errorf("flush blob %s: %w", h, err)
		}
		dirs[filepath.Dir(p)] = true
	}
	for d := range dirs {
		if err := syncPath(d); err != nil {
			return fmt.Errorf("flush blob folder %s: %w", d, err)
		}
	}
	return nil
}

// syncPath fsyncs a file or folder.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err // folders cannot be synced on some platforms (ErrInvalid)
	}
	return nil
}

// put writes a blob through a temporary file (named with leftoverPrefix, so
// that one a killed write leaves is found) and a rename that does not
// replace a blob already there; durable says whether to fsync the file and
// its folder. A blob already there is kept when it holds data, else (it
// was damaged) replaced.
func (b *Blobs) put(ctx context.Context, data []byte, durable bool) (string, error) {
	hash := store.Hash(data)
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	p := b.path(hash)
	dir := filepath.Dir(p)
	// The folder usually exists: it is made only when creating the
	// temporary file in it finds it missing.
	tmp, err := writeTemp(dir, data, durable)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			tmp, err = writeTemp(dir, data, durable)
		}
	}
	if err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	err = publish(tmp, p)
	if errors.Is(err, fs.ErrExist) {
		if old, rerr := os.ReadFile(p); rerr == nil && bytes.Equal(old, data) {
			os.Remove(tmp)
			return hash, nil // stored before
		}
		err = os.Rename(tmp, p) // a damaged blob: replace it
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	if durable {
		if d, err := os.Open(dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return hash, nil
}

// publishChecked is publish where the platform cannot rename without
// replacing: a check that p is missing, then a rename (a blob written in
// between by another writer holds the same data, so replacing it is safe).
func publishChecked(tmp, p string) error {
	if _, err := os.Lstat(p); err == nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: p, Err: fs.ErrExist}
	}
	return os.Rename(tmp, p)
}

// put writes a blob through a temporary file and a rename; durable says
// whether to fsync the file and its folder.
func (b *Blobs) putOld(ctx context.Context, data []byte, durable bool) (string, error) {
	hash := store.Hash(data)
	p := b.path(hash)
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return hash, nil
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	dir := filepath.Dir(p)
	// The folder usually exists: it is made only when creating the
	// temporary file in it finds it missing.
	tmp, err := os.CreateTemp(dir, leftoverPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			tmp, err = os.CreateTemp(dir, leftoverPrefix+"*")
		}
	}
	if err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	renamed := false
	defer func() {
		if !renamed {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return "", fmt.Errorf("put blob %s: %w", hash, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	renamed = true
	if durable {
		if d, err := os.Open(dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return hash, nil
}

// Get implements store.Blobs.
func (b *Blobs) Get(_ context.Context, hash string) ([]byte, error) {
	if !store.ValidHash(hash) {
		return nil, fmt.Errorf("get blob %q: %w", hash, store.ErrBadHash)
	}
	data, err := os.ReadFile(b.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("get blob %s: %w", hash, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, err)
	}
	if store.Hash(data) != hash {
		return nil, fmt.Errorf("get blob %s: %w", hash, store.ErrCorrupt)
	}
	return data, nil
}

// Size implements store.Blobs.
func (b *Blobs) Size(_ context.Context, hash string) (int64, error) {
	if !store.ValidHash(hash) {
		return 0, fmt.Errorf("stat blob %q: %w", hash, store.ErrBadHash)
	}
	st, err := os.Stat(b.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("stat blob %s: %w", hash, store.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("stat blob %s: %w", hash, err)
	}
	return st.Size(), nil
}

// leftoverPrefix starts the name of a blob being written; a file with it
// that stays is what a killed write left.
const leftoverPrefix = ".put-"

// Leftovers implements store.Sweeper: the temporary files of interrupted
// writes last modified more than olderThan ago (a younger one may be a
// write in progress).
func (b *Blobs) Leftovers(ctx context.Context, olderThan time.Duration) ([]string, error) {
	var out []string
	cutoff := time.Now().Add(-olderThan)
	err := filepath.WalkDir(b.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), leftoverPrefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // finished meanwhile
			}
			return err
		}
		if info.ModTime().Before(cutoff) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list leftovers: %w", err)
	}
	return out, nil
}

// Sweep implements store.Sweeper: it removes the Leftovers and returns
// them.
func (b *Blobs) Sweep(ctx context.Context, olderThan time.Duration) ([]string, error) {
	files, err := b.Leftovers(ctx, olderThan)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range files {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove leftover %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// List returns the hashes of every blob in the folder, sorted (temporary
// files of writes in progress are not blobs).
func (b *Blobs) List(ctx context.Context) ([]string, error) {
	var out []string
	err := filepath.WalkDir(b.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == b.dir {
				return fs.SkipAll // an empty store has no folder yet
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.IsDir() && store.ValidHash(d.Name()) && filepath.Base(filepath.Dir(p)) == d.Name()[:2] {
			out = append(out, d.Name())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list blobs: %w", err)
	}
	sort.Strings(out)
	return out, nil
}
