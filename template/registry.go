package template

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/jxsync/jxsync/mapping"
)

// Registry is the set of template versions known to jxsync, each with its
// blank workbook.
type Registry struct {
	// Templates lists every version, sorted by id then version.
	Templates []*mapping.Template
	fsys      fs.FS
	dirs      map[*mapping.Template]string
}

// LoadRegistry loads every <id>/<version>/mapping.yaml of fsys and checks it
// against the template.xlsx beside it: every label, header and block start
// of the mapping must be found there. All problems of all files are
// reported together, each naming its file and key.
func LoadRegistry(fsys fs.FS) (*Registry, error) {
	files, err := fs.Glob(fsys, "*/*/mapping.yaml")
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	reg := &Registry{fsys: fsys, dirs: map[*mapping.Template]string{}}
	var errs []error
	for _, name := range files {
		t, err := loadChecked(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		reg.Templates = append(reg.Templates, t)
		reg.dirs[t] = path.Dir(name)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(reg.Templates, func(i, j int) bool {
		a, b := reg.Templates[i], reg.Templates[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Version < b.Version
	})
	return reg, nil
}

func loadChecked(fsys fs.FS, name string) (*mapping.Template, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	t, err := mapping.Load(name, src)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(name)
	if want := path.Join(t.ID, t.Version); dir != want {
		return nil, fmt.Errorf("load mapping %s: id/version say %s, folder is %s", name, want, dir)
	}
	xlsx := path.Join(dir, "template.xlsx")
	b, err := fs.ReadFile(fsys, xlsx)
	if err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	wb, err := Read(xlsx, b, Limits{})
	if err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	if err := Check(t, wb); err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	return t, nil
}

// Check reports every binding of t that does not resolve in wb (the blank
// template): missing detection labels, labels, headers and block starts.
// Patterns that do not match blank cells are not errors.
func Check(t *mapping.Template, wb *mapping.Workbook) error {
	s, missing := t.SheetOf(wb)
	if s == nil {
		return fmt.Errorf("detect: labels not in %s: %v", wb.Name, missing)
	}
	res, err := t.Extract(wb, s)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range res.Problems {
		if p.Code == "pattern-no-match" {
			continue
		}
		errs = append(errs, fmt.Errorf("%s: %s (in %s)", p.Path, p.Message, wb.Name))
	}
	return errors.Join(errs...)
}

// Blank returns the blank template.xlsx of t.
func (r *Registry) Blank(t *mapping.Template) ([]byte, error) {
	b, err := fs.ReadFile(r.fsys, path.Join(r.dirs[t], "template.xlsx"))
	if err != nil {
		return nil, fmt.Errorf("blank template %s@%s: %w", t.ID, t.Version, err)
	}
	return b, nil
}

// Examples returns the paths (within the registry's file system) of the
// filled example workbooks of t.
func (r *Registry) Examples(t *mapping.Template) []string {
	m, _ := fs.Glob(r.fsys, path.Join(r.dirs[t], "examples", "*.xlsx"))
	return m
}

// FS returns the file system the registry was loaded from.
func (r *Registry) FS() fs.FS { return r.fsys }
