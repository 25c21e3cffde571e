package local

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFS flushes the whole file system holding dir with one syncfs(2):
// every blob written since, with its folder entry. ok is always true here.
func syncFS(dir string) (ok bool, err error) {
	f, err := os.Open(dir)
	if err != nil {
		return true, err
	}
	defer f.Close()
	return true, unix.Syncfs(int(f.Fd()))
}
