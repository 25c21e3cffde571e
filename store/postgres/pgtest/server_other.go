//go:build !linux

package pgtest

import "errors"

// start is supported on Linux only (Debian's packaged binaries).
func start([]string) (*Server, error) {
	return nil, errors.New("starting PostgreSQL is supported on Linux only")
}
