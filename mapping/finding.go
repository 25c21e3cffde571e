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
	// Rule is the id of the check (or a built-in reading rule: required,
	// type, binding, table-gap).
	Rule string `json:"rule"`
	// Message explains it in Chinese (English may follow).
	Message string `json:"message"`
	// Expected and Found, when the rule compares, say what was expected and
	// what the workbook holds.
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
	// Related lists other cells (Sheet!A1) the finding concerns.
	Related []string `json:"related,omitempty"`
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
