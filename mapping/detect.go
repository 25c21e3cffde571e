package mapping

import (
	"fmt"
	"sort"
	"strings"
)

// DetectError says that a workbook matched no template, and for the closest
// ones which detection labels were missing.
type DetectError struct {
	File       string
	Candidates []Candidate
}

// Candidate is a template and the detection labels a workbook lacked.
type Candidate struct {
	Template *Template
	Missing  []string
}

// Error implements error.
func (e *DetectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: 无法识别模板 (no template matches)", e.File)
	for i, c := range e.Candidates {
		if i == 2 {
			break
		}
		fmt.Fprintf(&b, "; %s@%s 缺少标签 (missing labels): %s", c.Template.ID, c.Template.Version, strings.Join(c.Missing, "、"))
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrUnknownTemplate) true.
func (e *DetectError) Unwrap() error { return ErrUnknownTemplate }

// Sheet returns the sheet of wb that holds this template's form: the sheet
// named t.Sheet if every detection label is on it, else the first sheet on
// which every one is. missing lists the labels absent from the best sheet.
func (t *Template) SheetOf(wb *Workbook) (s *Sheet, missing []string) {
	best := -1
	order := make([]*Sheet, 0, len(wb.Sheets))
	if named := wb.Sheet(t.Sheet); named != nil {
		order = append(order, named)
	}
	order = append(order, wb.Sheets...)
	for _, sh := range order {
		miss := t.missingOn(sh)
		if len(miss) == 0 {
			return sh, nil
		}
		if best < 0 || len(miss) < best {
			best, missing = len(miss), miss
		}
	}
	if best < 0 {
		missing = append(missing, t.Detect...)
	}
	return nil, missing
}

func (t *Template) missingOn(s *Sheet) []string {
	var miss []string
	norm, _ := s.normalized()
	for _, l := range t.Detect {
		nl := NormLabel(l)
		found := false
	rows:
		for _, row := range norm {
			for _, c := range row {
				if c != "" && strings.Contains(c, nl) {
					found = true
					break rows
				}
			}
		}
		if !found {
			miss = append(miss, l)
		}
	}
	return miss
}

// Detect returns the template of wb among ts and the sheet holding it. When
// several match, the one with the most detection labels wins (the more
// specific form), then the latest version.
func Detect(wb *Workbook, ts []*Template) (*Template, *Sheet, error) {
	var (
		bt    *Template
		bs    *Sheet
		cands []Candidate
	)
	for _, t := range ts {
		s, miss := t.SheetOf(wb)
		if s == nil {
			cands = append(cands, Candidate{t, miss})
			continue
		}
		if bt == nil || len(t.Detect) > len(bt.Detect) ||
			(len(t.Detect) == len(bt.Detect) && t.ID == bt.ID && t.Version > bt.Version) {
			bt, bs = t, s
		}
	}
	if bt != nil {
		return bt, bs, nil
	}
	sort.SliceStable(cands, func(i, j int) bool {
		fi := float64(len(cands[i].Missing)) / float64(len(cands[i].Template.Detect))
		fj := float64(len(cands[j].Missing)) / float64(len(cands[j].Template.Detect))
		return fi < fj
	})
	return nil, nil, &DetectError{File: wb.Name, Candidates: cands}
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
