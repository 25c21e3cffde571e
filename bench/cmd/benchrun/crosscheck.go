package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	gosync "sync"

	"github.com/jxsync/jxsync/template"
)

// crosscheck reads every workbook of the corpus with both of template.Read's
// paths (template.CheckReadPaths): the one-pass reader the throughput is
// measured with must read each as the excelize path does. It fails listing
// the first workbooks read differently.
func crosscheck(corpus string) error {
	if _, err := manifest(corpus); err != nil {
		return err
	}
	var files []string
	err := filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".xlsx") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	var (
		mu         gosync.Mutex
		fast, next int
		differ     []string
		wg         gosync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(files) {
					return
				}
				data, err := os.ReadFile(files[i])
				var read bool
				if err == nil {
					read, err = template.CheckReadPaths(filepath.Base(files[i]), data, template.Limits{})
				}
				mu.Lock()
				if read {
					fast++
				}
				if err != nil {
					differ = append(differ, oneLine(files[i]+": "+err.Error()))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	logf("%d workbooks, %d read by the one-pass reader, %d read differently", len(files), fast, len(differ))
	if len(differ) > 0 {
		return fmt.Errorf("%w in %d workbooks, first:\n%s", template.ErrPathsDiffer, len(differ), strings.Join(differ[:min(len(differ), 10)], "\n"))
	}
	if len(files) == 0 {
		return errors.New("no workbook in the corpus")
	}
	return nil
}

// oneLine cuts s to its first line, of at most 300 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
