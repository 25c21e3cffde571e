package sync

import (
	"context"
	"fmt"

	"github.com/jxsync/jxsync/store"
)

// Access is what one account may see, resolved against the unit tree:
// bureau staff every unit, an agency its own unit, a department (主管部门)
// its unit and every unit below it.
type Access struct {
	// User is the account.
	User *store.User
	// Tree is the unit registry as a tree (empty without a registry).
	Tree *UnitTree
	// Unit is the code of the account's unit in Tree ("" for bureau
	// staff, and for an account whose unit is a name the registry does not
	// hold).
	Unit string
	// subtree holds the codes a department sees.
	subtree map[string]bool
}

// AccessOf resolves what u may see. An account's unit (store.User.Unit) is
// a unit's code, or a name (an account made before the registry, or
// without one) matched to the registered name or an alias.
func (s *Service) AccessOf(ctx context.Context, u *store.User) (*Access, error) {
	tree, err := s.UnitTree(ctx)
	if err != nil {
		return nil, err
	}
	a := &Access{User: u, Tree: tree}
	if u == nil || u.Role == store.RoleBureau || u.Unit == "" {
		return a, nil
	}
	a.Unit = tree.Find(u.Unit)
	if u.Role == store.RoleDepartment && a.Unit != "" {
		a.subtree = map[string]bool{}
		for _, c := range tree.Subtree(a.Unit) {
			a.subtree[c] = true
		}
	}
	return a, nil
}

// UnitTree returns the registry as a tree; without a registry (Units nil)
// an empty tree.
func (s *Service) UnitTree(ctx context.Context) (*UnitTree, error) {
	if s.Units == nil {
		return NewUnitTree(nil)
	}
	units, err := s.Units.Units(ctx)
	if err != nil {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	return NewUnitTree(units)
}

// Find returns the code of the unit that key names: its code, its exact
// name or one of its aliases ("" when none).
func (t *UnitTree) Find(key string) string {
	if t.byCode[key] != nil {
		return key
	}
	for code, u := range t.byCode {
		if u.Name == key {
			return code
		}
	}
	for code, u := range t.byCode {
		for _, a := range u.Aliases {
			if a == key {
				return code
			}
		}
	}
	return ""
}

// Owns reports whether rev is of the account's own unit.
func (a *Access) Owns(rev *store.Revision) bool {
	u := a.User
	if u == nil || rev == nil || u.Unit == "" {
		return false
	}
	if a.Unit != "" && rev.UnitCode != "" {
		return rev.UnitCode == a.Unit
	}
	return rev.Unit != "" && (rev.Unit == u.Unit || rev.UnitCode == u.Unit)
}

// SeesUnit reports whether the account sees the submissions of the unit
// with that code (bureau staff: all; an agency: its own; a department: its
// subtree).
func (a *Access) SeesUnit(code string) bool {
	u := a.User
	if u == nil || u.Disabled {
		return false
	}
	switch u.Role {
	case store.RoleBureau:
		return true
	case store.RoleDepartment:
		return a.subtree[code]
	case store.RoleAgency:
		return code != "" && code == a.Unit
	}
	return false
}

// CanSee reports whether the account may read rev (and, for its own
// unit's, write): bureau staff all; an agency its own unit's; a department
// those of every unit of its subtree, its own included; everyone the
// revisions of no submission they uploaded themselves (to see why they
// could not be filed and fix them).
func (a *Access) CanSee(rev *store.Revision) bool {
	u := a.User
	if u == nil || rev == nil || u.Disabled {
		return false
	}
	if u.Role == store.RoleBureau {
		return true
	}
	if u.Role != store.RoleAgency && u.Role != store.RoleDepartment {
		return false
	}
	if rev.SubmissionID == 0 && rev.Unit == "" {
		return rev.UploadedBy != "" && rev.UploadedBy == u.Name
	}
	if a.Owns(rev) {
		return true
	}
	return u.Role == store.RoleDepartment && rev.UnitCode != "" && a.subtree[rev.UnitCode]
}
