package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// Import outcomes beyond those of store: a file stored with error findings,
// and a file that could not be read or recognised (not stored).
const (
	OutcomeRejected   = "rejected"
	OutcomeUnreadable = "unreadable"
	OutcomeFailed     = "failed"
	// OutcomeConflict: a workbook generated from a revision older than the
	// submission's latest; nothing is stored (use Force to store it anyway).
	OutcomeConflict = "conflict"
)

// ImportOptions tune one import.
type ImportOptions struct {
	// By names who uploaded the file.
	By string
	// Force records a workbook generated from an older revision as a new
	// revision on top instead of reporting a conflict.
	Force bool
}

// ImportResult says what happened to one file.
type ImportResult struct {
	// File is the name the file was received under.
	File string `json:"path"`
	// Unit, Template, Version and Year identify its submission (empty when
	// they could not be read).
	Unit     string `json:"unit"`
	Template string `json:"template"`
	Version  string `json:"version,omitempty"`
	Year     int    `json:"year,omitempty"`
	// Outcome is imported, updated, unchanged, rejected, unreadable or
	// failed (a store error: nothing was recorded, run again).
	Outcome string `json:"status"`
	// Revision is the stored revision's id (0 when none).
	Revision int64 `json:"revision"`
	// Errors and Warnings count the findings.
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// FirstError is the first error finding or the reason it was not stored.
	FirstError string `json:"first_error,omitempty"`
	// Changes, for a conflict, are the field-level differences between the
	// submission's latest revision and the uploaded workbook.
	Changes []mapping.Change `json:"changes,omitempty"`
}

// Import reads, validates and stores one received file: the original goes
// to the blob store first, then its revision and values in one transaction,
// so that no revision ever points at a missing blob. Files with error
// findings are kept too (status rejected). It returns an error only when
// the stores fail (Outcome failed); a file that cannot be read is a result
// with Outcome unreadable.
func (s *Service) Import(ctx context.Context, name string, data []byte, by string) (*ImportResult, error) {
	return s.ImportWith(ctx, name, data, ImportOptions{By: by})
}

// ImportWith is Import with options. A workbook jxsync generated (it carries
// the submission and revision it was made from) is recorded as a new
// revision of that submission; unchanged data is reported unchanged; and
// when it was made from a revision older than the latest, the result is a
// conflict with the field-level differences, unless opts.Force.
func (s *Service) ImportWith(ctx context.Context, name string, data []byte, opts ImportOptions) (*ImportResult, error) {
	rep, err := s.Validate(name, data, "")
	if err != nil {
		return &ImportResult{File: name, Outcome: OutcomeUnreadable, FirstError: err.Error()}, nil
	}
	return s.importValidated(ctx, name, data, rep, opts)
}

// importValidated is ImportWith for a workbook already validated as rep.
func (s *Service) importValidated(ctx context.Context, name string, data []byte, rep *Report, opts ImportOptions) (*ImportResult, error) {
	by := opts.By
	ir := &ImportResult{File: name}
	t, err := mapping.Find(s.Templates, rep.Template+"@"+rep.Version)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	ir.Template, ir.Version = t.ID, t.Version
	unit, year, subject := t.Who(rep.Result)
	if gen, done, err := s.generated(ctx, ir, rep.Result, opts.Force); err != nil || done {
		return ir, err
	} else if gen != nil {
		unit, year, subject = gen.Unit, gen.Year, gen.Subject
	}
	findings := rep.Findings
	if unit == "" || year == 0 {
		findings = append(findings, mapping.Finding{Sheet: rep.Result.Sheet, Severity: mapping.SeverityError, Rule: "identity",
			Message: "无法确定单位名称或年度，无法归入任何填报 (unit name or year not found)"})
		unit = ""
	}
	ir.Unit, ir.Year = unit, year
	status := store.StatusValid
	for _, f := range findings {
		switch f.Severity {
		case mapping.SeverityError:
			ir.Errors++
			if ir.FirstError == "" {
				ir.FirstError = f.Ref() + " " + f.Message
			}
			status = store.StatusRejected
		default:
			ir.Warnings++
			if status == store.StatusValid {
				status = store.StatusWarnings
			}
		}
	}
	hash, err := s.Blobs.Put(ctx, data)
	if err != nil {
		ir.Outcome, ir.FirstError = OutcomeFailed, err.Error()
		return ir, fmt.Errorf("import %s: %w", name, err)
	}
	rev, outcome, err := s.Records.AddRevision(ctx, &store.NewRevision{
		Unit: unit, TemplateID: t.ID, TemplateVersion: t.Version, TemplateTitle: t.Title, Year: year, Subject: subject,
		BlobHash: hash, FileName: name, Size: int64(len(data)), UploadedBy: by, Status: status,
		Findings: findings, Result: rep.Result, TotalScore: t.Score(rep.Result), Met: metOf(rep.Result),
	})
	if err != nil {
		ir.Outcome, ir.FirstError = OutcomeFailed, err.Error()
		return ir, fmt.Errorf("import %s: %w", name, err)
	}
	ir.Revision, ir.Outcome = rev.ID, outcome
	if status == store.StatusRejected && outcome != store.OutcomeUnchanged {
		ir.Outcome = OutcomeRejected
	}
	return ir, nil
}

// metOf computes, for every table row with a target and an actual, whether
// the target was met, keyed as the records store keys table rows.
func metOf(res *mapping.Result) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	add := func(path string, rows []mapping.Row) {
		for i, r := range rows {
			if met, ok := mapping.RowMet(r); ok {
				if out[path] == nil {
					out[path] = map[int]bool{}
				}
				out[path][i] = met
			}
		}
	}
	for name, rows := range res.Tables {
		add("tables."+name, rows)
	}
	for name, insts := range res.Blocks {
		for i, b := range insts {
			for tn, rows := range b.Tables {
				add(fmt.Sprintf("blocks.%s[%d].tables.%s", name, i, tn), rows)
			}
		}
	}
	return out
}

// Original returns the hash-verified bytes of a revision's original file.
func (s *Service) Original(ctx context.Context, id int64) (*store.Revision, []byte, error) {
	rev, err := s.Records.Revision(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	data, err := s.Blobs.Get(ctx, rev.BlobHash)
	if err != nil {
		return rev, nil, fmt.Errorf("original of revision %d: %w", id, err)
	}
	return rev, data, nil
}

// CheckStore verifies that every revision's blob exists and matches its hash
// and that the records are consistent; it returns what is wrong.
func (s *Service) CheckStore(ctx context.Context) ([]string, error) {
	var out []string
	probs, err := s.Records.Check(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range probs {
		out = append(out, fmt.Sprintf("revision %d: %s", p.Revision, p.Message))
	}
	blobs, err := s.Records.Blobs(ctx)
	if err != nil {
		return nil, err
	}
	for hash, revs := range blobs {
		if _, err := s.Blobs.Get(ctx, hash); err != nil {
			out = append(out, fmt.Sprintf("revisions %v: original %s: %v", revs, hash, err))
		}
	}
	sort.Strings(out)
	return out, nil
}

// generated handles a workbook jxsync generated from a stored revision. It
// returns the submission's latest revision when the upload is to be stored
// as its new revision, or done when the result is final (unchanged or
// conflict).
func (s *Service) generated(ctx context.Context, ir *ImportResult, res *mapping.Result, force bool) (*store.Revision, bool, error) {
	sub, err1 := strconv.ParseInt(res.Props[mapping.PropSubmission], 10, 64)
	from, err2 := strconv.ParseInt(res.Props[mapping.PropRevision], 10, 64)
	if err1 != nil || err2 != nil || sub == 0 {
		return nil, false, nil
	}
	latest, err := s.Records.LatestOf(ctx, sub)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil // made from another store: an ordinary upload
	}
	if err != nil {
		ir.Outcome, ir.FirstError = OutcomeFailed, err.Error()
		return nil, true, fmt.Errorf("import %s: %w", ir.File, err)
	}
	stored, err := s.Records.Data(ctx, latest.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		ir.Outcome, ir.FirstError = OutcomeFailed, err.Error()
		return nil, true, fmt.Errorf("import %s: %w", ir.File, err)
	}
	ir.Unit, ir.Year = latest.Unit, latest.Year
	if stored != nil && stored.Fingerprint() == res.Fingerprint() {
		ir.Outcome, ir.Revision = store.OutcomeUnchanged, latest.ID
		return nil, true, nil
	}
	if from != latest.ID && !force {
		ir.Outcome, ir.Revision = OutcomeConflict, latest.ID
		if stored != nil {
			ir.Changes = mapping.Diff(stored, res)
		}
		ir.FirstError = fmt.Sprintf("该文件由修订 %d 生成，但库中最新修订为 %d：有 %d 处不同，未保存（可用 --force 强制保存为新修订）"+
			" (generated from revision %d, latest is %d; not stored)", from, latest.ID, len(ir.Changes), from, latest.ID)
		return nil, true, nil
	}
	return latest, false, nil
}
