package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	// submission's latest, or whose cells name another submission than the
	// one it was generated from; nothing is stored (use Force to store it
	// anyway).
	OutcomeConflict = "conflict"
	// OutcomeDuplicate: a form sheet that repeats the submission of an
	// earlier sheet of the same workbook; it is not stored.
	OutcomeDuplicate = "duplicate"
	// OutcomeCancelled: a file of a batch that was not tried: the batch
	// was interrupted, or stopped when the store was down (FirstError says
	// which). Run the import again.
	OutcomeCancelled = "cancelled"
)

// ImportOptions tune one import.
type ImportOptions struct {
	// By names who uploaded the file.
	By string
	// Force records a workbook generated from an older revision as a new
	// revision on top instead of reporting a conflict.
	Force bool
	// Actor is who the audit log records the import as (one entry per
	// file); empty: By, with role store.RoleCLI.
	Actor Actor
	// Action is the audit log's action of each file: store.ActionImport
	// (when empty) or store.ActionUpload.
	Action string
	// OnFile, when set, is told each file's results as soon as they are
	// final (ImportAll: in the order files finish, one call at a time), so
	// that a report can be written as the batch goes.
	OnFile func(rs []*ImportResult)
}

// ImportResult says what happened to one file.
type ImportResult struct {
	// File is the name the file was received under.
	File string `json:"path"`
	// Sheet is the sheet the form was read from (empty for a file that was
	// not read).
	Sheet string `json:"sheet,omitempty"`
	// Unit, Template, Version and Year identify its submission (empty when
	// they could not be read).
	Unit string `json:"unit"`
	// UnitCode is the code of the unit it was filed under (empty when
	// none); the audit log names units by it.
	UnitCode string `json:"-"`
	Template string `json:"template"`
	Version  string `json:"version,omitempty"`
	Year     int    `json:"year,omitempty"`
	// Outcome is imported, updated, unchanged, rejected, pending (waits
	// for a unit: OutcomePending), unreadable or failed (a store error:
	// nothing was recorded, run again).
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

// Import reads, validates and stores one received file (see ImportFile)
// and returns the result of its first form.
func (s *Service) Import(ctx context.Context, name string, data []byte, by string) (*ImportResult, error) {
	return s.ImportWith(ctx, name, data, ImportOptions{By: by})
}

// ImportWith is Import with options: the result of the file's first form
// (ImportFile gives them all).
func (s *Service) ImportWith(ctx context.Context, name string, data []byte, opts ImportOptions) (*ImportResult, error) {
	rs, err := s.ImportFile(ctx, name, data, opts)
	if len(rs) == 0 {
		return nil, err
	}
	return rs[0], err
}

// ImportFile reads, validates and stores one received file: one result per
// form (each form sheet is its own revision of its own submission, all
// pointing at the one stored original). The original goes to the blob
// store first, then the revisions of all its forms and their values in one
// transaction, so that no revision ever points at a missing blob. Forms
// with error findings are kept too (status rejected); a form whose data is
// that of its submission's latest revision is unchanged. It returns an
// error only when the stores fail (Outcome failed); a file that cannot be
// read is one result with Outcome unreadable.
//
// A workbook jxsync generated carries the submission and revision it was
// made from. Its cells decide whose form it is: when they name the same
// unit, template, year and subject, it is a new revision of that
// submission (unchanged data is unchanged, and a file made from a revision
// older than the latest is a conflict with the field-level differences,
// unless opts.Force); when they name another, that is a conflict too
// (nothing stored) and with opts.Force it is stored by its cells, with a
// warning.
func (s *Service) ImportFile(ctx context.Context, name string, data []byte, opts ImportOptions) ([]*ImportResult, error) {
	reps, err := s.ValidateForms(name, data, ReadOptions{})
	if err != nil {
		out := []*ImportResult{{File: name, Outcome: OutcomeUnreadable, FirstError: err.Error()}}
		return out, s.auditFiles(ctx, opts, out)
	}
	return s.importReports(ctx, name, data, reps, opts)
}

// importReports stores the forms of one file, already validated as reps,
// and records the file in the audit log (with its revisions, in their
// transaction, when the records store can).
func (s *Service) importReports(ctx context.Context, name string, data []byte, reps []*Report, opts ImportOptions) ([]*ImportResult, error) {
	p, err := s.prepare(ctx, name, data, reps, opts, nil)
	if err != nil {
		_ = s.auditFiles(ctx, opts, p.out) // the store failed; best effort
		return p.out, err
	}
	if len(p.nrs) == 0 {
		return p.out, s.auditFiles(ctx, opts, p.out)
	}
	hash, err := s.Blobs.Put(ctx, data)
	if err != nil {
		rs, err := p.fail(err)
		_ = s.auditFiles(ctx, opts, rs)
		return rs, err
	}
	p.setBlob(hash)
	if err := s.addAudited(ctx, opts, []*pendingFile{p}); err != nil {
		if isAudited(err) {
			return p.out, fmt.Errorf("import %s: %w", name, err)
		}
		rs, err := p.fail(err)
		_ = s.auditFiles(ctx, opts, rs)
		return rs, err
	}
	return p.out, nil
}

// pendingFile is one file's forms planned for storing: out holds a result
// per form; nrs the revisions to record, for the results irs.
type pendingFile struct {
	name string
	out  []*ImportResult
	irs  []*ImportResult
	nrs  []*store.NewRevision
}

// prepare plans the revisions of one file's forms (identity, findings,
// status, duplicates) and encodes what they store (store.NewRevision's
// Encode: the costly part of recording them, done here, before the
// transaction); forms whose result is already final (unchanged, conflict,
// duplicate) have no revision to record. bu, when not nil, is the unit
// index of the file's batch; without, the registry is read for this file.
// The error is a store failure.
func (s *Service) prepare(ctx context.Context, name string, data []byte, reps []*Report, opts ImportOptions, bu *batchUnits) (*pendingFile, error) {
	p := &pendingFile{name: name, out: make([]*ImportResult, len(reps))}
	units, err := bu.index(ctx, s)
	if err != nil {
		for i, rep := range reps {
			p.out[i] = &ImportResult{File: name, Sheet: rep.Sheet}
		}
		return p, fmt.Errorf("import %s: %w", name, err)
	}
	seen := map[string]string{} // submission key → sheet
	for i, rep := range reps {
		ir := &ImportResult{File: name, Sheet: rep.Sheet}
		p.out[i] = ir
		nr, err := s.plan(ctx, ir, rep, opts)
		if err != nil {
			return p, err
		}
		if nr == nil {
			continue
		}
		units.fileUnder(nr, ir, unitCodeOf(rep.Result))
		nr.Size = int64(len(data))
		if nr.Unit != "" {
			key := fmt.Sprintf("%s\x00%s\x00%s\x00%d\x00%s", nr.UnitCode, nr.Unit, nr.TemplateID, nr.Year, nr.Subject)
			if prev, dup := seen[key]; dup {
				ir.Outcome = OutcomeDuplicate
				ir.FirstError = fmt.Sprintf("工作表“%s”与工作表“%s”是同一份填报（单位、模板、年度%s相同），此表未保存 (sheet %q repeats the form of sheet %q; not stored)",
					rep.Sheet, prev, subjectWord(nr.Subject), rep.Sheet, prev)
				continue
			}
			seen[key] = rep.Sheet
		}
		p.nrs, p.irs = append(p.nrs, nr), append(p.irs, ir)
	}
	for _, nr := range p.nrs {
		if err := nr.Encode(); err != nil {
			// Nothing of the file can be recorded: its forms fail as
			// when its transaction would have.
			_, err := p.fail(err)
			return p, err
		}
	}
	return p, nil
}

// setBlob records the stored original's hash on every planned revision.
func (p *pendingFile) setBlob(hash string) {
	for _, nr := range p.nrs {
		nr.BlobHash = hash
	}
}

// fail marks every planned form failed on the store.
func (p *pendingFile) fail(err error) ([]*ImportResult, error) {
	for _, ir := range p.irs {
		ir.Outcome, ir.FirstError, ir.Revision = OutcomeFailed, err.Error(), 0
	}
	return p.out, fmt.Errorf("import %s: %w", p.name, err)
}

// finish sets the results of the recorded revisions.
func (p *pendingFile) finish(revs []*store.Revision, outcomes []string) {
	for i, ir := range p.irs {
		ir.Revision, ir.Outcome, ir.UnitCode = revs[i].ID, outcomes[i], revs[i].UnitCode
		if p.nrs[i].Status == store.StatusRejected && outcomes[i] != store.OutcomeUnchanged && outcomes[i] != OutcomePending {
			ir.Outcome = OutcomeRejected
		}
	}
}

// MaxNameRunes is the longest unit or project name stored: a longer one
// is a finding, never a unit.
const MaxNameRunes = 200

// badName checks an identity name read from fields: at most MaxNameRunes
// characters, no control characters. It returns the finding when it is
// not fit to be stored.
func badName(res *mapping.Result, fields []string, name, what string) (mapping.Finding, bool) {
	n := utf8.RuneCountInString(name)
	ctrl := strings.IndexFunc(name, badRune) >= 0
	if n <= MaxNameRunes && !ctrl {
		return mapping.Finding{}, true
	}
	f := mapping.Finding{Sheet: res.Sheet, Severity: mapping.SeverityError, Rule: "identity-name"}
	for _, field := range fields {
		if v, ok := res.Fields[field]; ok && v.Cell != "" {
			if _, cell, ok := strings.Cut(v.Cell, "!"); ok {
				f.Cell = cell
			}
			break
		}
	}
	shown := []rune(strings.Map(func(r rune) rune {
		if badRune(r) {
			return '�'
		}
		return r
	}, name))
	if len(shown) > 40 {
		shown = append(shown[:40], '…')
	}
	if ctrl {
		f.Message = fmt.Sprintf("%s含有控制字符，请重新输入：“%s” (name contains control characters)", what, string(shown))
	} else {
		f.Message = fmt.Sprintf("%s过长（%d 个字，最多 %d 个），请只填写名称：“%s” (name too long)", what, n, MaxNameRunes, string(shown))
	}
	return f, false
}

// badRune reports a control character, or the replacement character a
// reader puts for one (or for bytes that are no text).
func badRune(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }

// IdentityFinding is the error of a form whose unit or year could not be
// read, on its sheet, for when its findings lack validation's own (rule
// mapping.RuleIdentity, which says what to type).
func IdentityFinding(sheet string) mapping.Finding {
	return mapping.Finding{Sheet: sheet, Severity: mapping.SeverityError, Rule: "identity",
		Message: "无法确定单位名称或年度，无法归入任何填报 (unit name or year not found)"}
}

func subjectWord(subject string) string {
	if subject == "" {
		return ""
	}
	return "、项目“" + subject + "”"
}

// plan works out the revision one form becomes: its identity, findings and
// status. It returns nil when the form's result is final without storing
// anything (unchanged, conflict), with ir filled in; an error only when a
// store fails.
func (s *Service) plan(ctx context.Context, ir *ImportResult, rep *Report, opts ImportOptions) (*store.NewRevision, error) {
	t, err := mapping.Find(s.Templates, rep.Template+"@"+rep.Version)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", ir.File, err)
	}
	ir.Template, ir.Version = t.ID, t.Version
	unit, year, subject := t.Who(rep.Result)
	fp := rep.Result.Fingerprint() // costly: computed once, for generated and the revision
	findings := append([]mapping.Finding(nil), rep.Findings...)
	gen, extra, done, err := s.generated(ctx, ir, rep.Result, fp, t, unit, year, subject, opts.Force)
	if err != nil || done {
		return nil, err
	}
	findings = append(findings, extra...)
	genCode := ""
	if gen != nil {
		unit, genCode = gen.Unit, gen.UnitCode // the registered spelling of the same unit
	}
	if f, ok := badName(rep.Result, t.Identity.Unit, unit, "单位名称 (unit name)"); !ok {
		findings = append(findings, f)
		unit = ""
	}
	if f, ok := badName(rep.Result, []string{t.Identity.Subject}, subject, "项目名称 (project name)"); !ok {
		findings = append(findings, f)
		unit = ""
	}
	if unit == "" || year == 0 {
		if !mapping.HasRule(findings, mapping.RuleIdentity) { // validation says what to type, when it can
			findings = append(findings, IdentityFinding(rep.Result.Sheet))
		}
		unit = ""
	}
	ir.Unit, ir.Year = unit, year
	if unit == "" {
		genCode = ""
	}
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
	return &store.NewRevision{
		Unit: unit, UnitCode: genCode, TemplateID: t.ID, TemplateVersion: t.Version, TemplateTitle: t.Title, Year: year, Subject: subject,
		Sheet: rep.Sheet, Fingerprint: fp, FileName: ir.File,
		UploadedBy: opts.By, Status: status, Findings: findings, Result: rep.Result, TotalScore: t.Score(rep.Result),
		Met: metOf(rep.Result),
	}, nil
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
	if sw, ok := s.Blobs.(store.Sweeper); ok {
		left, err := sw.Leftovers(ctx, LeftoverAge)
		if err != nil {
			return nil, err
		}
		for _, p := range left {
			out = append(out, fmt.Sprintf("未完成写入的临时文件 (leftover of an interrupted write; `check --repair` removes it): %s", p))
		}
	}
	sort.Strings(out)
	return out, nil
}

// LeftoverAge is how old a temporary file of a blob write must be to count
// as left by an interrupted write rather than a write in progress.
const LeftoverAge = time.Hour

// RepairStore removes what interrupted writes left in the blob store
// (temporary files older than LeftoverAge) and returns what it removed.
func (s *Service) RepairStore(ctx context.Context) ([]string, error) {
	sw, ok := s.Blobs.(store.Sweeper)
	if !ok {
		return nil, nil
	}
	return sw.Sweep(ctx, LeftoverAge)
}

// generated handles a form of a workbook jxsync generated from a stored
// revision (fp is the form's res.Fingerprint). Its cells (unit, year, subject read as unit, year, subject)
// decide: when they are those of the submission its properties name, it
// returns that submission's latest revision (store the form as its next
// revision), or done when the result is final (unchanged, or a conflict
// with an older revision). When they name another submission, the form is
// a conflict (done) unless force, with which it is stored by its cells and
// extra carries a warning finding.
func (s *Service) generated(ctx context.Context, ir *ImportResult, res *mapping.Result, fp string, t *mapping.Template,
	unit string, year int, subject string, force bool) (latest *store.Revision, extra []mapping.Finding, done bool, err error) {
	sub, err1 := strconv.ParseInt(res.Props[mapping.PropSubmission], 10, 64)
	from, err2 := strconv.ParseInt(res.Props[mapping.PropRevision], 10, 64)
	if err1 != nil || err2 != nil || sub == 0 {
		return nil, nil, false, nil
	}
	if id := res.Props[mapping.PropTemplate]; id != "" && id != t.ID {
		return nil, nil, false, nil // the properties are another form's of this workbook
	}
	latest, err = s.Records.LatestOf(ctx, sub)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, false, nil // made from another store: an ordinary upload
	}
	if err != nil {
		ir.Outcome, ir.FirstError = OutcomeFailed, err.Error()
		return nil, nil, true, fmt.Errorf("import %s: %w", ir.File, err)
	}
	if latest.TemplateID != t.ID || latest.Year != year || latest.Subject != subject || !SameUnit(latest.Unit, unit) {
		msg := fmt.Sprintf("该文件由“%s”的填报（%s，%d 年%s，修订 %d）生成，但表中填写的是“%s”（%d 年%s）：以表中内容为准 "+
			"(generated from the submission of %q %d, but its cells say %q %d)",
			latest.Unit, latest.TemplateID, latest.Year, subjectWord(latest.Subject), from, orUnknown(unit), year, subjectWord(subject),
			latest.Unit, latest.Year, unit, year)
		if !force {
			ir.Outcome, ir.Unit, ir.Year = OutcomeConflict, unit, year
			ir.FirstError = msg + "；未保存，确认无误可用 --force 按表中内容保存 (not stored; --force stores it by its cells)"
			return nil, nil, true, nil
		}
		return nil, []mapping.Finding{{Sheet: res.Sheet, Severity: mapping.SeverityWarning, Rule: "identity-mismatch", Message: msg}}, false, nil
	}
	stored, err := s.Records.Data(ctx, latest.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		ir.Outcome, ir.FirstError = OutcomeFailed, err.Error()
		return nil, nil, true, fmt.Errorf("import %s: %w", ir.File, err)
	}
	ir.Unit, ir.Year = latest.Unit, latest.Year
	if stored != nil && stored.Fingerprint() == fp {
		ir.Outcome, ir.Revision = store.OutcomeUnchanged, latest.ID
		return nil, nil, true, nil
	}
	if from != latest.ID && !force {
		ir.Outcome, ir.Revision = OutcomeConflict, latest.ID
		if stored != nil {
			ir.Changes = mapping.Diff(stored, res)
		}
		ir.FirstError = fmt.Sprintf("该文件由修订 %d 生成，但库中最新修订为 %d：有 %d 处不同，未保存（可用 --force 强制保存为新修订）"+
			" (generated from revision %d, latest is %d; not stored)", from, latest.ID, len(ir.Changes), from, latest.ID)
		return nil, nil, true, nil
	}
	return latest, nil, false, nil
}

// SameUnit reports whether two unit names name the same unit: equal once
// white space and full-width forms are folded, or one is the other with a
// leading province, city or district written out ("蔡甸区救助管理站" and
// "武汉市蔡甸区救助管理站"; the shorter must still name a place).
func SameUnit(a, b string) bool {
	na, nb := mapping.NormLabel(a), mapping.NormLabel(b)
	if na == "" || nb == "" {
		return false
	}
	if na == nb {
		return true
	}
	if len(na) > len(nb) {
		na, nb = nb, na
	}
	prefix, ok := strings.CutSuffix(nb, na)
	if !ok || utf8.RuneCountInString(na) < 4 || !strings.ContainsAny(na, placeMarks) {
		return false
	}
	for _, suffix := range placeSuffixes {
		if strings.HasSuffix(prefix, suffix) {
			return true
		}
	}
	return false
}

// placeMarks are the characters that end a place name; placeSuffixes the
// endings of a leading place a unit's name may leave out.
const placeMarks = "省市区县州旗盟"

var placeSuffixes = []string{"省", "市", "区", "县", "州", "旗", "盟", "自治区", "自治州", "自治县"}

func orUnknown(s string) string {
	if s == "" {
		return "（空）"
	}
	return s
}
