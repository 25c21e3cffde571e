package sync

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/jxsync/jxsync/store"
)

// Rollup is the consolidation of a group of a summary's rows: a
// department (主管部门) with the units below it, or the whole.
type Rollup struct {
	// Code and Name are the department's; both empty for the whole, and
	// Code empty with Name NoDepartment for units of no department.
	Code, Name string
	// Forms is the number of submissions, Units of units that submitted.
	Forms, Units int
	// Budget and Spent add the rows' amounts (万元; nil when no row has one).
	Budget, Spent *float64
	// Rate is the 执行率 weighted by budget: Σ(执行率 × 预算数) / Σ预算数 over
	// the rows with both (percent; nil when none has).
	Rate *float64
	// Score is the average 总分 of the rows with one (nil when none has).
	Score *float64
	// Grades counts the rows per grade, in GradeNames order; Ungraded
	// those without 总分.
	Grades   []int
	Ungraded int
	// States counts the submissions per state and the missing units
	// (StateMissing).
	States map[string]int
}

// NoDepartment names the group of units that have no department: units
// directly under 财政 and units not in the registry.
const NoDepartment = "财政直管及未登记单位"

// add counts row r into the rollup.
func (g *Rollup) add(r *UnitRow) {
	g.Forms++
	addAmount(&g.Budget, r.Budget)
	addAmount(&g.Spent, r.Spent)
	if i := slices.Index(GradeNames, r.Grade); i >= 0 {
		g.Grades[i]++
	} else {
		g.Ungraded++
	}
	g.States[r.State]++
}

// addAmount adds x to *sum, which is nil until a value is added.
func addAmount(sum **float64, x *float64) {
	if x == nil {
		return
	}
	if *sum == nil {
		*sum = new(float64)
	}
	**sum = math.Round((**sum+*x)*1e6) / 1e6
}

// finish computes the weighted rate, the average score and the units of
// rows.
func (g *Rollup) finish(rows []*UnitRow) {
	var wsum, bsum, ssum float64
	var nrate, nscore int
	units := map[string]bool{}
	for _, r := range rows {
		units[r.UnitCode+"\x00"+r.Unit] = true
		if r.Rate != nil && r.Budget != nil {
			wsum += *r.Rate * *r.Budget
			bsum += *r.Budget
			nrate++
		}
		if r.Score != nil {
			ssum += *r.Score
			nscore++
		}
	}
	g.Units = len(units)
	if nrate > 0 && bsum != 0 {
		x := math.Round(wsum/bsum*100) / 100
		g.Rate = &x
	}
	if nscore > 0 {
		x := math.Round(ssum/float64(nscore)*100) / 100
		g.Score = &x
	}
}

func newRollup(code, name string) Rollup {
	return Rollup{Code: code, Name: name, Grades: make([]int, len(GradeNames)), States: map[string]int{}}
}

// rollupGroup is the department a unit is totalled under: the unit below
// the bureau level on its way up (a department's own forms count in its
// department), "" for the bureau itself, units directly under it without
// units of their own, and units not in the tree.
func rollupGroup(t *UnitTree, code string) string {
	if t.Unit(code) == nil || t.IsBureau(code) {
		return ""
	}
	cur := code
	for i := 0; i < 1000; i++ {
		p := t.Parent(cur)
		if p == "" || t.IsBureau(p) {
			break
		}
		cur = p
	}
	if cur == code && len(t.Children(code)) == 0 {
		return ""
	}
	return cur
}

// rollup fills the summary's department totals and whole total, limited
// to the subtree of under when given.
func (s *Service) rollup(ctx context.Context, sum *Summary, under string) error {
	tree, err := s.unitTree(ctx)
	if err != nil {
		return err
	}
	registered := false
	if s.Units != nil {
		if registered, err = s.Units.Registered(ctx); err != nil {
			return err
		}
	}
	byName := map[string]string{}
	if registered {
		units, err := s.Units.Units(ctx)
		if err != nil {
			return err
		}
		for _, u := range units {
			byName[unitKey(u.Name)] = u.Code
			for _, a := range u.Aliases {
				byName[unitKey(a)] = u.Code
			}
		}
	}
	for len(sum.MissingCodes) < len(sum.Missing) {
		sum.MissingCodes = append(sum.MissingCodes, "")
	}
	for i, name := range sum.Missing {
		if sum.MissingCodes[i] == "" {
			sum.MissingCodes[i] = byName[unitKey(name)]
		}
	}
	if under != "" {
		if !registered {
			return fmt.Errorf("--under %s: 尚未导入单位名册 (no unit registry): %w", under, store.ErrNotFound)
		}
		u, err := s.Units.Unit(ctx, under)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("没有单位 %q (no such unit): %w", under, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		sum.Under, sum.UnderName = u.Code, u.Name
		limitTo(sum, tree, u.Code)
	}
	sum.Total = newRollup("", "")
	groups := map[string]*Rollup{}
	rowsOf := map[string][]*UnitRow{}
	var all []*UnitRow
	group := func(code string) *Rollup {
		if !registered {
			return nil
		}
		g := rollupGroup(tree, code)
		if groups[g] == nil {
			name := NoDepartment
			if u := tree.Unit(g); u != nil {
				name = u.Name
			}
			r := newRollup(g, name)
			groups[g] = &r
		}
		return groups[g]
	}
	for i := range sum.Units {
		r := &sum.Units[i]
		sum.Total.add(r)
		all = append(all, r)
		if g := group(r.UnitCode); g != nil {
			g.add(r)
			rowsOf[g.Code] = append(rowsOf[g.Code], r)
			r.Department = g.Code
			if g.Code != "" {
				r.DepartmentName = g.Name
			}
		}
	}
	for _, code := range sum.MissingCodes {
		sum.Total.States[StateMissing]++
		if g := group(code); g != nil {
			g.States[StateMissing]++
		}
	}
	sum.Total.finish(all)
	sum.Departments = nil
	for code, g := range groups {
		g.finish(rowsOf[code])
		sum.Departments = append(sum.Departments, *g)
	}
	sort.Slice(sum.Departments, func(i, j int) bool {
		a, b := sum.Departments[i].Code, sum.Departments[j].Code
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	if registered {
		order := map[string]int{}
		for i, d := range sum.Departments {
			order[d.Code] = i
		}
		sort.SliceStable(sum.Units, func(i, j int) bool {
			a, b := &sum.Units[i], &sum.Units[j]
			if order[a.Department] != order[b.Department] {
				return order[a.Department] < order[b.Department]
			}
			if a.UnitCode != b.UnitCode {
				return a.UnitCode < b.UnitCode
			}
			return a.Subject < b.Subject
		})
	}
	return nil
}

// limitTo keeps the summary's rows, indicators and missing units of the
// subtree of top.
func limitTo(sum *Summary, tree *UnitTree, top string) {
	var units []UnitRow
	keep := map[int64]bool{}
	for _, r := range sum.Units {
		if tree.Contains(top, r.UnitCode) {
			units = append(units, r)
			keep[r.Revision] = true
		}
	}
	sum.Units = units
	var inds []IndicatorRow
	for _, r := range sum.Indicators {
		if keep[r.Revision] {
			inds = append(inds, r)
		}
	}
	sum.Indicators = inds
	var missing, codes []string
	for i, code := range sum.MissingCodes {
		if code != "" && tree.Contains(top, code) {
			missing = append(missing, sum.Missing[i])
			codes = append(codes, code)
		}
	}
	sum.Missing, sum.MissingCodes = missing, codes
}

// Whole returns the total of the whole summary: Total as the service
// computed it, or, for a summary built otherwise, the totals of its rows
// and missing units.
func (s *Summary) Whole() Rollup {
	if s.Total.Grades != nil {
		return s.Total
	}
	t := newRollup("", "")
	var all []*UnitRow
	for i := range s.Units {
		t.add(&s.Units[i])
		all = append(all, &s.Units[i])
	}
	t.States[StateMissing] += len(s.Missing)
	t.finish(all)
	return t
}
