package bench

import "sort"

// Repeats. The machine is a shared VM whose disk and CPU speed vary from
// one minute to the next (identical imports differ by a tenth or more), so
// scripts/bench.sh runs this code's imports, regenerations and reads of the
// large sheet several times (rounds, BENCH_REPEAT) and the targets take the median of each
// figure over the rounds. The base runs once: it is the reference of the
// × base column, not judged against a target.

// medianImports returns one run per import (code, set, store and count) in
// the order of their first round: the median of its rounds, each figure on
// its own — wall time, CPU time (user, system, versitygw and PostgreSQL of
// the round with the median total) and peak RSS. With an even number of
// rounds the slower (larger) middle figure counts.
func medianImports(runs []ImportRun) []ImportRun {
	type key struct {
		code, set, store string
		n                int
	}
	groups := map[key][]ImportRun{}
	var order []key
	for _, r := range runs {
		k := key{r.Code, r.Set, r.Store, r.Workbooks}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := make([]ImportRun, 0, len(order))
	for _, k := range order {
		rs := groups[k]
		m := rs[0]
		m.Rounds = len(rs)
		m.Child.Wall = medianOf(rs, func(r ImportRun) int64 { return int64(r.Child.Wall) }).Child.Wall
		c := medianOf(rs, func(r ImportRun) int64 { return int64(r.Child.User + r.Child.System + r.Child.Other) })
		m.Child.User, m.Child.System, m.Child.Other, m.Child.Postgres = c.Child.User, c.Child.System, c.Child.Other, c.Child.Postgres
		m.Child.MaxRSS = medianOf(rs, func(r ImportRun) int64 { return r.Child.MaxRSS }).Child.MaxRSS
		for _, r := range rs {
			if r.Storage != nil {
				m.Storage = r.Storage
			}
		}
		out = append(out, m)
	}
	return out
}

// medianRegens is medianImports for regenerate runs (one per set).
func medianRegens(runs []RegenRun) []RegenRun {
	groups := map[string][]RegenRun{}
	var order []string
	for _, r := range runs {
		if _, ok := groups[r.Set]; !ok {
			order = append(order, r.Set)
		}
		groups[r.Set] = append(groups[r.Set], r)
	}
	out := make([]RegenRun, 0, len(order))
	for _, set := range order {
		rs := groups[set]
		m := rs[0]
		m.Rounds = len(rs)
		m.Wall = medianOf(rs, func(r RegenRun) int64 { return int64(r.Wall) }).Wall
		c := medianOf(rs, func(r RegenRun) int64 { return int64(r.CPU) })
		m.CPU, m.ExportCPU = c.CPU, c.ExportCPU
		out = append(out, m)
	}
	return out
}

// medianBig is medianImports for reads of the large sheet by one reader.
func medianBig(runs []BigRun) BigRun {
	m := runs[0]
	m.Rounds = len(runs)
	w := medianOf(runs, func(r BigRun) int64 { return int64(r.Child.Wall) })
	m.Child.Wall, m.Inner, m.Error = w.Child.Wall, w.Inner, w.Error
	c := medianOf(runs, func(r BigRun) int64 { return int64(r.Child.User + r.Child.System) })
	m.Child.User, m.Child.System = c.Child.User, c.Child.System
	m.Child.MaxRSS = medianOf(runs, func(r BigRun) int64 { return r.Child.MaxRSS }).Child.MaxRSS
	for _, r := range runs {
		if r.Error != "" {
			m.Error = r.Error // a failed round fails the target
		}
	}
	return m
}

// medianOf returns the element of rs with the median f (the larger of the
// two middle ones for an even count).
func medianOf[T any](rs []T, f func(T) int64) T {
	s := append([]T(nil), rs...)
	sort.SliceStable(s, func(i, j int) bool { return f(s[i]) < f(s[j]) })
	return s[len(s)/2]
}
