package sync

import (
	"fmt"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// Rules of the findings about what a workbook holds beside its forms.
const (
	// RuleMacro is the warning that a workbook holds macros: they are
	// ignored, and the copies jxsync writes do not carry them.
	RuleMacro = "macro"
	// RuleExternalLink is the warning that a workbook links to other
	// workbooks: the linked values are those last saved in it.
	RuleExternalLink = "external-link"
)

// readForms is ExtractForms, returning the workbook read too.
func (s *Service) readForms(name string, data []byte, o ReadOptions) (*mapping.Workbook, []*mapping.Result, error) {
	wb, err := s.Reader.Read(name, data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	forms, err := s.ExtractWorkbookForms(wb, o)
	return wb, forms, err
}

// packageFindings are the warnings about what wb holds beside the form of
// sheet: macros, external links.
func packageFindings(wb *mapping.Workbook, sheet string) []mapping.Finding {
	var out []mapping.Finding
	if wb.Macros {
		out = append(out, mapping.Finding{Sheet: sheet, Severity: mapping.SeverityWarning, Rule: RuleMacro,
			Message: "工作簿含有宏，已忽略；请另存为不含宏的 .xlsx 后上传 (the workbook contains macros, which are ignored: save it as a macro-free .xlsx)"})
	}
	if len(wb.ExternalLinks) > 0 {
		out = append(out, mapping.Finding{Sheet: sheet, Severity: mapping.SeverityWarning, Rule: RuleExternalLink,
			Message: "工作簿链接了其他文件（" + strings.Join(wb.ExternalLinks, "、") + "），链接的数值不会更新；请在 Excel 中断开链接（数据→编辑链接→断开链接）后上传 " +
				"(the workbook links to other files; their values are as last saved: break the links before uploading)",
			Found: strings.Join(wb.ExternalLinks, "; ")})
	}
	return out
}

// addPackageFindings adds the package findings of wb to a form's report.
func addPackageFindings(r *Report, wb *mapping.Workbook) {
	if fs := packageFindings(wb, r.Sheet); len(fs) > 0 {
		r.Findings = append(r.Findings, fs...)
		r.count()
	}
}
