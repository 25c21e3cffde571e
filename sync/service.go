// Package sync is jxsync's service: it reads uploaded workbooks, recognises
// their template, extracts and validates their data, and (with a store)
// keeps and regenerates them. It depends on interfaces only; cmd/jxsync
// wires the concrete reader and stores in.
package sync

import (
	"errors"
	"fmt"
	"strings"

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
	// Units is the unit registry (nil: units are the names typed in
	// workbooks).
	Units store.Units
	// Audit is the audit log; nil records nothing.
	Audit store.Audit
	// Tasks keeps the 自评任务 (nil: no tasks; every unit's forms are
	// expected as before tasks).
	Tasks store.Tasks
}

// Sentinel errors of the service.
var (
	// ErrUnreadable wraps every error that means a file could not be read
	// as a workbook at all.
	ErrUnreadable = errors.New("unreadable workbook")
)

// ReadOptions say which forms of a workbook are read.
type ReadOptions struct {
	// Template forces a template ("ID" or "ID@VERSION"); empty detects each
	// sheet's template.
	Template string
	// Sheet limits reading to the sheet of that name; empty reads them all.
	Sheet string
}

// Extract reads one workbook and extracts its first form (see
// ExtractForms). ref forces a template ("ID" or "ID@VERSION"); empty
// detects it.
func (s *Service) Extract(name string, data []byte, ref string) (*mapping.Result, error) {
	forms, err := s.ExtractForms(name, data, ReadOptions{Template: ref})
	if err != nil {
		return nil, err
	}
	return forms[0], nil
}

// ExtractForms reads one workbook and extracts every form in it: each sheet
// that is a form of a known template (or of the forced one), in sheet order.
// Errors wrap ErrUnreadable (the file is not a readable workbook, or the
// named sheet is not in it), mapping.ErrUnknownTemplate (no sheet is a
// form) or mapping.ErrNoTemplate (o.Template names none).
func (s *Service) ExtractForms(name string, data []byte, o ReadOptions) ([]*mapping.Result, error) {
	wb, err := s.Reader.Read(name, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return s.ExtractWorkbookForms(wb, o)
}

// ExtractWorkbook is Extract on an already-read workbook.
func (s *Service) ExtractWorkbook(wb *mapping.Workbook, ref string) (*mapping.Result, error) {
	forms, err := s.ExtractWorkbookForms(wb, ReadOptions{Template: ref})
	if err != nil {
		return nil, err
	}
	return forms[0], nil
}

// ExtractWorkbookForms is ExtractForms on an already-read workbook.
func (s *Service) ExtractWorkbookForms(wb *mapping.Workbook, o ReadOptions) ([]*mapping.Result, error) {
	forms, err := s.forms(wb, o)
	if err != nil {
		return nil, err
	}
	out := make([]*mapping.Result, 0, len(forms))
	for _, f := range forms {
		res, err := f.Extract(wb)
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", wb.Name, err)
		}
		out = append(out, res)
	}
	return out, nil
}

// forms finds the forms of wb to read.
func (s *Service) forms(wb *mapping.Workbook, o ReadOptions) ([]mapping.Form, error) {
	if len(wb.Sheets) == 0 {
		return nil, fmt.Errorf("extract %s: %w: 工作簿没有工作表 (no sheet)", wb.Name, ErrUnreadable)
	}
	if o.Sheet != "" {
		sh := wb.Sheet(o.Sheet)
		if sh == nil {
			names := make([]string, len(wb.Sheets))
			for i, x := range wb.Sheets {
				names[i] = "“" + x.Name + "”"
			}
			return nil, fmt.Errorf("extract %s: %w: 没有名为“%s”的工作表，现有 %s (no sheet %q)",
				wb.Name, ErrUnreadable, o.Sheet, strings.Join(names, "、"), o.Sheet)
		}
		wb = &mapping.Workbook{Name: wb.Name, Sheets: []*mapping.Sheet{sh}, Props: wb.Props}
	}
	if o.Template != "" {
		t, err := mapping.Find(s.Templates, o.Template)
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", wb.Name, err)
		}
		return t.FormsOf(wb), nil
	}
	forms, err := mapping.DetectForms(wb, s.Templates)
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	return forms, nil
}
