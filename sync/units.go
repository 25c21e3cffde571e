package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// OutcomePending: the form's unit matched no registered unit, or several;
// it was kept and waits in the 待确认单位 queue (see Assign).
const OutcomePending = store.OutcomePending

// FieldUnitCode is the field key a template may give the unit's code
// (单位编码) under: a form that has it is matched by code first.
const FieldUnitCode = "unit_code"

// ErrNoRegistry means the service has no unit registry (or its records
// store keeps no 待确认单位 queue).
var ErrNoRegistry = errors.New("no unit registry")

// ResolveUnit returns the unit a person named: by code, else exact
// registered name, else alias. Errors: store.ErrNotFound (the message says
// so in Chinese), ErrNoRegistry.
func (s *Service) ResolveUnit(ctx context.Context, key string) (*store.Unit, error) {
	key = strings.TrimSpace(key)
	if s.Units == nil {
		return nil, fmt.Errorf("resolve unit %s: %w", key, ErrNoRegistry)
	}
	u, err := s.Units.Unit(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("没有编码、名称或别名为“%s”的单位 (no unit %q: %w)", key, key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("resolve unit %s: %w", key, err)
	}
	return u, nil
}

// UnitName is the registered name of the unit key names (code, name or
// alias), or key itself when no unit has it or there is no registry: for
// commands that take a unit as people type it.
func (s *Service) UnitName(ctx context.Context, key string) (string, error) {
	u, err := s.ResolveUnit(ctx, key)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, ErrNoRegistry) {
		return strings.TrimSpace(key), nil
	}
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

// unitIndex matches typed unit names against the registered units.
type unitIndex struct {
	units  []*store.Unit
	byCode map[string]*store.Unit
	// registered is false when no roster was imported: units are then the
	// names typed, as before there was a registry.
	registered bool
}

// unitIndex reads the registry once for matching a file's forms; nil
// when the service has none.
func (s *Service) unitIndex(ctx context.Context) (*unitIndex, error) {
	if s.Units == nil {
		return nil, nil
	}
	reg, err := s.Units.Registered(ctx)
	if err != nil || !reg {
		return nil, err
	}
	all, err := s.Units.Units(ctx)
	if err != nil {
		return nil, err
	}
	x := &unitIndex{byCode: map[string]*store.Unit{}, registered: true}
	for _, u := range all {
		if u.Registered {
			x.units = append(x.units, u)
			x.byCode[u.Code] = u
		}
	}
	return x, nil
}

// unitIndexAge is how long the files of an import batch use the unit
// index read for them (batchUnits) before it is read again: a roster
// imported while a long batch runs (another server's, or the portal's) is
// seen by the files planned from then on, as when every file read it.
const unitIndexAge = time.Second

// batchUnits is the unit index the files of one import batch share,
// instead of each file reading the registry (one query per file, and all
// units when a roster is registered). The zero value is ready; nil reads
// the registry on every call.
type batchUnits struct {
	mu   gosync.Mutex
	x    *unitIndex
	read time.Time // when x was read; zero: not yet
}

// index returns the registry's unit index, read at most unitIndexAge ago.
func (b *batchUnits) index(ctx context.Context, s *Service) (*unitIndex, error) {
	if b == nil {
		return s.unitIndex(ctx)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.read.IsZero() && time.Since(b.read) < unitIndexAge {
		return b.x, nil
	}
	at := time.Now()
	x, err := s.unitIndex(ctx)
	if err != nil {
		return nil, err
	}
	b.x, b.read = x, at
	return x, nil
}

// match returns the registered unit a form names: by code (when the form
// gives one that is registered), else by exact name or alias, else by
// normalised name (white space, full-width forms), else by name with a
// leading province, city or district left out on either side (SameUnit).
// At each step exactly one unit must match; none or several is nil:
// never guessed.
func (x *unitIndex) match(code, name string) *store.Unit {
	if u := x.byCode[strings.TrimSpace(code)]; u != nil {
		return u
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	steps := []func(n string) bool{
		func(n string) bool { return n == name },
		func(n string) bool { return mapping.NormLabel(n) == mapping.NormLabel(name) },
		func(n string) bool { return SameUnit(n, name) },
	}
	for _, same := range steps {
		var found []*store.Unit
		for _, u := range x.units {
			if same(u.Name) || anyOf(u.Aliases, same) {
				found = append(found, u)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0]
		default:
			return nil
		}
	}
	return nil
}

func anyOf(names []string, f func(string) bool) bool {
	for _, n := range names {
		if f(n) {
			return true
		}
	}
	return false
}

// fileUnder decides where a planned revision is filed once a roster is
// registered: under the matched unit's code, or, when none or several
// match, in the 待确认单位 queue (nr.Unit emptied, nr.PendingUnit the name
// as typed). code is the form's unit code field, when it has one.
func (x *unitIndex) fileUnder(nr *store.NewRevision, ir *ImportResult, code string) {
	if x == nil || !x.registered || nr.Unit == "" || nr.UnitCode != "" {
		return
	}
	if u := x.match(code, nr.Unit); u != nil {
		nr.UnitCode, ir.Unit = u.Code, u.Name
		return
	}
	nr.PendingUnit, nr.Unit = nr.Unit, ""
}

// unitCodeOf is the unit code a form gives (field FieldUnitCode), or "".
func unitCodeOf(res *mapping.Result) string {
	if res == nil {
		return ""
	}
	v, ok := res.Fields[FieldUnitCode]
	if !ok {
		return ""
	}
	if v.Text != "" {
		return strings.TrimSpace(v.Text)
	}
	return strings.TrimSpace(v.Raw)
}

// foreignUnit reports, for an agency's upload, whether the unit typed in
// a form is another unit than the agency's own. With a registry, only a
// name that matches another registered unit is foreign: one that matches
// none (or several) is not guessed and waits in the queue. Without one,
// names are compared as SameUnit does.
func (s *Service) foreignUnit(ctx context.Context, u *store.User, rep *Report, typed string) (bool, error) {
	if typed == "" {
		return false, nil
	}
	x, err := s.unitIndex(ctx)
	if err != nil {
		return false, err
	}
	if x == nil {
		return !SameUnit(typed, u.Unit), nil
	}
	m := x.match(unitCodeOf(rep.Result), typed)
	if m == nil {
		return false, nil
	}
	own := x.byCode[u.Unit]
	if own == nil {
		own = x.match("", u.Unit)
	}
	return own == nil || own.Code != m.Code, nil
}

// pendingStore is the records store's 待确认单位 queue.
func (s *Service) pendingStore() (store.PendingUnits, error) {
	p, ok := s.Records.(store.PendingUnits)
	if !ok || s.Units == nil {
		return nil, fmt.Errorf("待确认单位: %w", ErrNoRegistry)
	}
	return p, nil
}

// Pending returns the revisions waiting in the 待确认单位 queue, oldest
// first.
func (s *Service) Pending(ctx context.Context) ([]*store.PendingRevision, error) {
	p, err := s.pendingStore()
	if err != nil {
		return nil, err
	}
	return p.Pending(ctx)
}

// Assign files a waiting revision under the unit key names (code, name or
// alias): a new revision of that unit's submission made from it, the
// assignment recorded and the typed name kept as an alias of the unit. It
// returns the filed revision. Errors (in Chinese): no such unit, a
// revision that is not waiting, one assigned already (wrapping
// store.ErrExists).
func (s *Service) Assign(ctx context.Context, revision int64, key string, by Actor) (*store.Revision, error) {
	p, err := s.pendingStore()
	if err != nil {
		return nil, err
	}
	unit, err := s.ResolveUnit(ctx, key)
	if err != nil {
		return nil, err
	}
	_, a, err := p.PendingRevision(ctx, revision)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("修订 %d 不在待确认单位中 (revision %d is not waiting for a unit: %w)", revision, revision, err)
	}
	if err != nil {
		return nil, err
	}
	if a != nil {
		return nil, fmt.Errorf("修订 %d 已于 %s 由 %s 归入单位 %s（修订 %d），不能再次归入 (revision %d was assigned already: %w)",
			revision, a.At.Local().Format("2006-01-02 15:04"), a.By, a.UnitCode, a.Filed, revision, store.ErrExists)
	}
	rev, err := p.Assign(ctx, revision, unit.Code, by.Name)
	if errors.Is(err, store.ErrExists) {
		return nil, fmt.Errorf("修订 %d 已归入其他单位，不能再次归入 (%w)", revision, err)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Record(ctx, by, store.ActionAssign, unit.Code, rev.ID,
		fmt.Sprintf("revision %d filed under %s %s as revision %d", revision, unit.Code, unit.Name, rev.ID)); err != nil {
		return rev, err
	}
	return rev, nil
}

// AssignFor is Assign for a portal user: bureau staff only.
func (s *Service) AssignFor(ctx context.Context, u *store.User, revision int64, key string) (*store.Revision, error) {
	if u == nil || u.Disabled || u.Role != store.RoleBureau {
		return nil, ErrForbidden
	}
	return s.Assign(ctx, revision, key, UserActor(ctx, u))
}

// PendingFor is Pending for a portal user: bureau staff only.
func (s *Service) PendingFor(ctx context.Context, u *store.User) ([]*store.PendingRevision, error) {
	if u == nil || u.Disabled || u.Role != store.RoleBureau {
		return nil, ErrForbidden
	}
	return s.Pending(ctx)
}

// RegisteredUnits returns the registered units, by code, for choosers.
func (s *Service) RegisteredUnits(ctx context.Context) ([]*store.Unit, error) {
	if s.Units == nil {
		return nil, nil
	}
	all, err := s.Units.Units(ctx)
	if err != nil {
		return nil, err
	}
	var out []*store.Unit
	for _, u := range all {
		if u.Registered {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}
