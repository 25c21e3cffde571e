package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"

	"github.com/jxsync/jxsync/sync"
)

// importReport is an import's --report file, written as the batch goes:
// truncated when the import starts, then the lines of each file as soon as
// its outcome is final, flushed, so that an interrupted or killed import
// leaves the report of what it did. CSV (with the BOM, text cells that
// start with = + - @ tab or CR quoted so that a spreadsheet never runs
// them) or, for a .json name, a JSON list.
type importReport struct {
	mu   gosync.Mutex
	path string
	f    *os.File
	csv  *csv.Writer
	json bool
	n    int
	err  error
}

// reportHeader names the report's columns.
var reportHeader = []string{"path", "sheet", "unit", "template", "year", "status", "revision", "errors", "warnings", "first_error"}

// openReport creates (or truncates) the report file at path.
func openImportReport(path string) (*importReport, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("write report: %w", err)
	}
	r := &importReport{path: path, f: f, json: strings.EqualFold(filepath.Ext(path), ".json")}
	if r.json {
		_, err = f.WriteString("[")
	} else if r.csv, err = newCSVFile(f); err == nil {
		err = r.csv.Write(reportHeader)
		r.csv.Flush()
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("write report: %w", err)
	}
	return r, nil
}

// add writes the lines of one file's results.
func (r *importReport) add(rs []*sync.ImportResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	for _, x := range rs {
		if r.json {
			b, err := json.MarshalIndent(x, "  ", "  ")
			if err != nil {
				r.err = err
				return
			}
			sep := ",\n  "
			if r.n == 0 {
				sep = "\n  "
			}
			if _, err := r.f.WriteString(sep + string(b)); err != nil {
				r.err = err
				return
			}
		} else {
			rec := sync.CSVSafeRecord([]string{x.File, x.Sheet, x.Unit, x.Template})
			rec = append(rec, strconv.Itoa(x.Year), x.Outcome, strconv.FormatInt(x.Revision, 10), strconv.Itoa(x.Errors),
				strconv.Itoa(x.Warnings), sync.CSVSafe(x.FirstError))
			if err := r.csv.Write(rec); err != nil {
				r.err = err
				return
			}
		}
		r.n++
	}
	if r.csv != nil {
		r.csv.Flush()
		r.err = r.csv.Error()
	}
}

// close ends the report and says what went wrong writing it.
func (r *importReport) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && r.json {
		end := "]\n"
		if r.n > 0 {
			end = "\n]\n"
		}
		_, r.err = r.f.WriteString(end)
	}
	if err := r.f.Close(); r.err == nil {
		r.err = err
	}
	if r.err != nil {
		return fmt.Errorf("write report %s: %w", r.path, r.err)
	}
	return nil
}
