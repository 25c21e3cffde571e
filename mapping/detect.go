package mapping

import (
	"fmt"
	"sort"
	"strings"
)

// Detection looks at a sheet's structure, not only at its text: a sheet is a
// form of a template when
//   - every Detect label stands as a cell of its own — the whole text of a
//     cell, or the start of one followed by a separator or a value
//     ("项目名称：…", "产出指标(40分)") — so that an instructions sheet
//     quoting the labels inside sentences is not a form;
//   - every table's header cells (those not optional) stand in one row, and
//     every block's start label with its tables' headers below it;
//   - no DetectAbsent label occurs on it (a look-alike form of another kind);
//   - a cell near its top matches DetectTitle, when the mapping gives one.
//
// Among the templates a sheet passes, the one with the best score wins:
// detection labels, field labels and table headers found (the more specific
// form), then the latest version of one id.

// DetectError says that a workbook matched no template, and for the closest
// ones which detection labels were missing.
type DetectError struct {
	File       string
	Candidates []Candidate
}

// Candidate is a template and what a workbook's closest sheet lacked for it.
type Candidate struct {
	Template *Template
	// Sheet is the name of the sheet that came closest.
	Sheet string
	// Missing lists the detection labels (and table headers, title pattern
	// or labels that must be absent) the sheet failed.
	Missing []string
}

// Error implements error.
func (e *DetectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: 无法识别模板 (no template matches)", e.File)
	for i, c := range e.Candidates {
		if i == 3 {
			break
		}
		fmt.Fprintf(&b, "; %s@%s 缺少标签 (missing labels): %s", c.Template.ID, c.Template.Version, strings.Join(c.Missing, "、"))
		if c.Sheet != "" {
			fmt.Fprintf(&b, "（工作表 sheet “%s”）", c.Sheet)
		}
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrUnknownTemplate) true.
func (e *DetectError) Unwrap() error { return ErrUnknownTemplate }

// Form is one sheet of a workbook recognised as (or forced to be) a form of
// one template.
type Form struct {
	Template *Template
	Sheet    *Sheet
	// Score is how well the sheet matched: labels and headers found.
	Score int
	// Missing lists the detection labels a sheet read as this form
	// lacked: it has the form's tables but a label or two was retyped
	// (Extract reports them).
	Missing []string
}

// sheetMatch is how one sheet fares against one template.
type sheetMatch struct {
	ok      bool
	score   int
	missing []string
	// labels are the detection labels missing; structure says every
	// table header (and block start) was found and nothing refused the
	// sheet (an absent label present, a title not matching).
	labels    []string
	structure bool
}

// near reports whether a sheet that fails the template is still its form
// with a label or two retyped: every table and block is there, nothing
// refuses it, and at most a third of the detection labels (at least one)
// are missing.
func (m sheetMatch) near(t *Template) bool {
	allowed := len(t.Detect) / 3
	if allowed < 1 {
		allowed = 1
	}
	return !m.ok && m.structure && len(m.labels) <= allowed && len(m.labels) < len(t.Detect)
}

// nearLabels is how many detection labels a sheet near the template (see
// sheetMatch.near) may lack.
func nearLabels(t *Template) int {
	allowed := len(t.Detect) / 3
	if allowed < 1 {
		allowed = 1
	}
	if allowed >= len(t.Detect) {
		allowed = len(t.Detect) - 1
	}
	return max(allowed, 0)
}

// labelsMissing counts the detection labels sheet s lacks, up to limit+1:
// the first test of match, cheap enough to rule most templates out
// before their tables are looked for.
func (t *Template) labelsMissing(s *Sheet, limit int) int {
	if t.compiled == nil {
		_ = t.Provision() // as match does
	}
	v := newView(s)
	n := 0
	for _, l := range t.Detect {
		if !v.hasLabelCell(v.needle(l)) {
			if n++; n > limit {
				break
			}
		}
	}
	return n
}

// Match scores sheet s against the template: ok when s is a form of it,
// else missing says what it lacks.
func (t *Template) Match(s *Sheet) (ok bool, score int, missing []string) {
	m := t.match(s)
	return m.ok, m.score, m.missing
}

func (t *Template) match(s *Sheet) sheetMatch {
	if t.compiled == nil {
		_ = t.Provision() // a template built in code; Load provisions
	}
	v := newView(s)
	var m sheetMatch
	for _, l := range t.Detect {
		if v.hasLabelCell(v.needle(l)) {
			m.score += 2
		} else {
			m.missing = append(m.missing, l)
			m.labels = append(m.labels, l)
		}
	}
	structural := len(m.missing)
	for _, l := range t.DetectAbsent {
		if v.containsText(v.needle(l)) {
			m.missing = append(m.missing, "不应含有 (must not contain) "+l)
		}
	}
	if re := t.titleRE; re != nil && !v.titleMatches(re) {
		m.missing = append(m.missing, "标题 (title) /"+t.DetectTitle+"/")
	}
	all := region{0, len(s.Rows)}
	for i := range t.Tables {
		if _, _, _, ok := v.findHeader(all, &t.Tables[i]); ok {
			m.score += 3
		} else {
			m.missing = append(m.missing, "表头 (header) "+headerList(&t.Tables[i]))
		}
	}
	for i := range t.Blocks {
		b := &t.Blocks[i]
		var starts [][2]int
		for _, hit := range v.find(all, b.Start, MatchPrefix) {
			if startsBlock(v.label(hit[0], hit[1]), b.Start) {
				starts = append(starts, hit)
			}
		}
		if len(starts) == 0 {
			m.missing = append(m.missing, b.Start[0])
			continue
		}
		m.score += 2
		below := region{starts[0][0], len(s.Rows)}
		for j := range b.Tables {
			if _, _, _, ok := v.findHeader(below, &b.Tables[j]); ok {
				m.score += 3
			} else {
				m.missing = append(m.missing, "表头 (header) "+headerList(&b.Tables[j]))
			}
		}
	}
	for _, f := range t.Fields {
		if len(f.Label) > 0 && len(v.find(all, f.Label, f.Match)) > 0 {
			m.score++
		}
	}
	m.ok = len(m.missing) == 0
	m.structure = len(m.missing) == structural
	return m
}

// hasLabelCell reports whether a cell stands for label nl (normalised): its
// whole text, or nl followed by a separator or a value in parentheses.
func (v *view) hasLabelCell(n needle) bool {
	nl := n.text
	if nl == "" {
		return false
	}
	if v.cells <= maxIndexed && len(v.findExact(region{0, len(v.norm)}, []string{nl})) > 0 {
		return true
	}
	if !v.sheetMay(n) {
		return false
	}
	for r, row := range v.norm {
		if !v.rowMay(n, r) {
			continue
		}
		sigs := v.sigs(r)
		for c, t := range row {
			if n.may(sigs[c]) && isLabelCell(t, nl) {
				return true
			}
		}
	}
	return false
}

// isLabelCell reports whether normalised cell text t is label nl standing
// on its own: equal, or nl then ":" (a value after it), "(" (a weight or a
// unit, 产出指标(40分)) or "/" ("总分/得分").
func isLabelCell(t, nl string) bool {
	if !strings.HasPrefix(t, nl) {
		return false
	}
	if len(t) == len(nl) {
		return true
	}
	switch t[len(nl)] {
	case ':', '(', '/', '[':
		return true
	}
	return false
}

// containsText reports whether any cell's normalised text contains nl.
func (v *view) containsText(n needle) bool {
	nl := n.text
	if nl == "" {
		return false
	}
	if !v.sheetMay(n) {
		return false
	}
	for r, row := range v.norm {
		if !v.rowMay(n, r) {
			continue
		}
		sigs := v.sigs(r)
		for c, t := range row {
			if n.may(sigs[c]) && strings.Contains(t, nl) {
				return true
			}
		}
	}
	return false
}

// titleRows is how many rows with text from the top DetectTitle looks at.
const titleRows = 5

// titleMatches reports whether a cell of the first titleRows rows with text
// matches re (applied to the normalised text).
func (v *view) titleMatches(re interface{ MatchString(string) bool }) bool {
	seen := 0
	for _, row := range v.norm {
		any := false
		for _, t := range row {
			if t == "" {
				continue
			}
			any = true
			if re.MatchString(t) {
				return true
			}
		}
		if any {
			if seen++; seen >= titleRows {
				break
			}
		}
	}
	return false
}

// DetectForms returns every form of wb: each sheet that passes a template
// of ts, read as the best-scoring one. Sheets that are no form (a cover,
// instructions, data lists) are left out. When no sheet is a form, the
// error is a *DetectError naming, for the nearest templates, what their
// closest sheet lacks.
func DetectForms(wb *Workbook, ts []*Template) ([]Form, error) {
	var forms []Form
	near := map[*Template]Candidate{}
	nearScore := map[*Template]float64{}
	for _, s := range wb.Sheets {
		var best *Form
		for _, t := range ts {
			// A template whose detection label is missing does not pass:
			// it is matched in full only for the error (below).
			if t.labelsMissing(s, 0) > 0 {
				continue
			}
			m := t.match(s)
			if !m.ok {
				continue
			}
			if best == nil || better(t, m.score, best.Template, best.Score) {
				best = &Form{Template: t, Sheet: s, Score: m.score}
			}
		}
		if best == nil {
			// No template passes: a sheet with every table of a form and
			// all but a label or two is still that form, read with the
			// missing labels reported rather than silently skipped.
			for _, t := range ts {
				if t.labelsMissing(s, nearLabels(t)) > nearLabels(t) {
					continue // too many labels missing to be near
				}
				if m := t.match(s); m.near(t) && (best == nil || better(t, m.score, best.Template, best.Score)) {
					best = &Form{Template: t, Sheet: s, Score: m.score, Missing: m.labels}
				}
			}
		}
		if best != nil {
			forms = append(forms, *best)
		}
	}
	if len(forms) > 0 {
		dropSigs(wb.Sheets...)
		return visibleFirst(forms), nil
	}
	// No sheet passes any template: what each template's closest sheet
	// lacks.
	for _, s := range wb.Sheets {
		for _, t := range ts {
			m := t.match(s)
			if m.ok {
				continue
			}
			frac := float64(len(m.missing)) / float64(len(t.Detect)+len(t.Tables)+len(t.Blocks)+1)
			if c, seen := near[t]; !seen || frac < nearScore[t] || (frac == nearScore[t] && len(m.missing) < len(c.Missing)) {
				near[t], nearScore[t] = Candidate{Template: t, Sheet: s.Name, Missing: m.missing}, frac
			}
		}
	}
	dropSigs(wb.Sheets...)
	cands := make([]Candidate, 0, len(near))
	for _, t := range ts {
		if c, ok := near[t]; ok {
			cands = append(cands, c)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return nearScore[cands[i].Template] < nearScore[cands[j].Template] })
	if len(cands) == 0 {
		for _, t := range ts {
			cands = append(cands, Candidate{Template: t, Missing: append([]string(nil), t.Detect...)})
		}
	}
	return nil, &DetectError{File: wb.Name, Candidates: cands}
}

// visibleFirst drops the forms on hidden sheets (an old copy kept out of
// sight) when some form is on a visible sheet.
func visibleFirst(forms []Form) []Form {
	var visible []Form
	for _, f := range forms {
		if !f.Sheet.Hidden {
			visible = append(visible, f)
		}
	}
	if len(visible) == 0 {
		return forms
	}
	return visible
}

// better reports whether template a with score sa beats b with sb for one
// sheet: a higher score, then more detection labels, then for one id the
// later version.
func better(a *Template, sa int, b *Template, sb int) bool {
	if sa != sb {
		return sa > sb
	}
	if len(a.Detect) != len(b.Detect) {
		return len(a.Detect) > len(b.Detect)
	}
	return a.ID == b.ID && a.Version > b.Version
}

// Detect returns the first form of wb (see DetectForms): its template and
// sheet.
func Detect(wb *Workbook, ts []*Template) (*Template, *Sheet, error) {
	forms, err := DetectForms(wb, ts)
	if err != nil {
		return nil, nil, err
	}
	return forms[0].Template, forms[0].Sheet, nil
}

// FormsOf returns the sheets of wb to read as template t (a template forced
// by the user): every sheet that passes it, or else the one that comes
// closest (it is read anyway, and what does not resolve is reported).
func (t *Template) FormsOf(wb *Workbook) []Form {
	var (
		forms []Form
		best  *Form
		bestM sheetMatch
	)
	for _, s := range wb.Sheets {
		m := t.match(s)
		if m.ok {
			forms = append(forms, Form{Template: t, Sheet: s, Score: m.score})
			continue
		}
		if best == nil || len(m.missing) < len(bestM.missing) || (len(m.missing) == len(bestM.missing) && m.score > bestM.score) {
			best, bestM = &Form{Template: t, Sheet: s, Score: m.score}, m
		}
	}
	if len(forms) == 0 && best != nil {
		if named := wb.Sheet(t.Sheet); named != nil && len(t.match(named).missing) <= len(bestM.missing) {
			best.Sheet = named
		}
		forms = append(forms, *best)
	}
	dropSigs(wb.Sheets...)
	return forms
}

// SheetOf returns the sheet of wb that holds this template's form, the
// first that passes it, and nil with the labels the closest sheet lacks
// when none does.
func (t *Template) SheetOf(wb *Workbook) (s *Sheet, missing []string) {
	var best []string
	first := true
	for _, sh := range wb.Sheets {
		m := t.match(sh)
		if m.ok {
			return sh, nil
		}
		if first || len(m.missing) < len(best) {
			best, first = m.missing, false
		}
	}
	if first {
		best = append(best, t.Detect...)
	}
	return nil, best
}

// Find returns the template named by ref, "ID" (latest version) or
// "ID@VERSION".
func Find(ts []*Template, ref string) (*Template, error) {
	id, ver, _ := strings.Cut(ref, "@")
	var best *Template
	for _, t := range ts {
		if t.ID != id || (ver != "" && t.Version != ver) {
			continue
		}
		if best == nil || t.Version > best.Version {
			best = t
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoTemplate, ref)
	}
	return best, nil
}

// Extract reads the form: Template.Extract on its sheet, with a problem for
// each detection label the sheet lacked.
func (f Form) Extract(wb *Workbook) (*Result, error) {
	res, err := f.Template.Extract(wb, f.Sheet)
	if err != nil {
		return nil, err
	}
	for _, l := range f.Missing {
		res.Problems = append(res.Problems, Problem{Code: "detect-label-missing", Path: "detect",
			Message: fmt.Sprintf("工作表“%s”缺少本表的标签“%s”，按 %s 读取，请核对表样 (detection label not found; read as %s@%s)",
				f.Sheet.Name, l, f.Template.Title, f.Template.ID, f.Template.Version)})
	}
	return res, nil
}
