// Package sync is jxsync's service: it reads uploaded workbooks, recognises
// their template, extracts and validates their data, and (with a store)
// keeps and regenerates them. It depends on interfaces only; cmd/jxsync
// wires the concrete reader and stores in.
package sync

import (
	"errors"
	"fmt"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// WorkbookReader turns a workbook file's bytes into the mapping view.
// Errors name the file and say why it cannot be read (not a workbook,
// encrypted, legacy .xls, too large, empty).
type WorkbookReader interface {
	Read(name string, data []byte) (*mapping.Workbook, error)
}

// Service reads and recognises workbooks against a set of templates.
type Service struct {
	// Templates are the known template versions.
	Templates []*mapping.Template
	// Reader reads workbook files.
	Reader WorkbookReader
	// Annotator writes annotated copies (validate --annotate).
	Annotator Annotator
	// Exporter fills templates with stored data.
	Exporter Exporter
	// Reporter lays out summaries (report).
	Reporter Reporter
	// Blobs keeps the original files; Records the revisions and values.
	Blobs   store.Blobs
	Records store.Records
	// Users keeps portal accounts, sessions and reviews.
	Users store.Users
}

// Sentinel errors of the service.
var (
	// ErrUnreadable wraps every error that means a file could not be read
	// as a workbook at all.
	ErrUnreadable = errors.New("unreadable workbook")
)

// Extract reads one workbook and extracts its data. ref forces a template
// ("ID" or "ID@VERSION"); empty detects it from the labels. Errors wrap
// ErrUnreadable (the file is not a readable workbook),
// mapping.ErrUnknownTemplate (no template matches) or mapping.ErrNoTemplate
// (ref names none).
func (s *Service) Extract(name string, data []byte, ref string) (*mapping.Result, error) {
	wb, err := s.Reader.Read(name, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return s.ExtractWorkbook(wb, ref)
}

// ExtractWorkbook is Extract on an already-read workbook.
func (s *Service) ExtractWorkbook(wb *mapping.Workbook, ref string) (*mapping.Result, error) {
	var (
		t  *mapping.Template
		sh *mapping.Sheet
	)
	if ref != "" {
		var err error
		if t, err = mapping.Find(s.Templates, ref); err != nil {
			return nil, fmt.Errorf("extract %s: %w", wb.Name, err)
		}
		if sh, _ = t.SheetOf(wb); sh == nil {
			sh = wb.Sheet(t.Sheet)
		}
		if sh == nil && len(wb.Sheets) > 0 {
			sh = wb.Sheets[0]
		}
	} else {
		var err error
		if t, sh, err = mapping.Detect(wb, s.Templates); err != nil {
			return nil, fmt.Errorf("extract: %w", err)
		}
	}
	if sh == nil {
		return nil, fmt.Errorf("extract %s: %w: 工作簿没有工作表 (no sheet)", wb.Name, ErrUnreadable)
	}
	return t.Extract(wb, sh)
}
