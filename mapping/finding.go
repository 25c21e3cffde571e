package mapping

// Severity of a finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Finding is one thing a validation found wrong with a workbook, placed at
// the cell where the agency typed it.
type Finding struct {
	// Sheet and Cell locate it (Cell is A1-style, empty when the cell could
	// not be found).
	Sheet string `json:"sheet"`
	Cell  string `json:"cell,omitempty"`
	// Severity is error or warning.
	Severity string `json:"severity"`
	// Rule is the id of the check, or of a reading rule (reading.go):
	// identity, required, binding, type, table-gap, formula-no-value,
	// detect-label-missing. People read the Message; the rule is for JSON.
	Rule string `json:"rule"`
	// Message says in plain Chinese what is wrong, naming the cell by its
	// caption (第12行 分值), and what to do, followed by a short English
	// gloss in parentheses: "第12行 分值 为空，请填写 (required cell is empty)".
	Message string `json:"message"`
	// Expected and Found, when the rule compares, say what was expected and
	// what the workbook holds.
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
	// Related lists other cells (Sheet!A1) the finding concerns when Cell
	// is the cell to edit and not the value that broke the rule: a missed
	// target's reason finding is at the reason cell, the indicator's 实际完成值
	// related.
	Related []string `json:"related,omitempty"`
}

// RuleIdentity is the rule of the finding that a form's unit or year
// cannot be read: it cannot be filed under any submission.
const RuleIdentity = "identity"

// HasRule reports whether any finding is of rule.
func HasRule(fs []Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// Ref returns Sheet!Cell, or the sheet alone.
func (f Finding) Ref() string {
	if f.Cell == "" {
		return f.Sheet
	}
	return f.Sheet + "!" + f.Cell
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}
