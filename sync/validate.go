package sync

import (
	"fmt"

	"github.com/jxsync/jxsync/mapping"
)

// Report is the validation of one form of a workbook.
type Report struct {
	// File is the workbook's name.
	File string `json:"file"`
	// Sheet is the sheet the form was read from.
	Sheet string `json:"sheet"`
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

// Validate reads, recognises and extracts a workbook, then checks its first
// form against its template's rules (see ValidateForms).
func (s *Service) Validate(name string, data []byte, ref string) (*Report, error) {
	reps, err := s.ValidateForms(name, data, ReadOptions{Template: ref})
	if err != nil {
		return nil, err
	}
	return reps[0], nil
}

// ValidateForms reads a workbook and checks every form in it against its
// template's rules: one report per form, in sheet order. Each report also
// warns of what the workbook holds beside its forms (packageFindings:
// macros, external links). Errors are those of ExtractForms: a workbook
// that is read has reports, whatever their findings.
func (s *Service) ValidateForms(name string, data []byte, o ReadOptions) ([]*Report, error) {
	wb, forms, err := s.readForms(name, data, o)
	if err != nil {
		return nil, err
	}
	// The checks see the extraction only: the sheets (of a consolidated
	// sheet, tens of megabytes) are let go before them, the package kept.
	pkg := &mapping.Workbook{Macros: wb.Macros, ExternalLinks: wb.ExternalLinks}
	out := make([]*Report, 0, len(forms))
	for _, res := range forms {
		r, err := s.check(name, res)
		if err != nil {
			return nil, err
		}
		addPackageFindings(r, pkg)
		out = append(out, r)
	}
	return out, nil
}

// check validates one extracted form.
func (s *Service) check(name string, res *mapping.Result) (*Report, error) {
	t, err := mapping.Find(s.Templates, res.Template+"@"+res.Version)
	if err != nil {
		return nil, fmt.Errorf("validate %s: %w", name, err)
	}
	r := &Report{File: name, Sheet: res.Sheet, Template: res.Template, Version: res.Version, Result: res, Findings: t.Check(res)}
	if r.Findings == nil {
		r.Findings = []mapping.Finding{}
	}
	r.count()
	return r, nil
}

// count sets Errors and Warnings from Findings.
func (r *Report) count() {
	r.Errors, r.Warnings = 0, 0
	for _, f := range r.Findings {
		if f.Severity == mapping.SeverityError {
			r.Errors++
		} else {
			r.Warnings++
		}
	}
}

// template returns the template a report was made with.
func (s *Service) template(r *Report) (*mapping.Template, error) {
	return mapping.Find(s.Templates, r.Template+"@"+r.Version)
}
