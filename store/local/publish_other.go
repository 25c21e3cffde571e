//go:build !linux

package local

import "os"

// writeTemp writes data to a new file in dir named leftoverPrefix and a
// random suffix, fsynced when durable, and returns its path.
func writeTemp(dir string, data []byte, durable bool) (string, error) {
	f, err := os.CreateTemp(dir, leftoverPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// publish renames the temporary file tmp to the blob path p unless a file
// is there already (then it returns an error that is fs.ErrExist).
func publish(tmp, p string) error { return publishChecked(tmp, p) }
