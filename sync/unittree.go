package sync

import (
	"fmt"
	"sort"

	"github.com/jxsync/jxsync/store"
)

// UnitTree is the registry as a tree: 财政 → 主管部门 → 预算单位, any depth.
//
// The bureau level: a unit at the top whose children have units below them
// (a roster that lists 财政 itself with its departments under it) is the
// bureau, not a department. A unit's department is its parent unless that
// parent is the bureau; units at the top, their own forms and units directly
// under the bureau have no department: 财政 alone reviews them.
type UnitTree struct {
	byCode   map[string]*store.Unit
	children map[string][]string
	// Roots are the codes of the units at the top, in code order.
	Roots []string
}

// NewUnitTree builds the tree of units. A unit whose parent code is no
// unit's is a root. Errors: a cycle of parents (the error names a unit on
// it).
func NewUnitTree(units []*store.Unit) (*UnitTree, error) {
	t := &UnitTree{byCode: map[string]*store.Unit{}, children: map[string][]string{}}
	for _, u := range units {
		t.byCode[u.Code] = u
	}
	for _, u := range units {
		if u.Parent != "" && t.byCode[u.Parent] != nil {
			t.children[u.Parent] = append(t.children[u.Parent], u.Code)
		} else {
			t.Roots = append(t.Roots, u.Code)
		}
	}
	for _, c := range t.children {
		sort.Strings(c)
	}
	sort.Strings(t.Roots)
	seen := 0
	for _, r := range t.Roots {
		seen += len(t.Subtree(r))
	}
	if seen != len(t.byCode) {
		for _, u := range units {
			if t.onCycle(u.Code) {
				return nil, fmt.Errorf("unit tree: 上级单位编码构成循环，单位 %s %s 是自己的上级 (the parents of %s form a cycle)", u.Code, u.Name, u.Code)
			}
		}
	}
	return t, nil
}

// onCycle reports whether following parents from code comes back to it.
func (t *UnitTree) onCycle(code string) bool {
	cur := code
	for i := 0; i <= len(t.byCode); i++ {
		u := t.byCode[cur]
		if u == nil || u.Parent == "" || t.byCode[u.Parent] == nil {
			return false
		}
		cur = u.Parent
		if cur == code {
			return true
		}
	}
	return true
}

// Unit returns the unit with that code, or nil.
func (t *UnitTree) Unit(code string) *store.Unit {
	return t.byCode[code]
}

// Children returns the codes of the units directly below code, in code
// order.
func (t *UnitTree) Children(code string) []string {
	return t.children[code]
}

// Parent returns the code of the unit above code ("" at the top).
func (t *UnitTree) Parent(code string) string {
	u := t.byCode[code]
	if u == nil || t.byCode[u.Parent] == nil {
		return ""
	}
	return u.Parent
}

// Subtree returns code and the codes of every unit below it, depth first
// in code order; nil for an unknown code.
func (t *UnitTree) Subtree(code string) []string {
	if t.byCode[code] == nil {
		return nil
	}
	out := []string{code}
	for _, c := range t.children[code] {
		out = append(out, t.Subtree(c)...)
	}
	return out
}

// Contains reports whether unit is top or below it.
func (t *UnitTree) Contains(top, unit string) bool {
	for cur, i := unit, 0; cur != "" && i <= len(t.byCode); i++ {
		if cur == top {
			return true
		}
		cur = t.Parent(cur)
	}
	return false
}

// IsBureau reports whether code is the bureau level: a unit at the top
// with units two levels below it.
func (t *UnitTree) IsBureau(code string) bool {
	if t.Parent(code) != "" {
		return false
	}
	for _, c := range t.children[code] {
		if len(t.children[c]) > 0 {
			return true
		}
	}
	return false
}

// Department returns the code of the department that reviews code's forms
// first: its parent, unless that is the bureau or code is at the top ("":
// 财政 alone reviews them).
func (t *UnitTree) Department(code string) string {
	p := t.Parent(code)
	if p == "" || t.IsBureau(p) {
		return ""
	}
	return p
}
