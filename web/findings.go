package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// findingLine is one line of a findings list as people read it: one
// finding, or the same finding (rule, column and message but for the row
// number) on consecutive rows of a column. Rule ids are not shown: they are
// in the JSON only.
type findingLine struct {
	Severity string
	// Cell is where to edit: "F9", or "F12–F30" for a run of rows; Href
	// links it in the form's values ("" when they do not show it).
	Cell, Href string
	// Message is in plain Chinese: without the English gloss, templates
	// named by their titles, a run's rows written 第 12–30 行.
	Message, Expected, Found string
	// Related are the other cells the finding concerns.
	Related []cellLink
	// Count is the number of findings the line stands for.
	Count int

	key      string
	col      string
	first    int
	last     int
	rowInMsg bool
	pre      string // the message before and after 第N行, when rowInMsg
	post     string
}

// cellLink is a cell and its link in the form's values.
type cellLink struct {
	Cell, Href string
}

// sheetFindings are the lines of findings on one sheet.
type sheetFindings struct {
	Sheet string
	Lines []findingLine
}

// cellRef splits an A1 reference into its column letters and row.
var cellRef = regexp.MustCompile(`^\$?([A-Z]{1,3})\$?([0-9]{1,7})$`)

// rowWord is a row named in a message: 第12行.
var rowWord = regexp.MustCompile(`^(.*?)第\s*([0-9]+)\s*行\s*(.*)$`)

// lines turns findings into the lines people read, grouped by sheet in
// order of first appearance. A finding extends the line of the same sheet,
// severity, rule, column, expected and found values whose last row is the
// row above and whose message is the same but for its row number. link
// returns the link of a cell of a sheet ("" when it is not shown).
func (s *Server) lines(fs []mapping.Finding, link func(sheet, cell string) string) []sheetFindings {
	var out []sheetFindings
	sheetIdx := map[string]int{}
	open := map[string][2]int{} // key → sheet index, line index of the line a next row extends
	for _, f := range fs {
		si, ok := sheetIdx[f.Sheet]
		if !ok {
			si = len(out)
			sheetIdx[f.Sheet] = si
			out = append(out, sheetFindings{Sheet: f.Sheet})
		}
		l := s.lineOf(f, link)
		if l.key != "" {
			if at, ok := open[l.key]; ok && at[0] == si {
				prev := &out[si].Lines[at[1]]
				if prev.last+1 == l.first {
					prev.last, prev.Count = l.first, prev.Count+1
					prev.Related = mergeLinks(prev.Related, l.Related)
					continue
				}
			}
			open[l.key] = [2]int{si, len(out[si].Lines)}
		}
		out[si].Lines = append(out[si].Lines, l)
	}
	for i := range out {
		for j := range out[i].Lines {
			l := &out[i].Lines[j]
			if l.Count < 2 {
				continue
			}
			l.Cell = fmt.Sprintf("%s%d–%s%d", l.col, l.first, l.col, l.last)
			if l.rowInMsg {
				l.Message = fmt.Sprintf("%s第 %d–%d 行 %s", l.pre, l.first, l.last, l.post)
			} else {
				l.Message = fmt.Sprintf("第 %d–%d 行：%s", l.first, l.last, l.Message)
			}
		}
	}
	return out
}

// lineOf is the line of one finding, with the key that groups it (empty
// when it has no cell to group by).
func (s *Server) lineOf(f mapping.Finding, link func(sheet, cell string) string) findingLine {
	l := findingLine{Severity: f.Severity, Cell: f.Cell, Message: s.plain(f.Message), Expected: f.Expected, Found: f.Found, Count: 1}
	if f.Cell != "" {
		l.Href = link(f.Sheet, f.Cell)
	}
	for _, r := range relatedOf(f) {
		sheet, cell := splitRef(r, f.Sheet)
		shown := cell
		if sheet != f.Sheet {
			shown = sheet + "!" + cell
		}
		l.Related = mergeLinks(l.Related, []cellLink{{Cell: shown, Href: link(sheet, cell)}})
	}
	m := cellRef.FindStringSubmatch(f.Cell)
	if m == nil {
		return l
	}
	row, _ := strconv.Atoi(m[2])
	l.col, l.first, l.last = m[1], row, row
	pattern := l.Message
	if w := rowWord.FindStringSubmatch(l.Message); w != nil && w[2] == m[2] {
		l.rowInMsg = true
		l.pre, l.post = w[1], w[3]
		pattern = w[1] + "\x00" + w[3]
	}
	l.key = strings.Join([]string{f.Sheet, f.Severity, f.Rule, m[1], pattern, f.Expected, f.Found}, "\x01")
	return l
}

// relatedOf returns the other cells a finding names (Sheet!A1 or A1).
func relatedOf(f mapping.Finding) []string { return f.Related }

// splitRef splits Sheet!A1 into sheet and cell; a bare A1 is on sheet.
func splitRef(ref, sheet string) (string, string) {
	if i := strings.LastIndexByte(ref, '!'); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	return sheet, ref
}

// mergeLinks appends the links of b not in a.
func mergeLinks(a, b []cellLink) []cellLink {
	for _, x := range b {
		dup := false
		for _, y := range a {
			dup = dup || y.Cell == x.Cell
		}
		if !dup {
			a = append(a, x)
		}
	}
	return a
}

// templateToken is a run of characters that may be a template id, with a
// version after @.
var templateToken = regexp.MustCompile(`[A-Za-z0-9_.-]+(?:@[A-Za-z0-9_.-]+)?`)

// plain rewrites a message for people: template ids (hubei-dept@2022) are
// replaced by their titles and the English glosses in ASCII parentheses
// are dropped (the JSON keeps the message as it is).
func (s *Server) plain(msg string) string {
	msg = templateToken.ReplaceAllStringFunc(msg, func(tok string) string {
		id, version, _ := strings.Cut(tok, "@")
		if !s.knownID[id] {
			return tok
		}
		if version != "" {
			return fmt.Sprintf("《%s》（%s 版）", s.titleOfVersion(id, version), version)
		}
		return "《" + s.titleOf(id) + "》"
	})
	return dropGloss(opPrefix.ReplaceAllString(msg, ""))
}

// opPrefix are the lower-case operation prefixes of wrapped errors
// ("extract: ", "read 报表.xlsx: "), which mean nothing to people.
var opPrefix = regexp.MustCompile(`^(?:[a-z]+(?: [^\s:]+)?: )+`)

// dropGloss removes the English glosses of a message: parts in ASCII
// parentheses that start with a lower-case letter and hold at least five
// characters, outside “quoted” cell text, with the spaces before them.
func dropGloss(msg string) string {
	var b strings.Builder
	rs := []rune(msg)
	quoted := 0
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '“':
			quoted++
		case r == '”' && quoted > 0:
			quoted--
		case r == '(' && quoted == 0 && i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z':
			end := -1
			for j := i + 1; j < len(rs); j++ {
				if rs[j] == '(' {
					break
				}
				if rs[j] == ')' {
					end = j
					break
				}
			}
			if end > i+5 {
				out := strings.TrimRight(b.String(), " ")
				b.Reset()
				b.WriteString(out)
				i = end
				continue
			}
		}
		b.WriteRune(rs[i])
	}
	return strings.TrimSpace(b.String())
}

// countFindings counts errors and warnings.
func countFindings(fs []mapping.Finding) (errs, warns int) {
	for _, f := range fs {
		if f.Severity == mapping.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}
