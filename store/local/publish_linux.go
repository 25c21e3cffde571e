package local

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// writeTemp writes data to a new file in dir named leftoverPrefix and a
// random suffix, fsynced when durable, and returns its path. It uses the
// system calls directly: an os.File would add four fcntl and an epoll_ctl
// to each blob (trying to make a regular file pollable).
func writeTemp(dir string, data []byte, durable bool) (string, error) {
	var p string
	var fd int
	var err error
	for range 100 {
		p = filepath.Join(dir, leftoverPrefix+strconv.FormatUint(rand.Uint64(), 36))
		fd, err = unix.Open(p, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
		if !errors.Is(err, unix.EEXIST) && !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return "", &os.PathError{Op: "create", Path: p, Err: err}
	}
	if err := writeClose(fd, data, durable); err != nil {
		os.Remove(p)
		return "", &os.PathError{Op: "write", Path: p, Err: err}
	}
	return p, nil
}

// writeClose writes data to fd, fsyncs it when durable and closes it.
func writeClose(fd int, data []byte, durable bool) error {
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			unix.Close(fd)
			return err
		}
		data = data[n:]
	}
	if durable {
		if err := unix.Fsync(fd); err != nil {
			unix.Close(fd)
			return err
		}
	}
	return unix.Close(fd)
}

// publish renames the temporary file tmp to the blob path p unless a file
// is there already (then it returns an error that is fs.ErrExist). One
// renameat2(2) with RENAME_NOREPLACE does both (os.Rename would Lstat p
// first too); a file system without it falls back to publishChecked.
func publish(tmp, p string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, p, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return &os.LinkError{Op: "rename", Old: tmp, New: p, Err: os.ErrExist}
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		return publishChecked(tmp, p)
	}
	return &os.LinkError{Op: "rename", Old: tmp, New: p, Err: err}
}
