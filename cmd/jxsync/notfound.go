package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// revisionHint says where revision numbers are listed.
const revisionHint = "修订号见 jxsync history 单位名称 (revision numbers: jxsync history UNIT)"

// parseRevision reads a REVISION argument.
func parseRevision(arg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || id <= 0 {
		return 0, &exitError{code: exitFailure, err: fmt.Errorf("修订号应为正整数，而不是“%s” (a revision is a number)；%s", arg, revisionHint)}
	}
	return id, nil
}

// lookupRevision reads a REVISION argument and returns the stored revision,
// or an error naming the number when there is none.
func lookupRevision(ctx context.Context, svc *sync.Service, arg string) (*store.Revision, error) {
	id, err := parseRevision(arg)
	if err != nil {
		return nil, err
	}
	rev, err := svc.Records.Revision(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("库中没有修订 %d (no revision %d)；%s", id, id, revisionHint)}
	}
	return rev, err
}

// unitNotFound is the error for a unit the store has no submission of,
// suggesting the stored units whose names are nearest.
func unitNotFound(ctx context.Context, svc *sync.Service, unit string) error {
	latest, err := svc.Records.Latest(ctx, "")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var units []string
	for _, r := range latest {
		if r.Unit != "" && !seen[r.Unit] {
			seen[r.Unit] = true
			units = append(units, r.Unit)
		}
	}
	return &exitError{code: exitFailure, err: errors.New(noUnitMessage(unit, nearNames(unit, units)))}
}

// noUnitMessage says that unit has no submission and suggests near.
func noUnitMessage(unit string, near []string) string {
	if len(near) == 0 {
		return fmt.Sprintf("没有单位“%s”的填报 (no submission of this unit)；库中的单位见 jxsync sql \"SELECT DISTINCT unit FROM submission_status\"", unit)
	}
	q := make([]string, len(near))
	for i, n := range near {
		q[i] = "“" + n + "”"
	}
	return fmt.Sprintf("没有单位“%s”，是否指%s？(no such unit; did you mean %s?)", unit, strings.Join(q, "或"), strings.Join(near, ", "))
}

// nearNames returns up to three of names nearest to name: first those that
// contain it or that it contains (武汉市蔡甸区救助管理站 for 蔡甸区救助管理站),
// then those within an edit distance of a quarter of its length (a
// character mistyped or left out), nearest first. Names are compared with white space
// and full-width forms folded.
func nearNames(name string, names []string) []string {
	n := mapping.NormLabel(name)
	if n == "" {
		return nil
	}
	type cand struct {
		name string
		rank int // 0 containment, then 1 + edit distance
	}
	var cands []cand
	limit := max(1, utf8.RuneCountInString(n)/4)
	for _, c := range names {
		nc := mapping.NormLabel(c)
		switch {
		case nc == "" || nc == n:
		case strings.Contains(nc, n) || strings.Contains(n, nc) && utf8.RuneCountInString(nc) >= 2:
			cands = append(cands, cand{c, 0})
		default:
			if d := levenshtein.ComputeDistance(n, nc); d <= limit {
				cands = append(cands, cand{c, 1 + d})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].rank != cands[j].rank {
			return cands[i].rank < cands[j].rank
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for i := 0; i < len(cands) && i < 3; i++ {
		out = append(out, cands[i].name)
	}
	return out
}

// noSubmissionError is the error for a unit, year and template the store
// has no submission of: it names what is stored instead — the unit's other
// years and templates, or the units of near names.
func noSubmissionError(ctx context.Context, svc *sync.Service, unit string, year int, template string) error {
	latest, err := svc.Records.Latest(ctx, "")
	if err != nil {
		return err
	}
	var have []string
	seen := map[string]bool{}
	var units []string
	for _, r := range latest {
		if r.Unit == unit {
			have = append(have, fmt.Sprintf("%d 年度 %s", r.Year, r.TemplateID))
		}
		if r.Unit != "" && !seen[r.Unit] {
			seen[r.Unit] = true
			units = append(units, r.Unit)
		}
	}
	msg := fmt.Sprintf("库中没有“%s” %d 年度的 %s 填报 (no stored submission)", unit, year, template)
	switch {
	case len(have) > 0:
		sort.Strings(have)
		msg += "；该单位有：" + strings.Join(have, "、")
	case seen[unit]:
	default:
		msg += "；" + noUnitMessage(unit, nearNames(unit, units))
	}
	return &exitError{code: exitFailure, err: errors.New(msg)}
}

// templateError names the known templates when err is a template that does
// not exist; other errors are returned as they are.
func templateError(svc *sync.Service, ref string, err error) error {
	if !errors.Is(err, mapping.ErrNoTemplate) {
		return err
	}
	seen := map[string]bool{}
	var known []string
	for _, t := range svc.Templates {
		if !seen[t.ID] {
			seen[t.ID] = true
			known = append(known, fmt.Sprintf("%s（%s）", t.ID, t.Title))
		}
	}
	sort.Strings(known)
	return &exitError{code: exitFailure, err: fmt.Errorf("没有模板“%s” (no such template)；可用的模板：%s；各版本见 jxsync templates list",
		ref, strings.Join(known, "、"))}
}
