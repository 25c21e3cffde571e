//go:build !linux

package local

// syncFS is not available here: ok false makes Flush fsync each blob.
func syncFS(string) (ok bool, err error) { return false, nil }
