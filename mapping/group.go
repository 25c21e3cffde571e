package mapping

import (
	"fmt"
	"regexp"
	"strconv"
)

// FindingGroup is findings people read as one line: the same rule and
// message on consecutive rows of one column ("第12–30行 分值 为空，请填写"),
// or a finding alone. JSON output keeps one finding per cell; the console
// and the portal show groups.
type FindingGroup struct {
	// Sheet, Rule and Severity are those of every finding of the group.
	Sheet    string `json:"sheet"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	// Cell is the first finding's cell (A1), where to start editing; empty
	// when the findings have none.
	Cell string `json:"cell,omitempty"`
	// Cells is the range of the group's cells, "F12" or "F12:F30" (as Excel
	// writes a range); empty when the findings have no cell.
	Cells string `json:"cells,omitempty"`
	// FirstRow and LastRow are the sheet rows (1-based) the group spans; 0
	// when the findings have no cell.
	FirstRow int `json:"first_row,omitempty"`
	LastRow  int `json:"last_row,omitempty"`
	// Message is the findings' message, its leading 第N行 written for the
	// rows of the group: "第12–30行 分值 为空，请填写 (…)".
	Message string `json:"message"`
	// Findings are the group's findings, in order.
	Findings []Finding `json:"findings"`
}

// Ref returns Sheet!Cells, or the sheet alone.
func (g FindingGroup) Ref() string {
	if g.Cells == "" {
		return g.Sheet
	}
	return g.Sheet + "!" + g.Cells
}

// Rows is the rows of the group as people read them: 第12行, 第12–30行;
// empty when the findings have no cell.
func (g FindingGroup) Rows() string {
	switch {
	case g.FirstRow == 0:
		return ""
	case g.FirstRow == g.LastRow:
		return fmt.Sprintf("第%d行", g.FirstRow)
	}
	return fmt.Sprintf("第%d–%d行", g.FirstRow, g.LastRow)
}

// rowPrefix matches the 第N行 a message of a table row starts with.
var rowPrefix = regexp.MustCompile(`^第(\d+)行`)

// GroupFindings groups findings for people: a finding joins the group
// before it of the same sheet, rule, severity and column whose last row is
// the row above, when their messages are equal once their leading 第N行
// (the finding's own row) is set aside. A gap, another column or another
// message starts a new group; a finding without a cell is a group of its
// own. Groups are in the order of their first findings.
func GroupFindings(fs []Finding) []FindingGroup {
	type key struct {
		sheet, rule, severity, col, rest string
		led                              bool
	}
	var out []FindingGroup
	open := map[key]int{} // the latest group of each key
	for _, f := range fs {
		c, r, ok := cellParts(f.Cell)
		if !ok {
			out = append(out, FindingGroup{Sheet: f.Sheet, Rule: f.Rule, Severity: f.Severity,
				Message: f.Message, Findings: []Finding{f}})
			continue
		}
		rest, led := f.Message, false // led: the message starts with its own row
		if m := rowPrefix.FindStringSubmatch(f.Message); m != nil && m[1] == strconv.Itoa(r) {
			rest, led = f.Message[len(m[0]):], true
		}
		k := key{f.Sheet, f.Rule, f.Severity, c, rest, led}
		if i, ok := open[k]; ok && out[i].LastRow == r-1 {
			g := &out[i]
			g.LastRow = r
			g.Cells = fmt.Sprintf("%s:%s%d", g.Cell, c, r)
			g.Findings = append(g.Findings, f)
			if led {
				g.Message = g.Rows() + rest
			}
			continue
		}
		open[k] = len(out)
		out = append(out, FindingGroup{Sheet: f.Sheet, Rule: f.Rule, Severity: f.Severity, Cell: f.Cell, Cells: f.Cell,
			FirstRow: r, LastRow: r, Message: f.Message, Findings: []Finding{f}})
	}
	return out
}

// cellParts splits an A1 reference into its column letters and row.
func cellParts(ref string) (col string, row int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		i++
	}
	if i == 0 || i == len(ref) {
		return "", 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 {
		return "", 0, false
	}
	return ref[:i], row, true
}
