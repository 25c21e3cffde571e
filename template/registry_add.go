package template

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/jxsync/jxsync/mapping"
)

// addedDir is the folder of the registry's file system that holds the
// blank workbooks of versions added with Add (a name no template id can
// have: ids are lower-case letters, digits and dashes).
const addedDir = "_added"

// Add adds template version t, with its blank workbook, to the registry
// (a version kept in the store, `jxsync templates add`): t must resolve in
// blank, as LoadRegistry checks every version, and its id and version must
// not be known yet. Blank(t) then returns blank.
func (r *Registry) Add(t *mapping.Template, blank []byte) error {
	if _, err := mapping.Find(r.Templates, t.ID+"@"+t.Version); err == nil {
		return fmt.Errorf("add template %s@%s: 已有此模板版本 (already known)", t.ID, t.Version)
	}
	wb, err := Read("template.xlsx", blank, Limits{})
	if err != nil {
		return fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, err)
	}
	if err := Check(t, wb); err != nil {
		return fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, err)
	}
	ov, ok := r.fsys.(*overlayFS)
	if !ok {
		ov = &overlayFS{base: r.fsys, files: map[string][]byte{}}
		r.fsys = ov
	}
	if r.dirs == nil {
		r.dirs = map[*mapping.Template]string{}
	}
	dir := path.Join(addedDir, t.ID, t.Version)
	ov.files[path.Join(dir, "template.xlsx")] = blank
	r.dirs[t] = dir
	r.Templates = append(r.Templates, t)
	sort.SliceStable(r.Templates, func(i, j int) bool {
		a, b := r.Templates[i], r.Templates[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Version < b.Version
	})
	return nil
}

// Added reports whether t was added with Add rather than loaded with the
// registry's folder.
func (r *Registry) Added(t *mapping.Template) bool {
	return strings.HasPrefix(r.dirs[t], addedDir+"/")
}

// overlayFS is a file system with some files held in memory over another.
type overlayFS struct {
	base  fs.FS
	files map[string][]byte
}

// Open implements fs.FS.
func (o *overlayFS) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		return &memFile{name: path.Base(name), r: bytes.NewReader(b), size: int64(len(b))}, nil
	}
	if o.base == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.base.Open(name)
}

// memFile is a file of an overlayFS.
type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f.name, f.size}, nil }

// memInfo describes a memFile.
type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
