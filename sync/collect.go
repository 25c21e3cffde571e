package sync

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Source is one workbook to import: a file, or an entry of a .zip archive.
type Source struct {
	// Name is the file's path, or archive.zip!entry for an archive entry.
	Name string
	// Read returns its bytes.
	Read func() ([]byte, error)
}

// CollectLimits bounds what is read from archives.
type CollectLimits struct {
	// MaxEntryBytes is the largest archive entry read (default 50 MiB).
	MaxEntryBytes int64
	// MaxArchiveBytes is the most read from one archive in all (default 2 GiB).
	MaxArchiveBytes int64
}

func (l CollectLimits) withDefaults() CollectLimits {
	if l.MaxEntryBytes <= 0 {
		l.MaxEntryBytes = 50 << 20
	}
	if l.MaxArchiveBytes <= 0 {
		l.MaxArchiveBytes = 2 << 30
	}
	return l
}

// workbookExt reports whether a name looks like a workbook jxsync reads.
func workbookExt(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".xlsx", ".xlsm", ".xls":
		return true
	}
	return false
}

// Collect expands paths — files, folders (recursively), glob patterns and
// .zip archives of workbooks — into sources, in a stable order. What cannot
// be used (a missing path, an archive entry with an unsafe name, a nested
// archive, an entry too large) is returned as an unreadable result with the
// reason; hidden files and Office lock files (~$…) are passed over.
func Collect(paths []string, lim CollectLimits) ([]Source, []*ImportResult) {
	lim = lim.withDefaults()
	var srcs []Source
	var bad []*ImportResult
	refuse := func(name, why string) {
		bad = append(bad, &ImportResult{File: name, Outcome: OutcomeUnreadable, FirstError: why})
	}
	seen := map[string]bool{}
	addFile := func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		if strings.EqualFold(filepath.Ext(p), ".zip") {
			s, b := collectZip(p, lim)
			srcs, bad = append(srcs, s...), append(bad, b...)
			return
		}
		p2 := p
		srcs = append(srcs, Source{Name: p, Read: func() ([]byte, error) { return os.ReadFile(p2) }})
	}
	for _, arg := range paths {
		matches := []string{arg}
		// A path that exists is taken as named, even with [ or * in it.
		if _, err := os.Lstat(arg); err != nil && strings.ContainsAny(arg, "*?[") {
			m, err := filepath.Glob(arg)
			if err != nil || len(m) == 0 {
				refuse(arg, "没有匹配的文件 (no file matches)")
				continue
			}
			// * matches hidden and Office lock files too: pass them over.
			matches = m[:0]
			for _, p := range m {
				if base := filepath.Base(p); !strings.HasPrefix(base, ".") && !strings.HasPrefix(base, "~$") {
					matches = append(matches, p)
				}
			}
		}
		for _, p := range matches {
			st, err := os.Stat(p)
			if err != nil {
				refuse(p, fmt.Sprintf("无法读取 (cannot read): %v", err))
				continue
			}
			if !st.IsDir() {
				addFile(p)
				continue
			}
			var files []string
			filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
				if err != nil {
					refuse(fp, fmt.Sprintf("无法读取 (cannot read): %v", err))
					return nil
				}
				base := d.Name()
				if fp != p && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "~$")) {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.IsDir() && (workbookExt(base) || strings.EqualFold(filepath.Ext(base), ".zip")) {
					files = append(files, fp)
				}
				return nil
			})
			sort.Strings(files)
			for _, f := range files {
				addFile(f)
			}
		}
	}
	return srcs, bad
}

// collectZip lists the workbooks inside an archive, refusing unsafe entries.
func collectZip(p string, lim CollectLimits) ([]Source, []*ImportResult) {
	var srcs []Source
	var bad []*ImportResult
	refuse := func(name, why string) {
		bad = append(bad, &ImportResult{File: name, Outcome: OutcomeUnreadable, FirstError: why})
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		refuse(p, fmt.Sprintf("不是有效的zip压缩包 (not a valid zip archive): %v", err))
		return nil, bad
	}
	// The archive stays open for the reads; it is closed when the process ends.
	var declared uint64
	for _, zf := range zr.File {
		name := p + "!" + zf.Name
		switch {
		case zf.FileInfo().IsDir():
			continue
		case !safeEntryName(zf.Name):
			refuse(name, "压缩包内的文件名不安全（绝对路径或 ..），已拒绝 (unsafe path in archive)")
			continue
		case strings.HasPrefix(path.Base(zf.Name), ".") || strings.HasPrefix(path.Base(zf.Name), "~$") || strings.HasPrefix(zf.Name, "__MACOSX/"):
			continue
		case isArchive(zf.Name):
			refuse(name, "不支持压缩包内嵌套压缩包，请解压后再导入 (nested archives are not imported)")
			continue
		case !workbookExt(zf.Name):
			continue
		case zf.UncompressedSize64 > uint64(lim.MaxEntryBytes):
			refuse(name, fmt.Sprintf("文件过大 (entry too large: %d bytes)", zf.UncompressedSize64))
			continue
		}
		declared += zf.UncompressedSize64
		if declared > uint64(lim.MaxArchiveBytes) {
			refuse(name, "压缩包解压后过大，其余文件未导入 (archive expands beyond the limit)")
			break
		}
		zf := zf
		srcs = append(srcs, Source{Name: name, Read: func() ([]byte, error) { return readEntry(zf, lim.MaxEntryBytes) }})
	}
	return srcs, bad
}

// readEntry reads an archive entry, never more than max bytes whatever its
// header claims.
func readEntry(zf *zip.File, max int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	n, err := io.Copy(&b, io.LimitReader(rc, max+1))
	if err != nil {
		// archive/zip stops at the declared size: a bomb lying about its
		// size ends here too.
		return nil, fmt.Errorf("压缩包内的文件损坏或大于其声明的大小 (archive entry corrupt or larger than declared): %w", err)
	}
	if n > max {
		return nil, fmt.Errorf("文件过大 (entry expands beyond %d bytes)", max)
	}
	return b.Bytes(), nil
}

// safeEntryName refuses absolute names, drive letters, backslashes and any
// .. element.
func safeEntryName(n string) bool {
	if n == "" || strings.HasPrefix(n, "/") || strings.Contains(n, "\\") || (len(n) > 1 && n[1] == ':') {
		return false
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return false
		}
	}
	return true
}

func isArchive(n string) bool {
	switch strings.ToLower(path.Ext(n)) {
	case ".zip", ".rar", ".7z", ".gz", ".tar", ".tgz":
		return true
	}
	return false
}
