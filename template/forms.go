package template

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Form is the code that lays out one template version's sheet.
type Form struct {
	// ID and Version name the template version, as in its mapping.yaml.
	ID, Version string
	// Sheet is the sheet's name.
	Sheet string
	// Title is the document title written to the workbook's properties.
	Title string
	// Landscape prints the sheet across the page.
	Landscape bool
	// layout writes the form; d is nil for the blank template.
	layout func(w *sheetWriter, d *Data)
	// styles, when not nil, defines the styles layout adds to the shared
	// ones (see defineStyles), in the order layout adds them.
	styles func(w *sheetWriter)
}

// Forms are the official forms jxsync ships, one per template version.
var Forms = []*Form{hubeiDept2022, nationalDept2024, nationalProject2020, minsheng2020, hubeiDept2023, hunanDept2025}

// FindForm returns the form of template id at version.
func FindForm(id, version string) (*Form, error) {
	for _, f := range Forms {
		if f.ID == id && f.Version == version {
			return f, nil
		}
	}
	return nil, fmt.Errorf("find form %s@%s: no such form", id, version)
}

// Build lays the form out in a new workbook, filled with d (nil: blank).
func (fm *Form) Build(d *Data) (*excelize.File, error) {
	b, err := fm.base()
	if err != nil {
		return nil, fmt.Errorf("build %s@%s: %w", fm.ID, fm.Version, err)
	}
	f, w, err := b.open(fm.Sheet)
	if err != nil {
		return nil, fmt.Errorf("build %s@%s: %w", fm.ID, fm.Version, err)
	}
	fm.layout(w, d)
	w.printForm(fm.Landscape)
	if err := w.done(); err != nil {
		f.Close()
		return nil, fmt.Errorf("build %s@%s: %w", fm.ID, fm.Version, err)
	}
	b.detach(f)
	return f, nil
}

// BuildBytes is Build written to .xlsx bytes.
func (fm *Form) BuildBytes(d *Data) ([]byte, error) {
	f, err := fm.Build(d)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("build %s@%s: write: %w", fm.ID, fm.Version, err)
	}
	return b.Bytes(), nil
}

// WriteAll writes every form's blank template.xlsx into dir/<id>/<version>/
// and, for each examples/<name>.yaml there, the filled examples/<name>.xlsx.
// only, when not empty, limits it to the form of that template id. It
// returns the paths written.
func WriteAll(dir, only string) ([]string, error) {
	var written []string
	for _, fm := range Forms {
		if only != "" && fm.ID != only {
			continue
		}
		vdir := filepath.Join(dir, fm.ID, fm.Version)
		if err := os.MkdirAll(vdir, 0o755); err != nil {
			return written, fmt.Errorf("write templates: %w", err)
		}
		b, err := fm.BuildBytes(nil)
		if err != nil {
			return written, err
		}
		p := filepath.Join(vdir, "template.xlsx")
		if err := writeFileAtomic(p, b); err != nil {
			return written, err
		}
		written = append(written, p)
		examples, err := fs.Glob(os.DirFS(vdir), "examples/*.yaml")
		if err != nil {
			return written, err
		}
		sort.Strings(examples)
		for _, e := range examples {
			src, err := os.ReadFile(filepath.Join(vdir, e))
			if err != nil {
				return written, fmt.Errorf("write templates: %w", err)
			}
			d, err := ParseData(filepath.Join(vdir, e), src)
			if err != nil {
				return written, err
			}
			b, err := fm.BuildBytes(d)
			if err != nil {
				return written, fmt.Errorf("%s: %w", e, err)
			}
			p := filepath.Join(vdir, strings.TrimSuffix(e, path.Ext(e))+".xlsx")
			if err := writeFileAtomic(p, b); err != nil {
				return written, err
			}
			written = append(written, p)
		}
	}
	return written, nil
}

// writeFileAtomic writes b to p through a temporary file and a rename, so
// that p is never half-written.
func writeFileAtomic(p string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
