package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// RegenResult is one stored submission carried over to a template version.
type RegenResult struct {
	// Revision is the submission's latest revision, the one regenerated.
	Revision *store.Revision
	// Unit, Year and Subject identify the submission.
	Unit    string
	Year    int
	Subject string
	// Template is the template id; From the version of the stored data, To
	// the version it was carried over to.
	Template, From, To string
	// Data is the workbook of version To filled with the carried data and
	// marked with the submission's identity (nil when Err is set).
	Data []byte
	// Result is the carried data the workbook was filled with.
	Result *mapping.Result
	// Notes list the stored values the new version has no place for
	// (dropped by its upgrade section, or lost), one line each.
	Notes []string
	// Err says why this submission could not be regenerated.
	Err error
}

// FileName is the name a regenerated workbook is written under:
// <unit>[-<subject>]-<year>-<template>-<version>.xlsx, with characters that
// are not safe in file names replaced by _.
func (r *RegenResult) FileName() string {
	parts := []string{r.Unit}
	if r.Subject != "" {
		parts = append(parts, r.Subject)
	}
	parts = append(parts, fmt.Sprint(r.Year), r.Template, r.To)
	return safeFileName(strings.Join(parts, "-")) + ".xlsx"
}

// safeFileName replaces path separators, characters Windows refuses and
// control characters by _, and trims dots and spaces at the ends.
func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, ". ")
	if s == "" {
		s = "_"
	}
	return s
}

// RegenProgress is told about each submission as Regenerate goes.
type RegenProgress func(done, total int, r *RegenResult)

// Regenerate carries every matching stored submission over to the template
// version templateRef names ("ID@VERSION", or "ID" for the latest): the
// latest revision of each submission of that template id, limited to year
// (0: all years) and units (none: all). Each submission's stored data is
// upgraded version by version along the upgrade.from chain up to the
// target (mapping.Template.UpgradeResult), and the target's form is filled
// with it and marked with the identity properties of the source revision
// (with the new version), so that the workbook, filled in and uploaded
// again, is recorded as a new revision of the same submission. A
// submission that cannot be regenerated has Err set; the error returned is
// for the template or the store as a whole.
func (s *Service) Regenerate(ctx context.Context, templateRef string, year int, units []string, progress RegenProgress) ([]RegenResult, error) {
	t, revs, err := s.submissions(ctx, "regenerate", templateRef, year, units)
	if err != nil {
		return nil, err
	}
	out := make([]RegenResult, 0, len(revs))
	for i, rev := range revs {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("regenerate %s@%s: %w", t.ID, t.Version, err)
		}
		out = append(out, s.regenerate(ctx, t, rev))
		if progress != nil {
			progress(i+1, len(revs), &out[len(out)-1])
		}
	}
	return out, nil
}

// submissions resolves templateRef and lists the latest revisions of its
// submissions for year and units.
func (s *Service) submissions(ctx context.Context, op, templateRef string, year int, units []string) (*mapping.Template, []*store.Revision, error) {
	t, err := mapping.Find(s.Templates, templateRef)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	if s.Records == nil || s.Exporter == nil {
		return nil, nil, fmt.Errorf("%s %s@%s: no store or exporter configured", op, t.ID, t.Version)
	}
	latest, err := s.Records.Latest(ctx, t.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s@%s: %w", op, t.ID, t.Version, err)
	}
	want := map[string]bool{}
	for _, u := range units {
		want[strings.TrimSpace(u)] = true
	}
	var revs []*store.Revision
	for _, rev := range latest {
		if (year != 0 && rev.Year != year) || (len(want) > 0 && !want[rev.Unit]) {
			continue
		}
		revs = append(revs, rev)
	}
	return t, revs, nil
}

// regenerate carries one revision's data over to t and exports it.
func (s *Service) regenerate(ctx context.Context, t *mapping.Template, rev *store.Revision) RegenResult {
	r := RegenResult{Revision: rev, Unit: rev.Unit, Year: rev.Year, Subject: rev.Subject,
		Template: t.ID, From: rev.TemplateVersion, To: t.Version}
	fail := func(err error) RegenResult {
		r.Err = fmt.Errorf("regenerate revision %d (%s %d) onto %s@%s: %w", rev.ID, rev.Unit, rev.Year, t.ID, t.Version, err)
		return r
	}
	res, err := s.Records.Data(ctx, rev.ID)
	if errors.Is(err, store.ErrNotFound) {
		return fail(fmt.Errorf("库中没有该修订的数据 (no stored data): %w", err))
	}
	if err != nil {
		return fail(err)
	}
	up, notes, err := Upgrade(s.Templates, res, t)
	if err != nil {
		return fail(err)
	}
	r.Result, r.Notes = up, notes
	props := Props(rev, up)
	props[mapping.PropVersion] = t.Version
	if r.Data, err = s.Exporter.Export(t, up, props); err != nil {
		return fail(err)
	}
	return r
}

// Upgrade carries res, extracted with some version of t's template, over
// to t: through every version between them along the upgrade.from chain
// (2021 → 2022 → 2023), collecting the notes of each step. Data of t's own
// version is returned as it is; data of a later version, or of a version
// the chain does not reach, is an error.
func Upgrade(ts []*mapping.Template, res *mapping.Result, t *mapping.Template) (*mapping.Result, []string, error) {
	if res.Template != t.ID {
		return nil, nil, fmt.Errorf("upgrade to %s@%s: data is of template %s", t.ID, t.Version, res.Template)
	}
	chain := []*mapping.Template{t}
	for cur := t; cur.Version != res.Version; {
		from := cur.Upgrade.From
		if from == "" || len(chain) > len(ts) {
			return nil, nil, fmt.Errorf("upgrade to %s@%s: 没有从 %s 版升级的路径 (no upgrade path from version %s)", t.ID, t.Version, res.Version, res.Version)
		}
		prev, err := mapping.Find(ts, cur.ID+"@"+from)
		if err != nil {
			return nil, nil, fmt.Errorf("upgrade to %s@%s: version %s (upgrade.from of %s): %w", t.ID, t.Version, from, cur.Version, err)
		}
		chain = append(chain, prev)
		cur = prev
	}
	out := res
	var notes []string
	for i := len(chain) - 2; i >= 0; i-- {
		next, n, err := chain[i].UpgradeResult(out)
		if err != nil {
			return nil, nil, err
		}
		out = next
		notes = append(notes, n...)
	}
	return out, notes, nil
}

// RevalResult is a stored submission checked against a template version.
type RevalResult struct {
	RegenResult
	// Report holds the findings of the regenerated workbook (nil when Err
	// is set).
	Report *Report
}

// Revalidate checks every stored submission of templateRef's template (the
// latest revision of each, limited to year; 0: all) against that version's
// rules: it regenerates each onto the version and validates the workbook
// read back, so that the findings point at the cells of the new layout and
// cover what the new version requires and the stored data lacks (a new
// required field, the new columns of a table: rows carried over have no
// such value at all, which only a read of the filled form reports).
func (s *Service) Revalidate(ctx context.Context, templateRef string, year int) ([]RevalResult, error) {
	if s.Reader == nil {
		return nil, fmt.Errorf("revalidate %s: no workbook reader configured", templateRef)
	}
	regen, err := s.Regenerate(ctx, templateRef, year, nil, nil)
	out := make([]RevalResult, 0, len(regen))
	for _, r := range regen {
		rv := RevalResult{RegenResult: r}
		if r.Err == nil {
			rep, verr := s.Validate(r.FileName(), r.Data, r.Template+"@"+r.To)
			if verr != nil {
				rv.Err = fmt.Errorf("revalidate revision %d (%s %d): %w", r.Revision.ID, r.Unit, r.Year, verr)
			} else {
				rv.Report = rep
			}
		}
		out = append(out, rv)
	}
	return out, err
}
