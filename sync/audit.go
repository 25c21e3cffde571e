package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jxsync/jxsync/store"
)

// Actor is who does what the audit log records: an account with its role,
// or for the CLI the --by name or the OS user with role store.RoleCLI.
type Actor struct {
	Name string
	Role string
	// Address is the client's address; empty takes the request's (see
	// WithAddress), empty for the CLI.
	Address string
}

// addressKey keys the client address in a context.
type addressKey struct{}

// WithAddress returns ctx carrying the client address of the request it
// serves: entries recorded with it name that address.
func WithAddress(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addressKey{}, addr)
}

// AddressOf returns the client address WithAddress put in ctx ("" when none).
func AddressOf(ctx context.Context) string {
	a, _ := ctx.Value(addressKey{}).(string)
	return a
}

// UserActor is the actor of a signed-in account, from the address of ctx.
func UserActor(ctx context.Context, u *store.User) Actor {
	if u == nil {
		return Actor{Address: AddressOf(ctx)}
	}
	return Actor{Name: u.Name, Role: u.Role, Address: AddressOf(ctx)}
}

// entry is the audit entry of a by a, its address defaulting to ctx's.
func entry(ctx context.Context, a Actor, action, unit string, revision int64, detail string) *store.AuditEntry {
	if a.Address == "" {
		a.Address = AddressOf(ctx)
	}
	return &store.AuditEntry{Actor: a.Name, Role: a.Role, Address: a.Address, Action: action,
		UnitCode: unit, Revision: revision, Detail: detail}
}

// Record appends one entry to the audit log: a (action, one of the
// store.Action constants) on unit (its code; empty when none) and revision (0 when none), detail saying
// what for people. Without an audit log (s.Audit nil) it does nothing.
func (s *Service) Record(ctx context.Context, a Actor, action, unit string, revision int64, detail string) error {
	if s.Audit == nil {
		return nil
	}
	if err := s.Audit.Append(ctx, entry(ctx, a, action, unit, revision, detail)); err != nil {
		return fmt.Errorf("record %s: %w", action, err)
	}
	return nil
}

// importActor is who an import is recorded as: opts.Actor, or the By name
// as the CLI.
func (o ImportOptions) importActor() Actor {
	a := o.Actor
	if a.Name == "" {
		a.Name = o.By
		if a.Name == "" {
			a.Name = "import"
		}
	}
	if a.Role == "" {
		a.Role = store.RoleCLI
	}
	return a
}

// importAction is the action an import is recorded as.
func (o ImportOptions) importAction() string {
	if o.Action != "" {
		return o.Action
	}
	return store.ActionImport
}

// fileEntry is the audit entry of one received file (one row per file,
// whatever its forms' outcomes): the unit and revision of its first form
// that has them, and per form its sheet, outcome and revision.
func fileEntry(ctx context.Context, opts ImportOptions, out []*ImportResult) *store.AuditEntry {
	var unit string
	var rev int64
	var parts []string
	file := ""
	for _, r := range out {
		file = r.File
		if unit == "" {
			unit = r.UnitCode
		}
		if rev == 0 {
			rev = r.Revision
		}
		p := r.Outcome
		if r.Sheet != "" {
			p = r.Sheet + ": " + p
		}
		if r.Template != "" {
			p += fmt.Sprintf(" %s %d", r.Template, r.Year)
		}
		if r.Revision != 0 {
			p += fmt.Sprintf(" #%d", r.Revision)
		}
		if r.Sheet == "" && r.FirstError != "" {
			p += " " + clip(oneLine(r.FirstError), 200)
		}
		parts = append(parts, p)
	}
	return entry(ctx, opts.importActor(), opts.importAction(), unit, rev, file+" — "+strings.Join(parts, "; "))
}

// auditFiles appends the entries of files whose results are final and
// that were not recorded with their revisions (nothing stored, or a
// records store that is no store.AuditedBatch). When that fails, each
// result says so in FirstError, and the error is returned.
func (s *Service) auditFiles(ctx context.Context, opts ImportOptions, files ...[]*ImportResult) error {
	if s.Audit == nil || len(files) == 0 {
		return nil
	}
	es := make([]*store.AuditEntry, 0, len(files))
	for _, out := range files {
		if len(out) > 0 {
			es = append(es, fileEntry(ctx, opts, out))
		}
	}
	err := s.Audit.AppendBatch(ctx, es)
	if err == nil {
		return nil
	}
	msg := fmt.Sprintf("审计日志未能记录 (audit log not written: %v)", err)
	for _, out := range files {
		for _, r := range out {
			if r.FirstError == "" {
				r.FirstError = msg
			} else {
				r.FirstError += "；" + msg
			}
		}
	}
	return fmt.Errorf("audit %s: %w", opts.importAction(), err)
}

// addAudited records the planned revisions of files in one transaction,
// with their audit entries in it when the records store can
// (store.AuditedBatch), finishing their results; else after it. The
// error is the store's (nothing recorded) or the audit log's (recorded,
// results say so).
func (s *Service) addAudited(ctx context.Context, opts ImportOptions, files []*pendingFile) error {
	nrs := make([][]*store.NewRevision, len(files))
	for i, p := range files {
		nrs[i] = p.nrs
	}
	if ab, ok := s.Records.(store.AuditedBatch); ok && s.Audit != nil {
		_, _, err := ab.AddRevisionBatchAudited(ctx, nrs, func(revs [][]*store.Revision, outs [][]string) []*store.AuditEntry {
			es := make([]*store.AuditEntry, len(files))
			for i, p := range files {
				p.finish(revs[i], outs[i])
				es[i] = fileEntry(ctx, opts, p.out)
			}
			return es
		})
		return err
	}
	revs, outs, err := s.Records.AddRevisionBatch(ctx, nrs)
	if err != nil {
		return err
	}
	outsOf := make([][]*ImportResult, len(files))
	for i, p := range files {
		p.finish(revs[i], outs[i])
		outsOf[i] = p.out
	}
	if err := s.auditFiles(ctx, opts, outsOf...); err != nil {
		return errAudited{err}
	}
	return nil
}

// errAudited is an audit log failure after the revisions were recorded.
type errAudited struct{ error }

func (e errAudited) Unwrap() error { return e.error }

// isAudited reports whether err is an audit failure after recording.
func isAudited(err error) bool {
	var a errAudited
	return errors.As(err, &a)
}

// clip shortens s to n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// oneLine folds line breaks into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// RecordRevisions appends one entry per revision of revs (its unit and id,
// detail(rev) for people) in one batch: all or none. Without an audit log
// it does nothing.
func (s *Service) RecordRevisions(ctx context.Context, a Actor, action string, revs []*store.Revision, detail func(*store.Revision) string) error {
	if s.Audit == nil || len(revs) == 0 {
		return nil
	}
	es := make([]*store.AuditEntry, len(revs))
	for i, rev := range revs {
		es[i] = entry(ctx, a, action, rev.UnitCode, rev.ID, detail(rev))
	}
	if err := s.Audit.AppendBatch(ctx, es); err != nil {
		return fmt.Errorf("record %s: %w", action, err)
	}
	return nil
}

// UnitCodeOf returns the code of the unit key names (a code, registered
// name or alias), or key itself when it names no unit (yet): what the audit
// log records as an account's unit.
func (s *Service) UnitCodeOf(ctx context.Context, key string) string {
	if key == "" || s.Units == nil {
		return key
	}
	if u, err := s.Units.Unit(ctx, key); err == nil {
		return u.Code
	}
	return key
}
