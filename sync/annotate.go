package sync

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// Annotator writes a copy of a workbook with its findings marked. The
// template package implements it.
type Annotator interface {
	// Annotate returns the annotated copy of the workbook data with each
	// finding's cells filled (red for errors, yellow for warnings) and
	// commented, and a first sheet 校验结果 listing them with links. The
	// original bytes are not modified.
	Annotate(data []byte, findings []mapping.Finding) ([]byte, error)
}

// Annotate writes the annotated copy of the workbook into dir as
// <name>.校验.xlsx, with the findings of every form in reps (each on its
// own sheet), and returns its path. The input file is never touched.
func (s *Service) Annotate(dir, name string, data []byte, reps ...*Report) (string, error) {
	if s.Annotator == nil {
		return "", fmt.Errorf("annotate %s: no annotator configured", name)
	}
	findings := []mapping.Finding{}
	for _, r := range reps {
		findings = append(findings, r.Findings...)
	}
	out, err := s.Annotator.Annotate(data, findings)
	if err != nil {
		return "", fmt.Errorf("annotate %s: %w", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("annotate %s: %w", name, err)
	}
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	path := filepath.Join(dir, base+".校验.xlsx")
	if abs, _ := filepath.Abs(path); abs == mustAbs(name) {
		return "", fmt.Errorf("annotate %s: output would overwrite the input", name)
	}
	if err := writeFileAtomic(path, out); err != nil {
		return "", fmt.Errorf("annotate %s: %w", name, err)
	}
	return path, nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// writeFileAtomic writes b to p through a temporary file, fsync and rename.
func writeFileAtomic(p string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}
