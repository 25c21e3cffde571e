package sync

import (
	"fmt"

	"github.com/jxsync/jxsync/mapping"
)

// Report is the validation of one workbook.
type Report struct {
	// File is the workbook's name.
	File string `json:"file"`
	// Template and Version identify the template it was read with.
	Template string `json:"template"`
	Version  string `json:"version"`
	// Findings are in rule order.
	Findings []mapping.Finding `json:"findings"`
	// Errors and Warnings count the findings by severity.
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Result is the extraction the findings are about.
	Result *mapping.Result `json:"-"`
}

// Validate reads, recognises and extracts a workbook, then checks it
// against its template's rules. Errors are those of Extract: a workbook that
// is read has a Report, whatever its findings.
func (s *Service) Validate(name string, data []byte, ref string) (*Report, error) {
	res, err := s.Extract(name, data, ref)
	if err != nil {
		return nil, err
	}
	t, err := mapping.Find(s.Templates, res.Template+"@"+res.Version)
	if err != nil {
		return nil, fmt.Errorf("validate %s: %w", name, err)
	}

	r := &Report{File: name, Template: res.Template, Version: res.Version, Result: res, Findings: t.Check(res)}
	if r.Findings == nil {
		r.Findings = []mapping.Finding{}
	}
	for _, f := range r.Findings {
		if f.Severity == mapping.SeverityError {
			r.Errors++
		} else {
			r.Warnings++
		}
	}
	return r, nil
}

// template returns the template a report was made with.
func (s *Service) template(r *Report) (*mapping.Template, error) {
	return mapping.Find(s.Templates, r.Template+"@"+r.Version)
}
